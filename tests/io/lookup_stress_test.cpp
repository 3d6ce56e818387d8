// Stress probes (explorer xtsan17) for the LookupWorker as hubs use it: many
// hubs in many threads looking names up at once, hubs destroyed with lookups
// in flight, more lookups than the process's thread bound, hubs made right
// after others ended. Loopback names only (/etc/hosts), plus a few names no
// one knows (the system's resolver fails them).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hio/io/open_check.hpp"
#include "io_run.hpp"
#include "lookup_worker.hpp"  // io/src

namespace hio::test {
namespace {

using namespace std::chrono_literals;

bool process_threads_become(std::size_t count, std::chrono::milliseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  while (detail::LookupWorker::process_threads() != count) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// Names that go through the worker (not IP addresses, not *.invalid).
std::string name_url(std::size_t i, std::uint16_t port) {
  // A name nobody knows asks the name server (this machine's drops a
  // query now and then: 5 s); only with HIO_PROBE_UNKNOWN set.
  static const bool unknown = std::getenv("HIO_PROBE_UNKNOWN") != nullptr;
  static const char* const names[] = {
      "localhost", "runsc", "vm", "LOCALHOST", "Localhost", "nosuchhost-xtsan17", "localhost."};
  return std::string("tcp://") + names[i % (unknown ? 7 : 5)] + ":" + std::to_string(port);
}

// One hub: `count` clients of looked-up names, run until none is opening.
// Returns how many were still opening when the run ended.
std::size_t one_hub(std::size_t count, std::uint16_t port) {
  RealRun run;
  std::vector<Channel*> clients;
  for (std::size_t i = 0; i < count; ++i)
    clients.push_back(&run.io.connect(name_url(i, port)));
  const auto opening = [&] {
    std::size_t n = 0;
    for (const Channel* c : clients)
      n += c->state() == ChannelState::opening ? 1u : 0u;
    return n;
  };
  std::vector<std::chrono::steady_clock::time_point> left(count);
  const auto start = std::chrono::steady_clock::now();
  StopWhen stop(run.doist, [&] {
    for (std::size_t i = 0; i < count; ++i)
      if (left[i] == std::chrono::steady_clock::time_point{} &&
          clients[i]->state() != ChannelState::opening)
        left[i] = std::chrono::steady_clock::now();
    return opening() == 0;
  });
  run.doist.run({&stop});
  for (std::size_t i = 0; i < count; ++i) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left[i] - start).count();
    if (ms > 1000 || left[i] == std::chrono::steady_clock::time_point{})
      std::fprintf(stderr, "slow: %s %lld ms %s %s\n", name_url(i, port).c_str(),
                   static_cast<long long>(ms), to_string(clients[i]->state()),
                   clients[i]->reason().c_str());
  }
  return opening();
}

// A port nobody listens on (refused at once): bound and closed.
std::uint16_t refused_port() {
  return 9;
}

TEST(LookupStress, ManyHubsInManyThreadsLookUpAtOnce) {
  ASSERT_TRUE(process_threads_become(0, 20s));
  constexpr std::size_t kThreads = 8;
  constexpr std::size_t kPerHub = 20;  // > kThreadsMax; 160 in all > 64
  std::atomic<std::size_t> stuck{0};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t)
    threads.emplace_back([&] { stuck += one_hub(kPerHub, refused_port()); });
  for (std::thread& t : threads)
    t.join();
  EXPECT_EQ(stuck.load(), 0u);
  EXPECT_TRUE(process_threads_become(0, 20s)) << detail::LookupWorker::process_threads();
}

// A hub destroyed before its lookups were answered (no pass, one pass),
// from several threads at once, again and again.
TEST(LookupStress, HubsDestroyedWithLookupsInFlight) {
  ASSERT_TRUE(process_threads_become(0, 20s));
  constexpr std::size_t kThreads = 4;
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (std::size_t round = 0; round < 10; ++round) {
        RealRun run;
        for (std::size_t i = 0; i < 12; ++i)
          run.io.connect(name_url(i + t, refused_port()));
        if ((round + t) % 2 == 1) {
          std::size_t passes = 0;
          StopWhen stop(run.doist, [&] { return ++passes > round % 3; });
          run.doist.run({&stop});
        }
      }
    });
  }
  for (std::thread& t : threads)
    t.join();
  EXPECT_TRUE(process_threads_become(0, 20s)) << detail::LookupWorker::process_threads();
}

// Hubs one after the other, each made as soon as the last ended.
TEST(LookupStress, HubAfterHub) {
  ASSERT_TRUE(process_threads_become(0, 20s));
  for (std::size_t round = 0; round < 30; ++round)
    ASSERT_EQ(one_hub(1 + round % 10, refused_port()), 0u) << round;
  EXPECT_TRUE(process_threads_become(0, 20s)) << detail::LookupWorker::process_threads();
}

