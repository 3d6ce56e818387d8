// Registration with a Doist as an embedding program does it: reactors and
// pass observers attached or removed from inside the Doist's own calls to
// them, destroyed while attached, and DoerRef (a pointer to a doer that is
// cleared when the doer goes). Each of these ran on freed memory before.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "hio/engine/doist.hpp"
#include "hio/engine/reactor.hpp"

namespace hio::test {
namespace {
namespace attach_test {

constexpr Tock kMs{1'000'000};

// Counts its polls; optionally runs a hook in its poll.
class CountingReactor final : public Reactor {
 public:
  int polls = 0;
  std::function<void()> on_poll;

  void poll() override {
    ++polls;
    if (on_poll) on_poll();
  }
  void wait_until(std::chrono::steady_clock::time_point) override {}
  bool busy() const override { return false; }
};

// Writes "<name> <hook> <pass>" for every hook into a shared log; optionally
// runs a hook in its pass_ended.
class LoggingObserver final : public PassObserver {
 public:
  LoggingObserver(std::string name, std::vector<std::string>& log, const Doist& doist)
      : name_(std::move(name)), log_(log), doist_(doist) {}
  std::function<void()> on_pass_ended;

  void pass_started(Tyme) override { write("started"); }
  void pass_ended(Tyme) override {
    write("ended");
    if (on_pass_ended) on_pass_ended();
  }

 private:
  void write(const char* hook) {
    log_.push_back(name_ + " " + hook + " " + std::to_string(doist_.passes()));
  }
  std::string name_;
  std::vector<std::string>& log_;
  const Doist& doist_;
};

// Runs a fixed number of passes, then is done.
class Passes final : public Doer {
 public:
  explicit Passes(int count) : Doer("passes"), count_(count) {}

 protected:
  bool recur(Tyme) override { return --count_ <= 0; }

