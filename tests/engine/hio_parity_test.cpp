// Rules where the engine once departed from Python hio (ioflo/hio doing.py,
// tyming.py) without DESIGN.md listing the difference: extend of a doer
// already listed, an `always` DoDoer's done, extends from closing hooks,
// a Doist that does not handle signals, Tymer start tymes, doize, a run's
// start tyme (do(tyme=...), Doist(tyme=...)). Each test
// gives hio's trace (Python's output noted where it was run).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <memory>
#include <stdexcept>
#include <string>

#include "hio/engine/dodoer.hpp"
#include "hio/engine/doify.hpp"
#include "hio/engine/doist.hpp"
#include "hio/engine/mono_timer.hpp"
#include "trace_doers.hpp"

namespace hio::test {
namespace {
namespace hio_parity_test {

using ::testing::ElementsAre;

// A doer whose exit extends its Doist with `target` (itself by default):
// "run me again next run". At most `cap` times, so that a run that would
// loop for ever (it did) ends and the test fails instead of hanging.
class ReExtender : public ProbeDoer {
 public:
  ReExtender(Trace& trace, std::string name, Doist& doist)
      : ProbeDoer(trace, name), doist_(doist) {}
  Doer* target = this;
  int exits = 0;
  int cap = 5;

 protected:
  void exit() override {
    ProbeDoer::exit();
    if (++exits <= cap) doist_.extend({target});
  }

