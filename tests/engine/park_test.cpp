// Parking and waking: parked doers cost nothing, a wake takes effect from the
// scheduler's next pass and the doer keeps its place; virtual time skips over
// passes in which nothing is due.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hio/engine/dodoer.hpp"
#include "hio/engine/doist.hpp"
#include "trace_doers.hpp"

namespace hio::test {
namespace {
namespace park_test {

using ::testing::ElementsAre;

TEST(Park, AWokenDoerRunsNextPassInItsPlace) {
  Trace trace;
  Doist doist(seconds(1));
  ProbeDoer a(trace, "A"), b(trace, "B"), c(trace, "C");
  a.park_on = 1;  // A parks after its first run
  c.on_recur = [&](ProbeDoer&, int n) {
    if (n == 3) a.wake();
  };
  doist.run({&a, &b, &c}, seconds(5));
  // Woken during the pass at 2, A runs at 3, before B and C as before.
  EXPECT_THAT(
      std::vector<std::string>(trace.begin() + 3, trace.begin() + 14),
      ElementsAre("A recur 0", "B recur 0", "C recur 0", "B recur 1", "C recur 1", "B recur 2",
                  "C recur 2", "A recur 3", "B recur 3", "C recur 3", "A recur 4"));
}

TEST(Park, WakeOfARunningOrWaitingDoerDoesNothing) {
  Trace trace;
  Doist doist(seconds(1));
  ProbeDoer a(trace, "A", seconds(2));
  a.on_recur = [](ProbeDoer& self, int) { self.wake(); };
  doist.run({&a}, seconds(6));
  EXPECT_EQ(a.recurs, 3);  // at 0, 2, 4: the wakes changed nothing
}

// After each run it parks until deadline(tyme, runs so far), where that
// gives one; done after runs_max runs.
class DeadlineDoer : public Doer {
 public:
  using Deadline = std::function<std::optional<Tyme>(Tyme, std::size_t)>;
  DeadlineDoer(std::string name, Tock tock, Deadline deadline, std::size_t runs_max)
      : Doer(std::move(name), tock), deadline_(std::move(deadline)), runs_max_(runs_max) {}
  std::vector<Tyme> runs;

 protected:
  bool recur(Tyme tyme) override {
    runs.push_back(tyme);
    if (const std::optional<Tyme> until = deadline_(tyme, runs.size())) park(*until);
    return runs.size() == runs_max_;
  }

