// TymistWatcher: what reads a Tymist's tyme and may outlive it is told when
// the Tymist (a Doist too) is destroyed, in the order it began watching;
// one destroyed first has left the Tymist's list (ASan sees a freed one told).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "hio/engine/dodoer.hpp"
#include "hio/engine/doist.hpp"
#include "hio/engine/tymist.hpp"

namespace hio::test {
namespace {
namespace tymist_watcher_test {

class Watcher final : public TymistWatcher {
 public:
  Watcher(std::string name, std::vector<std::string>& told) : name_(std::move(name)), told_(told) {}
  using TymistWatcher::watch;
  // Destroyed when this one is told (a watcher whose going takes another).
  std::unique_ptr<Watcher> takes_along;

 private:
  void tymist_destroyed() noexcept override {
    told_.push_back(name_);
    takes_along.reset();
  }
  std::string name_;
  std::vector<std::string>& told_;
};

TEST(TymistWatcher, ToldInTheOrderTheyBeganWatchingAndOnlyWhileWatching) {
  std::vector<std::string> told;
  auto tymist = std::make_unique<Tymist>();
  Tymist other;
  Watcher a("a", told);
  Watcher b("b", told);
  auto gone = std::make_unique<Watcher>("gone", told);
  Watcher c("c", told);
  Watcher moved("moved", told);
  Watcher none("none", told);
  b.watch(tymist->tymth());
  a.watch(tymist->tymth());
  gone->watch(tymist->tymth());
  c.watch(tymist->tymth());
  moved.watch(tymist->tymth());
  b.watch(tymist->tymth());  // the same Tymist again: keeps its place
  moved.watch(other.tymth());
  none.watch(tymist->tymth());
  none.watch(Tymth{});
  EXPECT_FALSE(none.watching());
  gone.reset();
  EXPECT_TRUE(a.watching());
  tymist.reset();
  EXPECT_EQ(told, (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_FALSE(a.watching());
  EXPECT_TRUE(moved.watching());
}

TEST(TymistWatcher, OneDestroyedByAnotherIsNotToldAfterItWent) {
  std::vector<std::string> told;
  auto doist = std::make_unique<Doist>();
  Watcher first("first", told);
  first.takes_along = std::make_unique<Watcher>("second", told);
  first.watch(doist->tymth());
  first.takes_along->watch(doist->tymth());
  {
    Doist gone;
    Watcher third("third", told);
    third.watch(gone.tymth());
    third.watch(doist->tymth());
  }
  EXPECT_TRUE(told.empty());
  // A Doist is a Tymist: its destruction tells them too.
  doist.reset();
  EXPECT_EQ(told, std::vector<std::string>{"first"});
}

// Doers are not watchers (a pass reads their tyme), but a destroyed Doist
// unwinds the doers it lists, and the trees below them: a doer declared
// before its Doist (the README's order) and read after it reads tyme 0, not
// freed memory. So do the Tymers its wind() winds.
class TimedDoer final : public Doer {
 public:
  TimedDoer(std::string name, int runs) : Doer(std::move(name), seconds(1)), runs_(runs) {}
  Tymer timer;
  void wind(Tymth tymth) override {
    Doer::wind(tymth);
    timer.wind(tymth);
  }

 protected:
  void enter() override {
    timer.start(seconds(10));
    left_ = runs_;
  }
  bool recur(Tyme) override { return --left_ <= 0; }

 private:
  int runs_;
  int left_ = 0;
};

TEST(DoersAfterTheirDoist, ReadTymeZeroOnceTheDoistThatWoundThemIsDestroyed) {
  TimedDoer solo("solo", 3), child("child", 2), queued("queued", 1);
  DoDoer group("group", Tock{0}, {&child});
  {
    auto doist = std::make_unique<Doist>(seconds(1));
    doist->run({&solo, &group});
    EXPECT_EQ(solo.tyme(), doist->tyme());
    EXPECT_EQ(child.tyme(), doist->tyme());
    EXPECT_GT(solo.tyme(), Tyme{});
    EXPECT_FALSE(solo.timer.expired());
  }
  {
    Doist doist(seconds(1));
    doist.enter({&queued});  // left entered: closed, then unwound
    EXPECT_TRUE(queued.tymth().bound());
  }
  for (const TimedDoer* doer : {&solo, &child, &queued}) {
    EXPECT_FALSE(doer->tymth().bound()) << doer->name();
    EXPECT_FALSE(doer->timer.tymth().bound()) << doer->name();
    EXPECT_EQ(doer->tyme(), Tyme{}) << doer->name();
  }
  EXPECT_FALSE(group.tymth().bound());
}

TEST(DoersAfterTheirDoist, ADoerAnotherDoistWoundSinceKeepsReadingIt) {
  TimedDoer moved("moved", 1), child("child", 1);
  DoDoer group("group", Tock{0}, {&child});
  Doist second(seconds(1));
  {
    Doist first(seconds(1));
    first.run({&moved, &group});
    second.run({&moved, &child});  // both now read `second`
  }
  EXPECT_EQ(moved.tymth(), second.tymth());
  EXPECT_EQ(child.tymth(), second.tymth());
  EXPECT_FALSE(group.tymth().bound());  // `first` wound it, and unwound it
}

// What a destroyed Doist does not reach (embedding.md, "Destroying things in
// any order"): a doer it no longer lists (removed, run by an earlier cycle)
// or one a DoDoer no longer lists keeps reading the Doist's tyme while the
// Doist lives, as after any run; unwound by hand before the Doist goes, it
// reads tyme 0 after, not freed memory (ASan).
TEST(DoersAfterTheirDoist, ADoerNoLongerListedReadsItsDoistUntilUnwoundByHand) {
  TimedDoer earlier("earlier", 1), removed("removed", 100), child("child", 100);
  DoDoer group("group", Tock{0}, {&child}, /*always=*/true);
  {
    Doist doist(seconds(1));
    doist.run({&earlier});
    doist.enter({&removed, &group});  // a new cycle: `earlier` is not in doers()
    doist.recur();
    doist.remove({&removed});
    group.remove({&child});
    for (const TimedDoer* doer : {&earlier, &removed, &child}) {
      EXPECT_EQ(doer->tymth(), doist.tymth()) << doer->name();
      EXPECT_EQ(doer->tyme(), doist.tyme()) << doer->name();
    }
    for (TimedDoer* doer : {&earlier, &removed, &child})
      doer->wind(Tymth{});
    doist.exit();
  }
  for (const TimedDoer* doer : {&earlier, &removed, &child}) {
    EXPECT_FALSE(doer->tymth().bound()) << doer->name();
    EXPECT_FALSE(doer->timer.tymth().bound()) << doer->name();
    EXPECT_EQ(doer->tyme(), Tyme{}) << doer->name();
  }
}

}  // namespace tymist_watcher_test
}  // namespace
}  // namespace hio::test