 private:
  Doist& doist_;
};

// The end of run() closes its doers; one whose exit extends the Doist is
// queued for the next run, as after a manual exit(), not entered and closed
// again (for ever: the run never returned, and its memory grew).
TEST(HioParity, AnExtendFromAHookOfTheRunsFinalCloseQueuesForTheNextRun) {
  Trace trace;
  Doist doist(seconds(1));
  ReExtender a(trace, "A", doist);
  ProbeDoer late(trace, "late");
  EXPECT_EQ(doist.run({&a}, seconds(2)), RunEnd::limit);
  EXPECT_EQ(a.exits, 1);
  EXPECT_THAT(trace, ElementsAre("A enter 0", "A recur 0", "A recur 1", "A cease 2", "A exit 2"));
  EXPECT_FALSE(a.scheduled());
  // Queued: the next run enters it (once, though it is given too).
  trace.clear();
  EXPECT_EQ(doist.run(doist.doers(), seconds(1)), RunEnd::limit);
  EXPECT_THAT(trace, ElementsAre("A enter 2", "A recur 2", "A cease 3", "A exit 3"));
  // Another doer extended from the close: queued as well, in every way a
  // run closes all its doers (its end, another doer's error, another doer's
  // exit()), and as a manual exit() does.
  a.target = &late;
  for (int way = 0; way < 4; ++way) {
    trace.clear();
    a.exits = 0;
    a.cap = 1;
    ProbeDoer other(trace, "other");
    other.on_recur = [&](ProbeDoer&, int n) {
      if (n == 1 && way == 1) throw std::runtime_error("other failed");
      if (n == 1 && way == 2) doist.exit();
    };
    if (way == 3) {
      doist.enter({&a});
      doist.exit();
    } else if (way == 1) {
      EXPECT_THROW(doist.run({&a, &other}, seconds(1)), std::runtime_error);
    } else {
      doist.run({&a, &other}, seconds(1));
    }
    EXPECT_EQ(a.exits, 1) << way;
    EXPECT_FALSE(late.scheduled()) << way;
    EXPECT_THAT(trace, ::testing::Not(::testing::Contains(::testing::HasSubstr("late")))) << way;
    // The next run enters it after its own doers.
    trace.clear();
    const Tyme start = doist.tyme();
    doist.run({&a}, seconds(1));
    EXPECT_EQ(a.exits, 2) << way;
    EXPECT_THAT(trace,
                ElementsAre("A enter " + format_seconds(start),
                            "late enter " + format_seconds(start), ::testing::_, ::testing::_,
                            ::testing::_, ::testing::_, ::testing::_, ::testing::_))
        << way;
  }
}

// The same rule under a DoDoer (Schedule::closing()): one that ends by a
// child's error closes its other children while it is still scheduled (it
// fails inside its own run). A child whose exit runs itself again (remove,
// then extend) was entered and closed again at once, for ever (SIGTERM could
// not stop it); it is now listed for the DoDoer's next enter, as the Doist
// queues.
TEST(HioParity, AnExtendFromAHookOfADoDoersCloseByAnErrorWaitsForItsNextEnter) {
  Trace trace;
  DoDoer group("G", Tock{0});
  FailingHooks again(trace, "again");
  ProbeDoer thrower(trace, "thrower");
  thrower.throw_on = 2;
  int exits = 0;
  again.on_exit = [&](FailingHooks& self) {
    if (++exits > 5) return;  // the loop's cap: the test fails, not hangs
    group.remove({&self});
    EXPECT_EQ(group.extend({&self}), 1u);
  };
  group.extend({&again, &thrower});
  Doist doist(seconds(1));
  EXPECT_THROW(doist.run({&group}, seconds(10)), std::runtime_error);
  EXPECT_EQ(exits, 1);
  EXPECT_FALSE(again.scheduled());
  EXPECT_THAT(trace,
              ElementsAre("again enter 0", "thrower enter 0", "again recur 0", "thrower recur 0",
                          "again recur 1", "thrower recur 1", "thrower abort 1", "thrower exit 1",
                          "again cease 1", "again exit 1"));
  // Listed again, last: the DoDoer's next enter enters it.
  EXPECT_THAT(group.doers(), ElementsAre(&thrower, &again));
  trace.clear();
  thrower.throw_on = 0;
  exits = 5;  // the hook no longer extends
  EXPECT_EQ(doist.run({&group}, seconds(1)), RunEnd::limit);
  EXPECT_THAT(trace,
              ElementsAre("thrower enter 1", "again enter 1", "thrower recur 1", "again recur 1",
                          "again cease 2", "again exit 2", "thrower cease 2", "thrower exit 2"));
}

// A hook that enters a doer by hand while the scheduler closes all its doers
// (here its own doer, into the Doist, during exit()) would have it closed
// and entered again, for ever: enter() throws instead, and the close ends.
// The refusal changes nothing: doers() still lists the cycle's doers, a
// doer extend() queued in the same close is kept for the next enter, and
// that enter (or run) works. (A refused enter or run from the hook once
// listed the refused doers, moved the queue into the refused batch and left
// the Doist "during a run": the next run threw "while deeds remain".)
TEST(HioParity, AnEnterFromAHookOfACloseOfAllItsDoersIsRefused) {
  Trace trace;
  Doist doist(seconds(1));
  FailingHooks a(trace, "A");
  ProbeDoer b(trace, "B");
  ProbeDoer c(trace, "C");
  const std::string refusal =
      " into the Doist while it closes all its doers (from a closing "
      "hook?); extend() lists it for the next enter instead";
  int exits = 0;
  std::string run_refused;
  a.on_exit = [&](FailingHooks& self) {
    if (++exits > 5) return;  // the loop's cap: the test fails, not hangs
    EXPECT_EQ(doist.extend({&c}), 1u);
    run_refused = thrown_by([&] { doist.run({&b}, seconds(1)); });
    doist.enter({&self, &b});
  };
  doist.enter({&a});
  EXPECT_EQ(thrown_by([&] { doist.exit(); }), "cannot enter doer 'A'" + refusal);
  EXPECT_EQ(run_refused, "cannot enter doer 'B'" + refusal);
  EXPECT_EQ(exits, 1);
  EXPECT_FALSE(a.scheduled());
  EXPECT_FALSE(b.scheduled());
  EXPECT_EQ(doist.deed_count(), 0u);
  EXPECT_THAT(doist.doers(), ElementsAre(&a));
  // The next cycle: B given, then C from the queue.
  a.on_exit = nullptr;
  doist.set_tock(seconds(1));  // between runs again
  trace.clear();
  EXPECT_EQ(doist.run({&b}, seconds(1)), RunEnd::limit);
  EXPECT_THAT(doist.doers(), ElementsAre(&b, &c));
  EXPECT_THAT(trace, ::testing::Contains("C enter 0"));
}

// hio's Doist.extend: `doers = [doer for doer in doers if doer not in
// self.doers]`. A doer that finished is still in doers(): extending it is a
// no-op (it was entered again and listed twice, and run(doist.doers()) then
// threw "already scheduled"). Removed first, it runs again.
TEST(HioParity, DoistExtendOfADoerAlreadyListedIsANoOp) {
  Trace trace;
  Doist doist(seconds(1));
  ExDoer x(trace, "x", Tock{0});
  ProbeDoer ext(trace, "ext");
  ext.on_recur = [&](ProbeDoer&, int n) {
    // extend says how many it added: 0 for a finished doer still listed.
    if (n == 5) {
      EXPECT_EQ(doist.extend({&x}), 0u);  // x finished at 3
    }
    if (n == 6) doist.remove({&x});
    if (n == 7) {
      EXPECT_EQ(doist.extend({&x, &x}), 1u);  // no longer listed: entered again
    }
  };
  EXPECT_EQ(doist.run({&x, &ext}, seconds(8)), RunEnd::limit);
  EXPECT_THAT(trace,
              ElementsAre("x enter 0", "ext enter 0", "x recur 0", "ext recur 0", "x recur 1",
                          "ext recur 1", "x recur 2", "ext recur 2", "x recur 3", "x clean 3",
                          "x exit 3", "ext recur 3", "ext recur 4", "ext recur 5", "ext recur 6",
                          "x enter 6", "x recur 7", "ext recur 7", "ext cease 8", "ext exit 8",
                          "x cease 8", "x exit 8"));
  EXPECT_THAT(doist.doers(), ElementsAre(&ext, &x));
  // The last run's doers run again, each once.
  trace.clear();
  ext.on_recur = nullptr;
  EXPECT_EQ(doist.run(doist.doers(), seconds(1)), RunEnd::limit);
  EXPECT_THAT(trace, ElementsAre("ext enter 8", "x enter 8", "ext recur 8", "x recur 8",
                                 "x cease 9", "x exit 9", "ext cease 9", "ext exit 9"));
}

// hio's DoDoer.extend filters the same way: a finished child is not
// entered again (it was, and ran to its end a second time).
TEST(HioParity, DoDoerExtendOfAFinishedChildIsANoOp) {
  Trace trace;
  ExDoer y(trace, "y", Tock{0});
  DoDoer group("D", Tock{0}, {&y}, true);
  ProbeDoer ext(trace, "ext");
  ext.on_recur = [&](ProbeDoer&, int n) {
    if (n == 5) {
      EXPECT_EQ(group.extend({&y}), 0u);  // says it added none
    }
  };
  Doist doist(seconds(1));
  EXPECT_EQ(doist.run({&group, &ext}, seconds(7)), RunEnd::limit);
  EXPECT_THAT(trace, ElementsAre("y enter 0", "ext enter 0", "y recur 0", "ext recur 0",
                                 "y recur 1", "ext recur 1", "y recur 2", "ext recur 2",
                                 "y recur 3", "y clean 3", "y exit 3", "ext recur 3", "ext recur 4",
                                 "ext recur 5", "ext recur 6", "ext cease 7", "ext exit 7"));
  EXPECT_THAT(group.doers(), ElementsAre(&y));
}

// hio's DoDoer.do: `while (not self.done or always): ... self.done =
// self.recur(tyme)`, and recur returns `not deeds`. An `always` DoDoer whose
// children are all done says done() == true and runs on; a child added
// makes it false again. Python (mini hio, the same doers): "probe 0.0
// D.done= True", 1.0 and 2.0 too. At the forced close it keeps its last
// value (DESIGN section 2; hio's exit sets False).
TEST(HioParity, AnAlwaysDoDoerIsDoneWhileNoChildIsScheduledAndRunsOn) {
  Trace trace;
  ExDoer c(trace, "c", Tock{0});
  ProbeDoer n(trace, "n");
  DoDoer group("D", Tock{0}, {&c}, true);
  ProbeDoer probe(trace, "probe");
  probe.on_recur = [&](ProbeDoer&, int count) {
    trace.push_back(std::string("D.done=") + (group.done().value() ? "true" : "false"));
    if (count == 6) {
      EXPECT_EQ(group.extend({&n, &c}), 1u);  // c is a child already
    }
  };
  Doist doist(seconds(1));
  EXPECT_EQ(doist.run({&group, &probe}, seconds(8)), RunEnd::limit);
  EXPECT_THAT(
      trace, ElementsAre("c enter 0", "probe enter 0", "c recur 0", "probe recur 0", "D.done=false",
                         "c recur 1", "probe recur 1", "D.done=false", "c recur 2", "probe recur 2",
                         "D.done=false", "c recur 3", "c clean 3", "c exit 3", "probe recur 3",
                         "D.done=true", "probe recur 4", "D.done=true", "probe recur 5",
                         "D.done=true", "n enter 5", "n recur 6", "probe recur 6", "D.done=false",
                         "n recur 7", "probe recur 7", "D.done=false", "probe cease 8",
                         "probe exit 8", "n cease 8", "n exit 8"));
  EXPECT_EQ(group.done(), false);
  // Closed while all its children are done: done() stays true.
  trace.clear();
  group.remove({&n});
  probe.on_recur = nullptr;
  EXPECT_EQ(doist.run({&group, &probe}, seconds(6)), RunEnd::limit);
  EXPECT_EQ(c.done(), true);
  EXPECT_EQ(group.done(), true);
  EXPECT_TRUE(group.always());
  // Without always, the same DoDoer ends at the pass its last child did.
  group.set_always(false);
  EXPECT_EQ(doist.run({&group}, seconds(10)), RunEnd::done);
  EXPECT_EQ(group.done(), true);
  EXPECT_EQ(doist.tyme(), at(seconds(18)));
}

// set_handle_sigint(false): the run ignores a signal, also one that a
// StopSignalCatch (or another run) in the process caught. It stopped on
// the process-wide flag all the same.
TEST(HioParity, ADoistThatDoesNotHandleSignalsIgnoresOneCaughtElsewhere) {
  Trace trace;
  Doist doist(seconds(1));
  doist.set_handle_sigint(false);
  ProbeDoer a(trace, "A");
  a.on_recur = [&](ProbeDoer&, int n) {
    if (n == 2) std::raise(SIGINT);
  };
  const StopSignalCatch catching;
  EXPECT_EQ(doist.run({&a}, seconds(4)), RunEnd::limit);
  EXPECT_EQ(doist.stop_signal(), 0);
  EXPECT_EQ(caught_stop_signal(), SIGINT);  // kept for whoever handles it
  // request_stop() still ends such a run.
  ProbeDoer stopper(trace, "stopper");
  stopper.on_recur = [&](ProbeDoer&, int n) {
    if (n == 2) doist.request_stop();
  };
  EXPECT_EQ(doist.run({&stopper}, seconds(4)), RunEnd::interrupted);
  // A Doist that handles signals stops on the flag the catch holds.
  Doist handling(seconds(1));
  ProbeDoer b(trace, "B");
  EXPECT_EQ(handling.run({&b}, seconds(4)), RunEnd::interrupted);
}

// hio's Tymer(duration, start) and start(duration, start): a window may
// start at a given tyme, before or after the current one. (The C++ flag
// `start` that stood there did nothing.)
TEST(HioParity, ATymerStartsAtAGivenTymeOrNow) {
  Tymist tymist(ms(1));
  tymist.tick(ms(2));
  const Tymer now(tymist.tymth(), ms(5));
  EXPECT_EQ(now.start_tyme(), at(ms(2)));
  EXPECT_EQ(now.stop_tyme(), at(ms(7)));
  Tymer later(tymist.tymth(), ms(5), at(ms(10)));
  EXPECT_EQ(later.start_tyme(), at(ms(10)));
  EXPECT_EQ(later.stop_tyme(), at(ms(15)));
  EXPECT_EQ(later.elapsed(), -ms(8));
  EXPECT_FALSE(later.expired());
  EXPECT_EQ(later.start(ms(1), at(Tock{0})), at(Tock{0}));  // before now: expired
  EXPECT_TRUE(later.expired());
  EXPECT_EQ(later.elapsed(), ms(2));
  EXPECT_EQ(later.restart(), at(ms(1)));  // lossless: from the old stop
  EXPECT_EQ(later.stop_tyme(), at(ms(2)));
  EXPECT_EQ(later.start(), at(ms(2)));  // now, with the duration it has
  EXPECT_EQ(later.stop_tyme(), at(ms(3)));
  // MonoTimer alike, on the steady clock.
  const auto origin = MonoTimer::Clock::now() + std::chrono::hours(1);
  MonoTimer mono(std::chrono::seconds(2), origin);
  EXPECT_EQ(mono.start_time(), origin);
  EXPECT_EQ(mono.stop_time(), origin + std::chrono::seconds(2));
  EXPECT_FALSE(mono.expired());
  EXPECT_EQ(mono.restart(), origin + std::chrono::seconds(2));
  EXPECT_EQ(mono.start(std::chrono::seconds(1), origin - std::chrono::hours(2)),
            origin - std::chrono::hours(2));
  EXPECT_TRUE(mono.expired());
  // A window beyond the end of either clock saturates there: it never
  // expires, and restarting it stays at the end (no wrap to the past).
  Tymer never(tymist.tymth(), Tock::max());
  EXPECT_EQ(never.stop_tyme(), kTymeNever);
  EXPECT_EQ(never.restart(), kTymeNever);
  EXPECT_EQ(never.stop_tyme(), kTymeNever);
  EXPECT_FALSE(never.expired());
  MonoTimer mono_never(MonoTimer::Clock::duration::max());
  EXPECT_EQ(mono_never.stop_time(), MonoTimer::Clock::time_point::max());
  EXPECT_LE(mono_never.start_time(), mono_never.stop_time());
  EXPECT_FALSE(mono_never.expired());
  EXPECT_GT(mono_never.remaining(), std::chrono::hours(24 * 365));
  EXPECT_EQ(mono_never.restart(), MonoTimer::Clock::time_point::max());
  EXPECT_EQ(mono_never.stop_time(), MonoTimer::Clock::time_point::max());
  EXPECT_FALSE(mono_never.expired());
  // And going back, at the clock's start.
  mono_never.start(MonoTimer::Clock::duration::min(),
                   MonoTimer::Clock::time_point{-std::chrono::hours(1)});
  EXPECT_EQ(mono_never.stop_time(), MonoTimer::Clock::time_point::min());
  EXPECT_TRUE(mono_never.expired());
}

// hio's do(tyme=...): the run starts at that tyme. The doers enter there,
// the first pass runs at it, and the limit counts from it (hio's Tymer(
// duration=limit) started once tyme is set): DESIGN.md's second reference
// trace, 10 ms later.
TEST(HioParity, ARunStartsAtTheTymeItIsGiven) {
  Trace trace;
  Doist doist(ms(1));
  ExDoer doer0(trace, "d0", ms(1));
  ExDoer doer1(trace, "d1", ms(2));
  EXPECT_EQ(doist.run({&doer0, &doer1}, ms(4), at(ms(10))), RunEnd::limit);
  EXPECT_THAT(trace,
              ElementsAre("d0 enter 0.01", "d1 enter 0.01", "d0 recur 0.01", "d1 recur 0.01",
                          "d0 recur 0.011", "d0 recur 0.012", "d1 recur 0.012", "d0 recur 0.013",
                          "d0 clean 0.013", "d0 exit 0.013", "d1 cease 0.014", "d1 exit 0.014"));
  EXPECT_EQ(doist.tyme(), at(ms(14)));
  EXPECT_EQ(doist.passes(), 4u);  // ticks: the start moved tyme without one
  // Without a start tyme the next run goes on from where this one ended, as
  // hio's do() does; with one, from there again, earlier ones included.
  trace.clear();
  ProbeDoer probe(trace, "p");
  EXPECT_EQ(doist.run({&probe}, ms(2)), RunEnd::limit);
  EXPECT_EQ(doist.run({&probe}, ms(2), at(ms(3))), RunEnd::limit);
  EXPECT_THAT(trace, ElementsAre("p enter 0.014", "p recur 0.014", "p recur 0.015", "p cease 0.016",
                                 "p exit 0.016", "p enter 0.003", "p recur 0.003", "p recur 0.004",
                                 "p cease 0.005", "p exit 0.005"));
  EXPECT_EQ(doist.tyme(), at(ms(5)));
  EXPECT_EQ(doist.passes(), 8u);
}

// hio's Doist(tyme=...): a Doist made at a tyme runs from there, and its
// limit counts from there. Time skipping jumps from it on the same grid.
TEST(HioParity, ADoistMadeAtATymeStartsItsFirstRunThere) {
  Trace trace;
  Doist doist(ms(2), false, ms(10), at(ms(7)));
  EXPECT_EQ(doist.tyme(), at(ms(7)));
  ProbeDoer probe(trace, "p", ms(6));
  EXPECT_EQ(doist.run({&probe}), RunEnd::limit);
  EXPECT_THAT(trace, ElementsAre("p enter 0.007", "p recur 0.007", "p recur 0.013", "p cease 0.017",
                                 "p exit 0.017"));
  EXPECT_EQ(doist.tyme(), at(ms(17)));
  EXPECT_EQ(doist.executed_passes(), 2u);  // 0.009 and 0.011 skipped, 0.015 too
  EXPECT_EQ(doist.passes(), 5u);
}

// Tyme counts up from a run's start: a start before 0 is refused, by the
// constructor and by run() before anything of the run (hio takes any float).
TEST(HioParity, AStartTymeBefore0IsRefused) {
  EXPECT_THROW(Doist(ms(1), false, Tock{0}, at(-Tock{1})), std::invalid_argument);
  Trace trace;
  Doist doist(ms(1), false, ms(3));
  ProbeDoer probe(trace, "p");
  try {
    doist.run({&probe}, ms(5), at(-ms(1)));
    ADD_FAILURE() << "a run from -0.001 s started";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "Doist::run: a start tyme must be >= 0, got -0.001 s");
  }
  EXPECT_TRUE(trace.empty());
  EXPECT_EQ(doist.tyme(), Tyme{});
  EXPECT_EQ(doist.limit(), ms(3));  // the run's limit was not taken either
}

// An observer told run_starting at the run's start tyme refuses the run by
// throwing (a journal refuses any start but 0): run() throws that before
// any doer entered, and doers() is still the last run's.
TEST(HioParity, AnObserverRefusesARunAtItsStart) {
  class Refuser final : public PassObserver {
   public:
    std::vector<Tyme> starts;
    void run_starting(Tyme tyme) override {
      starts.push_back(tyme);
      if (tyme != Tyme{}) throw std::logic_error("not from 0");
    }
    void pass_ended(Tyme) override {}
  };
  Trace trace;
  Doist doist(ms(1));
  Refuser refuser;
  doist.add_observer(refuser);
  ProbeDoer first(trace, "first");
  EXPECT_EQ(doist.run({&first}, ms(1)), RunEnd::limit);
  trace.clear();
  ProbeDoer probe(trace, "p");
  EXPECT_THROW(doist.run({&probe}, ms(1), at(ms(5))), std::logic_error);
  EXPECT_TRUE(trace.empty());
  EXPECT_FALSE(probe.scheduled());
  EXPECT_THAT(doist.doers(), ElementsAre(&first));
  EXPECT_THAT(refuser.starts, ElementsAre(Tyme{}, at(ms(5))));
  EXPECT_FALSE(doist.running());
  // A run (or pass) started from there would run inside this one's start.
  class Nester final : public PassObserver {
   public:
    void run_starting(Tyme) override { observed()->recur(); }
    void pass_ended(Tyme) override {}
  };
  doist.remove_observer(refuser);
  Nester nester;
  doist.add_observer(nester);
  try {
    doist.run({&probe}, ms(1));
    ADD_FAILURE() << "a pass ran inside a run's start";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(),
                 "Doist::recur inside the start of its run() (from a doer, a reactor or an "
                 "observer); end that first");
  }
  EXPECT_TRUE(trace.empty());
  // And exit() from there says where it was called, not a pass.
  class Exiter final : public PassObserver {
   public:
    void run_starting(Tyme) override { observed()->exit(); }
    void pass_ended(Tyme) override {}
  };
  doist.remove_observer(nester);
  Exiter exiter;
  doist.add_observer(exiter);
  try {
    doist.run({&probe}, ms(1));
    ADD_FAILURE() << "exit() ran inside a run's start";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(),
                 "Doist::exit from a reactor or an observer inside the start of its run(); end "
                 "the run with request_stop() instead");
  }
  EXPECT_TRUE(trace.empty());
}

