// Runs a loaded scenario: builds its doer tree from a registry, runs it under
// a Doist, checks its expectations, and sums the run up.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hio/engine/doist.hpp"
#include "hio/tools/registry.hpp"
#include "hio/tools/scenario.hpp"

namespace hio::tools {

struct ExpectationResult {
  const Expectation* expectation = nullptr;
  bool passed = false;
  std::string detail;  // "client.rx_bytes was 812", "never held by 2s", ...
};

struct RunSummary {
  std::string name;
  std::uint64_t seed = 0;
  RunEnd end = RunEnd::done;
  std::uint64_t passes = 0;           // nominal
  std::uint64_t executed_passes = 0;  // run (fewer with time skipping)
  Tyme tyme{};                        // tyme simulated, from the start
  double wall_seconds = 0;            // for people only; never affects a run
  std::uint64_t events = 0;
  std::uint64_t digest = 0;
  std::vector<ExpectationResult> expectations;

  bool passed() const;
  // "first failed expectation" for sweeps; "" if all passed.
  std::string first_failure() const;
};

struct RunOptions {
  // Called about twice a wall second with the tyme, for a progress line.
  std::function<void(Tyme)> progress;
};

// Throws ScenarioError before anything runs if the tree cannot be built or an
// expectation names a counter no doer publishes. Exceptions from doers
// propagate (after every doer was closed).
RunSummary run_scenario(const Scenario& scenario, const DoerRegistry& registry,
                        const RunOptions& options = {});

// Human summary (several lines) and the same as one JSON object.
std::string format_summary(const RunSummary& summary);
std::string format_summary_json(const RunSummary& summary);

}  // namespace hio::tools
