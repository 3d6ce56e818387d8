// SimNet's partitions and heals in the order applied, and which of them says
// whether a link is cut: the last that covers it. SimNet's links follow it,
// and hio check asks it what a scenario's faults leave cut, so the two agree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "hio/engine/tyme.hpp"
#include "hio/io/sim_link.hpp"

namespace hio {

// One partition (cut), heal or heal_all (all) over hosts named by index (the
// order of SimNet::add_host).
struct SimCut {
  Tyme at{};
  bool cut = false;
  bool all = false;  // heal_all: every link
  Way way = Way::both;
  std::vector<std::uint32_t> from;  // host indices, sorted, no duplicates
  std::vector<std::uint32_t> to;
  // Whether it applies to the link from -> to (a host's link to itself:
  // only a heal_all, which changes nothing there).
  bool covers(std::uint32_t from_host, std::uint32_t to_host) const;
};

// The cuts applied so far. A value type: SimNet keeps one, a check builds its
// own from a scenario's faults. Each query costs the cuts that name its first
// host and the heal_alls, never a walk of every pair of hosts.
class SimCuts {
 public:
  // Appends `rule` (its host sets sorted and made unique here); returns its
  // index, the order in which the cuts were applied.
  std::uint32_t add(SimCut rule);
  const SimCut& operator[](std::uint32_t index) const { return rules_.at(index); }
  std::size_t size() const { return rules_.size(); }

  // Calls f(index) for each cut that covers from -> to, in the order applied.
  template <class F>
  void each_covering(std::uint32_t from_host, std::uint32_t to_host, F&& f) const {
    static const std::vector<std::uint32_t> kNone;
    const std::vector<std::uint32_t>& named = from_host < named_.size() ? named_[from_host] : kNone;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < named.size() || j < heal_alls_.size()) {
      const bool take_named =
          j == heal_alls_.size() || (i < named.size() && named[i] < heal_alls_[j]);
      const std::uint32_t index = take_named ? named[i++] : heal_alls_[j++];
      if (rules_[index].covers(from_host, to_host)) f(index);
    }
  }
  // The last cut that covers from -> to, none if no cut ever did.
  std::optional<std::uint32_t> last_covering(std::uint32_t from_host, std::uint32_t to_host) const;
  // Whether from -> to is cut after every cut so far.
  bool cut(std::uint32_t from_host, std::uint32_t to_host) const;
  // Whether any link is cut now; nullopt when finding out would look at more
  // than `pairs_max` pairs of hosts (the partitions since the last heal_all
  // name more).
  std::optional<bool> any_cut(std::size_t pairs_max) const;

 private:
  std::vector<SimCut> rules_;
  std::vector<std::uint32_t> heal_alls_;  // indices of the heal_alls
  // Per host index: the cuts naming it, ascending (a cut covering a link
  // names both its hosts).
  std::vector<std::vector<std::uint32_t>> named_;
};

}  // namespace hio
