// Tymer and MonoTimer at the ends of their clocks: elapsed() and remaining()
// saturate, as their windows' stops do (time_after), instead of overflowing
// (signed overflow: undefined, caught by the asan preset's UBSan).
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "hio/engine/doist.hpp"
#include "hio/engine/mono_timer.hpp"
#include "hio/engine/tymist.hpp"

namespace hio::test {
namespace {
namespace tymer_test {

constexpr Tyme kTymeFirst{Tock::min()};

TEST(Tymer, ElapsedAndRemainingSaturateAtTheEndsOfTyme) {
  Tymist tymist(Tock{1}, kTymeNever);
  // Started at the first tyme, read at the last: elapsed is beyond the
  // longest Tock, and so is remaining going back.
  Tymer first(tymist.tymth(), Tock{0}, kTymeFirst);
  EXPECT_EQ(first.stop_tyme(), kTymeFirst);
  EXPECT_EQ(first.elapsed(), Tock::max());
  EXPECT_EQ(first.remaining(), Tock::min());
  EXPECT_TRUE(first.expired());
  // The other way round: read at the first tyme, a window from the last.
  Tymist early(Tock{1}, kTymeFirst);
  Tymer last(early.tymth(), Tock::max(), kTymeNever);
  EXPECT_EQ(last.elapsed(), Tock::min());
  EXPECT_EQ(last.remaining(), Tock::max());
  EXPECT_FALSE(last.expired());
  // Exact wherever the difference fits, up to its very ends.
  Tymer edge(early.tymth(), Tock{1}, Tyme{Tock{-2}});
  EXPECT_EQ(edge.elapsed(), Tock::min() + Tock{2});
  EXPECT_EQ(edge.remaining(), Tock::max());  // stop -1 minus the first tyme
  Tymer zero(early.tymth(), Tock{0}, Tyme{Tock{0}});
  EXPECT_EQ(zero.elapsed(), Tock::min());
  EXPECT_EQ(zero.remaining(), Tock::max());  // 0 - min is one beyond: saturated
  // Elapsed from the last tyme itself is the full length back.
  Tymist late(Tock{1}, Tyme{Tock{-1}});
  Tymer never(late.tymth(), Tock{0}, kTymeNever);
  EXPECT_EQ(never.elapsed(), Tock::min());
  EXPECT_EQ(never.remaining(), Tock::max());
}

TEST(Tymer, ElapsedAndRemainingAreExactInRange) {
  Tymist tymist(Tock{1}, Tyme{Tock{-5}});
  Tymer t(tymist.tymth(), Tock{12}, Tyme{Tock{-9}});
  EXPECT_EQ(t.elapsed(), Tock{4});
  EXPECT_EQ(t.remaining(), Tock{8});
  tymist.tick(Tock{20});
  EXPECT_EQ(t.elapsed(), Tock{24});
  EXPECT_EQ(t.remaining(), Tock{-12});
}

// hio's Tymer takes a negative duration (start + duration, no check), and
// so does this one: a window that stops before it starts, expired from its
// start on. (A tock or a limit is refused below 0: a step of a run.)
TEST(Tymer, ANegativeDurationIsTakenAsInHio) {
  Tymist tymist(Tock{1}, Tyme{Tock{10}});
  Tymer t(tymist.tymth(), Tock{-3});
  EXPECT_EQ(t.duration(), Tock{-3});
  EXPECT_EQ(t.start_tyme(), Tyme{Tock{10}});
  EXPECT_EQ(t.stop_tyme(), Tyme{Tock{7}});
  EXPECT_TRUE(t.expired());
  EXPECT_EQ(t.remaining(), Tock{-3});
  EXPECT_EQ(t.elapsed(), Tock{0});
  EXPECT_EQ(t.restart(), Tyme{Tock{7}});  // from the old stop, back again
  EXPECT_EQ(t.stop_tyme(), Tyme{Tock{4}});
  EXPECT_EQ(t.start(Tock{2}), Tyme{Tock{10}});
  EXPECT_FALSE(t.expired());
}

TEST(MonoTimer, ElapsedAndRemainingSaturateAtTheEndsOfTheClock) {
  using Clock = MonoTimer::Clock;
  // The steady clock reads a time after its epoch: from its first time
  // point, elapsed is beyond the longest duration.
  ASSERT_GT(Clock::now().time_since_epoch(), Clock::duration::zero());
  MonoTimer first(Clock::duration::zero(), Clock::time_point::min());
  EXPECT_EQ(first.elapsed(), Clock::duration::max());
  EXPECT_EQ(first.remaining(), Clock::duration::min());
  EXPECT_TRUE(first.expired());
  MonoTimer last(Clock::duration::max(), Clock::time_point::max());
  EXPECT_EQ(last.stop_time(), Clock::time_point::max());
  EXPECT_LT(last.elapsed(), Clock::duration::zero());
  EXPECT_GT(last.remaining(), Clock::duration::zero());
  EXPECT_FALSE(last.expired());
  // In range it is the plain difference.
  const auto origin = Clock::now() + std::chrono::hours(1);
  MonoTimer later(std::chrono::seconds(2), origin);
  EXPECT_LT(later.elapsed(), -std::chrono::minutes(59));
  EXPECT_GT(later.remaining(), std::chrono::minutes(60));
  EXPECT_LE(later.remaining(), std::chrono::hours(1) + std::chrono::seconds(2));
}

// A doer's Tymer member made with the doer's tymth() before the doer is
// scheduled reads no clock: started "from now" it stayed at tyme 0 and never
// expired, and the doer never finished. Now that start is refused.
class UnwoundTimeout final : public Doer {
 public:
  using Doer::Doer;

