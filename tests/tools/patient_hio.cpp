// The stock hio command line with one kind changed, as a user's next version
// of a doer would be: "echo_client" waits three times its `retry` before it
// reconnects. A journal recorded by `hio` with a retrying client and replayed
// by this program must diverge at the first recorded reopen
// (tests/tools/cli_replay_retry.cmake).
#include <variant>

#include "changed_kind.hpp"

int main(int argc, char** argv) {
  using hio::tools::DoerFactory;
  using hio::tools::DoerSpec;
  const auto patient = [](DoerFactory stock) -> DoerFactory {
    return [stock](const DoerSpec& spec, hio::tools::BuildContext& context) {
      DoerSpec slower = spec;
      if (auto it = slower.params.find("retry"); it != slower.params.end()) {
        it->second.value = std::get<hio::Tock>(it->second.value) * 3;
      }
      return stock(slower, context);
    };
  };
  const hio::tools::DoerRegistry registry =
      hio::tools::test::stock_kinds_with("echo_client", patient);
  return hio::tools::run_cli(argc, argv, registry);
}
