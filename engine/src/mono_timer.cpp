#include "hio/engine/mono_timer.hpp"

namespace hio {

MonoTimer::MonoTimer(Clock::duration duration, bool start_now)
    : duration_(duration), start_(Clock::now()), stop_(start_ + duration) {
  if (start_now) start(duration);
}

void MonoTimer::start(Clock::duration duration) {
  duration_ = duration;
  start_ = Clock::now();
  stop_ = start_ + duration_;
}

void MonoTimer::restart(Clock::duration duration) {
  duration_ = duration;
  start_ = stop_;
  stop_ = start_ + duration_;
}

}  // namespace hio
