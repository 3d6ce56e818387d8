// Tyme: the exact virtual time of a run, in integer nanoseconds, and the tock
// (a tyme step). Shown to people as seconds; never a floating point value.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

namespace hio {

// A clock that only exists as a type: a run's tyme is advanced by its Tymist,
// never read from the machine. It has no now() on purpose.
struct VirtualClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::duration<rep, period>;
  using time_point = std::chrono::time_point<VirtualClock, duration>;
  static constexpr bool is_steady = true;
};

using Tock = VirtualClock::duration;    // a step of tyme
using Tyme = VirtualClock::time_point;  // a point in tyme; a run starts at Tyme{}

inline constexpr Tock kDefaultTock{31'250'000};  // 1/32 s, exact
inline constexpr Tyme kTymeNever{Tock{std::numeric_limits<std::int64_t>::max()}};

// time + duration on any clock of integer ticks, saturating: a sum beyond the
// clock's range lands on its last (or, going back, its first) time point
// instead of wrapping. The one rule for tyme (tyme_after), for MonoTimer's
// windows on the steady clock, and for timers' readings (time_between).
template <class Clock, class Duration>
constexpr std::chrono::time_point<Clock, Duration> time_after(
    std::chrono::time_point<Clock, Duration> time, Duration duration) {
  using Rep = typename Duration::rep;
  Rep sum = 0;
  if (__builtin_add_overflow(time.time_since_epoch().count(), duration.count(), &sum)) {
    sum = duration > Duration::zero() ? std::numeric_limits<Rep>::max()
                                      : std::numeric_limits<Rep>::min();
  }
  return std::chrono::time_point<Clock, Duration>{Duration{sum}};
}

// to - from on any clock of integer ticks, saturating by time_after's rule
// (it is two of its sums): two time points can lie further apart than the
// longest duration (the first and the last are twice that), and such a gap
// is the longest (or, going back, the shortest) duration instead of a wrap.
// -from is added in two halves, each representable even for the first time
// point; both halves push the same way, so once the first sum saturates the
// second keeps it there. Timers' elapsed() and remaining() (Tymer, MonoTimer).
template <class Clock, class Duration>
constexpr Duration time_between(std::chrono::time_point<Clock, Duration> from,
                                std::chrono::time_point<Clock, Duration> to) {
  const Duration half = from.time_since_epoch() / 2;
  const Duration rest = from.time_since_epoch() - half;
  return time_after(time_after(to, -half), -rest).time_since_epoch();
}

// tyme + tock, saturating: tyme ends at kTymeNever (2^63-1 ns, about 292
// years), and a step that would go beyond it lands on kTymeNever, "never".
// Every sum of a tyme and a tock that a run computes goes through this, so no
// scenario, however long its tocks, overflows.
constexpr Tyme tyme_after(Tyme tyme, Tock tock) {
  return time_after(tyme, tock);
}

// Exact decimal seconds for people and logs: "0.03125", "1.5", "0".
std::string format_seconds(Tock tock);
inline std::string format_seconds(Tyme tyme) {
  return format_seconds(tyme.time_since_epoch());
}

// Exact nanoseconds from a whole number of seconds, for readable code.
// Saturating like tyme_after: beyond ~292 years it is the longest Tock (the
// end of tyme) or, negative, the shortest; nothing wraps.
constexpr Tock seconds(std::int64_t s) {
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(s, std::int64_t{1'000'000'000}, &ns)) {
    return s > 0 ? Tock::max() : Tock::min();
  }
  return Tock{ns};
}

}  // namespace hio
