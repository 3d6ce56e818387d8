// Journal benchmarks: events with 32-byte payloads written through the
// Recorder (the path a run's events take from the choke point) to a real
// file, and read back with the JournalReader (CRC, unpacking, validation and
// digest included).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include <chrono>
#include <optional>

#include "bench.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/replay/replay.hpp"
#include "hio/testkit/echo_scene.hpp"

namespace hio::bench {
namespace {

constexpr std::size_t kPayloadBytes = 32;
constexpr std::size_t kEventsPerPass = 64;  // a message-heavy pass
constexpr std::size_t kPayloads = 1024;     // distinct payloads, cycled

std::string journal_path() {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/hio-bench-journal-" +
         std::to_string(::getpid()) + ".hioj";
}

// The best wall time and the best CPU time of the whole process over the runs
// given to best_of.
struct Timing {
  double wall_s = 1e300;
  double cpu_s = 1e300;

  template <typename Fn>
  void best_of(Fn&& fn) {
    const double cpu_start = process_cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    fn();
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
    wall_s = std::min(wall_s, wall.count());
    cpu_s = std::min(cpu_s, process_cpu_seconds() - cpu_start);
  }
};

std::vector<std::string> payloads() {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < kPayloads; ++i) {
    std::string p(kPayloadBytes, '\0');
    for (std::size_t k = 0; k < kPayloadBytes; ++k)
      p[k] = static_cast<char>((i * 131 + k * 7 + 1) & 0xFF);
    out.push_back(std::move(p));
  }
  return out;
}

void write_journal(const std::string& path, std::size_t events,
                   const std::vector<std::string>& data) {
  replay::JournalWriter writer(path);
  replay::JournalHeader header;
  header.seed = 1;
  writer.write_header(header);
  replay::Recorder recorder(writer);
  ChannelEvent e;
  e.kind = EventKind::rx;
  for (std::size_t i = 0; i < events; ++i) {
    e.channel = static_cast<std::uint32_t>(1 + i % 8);
    e.tyme = Tyme{kDefaultTock * static_cast<std::int64_t>(i / kEventsPerPass)};
    e.seq = i;
    e.bytes = data[i % kPayloads];
    recorder.on_event(e);
  }
  recorder.end_pass();
  writer.finish(
      replay::RunSummary{events / kEventsPerPass + 1, e.tyme, replay::RunOutcome::done, ""});
}

std::uint64_t read_journal(const std::string& path) {
  replay::JournalReader reader(path);
  std::uint64_t events = 0;
  std::uint64_t bytes = 0;
  while (const replay::FrameView* frame = reader.next()) {
    events += frame->events.size();
    for (const ChannelEvent& e : frame->events)
      bytes += e.bytes.size();
  }
  if (!reader.complete()) throw std::runtime_error("journal bench: " + reader.error()->describe());
  if (bytes != events * kPayloadBytes) throw std::runtime_error("journal bench: wrong bytes");
  return events;
}

// A message-heavy simulated run: `clients` echo clients on SimNet, each
// sending a line every pass. Journaled to `path` unless it is empty.
void sim_echo_run(const std::string& path, int clients, int lines, std::size_t line_bytes) {
  Doist doist(Tock{1'000'000});
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  SimNet net(doist, io, {.seed = 3});
  net.add_host("client");
  net.add_host("server");
  net.set_link("client", "server", {.latency = Tock{2'000'000}});
  net.set_link("server", "client", {.latency = Tock{2'000'000}});
  net.set_client_host("client");
  std::optional<replay::Journal> journal;
  if (!path.empty()) journal.emplace(doist, io, path, replay::JournalHeader{});
  replay::test::EchoSceneOptions o;
  o.listen = o.connect = "sim://server:7";
  o.clients = clients;
  o.lines = lines;
  o.line_bytes = line_bytes;
  o.keep_text = false;
  o.every = Tock{1'000'000};
  replay::test::EchoScene scene(io, o);
  const Tock limit{static_cast<std::int64_t>(lines + 50) * 1'000'000};
  if (journal) {
    journal->run(scene.doers(), limit);
  } else {
    doist.run(scene.doers(), limit);
  }
  if (!scene.done())
    throw std::runtime_error("journal bench: the simulated echo run did not finish");
}

// A real-time capture like tests/replay's: 3 clients, a line every 90 ms for
// 2 s over loopback TCP. Returns its wall time in seconds.
double capture_real(const std::string& path) {
  Doist doist(Tock{1'000'000}, /*real=*/true);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  replay::JournalHeader header;
  header.mode = replay::Mode::real;
  replay::Journal journal(doist, io, path, header);
  replay::test::EchoScene scene(io, replay::test::EchoSceneOptions{});
  const auto start = std::chrono::steady_clock::now();
  journal.run(scene.doers(), seconds(2));
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  if (!scene.done()) throw std::runtime_error("journal bench: the capture did not echo everything");
  return wall.count();
}

void replay_capture(const std::string& path) {
  replay::Replayer replayer(path);
  Doist doist(replayer.header().tock);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  replayer.attach(doist, io);
  replay::test::EchoScene scene(io, replay::test::EchoSceneOptions{});
  const replay::ReplayResult r = replayer.run(scene.doers());
  if (!r.identical()) throw std::runtime_error("journal bench: the replay diverged");
}

}  // namespace

