// Noise replay under backpressure: a real capture over loopback TCP whose
// writer was held back by a slow reader, replayed with noise. A stream's tx
// is accepted only as far as the recording had sent it by then (its credit),
// so a spec that changes nothing gives no tx difference, and one that does
// gives the differences it made and no bytes the recording never sent. An rx
// that noise made too big for its full rx buffer holds back only its channel,
// and holds at most noise_stalled_kept_bytes of its inputs back.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/replay/replay.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace backpressure_replay_test {

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
  Flood(IoHub& io, std::string_view address, ChannelOptions options = small_buffers(),
        std::uint64_t total = kFloodBytes)
      : TcpClientDoer(io, address, options, "flood"), total_(total) {}
  std::uint64_t written = 0;
  std::uint64_t echoed = 0;

 protected:
  void serve(Channel& channel) override {
    echoed += channel.read().size();
    if (channel.connected() && written < total_) {
      std::string chunk(std::min<std::uint64_t>(channel.tx_space(), total_ - written), '\0');
      for (std::size_t i = 0; i < chunk.size(); ++i)
        chunk[i] = static_cast<char>((written + i) % 251);
      written += channel.write(chunk);
    }
    rerun();
  }

 private:
  std::uint64_t total_;
};

// Echoes at most `slice` bytes a pass per connection: a slow reader. Counts
// the bytes it read on each connection.
class SlowEcho final : public TcpServerDoer {
 public:
  explicit SlowEcho(IoHub& io, std::size_t slice = kEchoSliceBytes,
                    ChannelOptions options = small_buffers())
      : TcpServerDoer(io, "tcp://127.0.0.1:0", options, "slow"), slice_(slice) {}
  std::map<std::uint32_t, std::string> small_reads;  // connections that read < 64 bytes
  std::map<std::uint32_t, std::uint64_t> read;

 protected:
  void serve(Channel& remote) override {
    if (!remote.connected()) return;
    const std::size_t n = std::min({remote.peek().size(), slice_, remote.tx_space()});
    const std::string_view bytes = remote.peek().substr(0, n);
    std::uint64_t& total = read[remote.id()];
    if (total + n < 64) small_reads[remote.id()] += bytes;
    total += n;
    remote.consume(remote.write(bytes));
    rerun();
  }

 private:
  std::size_t slice_;
};

struct SlowScene {
  explicit SlowScene(IoHub& io) : server(io), client(io, "tcp://" + server.listener().local()) {}
  std::vector<Doer*> doers() { return {&server, &client}; }
  std::uint64_t written() const { return client.written; }
  SlowEcho server;
  Flood client;
};

struct Captured {
  JournalTrailer trailer;
  std::uint64_t written = 0;
};

// `limit` of the scene in real time on loopback.
template <class Scene = SlowScene>
Captured capture(const std::string& path, Tock limit = Tock{300'000'000}) {
  test::RecordRig rig(kTock, /*real=*/true);
  JournalHeader header;
  header.mode = Mode::real;
  header.scenario = "slow reader";
  Journal journal(rig.doist, rig.io, path, header);
  Scene scene(rig.io);
  EXPECT_EQ(journal.run(scene.doers(), limit), RunEnd::limit);
  return {*journal.trailer(), scene.written()};
}

std::uint64_t tx_bytes(const std::string& path) {
  std::uint64_t n = 0;
  JournalReader reader(path);
  EXPECT_TRUE(for_each_event(reader, {}, [&](const FrameView&, const ChannelEvent& e) {
                if (e.kind == EventKind::tx) n += e.bytes.size();
              }).complete);
  return n;
}

struct Replayed {
  ReplayResult result;
  std::uint64_t written = 0;
};

