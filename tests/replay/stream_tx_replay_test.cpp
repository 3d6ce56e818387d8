// A noise replay compares a stream channel's tx with the recording's: a
// difference is one mismatch, and the comparison realigns the streams at a
// recorded chunk. Before, it compared them by byte offset: one rx chunk that
// noise dropped before an echo server shifted every later byte the server
// sent, and every later chunk counted as a mismatch (a cascade).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/replay/replay.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace stream_tx_replay_test {

using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms
constexpr int kLines = 100;

// Sends line i ("line 007 ...", 32 bytes, each different) every 5 ms,
// whatever comes back, and reads the echoes.
class Liner final : public TcpClientDoer {
 public:
  explicit Liner(IoHub& io) : TcpClientDoer(io, "sim://server:7", {}, "liner") {}

 protected:
  void serve(Channel& channel) override {
    (void)channel.read();
    if (sent_ < kLines) rerun();  // its next line is due at a tyme no event marks
    if (!channel.connected() || sent_ == kLines || tyme() < Tyme{Tock{5'000'000} * sent_}) return;
    std::string line = "line " + std::to_string(1000 + sent_).substr(1) + " ";
    line.resize(31, static_cast<char>('a' + sent_ % 26));
    line += '\n';
    if (channel.write(line) == line.size()) ++sent_;
  }

 private:
  int sent_ = 0;
};

struct Scene {
  explicit Scene(IoHub& io) : server(io, "sim://server:7", {}, "echo"), client(io) {}
  std::vector<Doer*> doers() { return {&server, &client}; }
  EchoServerDoer server;
  Liner client;
};

void capture(const std::string& path) {
  LinkParams link;
  link.latency = kTock;
  test::SimRecordRig rig(kTock, 5, link);
  JournalHeader header;
  header.scenario = "liner";
  Journal journal(rig.doist, rig.io, path, header);
  Scene scene(rig.io);
  journal.run(scene.doers(), Tock{700'000'000});
}

ReplayResult replay(const std::string& path, const std::string& spec, std::uint64_t seed,
                    const std::string& out) {
  ReplayOptions options;
  options.noise = parse_noise_spec(spec);
  options.noise_seed = seed;
  test::ReplayRig rig(path, options);
  Journal journal(rig.doist, rig.io, out, rig.replayer.output_header());
  Scene scene(rig.io);
  return rig.replayer.run(scene.doers(), &journal);
}

// The replay's drops (or other noise events of `kind`) on the server's
// accepted channel, #3: how many, in how many runs of consecutive rx, and
// their bytes.
struct Drops {
  std::uint64_t count = 0;
  std::uint64_t runs = 0;
  std::uint64_t bytes = 0;
};

Drops server_drops(const std::string& path, NoiseKind kind = NoiseKind::drop) {
  Drops d;
  bool last_dropped = false;
  for (const PassRecord& p : read_journal(path).frames) {
    for (const OwnedEvent& e : p.events) {
      if (e.channel != 3) continue;
      const bool dropped = e.kind == EventKind::noise && e.noise == kind;
      if (dropped) {
        ++d.count;
        d.bytes += e.bytes.size();
        if (!last_dropped) ++d.runs;
      }
      if (dropped || e.kind == EventKind::rx) last_dropped = dropped;
    }
  }
  return d;
}

