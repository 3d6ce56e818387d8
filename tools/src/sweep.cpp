#include "hio/tools/sweep.hpp"

#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "hio/replay/digest.hpp"
#include "hio/tools/duration.hpp"

namespace hio::tools {

SeedRange parse_seed_range(const std::string& text) {
  const std::size_t dots = text.find("..");
  if (dots == std::string::npos) {
    const std::uint64_t seed = parse_u64(text, "--seeds");
    return SeedRange{seed, seed};
  }
  SeedRange range{parse_u64(std::string_view(text).substr(0, dots), "--seeds"),
                  parse_u64(std::string_view(text).substr(dots + 2), "--seeds")};
  if (range.first > range.last) {
    throw std::invalid_argument("--seeds " + text + ": the first seed is after the last");
  }
  return range;
}

Shard parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) throw std::invalid_argument("--shard " + text + ": expected K/N");
  Shard shard{parse_u64(std::string_view(text).substr(0, slash), "--shard"),
              parse_u64(std::string_view(text).substr(slash + 1), "--shard")};
  if (shard.count == 0 || shard.index == 0 || shard.index > shard.count) {
    throw std::invalid_argument("--shard " + text + ": need 1 <= K <= N");
  }
  return shard;
}

std::vector<std::uint64_t> shard_seeds(SeedRange range, Shard shard) {
  std::vector<std::uint64_t> seeds;
  std::uint64_t position = 0;
  for (std::uint64_t seed = range.first;; ++seed, ++position) {
    if (position % shard.count == shard.index - 1) seeds.push_back(seed);
    if (seed == range.last) break;
  }
  return seeds;
}

std::vector<SeedResult> sweep(const Scenario& scenario, const DoerRegistry& registry,
                              const std::vector<std::uint64_t>& seeds, unsigned jobs) {
  std::vector<SeedResult> results(seeds.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < seeds.size(); i = next++) {
      Scenario copy = scenario;
      copy.run.seed = seeds[i];
      SeedResult& result = results[i];
      result.seed = seeds[i];
      try {
        RunSummary summary = run_scenario(copy, registry);
        result.passed = summary.passed();
        result.first_failure = summary.first_failure();
        result.digest = summary.digest;
        result.end = summary.end;
      } catch (const std::exception& error) {
        result.passed = false;
        result.first_failure = std::string("error: ") + error.what();
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < std::max(jobs, 1u); ++j)
    threads.emplace_back(worker);
  worker();
  for (std::thread& thread : threads)
    thread.join();
  return results;
}

std::string format_seed_result_json(const SeedResult& r) {
  return "{\"seed\": " + std::to_string(r.seed) + ", \"passed\": " + (r.passed ? "true" : "false") +
         ", \"end\": \"" + to_string(r.end) + "\", \"digest\": \"" +
         replay::format_digest(r.digest) + "\", \"first_failure\": " + json_quote(r.first_failure) +
         "}";
}

}  // namespace hio::tools
