// Inspecting journals for the CLI (`hio inspect`): iterate the events, filter
// them by channel, kind and tyme range, and format them (and the header and
// trailer) as text lines for people or JSON lines for tools.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
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
  // tyme < *until; none: no bound. An optional, not a kTymeNever sentinel:
  // --to 9223372036.854775807s is a bound too (the events of a run stalled
  // at the end of tyme are at kTymeNever itself, outside it).
  std::optional<Tyme> until{};
  // for_each_event stops at the first frame at or past `until` (nothing later
  // can match), leaving the rest of the journal unread. True: read on to the
  // end anyway, validating it (its trailer, or damage after the window).
  bool read_past_until = false;

  static constexpr std::uint32_t kind_bit(EventKind kind) {
    return std::uint32_t{1} << static_cast<unsigned>(kind);
  }
  bool matches(const ChannelEvent& event) const;
  // matches, for a filter whose `channels` are in ascending order
  // (with_sorted_channels): a binary search, not a scan of every channel
  // selected for every event.
  bool matches_sorted(const ChannelEvent& event) const;
};

// `filter` with its channels sorted, for matches_sorted: one sort per reading.
EventFilter with_sorted_channels(EventFilter filter);

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
// iteration and are in the summary (never thrown). An exception from
// on_event (or on_hole) propagates, and leaves the reader at the start of
// the frame being read: a later for_each_event or next() gives that frame
// again, whole (the events before the one that threw too; FrameView::pass
// and the event's seq tell them apart), so no event is lost. A resyncing
// reader's holes (whatever the filter) go to `on_hole`, if given, each
// where it was: before the events of the frame read after it, or at the
// end for one the reading ended in (a later call on the same reader tells
// the holes found so far again, from the first).
[[nodiscard]] InspectSummary for_each_event(
    JournalReader& reader, const EventFilter& filter,
    const std::function<void(const FrameView& frame, const ChannelEvent& event)>& on_event,
    const std::function<void(const JournalHole& hole)>& on_hole = {});

// What the events a filter keeps amount to, per channel (`hio inspect
// --stats`). A channel's name, address and kind come from the header's table
// and from every open event read, kept or not (a window that starts after a
// channel opened still names it); null when neither has them. Memory: the
// rows of the channels with a kept event, and the names of the other
// channels not closed at the moment (forgotten at a close: an open names a
// channel again), not of every channel read; given the filter's channels,
// only theirs.
struct ChannelStats {
  std::uint32_t channel = 0;  // 0: the network (noise without an open end, logs)
  std::optional<std::string> name{};
  std::optional<std::string> address{};
  std::optional<ChannelKind> kind{};
  std::uint64_t events = 0;  // kept; the counts below add up to it
  std::uint64_t opens = 0, connects = 0, accepts = 0, rx_ends = 0, closes = 0, errors = 0,
                noise = 0, logs = 0;
  std::uint64_t rx_chunks = 0, rx_bytes = 0;  // rx events (datagrams) and their bytes
  std::uint64_t tx_chunks = 0, tx_bytes = 0;
  // tx bytes never handed to the transport: discarded by a close or an error
  // that ended the connection (data the peer never got).
  std::uint64_t discarded_bytes = 0;
  std::uint64_t first_pass = 0, last_pass = 0;  // of the first and last kept event
  Tyme first{}, last{};
};

class StatsCollector {
 public:
  // `channels`: the only channels that may have a row (a filter's, in any
  // order), the only ones whose names are kept; empty: any channel.
  explicit StatsCollector(const JournalHeader& header, std::vector<std::uint32_t> channels = {});
  // Every event read, in order; `kept`: it passed the filter (it is counted).
  void add(const FrameView& frame, const ChannelEvent& event, bool kept);
  // The channels with a kept event, by id; `total` sums them (channel 0,
  // name, address and kind null; first and last over all of them).
  std::vector<ChannelStats> channels() const;
  ChannelStats total() const;

 private:
  struct Known {
    std::optional<std::string> name, address;
    std::optional<ChannelKind> kind;
  };
  bool may_keep(std::uint32_t channel) const;
  std::vector<std::uint32_t> only_;       // sorted; empty: any channel
  std::map<std::uint32_t, Known> known_;  // channels without a row, until they close
  std::map<std::uint32_t, ChannelStats> kept_;
};

// text: "stats #2 name=\"client\" kind=stream address=\"sim://server:7\" events=12
//        first=p20/0.02 last=p92/0.092 rx_chunks=3 rx_bytes=600 tx_chunks=3 tx_bytes=600
//        opens=1 connects=1 closes=1 noise=3" (an unknown name, address or kind left
//        out; of the other kinds' counts and discarded_bytes only those not 0)
// json: {"type":"stats","channel":2,"name":"client","address":"sim://server:7",
//        "kind":"stream","events":12,"first_pass":20,"first_tyme_ns":...,"first_tyme":
//        "0.02",...} (every field always; null for an unknown name, address or kind)
// The total: "stats total channels=3 events=25 ..." / {"type":"stats_total","channels":3,...}.
std::string format_stats(const ChannelStats& stats, const FormatOptions& options = {});
std::string format_stats_total(const ChannelStats& total, std::size_t channels,
                               const FormatOptions& options = {});

enum class InspectBody : std::uint8_t {
  events,  // one line per kept event
  stats,   // one line per channel with a kept event, then the total (StatsCollector)
};

// The whole `hio inspect`: the header line, one line per kept event (and with
// a resyncing reader a hole line where each hole was), then the trailer line
// (or the error line, or for a read that stopped past the window the
// `stopped` line, followed by the error line of the first hole that lost
// events, if a resyncing reader skipped one: summary.error then, as a read
// without resync would have stopped there) - each formatted as asked, each
// ending "\n".
// text: "stopped before pass 100 (tyme 0.1 s, byte 5678): past the window; the rest was not read"
// json: {"type":"stopped","pass":100,"tyme_ns":100000000,"tyme":"0.1","offset":5678}
// With InspectBody::stats, the stats lines take the events' place (holes are
// still printed where they were). `after_header`, if not empty, is a line
// of the caller's printed right after the header line (hio inspect --json's
// `filter` line, echoing the options that made `filter`). Not
// [[nodiscard]]: what the summary says (damage, a cut, a stop) is printed to
// `out` as well; a caller that sets an exit code from it reads it.
InspectSummary inspect(JournalReader& reader, const EventFilter& filter,
                       const FormatOptions& options, std::ostream& out,
                       InspectBody body = InspectBody::events, std::string_view after_header = {});

}  // namespace hio::replay
