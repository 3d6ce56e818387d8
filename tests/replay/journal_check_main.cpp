// replay_journal_check: reads a journal in its own process and prints what it
// found, so tests can check that a journal written by one process (and one
// build) is read by another. Exit 0 when the journal is complete, 1 if not.
//   replay_journal_check FILE  ->  "complete frames=5 events=18 digest=..."
#include <cstdio>
#include <string>

#include "hio/replay/replay.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: replay_journal_check FILE\n");
    return 2;
  }
  hio::replay::JournalReader reader(argv[1]);
  std::uint64_t frames = 0;
  std::uint64_t events = 0;
  while (const hio::replay::FrameView* frame = reader.next()) {
    ++frames;
    events += frame->events.size();
  }
  if (!reader.complete()) {
    std::printf("damaged frames=%llu events=%llu %s\n", static_cast<unsigned long long>(frames),
                static_cast<unsigned long long>(events), reader.error()->describe().c_str());
    return 1;
  }
  std::printf("complete frames=%llu events=%llu digest=%s seed=%llu\n",
              static_cast<unsigned long long>(frames), static_cast<unsigned long long>(events),
              hio::replay::format_digest(reader.digest()).c_str(),
              static_cast<unsigned long long>(reader.header()->seed));
  return 0;
}
