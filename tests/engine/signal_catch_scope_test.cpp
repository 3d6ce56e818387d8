// SignalCatchScope with real signals sent to this thread (raise): the
// handler it installs is the one called, the action and mask that were
// there before come back when it ends, nested scopes unwind in order, and a
// signal it is told to leave as it is (a SIGHUP that came in ignored) stays so.
#include "hio/engine/signal_catch_scope.hpp"

#include <pthread.h>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <csignal>
#include <ctime>
#include <stdexcept>

#include "hio/engine/doist.hpp"  // stop_signal_kept_ignored

namespace hio {
namespace {
namespace signal_catch_scope_test {

// Which handler a signal reached, counted per handler. Lock-free atomics:
// the handlers only store to them (async-signal-safe).
std::atomic<int> g_before{0};  // the action the test set before the scope
std::atomic<int> g_outer{0};
std::atomic<int> g_inner{0};
// on_first_raising_second: how many `second` signals had been handled when
// its raise(second) returned (-1: not run).
std::atomic<int> g_second_seen_in_first{-1};
static_assert(std::atomic<int>::is_always_lock_free);

constexpr int kFirst = SIGUSR2;
constexpr int kSecond = SIGWINCH;

void on_before(int) {
  g_before.fetch_add(1);
}
void on_outer(int) {
  g_outer.fetch_add(1);
}
void on_inner(int) {
  g_inner.fetch_add(1);
}
void on_first_raising_second(int signal) {
  if (signal == kFirst) {
    std::raise(kSecond);  // async-signal-safe
    g_second_seen_in_first.store(g_outer.load());
  } else {
    g_outer.fetch_add(1);
  }
}

struct sigaction action_of(int signal) {
  struct sigaction current {};
  sigaction(signal, nullptr, &current);
  return current;
}

bool blocked_here(int signal) {
  sigset_t mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  return sigismember(&mask, signal) == 1;
}

void set_blocked(int signal, bool blocked) {
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, signal);
  pthread_sigmask(blocked ? SIG_BLOCK : SIG_UNBLOCK, &one, nullptr);
}

// Each test starts with kFirst, kSecond and SIGHUP handled by on_before and
// unblocked, with counters at 0; what the test runner had is put back after.
class SignalCatchScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pthread_sigmask(SIG_BLOCK, nullptr, &runner_mask_);
    struct sigaction before {};
    before.sa_handler = on_before;
    sigemptyset(&before.sa_mask);
    for (std::size_t i = 0; i < kSignals.size(); ++i) {
      sigaction(kSignals[i], &before, &runner_actions_[i]);
      set_blocked(kSignals[i], false);
    }
    g_before = 0;
    g_outer = 0;
    g_inner = 0;
    g_second_seen_in_first = -1;
  }
  void TearDown() override {
    pthread_sigmask(SIG_SETMASK, &runner_mask_, nullptr);
    for (std::size_t i = 0; i < kSignals.size(); ++i)
      sigaction(kSignals[i], &runner_actions_[i], nullptr);
  }

 private:
  static constexpr std::array<int, 3> kSignals = {kFirst, kSecond, SIGHUP};
  std::array<struct sigaction, kSignals.size()> runner_actions_{};
  sigset_t runner_mask_{};
};

TEST_F(SignalCatchScopeTest, CatchesWhileItLivesThenPutsThePreviousActionBack) {
  const std::array<int, 2> signals = {kFirst, kSecond};
  {
    const SignalCatchScope scope(signals, on_outer, {});
    EXPECT_EQ(action_of(kFirst).sa_handler, on_outer);
    EXPECT_EQ(action_of(kFirst).sa_flags & SA_RESTART, 0);
    std::raise(kFirst);
    std::raise(kSecond);
    EXPECT_EQ(g_outer.load(), 2);
    EXPECT_EQ(g_before.load(), 0);
  }
  EXPECT_EQ(action_of(kFirst).sa_handler, on_before);
  EXPECT_EQ(action_of(kSecond).sa_handler, on_before);
  std::raise(kFirst);
  std::raise(kSecond);
  EXPECT_EQ(g_before.load(), 2);
  EXPECT_EQ(g_outer.load(), 2);
}

