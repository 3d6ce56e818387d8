// MonoTimer: the Tymer API on the monotonic wall clock. Used only to pace
// real-time runs; never on a path that decides what a run does.
#pragma once

#include <chrono>
#include <optional>

#include "hio/engine/tyme.hpp"  // time_between

namespace hio {

class MonoTimer {
 public:
  using Clock = std::chrono::steady_clock;

  // As Tymer: a window may start at a given time (by default: now).
  explicit MonoTimer(Clock::duration duration = Clock::duration::zero(),
                     std::optional<Clock::time_point> start = std::nullopt);

  Clock::duration duration() const { return duration_; }
  Clock::time_point start_time() const { return start_; }
  Clock::time_point stop_time() const { return stop_; }
  // Saturating at the ends of the clock (time_between), as start and stop are.
  Clock::duration elapsed() const { return time_between(start_, Clock::now()); }
  Clock::duration remaining() const { return time_between(Clock::now(), stop_); }
  bool expired() const { return Clock::now() >= stop_; }

  // Each returns the window's start.
  Clock::time_point start(Clock::duration duration,
                          std::optional<Clock::time_point> start = std::nullopt);
  Clock::time_point start() { return start(duration_); }
  // Lossless: the next window starts at the old stop, so an overrun is made
  // up by the windows that follow.
  Clock::time_point restart(Clock::duration duration);
  Clock::time_point restart() { return restart(duration_); }

 private:
  Clock::duration duration_;
  Clock::time_point start_;
  Clock::time_point stop_;
};

}  // namespace hio
