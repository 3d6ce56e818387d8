// CounterBoard: named integer counters that doers publish ("client.rx_bytes")
// and expectations read. Ordered by name, so listings are deterministic.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hio::tools {

class CounterBoard {
 public:
  using Reader = std::function<std::int64_t()>;

  // Throws std::invalid_argument if the name is taken.
  void add(std::string name, Reader reader);
  std::optional<std::int64_t> read(std::string_view name) const;
  bool has(std::string_view name) const { return readers_.find(name) != readers_.end(); }
  // The reader of `name`, nullptr if none: valid as long as the board (a
  // counter is never removed), so a derived counter looks it up once.
  const Reader* reader(std::string_view name) const;
  std::vector<std::string> names() const;
  // The names that begin with `prefix`, in order (without listing the rest).
  std::vector<std::string> names_with_prefix(std::string_view prefix) const;

 private:
  std::map<std::string, Reader, std::less<>> readers_;
};

}  // namespace hio::tools