// A lookup the test holds: every process thread busy with one of these.
class Gate final : public detail::LookupWorker::Job {
 public:
  void run() noexcept override {
    std::unique_lock<std::mutex> lock(mutex_);
    ran_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
  }
  void complete() noexcept override {}
  void drop() noexcept override {}
  void open() {
    const std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  bool ran_within(std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, wait, [&] { return ran_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
  bool ran_ = false;
};

// Every process thread held; hubs (one destroyed while waiting for a thread,
// others made after it) get theirs once the held lookups end.
TEST(LookupStress, MoreThanTheProcessBoundWaitAndAreServed) {
  ASSERT_TRUE(process_threads_become(0, 20s));
  constexpr std::size_t kMax = detail::LookupWorker::kThreadsMax;
  constexpr std::size_t kProcessMax = detail::LookupWorker::kProcessThreadsMax;
  std::vector<std::shared_ptr<Gate>> gates;
  std::vector<std::unique_ptr<detail::LookupWorker>> workers;
  for (std::size_t i = 0; i < kProcessMax; ++i) {
    if (i % kMax == 0) workers.push_back(std::make_unique<detail::LookupWorker>());
    gates.push_back(std::make_shared<Gate>());
    workers.back()->add(gates.back());
  }
  for (const auto& gate : gates)
    ASSERT_TRUE(gate->ran_within(20s));
  ASSERT_EQ(detail::LookupWorker::process_threads(), kProcessMax);
  {
    // Waits for a thread, then goes.
    RealRun gone;
    for (std::size_t i = 0; i < 10; ++i)
      gone.io.connect(name_url(i, refused_port()));
  }
  std::atomic<std::size_t> stuck{0};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t)
    threads.emplace_back([&] { stuck += one_hub(12, refused_port()); });
  std::this_thread::sleep_for(300ms);
  for (const auto& gate : gates)
    gate->open();
  for (std::thread& t : threads)
    t.join();
  EXPECT_EQ(stuck.load(), 0u);
  workers.clear();
  EXPECT_TRUE(process_threads_become(0, 20s)) << detail::LookupWorker::process_threads();
}

// hio check's waits (no executor) from several threads at once.
TEST(LookupStress, CheckersInManyThreads) {
  ASSERT_TRUE(process_threads_become(0, 20s));
  std::atomic<std::size_t> failures{0};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t round = 0; round < 5; ++round) {
        OpenChecker checker;
        for (std::size_t i = 0; i < 6; ++i) {
          const OpenCheckAnswer answer = checker.known_open_failure(
              parse_address_or_throw(name_url(i + t + round, 7)), ChannelRole::connect);
          if (answer.stopped) ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads)
    t.join();
  EXPECT_EQ(failures.load(), 0u);
  EXPECT_TRUE(process_threads_become(0, 20s)) << detail::LookupWorker::process_threads();
}

// Channels closed (and released) while their lookups are in flight, in
// several hubs at once: the cancel's aborted answer and the worker's answer
// race to the hub's io_context; each client ends exactly once.
TEST(LookupStress, ClosedAndReleasedWhileLookingUp) {
  ASSERT_TRUE(process_threads_become(0, 20s));
  std::atomic<std::size_t> stuck{0};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t round = 0; round < 5; ++round) {
        RealRun run;
        std::vector<Channel*> kept;
        for (std::size_t i = 0; i < 16; ++i) {
          Channel& c = run.io.connect(name_url(i + t, refused_port()));
          if (i % 3 == 0) {
            c.close("probe");
          } else if (i % 3 == 1) {
            c.close("probe");
            run.io.release(c);
          } else {
            kept.push_back(&c);
          }
        }
        StopWhen stop(run.doist, [&] {
          for (const Channel* c : kept)
            if (c->state() == ChannelState::opening) return false;
          return true;
        });
        run.doist.run({&stop});
        for (const Channel* c : kept)
          stuck += c->state() == ChannelState::opening ? 1u : 0u;
      }
    });
  }
  for (std::thread& t : threads)
    t.join();
  EXPECT_EQ(stuck.load(), 0u);
  EXPECT_TRUE(process_threads_become(0, 20s)) << detail::LookupWorker::process_threads();
}

// docs/io.md: a thread that has no lookup of its own hub's left "serves the
// waiting hubs in turn, in the order they asked, one lookup each round".
// Every process thread held; hub A asks (a quick lookup, then one that does
// not end), then hub B (a quick one). One thread is freed: it runs A's first,
// and B's should come next, before A's second.
TEST(LookupStress, WaitingHubsAreServedOneLookupEachRound) {
  ASSERT_TRUE(process_threads_become(0, 20s));
  constexpr std::size_t kMax = detail::LookupWorker::kThreadsMax;
  constexpr std::size_t kProcessMax = detail::LookupWorker::kProcessThreadsMax;
  std::vector<std::shared_ptr<Gate>> held;
  std::vector<std::unique_ptr<detail::LookupWorker>> workers;
  for (std::size_t i = 0; i < kProcessMax; ++i) {
    if (i % kMax == 0) workers.push_back(std::make_unique<detail::LookupWorker>());
    held.push_back(std::make_shared<Gate>());
    workers.back()->add(held.back());
  }
  for (const auto& gate : held)
    ASSERT_TRUE(gate->ran_within(20s));
  auto a1 = std::make_shared<Gate>();
  auto a2 = std::make_shared<Gate>();
  auto b1 = std::make_shared<Gate>();
  a1->open();
  b1->open();
  std::vector<std::shared_ptr<Gate>> all = held;
  all.insert(all.end(), {a1, a2, b1});
  detail::LookupWorker a;
  detail::LookupWorker b;
  a.add(a1);
  a.add(a2);
  b.add(b1);
  EXPECT_FALSE(a1->ran_within(200ms));
  held[0]->open();  // one thread free
  EXPECT_TRUE(a1->ran_within(10s));
  const bool b_ran = b1->ran_within(2s);
  const bool a2_ran = a2->ran_within(1ms);
  for (const auto& gate : all)
    gate->open();
  EXPECT_TRUE(b_ran) << "hub B's lookup waited behind hub A's second (a2 ran: " << a2_ran << ")";
  workers.clear();
  EXPECT_TRUE(process_threads_become(0, 20s)) << detail::LookupWorker::process_threads();
}

}  // namespace
}  // namespace hio::test
