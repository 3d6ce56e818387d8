// A program of your own with the whole hio command line and one doer kind of
// its own: "blinker", a doer that toggles a light every run and counts how
// often it was switched on. Build it, then:
//
//   my-hio run tools/examples/blinker.toml
//   my-hio check tools/examples/blinker.toml
//   my-hio sweep tools/examples/blinker.toml --seeds 1..100 --jobs 2
//
// Every subcommand works with the new kind, exactly as `hio` does with the
// built-in ones.
#include <hio/tools/cli.hpp>

namespace {

class Blinker final : public hio::Doer {
 public:
  Blinker(const hio::tools::DoerSpec& spec, hio::tools::BuildContext& context)
      : hio::Doer(spec.name), times_(spec.integer("times")) {
    // Reported at the key's line and column in the scenario.
    if (times_ < 0) throw hio::tools::ParamError("times", "times must be >= 0");
    // What expectations can check: "<name>.on_count". A Counter member keeps
    // the sum over `copies` up to date as it changes (a reader lambda would
    // re-read every copy at every read: docs/embedding.md).
    context.counters.add(spec.name + ".on_count", on_count_);
  }

 protected:
  void enter() override {
    on_ = false;
    on_count_ = 0;
  }
  bool recur(hio::Tyme) override {
    on_ = !on_;
    if (on_) ++on_count_;
    return on_count_ == times_ && !on_;  // done once switched off for the last time
  }

 private:
  std::int64_t times_;
  bool on_ = false;
  hio::tools::Counter on_count_;
};

}  // namespace

int main(int argc, char** argv) {
  hio::tools::DoerRegistry registry;
  hio::tools::add_builtin_kinds(registry);  // group, ticker, the IO kinds
  // Designated initializers: members left out take their defaults (a
  // ParamSpec without default_value is required; `group` is false).
  registry.add(hio::tools::KindSpec{
      .name = "blinker",
      .doc = "toggles a light every run; done after `times` blinks (counter: on_count)",
      .params = {{.name = "times",
                  .type = hio::tools::ParamType::integer,
                  .doc = "how many blinks",
                  .default_value = std::int64_t{3}}},
      // or any callable (spec, context) -> unique_ptr<Doer>
      .make = hio::tools::factory_of<Blinker>(),
  });
  return hio::tools::run_cli(argc, argv, registry);
}
