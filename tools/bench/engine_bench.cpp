// Engine benchmarks: scheduler cost against a bare coroutine round robin
// measured in the same run, idle-doer cost, memory per doer, time skipping.
#include <algorithm>
#include <coroutine>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "bench.hpp"
#include "hio/engine/engine.hpp"

namespace hio::bench {
namespace {

constexpr int kDoers = 1000;
constexpr int kPasses = 1000;

// The physical floor: a minimal generator, resumed round robin.
struct Generator {
  struct promise_type {
    std::int64_t value = 0;
    Generator get_return_object() { return Generator{Handle::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(std::int64_t v) noexcept {
      value = v;
      return {};
    }
    void return_void() {}
    void unhandled_exception() { std::terminate(); }
  };
  using Handle = std::coroutine_handle<promise_type>;
  explicit Generator(Handle h) : handle(h) {}
  Generator(Generator&& other) noexcept : handle(std::exchange(other.handle, {})) {}
  ~Generator() {
    if (handle) handle.destroy();
  }
  Handle handle;
};

Generator counter() {
  for (std::int64_t i = 0;; ++i)
    co_yield i;
}

// Each of these is one timed run; engine_suite interleaves them, round after
// round, and keeps each one's best, so load on the machine hits all alike.
void coro_baseline() {
  std::int64_t sink = 0;
  {
    std::vector<Generator> gens;
    gens.reserve(kDoers);
    for (int i = 0; i < kDoers; ++i)
      gens.push_back(counter());
    for (int pass = 0; pass < kPasses; ++pass) {
      for (Generator& g : gens) {
        g.handle.resume();
        sink += g.handle.promise().value;
      }
    }
  }
  if (sink == 42) std::puts("");  // keep the work observable
}

class BusyDoer final : public Doer {
 public:
  using Doer::Doer;
  std::int64_t runs = 0;

 protected:
  bool recur(Tyme) override {
    ++runs;
    return false;
  }
};

class IdleDoer final : public Doer {
 public:
  using Doer::Doer;

