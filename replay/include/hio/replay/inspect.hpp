// Inspecting journals for the CLI (`hio inspect`): iterate the events, filter
// them by channel, kind and tyme range, and format them (and the header and
// trailer) as text lines for people or JSON lines for tools.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "hio/io/event.hpp"
#include "hio/replay/error.hpp"
#include "hio/replay/reader.hpp"
#include "hio/replay/types.hpp"

namespace hio::replay {

// Which events to keep. The default keeps everything.
struct EventFilter {
  std::vector<std::uint32_t> channels{};                      // empty: every channel
  std::uint32_t kinds = ~std::uint32_t{0};                    // a bit per EventKind: kind_bit(kind)
  Tyme from{Tock{std::numeric_limits<std::int64_t>::min()}};  // tyme >= from
  Tyme until = kTymeNever;  // tyme < until; kTymeNever: no bound (events at kTymeNever kept)
  // for_each_event stops at the first frame at or past `until` (nothing later
  // can match), leaving the rest of the journal unread. True: read on to the
  // end anyway, validating it (its trailer, or damage after the window).
  bool read_past_until = false;

  static constexpr std::uint32_t kind_bit(EventKind kind) {
    return std::uint32_t{1} << static_cast<unsigned>(kind);
  }
  bool matches(const ChannelEvent& event) const;
};

// Parses "rx", "tx", ... (the names of to_string(EventKind)); nullopt if unknown.
std::optional<EventKind> parse_event_kind(std::string_view name);

enum class LineFormat : std::uint8_t { text, json };

struct FormatOptions {
  LineFormat format = LineFormat::text;
  // Text lines: at most this many bytes of `bytes` are shown (escaped), then
  // "..."; JSON always carries all of them.
  std::size_t text_bytes_max = 64;
};

// One line, without the newline.
// text: "p16 0.5 s42 #3 rx 5 \"hello\" peer=..."
// json: {"type":"event","pass":16,"tyme_ns":500000000,"tyme":"0.5","seq":42,
//        "channel":3,"kind":"rx","bytes_len":5,"bytes_hex":"68656c6c6f","peer":"",
//        "text":"","accepted":0,"who":"local","noise":"none"}
//   ("channel_kind" only on open events, the only ones that carry it; the
//   header's channel table and the open event give other events' kind.)
// Strings that are not valid UTF-8 go to JSON as "<name>_hex" instead.
std::string format_event(const ChannelEvent& event, std::uint64_t pass,
                         const FormatOptions& options = {});
std::string format_header(const JournalHeader& header, const FormatOptions& options = {});
std::string format_trailer(const JournalTrailer& trailer, const FormatOptions& options = {});
std::string format_error(const JournalError& error, const FormatOptions& options = {});
// A region a resyncing reader skipped, where it was:
// text: "hole bytes 1200-1710 (510 bytes, events lost): byte 1200 (after pass 4, ...): bad_crc:
// ..." json:
// {"type":"hole","offset":1200,"end":1710,"bytes":510,"lost":true,"why":{<format_error>}}
std::string format_hole(const JournalHole& hole, const FormatOptions& options = {});

struct InspectSummary {
  std::uint64_t frames = 0;
  std::uint64_t events = 0;          // read
  std::uint64_t events_matched = 0;  // passed the filter
  bool complete = false;             // the reader reached a valid trailer
  std::optional<JournalError> error{};
  // The reading stopped at the first frame past the filter's `until` (not
  // read_past_until): that frame, whose events were not used, and nothing
  // after it was read.
  struct Stop {
    std::uint64_t pass = 0;
    Tyme tyme{};
    std::uint64_t offset = 0;
  };
  std::optional<Stop> stopped{};
};

// Reads `reader` and calls `on_event` for every event the filter keeps, in
// order: to its end, or (with a bound `until`, unless read_past_until) to the
// first frame at or past `until` (summary.stopped; then neither the trailer
// nor damage after the window is seen). Errors in the journal end the
// iteration and are in the summary (never thrown); exceptions from on_event
// propagate. A resyncing reader's holes (whatever the filter) go to
// `on_hole`, if given, each where it was: before the events of the frame
// read after it, or at the end for one the reading ended in.
InspectSummary for_each_event(
    JournalReader& reader, const EventFilter& filter,
    const std::function<void(const FrameView& frame, const ChannelEvent& event)>& on_event,
    const std::function<void(const JournalHole& hole)>& on_hole = {});

// The whole `hio inspect`: the header line, one line per kept event (and with
// a resyncing reader a hole line where each hole was), then the trailer line
// (or the error line, or for a read that stopped past the window the
// `stopped` line, followed by the error line of the first hole that lost
// events, if a resyncing reader skipped one: summary.error then, as a read
// without resync would have stopped there) - each formatted as asked, each
// ending "\n".
// text: "stopped before pass 100 (tyme 0.1 s, byte 5678): past the window; the rest was not read"
// json: {"type":"stopped","pass":100,"tyme_ns":100000000,"tyme":"0.1","offset":5678}
InspectSummary inspect(JournalReader& reader, const EventFilter& filter,
                       const FormatOptions& options, std::ostream& out);

}  // namespace hio::replay