TEST(ReplayStreamTx, ADroppedChunkIsOneMismatchNotACascade) {
  TempDir dir;
  capture(dir.file("liner.hioj"));
  std::uint64_t runs_seen = 0;
  for (const std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    SCOPED_TRACE(seed);
    const std::string out = dir.file("noisy.hioj");
    const ReplayResult r = replay(dir.file("liner.hioj"), "drop=0.05", seed, out);
    ASSERT_EQ(r.status, ReplayStatus::perturbed);
    const NoiseStats& n = r.noise;
    const Drops d = server_drops(out);
    // The echo never sends what it never got: each run of dropped lines is
    // one mismatch, its bytes missing, and the streams agree again after it
    // (the client's tx does not change: it sends whatever comes back).
    EXPECT_EQ(n.tx_mismatches, d.runs) << format_noise_stats(n);
    EXPECT_EQ(n.tx_missing_bytes, d.bytes) << format_noise_stats(n);
    EXPECT_EQ(n.tx_extra_bytes, 0u) << format_noise_stats(n);
    runs_seen += d.runs;
    if (d.runs == 0) continue;
    // The first mismatch is where the streams first part: the recorded line
    // the echo did not send, against the one it sent in its place.
    ASSERT_TRUE(n.first_tx_mismatch);
    const ReplayDivergence& first = *n.first_tx_mismatch;
    EXPECT_EQ(first.channel, 3u);
    ASSERT_TRUE(first.expected && first.actual);
    EXPECT_NE(first.expected->bytes, first.actual->bytes);
    EXPECT_EQ(first.tx_offset % 32, 0u);  // at a line's start
  }
  EXPECT_GT(runs_seen, 1u);  // drops happened on the server's side
}

// A corrupted line is one mismatch and neither missing nor extra: the bytes
// differ, the streams keep their offsets.
TEST(ReplayStreamTx, ACorruptedChunkDiffersInPlace) {
  TempDir dir;
  capture(dir.file("liner.hioj"));
  const ReplayResult r = replay(dir.file("liner.hioj"), "corrupt=0.05", 1, dir.file("noisy.hioj"));
  const NoiseStats& n = r.noise;
  std::uint64_t corrupted = 0;  // on the server's side
  for (const PassRecord& p : read_journal(dir.file("noisy.hioj")).frames)
    for (const OwnedEvent& e : p.events)
      if (e.channel == 3 && e.kind == EventKind::noise && e.noise == NoiseKind::corrupt)
        ++corrupted;
  ASSERT_GT(corrupted, 1u);
  EXPECT_LE(n.tx_mismatches, corrupted) << format_noise_stats(n);
  EXPECT_GT(n.tx_mismatches, 0u) << format_noise_stats(n);
  EXPECT_EQ(n.tx_missing_bytes, 0u) << format_noise_stats(n);
  EXPECT_EQ(n.tx_extra_bytes, 0u) << format_noise_stats(n);
}

// A duplicated line the echo sends back twice: the credit lets out only the
// bytes the recording sent, so as many of its last bytes wait in tx until
// its close discards them. They are the end of what it wrote and compared
// as such, once: each duplicate is one mismatch and its bytes extra, nothing
// missing (xnew12 finding 1: the held bytes were counted missing at the
// stream's end and extra again at the close).
TEST(ReplayStreamTx, ADuplicatedChunkIsExtraOnceThoughTheCreditHeldItBack) {
  TempDir dir;
  capture(dir.file("liner.hioj"));
  std::uint64_t dups_seen = 0;
  for (const std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    SCOPED_TRACE(seed);
    const std::string out = dir.file("noisy.hioj");
    const ReplayResult r = replay(dir.file("liner.hioj"), "dup=0.05", seed, out);
    ASSERT_EQ(r.status, ReplayStatus::perturbed);
    const NoiseStats& n = r.noise;
    const Drops d = server_drops(out, NoiseKind::duplicate);
    // (Duplicates a few lines apart may be one place to the realignment.)
    EXPECT_LE(n.tx_mismatches, d.runs) << format_noise_stats(n);
    EXPECT_EQ(n.tx_mismatches == 0, d.runs == 0) << format_noise_stats(n);
    EXPECT_EQ(n.tx_missing_bytes, 0u) << format_noise_stats(n);
    EXPECT_EQ(n.tx_extra_bytes, d.bytes) << format_noise_stats(n);
    EXPECT_EQ(n.tx_credit_held_bytes, d.bytes) << format_noise_stats(n);
    dups_seen += d.count;
  }
  EXPECT_GT(dups_seen, 1u);  // duplicates happened on the server's side
}

}  // namespace stream_tx_replay_test
}  // namespace
}  // namespace hio::replay