// Replays `path` with `spec` (and its journal to `out`, unless empty); `look`
// sees the scene at the end.
template <class Scene = SlowScene, class Look = void (*)(const Scene&)>
Replayed replay(
    const std::string& path, const std::string& spec, std::uint64_t seed = 5,
    const std::string& out = "", Look look = [](const Scene&) {}) {
  ReplayOptions options;
  if (!spec.empty()) options.noise = parse_noise_spec(spec);
  options.noise_seed = seed;
  test::ReplayRig rig(path, options);
  std::optional<Journal> journal;
  if (!out.empty()) journal.emplace(rig.doist, rig.io, out, rig.replayer.output_header());
  Scene scene(rig.io);
  Replayed r;
  r.result = rig.replayer.run(scene.doers(), journal ? &*journal : nullptr);
  r.written = scene.written();
  look(scene);
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
  // there, so it echoes as many bytes as recorded, from further on, and
  // never more: the streams realign past the bytes the echo skipped, which
  // are missing, and as many bytes from further on are extra.
  const Replayed drop = replay(dir.file("slow.hioj"), "drop=0.1");
  const NoiseStats& d = drop.result.noise;
  EXPECT_GT(d.dropped, 0u);
  EXPECT_GT(d.tx_mismatches, 0u) << format_noise_stats(d);
  EXPECT_GT(d.tx_missing_bytes, 0u) << format_noise_stats(d);
  EXPECT_EQ(d.tx_extra_bytes, d.tx_missing_bytes) << format_noise_stats(d);
}

// A client that sends "late" once, 300 ms into the run, and keeps what comes
// back: a connection idle while another one is busy.
class Late final : public TcpClientDoer {
 public:
  Late(IoHub& io, std::string_view address) : TcpClientDoer(io, address, {}, "late") {}
  std::string echoed;

 protected:
  void serve(Channel& channel) override {
    echoed += channel.read();
    if (channel.connected() && !sent_ && tyme() >= Tyme{Tock{300'000'000}}) {
      sent_ = channel.write("late") == 4;
    }
    rerun();
  }

 private:
  bool sent_ = false;
};

constexpr std::size_t kBigSliceBytes = 16 * 1024;  // echoed a pass: ~6 MB in 400 ms

// An upload of up to 4 MiB to an echo that reads 16 KiB a pass from buffers of
// 64 KiB (so its rx is full while the upload lasts), and an idle connection
// that sends late.
struct BigUploadScene {
  explicit BigUploadScene(IoHub& io)
      : server(io, kBigSliceBytes, ChannelOptions{}),
        client(io, "tcp://" + server.listener().local()),
        late(io, "tcp://" + server.listener().local()) {}
  std::vector<Doer*> doers() { return {&server, &client, &late}; }
  std::uint64_t written() const { return client.written; }
  SlowEcho server;
  Flood client;
  Late late;
};

// xcap9 finding 2: a duplicated chunk that did not fit the echo's full rx
// stopped the whole feed - the recorded tx behind it too, whose credit the
// echo needed to drain that rx (a circular wait), and every other channel's
// inputs: the idle connection never got its "late". Now only the full
// channel's inputs wait; the same seed still gives a byte-identical journal.
TEST(ReplayBackpressure, AFullRxHoldsBackOnlyItsOwnChannel) {
  TempDir dir;
  const std::string path = dir.file("big.hioj");
  const Captured captured = capture<BigUploadScene>(path, Tock{400'000'000});
  ASSERT_GT(captured.written, 1u << 20);
  const std::uint64_t sent = tx_bytes(path);

  std::uint64_t stalled_seeds = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::string late_read, late_echoed;
    const Replayed r = replay<BigUploadScene>(
        path, "dup=0.05", seed, dir.file("a.hioj"), [&](const BigUploadScene& scene) {
          for (const auto& [id, bytes] : scene.server.small_reads)
            late_read += bytes;
          late_echoed = scene.late.echoed;
        });
    const NoiseStats& n = r.result.noise;
    ASSERT_GT(n.duplicated, 0u) << format_noise_stats(n);
    // The idle connection: both its ends get their recorded rx (twice if
    // the dice duplicated it there).
    const auto is_late = [](const std::string& bytes) {
      return bytes == "late" || bytes == "latelate";
    };
    EXPECT_PRED1(is_late, late_read) << format_noise_stats(n);
    EXPECT_PRED1(is_late, late_echoed) << format_noise_stats(n);
    // The echo is not frozen: it sends what the recording sent, but for
    // the credit of its last passes.
    EXPECT_LT(n.tx_missing_bytes, sent / 20) << format_noise_stats(n);
    if (n.undelivered > 0) ++stalled_seeds;  // the busy channel's rx still waiting at the end

    const Replayed again = replay<BigUploadScene>(path, "dup=0.05", seed, dir.file("b.hioj"));
    EXPECT_EQ(again.result.digest, r.result.digest);
    EXPECT_EQ(test::read_file(dir.file("a.hioj")), test::read_file(dir.file("b.hioj")));
  }
  // The case is met: some seeds filled the echo's rx.
  EXPECT_GT(stalled_seeds, 0u);
}

