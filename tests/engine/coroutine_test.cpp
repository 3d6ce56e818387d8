// Coroutine doers: doify'd functions and ReDoers follow the same lifecycle
// as class doers, and interleave with them exactly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hio/engine/dodoer.hpp"
#include "hio/engine/doify.hpp"
#include "hio/engine/doist.hpp"
#include "hio/engine/redoer.hpp"
#include "trace_doers.hpp"

namespace hio::test {
namespace {
namespace coroutine_test {

using ::testing::ElementsAre;

Trace* g_trace = nullptr;  // the tests below run one at a time

void note(Doer& self, const std::string& what, Tyme tyme) {
  g_trace->push_back(stamp(self.name(), what, tyme));
}

// The coroutine counterpart of ExDoer: done after 4 recurs; cease and abort
// by catching; exit after the try.
Dog ex_fn(Doer& self) {
  int count = 0;
  note(self, "enter", self.tyme());
  try {
    for (;;) {
      Tyme tyme = co_yield self.tock();
      ++count;
      note(self, "recur", tyme);
      if (self.opts().contains("throw") && count == 2) throw std::runtime_error("fn failed");
      if (count > 3) break;
    }
  } catch (const Cease&) {
    note(self, "cease", self.tyme());
    note(self, "exit", self.tyme());
    throw;
  } catch (...) {
    note(self, "abort", self.tyme());
    note(self, "exit", self.tyme());
    throw;
  }
  note(self, "exit", self.tyme());
  co_return true;
}

class TraceTest : public ::testing::Test {
 protected:
  void SetUp() override { g_trace = &trace; }
  void TearDown() override { g_trace = nullptr; }
  Trace trace;
};

using FnDoerTest = TraceTest;

TEST_F(FnDoerTest, RunsLikeAClassDoer) {
  auto d0 = doify(ex_fn, "d0", t32(1));
  auto d1 = doify(ex_fn, "d1", t32(2));
  Doist doist;
  EXPECT_EQ(doist.run({d0.get(), d1.get()}, Tock{125'000'000}), RunEnd::limit);
  EXPECT_THAT(
      trace, ElementsAre("d0 enter 0", "d1 enter 0", "d0 recur 0", "d1 recur 0", "d0 recur 0.03125",
                         "d0 recur 0.0625", "d1 recur 0.0625", "d0 recur 0.09375",
                         "d0 exit 0.09375", "d1 cease 0.125", "d1 exit 0.125"));
  EXPECT_EQ(d0->done(), true);
  EXPECT_EQ(d1->done(), false);
}

TEST_F(FnDoerTest, DoifyGivesIndependentCopies) {
  auto a = doify(ex_fn, "a", t32(1));
  auto b = doify(ex_fn, "b", t32(3), {{"k", "v"}});
  EXPECT_NE(a->tock(), b->tock());
  EXPECT_TRUE(a->opts().empty());
  EXPECT_EQ(b->opts().at("k"), "v");
  // A doer without opts makes its map on the first write; reads see it.
  const Doer& read_only = *a;
  EXPECT_TRUE(read_only.opts().empty());
  a->opts()["x"] = "y";
  EXPECT_EQ(read_only.opts().at("x"), "y");
  Doist doist;
  doist.run({a.get()});
  EXPECT_EQ(a->done(), true);
  EXPECT_FALSE(b->done().has_value());
}

TEST_F(FnDoerTest, AnErrorAbortsAndPropagatesAfterClosingTheOthers) {
  auto bad = doify(ex_fn, "bad", Tock{0}, {{"throw", "1"}});
  ProbeDoer other(trace, "other");
  Doist doist;
  EXPECT_THROW(doist.run({bad.get(), &other}), std::runtime_error);
  EXPECT_THAT(last(trace, 4), ElementsAre("bad abort 0.03125", "bad exit 0.03125",
                                          "other cease 0.03125", "other exit 0.03125"));
}

Dog yields_negative(Doer& self) {
  try {
    co_yield Tock{0};
    co_yield Tock{-10};
  } catch (const std::invalid_argument& e) {
    self.opts()["caught"] = e.what();  // its catch block sees the mistake
    throw;
  }
  co_return true;
}

TEST_F(FnDoerTest, ANegativeTockIsThrownIntoTheDogAtItsYield) {
  auto d = doify(yields_negative, "neg");
  Doist doist;
  try {
    doist.run({d.get()}, t32(8));
    FAIL() << "a negative co_yield was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "a dog co_yielded a negative tock (-0.00000001 s); a tock must be >= 0");
  }
  EXPECT_EQ(d->opts().at("caught"),
            "a dog co_yielded a negative tock (-0.00000001 s); a tock must be >= 0");
  EXPECT_FALSE(d->scheduled());
}

Doist* g_doist = nullptr;

Dog removes_itself_in_enter(Doer& self) {
  g_doist->remove({&self});  // before the first co_yield: in its enter
  for (;;)
    co_yield self.tock();
}

TEST_F(FnDoerTest, ADogRemovingItselfInItsEnterIsNotResumedInsideItself) {
  auto d = doify(removes_itself_in_enter, "selfish");
  Doist doist(seconds(1));
  g_doist = &doist;
  EXPECT_EQ(doist.run({d.get()}, seconds(3)), RunEnd::limit);
  g_doist = nullptr;
  EXPECT_FALSE(d->scheduled());
  EXPECT_EQ(d->done(), false);
}

Dog finishes_in_enter(Doer&) {
  co_return true;
}

TEST_F(FnDoerTest, ADogThatEndsInEnterIsNotScheduled) {
  auto d = doify(finishes_in_enter, "quick");
  Doist doist;
  EXPECT_EQ(doist.run({d.get()}), RunEnd::done);
  EXPECT_EQ(d->done(), true);
  EXPECT_EQ(doist.passes(), 1u);
}

Dog sets_own_final_value(Doer&) {
  try {
    for (;;)
      co_yield Tock{0};
  } catch (const Cease&) {
  }
  co_return true;  // a ceased coroutine may set its own final done
}

TEST_F(FnDoerTest, ACeasedDogMaySetItsOwnFinalValue) {
  auto d = doify(sets_own_final_value, "own");
  Doist doist;
  doist.run({d.get()}, t32(2));
  EXPECT_EQ(d->done(), true);
}

Dog ignores_cease(Doer&) {
  for (;;) {
    try {
      co_yield Tock{0};
    } catch (const Cease&) {
    }
  }
}

TEST_F(FnDoerTest, ADogThatKeepsRunningAfterCeaseIsAnError) {
  auto d = doify(ignores_cease, "stubborn");
  Doist doist;
  EXPECT_THROW(doist.run({d.get()}, t32(2)), std::logic_error);
  EXPECT_FALSE(d->scheduled());
}

// How a dog ends its forced close decides whether the run sees an error:
// a Cease (or a type derived from it) escaping is a clean close; anything
// else thrown while ceasing is the dog's error.
struct SubCease : Cease {};

Dog rethrows_cease_as(Doer& self) {
  try {
    for (;;)
      co_yield Tock{0};
  } catch (const Cease&) {
    if (self.opts().contains("sub")) throw SubCease{};
    if (self.opts().contains("error")) throw std::runtime_error("cease failed");
    throw;
  }
}

TEST_F(FnDoerTest, ACeaseEscapingTheDogIsACleanClose) {
  for (const char* how : {"same", "sub"}) {
    auto d = doify(rethrows_cease_as, "c", Tock{0}, Opts{{how, ""}});
    Doist doist;
    EXPECT_EQ(doist.run({d.get()}, t32(2)), RunEnd::limit) << how;
    EXPECT_EQ(d->done(), false) << how;
    EXPECT_FALSE(d->scheduled()) << how;
  }
}

TEST_F(FnDoerTest, AnErrorThrownWhileCeasingPropagates) {
  auto d = doify(rethrows_cease_as, "c", Tock{0}, Opts{{"error", ""}});
  Doist doist;
  EXPECT_THROW(doist.run({d.get()}, t32(2)), std::runtime_error);
  EXPECT_FALSE(d->scheduled());
}

// A dog that throws Cease by itself, not while it is being closed.
Dog ceases_by_itself(Doer&) {
  co_yield Tock{0};
  throw Cease{};
}

// An unrequested Cease is an error, as a class doer's recur throwing it is:
// it leaves run() (it was once taken for a close and swallowed: no error,
// the run went on to its limit).
TEST_F(FnDoerTest, ACeaseTheDogThrowsByItselfIsAnError) {
  auto d = doify(ceases_by_itself, "self");
  ProbeDoer other(trace, "other", Tock{0});
  Doist doist(t32(1));
  EXPECT_THROW(doist.run({d.get(), &other}, t32(5)), Cease);
  // It threw in its first run, at the first pass, before the other ran: that
  // one was closed there.
  EXPECT_EQ(doist.tyme(), Tyme{});
  EXPECT_THAT(trace, ElementsAre("other enter 0", "other cease 0", "other exit 0"));
  EXPECT_FALSE(d->scheduled());
  EXPECT_FALSE(other.scheduled());
}

// ex_fn that exits its Doist on its first recur.
Dog exits_doist_fn(Doer& self) {
  try {
    for (;;) {
      Tyme tyme = co_yield self.tock();
      note(self, "recur", tyme);
      g_doist->exit();
    }
  } catch (const Cease&) {
    note(self, "cease", self.tyme());
    throw;
  }
}

TEST_F(FnDoerTest, ADogExitingItsDoistIsCeasedWhenItsRunReturns) {
  // Closing the running dog at once would resume a coroutine that is
  // executing (undefined behaviour; ASan sees it).
  Doist doist(t32(1));
  g_doist = &doist;
  auto a = doify(ex_fn, "a", Tock{0});
  auto b = doify(exits_doist_fn, "b", Tock{0});
  doist.run({a.get(), b.get()}, t32(4));
  g_doist = nullptr;
  EXPECT_THAT(trace, ElementsAre("a enter 0", "a recur 0", "b recur 0", "a cease 0", "a exit 0",
                                 "b cease 0"));
  EXPECT_FALSE(a->scheduled());
  EXPECT_FALSE(b->scheduled());
}

TEST_F(FnDoerTest, AChildExitingTheDoistClosesItsGroupAfterTheGroupsPass) {
  // The group is the Doist's running deed: it is closed when its pass is
  // over, and closes its children (the dog that asked, now suspended, too).
  Doist doist(t32(1));
  g_doist = &doist;
  auto a = doify(ex_fn, "a", Tock{0});
  auto b = doify(exits_doist_fn, "b", Tock{0});
  auto c = doify(ex_fn, "c", Tock{0});
  DoDoer group("g", Tock{0}, {a.get(), b.get(), c.get()});
  doist.run({&group}, t32(4));
  g_doist = nullptr;
  EXPECT_THAT(trace, ElementsAre("a enter 0", "c enter 0", "a recur 0", "b recur 0", "c recur 0",
                                 "c cease 0", "c exit 0", "b cease 0", "a cease 0", "a exit 0"));
  EXPECT_FALSE(group.scheduled());
  EXPECT_FALSE(b->scheduled());
}

class ExReDoer : public ReDoer {
 public:
  using ReDoer::ReDoer;