Dog twice_fn(Doer& self) {
  co_yield self.tock();
  co_yield self.tock();
  co_return true;
}

// hio's doize: the one doer of a function, whose done, tock and opts all
// who name it share (doify gives a fresh one per call).
hio::FnDoer g_doized = hio::doize(twice_fn, "doized", ms(2), {{"k", "v"}});

TEST(HioParity, DoizeIsTheOneDoerOfAFunction) {
  EXPECT_EQ(g_doized.name(), "doized");
  EXPECT_EQ(g_doized.tock(), ms(2));
  EXPECT_EQ(g_doized.opts().at("k"), "v");
  Doist doist(ms(1));
  EXPECT_EQ(doist.run({&g_doized}, ms(10)), RunEnd::done);
  EXPECT_EQ(doist.tyme(), at(ms(3)));
  EXPECT_EQ(g_doized.done(), true);
  // Under a DoDoer it is the same doer, with what it was given.
  g_doized.set_tock(ms(1));
  DoDoer group("group", Tock{0}, {&g_doized});
  EXPECT_EQ(doist.run({&group}, ms(10)), RunEnd::done);
  EXPECT_EQ(doist.tyme(), at(ms(5)));
  EXPECT_EQ(g_doized.done(), true);
  group.remove({&g_doized});
  g_doized.set_tock(ms(2));  // as it was: a --gtest_repeat run meets it again
}

}  // namespace hio_parity_test
}  // namespace
}  // namespace hio::test
