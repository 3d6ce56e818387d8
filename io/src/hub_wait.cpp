#include "hub_wait.hpp"

#include <unistd.h>

#include <boost/system/error_code.hpp>

namespace hio::detail {

HubWait::HubWait(asio::io_context& context) : context_(context) {}

void HubWait::arm(Watch& watch, const WakeFd* wake) {
  if (wake == nullptr) return;
  if (watch.wake_id != wake->id()) {
    // Another WakeFd (another Doist, or the first): the old watch's handler,
    // cancelled by the close, finds its generation gone.
    boost::system::error_code ignored;
    watch.descriptor.close(ignored);
    ++watch.generation;
    watch.armed = false;
    watch.wake_id = 0;
    const int copy = ::dup(wake->fd());
    if (copy < 0) return;  // no descriptor left: the Doist's slices notice the stop
    watch.descriptor.assign(copy, ignored);
    if (ignored) {
      ::close(copy);
      return;
    }
    watch.wake_id = wake->id();
  }
  if (watch.armed) return;
  watch.armed = true;
  watch.descriptor.async_wait(
      asio::posix::descriptor_base::wait_read,
      [this, &watch, generation = watch.generation](const boost::system::error_code& error) {
        ++own_ran_;
        if (generation != watch.generation) return;
        watch.armed = false;
        if (!error) rung_ = true;
      });
}

void HubWait::wait_until(std::chrono::steady_clock::time_point deadline, StopWakes wakes) {
  run(deadline, wakes, false);
}

void HubWait::run_one_until(std::chrono::steady_clock::time_point deadline) {
  run(deadline, StopWakes{}, true);
}

void HubWait::run(std::chrono::steady_clock::time_point deadline, StopWakes wakes, bool one) {
  due_ = false;
  rung_ = false;
  if (waiting_ == nullptr) waiting_ = std::make_unique<Waiting>(context_);
  asio::steady_timer& timer = waiting_->timer;
  arm(waiting_->watches[0], wakes.request);
  arm(waiting_->watches[1], wakes.signal);
  // Not context.run_until(deadline): Asio hands epoll_wait its timeout in
  // whole milliseconds, rounded up, so a wait of 0.2 ms took 1 ms. A timer
  // is kept on a timerfd, to the nanosecond.
  timer.expires_at(deadline);  // cancels the last wait's timer, if it was cut
  timer.async_wait([this, generation = ++timer_generation_](const boost::system::error_code&) {
    ++own_ran_;
    if (generation == timer_generation_) due_ = true;
  });
  while (!due_ && !rung_) {
    // The work guard keeps run_one() from returning at once while idle; 0
    // means the context was stopped: nothing more can come.
    const std::uint64_t own = own_ran_;
    if (context_.run_one() == 0) break;
    // A handler of the wait's own (the last wait's cancelled timer, which
    // the expires_at above posted) is not the IO `one` waits for: ending
    // there would end every such wait at once.
    if (one && own_ran_ == own) break;
  }
}

}  // namespace hio::detail
