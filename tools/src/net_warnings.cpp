#include "net_warnings.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "hio/engine/tyme.hpp"
#include "hio/io/sim_cuts.hpp"

namespace hio::tools {

namespace {

using Hosts = std::set<std::string>;
using A = FaultSpec::Action;

// The hosts a sim:// datagram endpoint of the built scenario is bound on.
Hosts datagram_hosts(const IoHub& io) {
  Hosts hosts;
  for (const std::uint32_t id : io.channel_ids()) {
    const Channel* channel = io.find(id);
    if (channel != nullptr && channel->kind() == ChannelKind::datagram &&
        channel->address().scheme == Scheme::sim) {
      hosts.insert(channel->address().host);
    }
  }
  return hosts;
}

// The settings of `params` that act on datagrams only, "" when none is on.
std::string datagram_only_settings(const LinkParams& params) {
  std::string said;
  const auto add = [&said](bool on, std::string_view name) {
    if (on) said += (said.empty() ? "" : ", ") + std::string(name);
  };
  for (const DatagramOnlySetting& setting : kDatagramOnlySettings)
    add(params.*setting.value > 0, setting.name);
  return said;
}

// The warning that `settings` of `what`, at `pos` (a file:line:col, or the
// --set that gave them), act on no datagram.
std::string stream_only(const SourcePos& pos, const std::string& what,
                        const std::string& settings) {
  const bool one = settings.find(',') == std::string::npos;
  return "warning: " + pos.str() + ": " + what + ": " + settings + (one ? " acts" : " act") +
         " on datagrams only, and no sim:// datagram endpoint of the scenario sends over it: "
         "the streams that cross it see its latency, jitter, bandwidth and partitions, never " +
         settings + " (docs/simulation.md)";
}

// A link (or a link fault) from -> to, both ways unless one_way, is crossed
// by datagrams only when both its ends have a datagram endpoint.
bool datagrams_cross(const Hosts& datagram, const std::string& from, const std::string& to) {
  return from != to && datagram.contains(from) && datagram.contains(to);
}

// Whether a [[net.link]] of its own governs from -> to (the default link
// does not).
bool own_link(const NetSpec& net, const std::string& from, const std::string& to) {
  return std::any_of(net.links.begin(), net.links.end(), [&](const LinkSpec& link) {
    return (link.from == from && link.to == to) ||
           (link.way == Way::both && link.from == to && link.to == from);
  });
}

// What the warning about the default link blames: of its datagram-only
// settings that are on (one written 0 is off: it is not what the warning is
// about), the one the last --set still in effect gave (in `edits`' order);
// else the first the file writes; else the table.
const SourcePos& default_link_blamed(const NetSpec& net, const std::vector<TextEdit>& edits) {
  const SourcePos* set = nullptr;
  std::size_t set_order = 0;
  const SourcePos* first = nullptr;
  for (std::size_t i = 0; i < kDatagramOnlySettings.size(); ++i) {
    const SourcePos& at = net.default_link_written[i];
    if (!(net.options.default_link.*kDatagramOnlySettings[i].value > 0)) continue;
    if (!at.setting.empty()) {
      const auto given = std::find_if(edits.rbegin(), edits.rend(), [&](const TextEdit& edit) {
        return edit.setting == at.setting;
      });
      const auto order = static_cast<std::size_t>(edits.rend() - given);
      if (set == nullptr || order > set_order) {
        set = &at;
        set_order = order;
      }
    } else if (at.line != 0 && (first == nullptr || std::pair(at.line, at.column) <
                                                        std::pair(first->line, first->column))) {
      first = &at;
    }
  }
  return set != nullptr ? *set : first != nullptr ? *first : net.default_link_pos;
}

using LinkWay = std::pair<std::string, std::string>;  // from -> to

// The ways (from -> to) a [[net.link]] sets: its own, and the way back
// unless one_way.
std::vector<LinkWay> ways_of(const LinkSpec& link) {
  std::vector<LinkWay> ways{{link.from, link.to}};
  if (link.way == Way::both && link.from != link.to) ways.emplace_back(link.to, link.from);
  return ways;
}

std::string link_name(const LinkSpec& link) {
  return "[[net.link]] " + link.from + " -> " + link.to +
         (link.way == Way::one_way ? " (one_way)" : "");
}

// A [[net.link]] sets every key of the ways it names, so a later one of the
// same hosts replaces it there: written both ways (the default) where the
// way back alone was meant, it silently undoes the earlier link's settings.
// Said at the later link, naming the earlier one, which then governs no way.
// A one_way link after a both-ways one (a different way back, as
// docs/scenarios.md shows) leaves the earlier its other way: not said.
void replaced_link_warnings(const NetSpec& net, std::vector<std::string>& out) {
  std::map<LinkWay, std::size_t> last;  // a way -> the link that set it last
  for (std::size_t j = 0; j < net.links.size(); ++j) {
    const LinkSpec& later = net.links[j];
    std::set<std::size_t> replaced;
    for (const LinkWay& way : ways_of(later)) {
      if (const auto it = last.find(way); it != last.end()) replaced.insert(it->second);
      last[way] = j;
    }
    for (const std::size_t i : replaced) {
      const LinkSpec& earlier = net.links[i];
      if (later.way == Way::one_way && earlier.way == Way::both) continue;
      std::string hint = later.way == Way::both ? "give this one way = \"one_way\" to set " +
                                                      later.from + " -> " + later.to + " alone"
                                                : "keep one of them";
      out.push_back("warning: " + later.pos.str() + ": " + link_name(later) + " replaces the " +
                    link_name(earlier) + " of " + earlier.pos.str() +
                    ", which then governs no way (a [[net.link]] sets every key of the ways it "
                    "names" +
                    (later.way == Way::both ? ", both ways unless one_way" : "") + "): " + hint);
    }
  }
}

// Where the default link's settings come from: the last --set of one, else
// the file's [net.default_link].
SourcePos default_link_given(const NetSpec& net, const std::vector<TextEdit>& edits) {
  for (auto edit = edits.rbegin(); edit != edits.rend(); ++edit) {
    if (edit->setting.starts_with("--set net.default_link.")) {
      SourcePos pos;
      pos.setting = edit->setting;
      return pos;
    }
  }
  return net.default_link_pos;
}

// Whether some way between two distinct hosts is left to the default link
// (no [[net.link]] sets it).
bool default_link_governs(const NetSpec& net) {
  std::set<LinkWay> own;
  for (const LinkSpec& link : net.links) {
    for (LinkWay& way : ways_of(link))
      if (way.first != way.second) own.insert(std::move(way));
  }
  const std::size_t hosts = net.hosts.size();
  return hosts >= 2 && own.size() < hosts * (hosts - 1);
}

void link_warnings(const NetSpec& net, const std::vector<TextEdit>& edits, const Hosts& datagram,
                   std::vector<std::string>& out) {
  replaced_link_warnings(net, out);
  // Settings of a default link that no way is left to change nothing, not
  // even for streams: said so, rather than that they act on datagrams only.
  const bool default_governs = default_link_governs(net);
  if (!default_governs && net.options.default_link != LinkParams{}) {
    const std::string why = net.hosts.size() < 2
                                ? "net.hosts has no two hosts (a host's traffic to itself "
                                  "crosses no link)"
                                : "every way between two hosts of net.hosts has a [[net.link]] "
                                  "of its own";
    out.push_back("warning: " + default_link_given(net, edits).str() +
                  ": net.default_link governs no link: " + why +
                  ", so its settings change nothing; set them in the [[net.link]] they are meant "
                  "for");
  }
  for (const LinkSpec& link : net.links) {
    const std::string settings = datagram_only_settings(link.params);
    if (settings.empty() || datagrams_cross(datagram, link.from, link.to)) continue;
    out.push_back(stream_only(link.pos, "[[net.link]] " + link.from + " -> " + link.to, settings));
  }
  if (const std::string settings = datagram_only_settings(net.options.default_link);
      default_governs && !settings.empty()) {
    bool used = false;
    for (const std::string& from : datagram)
      for (const std::string& to : datagram)
        used = used || (from != to && !own_link(net, from, to));
    if (!used)
      out.push_back(stream_only(default_link_blamed(net, edits), "net.default_link", settings));
  }
  for (const FaultSpec& fault : net.faults) {
    if (fault.action != A::link || fault.from.empty() || fault.to.empty()) continue;
    const std::string settings = datagram_only_settings(fault.link);
    if (settings.empty() || datagrams_cross(datagram, fault.from.front(), fault.to.front())) {
      continue;
    }
    out.push_back(stream_only(
        fault.pos, "the link fault " + fault.from.front() + " -> " + fault.to.front(), settings));
  }
}

std::string fault_tyme(const FaultSpec& fault) {
  return "at " + format_seconds(fault.at) + " s";
}

// Past this many pairs a heal is not looked into (a check must stay cheap
// for a scenario of thousands of hosts).
constexpr std::size_t kHealPairsMax = 4096;

// The partitions and heals of a scenario's faults as SimNet applies them
// (SimCuts, the rules SimNet's links follow), by the hosts' indices in
// SimNet (the order of net.hosts), each with the fault it came from.
class ScenarioCuts {
 public:
  explicit ScenarioCuts(const NetSpec& net) {
    for (std::size_t i = 0; i < net.hosts.size(); ++i)
      index_.emplace(net.hosts[i], static_cast<std::uint32_t>(i));
  }
  void apply(const FaultSpec& fault, bool cut) {
    SimCut rule;
    rule.cut = cut;
    rule.all = fault.action == A::heal_all;
    rule.way = fault.way;
    if (!rule.all) {
      rule.from = indices(fault.from);
      rule.to = indices(fault.to);
    }
    cuts_.add(std::move(rule));
    faults_.push_back(&fault);
  }
  // The partition that cuts from -> to now, or null.
  const FaultSpec* cut_by(const std::string& from, const std::string& to) const {
    const std::optional<std::uint32_t> last = cuts_.last_covering(index(from), index(to));
    return last && cuts_[*last].cut ? faults_[*last] : nullptr;
  }
  const SimCuts& cuts() const { return cuts_; }

