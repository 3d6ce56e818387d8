// What an embedding program may not do to a Doist or DoDoer, and how each is
// refused or made harmless: changing the tock or the mode during a run, a
// pass or run started from inside one, doers destroyed while a scheduler
// still lists them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "hio/engine/dodoer.hpp"
#include "hio/engine/doer_list.hpp"
#include "hio/engine/doist.hpp"
#include "hio/engine/reactor.hpp"
#include "trace_doers.hpp"

namespace hio::test {
namespace {
namespace misuse_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---- the tock and the mode hold for a whole run ----------------------------

TEST(DoistMisuse, SetTockOrSetRealDuringARunIsRefused) {
  Trace trace;
  Doist doist(ms(1));
  ProbeDoer changer(trace, "changer");
  std::string tock_error;
  std::string real_error;
  changer.on_recur = [&](ProbeDoer&, int recurs) {
    if (recurs != 3) return;
    try {
      doist.set_tock(ms(3));
    } catch (const std::logic_error& e) {
      tock_error = e.what();
    }
    try {
      doist.set_real(true);
    } catch (const std::logic_error& e) {
      real_error = e.what();
    }
  };
  EXPECT_EQ(doist.run({&changer}, ms(10)), RunEnd::limit);
  EXPECT_THAT(tock_error, HasSubstr("Doist::set_tock during a run"));
  EXPECT_THAT(real_error, HasSubstr("Doist::set_real during a run"));
  // Unchanged: tyme = passes x tock still holds.
  EXPECT_EQ(doist.tock(), ms(1));
  EXPECT_FALSE(doist.real());
  EXPECT_EQ(doist.passes(), 10u);
  EXPECT_EQ(doist.tyme(), at(ms(10)));
}

TEST(DoistMisuse, SetTockBetweenAManualEnterAndExitIsRefusedAndAllowedAfter) {
  Trace trace;
  Doist doist(ms(1));
  ProbeDoer a(trace, "a");
  doist.enter({&a});
  doist.recur();
  EXPECT_THROW(doist.set_tock(ms(2)), std::logic_error);
  EXPECT_THROW(doist.set_real(true), std::logic_error);
  doist.exit();
  doist.set_tock(ms(2));  // between runs
  EXPECT_EQ(doist.tock(), ms(2));
  EXPECT_THROW(doist.set_tock(Tock{0}), std::invalid_argument);
}

// ---- no pass or run inside a pass or run -----------------------------------

class ReentrantObserver : public PassObserver {
 public:
  explicit ReentrantObserver(Doist& doist) : doist_(doist) {}
  std::function<void(Doist&)> at_pass_ended;
  std::function<void(Doist&)> at_run_ending;
  void pass_ended(Tyme) override {
    if (at_pass_ended) at_pass_ended(doist_);
  }
  void run_ending(Tyme) override {
    if (at_run_ending) at_run_ending(doist_);
  }

 private:
  Doist& doist_;
};

TEST(DoistMisuse, RecurFromAnObserverDuringARunIsRefused) {
  Trace trace;
  Doist doist(ms(1));
  ProbeDoer a(trace, "a");
  ReentrantObserver observer(doist);
  observer.at_pass_ended = [](Doist& d) { d.recur(); };
  doist.add_observer(observer);
  try {
    doist.run({&a}, ms(3));
    ADD_FAILURE() << "a nested pass was run";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("Doist::recur inside the Doist's own run()"));
  }
  // The pass at 0 ran once, and the error closed the doer at its tyme.
  EXPECT_THAT(trace, ElementsAre("a enter 0", "a recur 0", "a cease 0", "a exit 0"));
  EXPECT_EQ(doist.tyme(), at(ms(0)));
}

TEST(DoistMisuse, RecurFromAnObserverOfAManualPassIsRefused) {
  Trace trace;
  Doist doist(ms(1));
  ProbeDoer a(trace, "a");
  ReentrantObserver observer(doist);
  observer.at_pass_ended = [](Doist& d) { d.recur(); };
  doist.add_observer(observer);
  doist.enter({&a});
  try {
    doist.recur();
    ADD_FAILURE() << "a nested pass was run";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("Doist::recur inside one of its passes"));
  }
  EXPECT_EQ(doist.tyme(), at(ms(0)));
  doist.exit();
}

TEST(DoistMisuse, RunFromRunEndingIsRefused) {
  Trace trace;
  Doist doist(ms(1));
  ProbeDoer a(trace, "a");
  a.done_on = 1;
  ProbeDoer b(trace, "b");
  ReentrantObserver observer(doist);
  // No deeds remain when the run ends done: only the in-run check refuses.
  observer.at_run_ending = [&b](Doist& d) { d.run({&b}, ms(2)); };
  doist.add_observer(observer);
  EXPECT_THROW(doist.run({&a}), std::logic_error);
  EXPECT_THAT(trace, ElementsAre("a enter 0", "a recur 0", "a clean 0", "a exit 0"));
  EXPECT_FALSE(b.scheduled());
}

