// A noise replay's work on the rx it holds back: with dup and delay, a
// stream whose reader is slower than its input holds a backlog of chunks
// that grows with the run. release_held looked at every chunk of it every
// pass (the first did not fit rx, the rest waited behind it), so a replay
// twice as long did four times the work (xgen16 finding 3: 0.09, 0.36 and
// 1.41 s for 50, 100 and 200 s of run). The chunks behind a stream's first
// held one are now looked at only once it is delivered: the work follows
// the passes and the chunks held. Counted (Replayer::noise_held_looked_at),
// not timed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/echo_server_doer.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/replay/replay.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace noise_held_replay_test {

using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms

// Writes kBytes to sim://server:7 as its tx takes them (more than the
// server's rx holds); reads its echoes.
class Writer final : public TcpClientDoer {
 public:
  static constexpr std::size_t kBytes = 70'000;
  explicit Writer(IoHub& io) : TcpClientDoer(io, "sim://server:7", {}, "writer") {}

 protected:
  void serve(Channel& channel) override {
    (void)channel.read();
    if (channel.connected() && written_ < kBytes) {
      written_ += channel.write(std::string(std::min(channel.tx_space(), kBytes - written_), 'w'));
    }
  }

 private:
  std::size_t written_ = 0;
};

// An echo server that sends one byte a pass (its tx holds one): its rx
// stays full, and what a noise replay holds back of it waits.
ChannelOptions one_byte_tx() {
  ChannelOptions o;
  o.tx_bytes_max = 1;
  return o;
}

struct SlowEchoScene {
  explicit SlowEchoScene(IoHub& io)
      : server(io, "sim://server:7", one_byte_tx(), "srv"), writer(io) {}
  std::vector<Doer*> doers() { return {&server, &writer}; }
  EchoServerDoer server;
  Writer writer;
};

// The held rx looked at by a dup+delay noise replay of `path` stopped at
// `limit`.
std::uint64_t held_looked_at(const std::string& path, Tock limit, NoiseStats* stats = nullptr) {
  ReplayOptions options;
  options.noise = parse_noise_spec("dup=0.5,delay=1ms-50ms");
  options.noise_seed = 0;
  test::ReplayRig rig(path, options, limit);
  SlowEchoScene scene(rig.io);
  const ReplayResult r = rig.replayer.run(scene.doers(), nullptr);
  if (stats != nullptr) *stats = r.noise;
  return rig.replayer.noise_held_looked_at();
}

TEST(ReplayNoiseHeld, TheWorkOnHeldRxFollowsTheRunNotItsSquare) {
  TempDir dir;
  const std::string path = dir.file("slow.hioj");
  {
    test::SimRecordRig rig(kTock, 1);
    JournalHeader header;
    header.scenario = "slow echo";
    Journal journal(rig.doist, rig.io, path, header);
    SlowEchoScene scene(rig.io);
    journal.run(scene.doers(), Tock{80'000'000'000});  // 70,000 bytes take 70 s
  }
  NoiseStats stats;
  const std::uint64_t short_run = held_looked_at(path, Tock{8'000'000'000});
  const std::uint64_t long_run = held_looked_at(path, Tock{32'000'000'000}, &stats);
  ASSERT_GT(stats.delayed, 1000u) << format_noise_stats(stats);
  ASSERT_GT(stats.duplicated, 500u) << format_noise_stats(stats);
  ASSERT_EQ(stats.undelivered, 0u) << format_noise_stats(stats);
  // A feed's pump, a few times a pass, looks once at the one stream blocked
  // and once more at each chunk it delivers: a few times the passes and the
  // chunks held. Looked at every pass, the backlog behind the 64 KiB rx
  // (dup doubles a chunk the recording's full rx took) made it 1.7 billion,
  // 358 million at 8 s: growing as the run's square.
  const std::uint64_t bound = 4 * (32'000 + stats.delayed + stats.duplicated);
  EXPECT_LT(long_run, bound) << short_run << " then " << long_run << "; "
                             << format_noise_stats(stats);
  // Four times the run: about four times the work (sixteen before).
  EXPECT_LT(long_run, 6 * short_run) << short_run << " then " << long_run;
}

}  // namespace noise_held_replay_test
}  // namespace
}  // namespace hio::replay
