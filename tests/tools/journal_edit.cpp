// Edits a recorded journal the way a test needs it, through the library's
// reader and writer (so every CRC, count and digest is right again), for the
// CLI tests (tests/tools/cli_replay_edits.cmake):
//
//   journal-edit scenario IN OUT FROM TO   the header's scenario text with its
//                                          first FROM replaced by TO; frames
//                                          and trailer copied
//   journal-edit trailer-offset IN         prints the byte offset where the
//                                          trailer starts (after the last pass
//                                          frame, or the header)
//   journal-edit salvage IN OUT            salvage_journal: the valid prefix
//                                          with a trailer (end unknown)
//
// Exit 0, or 2 with a message on stderr.
#include <cstdio>
#include <exception>
#include <string>

#include "hio/replay/replay.hpp"

namespace {

using namespace hio::replay;

int fail(const std::string& what) {
  std::fprintf(stderr, "journal-edit: %s\n", what.c_str());
  return 2;
}

int edit_scenario(const std::string& in, const std::string& out, const std::string& from,
                  const std::string& to) {
  JournalReader reader(in);
  if (reader.header() == nullptr) return fail(in + ": no header");
  JournalHeader header = *reader.header();
  const std::size_t at = header.scenario.find(from);
  if (at == std::string::npos) return fail(in + ": the scenario has no '" + from + "'");
  header.scenario.replace(at, from.size(), to);
  JournalWriter writer(out);
  writer.write_header(header);
  while (const FrameView* f = reader.next())
    writer.write_pass(f->tyme, f->events, f->exit);
  if (!reader.complete()) return fail(in + ": " + reader.error()->describe());
  const JournalTrailer& t = *reader.trailer();
  writer.finish({t.passes, t.end_tyme, t.end, t.end_text});
  return 0;
}

int trailer_offset(const std::string& in) {
  JournalReader reader(in);
  if (reader.header() == nullptr) return fail(in + ": no header");
  std::uint64_t offset = reader.valid_bytes();
  while (const FrameView* f = reader.next())
    offset = f->offset + f->size_bytes;
  if (!reader.complete()) return fail(in + ": " + reader.error()->describe());
  std::printf("%llu\n", static_cast<unsigned long long>(offset));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "scenario" && argc == 6)
      return edit_scenario(argv[2], argv[3], argv[4], argv[5]);
    if (command == "trailer-offset" && argc == 3) return trailer_offset(argv[2]);
    if (command == "salvage" && argc == 4) {
      (void)salvage_journal(argv[2], argv[3]);
      return 0;
    }
    return fail("usage: journal-edit scenario IN OUT FROM TO | trailer-offset IN | salvage IN OUT");
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
