// Seeded randomness for runs: a fixed generator, named streams derived from one root
// seed, and our own integer-only distributions, so a draw is the same on every platform.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

#include "hio/engine/tyme.hpp"

namespace hio {

// The SplitMix64 output function (Stafford's "Mix13" variant), on its own: a bijection on
// 64-bit values that spreads every input bit over every output bit. Used to finish hashes
// and to combine seeds.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

// SplitMix64 (Steele, Lea, Flood 2014): a counter stepped by the golden gamma, passed
// through mix64. Only for seeding and mixing; runs draw from Xoshiro256ss. A value type:
// a copy continues the same sequence independently.
class SplitMix64 {
 public:
  static constexpr std::uint64_t kGoldenGamma = 0x9e3779b97f4a7c15u;

  constexpr explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  constexpr std::uint64_t next() {
    state_ += kGoldenGamma;
    return mix64(state_);
  }

 private:
  std::uint64_t state_;
};

// xoshiro256** 1.0 (Blackman, Vigna 2018): the generator behind every RandomStream.
// A value type: a copy continues the same sequence independently.
class Xoshiro256ss {
 public:
  using State = std::array<std::uint64_t, 4>;

  // The all-zero state is the one fixed point of the generator (it would yield zeros
  // forever), so it is refused.
  constexpr explicit Xoshiro256ss(const State& state) : s_(state) {
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) {
      throw std::invalid_argument("Xoshiro256ss: the all-zero state is invalid");
    }
  }

  // The state is the first four outputs of SplitMix64(seed), as the xoshiro authors
  // recommend. SplitMix64 is a bijection of its counter, so four consecutive outputs are
  // distinct and never all zero: every seed (0 included) is valid.
  static constexpr Xoshiro256ss from_seed(std::uint64_t seed) {
    SplitMix64 sm(seed);
    State s{};
    for (auto& word : s)
      word = sm.next();
    return Xoshiro256ss(s);
  }

  constexpr std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  constexpr const State& state() const { return s_; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  State s_;
};

// FNV-1a, 64-bit, over the bytes of `text` (taken as unsigned char, so the result does not
// depend on whether char is signed).
constexpr std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325u;
  for (char c : text) {
    h ^= static_cast<std::uint64_t>(static_cast<unsigned char>(c));
    h *= 0x100000001b3u;
  }
  return h;
}

// A platform-independent name hash: FNV-1a 64 finished with mix64. FNV-1a alone mixes its
// last bytes poorly; names like "link/0" and "link/1" must give unrelated streams.
constexpr std::uint64_t stable_hash(std::string_view name) {
  return mix64(fnv1a64(name));
}

// The seed of the stream (root_seed, name): mix64(root_seed ^ mix64(name_hash + gamma)).
// For a fixed root it is a bijection of the name hash (two names never share a seed unless
// their hashes collide) and for a fixed name a bijection of the root seed.
constexpr std::uint64_t derive_stream_seed(std::uint64_t root_seed, std::uint64_t name_hash) {
  return mix64(root_seed ^ mix64(name_hash + SplitMix64::kGoldenGamma));
}

// A probability held as an integer threshold t: an event of probability p happens when a
// uniform 64-bit draw is < t, i.e. with probability exactly t / 2^64. always() is the one
// value that does not fit (t = 2^64) and is kept as a flag. Default: never().
class Probability {
 public:
  constexpr Probability() = default;

  static constexpr Probability never() { return Probability(0, false); }
  static constexpr Probability always() {
    return Probability(std::numeric_limits<std::uint64_t>::max(), true);
  }
  // Exactly t / 2^64, as read back from a journal or a scenario.
  static constexpr Probability from_threshold(std::uint64_t threshold) {
    return Probability(threshold, false);
  }
  // p in [0, 1]: t = trunc(p * 2^64), exact for every double since the scaling is by a power
  // of two; 1.0 gives always(). Throws std::invalid_argument for anything else (NaN too).
  static Probability from_double(double p);
  // num / den with num <= den, den > 0: t = floor(num * 2^64 / den) in exact integer
  // arithmetic; num == den gives always(). Throws std::invalid_argument otherwise.
  static Probability from_ratio(std::uint64_t num, std::uint64_t den);

  // 2^64 - 1 for always(), whose true threshold 2^64 does not fit; check is_always().
  constexpr std::uint64_t threshold() const { return threshold_; }
  constexpr bool is_always() const { return always_; }

  constexpr bool operator==(const Probability&) const = default;

 private:
  constexpr Probability(std::uint64_t threshold, bool is_always)
      : threshold_(threshold), always_(is_always) {}

  std::uint64_t threshold_ = 0;
  bool always_ = false;
};

// One consumer's own sequence of draws (a link, a channel direction, a noise source),
// derived from (root seed, name) only: creating or drawing from another stream never changes
// this one's draws. A value owned by the caller; a copy forks the sequence (both copies
// yield the same draws from then on), which is what a snapshot wants and a second consumer
// does not: give every consumer its own name.
//
// Every draw is integer-only and its exact algorithm is in docs/determinism.md. Every draw
// function checks its arguments and throws std::invalid_argument naming the values and the
// stream; a refused call consumes no draws.
class RandomStream {
 public:
  RandomStream(std::uint64_t root_seed, std::string_view name);

  const std::string& name() const { return name_; }
  // The derived seed, derive_stream_seed(root_seed, stable_hash(name)).
  std::uint64_t seed() const { return seed_; }

  // The next raw xoshiro256** output.
  [[nodiscard]] std::uint64_t next_u64();
  // Uniform on [lo, hi], inclusive, unbiased (Lemire's multiply-shift with rejection).
  [[nodiscard]] std::int64_t uniform(std::int64_t lo, std::int64_t hi);
  // True with probability exactly p.threshold() / 2^64 (always() is always true). Consumes
  // exactly one draw whatever p is, so changing a probability never shifts later draws.
  [[nodiscard]] bool bernoulli(Probability p);
  // Uniform on [lo, hi] nanoseconds, inclusive; 0 <= lo <= hi.
  [[nodiscard]] Tock uniform_duration(Tock lo, Tock hi);
  // A bounded heavy-tailed latency in [min, max], 0 < min <= max: octave k >= 0 is chosen by
  // counting successive bernoulli(tail) successes (never past the octave that holds max),
  // then the value is uniform on [min*2^k, min*2^(k+1)) and clamped to max. Without the cap
  // the mean is (3*min*(1-q)/(1-2q) - 1)/2 ns for q = tail < 1/2 (infinite for q >= 1/2).
  [[nodiscard]] Tock heavy_tail(Tock min, Tock max, Probability tail);

 private:
  // Uniform on [0, range) for range > 0.
  std::uint64_t below(std::uint64_t range);
  [[noreturn]] void refuse(std::string_view call, const std::string& why) const;

  std::string name_;
  std::uint64_t seed_;
  Xoshiro256ss gen_;
};

// The root of a run's randomness: one seed, from which every named stream is derived.
// A value type; it holds no stream and remembers no names, so deriving the same name twice
// gives two identical streams (that is how a replay re-derives its streams).
class RandomSource {
 public:
  constexpr explicit RandomSource(std::uint64_t root_seed) : root_seed_(root_seed) {}

  constexpr std::uint64_t root_seed() const { return root_seed_; }
  // A fresh stream at the start of its sequence; the caller owns it.
  [[nodiscard]] RandomStream stream(std::string_view name) const {
    return RandomStream(root_seed_, name);
  }

 private:
  std::uint64_t root_seed_;
};

}  // namespace hio
