#include "hio/engine/mono_timer.hpp"

#include "hio/engine/tyme.hpp"  // time_after

namespace hio {

MonoTimer::MonoTimer(Clock::duration duration, std::optional<Clock::time_point> start) {
  this->start(duration, start);
}

MonoTimer::Clock::time_point MonoTimer::start(Clock::duration duration,
                                              std::optional<Clock::time_point> start) {
  duration_ = duration;
  start_ = start ? *start : Clock::now();
  // As Tymer: a window beyond the clock's range stops at its end, never.
  stop_ = time_after(start_, duration_);
  return start_;
}

MonoTimer::Clock::time_point MonoTimer::restart(Clock::duration duration) {
  return start(duration, stop_);
}

}  // namespace hio