 protected:
  void enter() override { g_trace->push_back(stamp(name(), "enter", tyme())); }
  Dog co_recur() override {
    for (int count = 1;; ++count) {
      Tyme tyme = co_yield this->tock();
      g_trace->push_back(stamp(name(), "recur", tyme));
      if (count > 3) co_return true;
    }
  }
  void clean() override { g_trace->push_back(stamp(name(), "clean", tyme())); }
  void exit() override { g_trace->push_back(stamp(name(), "exit", tyme())); }
  void cease() override { g_trace->push_back(stamp(name(), "cease", tyme())); }
};

using ReDoerTest = TraceTest;

TEST_F(ReDoerTest, RecurCoroutineRunsBetweenEnterAndCleanOrCease) {
  ExReDoer r0("r0", t32(1)), r1("r1", t32(2));
  Doist doist;
  EXPECT_EQ(doist.run({&r0, &r1}, Tock{125'000'000}), RunEnd::limit);
  EXPECT_THAT(
      trace, ElementsAre("r0 enter 0", "r1 enter 0", "r0 recur 0", "r1 recur 0", "r0 recur 0.03125",
                         "r0 recur 0.0625", "r1 recur 0.0625", "r0 recur 0.09375",
                         "r0 clean 0.09375", "r0 exit 0.09375", "r1 cease 0.125", "r1 exit 0.125"));
  EXPECT_EQ(r0.done(), true);
  EXPECT_EQ(r1.done(), false);
}

TEST_F(ReDoerTest, ClassFnAndReDoersInterleaveInQueueOrder) {
  ExDoer c(trace, "c", Tock{0});
  auto f = doify(ex_fn, "f");
  ExReDoer r("r", Tock{0});
  Doist doist;
  doist.run({&c, f.get(), &r});
  EXPECT_THAT(
      std::vector<std::string>(trace.begin(), trace.begin() + 6),
      ElementsAre("c enter 0", "f enter 0", "r enter 0", "c recur 0", "f recur 0", "r recur 0"));
}

// A ReDoer whose co_recur throws Cease by itself ends by that error, as a
// class doer does: abort then exit (not cease), and run() throws it.
class SelfCeasingReDoer : public ReDoer {
 public:
  using ReDoer::ReDoer;

