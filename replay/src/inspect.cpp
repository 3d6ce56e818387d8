#include "hio/replay/inspect.hpp"

#include <algorithm>

#include "hio/replay/digest.hpp"
#include "hio/replay/escape.hpp"
#include "hio/replay/salvage.hpp"  // describe_hole

namespace hio::replay {

namespace {

// EventFilter::matches; `sorted`: its channels are in ascending order (a
// binary search, not a scan of every selected channel).
bool keeps(const EventFilter& f, const ChannelEvent& e, bool sorted) {
  if ((f.kinds & EventFilter::kind_bit(e.kind)) == 0) return false;
  if (e.tyme < f.from || (f.until && e.tyme >= *f.until)) return false;
  if (f.channels.empty()) return true;
  return sorted ? std::binary_search(f.channels.begin(), f.channels.end(), e.channel)
                : std::find(f.channels.begin(), f.channels.end(), e.channel) != f.channels.end();
}

}  // namespace

bool EventFilter::matches(const ChannelEvent& e) const {
  return keeps(*this, e, false);
}

bool EventFilter::matches_sorted(const ChannelEvent& e) const {
  return keeps(*this, e, true);
}

// One sort per reading, where a scan per event cost events x channels
// selected.
EventFilter with_sorted_channels(EventFilter filter) {
  std::sort(filter.channels.begin(), filter.channels.end());
  return filter;
}

std::optional<EventKind> parse_event_kind(std::string_view name) {
  for (unsigned k = 0; k <= static_cast<unsigned>(EventKind::rx_end); ++k) {
    const auto kind = static_cast<EventKind>(k);
    if (name == to_string(kind)) return kind;
  }
  return std::nullopt;
}

namespace {

// Which fields each event kind has (the Event table of
// docs/journal-format.md), and how the text line labels its strings. The one
// rule for the text line and the JSON line: a field has a value only on the
// kinds that have it, whatever the file holds there.
struct KindFields {
  // The payload, or what a close or an error discarded (0 bytes is a value
  // there).
  bool bytes = false;
  // The text line's labels for peer and text; nullptr: the kind has none.
  // "" (log's record) is printed unlabeled, quoted even when empty.
  const char* peer = nullptr;
  const char* text = nullptr;
  // The text line prints text before peer (open's name before its address).
  bool text_first = false;
};

KindFields kind_fields(EventKind kind) {
  switch (kind) {
    case EventKind::open:
      return {.peer = "address", .text = "name", .text_first = true};
    case EventKind::connect:
      return {.peer = "peer", .text = "local", .text_first = true};
    case EventKind::accept:
      return {.peer = "peer"};
    case EventKind::rx:
    case EventKind::tx:
      return {.bytes = true, .peer = "peer"};
    case EventKind::close:
      return {.bytes = true, .text = "why"};
    case EventKind::error:
      return {.bytes = true, .text = "reason"};
    case EventKind::noise:
      return {.bytes = true, .peer = "peer", .text = "detail"};
    case EventKind::log:
      return {.text = ""};
    case EventKind::rx_end:
      break;
  }
  return {};
}

void text_field(std::string& out, std::string_view label, std::string_view value) {
  if (value.empty()) return;
  out += ' ';
  out += label;
  out += '=';
  append_quoted_text(out, value);
}

std::string event_text(const ChannelEvent& e, std::uint64_t pass, std::size_t bytes_max) {
  const KindFields fields = kind_fields(e.kind);
  std::string out = "p" + std::to_string(pass) + " " + format_seconds(e.tyme) + " s" +
                    std::to_string(e.seq) + " #" + std::to_string(e.channel) + " " +
                    to_string(e.kind);
  // What only one kind has, before the strings.
  switch (e.kind) {
    case EventKind::open:
      out += std::string(" ") + to_string(e.channel_kind);
      break;
    case EventKind::accept:
      out += " #" + std::to_string(e.accepted);
      break;
    case EventKind::close:
      out += std::string(" ") + to_string(e.who);
      break;
    case EventKind::noise:
      out += std::string(" ") + to_string(e.noise);
      break;
    default:
      break;
  }
  // A payload before the strings; what a close or an error discarded after.
  const bool discarded = e.kind == EventKind::close || e.kind == EventKind::error;
  if (fields.bytes && !discarded) {
    out += ' ' + std::to_string(e.bytes.size()) + ' ';
    append_quoted(out, e.bytes, bytes_max);
  }
  auto text = [&] {
    if (fields.text == nullptr) return;
    if (*fields.text == '\0') {
      out += ' ';
      append_quoted_text(out, e.text);
    } else {
      text_field(out, fields.text, e.text);
    }
  };
  if (fields.text_first) text();
  if (fields.peer != nullptr) text_field(out, fields.peer, e.peer);
  if (!fields.text_first) text();
  if (discarded && !e.bytes.empty()) out += " discarded=" + std::to_string(e.bytes.size());
  return out;
}

std::string event_json(const ChannelEvent& e, std::uint64_t pass) {
  const KindFields fields = kind_fields(e.kind);
  std::string out = "{\"type\":\"event\"";
  append_json_number(out, "pass", pass);
  append_json_number(out, "tyme_ns", static_cast<std::int64_t>(e.tyme.time_since_epoch().count()));
  append_json_field(out, "tyme", format_seconds(e.tyme));
  append_json_number(out, "seq", e.seq);
  append_json_number(out, "channel", std::uint64_t{e.channel});
  append_json_field(out, "kind", to_string(e.kind));
  if (fields.bytes) {
    append_json_number(out, "bytes_len", std::uint64_t{e.bytes.size()});
    out += ",\"bytes_hex\":\"";
    append_hex(out, e.bytes);
    out += '"';
  } else {
    append_json_null(out, "bytes_len");
    append_json_null(out, "bytes_hex");
  }
  // The file stores an empty string as no string: "" is no value.
  append_json_field_or_null(out, "peer", fields.peer != nullptr ? e.peer : std::string_view{});
  append_json_field_or_null(out, "text", fields.text != nullptr ? e.text : std::string_view{});
  if (e.kind == EventKind::accept) {
    append_json_number(out, "accepted", std::uint64_t{e.accepted});
  } else {
    append_json_null(out, "accepted");
  }
  if (e.kind == EventKind::close) {
    append_json_field(out, "who", to_string(e.who));
  } else {
    append_json_null(out, "who");
  }
  if (e.kind == EventKind::noise) {
    append_json_field(out, "noise", to_string(e.noise));
  } else {
    append_json_null(out, "noise");
  }
  // Only an open event carries its channel's kind; on the others the field
  // holds a default that would read as "stream" whatever the channel is.
  if (e.kind == EventKind::open) {
    append_json_field(out, "channel_kind", to_string(e.channel_kind));
  } else {
    append_json_null(out, "channel_kind");
  }
  out += '}';
  return out;
}

}  // namespace

std::string format_event(const ChannelEvent& event, std::uint64_t pass,
                         const FormatOptions& options) {
  return options.format == LineFormat::json ? event_json(event, pass)
                                            : event_text(event, pass, options.text_bytes_max);
}

std::string format_header(const JournalHeader& h, const FormatOptions& options) {
  if (options.format == LineFormat::json) {
    std::string out = "{\"type\":\"header\"";
    append_json_number(out, "format_version", std::uint64_t{h.format_version});
    append_json_field(out, "engine_version", h.engine_version);
    // What this hio says of it, as hio replay --json does: the Journal
    // changes between its version and this one.
    out += ",\"journal_changes_between\":" + journal_changes_json(h.engine_version);
    append_json_number(out, "seed", h.seed);
    append_json_number(out, "tock_ns", static_cast<std::int64_t>(h.tock.count()));
    append_json_field(out, "tock", format_seconds(h.tock));
    append_json_field(out, "mode", to_string(h.mode));
    append_json_field(out, "scenario_digest", format_digest(h.scenario_digest));
    append_json_field_or_null(out, "scenario", h.scenario);
    out += ",\"channels\":[";
    bool first = true;
    for (const ChannelInfo& c : h.channels) {
      out += first ? "{" : ",{";
      first = false;
      out += "\"id\":" + std::to_string(c.id);
      append_json_field(out, "name", c.name);
      append_json_field(out, "address", c.address);
      append_json_field(out, "kind", to_string(c.kind));
      out += '}';
    }
    out += ']';
    // Every field always (the JSON rule): null where there is no value, and
    // the chain as written ([] for a capture), whatever the text line omits.
    append_json_field_or_null(out, "wall_clock", h.wall_clock);
    out += h.exit_marked ? ",\"exit_marked\":true" : ",\"exit_marked\":false";
    append_json_field_or_null(out, "noise", h.noise);
    if (h.noise.empty()) {
      append_json_null(out, "noise_seed");
    } else {
      append_json_number(out, "noise_seed", h.noise_seed);
    }
    out += ",\"noise_chain\":[";
    for (std::size_t i = 0; i < h.noise_chain.size(); ++i) {
      out += i == 0 ? "{\"seed\":" : ",{\"seed\":";
      out += std::to_string(h.noise_chain[i].seed);
      append_json_field(out, "spec", h.noise_chain[i].spec);
      out += '}';
    }
    out += "]}";
    return out;
  }
  std::string out = "header format=" + std::to_string(h.format_version) + " engine=";
  append_quoted(out, h.engine_version);
  out += " seed=" + std::to_string(h.seed) + " tock=" + format_seconds(h.tock) +
         " mode=" + to_string(h.mode) + " scenario=" + std::to_string(h.scenario.size()) + "B/" +
         format_digest(h.scenario_digest) + " channels=" + std::to_string(h.channels.size());
  for (const ChannelInfo& c : h.channels) {
    out += " #" + std::to_string(c.id) + "=";
    append_quoted_text(out, c.name);
    out += std::string(":") + to_string(c.kind) + ":";
    // As is, as written in scenarios; quoted if a crafted journal's address
    // holds a control character or bytes that are not UTF-8.
    bool plain = valid_utf8(c.address);
    for (std::size_t i = 0; plain && i < c.address.size();) {
      std::uint32_t cp = 0;
      i += utf8_sequence(c.address, i, &cp);
      plain = !control_code_point(cp) && cp != ' ' && cp != '"';
    }
    if (plain) {
      out += c.address;
    } else {
      append_quoted_text(out, c.address);
    }
  }
  text_field(out, "wall_clock", h.wall_clock);
  if (!h.noise.empty()) {
    text_field(out, "noise", h.noise);
    out += " noise_seed=" + std::to_string(h.noise_seed);
  }
  if (noise_chain_says_more(h)) {
    // noise_chain="drop=0.1"@3,"dup=1"@7: spec and seed of each, oldest first.
    out += " noise_chain=" + describe_noise_chain(h.noise_chain);
  }
  return out;
}

std::string format_trailer(const JournalTrailer& t, const FormatOptions& options) {
  if (options.format == LineFormat::json) {
    std::string out = "{\"type\":\"trailer\"";
    append_json_number(out, "passes", t.passes);
    append_json_number(out, "frames", t.frames);
    append_json_number(out, "events", t.events);
    append_json_field(out, "digest", format_digest(t.digest));
    append_json_number(out, "end_tyme_ns",
                       static_cast<std::int64_t>(t.end_tyme.time_since_epoch().count()));
    append_json_field(out, "end_tyme", format_seconds(t.end_tyme));
    append_json_field(out, "end", to_string(t.end));
    append_json_field_or_null(out, "end_text", t.end_text);
    if (t.stop_signal != 0) {
      append_json_number(out, "stop_signal", std::int64_t{t.stop_signal});
    } else {
      append_json_null(out, "stop_signal");
    }
    if (const char* name = journal_signal_name(t.stop_signal); name != nullptr) {
      append_json_field(out, "stop_signal_name", name);
    } else {
      append_json_null(out, "stop_signal_name");
    }
    out += t.ended_at_pass ? ",\"ended_at_pass\":true" : ",\"ended_at_pass\":false";
    out += t.end_by_hio ? ",\"end_by_hio\":true}" : ",\"end_by_hio\":false}";
    return out;
  }
  std::string out = "trailer passes=" + std::to_string(t.passes) +
                    " frames=" + std::to_string(t.frames) + " events=" + std::to_string(t.events) +
                    " digest=" + format_digest(t.digest) + " end=" + to_string(t.end) +
                    " end_tyme=" + format_seconds(t.end_tyme);
  text_field(out, "end_text", t.end_text);
  if (t.ended_at_pass) out += " ended_at_pass";
  if (t.end_by_hio) out += " end_by_hio";
  if (t.stop_signal != 0) {
    // "stop_signal=10 (SIGUSR1)": the number as the journal holds it, and
    // what it is, from a fixed table (the same text in every locale).
    const char* name = journal_signal_name(t.stop_signal);
    out += " stop_signal=" + std::to_string(t.stop_signal) +
           (name != nullptr ? std::string(" (") + name + ")" : std::string());
  }
  return out;
}

std::string format_error(const JournalError& e, const FormatOptions& options) {
  if (options.format == LineFormat::json) {
    std::string out = "{\"type\":\"error\"";
    append_json_field(out, "kind", to_string(e.kind));
    append_json_number(out, "offset", e.offset);
    if (e.last_pass) {
      append_json_number(out, "last_pass", *e.last_pass);
    } else {
      out += ",\"last_pass\":null";
    }
    // Every tyme twice, exact and as text (docs/replay.md, "Tymes in JSON"):
    // last_tyme since session 29.
    if (e.last_tyme) {
      append_json_number(out, "last_tyme_ns",
                         static_cast<std::int64_t>(e.last_tyme->time_since_epoch().count()));
      append_json_field(out, "last_tyme", format_seconds(*e.last_tyme));
    } else {
      out += ",\"last_tyme_ns\":null,\"last_tyme\":null";
    }
    append_json_field(out, "message", e.message);
    out += '}';
    return out;
  }
  return "error " + e.describe();
}

std::string format_hole(const JournalHole& h, const FormatOptions& options) {
  if (options.format == LineFormat::json) {
    std::string out = "{\"type\":\"hole\"";
    append_json_number(out, "offset", h.offset);
    append_json_number(out, "end", h.end);
    append_json_number(out, "bytes", h.end - h.offset);
    out += std::string(",\"lost\":") + (h.lost ? "true" : "false");
    out += ",\"why\":" + format_error(h.why, options) + "}";
    return out;
  }
  return "hole " + describe_hole(h);
}

InspectSummary for_each_event(
    JournalReader& reader, const EventFilter& filter,
    const std::function<void(const FrameView& frame, const ChannelEvent& event)>& on_event,
    const std::function<void(const JournalHole& hole)>& on_hole) {
  const EventFilter sorted = with_sorted_channels(filter);
  InspectSummary summary;
  std::size_t holes_told = 0;
  auto tell_holes = [&] {
    for (; holes_told < reader.holes().size(); ++holes_told)
      if (on_hole) on_hole(reader.holes()[holes_told]);
  };
  // Each frame is taken (next()) only once all its events were given: an
  // on_event that throws leaves the reader at the start of that frame, so
  // a later call gives its events again rather than losing the rest.
  while (const FrameView* frame = reader.peek()) {
    tell_holes();
    // Frames come in tyme order: nothing in this one or later can match.
    if (filter.until && frame->tyme >= *filter.until) {
      if (!filter.read_past_until) {
        summary.stopped = InspectSummary::Stop{frame->pass, frame->tyme, frame->offset};
        reader.next();  // taken, as the summary says (its events unused)
        break;
      }
      ++summary.frames;
      summary.events += frame->events.size();
      reader.next();
      continue;
    }
    for (const ChannelEvent& e : frame->events) {
      if (!sorted.matches_sorted(e)) continue;
      ++summary.events_matched;
      on_event(*frame, e);
    }
    ++summary.frames;
    summary.events += frame->events.size();
    reader.next();
  }
  tell_holes();
  summary.complete = reader.complete();
  summary.error = reader.error();
  return summary;
}

InspectSummary inspect(JournalReader& reader, const EventFilter& filter,
                       const FormatOptions& options, std::ostream& out, InspectBody body,
                       std::string_view after_header) {
  if (reader.header()) {
    out << format_header(*reader.header(), options) << '\n';
    if (!after_header.empty()) out << after_header << '\n';
  }
  const auto on_hole = [&](const JournalHole& hole) { out << format_hole(hole, options) << '\n'; };
  InspectSummary summary;
  if (body == InspectBody::stats) {
    // Every event before the window's end is read (open events name the
    // channels); the filter decides what is counted.
    const EventFilter sorted = with_sorted_channels(filter);
    EventFilter window;
    window.until = filter.until;
    window.read_past_until = filter.read_past_until;
    static const JournalHeader kNoHeader;
    StatsCollector stats(reader.header() ? *reader.header() : kNoHeader, filter.channels);
    std::uint64_t kept = 0;
    summary = for_each_event(
        reader, window,
        [&](const FrameView& frame, const ChannelEvent& e) {
          const bool keep = sorted.matches_sorted(e);
          kept += keep ? 1 : 0;
          stats.add(frame, e, keep);
        },
        on_hole);
    summary.events_matched = kept;
    const std::vector<ChannelStats> channels = stats.channels();
    for (const ChannelStats& s : channels)
      out << format_stats(s, options) << '\n';
    out << format_stats_total(stats.total(), channels.size(), options) << '\n';
  } else {
    summary = for_each_event(
        reader, filter,
        [&](const FrameView& frame, const ChannelEvent& e) {
          out << format_event(e, frame.pass, options) << '\n';
        },
        on_hole);
  }
  if (reader.trailer()) out << format_trailer(*reader.trailer(), options) << '\n';
  if (summary.error) out << format_error(*summary.error, options) << '\n';
  // A read that stopped past the window after a hole that lost events (not
  // one a salvage marked, accounted for in its trailer) ends as the read
  // without resync does: with that damage as its error (printed last).
  const JournalError* lost_in_window = nullptr;
  if (summary.stopped && !summary.error) {
    for (const JournalHole& hole : reader.holes()) {
      if (!hole.lost || hole.why.kind == JournalErrorKind::hole) continue;
      lost_in_window = &hole.why;
      break;
    }
  }
  if (const std::optional<InspectSummary::Stop>& stop = summary.stopped) {
    const std::string tyme = format_seconds(stop->tyme);
    if (options.format == LineFormat::json) {
      out << "{\"type\":\"stopped\",\"pass\":" << stop->pass
          << ",\"tyme_ns\":" << stop->tyme.time_since_epoch().count() << ",\"tyme\":\"" << tyme
          << "\",\"offset\":" << stop->offset << "}\n";
    } else {
      out << "stopped before pass " << stop->pass << " (tyme " << tyme << " s, byte "
          << stop->offset << "): past the window; the rest was not read\n";
    }
    if (lost_in_window != nullptr) {
      summary.error = *lost_in_window;
      out << format_error(*summary.error, options) << '\n';
    }
  }
  return summary;
}

}  // namespace hio::replay
