// Jobs for io/src's LookupWorker that the test holds (gates it opens): no
// name server can be made to stall here (the system's resolver cannot be
// pointed at one of a test's), so a held gate stands for a lookup that does
// not end. Shared by lookup_worker_test.cpp and lookup_stress_test.cpp.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "lookup_worker.hpp"  // io/src

namespace hio::test {

// A lookup that runs until the test opens it.
class Gate final : public detail::LookupWorker::Job {
 public:
  explicit Gate(bool open = false) : open_(open) {}

  void run() noexcept override {
    std::unique_lock<std::mutex> lock(mutex_);
    ran_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
  }
  void complete() noexcept override {
    const std::lock_guard<std::mutex> lock(mutex_);
    completed_ = true;
    changed_.notify_all();
  }
  void drop() noexcept override {}
  void no_thread(std::chrono::steady_clock::duration unserved) noexcept override {
    const std::lock_guard<std::mutex> lock(mutex_);
    unserved_ = unserved;
  }

  void open() {
    const std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  // Whether it started running (completed) within `wait`.
  bool ran_within(std::chrono::milliseconds wait) { return until(wait, ran_); }
  bool completed_within(std::chrono::milliseconds wait) { return until(wait, completed_); }
  // How long it waited for a thread when the worker gave up on one
  // (no_thread), or nothing.
  std::optional<std::chrono::steady_clock::duration> unserved() {
    const std::lock_guard<std::mutex> lock(mutex_);
    return unserved_;
  }

 private:
  bool until(std::chrono::milliseconds wait, const bool& flag) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, wait, [&] { return flag; });
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_;
  bool ran_ = false;
  bool completed_ = false;
  std::optional<std::chrono::steady_clock::duration> unserved_;
};

// Opens every gate at the end of a test, whatever failed: the worker's
// threads are detached, and a gate left shut would hold one for good.
struct OpenAll {
  std::vector<std::shared_ptr<Gate>>& gates;
  ~OpenAll() {
    for (const std::shared_ptr<Gate>& gate : gates)
      gate->open();
  }
};

// Whether the process's lookup threads come to `count` within `wait`.
inline bool process_threads_become(std::size_t count, std::chrono::milliseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  while (detail::LookupWorker::process_threads() != count) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace hio::test