constexpr std::uint64_t kUploadBytes = kFloodBytes;  // over SimNet: sent whole
constexpr Tock kUploadLimit{200'000'000};

// Reads everything (Reading) or nothing at all (Deaf).
template <bool Reading>
class Sink final : public TcpServerDoer {
 public:
  explicit Sink(IoHub& io, ChannelOptions options = {})
      : TcpServerDoer(io, "sim://server:7", options, "sink") {}
  std::uint64_t read = 0;

 protected:
  void serve(Channel& remote) override {
    if (Reading) read += remote.read().size();
    rerun();
  }
};

template <bool Reading>
struct UploadScene {
  explicit UploadScene(IoHub& io) : server(io), client(io, "sim://server:7") {}
  std::vector<Doer*> doers() { return {&server, &client}; }
  std::uint64_t written() const { return client.written; }
  Sink<Reading> server;
  Flood client;
};

// Buffers beyond noise_stalled_kept_bytes (1 MiB): a pass can deliver more
// than that to one channel.
ChannelOptions big_buffers() {
  ChannelOptions o;
  o.rx_bytes_max = 2 << 20;
  o.tx_bytes_max = 2 << 20;
  return o;
}

constexpr std::uint64_t kBigUploadBytes = 12 << 20;

// A 12 MiB upload through 2 MiB buffers to a server that reads all it gets.
struct BigBufferScene {
  explicit BigBufferScene(IoHub& io)
      : server(io, big_buffers()), client(io, "sim://server:7", big_buffers(), kBigUploadBytes) {}
  std::vector<Doer*> doers() { return {&server, &client}; }
  std::uint64_t written() const { return client.written; }
  Sink<true> server;
  Flood client;
};

// An upload to a server that reads it all, on SimNet (virtual time: the same
// journal every time); its link holds `queued` bytes.
template <class Scene = UploadScene<true>>
void capture_upload(const std::string& path, std::uint64_t total = kUploadBytes,
                    std::size_t queued = LinkParams{}.queue_bytes_max) {
  LinkParams link;
  link.latency = kTock;
  link.queue_bytes_max = queued;
  test::SimRecordRig rig(kTock, 7, link);
  JournalHeader header;
  header.scenario = "upload";
  Journal journal(rig.doist, rig.io, path, header);
  Scene scene(rig.io);
  EXPECT_EQ(journal.run(scene.doers(), kUploadLimit), RunEnd::limit);
  EXPECT_EQ(scene.server.read, total);
}

// The recorded rx: all the server's (it writes nothing back).
std::uint64_t recorded_rx(const std::string& path) {
  std::uint64_t n = 0;
  JournalReader reader(path);
  EXPECT_TRUE(for_each_event(reader, {}, [&](const FrameView&, const ChannelEvent& e) {
                if (e.kind == EventKind::rx) ++n;
              }).complete);
  return n;
}

// The most rx bytes the journal has in one pass.
std::uint64_t max_pass_rx(const std::string& path) {
  std::map<std::int64_t, std::uint64_t> per_pass;
  JournalReader reader(path);
  EXPECT_TRUE(for_each_event(reader, {}, [&](const FrameView& f, const ChannelEvent& e) {
                if (e.kind == EventKind::rx)
                  per_pass[f.tyme.time_since_epoch().count()] += e.bytes.size();
              }).complete);
  std::uint64_t most = 0;
  for (const auto& [tyme, bytes] : per_pass)
    most = std::max(most, bytes);
  return most;
}

// The replay noise drops a journal holds (on any channel).
std::uint64_t noise_drops(const std::string& path) {
  std::uint64_t n = 0;
  JournalReader reader(path);
  EXPECT_TRUE(for_each_event(reader, {}, [&](const FrameView&, const ChannelEvent& e) {
                if (e.kind == EventKind::noise && e.noise == NoiseKind::drop) ++n;
              }).complete);
  return n;
}

