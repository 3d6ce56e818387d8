#include "hio/io/sim_cuts.hpp"

#include <algorithm>
#include <utility>

namespace hio {

bool SimCut::covers(std::uint32_t from_host, std::uint32_t to_host) const {
  if (all) return true;
  if (from_host == to_host) return false;  // a host always reaches itself
  const auto in = [](const std::vector<std::uint32_t>& set, std::uint32_t host) {
    return std::binary_search(set.begin(), set.end(), host);
  };
  return (in(from, from_host) && in(to, to_host)) ||
         (way == Way::both && in(from, to_host) && in(to, from_host));
}

std::uint32_t SimCuts::add(SimCut rule) {
  const auto sorted = [](std::vector<std::uint32_t>& hosts) {
    std::sort(hosts.begin(), hosts.end());
    hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
  };
  if (rule.all) {
    rule.from.clear();
    rule.to.clear();
  }
  sorted(rule.from);
  sorted(rule.to);
  const auto index = static_cast<std::uint32_t>(rules_.size());
  if (rule.all) heal_alls_.push_back(index);
  for (const std::vector<std::uint32_t>* hosts : {&rule.from, &rule.to}) {
    for (const std::uint32_t h : *hosts) {
      if (h >= named_.size()) named_.resize(h + std::size_t{1});
      std::vector<std::uint32_t>& named = named_[h];
      if (named.empty() || named.back() != index) named.push_back(index);
    }
  }
  rules_.push_back(std::move(rule));
  return index;
}

std::optional<std::uint32_t> SimCuts::last_covering(std::uint32_t from_host,
                                                    std::uint32_t to_host) const {
  std::optional<std::uint32_t> last;
  each_covering(from_host, to_host, [&last](std::uint32_t index) { last = index; });
  return last;
}

bool SimCuts::cut(std::uint32_t from_host, std::uint32_t to_host) const {
  const std::optional<std::uint32_t> last = last_covering(from_host, to_host);
  return last && rules_[*last].cut;
}

std::optional<bool> SimCuts::any_cut(std::size_t pairs_max) const {
  // A heal_all leaves nothing cut: only the partitions since the last one
  // may have cut a link still cut.
  const std::size_t first = heal_alls_.empty() ? 0 : heal_alls_.back() + std::size_t{1};
  std::size_t pairs = 0;
  for (std::size_t i = first; i < rules_.size(); ++i) {
    const SimCut& rule = rules_[i];
    if (!rule.cut) continue;
    pairs += rule.from.size() * rule.to.size();
    if (pairs > pairs_max) return std::nullopt;
    for (const std::uint32_t f : rule.from) {
      for (const std::uint32_t t : rule.to) {
        if (cut(f, t) || (rule.way == Way::both && cut(t, f))) return true;
      }
    }
  }
  return false;
}

}  // namespace hio