 protected:
  Dog co_recur() override {
    co_yield this->tock();
    throw Cease{};
  }
  void cease() override { g_trace->push_back(stamp(name(), "cease", tyme())); }
  void abort(std::exception_ptr) override { g_trace->push_back(stamp(name(), "abort", tyme())); }
  void exit() override { g_trace->push_back(stamp(name(), "exit", tyme())); }
};

TEST_F(ReDoerTest, ACeaseItsDogThrowsByItselfEndsItByError) {
  SelfCeasingReDoer r("r", Tock{0});
  Doist doist(t32(1));
  EXPECT_THROW(doist.run({&r}, t32(5)), Cease);
  EXPECT_THAT(trace, ElementsAre("r abort 0", "r exit 0"));
  EXPECT_FALSE(r.scheduled());
}

// A ReDoer whose co_recur catches Cease and co_yields again never ends by
// itself: its close destroys the dog and ends the doer by that error, as
// when the same catch throws. abort and exit run (what enter took is
// released), cease does not, and the close's error says what went wrong.
class YieldingAfterCeaseReDoer : public SelfCeasingReDoer {
 public:
  using SelfCeasingReDoer::SelfCeasingReDoer;

 protected:
  Dog co_recur() override {
    for (;;) {
      try {
        co_yield Tock{0};
      } catch (const Cease&) {  // and yields again
      }
    }
  }
};

TEST_F(ReDoerTest, ADogThatYieldsAfterCeaseEndsItByErrorWithAbortAndExit) {
  YieldingAfterCeaseReDoer r("r", Tock{0});
  Doist doist(t32(1));
  std::string what;
  try {
    doist.run({&r}, t32(2));
  } catch (const std::logic_error& e) {
    what = e.what();
  }
  EXPECT_EQ(what, "doer 'r' co_yielded after Cease; a ceased dog must end");
  EXPECT_THAT(trace, ElementsAre("r abort 0.0625", "r exit 0.0625"));
  EXPECT_FALSE(r.scheduled());
  // And where the close cannot propagate (a Doist destroyed with it
  // entered), the error stays on the doer, after the same hooks.
  trace.clear();
  {
    Doist scoped(t32(1));
    scoped.enter({&r});
  }
  EXPECT_THAT(trace, ElementsAre("r abort 0", "r exit 0"));
  ASSERT_NE(r.hook_error(), nullptr);
  EXPECT_THROW(std::rethrow_exception(r.hook_error()), std::logic_error);
}

struct HookFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A ReDoer's hooks follow the class doer's rule: a failing abort or exit
// does not replace the error that ended the doer.
class FailingReDoer : public ReDoer {
 public:
  using ReDoer::ReDoer;

