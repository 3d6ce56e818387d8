// libFuzzer target for the scenario loader: any bytes either load or give a
// ScenarioError with positioned diagnostics; nothing else may escape, crash
// or hang. Built by the clang preset (HIO_FUZZ=ON).
#include <cstddef>
#include <cstdint>
#include <string>

#include "builtin_registry.hpp"
#include "hio/tools/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    hio::tools::Scenario scenario =
        hio::tools::load_scenario_text(text, "fuzz.toml", hio::tools::fuzz::builtin_registry());
    // A loaded scenario accepts the CLI's overrides too.
    hio::tools::apply_override(scenario, "run.limit=1s");
  } catch (const hio::tools::ScenarioError& error) {
    if (error.diagnostics().empty()) __builtin_trap();  // an error must say what and where
  }
  return 0;
}
