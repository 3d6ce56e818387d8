// Reactors that say when they next have something due (Reactor::next_tyme):
// time skipping lands exactly on the first pass at or after it, a reactor
// with something due keeps a run from stalling but never from ending done,
// and skipping on or off gives the same trace.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "hio/engine/doist.hpp"
#include "hio/engine/reactor.hpp"
#include "trace_doers.hpp"

namespace hio::test {
namespace {
namespace reactor_test {

using ::testing::ElementsAre;

// Wakes doers at given tymes, as a simulated network delivers messages: an
// event due by the pass's tyme is performed in that pass's poll, and the doer
// it wakes runs in that same pass.
class TimedReactor final : public Reactor {
 public:
  TimedReactor(Tymth tymth, Trace& trace) : tymth_(tymth), trace_(trace) {}

  // Events at one tyme are performed in the order added (multimap keeps it).
  void wake_at(Tyme at, Doer& doer) { events_.emplace(at, &doer); }

  void poll() override {
    const Tyme tyme = tymth_();
    while (!events_.empty() && events_.begin()->first <= tyme) {
      Doer& doer = *events_.begin()->second;
      trace_.push_back(stamp("reactor", "wakes " + doer.name(), tyme));
      events_.erase(events_.begin());
      doer.wake();
    }
  }
  void wait_until(std::chrono::steady_clock::time_point) override {}
  bool busy() const override { return false; }
  Tyme next_tyme() const override { return events_.empty() ? kTymeNever : events_.begin()->first; }
  bool holds_past_end_of_tyme() const override {
    return !events_.empty() && events_.begin()->first == kTymeNever;
  }

  std::size_t pending() const { return events_.size(); }

