// DoDoer::adopt and its ownership: a group lets go of the children it
// adopted as they leave (remove), hands them back (disown), and refuses,
// before taking it, a doer it could not own safely.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hio/engine/dodoer.hpp"
#include "hio/engine/doist.hpp"
#include "trace_doers.hpp"

namespace hio::test {
namespace {
namespace adopt_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Doers alive, by their constructors and destructors: what a group holds.
struct Census {
  int made = 0;
  int live = 0;
  int most_live = 0;
};

// A child of `group`, counted in `census` for its life: the base of the
// test doers below, whose census tells when the group destroyed them.
class Counted : public Doer {
 public:
  Counted(std::string name, Census& census, DoDoer& group)
      : Doer(std::move(name)), census_(census), group_(group) {
    ++census_.made;
    census_.most_live = std::max(census_.most_live, ++census_.live);
  }
  ~Counted() override { --census_.live; }

 protected:
  Census& census() const { return census_; }
  DoDoer& group() const { return group_; }

 private:
  Census& census_;
  DoDoer& group_;
};

// A short-lived child: runs `runs` times, then removes itself from its group
// as its last act and is done, as a spawned task ends.
class Blip : public Counted {
 public:
  Blip(Census& census, DoDoer& group, int runs)
      : Counted("blip", census, group), runs_left_(runs) {}

  // The census just after it removed itself: it must still be alive then.
  int live_after_remove = 0;

 protected:
  bool recur(Tyme) override {
    if (--runs_left_ > 0) return false;
    const int live = census().live;
    group().remove({this});  // finishes on its own: destroyed only after this run
    live_after_remove = census().live;
    EXPECT_EQ(live_after_remove, live);
    return true;
  }

 private:
  int runs_left_;
};

// Adopts one Blip each run.
class Spawner : public Doer {
 public:
  Spawner(Census& census, DoDoer& group) : Doer("spawner"), census_(census), group_(group) {}

 protected:
  bool recur(Tyme) override {
    group_.adopt(std::make_unique<Blip>(census_, group_, 3));
    return false;
  }