 private:
  Deadline deadline_;
  std::size_t runs_max_;
};

// Parks 2.5 s after each run.
std::optional<Tyme> park_2_5_s(Tyme tyme, std::size_t) {
  return tyme + Tock{2'500'000'000};
}

TEST(Park, ADeadlineEndsThePark) {
  Doist doist(seconds(1));
  DeadlineDoer d("d", Tock{0}, park_2_5_s, 3);
  doist.run({&d}, seconds(20));
  EXPECT_THAT(d.runs, ElementsAre(at(seconds(0)), at(seconds(3)), at(seconds(6))));
}

// The earliest tyme there is as a deadline (once the doer's "no park asked"
// sentinel) is a deadline long past: the doer runs again at the next pass,
// and a park asked in one run does not outlive it.
TEST(Park, TheEarliestDeadlineIsDueAtOnce) {
  Doist doist(seconds(1));
  DeadlineDoer d(
      "d", seconds(2),
      [](Tyme, std::size_t runs) { return runs == 1 ? std::optional(Tyme::min()) : std::nullopt; },
      4);
  doist.run({&d}, seconds(20));
  EXPECT_THAT(d.runs, ElementsAre(at(seconds(0)), at(seconds(1)), at(seconds(3)), at(seconds(5))));
}

TEST(Park, AWakeReachesThroughParkedGroups) {
  Trace trace;
  Doist doist(seconds(1));
  ProbeDoer leaf(trace, "leaf"), waker(trace, "waker");
  leaf.park_on = 1;
  DoDoer inner("inner", Tock{0}, {&leaf}), outer("outer", Tock{0}, {&inner});
  waker.on_recur = [&](ProbeDoer&, int n) {
    if (n == 5) leaf.wake();
  };
  doist.run({&waker, &outer}, seconds(8));
  EXPECT_EQ(leaf.recurs, 5);                                // at 0, then 4 to 7 once woken
  EXPECT_THAT(trace, ::testing::Contains("leaf recur 4"));  // same pass: outer comes after waker
}

TEST(Park, AllParkedWithoutALimitIsAStall) {
  Trace trace;
  Doist doist(seconds(1));
  ProbeDoer a(trace, "A");
  a.park_on = 2;
  for (bool skip : {true, false}) {
    doist.set_skip(skip);
    EXPECT_EQ(doist.run({&a}), RunEnd::stalled);
    EXPECT_FALSE(a.scheduled());
    a.recurs = 0;
  }
}

// Ends a run that would never end by itself, after `passes_max` passes.
class StopAfter : public PassObserver {
 public:
  StopAfter(Doist& doist, int passes_max) : doist_(doist), passes_max_(passes_max) {}
  void pass_ended(Tyme) override {
    if (++passes_ == passes_max_) doist_.request_stop();
  }

 private:
  Doist& doist_;
  int passes_max_;
  int passes_ = 0;
};

// A DoDoer with nothing below that can come due without a wake is stalled
// with or without idle parking (it ran every pass, for ever, without it).
TEST(Park, AParkedSubtreeIsAStallWithOrWithoutIdleParking) {
  for (const bool idle : {true, false}) {
    for (const bool always : {false, true}) {
      Trace trace;
      Doist doist(seconds(1));
      StopAfter stop(doist, 100);
      doist.add_observer(stop);
      ProbeDoer leaf(trace, "leaf");
      leaf.park_on = 2;
      DoDoer inner("inner", Tock{0}, {&leaf}, always);
      DoDoer outer("outer", Tock{0}, {&inner});
      inner.set_skip_idle(idle);
      outer.set_skip_idle(idle);
      EXPECT_EQ(doist.run({&outer}), RunEnd::stalled) << idle << always;
      EXPECT_EQ(leaf.recurs, 2);
      EXPECT_EQ(doist.tyme(), at(seconds(2)));
      doist.remove_observer(stop);
    }
  }
  // Nothing below at all: an always DoDoer with no children.
  Doist doist(seconds(1));
  StopAfter stop(doist, 100);
  doist.add_observer(stop);
  DoDoer empty("empty", Tock{0}, {}, /*always=*/true);
  empty.set_skip_idle(false);
  EXPECT_EQ(doist.run({&empty}), RunEnd::stalled);
  doist.remove_observer(stop);
}

// A DoDoer that keeps its own tock (it never parks idle: its runs at its tock
// would show if a wake came) is stalled all the same once nothing below can
// come due without a wake: its timers stand for runs that do nothing. It ran
// at its tock for ever before (xgen16 finding 4: a scenario group with a tock
// over a server).
TEST(Park, AParkedSubtreeUnderADoDoerWithATockIsAStall) {
  for (const bool skip : {true, false}) {
    for (const bool always : {false, true}) {
      Trace trace;
      Doist doist(seconds(1));
      doist.set_skip(skip);
      StopAfter stop(doist, 1000);
      doist.add_observer(stop);
      ProbeDoer leaf(trace, "leaf");
      leaf.park_on = 2;
      // A tock-0 DoDoer below one of tock 2 s below one of tock 3 s: every
      // level's timers look through to the parked leaf.
      DoDoer inner("inner", Tock{0}, {&leaf}, always);
      DoDoer middle("middle", seconds(2), {&inner});
      DoDoer outer("outer", seconds(3), {&middle}, always);
      EXPECT_EQ(doist.run({&outer}), RunEnd::stalled) << skip << always;
      EXPECT_EQ(leaf.recurs, 2);  // at 0 and 3 s (outer's runs, where middle is due)
      // The pass after the leaf's park: outer's next run, at 6 s, is no work.
      EXPECT_EQ(doist.tyme(), at(seconds(4))) << skip << always;
      doist.remove_observer(stop);
    }
  }
}

// A subclass of DoDoer with a tock may do something in its own runs: it is
// not stalled (unless it lets its runs be skipped, set_skip_idle(true)); nor
// is a DoDoer with a tock over a doer that parks with a deadline.
class CountingGroup : public DoDoer {
 public:
  using DoDoer::DoDoer;
  int runs = 0;

 protected:
  bool recur(Tyme tyme) override {
    ++runs;
    return DoDoer::recur(tyme);
  }
};

TEST(Park, ADoDoerWithATockThatMayStillDoSomethingIsNoStall) {
  for (const bool skippable : {false, true}) {
    Trace trace;
    Doist doist(seconds(1));
    StopAfter stop(doist, 50);
    doist.add_observer(stop);
    ProbeDoer leaf(trace, "leaf");
    leaf.park_on = 1;
    CountingGroup group("group", seconds(2), {&leaf});
    if (skippable) group.set_skip_idle(true);
    EXPECT_EQ(doist.run({&group}), skippable ? RunEnd::stalled : RunEnd::interrupted);
    EXPECT_EQ(group.runs, skippable ? 1 : 50);
    doist.remove_observer(stop);
  }
  Doist doist(seconds(1));
  StopAfter stop(doist, 50);
  doist.add_observer(stop);
  DeadlineDoer d("d", Tock{0}, park_2_5_s, 3);  // done at its third run
  DoDoer group("group", seconds(2), {&d});
  EXPECT_EQ(doist.run({&group}), RunEnd::done);
  EXPECT_EQ(d.runs.size(), 3U);
  doist.remove_observer(stop);
}

// A doer resumed by its park's deadline counts its tock from the pass it
// runs in, as a woken one does: a deadline already past does not make it
// run every pass until its retyme catches up with tyme.
TEST(Park, ADeadlineRunCountsTheTockFromItsPass) {
  for (const bool skip : {true, false}) {
    Trace trace;
    Doist doist(seconds(1));
    doist.set_skip(skip);
    ProbeDoer past(trace, "past", seconds(2));
    past.on_recur = [](ProbeDoer& self, int n) {
      if (n == 3) self.park(at(seconds(0)));  // at 4 s: a deadline long past
    };
    ProbeDoer later(trace, "later", Tock{2'500'000'000});
    later.on_recur = [](ProbeDoer& self, int n) {
      if (n == 1) self.park(at(Tock{5'500'000'000}));  // resumed at 6 s
    };
    doist.run({&past, &later}, seconds(12));
    Trace past_runs, later_runs;
    for (const std::string& line : trace) {
      if (line.starts_with("past recur")) past_runs.push_back(line);
      if (line.starts_with("later recur")) later_runs.push_back(line);
    }
    EXPECT_THAT(past_runs,
                ElementsAre("past recur 0", "past recur 2", "past recur 4", "past recur 5",
                            "past recur 7", "past recur 9", "past recur 11"))
        << skip;
    EXPECT_THAT(later_runs,
                ElementsAre("later recur 0", "later recur 6", "later recur 9", "later recur 11"))
        << skip;
  }
}

TEST(Skip, IdlePassesAreSkippedButCounted) {
  Trace trace;
  Doist doist(Tock{1'000'000});
  ProbeDoer slow(trace, "slow", seconds(60));
  doist.run({&slow}, seconds(3600));
  EXPECT_EQ(slow.recurs, 60);
  EXPECT_EQ(doist.passes(), 3'600'000u);
  EXPECT_EQ(doist.executed_passes(), 60u);
  EXPECT_EQ(doist.tyme(), at(seconds(3600)));
}

TEST(Skip, OffRunsEveryPass) {
  Trace trace;
  Doist doist(Tock{1'000'000});
  doist.set_skip(false);
  ProbeDoer slow(trace, "slow", seconds(1));
  doist.run({&slow}, seconds(10));
  EXPECT_EQ(slow.recurs, 10);
  EXPECT_EQ(doist.executed_passes(), 10'000u);
}

}  // namespace park_test
}  // namespace
}  // namespace hio::test

namespace hio::test {
namespace {
namespace park_test {

// Wakes itself while it runs (as its own IO would), then parks.
class SelfWaker : public Doer {
 public:
  using Doer::Doer;
  std::vector<Tyme> runs;
  int wake_on = 0;

 protected:
  bool recur(Tyme tyme) override {
    runs.push_back(tyme);
    if (static_cast<int>(runs.size()) == wake_on) wake();
    park();
    return false;
  }
};

TEST(Park, AWakeWhileRunningVoidsTheNextPark) {
  Doist doist(seconds(1));
  SelfWaker d("d");
  d.wake_on = 1;
  doist.run({&d}, seconds(5));
  // Woken during its first run: runs again at 1 instead of parking for good.
  EXPECT_THAT(d.runs, ElementsAre(at(seconds(0)), at(seconds(1))));
}

TEST(Park, AWakeWhileRunningDoesNotOutliveThatRun) {
  Doist doist(seconds(1));
  Trace trace;
  ProbeDoer d(trace, "d");
  d.on_recur = [](ProbeDoer& self, int n) {
    if (n == 1) self.wake();  // running, not parking: nothing to void
    if (n == 3) self.park();
  };
  doist.run({&d}, seconds(6));
  EXPECT_EQ(d.recurs, 3);  // parked for good after its 3rd run
}

// A wake while its enter runs (IO its enter set off): a park that ends the
// enter is void, as one that ends a run is (docs/scheduling.md lets a doer
// park in enter). The wake was lost: the doer slept for good, never run.
// Under the Doist and under a DoDoer alike.
TEST(Park, AWakeWhileEnteringVoidsAParkAtItsEnd) {
  for (const bool grouped : {false, true}) {
    Trace trace;
    Doist doist(seconds(1));
    EnterHook a(trace, "A");
    a.on_enter = [](EnterHook& self) {
      self.wake();
      self.park();
    };
    a.park_on = 1;  // then parked for good after its first run
    DoDoer group("G", Tock{0}, {&a});
    EXPECT_EQ(doist.run({grouped ? static_cast<Doer*>(&group) : &a}, seconds(5)), RunEnd::limit);
    EXPECT_THAT(trace, ElementsAre("A enter 0", "A recur 0", "A cease 5", "A exit 5")) << grouped;
  }
}

// ... and a wake while it entered does not outlive that enter: its first
// run's park holds, and so does a park in its next enter after an enter that
// failed.
TEST(Park, AWakeWhileEnteringDoesNotOutliveTheEnter) {
  for (const bool grouped : {false, true}) {
    Trace trace;
    Doist doist(seconds(1));
    EnterHook a(trace, "A");
    a.on_enter = [](EnterHook& self) { self.wake(); };
    a.park_on = 1;
    DoDoer group("G", Tock{0}, {&a});
    EXPECT_EQ(doist.run({grouped ? static_cast<Doer*>(&group) : &a}, seconds(5)), RunEnd::limit);
    EXPECT_EQ(a.recurs, 1) << grouped;
    a.on_enter = [](EnterHook& self) {
      self.wake();
      throw std::runtime_error("enter failed");
    };
    EXPECT_THROW(doist.run({grouped ? static_cast<Doer*>(&group) : &a}, seconds(5)),
                 std::runtime_error);
    a.on_enter = [](EnterHook& self) { self.park(); };
    a.recurs = 0;
    EXPECT_EQ(doist.run({grouped ? static_cast<Doer*>(&group) : &a}, seconds(5)), RunEnd::limit);
    EXPECT_EQ(a.recurs, 0) << grouped;  // parked in its enter, never woken
  }
}

// A doer that parks with a deadline once, runs at it, then finishes.
class ParkOnce : public Doer {
 public:
  explicit ParkOnce(bool by_wake) : Doer("C"), by_wake_(by_wake) {}
  int runs = 0;

 protected:
  void enter() override { runs = 0; }
  bool recur(Tyme tyme) override {
    if (++runs > 1) return true;
    if (by_wake_) {
      park();
    } else {
      park(tyme_after(tyme, Tock{2'000'000}));
    }
    return false;
  }

 private:
  bool by_wake_;
};

// Moves C from G to the Doist (at 4 ms; C then parks in the Doist's timer
// heap) and removes G (at 6 ms), whose close runs over its schedule's lists.
class Mover : public Doer {
 public:
  Mover(Doist& doist, DoDoer& group, ParkOnce& c, bool by_wake)
      : Doer("M"), doist_(doist), group_(group), c_(c), by_wake_(by_wake) {}

 protected:
  bool recur(Tyme tyme) override {
    const auto ms = [](int n) { return Tyme{Tock{n * 1'000'000}}; };
    if (by_wake_ && tyme == ms(1)) c_.wake();  // C's first park, in G
    if (tyme == ms(4)) moved = doist_.extend({&c_});
    if (tyme == ms(6)) doist_.remove({&group_});
    if (by_wake_ && tyme == ms(8)) c_.wake();  // C's park in the Doist
    return tyme >= ms(20);
  }

 public:
  std::size_t moved = 0;

 private:
  Doist& doist_;
  DoDoer& group_;
  ParkOnce& c_;
  bool by_wake_;
};

// A deed due from the timer heap (or woken) passes through its schedule's
// scratch list on its way into a pass. Until session 27 that list kept it
// after the pass, and a close of the schedule (close_all) marked every deed
// in it idle, with no slot, wherever it was by then: here C, which had left G
// for the Doist and parked in its timer heap or woken list. At its deadline
// the Doist erased slot -1 from its heap, a write before the heap's storage
// (ASan: heap-buffer-overflow; an optimized build aborted, "double free or
// corruption") (xemb27).
TEST(Park, ADeedThatLeftADoDoerIsNotTouchedByTheDoDoersClose) {
  for (const bool by_wake : {false, true}) {
    ParkOnce c(by_wake);
    DoDoer group("G", Tock{0}, {&c}, /*always=*/true);
    Doist doist(Tock{1'000'000});
    Mover mover(doist, group, c, by_wake);
    EXPECT_EQ(doist.run({&group, &mover}, Tock{30'000'000}), RunEnd::done) << by_wake;
    EXPECT_EQ(mover.moved, 1u) << by_wake;
    EXPECT_EQ(c.runs, 2) << by_wake;  // its second stay: parked, then run once more
    EXPECT_FALSE(c.scheduled()) << by_wake;
  }
}

}  // namespace park_test
}  // namespace
}  // namespace hio::test
