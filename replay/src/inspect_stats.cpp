// hio inspect --stats: what the kept events of a journal amount to, per channel.
#include <optional>
#include <string>
#include <tuple>

#include "hio/replay/escape.hpp"
#include "hio/replay/inspect.hpp"

namespace hio::replay {

namespace {

// Every count of a ChannelStats but `events`, once: the total sums them, the
// lines print them, in this order.
struct Count {
  const char* name;
  std::uint64_t ChannelStats::*field;
  bool always;  // in text lines even when 0
};

constexpr Count kCounts[] = {
    {"rx_chunks", &ChannelStats::rx_chunks, true},
    {"rx_bytes", &ChannelStats::rx_bytes, true},
    {"tx_chunks", &ChannelStats::tx_chunks, true},
    {"tx_bytes", &ChannelStats::tx_bytes, true},
    {"discarded_bytes", &ChannelStats::discarded_bytes, false},
    {"opens", &ChannelStats::opens, false},
    {"connects", &ChannelStats::connects, false},
    {"accepts", &ChannelStats::accepts, false},
    {"rx_ends", &ChannelStats::rx_ends, false},
    {"closes", &ChannelStats::closes, false},
    {"errors", &ChannelStats::errors, false},
    {"noise", &ChannelStats::noise, false},
    {"logs", &ChannelStats::logs, false},
};

}  // namespace

StatsCollector::StatsCollector(const JournalHeader& header) {
  for (const ChannelInfo& c : header.channels)
    known_[c.id] = Known{c.name, c.address, c.kind};
}

void StatsCollector::add(const FrameView& frame, const ChannelEvent& e, bool kept) {
  if (e.kind == EventKind::open) {
    known_[e.channel] = Known{std::string(e.text), std::string(e.peer), e.channel_kind};
  }
  if (!kept) return;
  auto [it, fresh] = kept_.try_emplace(e.channel);
  ChannelStats& s = it->second;
  if (fresh) {
    s.channel = e.channel;
    s.first_pass = frame.pass;
    s.first = e.tyme;
  }
  s.last_pass = frame.pass;
  s.last = e.tyme;
  ++s.events;
  switch (e.kind) {
    case EventKind::open:
      ++s.opens;
      break;
    case EventKind::connect:
      ++s.connects;
      break;
    case EventKind::accept:
      ++s.accepts;
      break;
    case EventKind::rx:
      ++s.rx_chunks;
      s.rx_bytes += e.bytes.size();
      break;
    case EventKind::tx:
      ++s.tx_chunks;
      s.tx_bytes += e.bytes.size();
      break;
    case EventKind::close:
      ++s.closes;
      s.discarded_bytes += e.bytes.size();
      break;
    case EventKind::error:
      ++s.errors;
      s.discarded_bytes += e.bytes.size();
      break;
    case EventKind::noise:
      ++s.noise;
      break;
    case EventKind::log:
      ++s.logs;
      break;
    case EventKind::rx_end:
      ++s.rx_ends;
      break;
  }
}

std::vector<ChannelStats> StatsCollector::channels() const {
  std::vector<ChannelStats> out;
  out.reserve(kept_.size());
  for (const auto& [id, kept] : kept_) {
    ChannelStats s = kept;
    if (auto k = known_.find(id); k != known_.end()) {
      s.name = k->second.name;
      s.address = k->second.address;
      s.kind = k->second.kind;
    }
    out.push_back(std::move(s));
  }
  return out;
}

ChannelStats StatsCollector::total() const {
  ChannelStats t;
  bool first = true;
  for (const auto& [id, s] : kept_) {
    // Events are read in order, so the earliest first and the latest last
    // are each channel's; passes and tymes rise together.
    if (first || s.first_pass < t.first_pass) {
      t.first_pass = s.first_pass;
      t.first = s.first;
    }
    if (first || s.last_pass > t.last_pass) {
      t.last_pass = s.last_pass;
      t.last = s.last;
    }
    first = false;
    t.events += s.events;
    for (const Count& c : kCounts)
      t.*c.field += s.*c.field;
  }
  return t;
}

namespace {

void append_json_text_or_null(std::string& out, std::string_view name,
                              const std::optional<std::string>& value) {
  if (value) {
    append_json_field(out, name, *value);
  } else {
    append_json_null(out, name);
  }
}

// The fields after the line's identity: events, first and last, the counts.
void append_counts(std::string& out, const ChannelStats& s, LineFormat format) {
  const auto tyme_ns = [](Tyme t) {
    return static_cast<std::int64_t>(t.time_since_epoch().count());
  };
  // No kept event (a total of nothing): no first or last.
  const bool any = s.events > 0;
  if (format == LineFormat::json) {
    append_json_number(out, "events", s.events);
    for (const auto& [label, pass, tyme] :
         {std::tuple{"first", s.first_pass, s.first}, std::tuple{"last", s.last_pass, s.last}}) {
      const std::string name(label);
      if (any) {
        append_json_number(out, name + "_pass", pass);
        append_json_number(out, name + "_tyme_ns", tyme_ns(tyme));
        append_json_field(out, name + "_tyme", format_seconds(tyme));
      } else {
        out +=
            ",\"" + name + "_pass\":null,\"" + name + "_tyme_ns\":null,\"" + name + "_tyme\":null";
      }
    }
    for (const Count& c : kCounts)
      append_json_number(out, c.name, s.*c.field);
    out += '}';
    return;
  }
  out += " events=" + std::to_string(s.events);
  if (any) {
    out += " first=p" + std::to_string(s.first_pass) + "/" + format_seconds(s.first) + " last=p" +
           std::to_string(s.last_pass) + "/" + format_seconds(s.last);
  }
  for (const Count& c : kCounts) {
    if (c.always || s.*c.field != 0)
      out += " " + std::string(c.name) + "=" + std::to_string(s.*c.field);
  }
}

}  // namespace

std::string format_stats(const ChannelStats& s, const FormatOptions& options) {
  std::string out;
  if (options.format == LineFormat::json) {
    out = "{\"type\":\"stats\"";
    append_json_number(out, "channel", std::uint64_t{s.channel});
    append_json_text_or_null(out, "name", s.name);
    append_json_text_or_null(out, "address", s.address);
    append_json_text_or_null(
        out, "kind", s.kind ? std::optional<std::string>(to_string(*s.kind)) : std::nullopt);
    append_counts(out, s, LineFormat::json);
    return out;
  }
  out = "stats #" + std::to_string(s.channel);
  if (s.name) {
    out += " name=";
    append_quoted_text(out, *s.name);
  }
  if (s.kind) out += std::string(" kind=") + to_string(*s.kind);
  if (s.address) {
    out += " address=";
    append_quoted_text(out, *s.address);
  }
  append_counts(out, s, LineFormat::text);
  return out;
}

std::string format_stats_total(const ChannelStats& total, std::size_t channels,
                               const FormatOptions& options) {
  std::string out;
  if (options.format == LineFormat::json) {
    out = "{\"type\":\"stats_total\"";
    append_json_number(out, "channels", std::uint64_t{channels});
  } else {
    out = "stats total channels=" + std::to_string(channels);
  }
  append_counts(out, total, options.format);
  return out;
}

}  // namespace hio::replay