 private:
  std::uint32_t index(const std::string& host) const { return index_.at(host); }
  std::vector<std::uint32_t> indices(const std::vector<std::string>& hosts) const {
    std::vector<std::uint32_t> out;
    for (const std::string& host : hosts)
      out.push_back(index(host));
    return out;
  }
  std::map<std::string, std::uint32_t> index_;
  SimCuts cuts_;
  std::vector<const FaultSpec*> faults_;  // by index in cuts_
};

std::string heal_problem(const FaultSpec& heal, const ScenarioCuts& cuts) {
  if (heal.from.size() * heal.to.size() > kHealPairsMax) return "";
  for (const std::string& f : heal.from) {
    for (const std::string& t : heal.to) {
      if (cuts.cut_by(f, t) != nullptr) return "";
      if (heal.way == Way::both && cuts.cut_by(t, f) != nullptr) return "";
    }
  }
  // The likely mistake: a one-way heal named the way back of its partition.
  for (const std::string& f : heal.from) {
    for (const std::string& t : heal.to) {
      if (const FaultSpec* partition = cuts.cut_by(t, f); partition != nullptr) {
        return "heal " + fault_tyme(heal) + " heals no cut link: " + f + " -> " + t +
               " is not cut then; " + t + " -> " + f + " is (the partition at " +
               partition->pos.str() + "), and a one_way heal heals only from -> to";
      }
    }
  }
  return "heal " + fault_tyme(heal) + " heals no cut link: no partition cuts what it names then";
}

std::string_view action_name(A action) {
  switch (action) {
    case A::partition:
      return "partition";
    case A::heal:
      return "heal";
    case A::heal_all:
      return "heal_all";
    case A::host_down:
      return "host_down";
    case A::host_up:
      return "host_up";
    case A::link:
      return "link";
    case A::serial:
      return "serial";
    case A::unplug:
      return "unplug";
    case A::plug:
      return "plug";
  }
  return "fault";
}

// A fault takes effect at the first pass at or after its tyme, and a run
// with a limit has no pass at or after the limit: a fault whose pass would
// come then never happens (the run is the same without it). "" when it does.
std::string beyond_the_limit(const FaultSpec& fault, const RunSettings& run) {
  if (run.limit <= Tock{0}) return "";
  const Tock tock = run.tock;
  const Tock first_pass = (fault.at + tock - Tock{1}) / tock * tock;
  if (first_pass < run.limit) return "";
  std::string said = std::string(action_name(fault.action)) + " " + fault_tyme(fault) +
                     ": the run ends at its limit, " + format_seconds(run.limit) + " s";
  if (fault.at < run.limit) {
    said += ", before its first pass at or after then (" + format_seconds(first_pass) +
            " s, on the tock " + format_seconds(tock) + " s), where a fault takes effect";
  } else {
    said += ", before it";
  }
  return said + ": it never happens";
}

void fault_warnings(const NetSpec& net, const RunSettings& run, std::vector<std::string>& out) {
  // Faults apply in tyme order, those of one tyme as listed.
  std::vector<const FaultSpec*> faults;
  for (const FaultSpec& fault : net.faults)
    faults.push_back(&fault);
  std::stable_sort(faults.begin(), faults.end(),
                   [](const FaultSpec* a, const FaultSpec* b) { return a->at < b->at; });
  std::map<std::string, std::size_t> line_of;  // a serial device -> its [[net.serial]]
  for (std::size_t i = 0; i < net.serials.size(); ++i) {
    line_of[net.serials[i].device_a] = i;
    line_of[net.serials[i].device_b] = i;
  }
  ScenarioCuts cuts(net);
  Hosts down;
  std::set<std::size_t> unplugged;
  for (const FaultSpec* fault : faults) {
    if (std::string never = beyond_the_limit(*fault, run); !never.empty()) {
      // Whether it would undo something is no question then.
      out.push_back("warning: " + fault->pos.str() + ": " + never);
      continue;
    }
    std::string problem;
    switch (fault->action) {
      case A::partition:
        cuts.apply(*fault, true);
        break;
      case A::heal:
        problem = heal_problem(*fault, cuts);
        cuts.apply(*fault, false);
        break;
      case A::heal_all:
        if (cuts.cuts().any_cut(kHealPairsMax) == false) {
          problem = "heal_all " + fault_tyme(*fault) +
                    " heals no cut link: no partition is in effect then";
        }
        cuts.apply(*fault, false);
        break;
      case A::host_down:
        down.insert(fault->host);
        break;
      case A::host_up:
        if (down.erase(fault->host) == 0) {
          problem = "host_up " + fault_tyme(*fault) + " of host '" + fault->host +
                    "': it is not down then";
        }
        break;
      case A::unplug:
        if (line_of.contains(fault->device)) unplugged.insert(line_of[fault->device]);
        break;
      case A::plug:
        if (line_of.contains(fault->device) && unplugged.erase(line_of[fault->device]) == 0) {
          problem = "plug " + fault_tyme(*fault) + " of '" + fault->device +
                    "': its line is not unplugged then";
        }
        break;
      case A::link:
      case A::serial:
        break;
    }
    if (!problem.empty()) {
      out.push_back("warning: " + fault->pos.str() + ": " + problem + ": it changes nothing");
    }
  }
}

}  // namespace

std::vector<std::string> net_warnings(const Scenario& scenario, const IoHub& io) {
  std::vector<std::string> out;
  if (!scenario.net.present) return out;
  link_warnings(scenario.net, scenario.text_edits, datagram_hosts(io), out);
  fault_warnings(scenario.net, scenario.run, out);
  return out;
}

}  // namespace hio::tools