// enter() is a run's first step: during one, doers are extend()ed (which
// says where they go); an enter from an observer, a reactor or a doer is
// refused as a nested run is. (It was accepted: the doers joined the queue
// at the observer's tyme, outside any pass.)
TEST(DoistMisuse, EnterDuringARunIsRefusedFromAnObserverAndFromADoer) {
  Trace trace;
  Doist doist(ms(1));
  ProbeDoer a(trace, "a");
  ProbeDoer b(trace, "b");
  ReentrantObserver observer(doist);
  observer.at_pass_ended = [&b](Doist& d) { d.enter({&b}); };
  doist.add_observer(observer);
  try {
    doist.run({&a}, ms(3));
    ADD_FAILURE() << "an observer entered a doer during the run";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("Doist::enter inside the Doist's own run()"));
  }
  EXPECT_THAT(trace, ElementsAre("a enter 0", "a recur 0", "a cease 0", "a exit 0"));
  EXPECT_FALSE(b.scheduled());
  doist.remove_observer(observer);

  trace.clear();
  a.on_recur = [&](ProbeDoer&, int) { doist.enter({&b}); };
  EXPECT_THROW(doist.run({&a}, ms(3)), std::logic_error);
  EXPECT_FALSE(b.scheduled());
  EXPECT_EQ(doist.deed_count(), 0u);
}

// exit() from a doer ends the run (as in hio); from an observer's hook or a
// reactor it is refused: no doer runs there, and the doers would close
// between the pass's events and its observers (a journal has closed the
// pass's frame by pass_ended). Before, the doers closed there and run()
// returned done.
TEST(DoistMisuse, ExitFromAnObserverDuringARunIsRefused) {
  for (const bool at_run_ending : {false, true}) {
    SCOPED_TRACE(at_run_ending ? "run_ending" : "pass_ended");
    Trace trace;
    Doist doist(ms(1));
    ProbeDoer a(trace, "a");
    ReentrantObserver observer(doist);
    (at_run_ending ? observer.at_run_ending : observer.at_pass_ended) = [](Doist& d) { d.exit(); };
    doist.add_observer(observer);
    try {
      doist.run({&a}, ms(3));
      ADD_FAILURE() << "an observer's exit() was accepted";
    } catch (const std::logic_error& e) {
      EXPECT_THAT(e.what(),
                  HasSubstr("Doist::exit from a reactor or an observer inside the Doist's own "
                            "run()"));
    }
    // The error closed the doer, as any error from an observer does.
    EXPECT_FALSE(a.scheduled());
    EXPECT_EQ(trace.back(), at_run_ending ? "a exit 0.003" : "a exit 0");
  }
}

class ExitingReactor : public Reactor {
 public:
  explicit ExitingReactor(Doist& doist) : doist_(doist) {}
  void poll() override { doist_.exit(); }
  void wait_until(std::chrono::steady_clock::time_point) override {}
  bool busy() const override { return false; }

 private:
  Doist& doist_;
};

TEST(DoistMisuse, ExitFromAReactorOfAManualPassIsRefusedAndFromADoerIsNot) {
  Trace trace;
  Doist doist(ms(1));
  ProbeDoer a(trace, "a");
  ExitingReactor reactor(doist);
  doist.attach(reactor);
  doist.enter({&a});
  try {
    doist.recur();
    ADD_FAILURE() << "a reactor's exit() was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("Doist::exit from a reactor or an observer inside one of "
                                    "its passes"));
  }
  EXPECT_TRUE(a.scheduled());
  doist.detach(reactor);
  doist.exit();  // between passes: the manual exit
  EXPECT_FALSE(a.scheduled());

  trace.clear();
  a.on_recur = [&](ProbeDoer&, int recurs) {
    if (recurs == 2) doist.exit();
  };
  EXPECT_EQ(doist.run({&a}, ms(5)), RunEnd::done);
  EXPECT_EQ(trace.back(), "a exit 0.001");  // its second recur, at 0.001
}

// ---- destroyed doers leave the scheduler lists ------------------------------

TEST(DoistMisuse, ADoerDestroyedWhileQueuedByExtendIsNotEntered) {
  Trace trace;
  Doist doist(ms(1));
  ProbeDoer a(trace, "a");
  auto queued = std::make_unique<ProbeDoer>(trace, "queued");
  doist.extend({queued.get()});
  queued.reset();
  EXPECT_EQ(doist.run({&a}, ms(1)), RunEnd::limit);
  EXPECT_THAT(trace, ElementsAre("a enter 0", "a recur 0", "a cease 0.001", "a exit 0.001"));
  EXPECT_THAT(doist.doers(), ElementsAre(&a));
}

