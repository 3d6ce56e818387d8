#include "hio/tools/counters.hpp"

#include <stdexcept>

namespace hio::tools {

void CounterBoard::add(std::string name, Reader reader) {
  // One search, not two: a million copies publish millions of counters.
  // try_emplace moves neither argument if the name is taken.
  if (!readers_.try_emplace(std::move(name), std::move(reader)).second) {
    throw std::invalid_argument("counter '" + name + "' is published twice");
  }
}

const CounterBoard::Reader* CounterBoard::reader(std::string_view name) const {
  auto it = readers_.find(name);
  return it == readers_.end() ? nullptr : &it->second;
}

std::optional<std::int64_t> CounterBoard::read(std::string_view name) const {
  auto it = readers_.find(name);
  if (it == readers_.end()) return std::nullopt;
  return it->second();
}

std::vector<std::string> CounterBoard::names() const {
  std::vector<std::string> out;
  for (const auto& entry : readers_)
    out.push_back(entry.first);
  return out;
}

std::vector<std::string> CounterBoard::names_with_prefix(std::string_view prefix) const {
  std::vector<std::string> out;
  for (auto it = readers_.lower_bound(prefix);
       it != readers_.end() && std::string_view(it->first).substr(0, prefix.size()) == prefix; ++it)
    out.push_back(it->first);
  return out;
}

}  // namespace hio::tools