// A noise replay in which the server never reads: its channel's recorded
// rx wait behind its full rx buffer, and kept the whole rest of the
// recording in memory (a 50 MB capture: 50 MB). Now at most what the
// channel holds in flight (its rx buffer and a pass's rx, without delay)
// and noise_stalled_kept_bytes beyond are kept; the rest is dropped,
// counted, and journaled as drops.
TEST(ReplayBackpressure, ADoerThatNeverReadsKeepsABoundedBacklog) {
  TempDir dir;
  const std::string path = dir.file("upload.hioj");
  capture_upload(path);
  const std::uint64_t server_rx = recorded_rx(path);
  ASSERT_GT(server_rx, 16u);
  // (SimNet delivered the upload in chunks of one size.)
  ASSERT_EQ(kUploadBytes % server_rx, 0u);
  const std::uint64_t chunk = kUploadBytes / server_rx;
  const std::uint64_t in_flight = ChannelOptions{}.rx_bytes_max + max_pass_rx(path);

  const auto deaf_replay = [&](std::size_t kept_bytes) {
    ReplayOptions options;
    options.noise = parse_noise_spec("reorder=1");  // nothing, on streams
    options.noise_seed = 1;
    options.noise_stalled_kept_bytes = kept_bytes;
    test::ReplayRig rig(path, options);
    std::optional<Journal> journal;
    journal.emplace(rig.doist, rig.io, dir.file("deaf.hioj"), rig.replayer.output_header());
    UploadScene<false> scene(rig.io);
    const ReplayResult r = rig.replayer.run(scene.doers(), &*journal);
    journal.reset();
    EXPECT_EQ(r.status, ReplayStatus::perturbed);
    EXPECT_EQ(scene.written(), kUploadBytes);
    // Every rx dropped is in the journal as a drop, on the server's channel,
    // and that journal replays as any other.
    EXPECT_EQ(noise_drops(dir.file("deaf.hioj")), r.noise.stalled_dropped);
    const Replayed strict = replay<UploadScene<false>>(dir.file("deaf.hioj"), "");
    EXPECT_TRUE(strict.result.identical())
        << (strict.result.divergence ? format_divergence(*strict.result.divergence) : "");
    return r.noise;
  };
  // Nothing kept beyond what the channel holds in flight: what waits at the
  // end (every rx that waits is undelivered then) is about that much.
  // (Every rx is either delivered - decided on by the noise, rx_seen, the
  // client's too - or undelivered.)
  const NoiseStats none = deaf_replay(0);
  const std::uint64_t none_kept = (none.undelivered - none.stalled_dropped) * chunk;
  EXPECT_LE(none_kept, in_flight) << format_noise_stats(none);
  EXPECT_GT(none_kept + chunk, in_flight) << format_noise_stats(none);
  EXPECT_GT(none.stalled_dropped, server_rx / 2) << format_noise_stats(none);
  EXPECT_NE(format_noise_stats(none).find(
                " undelivered (" + std::to_string(none.stalled_dropped) +
                " rx dropped: the backlog behind their channel's full rx was at its bound)"),
            std::string::npos)
      << format_noise_stats(none);
  // One rx dropped so: its channel (it said "1 rx dropped: ... behind their
  // channel's").
  NoiseStats one;
  one.undelivered = 1;
  one.stalled_dropped = 1;
  EXPECT_NE(format_noise_stats(one).find(
                " 1 undelivered (1 rx dropped: the backlog behind its channel's full rx was at "
                "its bound)"),
            std::string::npos)
      << format_noise_stats(one);
  // The default, 1 MiB more, of a 4 MiB upload: more kept, the rest dropped.
  const NoiseStats capped = deaf_replay(ReplayOptions{}.noise_stalled_kept_bytes);
  const std::uint64_t capped_kept = (capped.undelivered - capped.stalled_dropped) * chunk;
  const std::uint64_t bound = in_flight + ReplayOptions{}.noise_stalled_kept_bytes;
  EXPECT_LE(capped_kept, bound) << format_noise_stats(capped);
  EXPECT_GT(capped_kept + chunk, bound) << format_noise_stats(capped);
  EXPECT_GT(capped.stalled_dropped, 0u) << format_noise_stats(capped);
  EXPECT_LT(capped.stalled_dropped, none.stalled_dropped) << format_noise_stats(capped);
  EXPECT_EQ(capped.undelivered, none.undelivered) << format_noise_stats(capped);
  // Unbounded (as before): everything waits, nothing is dropped.
  const NoiseStats all = deaf_replay(std::numeric_limits<std::size_t>::max());
  EXPECT_EQ(all.stalled_dropped, 0u) << format_noise_stats(all);
  EXPECT_EQ(all.undelivered, none.undelivered) << format_noise_stats(all);
}

