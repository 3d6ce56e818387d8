#include "hio/tools/counters.hpp"

#include <stdexcept>

namespace hio::tools {

void CounterBoard::add(std::string name, Reader reader) {
  if (readers_.find(name) != readers_.end()) {
    throw std::invalid_argument("counter '" + name + "' is published twice");
  }
  readers_.emplace(std::move(name), std::move(reader));
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

}  // namespace hio::tools