TEST_F(SignalCatchScopeTest, RestartCallsSetsSaRestart) {
  const std::array<int, 1> signals = {kFirst};
  const SignalCatchScope scope(signals, on_outer, {.restart_calls = true});
  EXPECT_NE(action_of(kFirst).sa_flags & SA_RESTART, 0);
}

// sa_mask: a signal of the scope raised from inside another's handler waits
// until that handler returns (the stop signals' handler keeps one flag).
TEST_F(SignalCatchScopeTest, TheScopesOtherSignalsWaitWhileOneHandlerRuns) {
  const std::array<int, 2> signals = {kFirst, kSecond};
  const SignalCatchScope scope(signals, on_first_raising_second, {});
  std::raise(kFirst);
  EXPECT_EQ(g_second_seen_in_first.load(), 0);  // held back inside the handler
  EXPECT_EQ(g_outer.load(), 1);                 // and handled after it
}

// A launcher that blocked the signal: the scope unblocks it, a signal that
// was pending reaches the scope's handler (not the action before it), and
// the mask comes back blocked.
TEST_F(SignalCatchScopeTest, UnblockTakesAPendingSignalThenPutsTheMaskBack) {
  set_blocked(kFirst, true);
  std::raise(kFirst);  // pending
  EXPECT_EQ(g_before.load(), 0);
  const std::array<int, 1> signals = {kFirst};
  {
    const SignalCatchScope scope(signals, on_outer, {.mask = SignalMaskChange::unblock});
    EXPECT_EQ(g_outer.load(), 1);  // the pending one
    EXPECT_EQ(g_before.load(), 0);
    EXPECT_FALSE(blocked_here(kFirst));
    std::raise(kFirst);
    EXPECT_EQ(g_outer.load(), 2);
  }
  EXPECT_TRUE(blocked_here(kFirst));
  std::raise(kFirst);  // pending again, for the action before
  EXPECT_EQ(g_outer.load(), 2);
  EXPECT_EQ(g_before.load(), 0);
  set_blocked(kFirst, false);
  EXPECT_EQ(g_before.load(), 1);
}

TEST_F(SignalCatchScopeTest, WithoutUnblockTheMaskIsLeftAsItIs) {
  set_blocked(kFirst, true);
  const std::array<int, 1> signals = {kFirst};
  const SignalCatchScope scope(signals, on_outer, {});
  EXPECT_TRUE(blocked_here(kFirst));
}

// hio sweep's watcher: the signals are blocked and taken by sigtimedwait,
// and at the end the action goes back before the mask: one still pending
// then reaches the action before, not the handler of the scope that ended.
TEST_F(SignalCatchScopeTest, BlockHoldsTheSignalsForSigtimedwaitAndPutsTheActionBackFirst) {
  const std::array<int, 1> signals = {kFirst};
  const timespec now{0, 0};
  {
    const SignalCatchScope scope(signals, on_outer, {.mask = SignalMaskChange::block});
    EXPECT_EQ(action_of(kFirst).sa_handler, on_outer);
    EXPECT_TRUE(blocked_here(kFirst));
    EXPECT_EQ(sigismember(&scope.caught(), kFirst), 1);
    std::raise(kFirst);
    EXPECT_EQ(sigtimedwait(&scope.caught(), nullptr, &now), kFirst);
    std::raise(kFirst);  // left pending at the end
  }
  EXPECT_FALSE(blocked_here(kFirst));
  EXPECT_EQ(g_outer.load(), 0);
  EXPECT_EQ(g_before.load(), 1);
}