void journal_suite(const Options& options, Report& report) {
  const std::size_t events = options.quick ? 200'000 : 2'000'000;
  const std::string path = journal_path();
  const std::vector<std::string> data = payloads();
  const double write_s =
      best_seconds(options.repeats(), [&] { write_journal(path, events, data); });
  std::uint64_t read = 0;
  const double read_s = best_seconds(options.repeats(), [&] { read = read_journal(path); });
  std::FILE* f = std::fopen(path.c_str(), "rb");
  long size = 0;
  if (f != nullptr) {
    std::fseek(f, 0, SEEK_END);
    size = std::ftell(f);
    std::fclose(f);
  }
  std::remove(path.c_str());
  if (read != events) throw std::runtime_error("journal bench: read a different event count");
  report.add("journal_write_events_per_s", static_cast<double>(events) / write_s, "events/s");
  report.add("journal_read_events_per_s", static_cast<double>(events) / read_s, "events/s");
  report.add("journal_bytes_per_event", static_cast<double>(size) / static_cast<double>(events),
             "bytes");

  // Journaling a message-heavy simulated run vs the same run without it:
  // short lines (the figure), then 1 KiB lines, where the payload
  // bytes rather than the per-event work dominate.
  const int clients = 16;
  const int lines = options.quick ? 200 : 2000;
  const auto overhead = [&](const std::string& name, std::size_t line_bytes) {
    // Interleaved rounds, best of each: on a shared machine a load burst then
    // hits both alike instead of one of them.
    // The wall time is what a user waits for; the process's CPU time is the
    // same work with the time spent preempted left out (a loaded machine).
    Timing plain;
    Timing journaled;
    for (int round = 0; round < 2 * options.rounds(); ++round) {
      plain.best_of([&] { sim_echo_run("", clients, lines, line_bytes); });
      // The previous journal is removed outside the timed runs: truncating
      // megabytes of page cache is the file system's cost, not the journal's.
      journaled.best_of([&] { sim_echo_run(path, clients, lines, line_bytes); });
      std::remove(path.c_str());
    }
    report.add(name, journaled.wall_s / plain.wall_s, "ratio");
    report.add(name + "_cpu", journaled.cpu_s / plain.cpu_s, "ratio");
    report.add(name + "_plain_s", plain.wall_s, "s");
  };
  overhead("journal_overhead", 0);
  overhead("journal_overhead_1k", 1024);

  // Replaying a 2 s real-time capture in virtual time.
  const double captured_s = capture_real(path);
  const double replay_s = best_seconds(options.repeats(), [&] { replay_capture(path); });
  std::remove(path.c_str());
  report.add("replay_speedup", captured_s / replay_s, "ratio");
}

}  // namespace hio::bench
