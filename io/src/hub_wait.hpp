// HubWait: an IoHub's waits in wall time — between a real-time run's passes,
// and finish_closing's for the writes in flight. It runs the hub's IO until
// a deadline, to the timer's resolution (an Asio timer, which the reactor
// keeps on a timerfd), or until a stop rings the Doist's wakes.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

#include "hio/engine/wake_fd.hpp"

namespace hio::detail {

namespace asio = boost::asio;

// Lives as long as the hub's io_context, with one owner (the hub). Its own
// operations (the timer, the wakes' waits) are not the hub's IO: busy()
// does not count them, and a handler of one that a later wait cancelled
// does nothing when a poll runs it. The timer and the watches are made by
// the first wait: an Asio timer or descriptor creates the context's epoll
// reactor (an epoll, a timerfd and an eventfd), after which every poll of
// a simulated or replayed run's passes made an epoll_wait system call
// (+9% on a simulated run, replay 40% slower: docs/performance.md).
class HubWait {
 public:
  explicit HubWait(asio::io_context& context);
  HubWait(const HubWait&) = delete;
  HubWait& operator=(const HubWait&) = delete;

  // Runs IO handlers as they come until `deadline` or until one of `wakes`
  // is readable.
  void wait_until(std::chrono::steady_clock::time_point deadline, StopWakes wakes);
  // Runs IO handlers until `deadline`, returning after the first of the
  // hub's IO (not one of the wait's own): what asio's run_one_until() does,
  // without its rounding up to whole milliseconds.
  void run_one_until(std::chrono::steady_clock::time_point deadline);

 private:
  // Both waits: `one` ends it after the first handler of the hub's IO.
  void run(std::chrono::steady_clock::time_point deadline, StopWakes wakes, bool one);
  // A watch on one WakeFd, through a duplicate of its descriptor (ours to
  // close), so that a WakeFd destroyed (its number reused) leaves no watch
  // on another file. Kept from wait to wait while the WakeFd is the same.
  struct Watch {
    explicit Watch(asio::io_context& context) : descriptor(context) {}
    asio::posix::stream_descriptor descriptor;
    std::uint64_t wake_id = 0;  // 0: none
    std::uint64_t generation = 0;
    bool armed = false;
  };
  void arm(Watch& watch, const WakeFd* wake);

  // What a wait needs, made by the first.
  struct Waiting {
    explicit Waiting(asio::io_context& context)
        : timer(context), watches{Watch(context), Watch(context)} {}
    asio::steady_timer timer;
    std::array<Watch, 2> watches;
  };

  asio::io_context& context_;
  std::unique_ptr<Waiting> waiting_;
  std::uint64_t timer_generation_ = 0;
  bool due_ = false;
  bool rung_ = false;
  // Counts the handlers of the wait's own operations that ran (a cancelled
  // one too), so that run_one_until() tells them from the hub's IO.
  std::uint64_t own_ran_ = 0;
};

}  // namespace hio::detail