 protected:
  Dog co_recur() override {
    co_yield this->tock();
    throw std::runtime_error(name() + " failed");
  }
  void abort(std::exception_ptr) override {
    g_trace->push_back(stamp(name(), "abort", tyme()));
    throw HookFailure(name() + " abort failed");
  }
  void exit() override {
    g_trace->push_back(stamp(name(), "exit", tyme()));
    throw HookFailure(name() + " exit failed");
  }
};

TEST_F(ReDoerTest, AFailingAbortOrExitHookDoesNotReplaceTheError) {
  FailingReDoer r("r", Tock{0});
  Doist doist;
  std::string what;
  try {
    doist.run({&r});
  } catch (const HookFailure& e) {
    what = std::string("hook: ") + e.what();
  } catch (const std::runtime_error& e) {
    what = e.what();
  }
  EXPECT_EQ(what, "r failed");
  EXPECT_THAT(trace, ElementsAre("r abort 0", "r exit 0"));
  try {
    std::rethrow_exception(r.hook_error());
  } catch (const HookFailure& e) {
    EXPECT_STREQ(e.what(), "r abort failed");
  }
  EXPECT_NE(r.hook_error(), nullptr);
}

// A doify'd function's catch blocks are its hooks, and C++'s own rule holds
// there: what a catch block throws replaces the error. To keep it, the block
// throws with std::throw_with_nested, and the run passes the nest on intact.
Dog fails_while_aborting(Doer& self) {
  try {
    co_yield self.tock();
    throw std::runtime_error(self.name() + " failed");
  } catch (const Cease&) {
    throw;
  } catch (...) {
    std::throw_with_nested(HookFailure(self.name() + " abort failed"));
  }
}

TEST_F(FnDoerTest, AFunctionsFailingAbortKeepsTheErrorByNestingIt) {
  auto f = doify(fails_while_aborting, "f");
  Doist doist;
  std::string outer, inner;
  try {
    doist.run({f.get()});
  } catch (const HookFailure& e) {
    outer = e.what();
    try {
      std::rethrow_if_nested(e);
    } catch (const std::runtime_error& nested) {
      inner = nested.what();
    }
  }
  EXPECT_EQ(outer, "f abort failed");
  EXPECT_EQ(inner, "f failed");
}

}  // namespace coroutine_test
}  // namespace
}  // namespace hio::test
