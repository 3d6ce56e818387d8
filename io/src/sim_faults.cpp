// Faults on SimNet over tyme: partitions and heals, hosts going down and up,
// link and serial parameter changes, serial lines unplugged and plugged; and
// what they do to streams (stalls, resends after a heal, resets).
#include "sim_core.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim_stream.hpp"

namespace hio::detail {

std::vector<std::uint32_t> SimCore::host_indices(const std::vector<std::string>& names,
                                                 std::string_view context) const {
  if (names.empty()) {
    throw std::invalid_argument("SimNet: " + std::string(context) + " needs at least one host");
  }
  std::vector<std::uint32_t> indices;
  indices.reserve(names.size());
  for (const std::string& name : names)
    indices.push_back(host(name, context).index);
  return indices;
}

void SimCore::add_fault(Tyme at, SimFault fault) {
  if (at < now()) {
    throw std::invalid_argument("SimNet: a change scheduled at tyme " + format_seconds(at) +
                                " s is in the past (tyme is " + format_seconds(now()) + " s)");
  }
  faults_.push_back(std::move(fault));
  schedule(at, SimEventKind::fault, faults_.size() - 1);
}

void SimCore::apply(const SimFault& fault) {
  switch (fault.kind) {
    case SimFault::Kind::partition:
      cut_links(fault, true);
      return;
    case SimFault::Kind::heal:
      cut_links(fault, false);
      resume_stalled();
      return;
    case SimFault::Kind::heal_all:
      cut_links(fault, false);
      resume_stalled();
      return;
    case SimFault::Kind::host_down:
      set_host_up(*hosts_[fault.index], false);
      return;
    case SimFault::Kind::host_up:
      set_host_up(*hosts_[fault.index], true);
      return;
    case SimFault::Kind::set_link:
      for (std::uint32_t f : fault.from) {
        for (std::uint32_t t : fault.to) {
          SimLink& forward = link(*hosts_[f], *hosts_[t]);
          forward.set_params(fault.link);
          if (fault.way == Way::both && f != t) {
            SimLink& back = link(*hosts_[t], *hosts_[f]);
            back.set_params(fault.link);
          }
        }
      }
      return;
    case SimFault::Kind::set_serial:
      lines_[fault.index]->set_params(fault.serial);
      return;
    case SimFault::Kind::unplug:
      unplug_serial(fault.index);
      return;
    case SimFault::Kind::plug:
      lines_[fault.index]->plugged = true;  // ends reopen on their retry grid
      return;
  }
}

// Cuts (or heals) the links that exist and records the cut for those made
// later (SimCore::link): O(hosts named + the fewer of their pairs and the
// links there are), never a link made per pair of hosts.
void SimCore::cut_links(const SimFault& fault, bool cut) {
  SimCut made;
  made.at = now();
  made.cut = cut;
  made.all = fault.kind == SimFault::Kind::heal_all;
  made.way = fault.way;
  if (!made.all) {
    made.from = fault.from;
    made.to = fault.to;
  }
  const SimCut& rule = cuts_[cuts_.add(std::move(made))];
  const auto set = [&](std::uint32_t f, std::uint32_t t) {
    auto it = links_.find(std::make_pair(f, t));
    if (it != links_.end()) it->second->set_cut(cut, rule.at);
  };
  const std::uint64_t pairs = static_cast<std::uint64_t>(rule.from.size()) * rule.to.size() * 2;
  if (!rule.all && pairs < links_.size()) {
    // Fewer pairs than links: look each one up.
    for (std::uint32_t f : rule.from) {
      for (std::uint32_t t : rule.to) {
        if (f == t) continue;
        set(f, t);
        if (rule.way == Way::both) set(t, f);
      }
    }
  } else {
    for (auto& [key, link] : links_) {
      if (rule.covers(key.first, key.second)) link->set_cut(cut, rule.at);
    }
  }
}

// As if the link had existed at each cut that covers it: the same state,
// epochs and tymes, in the order they were applied.
void SimCore::replay_cuts(SimLink& link) {
  cuts_.each_covering(link.from().index, link.to().index, [&](std::uint32_t index) {
    const SimCut& c = cuts_[index];
    link.set_cut(c.cut, c.at);
  });
}

void SimCore::set_host_up(SimHost& host, bool up) {
  if (host.up == up) return;
  host.up = up;
  if (up) {
    resume_stalled();
    return;
  }
  ++host.epoch;
  // Ids first (in id order, as ever): each reset erases its connection.
  const std::vector<std::uint64_t> ids(host.conns.begin(), host.conns.end());
  const std::string why = "reset: host " + host.name + " went down";
  for (std::uint64_t id : ids) {
    if (SimConn* c = find_conn(id)) reset(*c, why);
  }
}

// ---- stalls -----------------------------------------------------------------

void SimCore::stall(SimConn& c, int d, SimSegment segment) {
  SimConn::Dir& dir = c.dir[d];
  dir.stalled = true;
  stalled_.emplace(c.id, d);
  ++dir.stall_gen;
  dir.stalled_since = now();
  const std::uint64_t sender = c.end[d] != nullptr ? c.end[d]->endpoint_id() : 0;
  const std::uint64_t receiver = c.end[1 - d] != nullptr ? c.end[1 - d]->endpoint_id() : 0;
  const char* why = !dir.link->reachable() ? "stalled: link " : "stalled: cut in flight on link ";
  report(sender, receiver, NoiseKind::delay, segment.bytes, c.endpoint[1 - d],
         why + dir.link->name() + (dir.link->reachable() ? "" : " unreachable"));
  dir.held.push_back(std::move(segment));
  if (options_.stall_timeout > Tock{0}) {
    schedule(tyme_after(now(), options_.stall_timeout), SimEventKind::stall_timeout, c.id,
             static_cast<std::uint64_t>(d) | dir.stall_gen << 1);
  }
  // Caught by a cut that has healed since: resend at once what it caught.
  if (dir.link->reachable()) resend(c, d, dir.link->healed_at());
}

void SimCore::stall_timeout(std::uint64_t conn_id, std::uint64_t b) {
  SimConn* c = find_conn(conn_id);
  if (c == nullptr) return;
  const int d = static_cast<int>(b & 1);
  const SimConn::Dir& dir = c->dir[d];
  if (!dir.stalled || dir.stall_gen != b >> 1) return;
  const std::string cause = "link " + dir.link->name() + " unreachable for " +
                            format_seconds(options_.stall_timeout) + " s";
  const bool connecting = c->end[0] != nullptr && c->end[0]->port() &&
                          c->end[0]->port().channel().state() == ChannelState::opening;
  reset(*c,
        connecting ? "connect to " + c->endpoint[1] + " timed out: " + cause : "reset: " + cause);
}

void SimCore::resume_stalled() {
  // In {id, direction} order, as a walk of every connection was; the next
  // one is looked up after each resend, which ends its own stall.
  auto it = stalled_.begin();
  while (it != stalled_.end()) {
    const std::pair<std::uint64_t, int> key = *it;
    SimConn& c = *conns_.at(key.first);
    if (c.dir[key.second].link->reachable()) resend(c, key.second, now());
    it = stalled_.upper_bound(key);
  }
}

void SimCore::resend(SimConn& c, int d, Tyme boundary) {
  SimConn::Dir& dir = c.dir[d];
  SimLink& link = *dir.link;
  const Tyme tyme = now();
  // Go back N, as a TCP retransmission: the held segments (the oldest) and
  // those in flight that had left the queue before `boundary` (on the wire
  // while it was cut) go again, in order, through the link's queue from now,
  // with a new jitter. Those that had not left it keep their place in the
  // queue and their arrival, but are read only after the ones sent again.
  std::deque<SimSegment> again = std::move(dir.held);
  dir.held.clear();
  std::deque<SimSegment> kept = std::move(dir.flight);
  dir.flight.clear();
  while (!kept.empty() && link.left_before(boundary, kept.front().leaves, kept.front().epoch)) {
    again.push_back(std::move(kept.front()));
    kept.pop_front();
  }
  const std::uint64_t sender = c.end[d] != nullptr ? c.end[d]->endpoint_id() : 0;
  const std::uint64_t receiver = c.end[1 - d] != nullptr ? c.end[1 - d]->endpoint_id() : 0;
  report(sender, receiver, NoiseKind::delay, {}, c.endpoint[1 - d],
         "resumed after " + format_seconds(tyme - dir.stalled_since) + " s stalled on link " +
             link.name() + ": " + std::to_string(again.size()) + " segments resent");
  dir.stalled = false;
  stalled_.erase({c.id, d});
  ++dir.stall_gen;  // a pending stall timeout no longer applies
  dir.last_at = tyme;
  for (SimSegment& segment : again) {
    const Tyme leaves =
        segment.kind == SegmentKind::data ? link.depart(tyme, segment.bytes.size()) : tyme;
    transmit(c, d, std::move(segment), leaves);
  }
  for (SimSegment& segment : kept)
    launch(c, d, std::move(segment));
}

}  // namespace hio::detail
