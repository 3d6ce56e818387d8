// WaitProbe: a reactor that tells another thread of a test when a real-time
// Doist is waiting between passes, so that a stop is sent inside that wait
// for certain, never during the pass (where the pass's end would see it too).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <utility>

#include "hio/engine/doist.hpp"
#include "hio/engine/reactor.hpp"
#include "hio/engine/wake_fd.hpp"

namespace hio::test {

class WaitProbe final : public Reactor {
 public:
  // `on_first_wait`, if given, is called (on the Doist's thread) when the
  // Doist first waits, as await_wait() returns.
  explicit WaitProbe(std::function<void()> on_first_wait = {})
      : on_first_wait_(std::move(on_first_wait)) {}

  // As the Doist's only (or first) reactor it does the wait, watching the
  // stop wakes as an IoHub does; after another one (an IoHub), it is polled
  // during the wait once that one's slice of it is over.
  void poll() override {
    if (attached_to() != nullptr && attached_to()->waiting()) note();
  }
  void wait_until(std::chrono::steady_clock::time_point deadline) override {
    note();
    sleep_until_woken(deadline, stop_wakes());
  }
  bool busy() const override { return false; }

  // Blocks until the Doist waits for its next pass; false if it did not
  // within `limit` (a bound, not a timing: the test fails rather than hangs).
  bool await_wait(std::chrono::seconds limit = std::chrono::seconds(60)) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, limit, [this] { return waiting_; });
  }

 private:
  void note() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (waiting_) return;
      waiting_ = true;
      changed_.notify_all();
    }
    if (on_first_wait_) on_first_wait_();
  }

  std::function<void()> on_first_wait_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool waiting_ = false;
};

}  // namespace hio::test