 private:
  Census& census_;
  DoDoer& group_;
};

// 1,000 children spawned, each living 3 passes: the group holds the few
// alive, not all it ever adopted (it held every one until session 24, some
// 260 bytes each: 260 MB for a million).
TEST(DoDoerAdopt, ChildrenThatRemoveThemselvesAreDestroyedSoTheGroupHoldsOnlyTheLiveOnes) {
  Census census;
  {
    DoDoer group("G", Tock{0}, {}, /*always=*/true);
    Spawner spawner(census, group);
    group.extend({&spawner});
    Doist doist(Tock{1'000'000});
    EXPECT_EQ(doist.run({&group}, Tock{1'000'000'000}), RunEnd::limit);
    EXPECT_EQ(census.made, 1000);
    EXPECT_LE(census.most_live, 4);
    EXPECT_LE(census.live, 4);
    EXPECT_LE(group.doers().size(), 5u);  // the spawner and the live blips
  }
  EXPECT_EQ(census.live, 0);  // the rest, owned still, went with the group
}

// Removed from outside the group's run, an adopted child is closed and
// destroyed at once; a disowned one is the caller's again.
TEST(DoDoerAdopt, RemovingAnAdoptedChildDestroysItAndDisownHandsItBack) {
  Census census;
  DoDoer group("G", Tock{0}, {}, /*always=*/true);
  Blip& kept = group.adopt(std::make_unique<Blip>(census, group, 100));
  Blip& dropped = group.adopt(std::make_unique<Blip>(census, group, 100));
  EXPECT_EQ(census.live, 2);
  Doist doist(Tock{1'000'000});
  doist.enter({&group});
  doist.recur();
  EXPECT_TRUE(dropped.scheduled());
  std::unique_ptr<Doer> back = group.disown(kept);
  EXPECT_EQ(back.get(), &kept);
  EXPECT_FALSE(group.owns(kept));
  group.remove({&dropped, &kept});  // closes both; destroys the one it owned
  EXPECT_EQ(census.live, 1);
  EXPECT_FALSE(kept.scheduled());
  EXPECT_TRUE(group.doers().empty());
  doist.exit();
  try {
    static_cast<void>(group.disown(kept));
    ADD_FAILURE() << "disowned a doer it does not own";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("DoDoer 'G': disown of doer 'blip', which it does not own"));
  }
  back.reset();
  EXPECT_EQ(census.live, 0);
}

// A child that, as it is closed, removes itself (its exit) or a sibling: its
// close runs outside any pass and unscheduled, and until rev24's fix the
// nested remove destroyed it (or the sibling's closer) while its hook ran.
class CloseRemover : public Counted {
 public:
  CloseRemover(Census& census, DoDoer& group, std::string name)
      : Counted(std::move(name), census, group) {}

  Doer* remove_at_exit = nullptr;  // this doer, a sibling, or none
  int exits = 0;

 protected:
  bool recur(Tyme) override { return false; }
  void exit() override {
    const int live = census().live;
    if (remove_at_exit != nullptr) group().remove({remove_at_exit});
    EXPECT_EQ(census().live, live) << name() << " or its closer was destroyed in its exit";
    ++exits;  // in freed memory, were it destroyed (ASan says so)
  }
};

TEST(DoDoerAdopt, AChildRemovingItselfAsItsGroupClosesItIsDestroyedAfterItsClose) {
  Census census;
  DoDoer group("G", Tock{0}, {}, /*always=*/true);
  CloseRemover& a = group.adopt(std::make_unique<CloseRemover>(census, group, "a"));
  a.remove_at_exit = &a;
  Doist doist(Tock{1'000'000});
  EXPECT_EQ(doist.run({&group}, Tock{3'000'000}), RunEnd::limit);  // the limit closes G
  EXPECT_EQ(census.live, 0);                                       // once its close returned
  EXPECT_TRUE(group.doers().empty());
}

TEST(DoDoerAdopt, AChildRemovedFromOutsideThatRemovesASiblingInItsExitOutlivesItsExit) {
  Census census;
  DoDoer group("G", Tock{0}, {}, /*always=*/true);
  CloseRemover& a = group.adopt(std::make_unique<CloseRemover>(census, group, "a"));
  CloseRemover& b = group.adopt(std::make_unique<CloseRemover>(census, group, "b"));
  a.remove_at_exit = &b;
  Doist doist(Tock{1'000'000});
  doist.enter({&group});
  doist.recur();
  group.remove({&a});  // a's exit removes b: both go, after the closes
  EXPECT_EQ(census.live, 0);
  EXPECT_TRUE(group.doers().empty());
  doist.exit();
}

TEST(DoDoerAdopt, AChildRemovingItselfAsItsDoistIsDestroyedIsDestroyedAfterItsClose) {
  Census census;
  {
    DoDoer group("G", Tock{0}, {}, /*always=*/true);
    CloseRemover& a = group.adopt(std::make_unique<CloseRemover>(census, group, "a"));
    a.remove_at_exit = &a;
    Doist doist(Tock{1'000'000});
    doist.enter({&group});
    doist.recur();
    // The Doist goes first: it closes G, whose exit closes a.
  }
  EXPECT_EQ(census.live, 0);
}

// A child removed while its enter runs is closed as its enter returns
// (Schedule::enter_one), outside remove() and exit(); a remove in that
// close's exit must not destroy it (rev24 #13: its reap did).
class Partner : public Counted {
 public:
  Partner(Census& census, DoDoer& group, Doer& victim)
      : Counted("partner", census, group), victim_(victim) {}

 protected:
  void enter() override { group().remove({&victim_}); }  // the victim's enter runs: closed after it
  bool recur(Tyme) override { return false; }

 private:
  Doer& victim_;
};

class Victim : public Counted {
 public:
  Victim(Census& census, DoDoer& group) : Counted("victim", census, group) {}

 protected:
  void enter() override {
    partner_ = &group().adopt(std::make_unique<Partner>(census(), group(), *this));
  }
  bool recur(Tyme) override { return false; }
  void exit() override {
    const int live = census().live;
    group().remove({partner_});
    // Nothing is reaped while a close runs: before, the victim went here.
    EXPECT_EQ(census().live, live) << "a child was destroyed in the victim's exit";
  }

 private:
  Doer* partner_ = nullptr;
};

TEST(DoDoerAdopt, AChildClosedAsItsEnterReturnsOutlivesItsClose) {
  Census census;
  DoDoer group("G", Tock{0}, {}, /*always=*/true);
  group.adopt(std::make_unique<Victim>(census, group));
  Doist doist(Tock{1'000'000});
  doist.enter({&group});  // G enters the victim, whose enter adopts the partner, which removes it
  doist.recur();
  doist.exit();
  EXPECT_EQ(census.live, 0);
}

// A child whose enter removes it (a spawned task that finds nothing to do),
// adopted or extended while its group runs, from outside a pass or from a
// sibling's run: it leaves the group, and goes (adopted) once it has ended.
// Until session 25 extend() listed it after its enter, so it stayed, owned,
// for the group's life (rev24 #7).
class EnterQuitter : public Counted {
 public:
  EnterQuitter(Census& census, DoDoer& group) : Counted("quitter", census, group) {}

 protected:
  void enter() override { group().remove({this}); }  // it finishes on its own
  bool recur(Tyme) override { return true; }
};

TEST(DoDoerAdopt, AChildWhoseEnterRemovesItLeavesItsRunningGroup) {
  for (const bool adopted : {false, true}) {
    for (const bool in_pass : {false, true}) {
      const std::string how = std::string(adopted ? "adopted" : "extended") +
                              (in_pass ? " in a pass" : " from outside");
      Census census;
      Trace trace;
      DoDoer group("G", Tock{0}, {}, /*always=*/true);
      auto quitter = std::make_unique<EnterQuitter>(census, group);
      EnterQuitter* const raw = quitter.get();
      const auto spawn = [&] {
        if (adopted) {
          group.adopt(std::move(quitter));
        } else {
          group.extend({raw});
        }
      };
      ProbeDoer sibling(trace, "sibling");
      sibling.on_recur = [&](ProbeDoer&, int n) {
        if (in_pass && n == 1) spawn();
      };
      group.extend({&sibling});
      Doist doist(Tock{1'000'000});
      doist.enter({&group});
      if (!in_pass) spawn();
      for (int i = 0; i < 3; ++i)
        doist.recur();
      EXPECT_THAT(group.doers(), ElementsAre(&sibling)) << how;
      EXPECT_EQ(census.made, 1) << how;
      EXPECT_EQ(census.live, adopted ? 0 : 1) << how;  // it ran once, then went
      if (!adopted) {
        EXPECT_FALSE(raw->scheduled()) << how;
      }
      doist.exit();
    }
  }
}

// A removed adopted child taken back in the same pass, before the group
// destroys it (after the pass): refused, as it goes all the same once it has
// ended. Until session 25 extend() listed it again and it was destroyed later
// while listed (rev24 #2); a second adopt() made two owners. disown() it
// before remove() to run it again.
TEST(DoDoerAdopt, ARemovedAdoptedChildCannotBeTakenBackBeforeItGoes) {
  Census census;
  Trace trace;
  DoDoer group("G", Tock{0}, {}, /*always=*/true);
  Doer* const victim = &group.adopt(std::make_unique<CloseRemover>(census, group, "victim"));
  ProbeDoer restarter(trace, "restarter");
  std::string refusal;
  bool second_owner_refused = false;
  restarter.on_recur = [&](ProbeDoer&, int n) {
    if (n != 1) return;
    group.remove({victim});  // closed now, destroyed after this pass
    try {
      group.extend({victim});
      ADD_FAILURE() << "a removed adopted child was taken back";
    } catch (const std::logic_error& e) {
      refusal = e.what();
    }
    if (refusal.empty()) return;
    std::unique_ptr<Doer> again(victim);
    try {
      group.adopt(std::move(again));
    } catch (const std::logic_error&) {
      second_owner_refused = true;
    }
    static_cast<void>(again.release());  // the group's still
  };
  group.extend({&restarter});
  Doist doist(Tock{1'000'000});
  doist.enter({&group});
  doist.recur();
  EXPECT_THAT(refusal, HasSubstr("DoDoer 'G': cannot take doer 'victim': it was adopted and "
                                 "removed, so it is destroyed once it has ended; disown() it "
                                 "before remove() to run it again"));
  EXPECT_TRUE(second_owner_refused);
  EXPECT_THAT(group.doers(), ElementsAre(&restarter));
  EXPECT_EQ(census.live, 0);  // went as the pass ended
  doist.exit();
}

// The same doer, removed by the group that adopted it, taken by another
// scheduler before it goes: every one refuses it (rev25 #2). Until session 27
// only the group that let it go did: another DoDoer or a Doist took it, and
// the group destroyed it once it ended there, or aborted the program
// ("destroyed while scheduled") when it was destroyed while the other still
// ran it.
TEST(DoDoerAdopt, ARemovedAdoptedChildIsRefusedByEveryOtherSchedulerUntilItGoes) {
  Census census;
  Trace trace;
  auto owner = std::make_unique<DoDoer>("A", Tock{0}, std::vector<Doer*>{}, /*always=*/true);
  Doer* const victim = &owner->adopt(std::make_unique<CloseRemover>(census, *owner, "victim"));
  DoDoer idle_group("B");     // not running: extend only lists
  DoDoer running_group("C");  // running: extend enters at once
  ProbeDoer keeper(trace, "keeper");
  running_group.extend({&keeper});
  Doist other(Tock{1'000'000});
  ProbeDoer mover(trace, "mover");
  std::vector<std::string> refusals;
  bool still_released_by_owner = false;
  const auto refused = [&](auto take) {
    try {
      take();
      ADD_FAILURE() << "a removed adopted child was taken by another scheduler";
    } catch (const std::logic_error& e) {
      refusals.emplace_back(e.what());
    }
  };
  mover.on_recur = [&](ProbeDoer&, int n) {
    if (n != 1) return;
    owner->remove({victim});  // closed now, destroyed after this pass
    still_released_by_owner = victim->released_by_owner();
    refused([&] { idle_group.extend({victim}); });
    refused([&] { running_group.extend({victim}); });
    refused([&] { other.extend({victim}); });
    refused([&] { other.enter({victim}); });
  };
  owner->extend({&mover});
  Doist doist(Tock{1'000'000});
  doist.enter({owner.get(), &running_group});
  doist.recur();  // the mover's first run: the victim goes at the pass's end
  EXPECT_TRUE(still_released_by_owner);
  ASSERT_EQ(refusals.size(), 4u);
  EXPECT_THAT(refusals[0], HasSubstr("DoDoer 'B': cannot take doer 'victim'"));
  EXPECT_THAT(refusals[1], HasSubstr("DoDoer 'C': cannot take doer 'victim'"));
  EXPECT_THAT(refusals[2], HasSubstr("the Doist: cannot take doer 'victim'"));
  EXPECT_THAT(refusals[3], HasSubstr("the Doist: cannot take doer 'victim'"));
  EXPECT_EQ(census.live, 0);
  EXPECT_TRUE(idle_group.doers().empty());
  EXPECT_THAT(running_group.doers(), ElementsAre(&keeper));
  EXPECT_TRUE(other.doers().empty());
  doist.recur();
  doist.remove({owner.get()});
  owner.reset();  // aborted here before: it destroyed the victim running in C
  doist.exit();
}

// A child listed in a second group (extend while it runs in the first only
// lists it there), then adopted and removed by the first: the second cannot
// adopt it (two owners would destroy it twice) nor enter it as it enters.
TEST(DoDoerAdopt, ARemovedAdoptedChildListedInAnotherGroupIsNotTakenThere) {
  Census census;
  Trace trace;
  DoDoer owner("A", Tock{0}, {}, /*always=*/true);
  Doer* const victim = &owner.adopt(std::make_unique<CloseRemover>(census, owner, "victim"));
  DoDoer second("B", Tock{0}, {}, /*always=*/true);
  second.extend({victim});  // listed only: B is not running
  ProbeDoer mover(trace, "mover");
  std::string adopt_refusal;
  std::string enter_refusal;
  mover.on_recur = [&](ProbeDoer&, int n) {
    if (n != 1) return;
    owner.remove({victim});
    std::unique_ptr<Doer> again(victim);
    try {
      second.adopt(std::move(again));
    } catch (const std::logic_error& e) {
      adopt_refusal = e.what();
    }
    static_cast<void>(again.release());  // A's still, until the pass ends
    Doist elsewhere(Tock{1'000'000});
    try {
      elsewhere.enter({&second});  // B enters its children: the victim too
    } catch (const std::logic_error& e) {
      enter_refusal = e.what();
    }
  };
  owner.extend({&mover});
  Doist doist(Tock{1'000'000});
  doist.enter({&owner});
  doist.recur();
  EXPECT_THAT(adopt_refusal, HasSubstr("DoDoer 'B': cannot take doer 'victim': it was adopted"));
  EXPECT_THAT(enter_refusal, HasSubstr("DoDoer 'B': cannot take doer 'victim': it was adopted"));
  EXPECT_EQ(census.live, 0);  // went as A's pass ended; B's list let it go
  EXPECT_TRUE(second.doers().empty());
  doist.exit();
}

// A doer scheduled by another Doist: owned here, it would be destroyed with
// the group (or when removed) while it still runs there. Refused before the
// group takes it: the caller's unique_ptr still holds it, and it runs on.
// (Until session 24 adopt took it, then threw "already scheduled", and the
// doer went with the group's owned ones while the other Doist ran it.)
TEST(DoDoerAdopt, ADoerScheduledElsewhereIsRefusedAndStaysTheCallers) {
  Trace trace;
  auto doer = std::make_unique<ExDoer>(trace, "x", Tock{0});
  Doist elsewhere(Tock{1'000'000});
  elsewhere.enter({doer.get()});
  for (const bool running : {false, true}) {
    DoDoer group("G", Tock{0}, {}, /*always=*/true);
    Doist doist(Tock{1'000'000});
    if (running) doist.enter({&group});
    try {
      group.adopt(std::move(doer));
      ADD_FAILURE() << "adopted a doer scheduled elsewhere";
    } catch (const std::logic_error& e) {
      EXPECT_THAT(e.what(), HasSubstr("DoDoer 'G': cannot adopt doer 'x': it is scheduled "
                                      "elsewhere (by a Doist or another DoDoer)"));
    }
    ASSERT_NE(doer, nullptr) << running;
    EXPECT_TRUE(doer->scheduled()) << running;
    EXPECT_TRUE(group.doers().empty()) << running;
    if (running) doist.exit();
  }
  elsewhere.recur();
  EXPECT_EQ(doer->recurs.size(), 1u);
  elsewhere.exit();
}

// Adopting what it owns already (two unique_ptrs to one doer) is refused too.
TEST(DoDoerAdopt, AnEmptyPointerAndTheGroupItselfAreRefused) {
  DoDoer group("G");
  std::unique_ptr<Doer> none;
  try {
    group.adopt(std::move(none));
    ADD_FAILURE() << "adopted an empty pointer";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("DoDoer 'G': adopt(nullptr)"));
  }
  std::unique_ptr<DoDoer> self(&group);
  try {
    group.adopt(std::move(self));
    ADD_FAILURE() << "a group adopted itself";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("DoDoer 'G' cannot adopt itself"));
  }
  ASSERT_EQ(self.get(), &group);  // still the caller's
  static_cast<void>(self.release());
  EXPECT_TRUE(group.doers().empty());
}

TEST(DoDoerAdopt, AdoptingTwiceIsRefused) {
  Trace trace;
  DoDoer group("G");
  ExDoer& c = group.adopt(std::make_unique<ExDoer>(trace, "c", Tock{0}));
  std::unique_ptr<ExDoer> again(&c);
  EXPECT_THROW(group.adopt(std::move(again)), std::logic_error);
  ASSERT_EQ(again.get(), &c);
  static_cast<void>(again.release());  // the group's still
  EXPECT_TRUE(group.owns(c));
  EXPECT_THAT(group.doers(), ElementsAre(&c));
}

// A doer whose enter throws, adopted while the group runs: the error
// propagates and the doer is the caller's still, not a child.
class BadEnter : public Doer {
 public:
  BadEnter() : Doer("bad") {}

 protected:
  void enter() override { throw std::runtime_error("bad enter"); }
};

TEST(DoDoerAdopt, AnAdoptedDoerWhoseEnterThrowsStaysTheCallers) {
  DoDoer group("G", Tock{0}, {}, /*always=*/true);
  Doist doist(Tock{1'000'000});
  doist.enter({&group});
  auto bad = std::make_unique<BadEnter>();
  EXPECT_THROW(group.adopt(std::move(bad)), std::runtime_error);
  ASSERT_NE(bad, nullptr);
  EXPECT_FALSE(bad->scheduled());
  EXPECT_TRUE(group.doers().empty());
  doist.exit();
}

}  // namespace adopt_test
}  // namespace
}  // namespace hio::test
