#include "hub_wait.hpp"

#include <boost/system/error_code.hpp>

namespace hio::detail {

HubWait::HubWait(asio::io_context& context) : context_(context), timer_(context) {}

void HubWait::wait_until(std::chrono::steady_clock::time_point deadline) {
  due_ = false;
  // Not context.run_until(deadline): Asio hands epoll_wait its timeout in
  // whole milliseconds, rounded up, so a wait of 0.2 ms took 1 ms. A timer
  // is kept on a timerfd, to the nanosecond.
  timer_.expires_at(deadline);
  timer_.async_wait([this, generation = ++timer_generation_](const boost::system::error_code&) {
    if (generation == timer_generation_) due_ = true;
  });
  while (!due_) {
    // The work guard keeps run_one() from returning at once while idle; 0
    // means the context was stopped: nothing more can come.
    if (context_.run_one() == 0) break;
  }
}

}  // namespace hio::detail
