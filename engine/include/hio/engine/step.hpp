// Step: what a dog asks of its scheduler each time it suspends — run again
// after a tock, park until woken (optionally with a deadline), or finish.
#pragma once

#include <cstdint>

#include "hio/engine/tyme.hpp"

namespace hio {

// Yield this (co_yield hio::kPark, or park_until(t)) to sleep until woken by
// Doer::wake(), or until tyme t, whichever is first. A parked doer costs its
// scheduler nothing per pass.
struct Park {
  Tyme until = kTymeNever;
};
inline constexpr Park kPark{};
constexpr Park park_until(Tyme tyme) {
  return Park{tyme};
}

class Step {
 public:
  // idle_park: parked only because nothing it runs is due (a DoDoer's
  // skip); woken, it runs in the pass in progress if its turn is still to
  // come, exactly as if it had never parked.
  // 64-bit so a Step has no padding: a dog writes it and the scheduler reads
  // it back at once, and a narrower store would defeat store forwarding.
  enum class Kind : std::uint64_t { tock, park, idle_park, finish };

  static constexpr Step after(Tock tock) { return Step(Kind::tock, tock.count()); }
  static constexpr Step park(Park park) {
    return Step(Kind::park, park.until.time_since_epoch().count());
  }
  static constexpr Step idle_park(Tyme until) {
    return Step(Kind::idle_park, until.time_since_epoch().count());
  }
  static constexpr Step finish() { return Step(Kind::finish, 0); }

  constexpr Kind kind() const { return kind_; }
  constexpr Tock tock() const { return Tock{value_}; }
  constexpr Tyme until() const { return Tyme{Tock{value_}}; }

 private:
  constexpr Step(Kind kind, std::int64_t value) : value_(value), kind_(kind) {}
  std::int64_t value_;
  Kind kind_;
};

}  // namespace hio