 protected:
  void enter() override { timer_.start(Tock{100'000'000}); }
  bool recur(Tyme) override { return timer_.expired(); }

 private:
  Tymer timer_{tymth()};  // unbound: the doer is not scheduled yet
};

// The same doer winding its Tymer (scheduling.md, "Tymers in a doer").
class WoundTimeout final : public Doer {
 public:
  using Doer::Doer;
  void wind(Tymth tymth) override {
    Doer::wind(tymth);
    timer_.wind(tymth);
  }

 protected:
  void enter() override { timer_.start(Tock{100'000'000}); }
  bool recur(Tyme) override { return timer_.expired(); }

 private:
  Tymer timer_;
};

TEST(Tymer, StartFromNowWithNoTymthIsRefused) {
  Doist doist(Tock{10'000'000});
  doist.set_handle_sigint(false);
  UnwoundTimeout doer("timeout");
  try {
    doist.run({&doer}, Tock{1'000'000'000});
    ADD_FAILURE() << "the run ended " << (doer.done().value_or(false) ? "done" : "not done")
                  << " at " << format_seconds(doist.tyme()) << " s";
  } catch (const std::logic_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("Tymer::start: this Tymer reads no tymth", 0), 0u)
        << e.what();
  }
  // A start given, and a window on a clock, are taken as before.
  Tymer unbound;
  EXPECT_EQ(unbound.start(Tock{5}, Tyme{Tock{3}}), Tyme{Tock{3}});
  EXPECT_EQ(unbound.stop_tyme(), Tyme{Tock{8}});
  unbound.wind(Tymth{});
  EXPECT_EQ(unbound.stop_tyme(), Tyme{Tock{5}});
}

TEST(Tymer, ADoerThatWindsItsTymerSeesItExpire) {
  Doist doist(Tock{10'000'000});
  doist.set_handle_sigint(false);
  WoundTimeout doer("timeout");
  EXPECT_EQ(doist.run({&doer}, Tock{1'000'000'000}), RunEnd::done);
  EXPECT_EQ(doist.tyme(), Tyme{Tock{110'000'000}});  // expired at the pass at 0.1 s
}

}  // namespace tymer_test
}  // namespace
}  // namespace hio::test
