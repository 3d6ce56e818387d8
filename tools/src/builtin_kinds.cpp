// The doer kinds every hio has; the IO ones are listed in io_kinds.hpp.
#include <memory>

#include "hio/tools/registry.hpp"

namespace hio::tools {

namespace {

// Runs every tock and counts its runs; done after `count` runs (0: never).
class Ticker final : public Doer {
 public:
  Ticker(const DoerSpec& spec, CounterBoard& counters)
      : Doer(spec.name, spec.tock), count_(spec.integer("count")) {
    if (count_ < 0) throw ParamError("count", "count must be >= 0 (0 = never done)");
    counters.add(spec.name + ".runs", runs_);
  }

 protected:
  void enter() override { runs_ = 0; }
  bool recur(Tyme) override { return ++runs_ == count_; }

 private:
  std::int64_t count_;
  Counter runs_;
};

}  // namespace

void add_builtin_kinds(DoerRegistry& registry) {
  registry.add(KindSpec{"group",
                        "a DoDoer: runs its children ([[...doer]]) as a nested scheduler",
                        {{"always", ParamType::boolean, "keep running when all children are done",
                          ParamValue{false}}},
                        nullptr,
                        true});
  registry.add(KindSpec{"ticker",
                        "runs every tock and counts its runs (counter: runs)",
                        {{"count", ParamType::integer, "done after this many runs; 0 = never",
                          ParamValue{std::int64_t{0}}}},
                        [](const DoerSpec& spec, BuildContext& context) -> std::unique_ptr<Doer> {
                          return std::make_unique<Ticker>(spec, context.counters);
                        },
                        false});
  add_io_kinds(registry);
}

}  // namespace hio::tools