TEST(DoistMisuse, ADoerDestroyedAfterARunLeavesDoersAndTheRerunRunsTheOthers) {
  Trace trace;
  Doist doist(ms(1));
  ProbeDoer a(trace, "a");
  auto gone = std::make_unique<ProbeDoer>(trace, "gone");
  ProbeDoer c(trace, "c");
  doist.run({&a, gone.get(), &c}, ms(1));
  gone.reset();
  EXPECT_THAT(doist.doers(), ElementsAre(&a, &c));
  trace.clear();
  EXPECT_EQ(doist.run(doist.doers(), ms(1)), RunEnd::limit);
  EXPECT_THAT(trace, ElementsAre("a enter 0.001", "c enter 0.001", "a recur 0.001", "c recur 0.001",
                                 "c cease 0.002", "c exit 0.002", "a cease 0.002", "a exit 0.002"));
}

TEST(DoDoerMisuse, AChildDestroyedBetweenRunsIsNoLongerAChild) {
  Trace trace;
  Doist doist(ms(1));
  ProbeDoer a(trace, "a");
  auto gone = std::make_unique<ProbeDoer>(trace, "gone");
  DoDoer group("group", Tock{0}, {&a, gone.get()});
  doist.run({&group}, ms(1));
  auto pending = std::make_unique<ProbeDoer>(trace, "pending");
  group.extend({pending.get()});  // between runs: a child from the next enter
  gone.reset();
  pending.reset();
  EXPECT_THAT(group.doers(), ElementsAre(&a));
  trace.clear();
  doist.run({&group}, ms(1));
  EXPECT_THAT(trace,
              ElementsAre("a enter 0.001", "a recur 0.001", "a cease 0.002", "a exit 0.002"));
  // A doer made where a destroyed child was is a new one: extend adds it.
  auto fresh = std::make_unique<ProbeDoer>(trace, "fresh");
  group.extend({fresh.get()});
  EXPECT_THAT(group.doers(), ElementsAre(&a, fresh.get()));
}

TEST(DoDoerMisuse, ListsDestroyedFirstLeaveTheirDoersFree) {
  Trace trace;
  ProbeDoer a(trace, "a");
  {
    Doist doist(ms(1));
    doist.run({&a}, ms(1));  // a is in doist.doers()
    DoDoer group("group", Tock{0}, {&a});
    doist.extend({&group});  // queued: in the extend queue
    EXPECT_THAT(group.doers(), ElementsAre(&a));
  }
  // Listed by neither any more: it goes (and is listed again) freely.
  Doist again(ms(1));
  again.run({&a}, ms(1));
  EXPECT_THAT(again.doers(), ElementsAre(&a));
}

// The lists' bookkeeping (each doer's index in each list that holds it)
// through removals, destructions, compaction and a doer in several lists.
TEST(DoerListBookkeeping, RemovalsAndDestructionsKeepTheOthersInOrder) {
  Trace trace;
  std::vector<std::unique_ptr<ProbeDoer>> doers;
  for (int i = 0; i < 12; ++i)
    doers.push_back(std::make_unique<ProbeDoer>(trace, "d" + std::to_string(i)));
  DoerList a;
  DoerList b;
  for (auto& d : doers) {
    a.push_back(d.get());
    b.push_back(d.get());
  }
  a.push_back(doers[3].get());   // twice in one list
  b.push_back(doers[10].get());  // and in the other
  a.erase(std::vector<Doer*>{doers[1].get(), doers[2].get()});
  doers[5].reset();
  doers[3].reset();  // both of its places in a, and its one in b
  b.erase(std::vector<Doer*>{doers[0].get(), doers[10].get(), nullptr});  // both of d10's
  // Nulls in b: forget() never compacts; the items() below drops them.
  for (int i = 6; i < 10; ++i)
    doers[static_cast<std::size_t>(i)].reset();
  std::vector<std::string> in_a;
  for (const Doer* d : a.items())
    in_a.push_back(d->name());
  std::vector<std::string> in_b;
  for (const Doer* d : b.items())
    in_b.push_back(d->name());
  EXPECT_THAT(in_a, ElementsAre("d0", "d4", "d10", "d11"));
  EXPECT_THAT(in_b, ElementsAre("d1", "d2", "d4", "d11"));
  EXPECT_TRUE(b.contains(doers[4].get()));
  EXPECT_FALSE(b.contains(doers[0].get()));  // still in a, not in b
  EXPECT_TRUE(a.contains(doers[0].get()));
  EXPECT_TRUE(a.contains(doers[10].get()));
  EXPECT_FALSE(b.contains(doers[10].get()));
  EXPECT_FALSE(a.contains(doers[1].get()));  // in b (doers in several lists)
  EXPECT_TRUE(b.contains(doers[1].get()));
  EXPECT_FALSE(a.contains(nullptr));
  // Every survivor leaves both lists cleanly (its indices were kept right).
  doers.clear();
  EXPECT_TRUE(a.items().empty());
  EXPECT_TRUE(b.empty());
}

}  // namespace misuse_test
}  // namespace
}  // namespace hio::test
