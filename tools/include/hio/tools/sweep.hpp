// Sweep: one scenario over many seeds, each run from fresh state, on a few
// worker threads; results come back in seed order whatever the thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hio/tools/registry.hpp"
#include "hio/tools/runner.hpp"
#include "hio/tools/scenario.hpp"

namespace hio::tools {

struct SeedRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

// "A..B" (inclusive, A <= B) or a single "N". Throws std::invalid_argument.
SeedRange parse_seed_range(const std::string& text);

// "K/N" with 1 <= K <= N: this process takes every N-th seed, starting with
// the K-th of the range. Throws std::invalid_argument.
struct Shard {
  std::uint64_t index = 1;
  std::uint64_t count = 1;
};
Shard parse_shard(const std::string& text);

// The seeds of `range` that belong to `shard`, in order.
std::vector<std::uint64_t> shard_seeds(SeedRange range, Shard shard);

struct SeedResult {
  std::uint64_t seed = 0;
  bool passed = false;
  std::string first_failure;  // empty when passed; the error text if the run threw
  std::uint64_t digest = 0;
  RunEnd end = RunEnd::done;
};

// Runs `scenario` once per seed with `jobs` threads (>= 1). A run that throws
// counts as failed with the error as its failure.
std::vector<SeedResult> sweep(const Scenario& scenario, const DoerRegistry& registry,
                              const std::vector<std::uint64_t>& seeds, unsigned jobs);

std::string format_seed_result_json(const SeedResult& result);

}  // namespace hio::tools
