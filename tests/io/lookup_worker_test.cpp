// The threads hio's host-name lookups run on (io/src's LookupWorker): a
// lookup that does not end holds up no other while a thread is free, and at
// most kThreadsMax run at once, at most kProcessThreadsMax in the process,
// and waiting workers are served in turn. The jobs are held by the test
// (lookup_gate.hpp). Each test expects to be the only one of its process
// with lookup threads (ctest runs each alone).
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "lookup_gate.hpp"
#include "lookup_worker.hpp"  // io/src

namespace hio::test {
namespace {
namespace lookup_worker_test {

using namespace std::chrono_literals;

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

// A thread handed to a waiting worker served that worker until it had no
// job left: a worker's second lookup, one that does not end, held up
// another's that asked before it (docs/io.md, "Host names": the waiting
// workers are served in turn, one lookup each round). Every process thread
// held; worker A asks (a quick lookup, then one held), then worker B (a quick
// one); one thread is freed: A's first, then B's, then A's second.
TEST(LookupWorker, WaitingWorkersAreServedOneLookupEachRound) {
  constexpr std::size_t kMax = detail::LookupWorker::kThreadsMax;
  constexpr std::size_t kProcessMax = detail::LookupWorker::kProcessThreadsMax;
  ASSERT_TRUE(process_threads_become(0, 10s)) << "threads of an earlier test still run";
  std::vector<std::shared_ptr<Gate>> held;
  for (std::size_t i = 0; i < kProcessMax; ++i)
    held.push_back(std::make_shared<Gate>());
  auto a1 = std::make_shared<Gate>(true);
  auto a2 = std::make_shared<Gate>();
  auto b1 = std::make_shared<Gate>(true);
  std::vector<std::shared_ptr<Gate>> gates = held;
  gates.insert(gates.end(), {a1, a2, b1});
  const OpenAll open_all{gates};
  std::vector<std::unique_ptr<detail::LookupWorker>> workers;
  for (std::size_t i = 0; i < kProcessMax; ++i) {
    if (i % kMax == 0) workers.push_back(std::make_unique<detail::LookupWorker>());
    workers.back()->add(held[i]);
  }
  for (const std::shared_ptr<Gate>& gate : held)
    ASSERT_TRUE(gate->ran_within(10s));
  detail::LookupWorker a;
  detail::LookupWorker b;
  a.add(a1);
  a.add(a2);
  b.add(b1);
  EXPECT_FALSE(a1->ran_within(200ms)) << "no thread is free";
  held[0]->open();
  EXPECT_TRUE(a1->completed_within(10s));
  EXPECT_TRUE(b1->completed_within(2s)) << "B's lookup waited behind A's second (ran: "
                                        << a2->ran_within(std::chrono::milliseconds(0)) << ")";
  EXPECT_TRUE(a2->ran_within(10s));
  EXPECT_EQ(detail::LookupWorker::process_threads(), kProcessMax);
}

}  // namespace lookup_worker_test
}  // namespace
}  // namespace hio::test
