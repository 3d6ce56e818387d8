// Noise on replay: what a replay may do to the recorded inputs (drop, delay,
// duplicate, corrupt, reorder recorded rx), read from a spec string such as
// "drop=0.01,delay=0-20ms,dup=0.005,corrupt=0.001,reorder=0.01".
#pragma once

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "hio/engine/random.hpp"
#include "hio/engine/tyme.hpp"

namespace hio::replay {

// Spec grammar: comma-separated key=value items, each key at most once, no
// spaces. Probabilities are decimals in [0, 1] ("0", "1", "0.005"), read
// exactly (0.005 = 5/1000 as an integer threshold, no floating point).
// Durations use the scenario grammar (hio/engine/duration_text.hpp): a
// decimal with a unit ns, us, ms, s, m or h ("20ms", "1.5s", "0"), at most 24 h.
//   drop=P          drop a recorded rx (it never reaches the channel)
//   dup=P           deliver a recorded rx twice
//   corrupt=P       flip one bit of a recorded rx
//   reorder=P       hold a recorded datagram back until after the channel's
//                   next one (streams deliver in order: nothing happens)
//   delay=LO-HI     delay recorded rx by a uniform draw in [LO, HI] (units on
//                   both, or on HI only: "0-20ms"); or delay=D. A stream's
//                   chunks stay in order.
//   delay_p=P       the probability that an rx is delayed at all (default 1:
//                   every rx, jitter)
// Each kind is decided for every rx independently (a delayed rx may also be
// reordered). See docs/replay.md, "Noise on replay".
// An empty spec is no noise.
struct NoiseSpec {
  Probability drop{};
  Probability dup{};
  Probability corrupt{};
  Probability reorder{};
  Probability delay_p = Probability::always();
  Tock delay_min{0};
  Tock delay_max{0};
  bool delay = false;  // a delay= item was given

  std::string text{};  // the spec as parsed

  // No kind is on (every probability 0, no delay).
  bool empty() const;
  friend bool operator==(const NoiseSpec&, const NoiseSpec&) = default;
};

// The keys a spec knows, in the order above.
inline constexpr std::array<std::string_view, 6> kNoiseKeys = {"drop",    "dup",   "corrupt",
                                                               "reorder", "delay", "delay_p"};

// What a probability is, in every message about one that is not: a noise
// spec's ("expected a probability in [0, 1] (like 0.01), got '2'") and a
// scenario's (`net.link.loss must be a probability in [0, 1] (like 0.01)`).
inline constexpr std::string_view kProbabilityWords = "a probability in [0, 1] (like 0.01)";

// A spec that does not parse. what(): "noise spec: at offset 5 (key 'drop'):
// expected a probability in [0, 1] (like 0.01), got '1.5'". offset is the
// 0-based character offset in the spec text of what is wrong; key is "" when
// the key itself is wrong or missing. unknown_key is the key that is none of
// kNoiseKeys (what() names it and lists them), "" for any other error: a
// caller can suggest the nearest known key.
class NoiseSpecError : public std::invalid_argument {
 public:
  NoiseSpecError(std::size_t offset, std::string key, const std::string& why,
                 std::string unknown_key = {});
  std::size_t offset() const { return offset_; }
  const std::string& key() const { return key_; }
  const std::string& unknown_key() const { return unknown_key_; }

 private:
  std::size_t offset_;
  std::string key_;
  std::string unknown_key_;
};

// Throws NoiseSpecError.
NoiseSpec parse_noise_spec(std::string_view spec);

// The names of the random streams the noise draws from, one per kind, derived
// from the noise seed: adding a kind never changes another kind's draws.
inline constexpr std::string_view kNoiseStreamDrop = "replay-noise/drop";
inline constexpr std::string_view kNoiseStreamDup = "replay-noise/dup";
inline constexpr std::string_view kNoiseStreamCorrupt = "replay-noise/corrupt";
inline constexpr std::string_view kNoiseStreamReorder = "replay-noise/reorder";
inline constexpr std::string_view kNoiseStreamDelay = "replay-noise/delay";

}  // namespace hio::replay
