// Helpers for the journal tests: temporary directories with real files, file
// bytes, and a fixed sample journal whose events cover every kind and field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hio/replay/replay.hpp"
#include "temp_dir.hpp"

namespace hio::replay::test {

// A fresh directory under $TMPDIR (or /tmp), removed with its files at the end.
using TempDir = ::hio::test::TempDir;

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& bytes);

inline constexpr Tock kSampleTock{31'250'000};  // 1/32 s

struct SamplePass {
  Tyme tyme;
  std::vector<OwnedEvent> events;
};

JournalHeader sample_header();
// Passes at 0, 1, 2, 5 and 7 tocks; every event kind, binary bytes, a
// datagram peer, non-UTF-8 text and an embedded NUL; seq 0, 1, 2, ...
std::vector<SamplePass> sample_passes();
std::vector<OwnedEvent> sample_events();  // all of sample_passes(), in order
RunSummary sample_summary();

std::vector<ChannelEvent> views(const std::vector<OwnedEvent>& events);

// Writes the sample journal to `path` (with `header`, default sample_header())
// and returns its trailer.
JournalTrailer write_sample(const std::string& path, WriterOptions options = {});
JournalTrailer write_sample(const std::string& path, WriterOptions options,
                            const JournalHeader& header);

}  // namespace hio::replay::test
