// The stock hio command line with one kind more, "prober": at its first run
// it opens `refused`, which its transport refuses (std::invalid_argument: a
// host the [net] does not have), counts the refusal and goes on: it binds
// `bound`, a datagram channel made after the refused open. Its journal
// replays `identical` with this program's `replay` only if the replay refuses
// the same open: else the refused open makes a channel there, and the bound
// one gets another id (tests/tools/cli_replay_refused_open.cmake).
#include <cstdint>
#include <stdexcept>
#include <string>

#include "hio/io/hub.hpp"
#include "hio/tools/cli.hpp"

namespace {

class Prober final : public hio::Doer {
 public:
  Prober(const hio::tools::DoerSpec& spec, hio::tools::BuildContext& context)
      : hio::Doer(spec.name),
        io_(context.io),
        refused_(spec.string("refused")),
        bound_(spec.string("bound")) {
    context.counters.add(spec.name + ".refusals", [this] { return refusals_; });
  }

 protected:
  bool recur(hio::Tyme) override {
    if (channel_ != nullptr) return ++runs_ >= 3;
    try {
      (void)io_.connect(refused_);
    } catch (const std::invalid_argument&) {
      ++refusals_;
    }
    channel_ = &io_.bind(bound_);
    return false;
  }
  void exit() override {
    if (channel_ != nullptr) io_.release(*channel_);
    channel_ = nullptr;
  }

 private:
  hio::IoHub& io_;
  std::string refused_;
  std::string bound_;
  hio::Channel* channel_ = nullptr;
  std::int64_t refusals_ = 0;
  int runs_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  hio::tools::DoerRegistry registry;
  hio::tools::add_builtin_kinds(registry);
  registry.add(hio::tools::KindSpec{
      .name = "prober",
      .doc = "opens `refused` (refused: counted), then binds `bound`",
      .params = {{.name = "refused", .type = hio::tools::ParamType::string, .doc = "refused"},
                 {.name = "bound", .type = hio::tools::ParamType::string, .doc = "bound"}},
      .make = hio::tools::factory_of<Prober>(),
  });
  return hio::tools::run_cli(argc, argv, registry);
}
