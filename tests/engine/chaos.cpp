#include "chaos.hpp"

#include <algorithm>

namespace hio::test {
namespace {

struct World;

class ChaosDoer : public Doer {
 public:
  ChaosDoer(World& world, std::string name, std::uint64_t seed, DoDoer* parent)
      : Doer(name, Tock{0}), world_(world), random_(seed, "chaos/" + name), parent_(parent) {}

  DoDoer* parent() const { return parent_; }

 protected:
  void enter() override;
  bool recur(Tyme tyme) override;
  void exit() override;
  void cease() override;

 private:
  void note(const std::string& what, Tyme tyme);

  World& world_;
  RandomStream random_;
  DoDoer* parent_;
};

struct World {
  std::uint64_t seed = 0;
  std::string trace;
  Doist* doist = nullptr;
  std::vector<std::unique_ptr<DoDoer>> groups;
  std::vector<std::unique_ptr<ChaosDoer>> doers;  // stable storage, creation order
  int extensions = 0;

  ChaosDoer& make(const std::string& name, DoDoer* parent) {
    doers.push_back(std::make_unique<ChaosDoer>(*this, name, seed, parent));
    return *doers.back();
  }
};

void ChaosDoer::note(const std::string& what, Tyme tyme) {
  world_.trace += name() + " " + what + " " + format_seconds(tyme) + "\n";
}

void ChaosDoer::enter() {
  note("enter", tyme());
  set_tock(Tock{random_.uniform(0, 3) * 31'250'000});
}

void ChaosDoer::exit() {
  note("exit", tyme());
}
void ChaosDoer::cease() {
  note("cease", tyme());
}

bool ChaosDoer::recur(Tyme tyme) {
  const std::int64_t action = random_.uniform(0, 99);
  note("recur " + std::to_string(action), tyme);
  if (action < 50) {
    static constexpr std::int64_t kTocks[] = {0, 31'250'000, 156'250'000, 700'000'000,
                                              2'000'000'000};
    set_tock(Tock{kTocks[random_.uniform(0, 4)]});
  } else if (action < 62) {
    park(tyme + random_.uniform_duration(Tock{1}, seconds(3)));
  } else if (action < 70) {
    park();
  } else if (action < 84) {
    auto& doers = world_.doers;
    ChaosDoer& other = *doers[static_cast<std::size_t>(
        random_.uniform(0, static_cast<std::int64_t>(doers.size()) - 1))];
    note("wakes " + other.name(), tyme);
    other.wake();
  } else if (action < 88) {
    return true;
  } else if (action < 94) {
    if (world_.extensions < 40) {
      ++world_.extensions;
      ChaosDoer& fresh = world_.make(name() + "+" + std::to_string(world_.extensions), parent_);
      note("extends " + fresh.name(), tyme);
      if (parent_ != nullptr) {
        parent_->extend({&fresh});
      } else {
        world_.doist->extend({&fresh});
      }
    }
  } else {
    auto& doers = world_.doers;
    ChaosDoer& other = *doers[static_cast<std::size_t>(
        random_.uniform(0, static_cast<std::int64_t>(doers.size()) - 1))];
    if (other.parent() == parent_) {
      note("removes " + other.name(), tyme);
      if (parent_ != nullptr) {
        parent_->remove({&other});
      } else {
        world_.doist->remove({&other});
      }
    }
  }
  return false;
}

}  // namespace

ChaosResult run_chaos(std::uint64_t seed, bool skip, bool off_grid) {
  World world;
  world.seed = seed;
  Doist doist;
  doist.set_skip(skip);
  world.doist = &doist;

  std::vector<Doer*> top;
  static constexpr std::int64_t kGroupTocks[] = {0, 62'500'000, 0, 93'750'000};
  for (int g = 0; g < 4; ++g) {
    auto group = std::make_unique<DoDoer>("g" + std::to_string(g), Tock{kGroupTocks[g]});
    group->set_skip_idle(skip);
    group->set_always(g == 2);
    for (int i = 0; i < 5; ++i) {
      group->extend({&world.make("g" + std::to_string(g) + "d" + std::to_string(i), group.get())});
    }
    top.push_back(group.get());
    world.groups.push_back(std::move(group));
  }
  for (int i = 0; i < 5; ++i)
    top.push_back(&world.make("d" + std::to_string(i), nullptr));

  // Two more levels below g0: tock-0 groups inside tock-0 groups.
  DoDoer* parent = world.groups[0].get();
  for (int level = 0; level < 2; ++level) {
    auto inner = std::make_unique<DoDoer>("n" + std::to_string(level), Tock{0});
    inner->set_skip_idle(skip);
    for (int i = 0; i < 3; ++i) {
      inner->extend({&world.make(inner->name() + "d" + std::to_string(i), inner.get())});
    }
    parent->extend({inner.get()});
    parent = inner.get();
    world.groups.push_back(std::move(inner));
  }

  if (off_grid) {
    auto outer = std::make_unique<DoDoer>("m0", Tock{93'750'000});
    auto inner = std::make_unique<DoDoer>("m1", Tock{0});
    outer->set_skip_idle(skip);
    inner->set_skip_idle(skip);
    for (int i = 0; i < 3; ++i)
      inner->extend({&world.make("m1d" + std::to_string(i), inner.get())});
    outer->extend({&world.make("m0d0", outer.get()), inner.get()});
    world.groups[1]->extend({outer.get()});
    world.groups.push_back(std::move(outer));
    world.groups.push_back(std::move(inner));
  }

  RunEnd end = doist.run(top, seconds(60));
  world.trace += std::string("end ") + to_string(end) + " " + format_seconds(doist.tyme()) + "\n";
  return ChaosResult{world.trace, doist.passes(), doist.executed_passes(), doist.tyme()};
}

}  // namespace hio::test