 private:
  int count_;
};

TEST(DoistAttach, ReactorsAttachedInsideAPollArePolledFromTheNextPass) {
  Doist doist(kMs);
  doist.set_handle_sigint(false);
  CountingReactor first;
  // Enough new reactors that the Doist's list must grow while it polls
  // `first`: a range-for over it then read freed memory.
  std::vector<std::unique_ptr<CountingReactor>> added;
  first.on_poll = [&] {
    if (!added.empty()) return;
    for (int i = 0; i < 32; ++i) {
      added.push_back(std::make_unique<CountingReactor>());
      doist.attach(*added.back());
    }
  };
  CountingReactor second;  // read from the list after it grew
  doist.attach(first);
  doist.attach(second);
  Passes doer(3);
  EXPECT_EQ(doist.run({&doer}), RunEnd::done);
  EXPECT_EQ(first.polls, 3);
  EXPECT_EQ(second.polls, 3);
  ASSERT_EQ(added.size(), 32u);
  for (const auto& reactor : added)
    EXPECT_EQ(reactor->polls, 2);  // not in the pass that attached it
}

TEST(DoistAttach, AReactorDetachedInsideAPollIsNotPolledAgainEvenInThatPass) {
  Doist doist(kMs);
  doist.set_handle_sigint(false);
  CountingReactor first;
  CountingReactor second;
  CountingReactor third;
  first.on_poll = [&] { doist.detach(second); };
  second.on_poll = [&] { ADD_FAILURE() << "second was polled after its detach"; };
  third.on_poll = [&] { doist.detach(third); };  // detaches itself
  doist.attach(first);
  doist.attach(second);
  doist.attach(third);
  Passes doer(3);
  EXPECT_EQ(doist.run({&doer}), RunEnd::done);
  EXPECT_EQ(first.polls, 3);
  EXPECT_EQ(second.polls, 0);
  EXPECT_EQ(third.polls, 1);
  EXPECT_EQ(second.attached_to(), nullptr);
  EXPECT_EQ(third.attached_to(), nullptr);
}

TEST(DoistAttach, ObserversAddedOrRemovedInPassEndedTakePartFromTheNextRound) {
  Doist doist(kMs);
  doist.set_handle_sigint(false);
  std::vector<std::string> log;
  LoggingObserver a("a", log, doist);
  LoggingObserver b("b", log, doist);
  std::vector<std::unique_ptr<LoggingObserver>> added;
  // a's first pass_ended adds 32 observers (the list grows under the
  // Doist's loop) and removes b, which comes after it in that same round.
  a.on_pass_ended = [&] {
    if (!added.empty()) return;
    for (int i = 0; i < 32; ++i) {
      added.push_back(std::make_unique<LoggingObserver>("n" + std::to_string(i), log, doist));
      doist.add_observer(*added.back());
    }
    doist.remove_observer(b);
  };
  doist.add_observer(a);
  doist.add_observer(b);
  Passes doer(2);
  EXPECT_EQ(doist.run({&doer}), RunEnd::done);
  // Pass 0: a and b start, a ends (and b is removed before its turn). Pass 1:
  // a and the new ones, which start with pass_started.
  ASSERT_GE(log.size(), 4u);
  EXPECT_EQ(log[0], "a started 0");
  EXPECT_EQ(log[1], "b started 0");
  EXPECT_EQ(log[2], "a ended 0");
  EXPECT_EQ(log[3], "a started 1");
  EXPECT_EQ(log[4], "n0 started 1");
  EXPECT_EQ(std::count(log.begin(), log.end(), "n31 started 1"), 1);
  EXPECT_EQ(std::count(log.begin(), log.end(), "n31 ended 1"), 1);
  EXPECT_EQ(std::count_if(log.begin(), log.end(), [](const std::string& l) { return l[0] == 'b'; }),
            1);
  EXPECT_EQ(log.size(), 1u + 1 + 1 + 33 + 33);
}

TEST(DoistAttach, AReactorOrObserverDestroyedWhileAttachedDetachesItself) {
  Doist doist(kMs);
  doist.set_handle_sigint(false);
  std::vector<std::string> log;
  {
    CountingReactor gone;
    LoggingObserver also_gone("gone", log, doist);
    doist.attach(gone);
    doist.add_observer(also_gone);
    EXPECT_EQ(gone.attached_to(), &doist);
    EXPECT_EQ(also_gone.observed(), &doist);
  }
  // The Doist polled and told freed objects here.
  Passes doer(2);
  EXPECT_EQ(doist.run({&doer}), RunEnd::done);
  EXPECT_TRUE(log.empty());
}

TEST(DoistAttach, ADestroyedDoistLeavesItsReactorsAndObserversDetached) {
  std::vector<std::string> log;
  CountingReactor reactor;
  auto doist = std::make_unique<Doist>(kMs);
  LoggingObserver observer("o", log, *doist);
  doist->attach(reactor);
  doist->add_observer(observer);
  doist.reset();
  EXPECT_EQ(reactor.attached_to(), nullptr);
  EXPECT_EQ(observer.observed(), nullptr);
  Doist other(kMs);
  other.attach(reactor);  // free to join another Doist
  EXPECT_EQ(reactor.attached_to(), &other);
}

TEST(DoistAttach, AttachingTwiceIsRefused) {
  Doist doist(kMs);
  Doist other(kMs);
  CountingReactor reactor;
  doist.attach(reactor);
  try {
    doist.attach(reactor);
    ADD_FAILURE() << "a second attach was taken";
  } catch (const std::logic_error& error) {
    EXPECT_STREQ(error.what(), "Doist::attach: the reactor belongs to this Doist already");
  }
  EXPECT_THROW(other.attach(reactor), std::logic_error);
  other.detach(reactor);  // not attached there: nothing happens
  EXPECT_EQ(reactor.attached_to(), &doist);
  doist.detach(reactor);
  other.attach(reactor);
  EXPECT_EQ(reactor.attached_to(), &other);

  std::vector<std::string> log;
  LoggingObserver observer("o", log, doist);
  doist.add_observer(observer);
  EXPECT_THROW(doist.add_observer(observer), std::logic_error);
  EXPECT_THROW(other.add_observer(observer), std::logic_error);
}

TEST(DoerRef, IsClearedWhenItsDoerIsDestroyed) {
  auto doer = std::make_unique<Passes>(1);
  DoerRef a(doer.get());
  DoerRef b(doer.get());
  DoerRef c;
  c.reset(doer.get());
  c.reset();  // unlinked again
  auto other = std::make_unique<Passes>(1);
  c.reset(other.get());
  b.reset(other.get());  // moves from one doer's list to another's
  doer.reset();
  EXPECT_EQ(a.get(), nullptr);
  EXPECT_EQ(b.get(), other.get());
  EXPECT_EQ(c.get(), other.get());
  {
    DoerRef d(other.get());  // a ref destroyed first unlinks itself
  }
  other.reset();
  EXPECT_EQ(b.get(), nullptr);
  EXPECT_EQ(c.get(), nullptr);
}

}  // namespace attach_test
}  // namespace
}  // namespace hio::test