// The noise's own drops a journal holds ("replay noise: dropped", not the
// drops of rx that could not wait), each as its pass's tyme and its bytes.
std::vector<std::pair<std::int64_t, std::string>> plain_drops(const std::string& path) {
  std::vector<std::pair<std::int64_t, std::string>> drops;
  for (const PassRecord& p : read_journal(path).frames)
    for (const OwnedEvent& e : p.events)
      if (e.kind == EventKind::noise && e.noise == NoiseKind::drop &&
          e.text == "replay noise: dropped")
        drops.emplace_back(e.tyme.time_since_epoch().count(), e.bytes);
  return drops;
}

// A dropped rx takes no room: on a channel whose rx is full (a server that
// never reads), each rx the noise drops is dropped at its recorded pass, as
// for a server that reads, and counted so. Before session 19 it waited for
// room as one delivered does (for ever, here: its drop became an
// `undelivered`, or a drop of the backlog's bound, and the summary said
// fewer dropped), and so did the ones after it behind it.
TEST(ReplayBackpressure, ADroppedRxTakesNoRoomInAFullRx) {
  TempDir dir;
  const std::string path = dir.file("upload.hioj");
  capture_upload(path);
  const Replayed reading = replay<UploadScene<true>>(path, "drop=0.5", 1, dir.file("reading.hioj"));
  const Replayed deaf = replay<UploadScene<false>>(path, "drop=0.5", 1, dir.file("deaf.hioj"));
  const NoiseStats& r = reading.result.noise;
  const NoiseStats& d = deaf.result.noise;
  ASSERT_GT(d.stalled_dropped, 0u) << format_noise_stats(d);  // its rx was full
  EXPECT_GT(r.dropped, recorded_rx(path) / 4) << format_noise_stats(r);
  EXPECT_EQ(d.dropped, r.dropped) << format_noise_stats(d)
                                  << "\nreading: " << format_noise_stats(r);
  const auto drops = plain_drops(dir.file("deaf.hioj"));
  EXPECT_EQ(drops.size(), d.dropped);
  EXPECT_TRUE(drops == plain_drops(dir.file("reading.hioj")));
  // That journal replays as any other.
  const Replayed strict = replay<UploadScene<false>>(dir.file("deaf.hioj"), "");
  EXPECT_TRUE(strict.result.identical())
      << (strict.result.divergence ? format_divergence(*strict.result.divergence) : "");
}

// The summary's "N rx" counts every recorded rx the noise decided on (each
// is, in recorded order, whatever happens to it next), so it is the
// journal's rx, whatever the doers read. Before session 19 it counted only
// the rx that reached a connected channel with room for them: for a server
// that never reads, fewer rx than its `undelivered`.
TEST(ReplayBackpressure, TheNoiseCountsEveryRecordedRxItDecidedOn) {
  TempDir dir;
  const std::string path = dir.file("upload.hioj");
  capture_upload(path);
  const std::uint64_t recorded = recorded_rx(path);
  const NoiseStats reading = replay<UploadScene<true>>(path, "reorder=1").result.noise;
  const NoiseStats deaf = replay<UploadScene<false>>(path, "reorder=1").result.noise;
  EXPECT_EQ(reading.rx_seen, recorded) << format_noise_stats(reading);
  EXPECT_GT(deaf.undelivered, recorded / 2) << format_noise_stats(deaf);
  EXPECT_EQ(deaf.rx_seen, recorded) << format_noise_stats(deaf);
}

// Reads nothing, and closes each connection 100 ms into the run.
class Quitter final : public TcpServerDoer {
 public:
  explicit Quitter(IoHub& io) : TcpServerDoer(io, "sim://server:7", {}, "quitter") {}

 protected:
  void serve(Channel& remote) override {
    if (tyme() >= Tyme{Tock{100'000'000}} && remote.open()) remote.close("quit");
    rerun();
  }
};

