// Journal benchmarks: events with 32-byte payloads written through the
// Recorder (the path a run's events take from the choke point) to a real
// file, and read back with the JournalReader (CRC, unpacking, validation and
// digest included).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench.hpp"
#include "hio/replay/replay.hpp"

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
  if (!reader.complete()) throw std::runtime_error("journal bench: " + reader.error()->what());
  if (bytes != events * kPayloadBytes) throw std::runtime_error("journal bench: wrong bytes");
  return events;
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
}

}  // namespace hio::bench
