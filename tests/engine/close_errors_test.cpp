// Errors thrown while a scheduler closes its doers (docs/scheduling.md,
// "Errors while closing"): every doer is still closed, in the documented
// order; at most one error propagates, and only where something may throw;
// each other one is kept on the doer whose close threw it (hook_error()).
// Destroying a Doist or DoDoer with live doers never throws and never ends
// the program. For class doers, doify'd functions and ReDoers alike.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "hio/engine/dodoer.hpp"
#include "hio/engine/doify.hpp"
#include "hio/engine/doist.hpp"
#include "hio/engine/redoer.hpp"
#include "trace_doers.hpp"

namespace hio::test {
namespace {
namespace close_errors_test {

using ::testing::ElementsAre;

// A doify'd function whose forced close fails: its catch (Cease) throws.
Dog fails_on_cease(Doer& self, Trace* trace) {
  trace->push_back(stamp(self.name(), "enter", self.tyme()));
  try {
    for (;;)
      co_yield self.tock();
  } catch (const Cease&) {
    trace->push_back(stamp(self.name(), "cease", self.tyme()));
    throw std::runtime_error(self.name() + " cease failed");
  }
}

std::unique_ptr<FnDoer> fn_failing_on_cease(Trace& trace, std::string name) {
  return doify([t = &trace](Doer& self) { return fails_on_cease(self, t); }, std::move(name));
}

// A ReDoer whose cease hook throws.
class ReFailingOnCease : public ReDoer {
 public:
  ReFailingOnCease(Trace& trace, std::string name) : ReDoer(std::move(name)), trace_(trace) {}

 protected:
  Dog co_recur() override {
    for (;;)
      co_yield tock();
  }
  void cease() override {
    trace_.push_back(stamp(name(), "cease", tyme()));
    throw std::runtime_error(name() + " cease failed");
  }
  void exit() override { trace_.push_back(stamp(name(), "exit", tyme())); }

 private:
  Trace& trace_;
};

// Four failing doers of each style and one that closes cleanly, in queue
// order a, f, r, b, d.
struct Doers {
  explicit Doers(Trace& trace)
      : a(trace, "a"),
        f(fn_failing_on_cease(trace, "f")),
        r(trace, "r"),
        b(trace, "b"),
        d(trace, "d") {
    a.cease_throws = a.exit_throws = true;  // both: the first, cease's, is kept
    b.exit_throws = true;
  }
  std::vector<Doer*> all() { return {&a, f.get(), &r, &b, &d}; }
  void expect_closed_with_errors_kept(const Trace& trace, const std::string& at) {
    EXPECT_THAT(last(trace, 9), ElementsAre("d cease " + at, "d exit " + at, "b cease " + at,
                                            "b exit " + at, "r cease " + at, "r exit " + at,
                                            "f cease " + at, "a cease " + at, "a exit " + at));
    for (Doer* doer : all())
      EXPECT_FALSE(doer->scheduled()) << doer->name();
    EXPECT_EQ(hook_error_of(a), "a cease failed");
    EXPECT_EQ(hook_error_of(*f), "f cease failed");
    EXPECT_EQ(hook_error_of(r), "r cease failed");
    EXPECT_EQ(hook_error_of(b), "hook: b exit failed");
    EXPECT_EQ(hook_error_of(d), "nothing");
  }

  FailingHooks a;
  std::unique_ptr<FnDoer> f;
  ReFailingOnCease r;
  FailingHooks b;
  ProbeDoer d;
};

TEST(CloseErrors, ADoistDestroyedWithLiveDoersClosesEachAndKeepsTheirErrors) {
  Trace trace;
  Doers doers(trace);
  auto doist = std::make_unique<Doist>(seconds(1));
  doist->enter(doers.all());
  doist->recur();
  doist.reset();  // no exit(): the destructor closes them
  doers.expect_closed_with_errors_kept(trace, "1");
}

// A subclass whose exit fails before it reaches DoDoer::exit: its children
// are closed right after that exit, their errors kept on them, as the
// destructor would close them (it found them scheduled until session 27).
class GroupFailingToExit : public DoDoer {
 public:
  using DoDoer::DoDoer;

