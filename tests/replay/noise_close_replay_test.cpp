// A noise replay's work on the held rx of the channels the doers close: a
// close discards its channel's held rx (a delay longer than what is left of
// the run holds them all), and found them by looking at every held rx of
// every channel: n channels closing with their rx held cost n times all the
// rx held (xsim27 M1: 800 requesters under --noise delay=1h-1h, 152 s). A
// close looks at its own channel's only now. Counted
// (Replayer::noise_close_looked_at), not timed.
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
namespace noise_close_replay_test {

using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms
constexpr Tock kRun{60'000'000};  // 60 passes
constexpr int kRequests = 10;     // a datagram a pass each, for 10 passes
constexpr int kLinger = 10;       // passes to read the answers, then its close

// Sends kRequests datagrams to server:7 from its own port, one a pass, reads
// the answers for kLinger passes more, then closes its channel: while the
// run goes on, so the close (not the run's end) discards what is held.
class Asker final : public UdpPeerDoer {
 public:
  Asker(IoHub& io, int index)
      : UdpPeerDoer(io, "sim://client:0", {}, "asker-" + std::to_string(index)) {}

 protected:
  void serve(Channel& channel) override {
    while (channel.receive()) {
    }
    if (sent_ < kRequests) {
      if (channel.send("server:7", "request " + std::to_string(sent_))) ++sent_;
    } else {
      ++lingered_;
    }
    if (lingered_ < kLinger) rerun();
  }
  bool finished(const Channel&) const override { return lingered_ >= kLinger; }

 private:
  int sent_ = 0;
  int lingered_ = 0;
};

// Answers every datagram to server:7 with its own bytes.
class Answerer final : public UdpPeerDoer {
 public:
  explicit Answerer(IoHub& io) : UdpPeerDoer(io, "sim://server:7", {}, "answerer") {}

 protected:
  void serve(Channel& channel) override {
    while (auto d = channel.receive())
      (void)channel.send(d->peer, d->bytes);
  }
};

// Records `askers` askers, then replays the journal with every rx delayed
// past the run's end; the held rx their closes looked at.
std::uint64_t close_looked_at(const TempDir& dir, int askers, NoiseStats& stats) {
  std::uint64_t looked_at = 0;
  test::record_then_replay_with_noise<Answerer, Asker>(
      dir.file("askers-" + std::to_string(askers) + ".hioj"), askers, kTock, kRun,
      {.latency = Tock{2'000'000}}, "delay=1h-1h",
      [&](const Replayer& replayer, const ReplayResult& r) {
        stats = r.noise;
        looked_at = replayer.noise_close_looked_at();
      });
  return looked_at;
}

TEST(ReplayNoiseClose, AClosedChannelsHeldRxAreFoundWithoutLookingAtEveryOthers) {
  TempDir dir;
  NoiseStats few_stats, many_stats;
  const std::uint64_t few = close_looked_at(dir, 50, few_stats);
  const std::uint64_t many = close_looked_at(dir, 200, many_stats);
  // Every rx was held (the answerer's too, to the end), and every asker's
  // answers were discarded by its close: the closes had work to do.
  ASSERT_EQ(many_stats.delayed, many_stats.rx_seen) << format_noise_stats(many_stats);
  ASSERT_GE(many_stats.undelivered, 2u * 200 * kRequests) << format_noise_stats(many_stats);
  // Each close looks at its own channel's held rx, each once: the askers'
  // answers. Looking at every held rx of every channel made it 601,000 for
  // 200 askers (37,750 for 50): the askers' square.
  EXPECT_EQ(many, 200u * kRequests) << format_noise_stats(many_stats);
  EXPECT_EQ(few, 50u * kRequests) << format_noise_stats(few_stats);
}

}  // namespace noise_close_replay_test
}  // namespace
}  // namespace hio::replay
