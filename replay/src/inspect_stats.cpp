// hio inspect --stats: what the kept events of a journal amount to, per channel.
#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

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

StatsCollector::StatsCollector(const JournalHeader& header, std::vector<std::uint32_t> channels)
    : only_(std::move(channels)) {
  std::sort(only_.begin(), only_.end());
  for (const ChannelInfo& c : header.channels) {
    if (may_keep(c.id)) known_[c.id] = Known{c.name, c.address, c.kind};
  }
}

bool StatsCollector::may_keep(std::uint32_t channel) const {
  return only_.empty() || std::binary_search(only_.begin(), only_.end(), channel);
}

void StatsCollector::add(const FrameView& frame, const ChannelEvent& e, bool kept) {
  auto row = kept_.find(e.channel);
  if (e.kind == EventKind::open) {
    // A kept channel's row holds its name; another's is known until it closes.
    if (row != kept_.end()) {
      row->second.name = std::string(e.text);
      row->second.address = std::string(e.peer);
      row->second.kind = e.channel_kind;
    } else if (may_keep(e.channel)) {
      known_[e.channel] = Known{std::string(e.text), std::string(e.peer), e.channel_kind};
    }
  }
  if (!kept) {
    // A closed channel has no more events until an open names it again:
    // what names it is forgotten unless a row needs it. So a journal of
    // millions of channels costs the rows printed and the channels not
    // closed at the moment (a failed stream may still be closed, an event a
    // row may count: it stays until then), not every channel read; with a
    // filter's channels, only those.
    if (row == kept_.end() && e.kind == EventKind::close) known_.erase(e.channel);
    return;
  }
  if (row == kept_.end()) {
    row = kept_.try_emplace(e.channel).first;
    ChannelStats& s = row->second;
    s.channel = e.channel;
    s.first_pass = frame.pass;
    s.first = e.tyme;
    if (auto k = known_.find(e.channel); k != known_.end()) {
      s.name = std::move(k->second.name);
      s.address = std::move(k->second.address);
      s.kind = k->second.kind;
      known_.erase(k);
    }
  }
  ChannelStats& s = row->second;
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
  for (const auto& [id, kept] : kept_)
    out.push_back(kept);
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
