// MonoTimer: the Tymer API on the monotonic wall clock. Used only to pace
// real-time runs; never on a path that decides what a run does.
#pragma once

#include <chrono>

namespace hio {

class MonoTimer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit MonoTimer(Clock::duration duration = Clock::duration::zero(), bool start = true);

  Clock::duration duration() const { return duration_; }
  Clock::time_point start_time() const { return start_; }
  Clock::time_point stop_time() const { return stop_; }
  Clock::duration elapsed() const { return Clock::now() - start_; }
  Clock::duration remaining() const { return stop_ - Clock::now(); }
  bool expired() const { return Clock::now() >= stop_; }

  void start(Clock::duration duration);
  void start() { start(duration_); }
  // Lossless: the next window starts at the old stop, so an overrun is made
  // up by the windows that follow.
  void restart(Clock::duration duration);
  void restart() { restart(duration_); }

 private:
  Clock::duration duration_;
  Clock::time_point start_;
  Clock::time_point stop_;
};

}  // namespace hio
