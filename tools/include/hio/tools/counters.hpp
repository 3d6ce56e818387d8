// CounterBoard: named integer counters that doers publish ("client.rx_bytes")
// and expectations read. Ordered by name, so listings are deterministic.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hio::tools {

// A counter a doer keeps as a member and publishes with CounterBoard::add.
// Every change is also added to the sum it belongs to (the `copies` sum
// "t.runs" of "t-1.runs" ... "t-N.runs"), so the board keeps that sum
// up to date at O(1) a change, where a reader counter's sum re-reads every
// copy at every read. Not copyable: the sum points at nothing, the board at it.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  std::int64_t value() const { return value_; }
  operator std::int64_t() const { return value_; }  // NOLINT: reads like the integer it counts

  Counter& operator=(std::int64_t value) {
    add(value - value_);
    return *this;
  }
  Counter& operator+=(std::int64_t delta) {
    add(delta);
    return *this;
  }
  Counter& operator-=(std::int64_t delta) {
    add(-delta);
    return *this;
  }
  Counter& operator++() {
    add(1);
    return *this;
  }
  Counter& operator--() {
    add(-1);
    return *this;
  }

 private:
  friend class CounterBoard;
  void add(std::int64_t delta) {
    value_ += delta;
    if (sum_ != nullptr) sum_->add(delta);
  }

  std::int64_t value_ = 0;
  Counter* sum_ = nullptr;  // the board's sum of copies this counter is part of
};

class CounterBoard {
 public:
  using Reader = std::function<std::int64_t()>;

  // Throws std::invalid_argument if the name is taken.
  void add(std::string name, Reader reader);
  // A counter kept in `counter`, which must outlive the reads (a doer's
  // member: the board is destroyed after the doers, see BuiltScenario).
  void add(std::string name, Counter& counter);
  std::optional<std::int64_t> read(std::string_view name) const;
  bool has(std::string_view name) const { return entries_.find(name) != entries_.end(); }
  // The reader of `name`, nullptr if none: valid as long as the board (a
  // counter is never removed), so a derived counter looks it up once.
  const Reader* reader(std::string_view name) const;
  // Publishes `name` as the sum of `parts` (each published already, none
  // published twice). If every part is a Counter not yet in a sum, the sum
  // is kept as the parts change (O(1) a change, O(1) a read); otherwise it
  // re-reads every part at each read. Throws std::invalid_argument naming
  // an unpublished part, or if `name` is taken.
  void add_sum(std::string name, const std::vector<std::string>& parts);
  // For `copies` doers named <name>-1 ... <name>-N: publishes <name>.<c> as
  // the sum of <name>-1.<c> ... <name>-N.<c>, as add_sum does, for each
  // counter <c> the first copy publishes. Linear in the copies' counters:
  // one walk over them in name order, no search by name for each part (it
  // searched the board for each: 128,000 searches for 16,000 echo clients'
  // 8 sums, a third of the CLI's setup, growing as N log N). Throws as
  // add_sum, naming a copy's missing counter.
  void add_copies_sums(const std::string& name, std::int64_t copies);
  std::vector<std::string> names() const;
  // The names that begin with `prefix`, in order (without listing the rest).
  std::vector<std::string> names_with_prefix(std::string_view prefix) const;

 private:
  struct Entry {
    Reader reader;
    Counter* counter = nullptr;  // set for counters published as a Counter
  };
  // The names' order. Each comparison is counted (tools/src/name_comparisons.hpp):
  // the board's work, which tests measure (a search costs log2(counters) of them).
  struct NameOrder {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };
  void add_sum_of(std::string name, const std::vector<Entry*>& parts);

  std::map<std::string, Entry, NameOrder> entries_;
  std::deque<Counter> sums_;  // kept sums: a deque does not move them
};

}  // namespace hio::tools
