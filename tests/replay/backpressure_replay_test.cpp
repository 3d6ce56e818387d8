// Noise replay under backpressure: a real capture over loopback TCP whose
// writer was held back by a slow reader, replayed with noise. A stream's tx
// is accepted only as far as the recording had sent it by then (its credit),
// so a spec that changes nothing gives no tx difference, and one that does
// gives the differences it made and no bytes the recording never sent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/replay/replay.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {

using test::TempDir;

constexpr Tock kTock{1'000'000};                // 1 ms
constexpr std::uint64_t kFloodBytes = 4 << 20;  // more than the capture can send
constexpr std::size_t kEchoSliceBytes = 1024;   // the slow reader's bytes per pass

// Small socket buffers: the kernel holds little, so the writer is held back
// soon (and the journal stays small).
ChannelOptions small_buffers() {
  ChannelOptions o;
  o.socket_buffer_bytes = 16 * 1024;
  return o;
}

// Writes as much as its tx takes, every pass, up to kFloodBytes (bytes
// 0, 1, ..., 250, 0, ...); reads its echoes.
class Flood final : public TcpClientDoer {
 public:
  Flood(IoHub& io, std::string_view address)
      : TcpClientDoer(io, address, small_buffers(), "flood") {}
  std::uint64_t written = 0;
  std::uint64_t echoed = 0;

 protected:
  void serve(Channel& channel) override {
    echoed += channel.read().size();
    if (channel.connected() && written < kFloodBytes) {
      std::string chunk(std::min<std::uint64_t>(channel.tx_space(), kFloodBytes - written), '\0');
      for (std::size_t i = 0; i < chunk.size(); ++i)
        chunk[i] = static_cast<char>((written + i) % 251);
      written += channel.write(chunk);
    }
    rerun();
  }
};

// Echoes at most kEchoSliceBytes a pass: a slow reader.
class SlowEcho final : public TcpServerDoer {
 public:
  SlowEcho(IoHub& io) : TcpServerDoer(io, "tcp://127.0.0.1:0", small_buffers(), "slow") {}

 protected:
  void serve(Channel& remote) override {
    if (!remote.connected()) return;
    const std::size_t n = std::min({remote.peek().size(), kEchoSliceBytes, remote.tx_space()});
    remote.consume(remote.write(remote.peek().substr(0, n)));
    rerun();
  }
};

struct SlowScene {
  explicit SlowScene(IoHub& io) : server(io), client(io, "tcp://" + server.listener().local()) {}
  std::vector<Doer*> doers() { return {&server, &client}; }
  SlowEcho server;
  Flood client;
};

struct Captured {
  JournalTrailer trailer;
  std::uint64_t written = 0;
};

// 300 ms of the scene in real time on loopback.
Captured capture(const std::string& path) {
  Doist doist(kTock, /*real=*/true);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  JournalHeader header;
  header.mode = Mode::real;
  header.scenario = "slow reader";
  Journal journal(doist, io, path, header);
  SlowScene scene(io);
  EXPECT_EQ(journal.run(scene.doers(), Tock{300'000'000}), RunEnd::limit);
  return {*journal.trailer(), scene.client.written};
}

std::uint64_t tx_bytes(const std::string& path) {
  std::uint64_t n = 0;
  JournalReader reader(path);
  while (const FrameView* f = reader.next())
    for (const ChannelEvent& e : f->events)
      if (e.kind == EventKind::tx) n += e.bytes.size();
  return n;
}

struct Replayed {
  ReplayResult result;
  std::uint64_t written = 0;
};

Replayed replay(const std::string& path, const std::string& spec) {
  ReplayOptions options;
  if (!spec.empty()) options.noise = parse_noise_spec(spec);
  options.noise_seed = 5;
  Replayer replayer(path, options);
  Doist doist(replayer.header().tock);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  replayer.attach(doist, io);
  SlowScene scene(io);
  Replayed r;
  r.result = replayer.run(scene.doers());
  r.written = scene.client.written;
  return r;
}

TEST(ReplayBackpressure, ANoiseReplayHoldsTheWriterBackAsTheRecordingDid) {
  TempDir dir;
  const Captured captured = capture(dir.file("slow.hioj"));
  const std::uint64_t sent = tx_bytes(dir.file("slow.hioj"));
  // The writer was held back: it sent far less than it wanted to.
  ASSERT_LT(captured.written, kFloodBytes / 2);
  ASSERT_GT(sent, 0u);

  const Replayed strict = replay(dir.file("slow.hioj"), "");
  ASSERT_TRUE(strict.result.identical())
      << (strict.result.divergence ? format_divergence(*strict.result.divergence) : "");

  // reorder does nothing to streams: a noise replay that changes no input
  // sends what the recording sent, and the writer writes what it wrote.
  const Replayed same = replay(dir.file("slow.hioj"), "reorder=1");
  ASSERT_EQ(same.result.status, ReplayStatus::perturbed);
  const NoiseStats& n = same.result.noise;
  EXPECT_EQ(n.tx_mismatches, 0u) << format_noise_stats(n);
  EXPECT_EQ(n.tx_extra_bytes, 0u) << format_noise_stats(n);
  EXPECT_EQ(n.tx_missing_bytes, 0u) << format_noise_stats(n);
  EXPECT_EQ(same.written, captured.written);

  // Bits flipped in what the slow reader reads: its echoes differ, and still
  // nothing is sent that the recording did not send.
  const Replayed corrupt = replay(dir.file("slow.hioj"), "corrupt=0.05");
  const NoiseStats& c = corrupt.result.noise;
  EXPECT_GT(c.corrupted, 0u);
  EXPECT_GT(c.tx_mismatches, 0u) << format_noise_stats(c);
  EXPECT_EQ(c.tx_extra_bytes, 0u) << format_noise_stats(c);
  EXPECT_EQ(c.tx_missing_bytes, 0u) << format_noise_stats(c);

  // Chunks dropped before the slow reader: its backlog is shorter but still
  // there, so it echoes as many bytes as recorded, from further on (they
  // differ), and never more.
  const Replayed drop = replay(dir.file("slow.hioj"), "drop=0.1");
  const NoiseStats& d = drop.result.noise;
  EXPECT_GT(d.dropped, 0u);
  EXPECT_GT(d.tx_mismatches, 0u) << format_noise_stats(d);
  EXPECT_EQ(d.tx_extra_bytes, 0u) << format_noise_stats(d);
}

}  // namespace
}  // namespace hio::replay
