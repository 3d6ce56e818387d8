// The scheduling core's fast paths (near-timer buckets, the ready hint from a
// DoDoer's pass grid, O(1) removal, O(1) DoDoer membership, winding once) are
// unobservable: runs happen in exactly the order of a plain model of hio's
// passes, at top level and inside groups, with removals of deeds wherever
// they wait.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hio/engine/dodoer.hpp"
#include "hio/engine/doist.hpp"

namespace hio::test {
namespace {
namespace scale_test {

constexpr std::int64_t kTock = 1'000'000;  // the Doist's tock, ns

// Tocks in multiples of the Doist's: 0, 1, 2, 3, 4 x; it changes its tock
// after some runs so that buckets get out-of-order appends.
class Ticker : public Doer {
 public:
  Ticker(std::vector<std::string>& log, int index)
      : Doer("t" + std::to_string(index), Tock{kTockOf(index, 0) * kTock}),
        log_(log),
        index_(index) {}
  static std::int64_t kTockOf(int index, int runs) { return (index * 7 + runs / 3 * 3) % 5; }
  int runs = 0;

 protected:
  bool recur(Tyme tyme) override {
    log_.push_back(std::to_string(tyme.time_since_epoch().count() / kTock) + " " + name());
    ++runs;
    set_tock(Tock{kTockOf(index_, runs) * kTock});
    return false;
  }

 private:
  std::vector<std::string>& log_;
  int index_;
};

// Runs first in every pass and removes ticker (pass * 5) % n at some passes.
class Remover : public Doer {
 public:
  Remover(std::vector<Doer*> targets, std::vector<bool>& gone)
      : Doer("remover"), targets_(std::move(targets)), gone_(gone) {}
  std::function<void(std::span<Doer* const>)> remove;

 protected:
  bool recur(Tyme tyme) override {
    const auto pass = tyme.time_since_epoch().count() / kTock;
    if (pass % 3 == 1) {
      const auto i = static_cast<std::size_t>(pass * 5) % targets_.size();
      if (!gone_[i]) {
        gone_[i] = true;
        Doer* one[] = {targets_[i]};
        remove(one);
      }
    }
    return false;
  }