 private:
  Tymth tymth_;
  Trace& trace_;
  std::multimap<Tyme, Doer*> events_;
};

// Parks (no deadline) after every run.
void park_always(ProbeDoer& self, int) {
  self.park();
}

// A Doist of 1 ms passes with a TimedReactor attached, and a doer that
// waits for the reactor to wake it.
struct ReactorNextTyme : ::testing::Test {
  ReactorNextTyme() {
    doist.attach(reactor);
    waiter.on_recur = park_always;
  }
  Trace trace;
  Doist doist{ms(1)};
  TimedReactor reactor{doist.tymth(), trace};
  ProbeDoer waiter{trace, "waiter"};
};

TEST_F(ReactorNextTyme, SkipLandsOnTheFirstPassAtOrAfterIt) {
  waiter.done_on = 3;
  reactor.wake_at(at(ms(2500)), waiter);              // on a pass: exactly there
  reactor.wake_at(at(ms(7000) + Tock{500}), waiter);  // 500 ns past one: the next pass
  EXPECT_EQ(doist.run({&waiter}), RunEnd::done);
  EXPECT_THAT(trace, ElementsAre("waiter enter 0", "waiter recur 0", "reactor wakes waiter 2.5",
                                 "waiter recur 2.5", "reactor wakes waiter 7.001",
                                 "waiter recur 7.001", "waiter clean 7.001", "waiter exit 7.001"));
  EXPECT_EQ(doist.executed_passes(), 3u);
  EXPECT_EQ(doist.passes(), 7002u);  // nominal passes 0 .. 7.001 s
  EXPECT_EQ(doist.tyme(), at(ms(7002)));
}

TEST_F(ReactorNextTyme, TheEarliestOfTimersAndReactorsWins) {
  ProbeDoer ticker(trace, "ticker", ms(1500));
  ticker.done_on = 3;  // at 0, 1.5, 3
  waiter.done_on = 3;
  reactor.wake_at(at(ms(1000)), waiter);
  reactor.wake_at(at(ms(2000)), waiter);
  EXPECT_EQ(doist.run({&ticker, &waiter}), RunEnd::done);
  EXPECT_THAT(trace,
              ElementsAre("ticker enter 0", "waiter enter 0", "ticker recur 0", "waiter recur 0",
                          "reactor wakes waiter 1", "waiter recur 1", "ticker recur 1.5",
                          "reactor wakes waiter 2", "waiter recur 2", "waiter clean 2",
                          "waiter exit 2", "ticker recur 3", "ticker clean 3", "ticker exit 3"));
  EXPECT_EQ(doist.executed_passes(), 5u);
}

TEST_F(ReactorNextTyme, SomethingDueIsNotAStallButNothingLeftIs) {
  reactor.wake_at(at(seconds(5)), waiter);
  EXPECT_EQ(doist.run({&waiter}), RunEnd::stalled);
  EXPECT_EQ(waiter.recurs, 2);  // at 0 and at 5 s; then nothing can wake it
  EXPECT_EQ(doist.tyme(), at(seconds(5) + ms(1)));
  EXPECT_FALSE(doist.ran_out_of_tyme());
}

// xbig19 finding 1: a wake due only at the end of tyme (a delay that
// saturated there) stalls the run as nothing due does, but the Doist tells
// the two apart: tyme ran out, input did not.
TEST_F(ReactorNextTyme, AWakeDueOnlyAtTheEndOfTymeIsAStallForWantOfTyme) {
  reactor.wake_at(kTymeNever, waiter);
  EXPECT_EQ(doist.run({&waiter}), RunEnd::stalled);
  EXPECT_EQ(waiter.recurs, 1);
  EXPECT_EQ(doist.tyme(), at(ms(1)));
  EXPECT_TRUE(doist.ran_out_of_tyme());
}

TEST_F(ReactorNextTyme, ARunWhoseDoersAllFinishIsDoneWhateverIsDue) {
  ProbeDoer once(trace, "once");
  once.done_on = 1;
  reactor.wake_at(at(seconds(10)), once);
  EXPECT_EQ(doist.run({&once}), RunEnd::done);
  EXPECT_EQ(doist.done(), true);
  EXPECT_EQ(doist.tyme(), at(ms(1)));
  EXPECT_EQ(reactor.pending(), 1u);  // left for a later run
}

TEST_F(ReactorNextTyme, TheLimitCapsTheSkip) {
  reactor.wake_at(at(seconds(100)), waiter);
  EXPECT_EQ(doist.run({&waiter}, seconds(10)), RunEnd::limit);
  EXPECT_EQ(doist.tyme(), at(seconds(10)));
  EXPECT_EQ(doist.executed_passes(), 1u);
}

// Three doers with their own tocks, parks and deadlines, woken by a reactor
// at tymes on and off the pass grid and by each other.
Trace mixed_run(bool skip, std::uint64_t* executed) {
  Trace trace;
  Doist doist(ms(10));
  doist.set_skip(skip);
  TimedReactor reactor(doist.tymth(), trace);
  doist.attach(reactor);
  ProbeDoer slow(trace, "slow", ms(730));
  ProbeDoer waiter(trace, "waiter");
  ProbeDoer napper(trace, "napper");
  waiter.on_recur = [&](ProbeDoer& self, int n) {
    if (n % 3 == 0) napper.wake();
    self.park();
  };
  napper.on_recur = [](ProbeDoer& self, int) { self.park(self.tyme() + Tock{1'234'567'891}); };
  for (std::int64_t i = 1; i <= 20; ++i) {
    reactor.wake_at(at(Tock{i * 377'000'003}), waiter);
    if (i % 4 == 0) reactor.wake_at(at(Tock{i * 377'000'003}), napper);
  }
  doist.run({&slow, &waiter, &napper}, seconds(9));
  *executed = doist.executed_passes();
  return trace;
}

TEST(ReactorSkip, OnOrOffGivesTheSameTrace) {
  std::uint64_t executed_skip = 0;
  std::uint64_t executed_step = 0;
  const Trace skipping = mixed_run(true, &executed_skip);
  const Trace stepping = mixed_run(false, &executed_step);
  EXPECT_EQ(skipping, stepping);
  EXPECT_GT(skipping.size(), 60u);
  EXPECT_EQ(executed_step, 900u);
  EXPECT_LT(executed_skip, 100u);
}

}  // namespace reactor_test
}  // namespace
}  // namespace hio::test
