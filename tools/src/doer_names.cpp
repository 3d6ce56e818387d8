#include "doer_names.hpp"

#include <algorithm>
#include <charconv>
#include <system_error>

namespace hio::tools {

std::optional<CopyName> parse_copy_name(std::string_view name) {
  const std::size_t dash = name.rfind('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const std::string_view digits = name.substr(dash + 1);
  if (digits.empty() || digits.front() < '1' || digits.front() > '9') return std::nullopt;
  std::int64_t index = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return CopyName{name.substr(0, dash), index};
}

bool DoerNames::take(const std::string& name, const std::string& where) {
  if (doers_.contains(name)) return false;
  const std::optional<CopyName> copy = parse_copy_name(name);
  if (copy) {
    const auto taken = copies_.find(copy->base);
    if (taken != copies_.end() && copy->index <= taken->second) return false;
  }
  doers_.emplace(name, where);
  if (copy) doers_as_copies_[std::string(copy->base)].insert(copy->index);
  return true;
}

std::string DoerNames::holder(std::string_view name) const {
  const auto at = [](const std::string& where) { return where.empty() ? "" : " at " + where; };
  if (const auto doer = doers_.find(name); doer != doers_.end())
    return "the doer" + at(doer->second);
  const std::optional<CopyName> copy = parse_copy_name(name);
  if (!copy) return "";
  const auto taken = copies_.find(copy->base);
  if (taken == copies_.end() || copy->index > taken->second) return "";
  const auto base = doers_.find(copy->base);
  return "copy " + std::to_string(copy->index) + " of doer '" + std::string(copy->base) + "'" +
         (base == doers_.end() ? "" : at(base->second));
}

std::int64_t DoerNames::take_copies(const std::string& base, std::int64_t count) {
  // The first index a doer's name or an earlier doer's copies hold (copies
  // hold 1 whenever they hold any), or count + 1.
  std::int64_t clash = count + 1;
  if (const auto taken = copies_.find(base); taken != copies_.end() && taken->second >= 1)
    clash = 1;
  if (const auto doers = doers_as_copies_.find(base); doers != doers_as_copies_.end())
    clash = std::min(clash, *doers->second.begin());
  if (clash > 1) {
    std::int64_t& taken = copies_[base];
    taken = std::max(taken, std::min(count, clash - 1));
  }
  return clash <= count ? clash : 0;
}

}  // namespace hio::tools