// Nested scopes over one signal: each puts back what it found, the inner
// one the outer's handler and mask, the outer one the first.
TEST_F(SignalCatchScopeTest, NestedScopesUnwindInOrder) {
  set_blocked(kFirst, true);
  const std::array<int, 1> signals = {kFirst};
  {
    const SignalCatchScope outer(signals, on_outer, {.mask = SignalMaskChange::unblock});
    {
      const SignalCatchScope inner(signals, on_inner, {.mask = SignalMaskChange::unblock});
      std::raise(kFirst);
      EXPECT_EQ(g_inner.load(), 1);
      EXPECT_EQ(g_outer.load(), 0);
    }
    EXPECT_EQ(action_of(kFirst).sa_handler, on_outer);
    EXPECT_FALSE(blocked_here(kFirst));  // as the outer scope left it
    std::raise(kFirst);
    EXPECT_EQ(g_outer.load(), 1);
    EXPECT_EQ(g_inner.load(), 1);
  }
  EXPECT_EQ(action_of(kFirst).sa_handler, on_before);
  EXPECT_TRUE(blocked_here(kFirst));
  EXPECT_EQ(g_before.load(), 0);
}

// stop_signal_kept_ignored's rule: a SIGHUP that came in ignored (nohup)
// stays ignored, and blocked if it was, while the others are caught; one
// that did not is caught as they are.
TEST_F(SignalCatchScopeTest, ASignalLeftAsItIsKeepsItsActionAndMask) {
  const std::array<int, 2> signals = {kFirst, SIGHUP};
  const SignalCatchOptions options{.mask = SignalMaskChange::unblock,
                                   .leave_as_is = stop_signal_kept_ignored};
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGHUP, &ignore, nullptr);
  set_blocked(SIGHUP, true);
  {
    const SignalCatchScope scope(signals, on_outer, options);
    EXPECT_EQ(action_of(SIGHUP).sa_handler, SIG_IGN);
    EXPECT_TRUE(blocked_here(SIGHUP));
    EXPECT_EQ(sigismember(&scope.caught(), SIGHUP), 0);
    EXPECT_EQ(sigismember(&scope.caught(), kFirst), 1);
    EXPECT_EQ(action_of(kFirst).sa_handler, on_outer);
    set_blocked(SIGHUP, false);
    std::raise(SIGHUP);  // ignored
    std::raise(kFirst);
    EXPECT_EQ(g_outer.load(), 1);
  }
  EXPECT_EQ(action_of(SIGHUP).sa_handler, SIG_IGN);
  // Not ignored (on_before): caught.
  struct sigaction before {};
  before.sa_handler = on_before;
  sigemptyset(&before.sa_mask);
  sigaction(SIGHUP, &before, nullptr);
  {
    const SignalCatchScope scope(signals, on_outer, options);
    std::raise(SIGHUP);
    EXPECT_EQ(g_outer.load(), 2);
    EXPECT_EQ(g_before.load(), 0);
  }
  EXPECT_EQ(action_of(SIGHUP).sa_handler, on_before);
}

// Refused before any action changed.
TEST_F(SignalCatchScopeTest, TooManySignalsOrANonSignalIsInvalid) {
  const std::array<int, SignalCatchScope::kSignalsMax + 1> many = {kFirst, kSecond, SIGHUP, SIGURG,
                                                                   SIGCHLD};
  EXPECT_THROW(SignalCatchScope(many, on_outer, {}), std::invalid_argument);
  const std::array<int, 2> bad = {kFirst, 1000};
  EXPECT_THROW(SignalCatchScope(bad, on_outer, {}), std::invalid_argument);
  EXPECT_EQ(action_of(kFirst).sa_handler, on_before);
  // Given twice, the second would save the scope's own handler as the action
  // before: refused, and nothing changed.
  const std::array<int, 2> twice = {kFirst, kFirst};
  EXPECT_THROW(
      {
        SignalCatchScope scope(twice, on_outer, {});
        (void)scope;
      },
      std::invalid_argument);
  EXPECT_EQ(action_of(kFirst).sa_handler, on_before);
}

}  // namespace signal_catch_scope_test
}  // namespace
}  // namespace hio
