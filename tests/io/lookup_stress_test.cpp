// Stress probes of the threads hio looks host names up on (io/src's
// LookupWorker) as hubs and OpenChecker use them: many hubs in many threads
// looking names up at once, hubs destroyed with lookups in flight, more
// lookups than the process's thread bound, hubs made right after others
// ended, channels closed while their lookups run. Each probe is bounded (a
// real run's limit, kRealLimit) and takes well under a second in release;
// their worth is in repeats and under the sanitizers, which ctest does not
// do: `io_lookup_stress_tests --gtest_repeat=300` (docs/development.md).
// Names from /etc/hosts only (localhost, in any case), unless
// HIO_PROBE_UNKNOWN is set: then also names that ask the name server.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "hio/io/open_check.hpp"
#include "io_run.hpp"
#include "lookup_gate.hpp"
#include "lookup_worker.hpp"  // io/src
#include "raw_socket.hpp"

namespace hio::test {
namespace {
namespace lookup_stress_test {

using namespace std::chrono_literals;

// Names that go through the worker (not IP addresses, not *.invalid).
// /etc/hosts answers "localhost" in any case; with HIO_PROBE_UNKNOWN, also
// names it does not have, which ask the name server (5 s or more when it
// drops a query: not for ctest).
constexpr const char* kNames[] = {
    "localhost", "LOCALHOST", "Localhost", "localHost", "nosuchhost-hio-probe", "localhost."};
constexpr std::size_t kKnownNames = 4;  // the first ones, in /etc/hosts

std::size_t name_index(std::size_t i) {
  static const bool unknown = std::getenv("HIO_PROBE_UNKNOWN") != nullptr;
  return i % (unknown ? std::size(kNames) : kKnownNames);
}

std::string name_url(std::size_t i, std::uint16_t port) {
  return std::string("tcp://") + kNames[name_index(i)] + ":" + std::to_string(port);
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

TEST(LookupStress, ManyHubsInManyThreadsLookUpAtOnce) {
  ASSERT_TRUE(process_threads_become(0, 20s));
  constexpr std::size_t kThreads = 8;
  constexpr std::size_t kPerHub = 20;  // > kThreadsMax; 160 in all > 64
  const std::uint16_t port = free_port();
  std::atomic<std::size_t> stuck{0};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t)
    threads.emplace_back([&] { stuck += one_hub(kPerHub, port); });
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
  const std::uint16_t port = free_port();
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, port] {
      for (std::size_t round = 0; round < 10; ++round) {
        RealRun run;
        for (std::size_t i = 0; i < 12; ++i)
          run.io.connect(name_url(i + t, port));
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
  const std::uint16_t port = free_port();
  for (std::size_t round = 0; round < 30; ++round)
    ASSERT_EQ(one_hub(1 + round % 10, port), 0u) << round;
  EXPECT_TRUE(process_threads_become(0, 20s)) << detail::LookupWorker::process_threads();
}

// Every process thread held; hubs (one destroyed while waiting for a thread,
// others made after it) start none beyond the bound, and get theirs once the
// held lookups end.
TEST(LookupStress, MoreThanTheProcessBoundWaitAndAreServed) {
  ASSERT_TRUE(process_threads_become(0, 20s));
  constexpr std::size_t kMax = detail::LookupWorker::kThreadsMax;
  constexpr std::size_t kProcessMax = detail::LookupWorker::kProcessThreadsMax;
  std::vector<std::shared_ptr<Gate>> gates;
  for (std::size_t i = 0; i < kProcessMax; ++i)
    gates.push_back(std::make_shared<Gate>());
  const OpenAll open_all{gates};
  std::vector<std::unique_ptr<detail::LookupWorker>> workers;
  for (std::size_t i = 0; i < kProcessMax; ++i) {
    if (i % kMax == 0) workers.push_back(std::make_unique<detail::LookupWorker>());
    workers.back()->add(gates[i]);
  }
  for (const auto& gate : gates)
    ASSERT_TRUE(gate->ran_within(20s));
  ASSERT_EQ(detail::LookupWorker::process_threads(), kProcessMax);
  const std::uint16_t port = free_port();
  {
    // Waits for a thread, then goes.
    RealRun gone;
    for (std::size_t i = 0; i < 10; ++i)
      gone.io.connect(name_url(i, port));
  }
  std::atomic<std::size_t> stuck{0};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t)
    threads.emplace_back([&] { stuck += one_hub(12, port); });
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(detail::LookupWorker::process_threads(), kProcessMax);
  for (const auto& gate : gates)
    gate->open();
  for (std::thread& t : threads)
    t.join();
  EXPECT_EQ(stuck.load(), 0u);
  workers.clear();
  EXPECT_TRUE(process_threads_become(0, 20s)) << detail::LookupWorker::process_threads();
}

// hio check's waits (no executor) from several threads at once: each name
// in /etc/hosts resolves.
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
          if (name_index(i + t + round) < kKnownNames && !answer.failure.empty()) {
            std::fprintf(stderr, "%s\n", answer.failure.c_str());
            ++failures;
          }
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
// race to the hub's io_context; every client kept still ends.
TEST(LookupStress, ClosedAndReleasedWhileLookingUp) {
  ASSERT_TRUE(process_threads_become(0, 20s));
  const std::uint16_t port = free_port();
  std::atomic<std::size_t> stuck{0};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t round = 0; round < 5; ++round) {
        RealRun run;
        std::vector<Channel*> kept;
        for (std::size_t i = 0; i < 16; ++i) {
          Channel& c = run.io.connect(name_url(i + t, port));
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

}  // namespace lookup_stress_test
}  // namespace
}  // namespace hio::test
