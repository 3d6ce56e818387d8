// A capture of a half-closing peer on real loopback TCP (it sends, then
// shutdown(SHUT_WR), then reads the echo until EOF) journals the peer's FIN
// as rx_end, hio inspect prints it, and a strict replay of the capture is
// identical: the rx_end is delivered at its recorded pass and the echo server
// answers and closes exactly as it did; a replay with delay noise echoes
// every byte too.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "half_close_peer.hpp"
#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/replay/replay.hpp"
#include "io_run.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace half_close_replay_test {

using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms

struct Captured {
  JournalTrailer trailer;
  std::string echoed;
  bool eof = false;
};

// Records an echo server and a half-closing peer of `size` bytes.
Captured capture(const std::string& path, std::size_t size, const ChannelOptions& options) {
  test::RecordRig rig(kTock, /*real=*/true);
  JournalHeader header;
  header.mode = Mode::real;
  header.seed = 3;
  header.scenario = "half-closing peer";
  Journal journal(rig.doist, rig.io, path, header);
  EchoServerDoer server(rig.io, "tcp://127.0.0.1:0", options);
  hio::test::HalfClosingPeer peer(hio::test::port_of(server.listener().local()),
                                  hio::test::pattern_bytes(size));
  hio::test::StopWhen stop(rig.doist, [&] { return peer.done(); });
  EXPECT_EQ(journal.run({&server, &peer, &stop}, seconds(8)), RunEnd::interrupted);
  EXPECT_EQ(peer.error(), "");
  return {*journal.trailer(), peer.received(), peer.got_eof()};
}

// Replays the capture at `path` against an echo server with `options`, with
// the noise of `spec` ("" = strict), in virtual time.
ReplayResult replay_echo(const std::string& path, const ChannelOptions& options,
                         const std::string& spec) {
  ReplayOptions replay_options;
  if (!spec.empty()) {
    replay_options.noise = parse_noise_spec(spec);
    // What noise holds past the recorded end arrives within this.
    replay_options.overrun = seconds(1);
  }
  replay_options.noise_seed = 1;
  test::ReplayRig rig(path, replay_options);
  rig.doist.set_skip(true);
  EchoServerDoer server(rig.io, "tcp://127.0.0.1:0", options);
  return rig.replayer.run({&server}, nullptr);
}

void expect_half_close_replays(std::size_t size, const ChannelOptions& options = {}) {
  TempDir dir;
  const std::string path = dir.file("capture.hioj");
  const Captured c = capture(path, size, options);
  ASSERT_TRUE(c.eof);
  ASSERT_TRUE(c.echoed == hio::test::pattern_bytes(size)) << c.echoed.size() << " of " << size;

  // The journal: the remote's rx, its rx_end after all of them, the echo,
  // and the server's close after it.
  std::uint32_t remote = 0;
  std::vector<EventKind> kinds;
  std::size_t rx = 0, tx = 0;
  for (const PassRecord& p : read_journal(path).frames)
    for (const OwnedEvent& e : p.events) {
      if (e.kind == EventKind::accept) remote = e.accepted;
      if (remote == 0 || e.channel != remote) continue;
      if (e.kind == EventKind::rx) rx += e.bytes.size();
      if (e.kind == EventKind::tx) tx += e.bytes.size();
      if (kinds.empty() || kinds.back() != e.kind) kinds.push_back(e.kind);
    }
  ASSERT_NE(remote, 0u);
  EXPECT_EQ(rx, size);
  EXPECT_EQ(tx, size);
  ASSERT_GE(kinds.size(), 4u);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), EventKind::rx_end), 1);
  EXPECT_EQ(kinds.back(), EventKind::close);
  const auto end = std::find(kinds.begin(), kinds.end(), EventKind::rx_end);
  EXPECT_EQ(std::find(end, kinds.end(), EventKind::rx), kinds.end()) << "rx after rx_end";

  // hio inspect prints it, and --kind rx_end selects it.
  JournalReader reader(path);
  EventFilter filter;
  filter.kinds = EventFilter::kind_bit(*parse_event_kind("rx_end"));
  std::ostringstream out;
  const InspectSummary s = inspect(reader, filter, FormatOptions{}, out);
  EXPECT_TRUE(s.complete);
  EXPECT_EQ(s.events_matched, 1u);
  EXPECT_NE(out.str().find(" #" + std::to_string(remote) + " rx_end\n"), std::string::npos)
      << out.str();

  // A strict replay, in virtual time, is identical.
  const ReplayResult r = replay_echo(path, options, "");
  ASSERT_TRUE(r.identical()) << (r.divergence ? format_divergence(*r.divergence) : "");
  EXPECT_EQ(r.events, c.trailer.events);
  EXPECT_EQ(r.digest, c.trailer.digest);
  EXPECT_EQ(r.passes, c.trailer.passes);

  // Delay is not loss: with the peer's chunks (and its FIN after them)
  // delayed, the echo still sends back every byte before it closes, the
  // same bytes the recording sent. (The server closed once tx was empty
  // although rx still held bytes that a delayed chunk had brought late:
  // tens of kilobytes missing.)
  const ReplayResult delayed = replay_echo(path, options, "delay=0-5ms");
  const NoiseStats& n = delayed.noise;
  EXPECT_GT(n.delayed, 0u) << format_noise_stats(n);
  EXPECT_EQ(n.undelivered, 0u) << format_noise_stats(n);
  EXPECT_EQ(n.tx_missing_bytes, 0u) << format_noise_stats(n);
  EXPECT_EQ(n.tx_extra_bytes, 0u) << format_noise_stats(n);
  EXPECT_EQ(n.tx_mismatches, 0u) << format_noise_stats(n);
}

TEST(ReplayHalfClose, AHalfClosingPeerOfAFewBytesReplaysIdentically) {
  expect_half_close_replays(6);
}

TEST(ReplayHalfClose, AHalfClosingPeerOfAMegabyteReplaysIdentically) {
  expect_half_close_replays((1u << 20) + 7);
}

// A small tx: at the FIN most of the upload still waits in rx, and the echo
// moves it back a tx at a time, in the capture as in its replays.
TEST(ReplayHalfClose, AnEchoWithASmallTxReplaysAHalfClosedUploadWhole) {
  ChannelOptions options;
  options.rx_bytes_max = 1u << 20;
  options.tx_bytes_max = 4096;
  expect_half_close_replays((2u << 20) + 3, options);
}

}  // namespace half_close_replay_test
}  // namespace
}  // namespace hio::replay
