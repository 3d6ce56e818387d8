// StopFlag: a stop that another thread sets ends the runs that watch it at
// once, a real-time wait for the next pass included.
#include "hio/engine/stop_flag.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <csignal>
#include <thread>

#include "trace_doers.hpp"
#include "wait_probe.hpp"

namespace hio::test {
namespace {
namespace stop_flag_test {

using std::chrono::hours;
using std::chrono::seconds;

// One flag, two real-time runs on threads of their own with a tock of an
// hour: set while both wait for their second pass, it ends each at once,
// at the pass it waited after (tyme 0, ended_at_pass), as a stop signal
// does. The limit (60 s of wall time, the wait's end otherwise) bounds the
// test; the stop is sent only once both runs are in their wait (WaitProbe),
// so no pass's end could have seen it.
TEST(StopFlag, SetFromAnotherThreadEndsRealTimeWaitsAtOnce) {
  struct Run {
    Doist doist{hours(1), true, seconds(60)};
    WaitProbe probe;
    Trace trace;
    ProbeDoer doer{trace, "A"};
    RunEnd end = RunEnd::done;
  };
  std::array<Run, 2> runs;
  StopFlag flag;
  std::array<std::thread, 2> threads;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    threads[i] = std::thread([&run = runs[i], &flag] {
      run.doist.attach(run.probe);
      const StopFlagWatch watch(run.doist, &flag, SIGUSR2);
      run.end = run.doist.run({&run.doer});
    });
  }
  for (Run& run : runs)
    EXPECT_TRUE(run.probe.await_wait());
  flag.set();
  for (std::thread& thread : threads)
    thread.join();
  for (const Run& run : runs) {
    EXPECT_EQ(run.end, RunEnd::interrupted);
    EXPECT_EQ(run.doist.stop_signal(), SIGUSR2);
    EXPECT_TRUE(run.doist.stop_requested());
    EXPECT_TRUE(run.doist.ended_at_pass());
    EXPECT_EQ(run.doist.tyme(), Tyme{});
    EXPECT_EQ(run.doist.executed_passes(), 1u);
    EXPECT_EQ(run.doer.recurs, 1);
  }
}

// Set before the run (which forgets a request_stop() made before it): kept,
// the run ends after its first pass. A watch of no flag does nothing; one
// that ended leaves the Doist alone.
TEST(StopFlag, SetBeforeTheRunEndsItAfterItsFirstPass) {
  StopFlag flag;
  flag.set();
  EXPECT_TRUE(flag.is_set());
  Trace trace;
  Doist doist(seconds(1), false, seconds(5));
  ProbeDoer doer(trace, "A");
  {
    const StopFlagWatch watch(doist, &flag);
    doist.request_stop();  // forgotten: the run has not started
    EXPECT_EQ(doist.run({&doer}), RunEnd::interrupted);
    EXPECT_EQ(doer.recurs, 1);
    EXPECT_EQ(doist.stop_signal(), 0);
    EXPECT_EQ(doist.tyme(), Tyme{seconds(1)});
  }
  {
    const StopFlagWatch none(doist, nullptr);
    EXPECT_EQ(doist.run({&doer}, seconds(5), Tyme{}), RunEnd::limit);
  }
  flag.set();  // no watch left: nothing to stop
  EXPECT_EQ(doist.run({&doer}, seconds(5), Tyme{}), RunEnd::limit);
}

}  // namespace stop_flag_test
}  // namespace
}  // namespace hio::test