 protected:
  void enter() override { park(); }
};

Dog busy_fn(Doer& self) {
  for (;;)
    co_yield self.tock();
}

template <typename Make>
void dense(Make make) {
  std::vector<std::unique_ptr<Doer>> doers;
  std::vector<Doer*> list;
  for (int i = 0; i < kDoers; ++i) {
    doers.push_back(make());
    list.push_back(doers.back().get());
  }
  Doist doist;
  doist.run(list, kDefaultTock * kPasses);
}

void nested() {
  std::vector<std::unique_ptr<DoDoer>> groups;
  std::vector<Doer*> top;
  for (int g = 0; g < 10; ++g) {
    auto group = std::make_unique<DoDoer>("g", Tock{0});
    for (int i = 0; i < kDoers / 10; ++i)
      group->adopt(std::make_unique<BusyDoer>("b"));
    top.push_back(group.get());
    groups.push_back(std::move(group));
  }
  Doist doist;
  doist.run(top, kDefaultTock * kPasses);
}

// ns per pass of a Doist with one busy doer and `idle` parked ones.
double ns_per_pass(Runs runs, int idle) {
  std::vector<std::unique_ptr<Doer>> doers;
  std::vector<Doer*> list;
  doers.push_back(std::make_unique<BusyDoer>("busy"));
  for (int i = 0; i < idle; ++i)
    doers.push_back(std::make_unique<IdleDoer>("idle"));
  for (auto& d : doers)
    list.push_back(d.get());
  Doist doist;
  doist.set_skip(false);
  doist.enter(list);
  constexpr int kMeasured = 200'000;
  double seconds = best_seconds(runs, [&] {
    for (int i = 0; i < kMeasured; ++i)
      doist.recur();
  });
  doist.exit();
  return seconds * 1e9 / kMeasured;
}

double bytes_per_idle_doer() {
  constexpr int kIdle = 100'000;
  std::vector<std::unique_ptr<Doer>> doers;
  std::vector<Doer*> list;
  doers.reserve(kIdle);
  list.reserve(kIdle);
  Doist doist;
  const std::uint64_t before = heap_bytes_allocated();
  for (int i = 0; i < kIdle; ++i) {
    doers.push_back(std::make_unique<IdleDoer>("idle"));
    list.push_back(doers.back().get());
  }
  doist.enter(list);
  doist.recur();
  const std::uint64_t after = heap_bytes_allocated();
  doist.exit();
  return double(after - before) / kIdle;
}

// Runs per second of kDoers doers on the timer path: tock 2 x the Doist's,
// so each is due every second pass (2 * kPasses passes).
double timer_resumes_per_s(Runs runs) {
  std::vector<std::unique_ptr<Doer>> doers;
  std::vector<Doer*> list;
  for (int i = 0; i < kDoers; ++i) {
    doers.push_back(std::make_unique<BusyDoer>("timer", kDefaultTock * 2));
    list.push_back(doers.back().get());
  }
  Doist doist;
  const double seconds = best_seconds(runs, [&] { doist.run(list, kDefaultTock * 2 * kPasses); });
  return double(kDoers) * kPasses / seconds;
}

// ns per doer of extending and removing at run time: with 10,000 alive, a
// doer extends 100 new ones and removes the 100 oldest every pass. Both runs
// start with the same 10,000 doers alive, so they resume alike every pass and
// the difference is the churn alone; each run's best is taken before the
// subtraction (the best of differences of two noisy times runs to zero).
double churn_ns_per_doer(Runs runs) {
  constexpr int kAlive = 10'000, kBatch = 100, kChurnPasses = 200;
  struct Churner final : Doer {
    using Doer::Doer;
    Doist* doist = nullptr;
    std::vector<std::unique_ptr<Doer>> made;
    std::size_t oldest = 0;
    bool recur(Tyme) override {
      std::vector<Doer*> batch;
      for (int i = 0; i < kBatch; ++i) {
        made.push_back(std::make_unique<BusyDoer>("c"));
        batch.push_back(made.back().get());
      }
      doist->extend(batch);
      batch.clear();
      const std::size_t first = oldest;
      while (made.size() - oldest > std::size_t{kAlive})
        batch.push_back(made[oldest++].get());
      doist->remove(batch);
      // Free what was removed, as a program would: memory stays that of
      // 10,000 doers, like the run without churn.
      for (std::size_t i = first; i < oldest; ++i)
        made[i].reset();
      return false;
    }
  };
  const auto alive_doers = [](std::vector<std::unique_ptr<Doer>>& owned) {
    std::vector<Doer*> list;
    for (int i = 0; i < kAlive; ++i) {
      owned.push_back(std::make_unique<BusyDoer>("s"));
      list.push_back(owned.back().get());
    }
    return list;
  };
  double with = 1e300, without = 1e300;
  for (int round = 0; round < runs.count; ++round) {
    Doist doist;
    Churner churner("churner");
    churner.doist = &doist;
    std::vector<Doer*> list = alive_doers(churner.made);
    list.push_back(&churner);
    with = std::min(with, best_seconds(Runs{1, runs.cpu_time},
                                       [&] { doist.run(list, kDefaultTock * kChurnPasses); }));
    std::vector<std::unique_ptr<Doer>> still;
    std::vector<Doer*> plain_list = alive_doers(still);
    Doist plain;
    without = std::min(without, best_seconds(Runs{1, runs.cpu_time}, [&] {
                         plain.run(plain_list, kDefaultTock * kChurnPasses);
                       }));
  }
  return (with - without) / (double(kBatch) * kChurnPasses) * 1e9;
}

// dense_fn's dogs, each sent its tyme and resumed kPasses times by a bare
// loop: no scheduler. Returned suspended, with the doers they run as.
struct BareDogs {
  std::vector<std::unique_ptr<Doer>> doers;
  std::vector<Dog> dogs;  // destroyed first
};
BareDogs run_bare_dogs() {
  BareDogs bare;
  for (int i = 0; i < kDoers; ++i) {
    bare.doers.push_back(std::make_unique<BusyDoer>("floor"));
    bare.dogs.push_back(busy_fn(*bare.doers.back()));
  }
  std::int64_t sink = 0;
  for (int pass = 0; pass < kPasses; ++pass) {
    const Tyme tyme{kDefaultTock * pass};
    for (Dog& dog : bare.dogs) {
      dog.promise().send(tyme);
      dog.handle().resume();
      sink += dog.promise().step().tock().count();
    }
  }
  if (sink == 42) std::puts("");  // keep the work observable
  return bare;
}

// The floor for coroutine doers: the bare loop, frames destroyed rather than
// closed.
void dog_floor() {
  run_bare_dogs();
}

// The floor with the close a scheduler must make: each dog force-closed
// (Cease thrown in at its suspension, as Doer::close does) instead of its
// frame destroyed. What dense_fn adds on top of this is the scheduler's.
// (These come after the other kinds, so adding this one moved none of them:
// where the code lands moves this benchmark's ratios by a few hundredths.)
void dog_floor_closed() {
  BareDogs bare = run_bare_dogs();
  for (Dog& dog : bare.dogs) {
    dog.promise().set_ceasing();
    dog.handle().resume();  // ends it: Cease escapes into the promise
  }
}

}  // namespace

void engine_suite(const Options& options, Report& report) {
  const Runs runs{options.rounds() * 3, options.cpu_time};
  constexpr double kResumes = double(kDoers) * kPasses;
  constexpr int kKinds = 6;
  double best[kKinds] = {1e300, 1e300, 1e300, 1e300, 1e300, 1e300};
  const std::function<void()> kinds[kKinds] = {
      coro_baseline,
      [] { dense([] { return std::make_unique<BusyDoer>("busy"); }); },
      [] { dense([] { return doify(busy_fn, "fn"); }); },
      nested,
      dog_floor,
      dog_floor_closed,
  };
  for (int round = 0; round < runs.count; ++round) {
    for (int k = 0; k < kKinds; ++k)
      best[k] = std::min(best[k], best_seconds(options.once(), kinds[k]));
  }
  const double baseline = kResumes / best[0];
  report.add("coro_baseline_resumes_per_s", baseline, "resumes/s");
  const char* names[kKinds] = {"", "dense", "dense_fn", "nested", "dog_floor", "dog_floor_closed"};
  for (int k = 1; k < kKinds; ++k) {
    const double rate = kResumes / best[k];
    report.add(std::string(names[k]) + "_resumes_per_s", rate, "resumes/s");
    report.add(std::string(names[k]) + "_vs_baseline", rate / baseline, "ratio");
  }

  const double lone = ns_per_pass(runs, 0);
  const double crowded = ns_per_pass(runs, 100'000);
  report.add("pass_ns_1_busy", lone, "ns");
  report.add("pass_ns_1_busy_100k_idle", crowded, "ns");
  report.add("idle_pass_ratio", crowded / lone, "ratio");

  report.add("bytes_per_idle_doer", bytes_per_idle_doer(), "bytes");

  report.add("timer_resumes_per_s", timer_resumes_per_s(runs), "resumes/s");
  report.add("churn_ns_per_doer", churn_ns_per_doer(runs), "ns");

  // 1000 doers with tock 60 s, Doist tock 1 ms, limit 24 h.
  std::vector<std::unique_ptr<Doer>> slow;
  std::vector<Doer*> list;
  for (int i = 0; i < kDoers; ++i) {
    slow.push_back(std::make_unique<BusyDoer>("slow", seconds(60)));
    list.push_back(slow.back().get());
  }
  Doist doist(Tock{1'000'000});
  double wall = best_seconds(options.once(), [&] { doist.run(list, seconds(24 * 3600)); });
  report.add("skip_speedup", double(doist.passes()) / double(doist.executed_passes()), "ratio");
  report.add("skip_nominal_passes", double(doist.passes()), "passes");
  report.add("skip_executed_passes", double(doist.executed_passes()), "passes");
  report.add("skip_wall_s", wall, "s");
}

}  // namespace hio::bench