struct QuitScene {
  explicit QuitScene(IoHub& io) : server(io), client(io, "sim://server:7") {}
  std::vector<Doer*> doers() { return {&server, &client}; }
  Quitter server;
  Flood client;
};

// A noise replay whose server stops reading and then closes the connection
// while recorded rx wait behind its full rx buffer: each is journaled as a
// drop on the channel, before its close, and counted undelivered, as every
// input that is not delivered (before, they were counted without an event).
TEST(ReplayBackpressure, RxWaitingWhenItsChannelClosesIsADropInTheJournal) {
  TempDir dir;
  const std::string path = dir.file("upload.hioj");
  capture_upload(path);
  ReplayOptions options;
  options.noise = parse_noise_spec("reorder=1");  // nothing, on streams
  options.noise_stalled_kept_bytes = std::numeric_limits<std::size_t>::max();
  test::ReplayRig rig(path, options);
  std::optional<Journal> journal;
  journal.emplace(rig.doist, rig.io, dir.file("quit.hioj"), rig.replayer.output_header());
  QuitScene scene(rig.io);
  const ReplayResult r = rig.replayer.run(scene.doers(), &*journal);
  journal.reset();
  const NoiseStats& n = r.noise;
  EXPECT_EQ(n.stalled_dropped, 0u) << format_noise_stats(n);
  // On the server's channel (#3): rx delivered, the drops at its close, and
  // nothing of it after the close.
  std::uint64_t delivered = 0, dropped_at_close = 0;
  bool closed = false, after_close = false;
  for (const PassRecord& p : read_journal(dir.file("quit.hioj")).frames) {
    for (const OwnedEvent& e : p.events) {
      if (e.channel != 3) continue;
      if (closed) after_close = true;
      if (e.kind == EventKind::rx) ++delivered;
      if (e.kind == EventKind::noise && e.noise == NoiseKind::drop &&
          e.text.find("its channel was closed while it waited for room") != std::string::npos)
        ++dropped_at_close;
      if (e.kind == EventKind::close) closed = true;
    }
  }
  EXPECT_TRUE(closed);
  EXPECT_FALSE(after_close);
  EXPECT_GT(dropped_at_close, 0u) << format_noise_stats(n);
  EXPECT_GE(n.undelivered, dropped_at_close) << format_noise_stats(n);
  // Every recorded rx of the server was delivered or counted undelivered.
  EXPECT_EQ(delivered + n.undelivered, recorded_rx(path)) << format_noise_stats(n);
}

// xrep10 finding 2: pure delay lost stream data when a pass delivered more
// to a channel than the stalled backlog's fixed 1 MiB: a one-pass delay makes
// each pass's released rx fill the channel's rx before that pass's recorded
// rx arrive, so they wait - and beyond 1 MiB they were dropped, without a
// noise event. The bound now covers what the channel holds in flight under
// the delay: a server that reads as recorded gets every byte.
TEST(ReplayBackpressure, DelayLosesNothingOnAChannelWithBigBuffers) {
  TempDir dir;
  const std::string path = dir.file("big.hioj");
  capture_upload<BigBufferScene>(path, kBigUploadBytes, 2 * kBigUploadBytes);
  // The case is met: one pass delivers more than the old fixed bound.
  ASSERT_GT(max_pass_rx(path), ReplayOptions{}.noise_stalled_kept_bytes);
  for (const char* spec : {"delay=1ms", "delay=0-5ms"}) {
    SCOPED_TRACE(spec);
    std::uint64_t read = 0;
    const Replayed r = replay<BigBufferScene>(
        path, spec, 1, dir.file("r.hioj"), [&](const BigBufferScene& s) { read = s.server.read; });
    const NoiseStats& n = r.result.noise;
    EXPECT_GT(n.delayed, 0u) << format_noise_stats(n);
    EXPECT_EQ(n.stalled_dropped, 0u) << format_noise_stats(n);
    EXPECT_EQ(n.undelivered, 0u) << format_noise_stats(n);
    EXPECT_EQ(noise_drops(dir.file("r.hioj")), 0u);
    EXPECT_EQ(read, kBigUploadBytes) << format_noise_stats(n);
  }
}

}  // namespace backpressure_replay_test
}  // namespace
}  // namespace hio::replay