 private:
  std::vector<Doer*> targets_;
  std::vector<bool>& gone_;
};

// The model: every pass at p * tock runs, in enter order, each live ticker
// whose retyme is due; a run's next retyme is retyme + tock; for tock 0 the
// scheduler's tock later: the pass after at top level, the same tyme in a
// tock-0 group (as in hio, so a later tock counts from there). The remover
// runs first, so its removals count from that pass.
std::vector<std::string> model(int n, int passes, bool in_group) {
  std::vector<std::string> log;
  std::vector<std::int64_t> retyme(static_cast<std::size_t>(n), 0);
  std::vector<int> runs(static_cast<std::size_t>(n), 0);
  std::vector<bool> gone(static_cast<std::size_t>(n), false);
  for (std::int64_t p = 0; p < passes; ++p) {
    if (p % 3 == 1) gone[static_cast<std::size_t>(p * 5) % static_cast<std::size_t>(n)] = true;
    for (int i = 0; i < n; ++i) {
      const auto u = static_cast<std::size_t>(i);
      if (gone[u] || retyme[u] > p) continue;
      log.push_back(std::to_string(p) + " t" + std::to_string(i));
      ++runs[u];
      const std::int64_t tock = Ticker::kTockOf(i, runs[u]);
      retyme[u] = tock == 0 ? (in_group ? p : p + 1) : retyme[u] + tock;
    }
  }
  return log;
}

// depth 0: at top level; otherwise inside that many nested tock-0 groups.
std::vector<std::string> run_tickers(int n, int passes, int depth, bool skip) {
  std::vector<std::string> log;
  std::vector<std::unique_ptr<Ticker>> tickers;
  std::vector<Doer*> targets;
  for (int i = 0; i < n; ++i) {
    tickers.push_back(std::make_unique<Ticker>(log, i));
    targets.push_back(tickers.back().get());
  }
  std::vector<bool> gone(static_cast<std::size_t>(n), false);
  Remover remover(targets, gone);
  std::vector<Doer*> top{&remover};
  top.insert(top.end(), targets.begin(), targets.end());
  Doist doist(Tock{kTock});
  doist.set_skip(skip);
  std::vector<std::unique_ptr<DoDoer>> groups;
  for (int d = 0; d < depth; ++d) {
    groups.push_back(std::make_unique<DoDoer>("g" + std::to_string(d), Tock{0}, top, true));
    groups.back()->set_skip_idle(skip);
    top = {groups.back().get()};
  }
  if (depth == 0) {
    remover.remove = [&](std::span<Doer* const> d) { doist.remove(d); };
  } else {
    remover.remove = [&](std::span<Doer* const> d) { groups.front()->remove(d); };
  }
  doist.run(top, Tock{passes * kTock});
  return log;
}

TEST(Scale, TimerPathRunsInTheModelsOrderAtTopLevelAndInGroups) {
  const int n = 40, passes = 60;
  for (int depth : {0, 1, 3}) {
    const std::vector<std::string> expected = model(n, passes, depth > 0);
    ASSERT_GT(expected.size(), 500u);
    for (bool skip : {true, false}) {
      const std::vector<std::string> got = run_tickers(n, passes, depth, skip);
      std::size_t i = 0;
      while (i < got.size() && i < expected.size() && got[i] == expected[i])
        ++i;
      EXPECT_EQ(i, expected.size()) << depth << " " << skip << ": first difference at " << i << ": "
                                    << (i < got.size() ? got[i] : "(end)") << " vs "
                                    << (i < expected.size() ? expected[i] : "(end)");
      EXPECT_EQ(got.size(), expected.size());
    }
  }
}

// B: a child whose tock is the Doist's, in tock-0 groups, waits in its
// group's ready list (it is due at the group's next run) and runs every pass;
// one at 2 x every second pass; no pass is added or lost.
TEST(Scale, ChildrenAtTheParentsGridRunEveryGridStep) {
  std::vector<std::string> log;
  struct Fixed : Doer {
    std::vector<std::string>& log;
    Fixed(std::vector<std::string>& l, std::string name, Tock tock)
        : Doer(std::move(name), tock), log(l) {}
    bool recur(Tyme tyme) override {
      log.push_back(std::to_string(tyme.time_since_epoch().count() / kTock) + " " + name());
      return false;
    }
  };
  Fixed one(log, "one", Tock{kTock}), two(log, "two", Tock{2 * kTock});
  DoDoer inner("inner", Tock{0}, {&one, &two});
  DoDoer outer("outer", Tock{0}, {&inner});
  Doist doist(Tock{kTock});
  doist.run({&outer}, Tock{4 * kTock});
  EXPECT_EQ(log, (std::vector<std::string>{"0 one", "0 two", "1 one", "2 one", "2 two", "3 one"}));
  EXPECT_EQ(doist.executed_passes(), 4u);
}

// D: extending a child that finished does nothing, under a DoDoer as under
// the Doist (hio filters the doers already listed); doers() lists it once.
TEST(Scale, ReExtendingAFinishedChildLeavesItInGroupsAndAtTopLevel) {
  struct Once : Doer {
    int runs = 0;
    using Doer::Doer;
    bool recur(Tyme) override {
      ++runs;
      return true;
    }
  };
  struct Extender : Doer {
    std::function<void()> at_2;
    int runs = 0;
    using Doer::Doer;
    bool recur(Tyme) override {
      if (++runs == 2) at_2();
      return runs == 4;
    }
  };
  for (bool in_group : {false, true}) {
    Once once("once");
    Extender ext("ext");
    DoDoer group("g", Tock{0}, {&once, &ext});
    Doist doist(Tock{kTock});
    if (in_group) {
      ext.at_2 = [&] { group.extend({&once, &once}); };
      doist.run({&group}, Tock{10 * kTock});
      EXPECT_EQ(group.doers(), (std::vector<Doer*>{&once, &ext}));
    } else {
      ext.at_2 = [&] { doist.extend({&once, &once}); };
      doist.run({&once, &ext}, Tock{10 * kTock});
      EXPECT_EQ(doist.doers(), (std::vector<Doer*>{&once, &ext}));
    }
    EXPECT_EQ(once.runs, 1) << in_group;
  }
}

// E: a deep chain is entered (wound once) and runs; a cycle made after a run
// is still refused.
TEST(Scale, ADeepChainRunsAndALaterCycleIsRefused) {
  const int depth = static_cast<int>(DoDoer::kDepthMax);  // the deepest legal chain
  std::vector<std::unique_ptr<DoDoer>> chain;
  for (int d = 0; d < depth; ++d)
    chain.push_back(std::make_unique<DoDoer>("g" + std::to_string(d)));
  struct Leaf : Doer {
    int runs = 0;
    using Doer::Doer;
    bool recur(Tyme) override { return ++runs == 3; }
  } leaf("leaf");
  for (int d = 0; d + 1 < depth; ++d)
    chain[static_cast<std::size_t>(d)]->extend({chain[static_cast<std::size_t>(d) + 1].get()});
  chain.back()->extend({&leaf});
  Doist doist(Tock{kTock});
  EXPECT_EQ(doist.run({chain.front().get()}), RunEnd::done);
  EXPECT_EQ(leaf.runs, 3);
  EXPECT_EQ(leaf.tyme(), doist.tyme());  // wound with the Doist's tymth
  chain.back()->extend({chain.front().get()});
  EXPECT_THROW(doist.run({chain.front().get()}), std::logic_error);
  chain.back()->remove({chain.front().get()});
}

// A chain deeper than DoDoer::kDepthMax is refused with std::length_error
// when it is run (it overflowed the stack at about 22,000 levels), and so is
// one that grows too deep during a run (extend); nothing of it stays
// scheduled, and a chain of a legal depth runs after.
TEST(Scale, AChainDeeperThanTheLimitIsRefusedNotACrash) {
  std::vector<std::unique_ptr<DoDoer>> chain;
  const auto link = [&chain](std::size_t from, std::size_t to) {
    for (std::size_t d = from; d + 1 < to; ++d)
      chain[d]->extend({chain[d + 1].get()});
  };
  for (int d = 0; d < 30'000; ++d)
    chain.push_back(std::make_unique<DoDoer>("g" + std::to_string(d)));
  link(0, chain.size());
  Doist doist(Tock{kTock});
  try {
    doist.run({chain.front().get()});
    ADD_FAILURE() << "a chain of 30,000 DoDoers ran";
  } catch (const std::length_error& error) {
    EXPECT_NE(std::string(error.what()).find("deeper than 1024 levels"), std::string::npos)
        << error.what();
  }
  for (const std::unique_ptr<DoDoer>& dodoer : chain)
    EXPECT_FALSE(dodoer->scheduled());

  // 600 levels run; a chain of 1,000 more, added at the bottom as they run,
  // is refused by the DoDoer that would be level 1,025.
  chain[599]->remove({chain[600].get()});
  chain[1599]->remove({chain[1600].get()});
  struct Grower : Doer {
    DoDoer* parent = nullptr;
    Doer* chain = nullptr;
    using Doer::Doer;
    bool recur(Tyme) override {
      parent->extend({chain});
      return true;
    }
  } grower("grower");
  grower.parent = chain[599].get();
  grower.chain = chain[600].get();
  chain[599]->extend({&grower});
  EXPECT_THROW(doist.run({chain.front().get()}), std::length_error);
  for (const std::unique_ptr<DoDoer>& dodoer : chain)
    EXPECT_FALSE(dodoer->scheduled());
  EXPECT_EQ(DoDoer::kDepthMax, 1024u);
}

// The limit counts levels from the Doist, not from the DoDoer a chain is
// entered under: a chain of 1,000 DoDoers extended under a running DoDoer of
// level 600 is refused before any of its enters ran. (It was refused at the
// enter of its 425th DoDoer, level 1,025, winding counting from the chain's
// top: the 424 above had entered, and the error closed them.) Of that chain,
// the 424 levels that fit then run.
TEST(Scale, AChainExtendedTooDeepIsRefusedBeforeAnyOfItsEnters) {
  struct Counted : DoDoer {
    int* enters = nullptr;
    using DoDoer::DoDoer;
    void enter() override {
      ++*enters;
      DoDoer::enter();
    }
  };
  constexpr std::size_t kAbove = 600;
  constexpr std::size_t kFits = DoDoer::kDepthMax - kAbove;
  int enters = 0;
  std::vector<std::unique_ptr<DoDoer>> above;
  std::vector<std::unique_ptr<Counted>> below;
  for (std::size_t d = 0; d < kAbove; ++d) {
    above.push_back(std::make_unique<DoDoer>("a" + std::to_string(d)));
    if (d > 0) above[d - 1]->extend({above[d].get()});
  }
  for (std::size_t d = 0; d < 1000; ++d) {
    below.push_back(std::make_unique<Counted>("b" + std::to_string(d)));
    below.back()->enters = &enters;
    if (d > 0) below[d - 1]->extend({below[d].get()});
  }
  struct Grower : Doer {
    DoDoer* parent = nullptr;
    Doer* chain = nullptr;
    using Doer::Doer;
    bool recur(Tyme) override {
      parent->extend({chain});
      return true;
    }
  } grower("grower");
  grower.parent = above.back().get();
  grower.chain = below.front().get();
  above.back()->extend({&grower});
  Doist doist(Tock{kTock});
  try {
    doist.run({above.front().get()});
    ADD_FAILURE() << "a chain reaching level " << kAbove + below.size() << " ran";
  } catch (const std::length_error& error) {
    EXPECT_NE(std::string(error.what()).find("deeper than 1024 levels"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(enters, 0) << "DoDoers of the refused chain were entered";
  for (const std::unique_ptr<Counted>& dodoer : below)
    EXPECT_FALSE(dodoer->scheduled());
  below[kFits - 1]->remove({below[kFits].get()});
  EXPECT_EQ(doist.run({above.front().get()}), RunEnd::done);
  EXPECT_EQ(enters, static_cast<int>(kFits));
}

}  // namespace scale_test
}  // namespace
}  // namespace hio::test
