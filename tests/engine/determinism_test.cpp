// The engine's determinism proof: the chaos trace is identical with time
// skipping on and off, run after run, and equal to the checked-in golden
// file — which every build (g++ and clang++, -O0 to -O2, sanitizers) checks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "chaos.hpp"

namespace hio::test {
namespace {
namespace determinism_test {

std::string golden_path(std::uint64_t seed) {
  return std::string(HIO_TEST_DATA_DIR) + "/golden/engine_chaos_" + std::to_string(seed) + ".trace";
}

TEST(EngineDeterminism, SkippingIsUnobservable) {
  for (std::uint64_t seed : {1u, 2u, 3u, 42u}) {
    ChaosResult with = run_chaos(seed, true);
    ChaosResult without = run_chaos(seed, false);
    EXPECT_EQ(with.trace, without.trace) << "seed " << seed;
    EXPECT_EQ(with.passes, without.passes) << "seed " << seed;
    EXPECT_EQ(without.executed_passes, without.passes);
    EXPECT_LT(with.executed_passes, with.passes) << "seed " << seed << ": nothing was skipped";
  }
}

// A DoDoer whose runs are not exactly its tock apart (93.75 ms under 62.5
// ms): a tock-0 group below it skips some of its passes, and parking that
// group idle must not make a woken child run at one of those.
TEST(EngineDeterminism, SkippingIsUnobservableOffTheGrid) {
  int differ = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    ChaosResult with = run_chaos(seed, true, true);
    ChaosResult without = run_chaos(seed, false, true);
    if (with.trace != without.trace) ++differ;
    EXPECT_EQ(with.trace, without.trace) << "seed " << seed;
  }
  EXPECT_EQ(differ, 0);
}

TEST(EngineDeterminism, SameSeedSameTraceDifferentSeedDifferentTrace) {
  EXPECT_EQ(run_chaos(7, true).trace, run_chaos(7, true).trace);
  EXPECT_NE(run_chaos(7, true).trace, run_chaos(8, true).trace);
}

TEST(EngineDeterminism, TraceMatchesTheGoldenFile) {
  // HIO_REGENERATE_GOLDEN=1 rewrites the files (review the diff!).
  const bool regenerate = std::getenv("HIO_REGENERATE_GOLDEN") != nullptr;
  for (std::uint64_t seed : {1u, 42u}) {
    const std::string trace = run_chaos(seed, true).trace;
    if (regenerate) {
      std::ofstream(golden_path(seed), std::ios::binary) << trace;
      continue;
    }
    std::ifstream in(golden_path(seed), std::ios::binary);
    ASSERT_TRUE(in) << "missing " << golden_path(seed);
    std::stringstream golden;
    golden << in.rdbuf();
    EXPECT_EQ(trace, golden.str()) << "seed " << seed << " differs from " << golden_path(seed);
  }
}

}  // namespace determinism_test
}  // namespace
}  // namespace hio::test
