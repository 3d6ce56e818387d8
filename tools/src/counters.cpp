#include "hio/tools/counters.hpp"

#include <stdexcept>
#include <string_view>
#include <utility>

#include "name_comparisons.hpp"

namespace hio::tools {

namespace detail {
thread_local std::uint64_t counter_name_comparisons = 0;
}  // namespace detail

bool CounterBoard::NameOrder::operator()(std::string_view a, std::string_view b) const {
  ++detail::counter_name_comparisons;
  return a < b;
}

void CounterBoard::add(std::string name, Reader reader) {
  // One search, not two: a million copies publish millions of counters.
  // try_emplace moves neither argument if the name is taken.
  if (!entries_.try_emplace(std::move(name), Entry{std::move(reader), nullptr}).second) {
    throw std::invalid_argument("counter '" + name + "' is published twice");
  }
}

void CounterBoard::add(std::string name, Counter& counter) {
  Counter* cell = &counter;
  if (!entries_.try_emplace(std::move(name), Entry{[cell] { return cell->value(); }, cell})
           .second) {
    throw std::invalid_argument("counter '" + name + "' is published twice");
  }
}

const CounterBoard::Reader* CounterBoard::reader(std::string_view name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second.reader;
}

void CounterBoard::add_sum(std::string name, const std::vector<std::string>& parts) {
  if (has(name)) throw std::invalid_argument("counter '" + name + "' is published twice");
  std::vector<Entry*> found;
  found.reserve(parts.size());
  for (const std::string& part : parts) {
    auto it = entries_.find(part);
    if (it == entries_.end())
      throw std::invalid_argument("counter '" + part + "' was not published");
    found.push_back(&it->second);
  }
  add_sum_of(std::move(name), found);
}

namespace {

// The copy's number in "<i>.<counter>" (what follows "<name>-"), if it is
// 1 to `copies` written as std::to_string writes it; else 0 (another
// doer's counter: "t-1x.runs" beside the copies of "t").
std::int64_t copy_number(std::string_view rest, std::int64_t copies) {
  const std::size_t dot = rest.find('.');
  if (dot == 0 || dot == std::string_view::npos || rest[0] == '0') return 0;
  std::int64_t number = 0;
  for (const char c : rest.substr(0, dot)) {
    if (c < '0' || c > '9' || number > copies) return 0;
    number = number * 10 + (c - '0');
  }
  return number <= copies ? number : 0;
}

}  // namespace

void CounterBoard::add_copies_sums(const std::string& name, std::int64_t copies) {
  // The first copy's counters, by suffix (".runs"): the sums to publish.
  const std::string stem = name + "-";
  const std::string first = stem + "1.";
  std::map<std::string, std::vector<Entry*>, std::less<>> sums;
  for (const std::string& counter : names_with_prefix(first))
    sums[counter.substr(first.size() - 1)].reserve(static_cast<std::size_t>(copies));
  // One walk over every "<name>-..." counter, in name order: each copy's
  // counter joins its sum without a search of the board.
  for (auto it = entries_.lower_bound(stem);
       it != entries_.end() && std::string_view(it->first).substr(0, stem.size()) == stem; ++it) {
    const std::string_view rest = std::string_view(it->first).substr(stem.size());
    if (copy_number(rest, copies) == 0) continue;
    if (auto sum = sums.find(rest.substr(rest.find('.'))); sum != sums.end())
      sum->second.push_back(&it->second);
  }
  for (auto& [suffix, parts] : sums) {
    if (parts.size() == static_cast<std::size_t>(copies)) {
      if (has(name + suffix))
        throw std::invalid_argument("counter '" + name + suffix + "' is published twice");
      add_sum_of(name + suffix, parts);
      continue;
    }
    // A copy that does not publish it: add_sum's search names which.
    std::vector<std::string> names;
    for (std::int64_t i = 1; i <= copies; ++i)
      names.push_back(stem + std::to_string(i) + suffix);
    add_sum(name + suffix, names);
  }
}

void CounterBoard::add_sum_of(std::string name, const std::vector<Entry*>& found) {
  bool kept = true;
  for (const Entry* part : found)
    kept = kept && part->counter != nullptr && part->counter->sum_ == nullptr;
  if (kept) {
    Counter& sum = sums_.emplace_back();
    for (Entry* part : found) {
      part->counter->sum_ = &sum;
      sum.add(part->counter->value());
    }
    add(std::move(name), sum);
    return;
  }
  // Some part is a reader (a user's kind, a derived counter): read them all.
  std::vector<const Reader*> readers;
  readers.reserve(found.size());
  for (const Entry* part : found)
    readers.push_back(&part->reader);
  add(std::move(name), [readers = std::move(readers)] {
    std::int64_t sum = 0;
    for (const Reader* part : readers)
      sum += (*part)();
    return sum;
  });
}

std::optional<std::int64_t> CounterBoard::read(std::string_view name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) return std::nullopt;
  return it->second.reader();
}

std::vector<std::string> CounterBoard::names() const {
  std::vector<std::string> out;
  for (const auto& entry : entries_)
    out.push_back(entry.first);
  return out;
}

std::vector<std::string> CounterBoard::names_with_prefix(std::string_view prefix) const {
  std::vector<std::string> out;
  for (auto it = entries_.lower_bound(prefix);
       it != entries_.end() && std::string_view(it->first).substr(0, prefix.size()) == prefix; ++it)
    out.push_back(it->first);
  return out;
}

}  // namespace hio::tools
