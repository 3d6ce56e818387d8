// A noise replay's work on the recorded inputs that wait for the doers'
// sends: over a link with jitter every datagram sent has the network's
// decision (a `delay` noise event) recorded with it, and a noise replay holds
// the channel's inputs behind that decision until the doers have made the
// send. With many senders in one pass, every one of them waits at once, and
// every driver's service pumps the feed: release_stalled looked at every
// waiting channel at every pump, n senders cost n * n a pass (xsim27: a
// noise replay of 800 requesters took 10 times as long as one of 200, with 4
// times the events). Only the channels whose inputs may go are looked at
// now. Counted (Replayer::noise_stalled_looked_at), not timed.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/io/udp_peer_doer.hpp"
#include "hio/replay/replay.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace noise_stalled_replay_test {

using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms
constexpr Tock kRun{50'000'000};  // 50 passes
constexpr int kSends = 40;        // a datagram a pass each, for 40 passes

// Sends kSends datagrams to server:7 from its own port, one a pass.
class Sender final : public UdpPeerDoer {
 public:
  Sender(IoHub& io, int index)
      : UdpPeerDoer(io, "sim://client:0", {}, "sender-" + std::to_string(index)) {}

 protected:
  void serve(Channel& channel) override {
    if (sent_ < kSends && channel.send("server:7", "datagram " + std::to_string(sent_))) ++sent_;
    if (sent_ < kSends) rerun();
  }

 private:
  int sent_ = 0;
};

// Reads whatever comes to server:7.
class Sink final : public UdpPeerDoer {
 public:
  explicit Sink(IoHub& io) : UdpPeerDoer(io, "sim://server:7", {}, "sink") {}

 protected:
  void serve(Channel& channel) override {
    while (channel.receive()) {
    }
  }
};

// Records `senders` senders over a link with jitter, then replays the journal
// with noise; the waiting inputs looked at.
std::uint64_t stalled_looked_at(const TempDir& dir, int senders, NoiseStats& stats) {
  std::uint64_t looked_at = 0;
  test::record_then_replay_with_noise<Sink, Sender>(
      dir.file("senders-" + std::to_string(senders) + ".hioj"), senders, kTock, kRun,
      {.latency = Tock{2'000'000}, .jitter = Tock{1'000'000}}, "drop=0.1",
      [&](const Replayer& replayer, const ReplayResult& r) {
        stats = r.noise;
        EXPECT_EQ(r.noise.tx_mismatches, 0u) << format_noise_stats(r.noise);
        EXPECT_EQ(r.noise.tx_missing_bytes, 0u) << format_noise_stats(r.noise);
        looked_at = replayer.noise_stalled_looked_at();
      });
  return looked_at;
}

TEST(ReplayNoiseStalled, TheWorkOnInputsWaitingForSendsFollowsTheSendersNotTheirSquare) {
  TempDir dir;
  NoiseStats few_stats, many_stats;
  const std::uint64_t few = stalled_looked_at(dir, 50, few_stats);
  const std::uint64_t many = stalled_looked_at(dir, 200, many_stats);
  // Each sender's decisions waited for its send: the walk had work to do.
  ASSERT_GT(many_stats.dropped, 500u) << format_noise_stats(many_stats);
  ASSERT_GT(few, 50u * kSends) << few;
  // A few looks per sender and pass: when it is stalled and when its send
  // releases it. Every waiting channel looked at at every service made it
  // 1.6 million for 200 senders (106,000 for 50): the senders' square; it is 2 a send now.
  EXPECT_LT(many, 4u * 200 * kSends) << few << " then " << many;
  // Four times the senders: about four times the work (sixteen before).
  EXPECT_LT(many, 6 * few) << few << " then " << many;
}

}  // namespace noise_stalled_replay_test
}  // namespace
}  // namespace hio::replay
