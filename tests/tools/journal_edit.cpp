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
//   journal-edit addresses IN OUT FROM TO  every FROM replaced by TO in the
//                                          addresses: the channel table's,
//                                          every event's peer, a connect's
//                                          local address (tests/tools/
//                                          cli_journal.cmake: diff
//                                          --ignore-addresses)
//   journal-edit rename IN OUT FROM TO     every FROM replaced by TO in the
//                                          channel names: the channel table's
//                                          and the open events'
//   journal-edit renumber IN OUT A B       channel ids A and B swapped: in the
//                                          channel table (kept in id order),
//                                          every event's channel and an
//                                          accept's accepted id (tests/tools/
//                                          cli_diff.cmake: --channel NAME)
//   journal-edit rx-byte IN OUT N          the first byte of the N-th rx
//                                          event (0-based) flipped
//   journal-edit engine-version IN OUT HEX the header's engine_version with
//                                          the bytes HEX (say ff: not UTF-8)
//                                          appended (tests/tools/cli_diff.cmake)
//   journal-edit engine-set IN OUT TEXT    the header's engine_version set to
//                                          TEXT (another hio version's
//                                          journal: cli_replay_edits.cmake)
//
// Exit 0, or 2 with a message on stderr.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "hio/replay/replay.hpp"

namespace {

using namespace hio::replay;

int fail(const std::string& what) {
  std::fprintf(stderr, "journal-edit: %s\n", what.c_str());
  return 2;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// Copies IN to OUT with `edit` applied to each event (owned copies).
template <typename Edit>
int edit_events(const std::string& in, const std::string& out, JournalHeader header, Edit edit) {
  JournalReader reader(in);
  if (reader.header() == nullptr) return fail(in + ": no header");
  JournalWriter writer(out);
  writer.write_header(header);
  while (const FrameView* f = reader.next()) {
    std::vector<OwnedEvent> owned;
    for (const hio::ChannelEvent& e : f->events)
      owned.push_back(OwnedEvent::from(e));
    std::vector<hio::ChannelEvent> views;
    for (OwnedEvent& e : owned) {
      edit(e);
      views.push_back(e.view());
    }
    writer.write_pass(f->tyme, views, f->exit);
  }
  if (!reader.complete()) return fail(in + ": " + reader.error()->describe());
  const JournalTrailer& t = *reader.trailer();
  writer.finish({t.passes, t.end_tyme, t.end, t.end_text});
  return 0;
}

int edit_scenario(const std::string& in, const std::string& out, const std::string& from,
                  const std::string& to) {
  JournalReader reader(in);
  if (reader.header() == nullptr) return fail(in + ": no header");
  JournalHeader header = *reader.header();
  const std::size_t at = header.scenario.find(from);
  if (at == std::string::npos) return fail(in + ": the scenario has no '" + from + "'");
  header.scenario.replace(at, from.size(), to);
  return edit_events(in, out, header, [](OwnedEvent&) {});
}

int edit_addresses(const std::string& in, const std::string& out, const std::string& from,
                   const std::string& to) {
  JournalReader reader(in);
  if (reader.header() == nullptr) return fail(in + ": no header");
  JournalHeader header = *reader.header();
  for (ChannelInfo& c : header.channels)
    replace_all(c.address, from, to);
  return edit_events(in, out, header, [&](OwnedEvent& e) {
    replace_all(e.peer, from, to);
    if (e.kind == hio::EventKind::connect) replace_all(e.text, from, to);
  });
}

int edit_names(const std::string& in, const std::string& out, const std::string& from,
               const std::string& to) {
  JournalReader reader(in);
  if (reader.header() == nullptr) return fail(in + ": no header");
  JournalHeader header = *reader.header();
  for (ChannelInfo& c : header.channels)
    replace_all(c.name, from, to);
  return edit_events(in, out, header, [&](OwnedEvent& e) {
    if (e.kind == hio::EventKind::open) replace_all(e.text, from, to);
  });
}

int edit_ids(const std::string& in, const std::string& out, std::uint32_t a, std::uint32_t b) {
  JournalReader reader(in);
  if (reader.header() == nullptr) return fail(in + ": no header");
  const auto swapped = [a, b](std::uint32_t id) { return id == a ? b : id == b ? a : id; };
  JournalHeader header = *reader.header();
  for (ChannelInfo& c : header.channels)
    c.id = swapped(c.id);
  std::sort(header.channels.begin(), header.channels.end(),
            [](const ChannelInfo& x, const ChannelInfo& y) { return x.id < y.id; });
  return edit_events(in, out, header, [&](OwnedEvent& e) {
    e.channel = swapped(e.channel);
    if (e.kind == hio::EventKind::accept) e.accepted = swapped(e.accepted);
  });
}

int edit_rx_byte(const std::string& in, const std::string& out, std::size_t n) {
  JournalReader reader(in);
  if (reader.header() == nullptr) return fail(in + ": no header");
  std::size_t seen = 0;
  return edit_events(in, out, *reader.header(), [&](OwnedEvent& e) {
    if (e.kind == hio::EventKind::rx && seen++ == n && !e.bytes.empty()) e.bytes[0] ^= 0x20;
  });
}

// The header's engine_version: `text`, or (`append`) its own with `text`'s
// hex bytes appended.
int edit_engine_version(const std::string& in, const std::string& out, const std::string& text,
                        bool append) {
  JournalReader reader(in);
  if (reader.header() == nullptr) return fail(in + ": no header");
  JournalHeader header = *reader.header();
  if (!append) header.engine_version = text;
  for (std::size_t i = 0; append && i + 1 < text.size(); i += 2)
    header.engine_version += static_cast<char>(std::stoul(text.substr(i, 2), nullptr, 16));
  return edit_events(in, out, header, [](OwnedEvent&) {});
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
    if (command == "addresses" && argc == 6)
      return edit_addresses(argv[2], argv[3], argv[4], argv[5]);
    if (command == "rename" && argc == 6) return edit_names(argv[2], argv[3], argv[4], argv[5]);
    if (command == "renumber" && argc == 6) {
      return edit_ids(argv[2], argv[3], static_cast<std::uint32_t>(std::stoul(argv[4])),
                      static_cast<std::uint32_t>(std::stoul(argv[5])));
    }
    if (command == "rx-byte" && argc == 5)
      return edit_rx_byte(argv[2], argv[3], std::stoul(argv[4]));
    if (command == "engine-version" && argc == 5)
      return edit_engine_version(argv[2], argv[3], argv[4], true);
    if (command == "engine-set" && argc == 5)
      return edit_engine_version(argv[2], argv[3], argv[4], false);
    if (command == "salvage" && argc == 4) {
      (void)salvage_journal(argv[2], argv[3]);
      return 0;
    }
    return fail(
        "usage: journal-edit scenario IN OUT FROM TO | trailer-offset IN | salvage IN OUT | "
        "addresses IN OUT FROM TO | rename IN OUT FROM TO | renumber IN OUT A B | rx-byte IN OUT N "
        "| "
        "engine-version IN OUT HEX | engine-set IN OUT TEXT");
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
