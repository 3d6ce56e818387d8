// The threads hio's host-name lookups run on (io/src's LookupWorker): a
// lookup that does not end holds up no other while a thread is free, and at
// most kThreadsMax run at once. No name server can be made to stall here
// (the system's resolver cannot be pointed at one of a test's), so the jobs
// are held by the test: gates it opens. Each test expects to be the only
// one of its process with lookup threads (ctest runs each alone).
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "lookup_worker.hpp"  // io/src

namespace hio::test {
namespace {

using namespace std::chrono_literals;

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

  void open() {
    const std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  // Whether it started running (completed) within `wait`.
  bool ran_within(std::chrono::milliseconds wait) { return until(wait, ran_); }
  bool completed_within(std::chrono::milliseconds wait) { return until(wait, completed_); }

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

// A name the name server does not answer held up every lookup after it
// (one thread, one lookup at a time): a client of localhost opened after a
// client of such a name waited out the resolver's timeout (~10 s).
TEST(LookupWorker, ALookupThatDoesNotEndHoldsUpNoOther) {
  std::vector<std::shared_ptr<Gate>> gates{std::make_shared<Gate>(), std::make_shared<Gate>(true)};
  const OpenAll open_all{gates};
  detail::LookupWorker worker;
  worker.add(gates[0]);
  worker.add(gates[1]);
  ASSERT_TRUE(gates[0]->ran_within(10s));
  EXPECT_TRUE(gates[1]->completed_within(10s)) << "the second lookup waited for the first";
  gates[0]->open();
  EXPECT_TRUE(gates[0]->completed_within(10s));
}

// kThreadsMax lookups at once, no more: the next waits for the first to end,
// then runs (it is not lost).
TEST(LookupWorker, AtMostKThreadsMaxLookupsRunAtOnce) {
  constexpr std::size_t kMax = detail::LookupWorker::kThreadsMax;
  std::vector<std::shared_ptr<Gate>> gates;
  for (std::size_t i = 0; i <= kMax; ++i)
    gates.push_back(std::make_shared<Gate>());
  const OpenAll open_all{gates};
  detail::LookupWorker worker;
  for (const std::shared_ptr<Gate>& gate : gates)
    worker.add(gate);
  for (std::size_t i = 0; i < kMax; ++i)
    ASSERT_TRUE(gates[i]->ran_within(10s)) << i;
  // Every thread is busy: the last one cannot have started.
  EXPECT_FALSE(gates[kMax]->ran_within(200ms));
  gates[kMax / 2]->open();
  EXPECT_TRUE(gates[kMax / 2]->completed_within(10s));
  EXPECT_TRUE(gates[kMax]->ran_within(10s));
  gates[kMax]->open();
  EXPECT_TRUE(gates[kMax]->completed_within(10s));
}

// Destroying the worker returns at once with lookups still running (their
// threads end by themselves), and their answers are dropped: complete() is
// not called, drop() is.
TEST(LookupWorker, DestroyedWithLookupsRunningItReturnsAtOnce) {
  std::vector<std::shared_ptr<Gate>> gates{std::make_shared<Gate>(), std::make_shared<Gate>()};
  const OpenAll open_all{gates};
  {
    detail::LookupWorker worker;
    worker.add(gates[0]);
    worker.add(gates[1]);
    ASSERT_TRUE(gates[0]->ran_within(10s));
    ASSERT_TRUE(gates[1]->ran_within(10s));
  }
  for (const std::shared_ptr<Gate>& gate : gates)
    gate->open();
  EXPECT_FALSE(gates[0]->completed_within(200ms));
  EXPECT_FALSE(gates[1]->completed_within(1ms));
}

// Whether the process's lookup threads come to `count` within `wait`.
bool process_threads_become(std::size_t count, std::chrono::milliseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  while (detail::LookupWorker::process_threads() != count) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// kProcessThreadsMax lookup threads in the process, whatever the number of
// workers (hubs): each could start kThreadsMax, so many hubs whose lookups
// a name server does not answer started threads without bound (a sweep's
// runs left 8 each behind, for the resolver's ~10 s). A worker beyond the
// bound waits for a thread of another's, which serves the waiting workers
// in turn when its own have no job left; every job runs.
TEST(LookupWorker, AtMostKProcessThreadsMaxThreadsInTheProcess) {
  constexpr std::size_t kMax = detail::LookupWorker::kThreadsMax;
  constexpr std::size_t kProcessMax = detail::LookupWorker::kProcessThreadsMax;
  constexpr std::size_t kFull = kProcessMax / kMax;  // workers that take every thread
  ASSERT_TRUE(process_threads_become(0, 10s)) << "threads of an earlier test still run";
  std::vector<std::shared_ptr<Gate>> gates;
  for (std::size_t i = 0; i < (kFull + 2) * kMax; ++i)
    gates.push_back(std::make_shared<Gate>());
  const OpenAll open_all{gates};
  std::vector<std::unique_ptr<detail::LookupWorker>> workers;
  for (std::size_t w = 0; w < kFull + 2; ++w) {
    workers.push_back(std::make_unique<detail::LookupWorker>());
    for (std::size_t i = 0; i < kMax; ++i)
      workers[w]->add(gates[w * kMax + i]);
  }
  const auto of_worker = [&](std::size_t w) { return std::span(gates).subspan(w * kMax, kMax); };
  for (std::size_t w = 0; w < kFull; ++w) {
    for (const std::shared_ptr<Gate>& gate : of_worker(w))
      ASSERT_TRUE(gate->ran_within(10s)) << "worker " << w;
  }
  EXPECT_EQ(detail::LookupWorker::process_threads(), kProcessMax);
  // The last two workers' lookups wait: no thread of theirs started.
  EXPECT_FALSE(gates[kFull * kMax]->ran_within(200ms));
  for (std::size_t i = kFull * kMax; i < gates.size(); ++i)
    EXPECT_FALSE(gates[i]->ran_within(1ms)) << i;
  EXPECT_EQ(detail::LookupWorker::process_threads(), kProcessMax);
  // The first worker's lookups end: its threads serve the two waiting
  // workers, in turn (half of each), and none more starts.
  for (const std::shared_ptr<Gate>& gate : of_worker(0))
    gate->open();
  for (std::size_t w = kFull; w < kFull + 2; ++w) {
    for (std::size_t i = 0; i < kMax / 2; ++i)
      EXPECT_TRUE(of_worker(w)[i]->ran_within(10s)) << "worker " << w << ", lookup " << i;
  }
  EXPECT_EQ(detail::LookupWorker::process_threads(), kProcessMax);
  // A destroyed worker's threads, once their lookups end, serve the rest.
  workers[1].reset();
  for (const std::shared_ptr<Gate>& gate : of_worker(1))
    gate->open();
  for (std::size_t w = kFull; w < kFull + 2; ++w) {
    for (const std::shared_ptr<Gate>& gate : of_worker(w))
      EXPECT_TRUE(gate->ran_within(10s)) << "worker " << w;
  }
  // Every lookup done (the destroyed worker's dropped): the threads end.
  for (const std::shared_ptr<Gate>& gate : gates)
    gate->open();
  for (std::size_t w = 0; w < workers.size(); ++w) {
    if (!workers[w]) continue;
    for (const std::shared_ptr<Gate>& gate : of_worker(w))
      EXPECT_TRUE(gate->completed_within(10s)) << "worker " << w;
  }
  EXPECT_TRUE(process_threads_become(0, 10s)) << detail::LookupWorker::process_threads();
}

}  // namespace
}  // namespace hio::test
