// A seeded "chaos" run: nested groups of doers that, drawing from named
// random streams, change tocks, park with and without deadlines, wake each
// other, finish, extend and remove. Its trace is the engine's determinism
// witness: same seed => same trace, whatever the build or time skipping.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hio/engine/engine.hpp"

namespace hio::test {

struct ChaosResult {
  std::string trace;  // one line per lifecycle event
  std::uint64_t passes = 0;
  std::uint64_t executed_passes = 0;
  Tyme end{};
};

// skip: Doist time skipping and DoDoer idle parking, both on or both off.
// off_grid: one more subtree (not in the golden traces) whose DoDoer runs
// off its own tock grid (93.75 ms under a 62.5 ms group: at 0, 125, 187.5,
// 312.5 ms), with a tock-0 group below it, which then skips some of its
// passes.
ChaosResult run_chaos(std::uint64_t seed, bool skip, bool off_grid = false);

}  // namespace hio::test
