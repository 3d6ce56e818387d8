// HubWait: an IoHub's wait between a real-time run's passes. It runs the
// hub's IO until a deadline, to the timer's resolution (an Asio timer, which
// the reactor keeps on a timerfd).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>

namespace hio::detail {

namespace asio = boost::asio;

// Lives as long as the hub's io_context, with one owner (the hub). Its own
// operation (the timer) is not the hub's IO: busy() does not count it.
class HubWait {
 public:
  explicit HubWait(asio::io_context& context);
  HubWait(const HubWait&) = delete;
  HubWait& operator=(const HubWait&) = delete;

  // Runs IO handlers as they come until `deadline`.
  void wait_until(std::chrono::steady_clock::time_point deadline);

 private:
  asio::io_context& context_;
  asio::steady_timer timer_;
  std::uint64_t timer_generation_ = 0;
  bool due_ = false;
};

}  // namespace hio::detail
