#include "hio/tools/counters.hpp"

#include <stdexcept>

namespace hio::tools {

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
  bool kept = true;
  for (const std::string& part : parts) {
    auto it = entries_.find(part);
    if (it == entries_.end())
      throw std::invalid_argument("counter '" + part + "' was not published");
    found.push_back(&it->second);
    kept = kept && it->second.counter != nullptr && it->second.counter->sum_ == nullptr;
  }
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
