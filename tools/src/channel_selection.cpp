#include "channel_selection.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "channel_id.hpp"
#include "hio/replay/inspect.hpp"
#include "hio/tools/scenario.hpp"

namespace hio::tools {

ChannelSelection select_channels(const std::vector<std::string>& channels,
                                 const std::string& journal,
                                 const replay::ReaderOptions& reader_options,
                                 const replay::JournalReader& reader) {
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
  // Whether the command stopped the reading (reader_options.stop: its
  // Ctrl-C): the events it did not read may name the channel, so no verdict
  // is given (a channel the journal has was said not to be there).
  const auto stopped = [&] { return reader_options.stop && reader_options.stop(); };
  const auto read_events = [&](const std::function<void(const ChannelEvent&)>& on_event) {
    replay::JournalReader again(journal, reader_options);
    (void)replay::for_each_event(
        again, replay::EventFilter{},
        [&](const replay::FrameView&, const ChannelEvent& e) { on_event(e); });
    by_name_stale = true;
    return !stopped();
  };
  const auto interrupted = [] {
    ChannelSelection cut;
    cut.interrupted = true;
    return cut;
  };
  ChannelSelection selection;
  for (const std::string& c : channels) {
    std::uint32_t id = 0;
    const bool is_id = channel_id_of(c, id);
    const auto missing = [&] { return is_id ? known.count(id) == 0 : named(c).empty(); };
    if (missing() && !searched) {
      searched = true;
      std::error_code ec;
      if (!std::filesystem::is_regular_file(journal, ec)) {
        header_only = true;
      } else {
        // Only the channels asked for that the table lacks are kept as the
        // events are read (an accepted remote's name is matched at its open
        // event), so that finding one in a capture of millions of channels
        // keeps what it names, not every channel.
        std::set<std::uint32_t> ids;
        std::set<std::string, std::less<>> names;
        for (const std::string& wanted : channels) {
          std::uint32_t wanted_id = 0;
          if (channel_id_of(wanted, wanted_id)) {
            if (known.count(wanted_id) == 0) ids.insert(wanted_id);
          } else if (named(wanted).empty()) {
            names.insert(wanted);
          }
        }
        const bool read = read_events([&](const ChannelEvent& e) {
          const bool open = e.kind == EventKind::open;
          if (ids.count(e.channel) == 0 && !(open && names.count(e.text) != 0)) return;
          std::string& name = known[e.channel];
          if (open) name = std::string(e.text);
        });
        if (!read) return interrupted();
      }
    }
    if (missing() && !header_only && !all_read) {
      // Not there: every channel, to say which there are (and the nearest
      // name), as only a mistake costs.
      all_read = true;
      const bool read = read_events([&](const ChannelEvent& e) {
        std::string& name = known[e.channel];
        if (e.kind == EventKind::open) name = std::string(e.text);
      });
      if (!read) return interrupted();
    }
    if (is_id && (known.count(id) != 0 || header_only)) {
      selection.ids.push_back(id);
      selection.each.push_back({id});
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
        selection.each.push_back(ids);
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

}  // namespace hio::tools
