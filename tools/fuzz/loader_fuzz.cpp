// libFuzzer target for the scenario loader: any bytes either load or give a
// ScenarioError with positioned diagnostics; nothing else may escape, crash
// or hang. Built by the clang preset (HIO_FUZZ=ON).
#include <cstddef>
#include <cstdint>
#include <string>

#include "hio/tools/loader.hpp"

namespace {

const hio::tools::DoerRegistry& kinds() {
  static const hio::tools::DoerRegistry registry = [] {
    hio::tools::DoerRegistry r;
    hio::tools::add_builtin_kinds(r);
    return r;
  }();
  return registry;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    hio::tools::Scenario scenario = hio::tools::load_scenario_text(text, "fuzz.toml", kinds());
    // A loaded scenario accepts the CLI's overrides too.
    hio::tools::apply_override(scenario, "run.limit=1s");
  } catch (const hio::tools::ScenarioError& error) {
    if (error.diagnostics().empty()) __builtin_trap();  // an error must say what and where
  }
  return 0;
}
