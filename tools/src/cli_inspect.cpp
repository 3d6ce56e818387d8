// hio inspect.
#include "cli_commands.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <set>

#include "channel_id.hpp"
#include "hio/replay/inspect.hpp"
#include "hio/replay/reader.hpp"
#include "hio/tools/duration.hpp"
#include "option_value.hpp"
#include "output.hpp"

namespace hio::tools {

namespace {

std::optional<Tyme> parse_tyme_arg(const std::string& text, const char* what) {
  std::string error;
  std::optional<Tyme> tyme = parse_tyme(text, &error);
  if (!tyme) {
    std::cerr << "hio inspect: " << option_value(what, display_text(text)) << ": "
              << message_text(error) << "\n";
  }
  return tyme;
}

// The channel ids that --channel C selects: "#2" or digits are an id (0
// holds the network's own events, e.g. SimNet drops no channel carries);
// anything else a name as listings print it ("server", "server/4"). The
// header's table holds the channels opened before its first frame (the first
// pass, or a build's first 4,096 events); channels opened later (accepted
// remotes, the rest of a large build) are only in the events, so those cost
// one more read of the journal, which keeps only the channels that match
// (and a third, of every channel, for the error of one not there), and only
// when an id or a name is not in the table - which only a regular file
// allows (a pipe has been read; there an id is taken on trust). An id or a
// name the journal does not have would list nothing, as if the channel were
// silent: an error instead, naming the channels there are (and the nearest
// name).
struct ChannelSelection {
  std::vector<std::uint32_t> ids;
  std::string problem;  // "" if every --channel was found
  std::vector<std::string> warnings;
};

replay::ReaderOptions inspect_reader_options(const InspectArgs& args) {
  replay::ReaderOptions options;
  options.resync = args.resync;
  return options;
}

ChannelSelection select_channels(const InspectArgs& args, const replay::JournalReader& reader) {
  std::map<std::uint32_t, std::string> known{{0, ""}};  // id -> name
  for (const replay::ChannelInfo& info : reader.header()->channels)
    known[info.id] = info.name;
  bool searched = false;     // the events were read for the channels the table lacks
  bool all_read = false;     // and for every channel, to list them
  bool header_only = false;  // a pipe: only the header's table was searched
  // name -> ids (in id order), built from `known` when first needed and again
  // after the events were read: each --channel NAME is one lookup, not a walk
  // of every channel.
  std::map<std::string, std::vector<std::uint32_t>, std::less<>> by_name;
  bool by_name_stale = true;
  const std::vector<std::uint32_t> none;
  const auto named = [&](std::string_view c) -> const std::vector<std::uint32_t>& {
    if (by_name_stale) {
      by_name.clear();
      for (const auto& [known_id, name] : known) {
        if (known_id != 0) by_name[name].push_back(known_id);
      }
      by_name_stale = false;
    }
    const auto it = by_name.find(c);
    return it == by_name.end() ? none : it->second;
  };
  const auto read_events = [&](const std::function<void(const ChannelEvent&)>& on_event) {
    replay::JournalReader again(args.journal, inspect_reader_options(args));
    (void)replay::for_each_event(
        again, replay::EventFilter{},
        [&](const replay::FrameView&, const ChannelEvent& e) { on_event(e); });
    by_name_stale = true;
  };
  ChannelSelection selection;
  for (const std::string& c : args.channels) {
    std::uint32_t id = 0;
    const bool is_id = channel_id_of(c, id);
    const auto missing = [&] { return is_id ? known.count(id) == 0 : named(c).empty(); };
    if (missing() && !searched) {
      searched = true;
      std::error_code ec;
      if (!std::filesystem::is_regular_file(args.journal, ec)) {
        header_only = true;
      } else {
        // Only the channels asked for that the table lacks are kept as the
        // events are read (an accepted remote's name is matched at its open
        // event), so that finding one in a capture of millions of channels
        // keeps what it names, not every channel.
        std::set<std::uint32_t> ids;
        std::set<std::string, std::less<>> names;
        for (const std::string& wanted : args.channels) {
          std::uint32_t wanted_id = 0;
          if (channel_id_of(wanted, wanted_id)) {
            if (known.count(wanted_id) == 0) ids.insert(wanted_id);
          } else if (named(wanted).empty()) {
            names.insert(wanted);
          }
        }
        read_events([&](const ChannelEvent& e) {
          const bool open = e.kind == EventKind::open;
          if (ids.count(e.channel) == 0 && !(open && names.count(e.text) != 0)) return;
          std::string& name = known[e.channel];
          if (open) name = std::string(e.text);
        });
      }
    }
    if (missing() && !header_only && !all_read) {
      // Not there: every channel, to say which there are (and the nearest
      // name), as only a mistake costs.
      all_read = true;
      read_events([&](const ChannelEvent& e) {
        std::string& name = known[e.channel];
        if (e.kind == EventKind::open) name = std::string(e.text);
      });
    }
    if (is_id && (known.count(id) != 0 || header_only)) {
      selection.ids.push_back(id);
      // A channel named as an id (by a program of its own: hio run refuses
      // such doer names) is not what an id selects: said, not left silent.
      for (const std::uint32_t other : named(c)) {
        if (other == id) continue;
        selection.warnings.push_back("--channel " + display_text(c) + " selects channel #" +
                                     std::to_string(id) + " by its id; channel #" +
                                     std::to_string(other) + " is named " + display_text(c) +
                                     ": select it by its id, --channel " + std::to_string(other));
      }
      continue;
    }
    if (!is_id) {
      const std::vector<std::uint32_t>& ids = named(c);
      if (!ids.empty()) {
        selection.ids.insert(selection.ids.end(), ids.begin(), ids.end());
        continue;
      }
    }
    constexpr std::size_t kListedMax = 20;
    std::string listed;
    std::vector<std::string> names;
    for (const auto& [known_id, name] : known) {
      if (known_id != 0) names.push_back(name);
      if (names.size() + 1 > kListedMax) continue;  // (+1: the network)
      listed += (listed.empty() ? "" : ", ") + std::to_string(known_id) +
                (known_id == 0 ? " (the network)" : " " + display_text(name));
    }
    if (known.size() > kListedMax) {
      listed += ", ... (" + std::to_string(known.size() - kListedMax) + " more)";
    }
    if (c.empty()) {  // (display_text("") shows nothing: "no channel named ;")
      selection.problem =
          "--channel \"\": the channel name is empty; the journal's channels are " + listed;
      return selection;
    }
    std::string what = display_text(c);
    if (!is_id) {
      const std::string nearest = did_you_mean(c, names);  // "; did you mean 'x'?"
      what =
          "named " + what + (nearest.empty() ? "" : " (" + display_text(nearest.substr(2)) + ")");
    }
    selection.problem =
        "--channel " + display_text(c) + ": the journal has no channel " + what +
        "; its channels are " + listed +
        (header_only ? " (those of the header: a journal that is not a file is read once, so a "
                       "channel opened later can only be given by its id)"
                     : "");
    return selection;
  }
  return selection;
}

}  // namespace

int do_inspect(const InspectArgs& args) {
  replay::JournalReader reader(args.journal, inspect_reader_options(args));
  if (const int code =
          reading_interrupted("inspect", display_text(args.journal), reader.header() == nullptr);
      code != 0) {
    return code;
  }
  if (reader.header() == nullptr) {
    print_journal_error("inspect", args.journal, *reader.error());
    return kExitBadInput;
  }
  replay::EventFilter filter;
  ChannelSelection selection = select_channels(args, reader);
  if (!selection.problem.empty()) {
    std::cerr << "hio inspect: " << selection.problem << "\n";
    return kExitBadInput;
  }
  for (const std::string& warning : selection.warnings)
    std::cerr << "hio inspect: warning: " << warning << "\n";
  filter.channels = std::move(selection.ids);
  if (!args.kinds.empty()) {
    const std::optional<std::uint32_t> kinds = kind_bits("inspect", args.kinds);
    if (!kinds) return kExitBadInput;
    filter.kinds = *kinds;
  }
  if (args.from) {
    auto t = parse_tyme_arg(*args.from, "--from");
    if (!t) return kExitBadInput;
    filter.from = *t;
  }
  if (args.to) {
    auto t = parse_tyme_arg(*args.to, "--to");
    if (!t) return kExitBadInput;
    filter.until = *t;
  }
  // An empty window whatever gave --from: no tyme is before 0 (a reader
  // refuses a negative one), so --to 0 alone is [0, 0) too.
  if (filter.until && std::max(filter.from, Tyme{}) >= *filter.until) {
    std::cerr << "hio inspect: --from "
              << (args.from ? display_text(*args.from) : "0 (the default)")
              << " is not before --to " << display_text(*args.to)
              << ": no tyme is in that window\n";
    return kExitBadInput;
  }
  replay::FormatOptions format;
  format.format = args.json ? replay::LineFormat::json : replay::LineFormat::text;
  const replay::InspectSummary summary =
      replay::inspect(reader, filter, format, std::cout,
                      args.stats ? replay::InspectBody::stats : replay::InspectBody::events);
  std::cout.flush();
  // The lines printed end with the error line of the read the signal cut,
  // unless stdout had failed (stuck when the signal came, cut there).
  if (const int code = reading_interrupted("inspect", display_text(args.journal),
                                           summary.error.has_value(), !std::cout);
      code != 0) {
    return code;
  }
  if (summary.error) {
    print_journal_error("inspect", args.journal, *summary.error);
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace hio::tools