 protected:
  void exit() override { throw HookFailure("G exit failed"); }
};

TEST(CloseErrors, ADoDoerWhoseSubclassExitFailsClosesEachChildKeepingTheirErrors) {
  Trace trace;
  Doers doers(trace);
  Doist doist(seconds(1));
  auto group = std::make_unique<GroupFailingToExit>("G", Tock{0}, doers.all());
  EXPECT_EQ(thrown_by([&] { doist.run({group.get()}, seconds(1)); }), "hook: G exit failed");
  EXPECT_FALSE(doers.d.scheduled());
  doers.expect_closed_with_errors_kept(trace, "1");
  const std::size_t closed = trace.size();
  group.reset();
  EXPECT_EQ(trace.size(), closed);  // nothing left for the destructor
}

// The destructor closes the doers while the Doist is whole: a closing hook
// may still use it (remove, extend, doers()).
TEST(CloseErrors, AClosingHookMayUseTheDoistBeingDestroyed) {
  Trace trace;
  FailingHooks a(trace, "a"), b(trace, "b");
  ProbeDoer late(trace, "late");
  auto doist = std::make_unique<Doist>(seconds(1));
  Doist* const raw = doist.get();  // reset() nulls `doist` before destroying
  std::size_t listed = 0;
  a.on_exit = [&](FailingHooks&) {
    raw->remove({&b});
    raw->extend({&late});  // queued for a next run that never comes
    listed = raw->doers().size();
  };
  doist->enter({&b, &a});
  doist.reset();
  EXPECT_THAT(trace, ElementsAre("b enter 0", "a enter 0", "a cease 0", "b cease 0", "b exit 0",
                                 "a exit 0"));
  EXPECT_EQ(listed, 1u);
  EXPECT_FALSE(late.done().has_value());
  EXPECT_FALSE(late.scheduled());
}

TEST(CloseErrors, ExitClosesEveryDoerAndThrowsTheFirstErrorOnce) {
  Trace trace;
  Doers doers(trace);
  Doist doist(seconds(1));
  doist.enter(doers.all());
  doist.recur();
  // Closing starts from the tail: b's exit error is the first.
  EXPECT_EQ(thrown_by([&] { doist.exit(); }), "hook: b exit failed");
  EXPECT_THAT(last(trace, 9),
              ElementsAre("d cease 1", "d exit 1", "b cease 1", "b exit 1", "r cease 1", "r exit 1",
                          "f cease 1", "a cease 1", "a exit 1"));
  EXPECT_EQ(hook_error_of(doers.b), "nothing");  // it propagated
  EXPECT_EQ(hook_error_of(doers.r), "r cease failed");
  EXPECT_EQ(hook_error_of(*doers.f), "f cease failed");
  EXPECT_EQ(hook_error_of(doers.a), "a cease failed");
  EXPECT_EQ(doist.deed_count(), 0u);
  EXPECT_EQ(thrown_by([&] { doist.exit(); }), "nothing");
}

TEST(CloseErrors, RemoveClosesEachGivenDoerAndThrowsTheFirstError) {
  Trace trace;
  Doers doers(trace);
  Doist doist(seconds(1));
  doist.enter(doers.all());
  EXPECT_EQ(thrown_by([&] { doist.remove({&doers.a, &doers.r, &doers.d}); }), "r cease failed");
  EXPECT_THAT(last(trace, 6), ElementsAre("d cease 0", "d exit 0", "r cease 0", "r exit 0",
                                          "a cease 0", "a exit 0"));
  EXPECT_EQ(hook_error_of(doers.a), "a cease failed");
  EXPECT_EQ(doist.deed_count(), 2u);
  EXPECT_EQ(thrown_by([&] { doist.exit(); }), "hook: b exit failed");
}

// A doer's error propagates from run(); what closing the others (in hio's
// rotated order) throws on top of it stays on them.
TEST(CloseErrors, ADoersErrorKeepsTheOthersCloseErrorsOnThem) {
  Trace trace;
  Doist doist(seconds(1));
  FailingHooks a(trace, "a"), b(trace, "b"), c(trace, "c");
  a.cease_throws = true;
  b.throw_on = 2;
  b.abort_throws = true;
  c.exit_throws = true;
  EXPECT_EQ(thrown_by([&] { doist.run({&a, &b, &c}, seconds(5)); }), "b failed");
  EXPECT_THAT(last(trace, 6), ElementsAre("b abort 1", "b exit 1", "a cease 1", "a exit 1",
                                          "c cease 1", "c exit 1"));
  EXPECT_EQ(hook_error_of(b), "hook: b abort failed");
  EXPECT_EQ(hook_error_of(a), "a cease failed");
  EXPECT_EQ(hook_error_of(c), "hook: c exit failed");
  EXPECT_EQ(doist.deed_count(), 0u);
}

// In a DoDoer the same: the child's error propagates (the DoDoer ends by
// it), and what closing the other children throws stays on them.
TEST(CloseErrors, AChildsErrorInADoDoerKeepsTheCloseErrorsBelowIt) {
  Trace trace;
  Doist doist(seconds(1));
  FailingHooks a(trace, "a"), b(trace, "b"), c(trace, "c"), d(trace, "d");
  a.cease_throws = true;
  b.throw_on = 2;
  b.abort_throws = true;
  c.exit_throws = true;
  DoDoer group("G", Tock{0}, {&a, &b, &c, &d});
  EXPECT_EQ(thrown_by([&] { doist.run({&group}, seconds(5)); }), "b failed");
  EXPECT_THAT(last(trace, 8), ElementsAre("b abort 1", "b exit 1", "a cease 1", "a exit 1",
                                          "d cease 1", "d exit 1", "c cease 1", "c exit 1"));
  EXPECT_EQ(hook_error_of(b), "hook: b abort failed");
  EXPECT_EQ(hook_error_of(group), "nothing");
  EXPECT_EQ(hook_error_of(a), "a cease failed");
  EXPECT_EQ(hook_error_of(c), "hook: c exit failed");
  EXPECT_EQ(group.deed_count(), 0u);
}

// Closing a DoDoer by an explicit exit(): its children's first close error
// propagates once, through it; the later ones stay on their doers.
TEST(CloseErrors, ExitThroughADoDoerClosesEveryChildAndThrowsOnce) {
  Trace trace;
  Doers doers(trace);
  Doist doist(seconds(1));
  DoDoer group("G", Tock{0}, doers.all());
  doist.enter({&group});
  doist.recur();
  EXPECT_EQ(thrown_by([&] { doist.exit(); }), "hook: b exit failed");
  EXPECT_FALSE(group.scheduled());
  EXPECT_EQ(group.deed_count(), 0u);
  EXPECT_EQ(hook_error_of(doers.r), "r cease failed");
  EXPECT_EQ(hook_error_of(doers.a), "a cease failed");
  EXPECT_EQ(thrown_by([&] { doist.exit(); }), "nothing");
}

// A manual pass that throws leaves the other doers scheduled ("call exit()
// then"); a Doist destroyed instead closes them in hio's rotated order, as
// exit() would, and keeps their close errors.
TEST(CloseErrors, ADoistDestroyedAfterAFailedManualPassClosesTheRestInHioOrder) {
  Trace trace;
  FailingHooks a(trace, "a"), b(trace, "b"), c(trace, "c");
  b.throw_on = 2;
  c.cease_throws = true;
  auto doist = std::make_unique<Doist>(seconds(1));
  doist->enter({&a, &b, &c});
  doist->recur();
  EXPECT_EQ(thrown_by([&] { doist->recur(); }), "b failed");
  EXPECT_EQ(doist->deed_count(), 2u);
  doist.reset();
  EXPECT_THAT(last(trace, 6), ElementsAre("b abort 1", "b exit 1", "a cease 1", "a exit 1",
                                          "c cease 1", "c exit 1"));
  EXPECT_EQ(hook_error_of(c), "c cease failed");
}

// A doer that calls its Doist's exit() gets the first close error of the
// others thrown back at that call; not catching it, it ends by it: abort
// and exit, once (it is not ceased as well), and the error leaves run().
TEST(CloseErrors, ADoerWhoseExitCallThrowsEndsByThatErrorOnce) {
  Trace trace;
  Doist doist(seconds(1));
  FailingHooks a(trace, "a"), b(trace, "b"), c(trace, "c");
  b.cease_throws = true;
  a.on_recur = [&](ProbeDoer&, int n) {
    if (n == 2) doist.exit();
  };
  EXPECT_EQ(thrown_by([&] { doist.run({&a, &b, &c}, seconds(5)); }), "b cease failed");
  EXPECT_THAT(last(trace, 6), ElementsAre("c cease 1", "c exit 1", "b cease 1", "b exit 1",
                                          "a abort 1", "a exit 1"));
  EXPECT_FALSE(a.scheduled());
  EXPECT_EQ(doist.deed_count(), 0u);
}

// An error from an observer's run_ending (after the last pass, before the
// doers close) leaves run() as a doer's would: the doers are closed first, so
// the Doist can run again.
TEST(CloseErrors, AnObserversRunEndingErrorClosesTheDoersFirst) {
  struct FailingEnding : PassObserver {
    void pass_ended(Tyme) override {}
    void run_ending(Tyme) override { throw std::runtime_error("run_ending failed"); }
  } observer;
  Trace trace;
  Doist doist(seconds(1));
  ProbeDoer a(trace, "a");
  doist.add_observer(observer);
  EXPECT_EQ(thrown_by([&] { doist.run({&a}, seconds(2)); }), "run_ending failed");
  EXPECT_THAT(last(trace, 2), ElementsAre("a cease 2", "a exit 2"));
  EXPECT_EQ(doist.deed_count(), 0u);
  doist.remove_observer(observer);
  EXPECT_EQ(doist.run({&a}, seconds(1)), RunEnd::limit);
}

// A closing hook may remove doers that the same remove() is about to close:
// each is closed once, and the queue stays whole.
TEST(CloseErrors, ADoerThatACloseRemovedIsNotClosedAgain) {
  Trace trace;
  Doist doist(seconds(1));
  FailingHooks a(trace, "a"), b(trace, "b"), c(trace, "c");
  b.on_exit = [&](FailingHooks&) { doist.remove({&a}); };
  doist.enter({&a, &b, &c});
  doist.remove({&a, &b});
  EXPECT_THAT(last(trace, 4), ElementsAre("b cease 0", "a cease 0", "a exit 0", "b exit 0"));
  EXPECT_EQ(doist.deed_count(), 1u);
  EXPECT_TRUE(c.scheduled());
  doist.recur();
  doist.exit();
  EXPECT_THAT(last(trace, 3), ElementsAre("c recur 0", "c cease 1", "c exit 1"));
}

// A ReDoer whose dog turns its Cease into an error ends by it (abort, exit);
// when that close does not propagate, the dog's error, the first, is the
// one kept, not what abort threw after it.
class ReAbortingOnCease : public ReDoer {
 public:
  ReAbortingOnCease(Trace& trace, std::string name) : ReDoer(std::move(name)), trace_(trace) {}

 protected:
  Dog co_recur() override {
    try {
      for (;;)
        co_yield tock();
    } catch (const Cease&) {
      throw std::runtime_error(name() + " dog failed");
    }
  }
  void abort(std::exception_ptr) override {
    trace_.push_back(stamp(name(), "abort", tyme()));
    throw HookFailure(name() + " abort failed");
  }
  void exit() override { trace_.push_back(stamp(name(), "exit", tyme())); }

 private:
  Trace& trace_;
};

TEST(CloseErrors, AClosesFirstErrorIsTheOneKept) {
  Trace trace;
  ReAbortingOnCease r(trace, "r");
  {
    Doist doist(seconds(1));
    doist.enter({&r});
  }
  EXPECT_THAT(trace, ElementsAre("r abort 0", "r exit 0"));
  EXPECT_EQ(hook_error_of(r), "r dog failed");
}

}  // namespace close_errors_test
}  // namespace
}  // namespace hio::test
