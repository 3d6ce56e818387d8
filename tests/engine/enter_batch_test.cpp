// An enter batch (a run's doers, an extend's, a DoDoer's children at its
// enter) whose earlier doer removes or destroys a later one before its turn:
// that one is not entered (docs/scheduling.md, "Enters that nest").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "hio/engine/engine.hpp"
#include "trace_doers.hpp"

namespace hio::test {
namespace {
namespace enter_batch_test {

using ::testing::ElementsAre;

// Never done, tracing its hooks, with a hook run in its wind and one in its
// enter (each may remove or destroy a sibling).
class Sibling : public Doer {
 public:
  Sibling(Trace& trace, std::string name) : Doer(std::move(name)), trace_(trace) {}
  ~Sibling() override { trace_.push_back(name() + " destroyed"); }

  std::function<void()> on_wind;
  std::function<void()> on_enter;

  void wind(Tymth tymth) override {
    Doer::wind(tymth);
    if (on_wind) on_wind();
  }

 protected:
  void enter() override {
    trace_.push_back(name() + " enter");
    if (on_enter) on_enter();
  }
  bool recur(Tyme) override {
    trace_.push_back(name() + " recur");
    return false;
  }
  void exit() override { trace_.push_back(name() + " exit"); }

 private:
  Trace& trace_;
};

TEST(EnterBatch, ARunsDoerRemovedByAnEarlierEnterIsNotEntered) {
  Trace trace;
  Sibling a(trace, "a"), b(trace, "b"), c(trace, "c");
  Doist doist(ms(1));
  a.on_enter = [&] { doist.remove({&b}); };
  doist.run({&a, &b, &c}, ms(1));
  EXPECT_THAT(trace, ElementsAre("a enter", "c enter", "a recur", "c recur", "c exit", "a exit"));
  EXPECT_FALSE(b.done().has_value()) << "never entered";
  EXPECT_EQ(doist.doers(), (std::vector<Doer*>{&a, &c}));
}

TEST(EnterBatch, AnExtendsDoerRemovedByAnEarlierEnterIsNotEntered) {
  Trace trace;
  Sibling x(trace, "x"), y(trace, "y");
  Doist doist(ms(1));
  x.on_enter = [&] { doist.remove({&y}); };
  ProbeDoer extender(trace, "extender");
  extender.on_recur = [&](ProbeDoer&, int run) {
    if (run == 1) {
      EXPECT_EQ(doist.extend({&x, &y}), 2u);
    }
  };
  doist.run({&extender}, ms(1));
  EXPECT_FALSE(y.done().has_value()) << "never entered";
  EXPECT_FALSE(y.scheduled());
  EXPECT_EQ(doist.doers(), (std::vector<Doer*>{&extender, &x}));
}

TEST(EnterBatch, AChildRemovedByAnEarlierChildsEnterIsNotEntered) {
  Trace trace;
  Sibling a(trace, "a"), b(trace, "b"), c(trace, "c");
  DoDoer group("G", Tock{0}, {&a, &b, &c});
  a.on_enter = [&] { group.remove({&b}); };
  Doist doist(ms(1));
  doist.run({&group}, ms(1));
  EXPECT_THAT(trace, ElementsAre("a enter", "c enter", "a recur", "c recur", "c exit", "a exit"));
  EXPECT_FALSE(b.done().has_value()) << "never entered";
  EXPECT_EQ(group.doers(), (std::vector<Doer*>{&a, &c}));
}

// fixeng25's repro: extend({a, b}) of a running group, a's enter removes b.
TEST(EnterBatch, ARunningGroupsExtendDoesNotEnterADoerAnEarlierEnterRemoved) {
  Trace trace;
  Sibling a(trace, "a"), b(trace, "b");
  DoDoer group("G", Tock{0}, {}, /*always=*/true);
  a.on_enter = [&] { group.remove({&b}); };
  Doist doist(ms(1));
  doist.enter({&group});
  EXPECT_EQ(group.extend({&a, &b}), 2u);
  EXPECT_FALSE(b.scheduled());
  EXPECT_EQ(group.doers(), (std::vector<Doer*>{&a}));
  doist.exit();
  EXPECT_THAT(trace, ElementsAre("a enter", "a exit"));
}

// Removed, then extended again by the same enter: entered once, by that
// extend (its turn in the batch is void), not refused as already scheduled.
TEST(EnterBatch, AChildRemovedAndExtendedAgainByAnEarlierEnterIsEnteredOnce) {
  Trace trace;
  Sibling a(trace, "a"), b(trace, "b");
  DoDoer group("G", Tock{0}, {&a, &b});
  a.on_enter = [&] {
    group.remove({&b});
    group.extend({&b});
  };
  Doist doist(ms(1));
  doist.run({&group}, ms(1));
  EXPECT_THAT(trace, ElementsAre("a enter", "b enter", "b recur", "a recur", "a exit", "b exit"));
}

// Adopted, then removed by an earlier child's enter: it goes (destroyed once
// the group's enter is over) instead of failing the enter at its turn
// ("it was adopted and removed").
TEST(EnterBatch, AnAdoptedChildRemovedByAnEarlierEnterIsNotEnteredAndGoes) {
  Trace trace;
  Sibling a(trace, "a");
  DoDoer group("G", Tock{0}, {&a});
  Doer& b = group.adopt(std::make_unique<Sibling>(trace, "b"));
  a.on_enter = [&] { group.remove({&b}); };
  Doist doist(ms(1));
  doist.run({&group}, ms(2));
  EXPECT_THAT(trace, ElementsAre("a enter", "a recur", "b destroyed", "a recur", "a exit"));
  EXPECT_EQ(group.doers(), (std::vector<Doer*>{&a}));
}

// rev28a: a child's wind (run as its own enter winds it) destroys a later
// sibling: that sibling's turn reads no freed memory (ASan), it is skipped.
TEST(EnterBatch, AChildDestroyedByAnEarlierChildsWindIsSkipped) {
  Trace trace;
  Sibling destroyer(trace, "destroyer");
  auto victim = std::make_unique<Sibling>(trace, "victim");
  Sibling last(trace, "last");
  DoDoer group("G", Tock{0}, {&destroyer, victim.get(), &last});
  Doist doist(ms(1));
  // The group's wind winds its children first: destroy at the second wind,
  // the one of the destroyer's own enter.
  int winds = 0;
  destroyer.on_wind = [&] {
    if (++winds == 2) victim.reset();
  };
  doist.run({&group}, ms(1));
  EXPECT_THAT(trace, ElementsAre("victim destroyed", "destroyer enter", "last enter",
                                 "destroyer recur", "last recur", "last exit", "destroyer exit"));
  EXPECT_EQ(group.doers(), (std::vector<Doer*>{&destroyer, &last}));
}

TEST(EnterBatch, ARunsDoerDestroyedByAnEarlierEnterIsSkipped) {
  Trace trace;
  Sibling a(trace, "a"), c(trace, "c");
  auto b = std::make_unique<Sibling>(trace, "b");
  a.on_enter = [&] { b.reset(); };
  Doist doist(ms(1));
  doist.run({&a, b.get(), &c}, ms(1));
  EXPECT_THAT(trace, ElementsAre("a enter", "b destroyed", "c enter", "a recur", "c recur",
                                 "c exit", "a exit"));
  EXPECT_EQ(doist.doers(), (std::vector<Doer*>{&a, &c}));
}

// A running group's extend whose later doer fails its enter after an earlier
// one destroyed a doer between them: the failed extend's clean-up reads no
// freed memory either, and keeps only what was entered.
TEST(EnterBatch, AFailedExtendAfterAnEnterDestroyedADoerOfItsBatchKeepsWhatWasEntered) {
  Trace trace;
  Sibling a(trace, "a"), c(trace, "c");
  auto b = std::make_unique<Sibling>(trace, "b");
  a.on_enter = [&] { b.reset(); };
  c.on_enter = [] { throw std::runtime_error("c enter failed"); };
  DoDoer group("G", Tock{0}, {}, /*always=*/true);
  Doist doist(ms(1));
  doist.enter({&group});
  EXPECT_EQ(thrown_by([&] { group.extend({&a, b.get(), &c}); }), "c enter failed");
  EXPECT_EQ(group.doers(), (std::vector<Doer*>{&a}));
  EXPECT_TRUE(a.scheduled());
  doist.exit();
  EXPECT_THAT(trace, ElementsAre("a enter", "b destroyed", "c enter", "c exit", "a exit"));
}

}  // namespace enter_batch_test
}  // namespace
}  // namespace hio::test
