#include "hio/tools/cli.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "hio/tools/duration.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/runner.hpp"
#include "hio/tools/sweep.hpp"

namespace hio::tools {

namespace {

constexpr const char* kVersion = "hio 0.1.0";

constexpr const char* kExamples = R"(Examples:
  hio run scenarios/quickstart.toml
  hio run scenarios/quickstart.toml --seed 7 --set run.limit=2s --json
  hio check scenarios/quickstart.toml
  hio sweep scenarios/quickstart.toml --seeds 1..200 --jobs 2

Exit codes: 0 ok, 1 expectations failed, 2 bad input or usage,
            3 replay divergence, 130 interrupted.)";

void print_diagnostics(const ScenarioError& error) {
  for (const Diagnostic& d : error.diagnostics())
    std::cerr << d.str() << "\n";
}

struct RunArgs {
  std::string scenario;
  std::optional<std::string> seed;  // checked by apply_override: CLI11 wraps "-4"
  std::optional<std::string> limit;
  bool real = false;
  std::vector<std::string> sets;
  bool json = false;
};

struct SweepArgs {
  std::string scenario;
  std::string seeds;
  unsigned jobs = 1;
  std::string shard = "1/1";
  std::vector<std::string> sets;
  bool json = false;
};

int do_sweep(const SweepArgs& args, const DoerRegistry& registry) {
  Scenario scenario;
  std::vector<std::uint64_t> seeds;
  try {
    scenario = load_scenario_file(args.scenario, registry);
    for (const std::string& set : args.sets)
      apply_override(scenario, set);
    seeds = shard_seeds(parse_seed_range(args.seeds), parse_shard(args.shard));
  } catch (const ScenarioError& error) {
    print_diagnostics(error);
    return kExitBadInput;
  } catch (const std::invalid_argument& error) {
    std::cerr << "hio sweep: " << error.what() << "\n";
    return kExitBadInput;
  }
  if (args.jobs == 0) {
    std::cerr << "hio sweep: --jobs must be at least 1\n";
    return kExitBadInput;
  }
  const std::vector<SeedResult> results = sweep(scenario, registry, seeds, args.jobs);
  std::size_t failed = 0;
  for (const SeedResult& r : results) {
    if (!r.passed) ++failed;
    if (args.json) {
      std::cout << format_seed_result_json(r) << "\n";
    } else if (!r.passed) {
      std::cout << "seed " << r.seed << ": FAIL " << r.first_failure << "\n";
    }
  }
  if (args.json) {
    std::cout << "{\"summary\": true, \"shard\": \"" << args.shard
              << "\", \"seeds\": " << results.size() << ", \"failed\": " << failed << "}\n";
  } else {
    std::cout << results.size() - failed << " of " << results.size() << " seeds passed";
    if (failed > 0) std::cout << "; failing seeds listed above";
    std::cout << "\n";
  }
  return failed == 0 ? kExitOk : kExitExpectationsFailed;
}

int do_check(const std::string& path, const DoerRegistry& registry) {
  try {
    Scenario scenario = load_scenario_file(path, registry);
    std::cout << path << ": ok (" << scenario.doers.size() << " top-level doers, "
              << scenario.expectations.size() << " expectations)\n";
    return kExitOk;
  } catch (const ScenarioError& error) {
    print_diagnostics(error);
    return kExitBadInput;
  }
}

int do_run(const RunArgs& args, const DoerRegistry& registry) {
  Scenario scenario;
  try {
    scenario = load_scenario_file(args.scenario, registry);
    for (const std::string& set : args.sets)
      apply_override(scenario, set);
    if (args.seed) apply_override(scenario, "run.seed=" + *args.seed);
    if (args.limit) apply_override(scenario, "run.limit=" + *args.limit);
    if (args.real) scenario.run.mode = Mode::real;
  } catch (const ScenarioError& error) {
    print_diagnostics(error);
    return kExitBadInput;
  }
  RunOptions options;
  if (::isatty(STDERR_FILENO) != 0) {
    options.progress = [](Tyme tyme) {
      std::fprintf(stderr, "\r  tyme %s s ", format_seconds(tyme).c_str());
      std::fflush(stderr);
    };
  }
  RunSummary summary;
  try {
    summary = run_scenario(scenario, registry, options);
  } catch (const ScenarioError& error) {
    print_diagnostics(error);
    return kExitBadInput;
  }
  if (options.progress) std::fprintf(stderr, "\r\033[K");
  if (args.json) {
    std::cout << format_summary_json(summary) << "\n";
  } else {
    std::cout << format_summary(summary);
  }
  if (summary.end == RunEnd::interrupted) return kExitInterrupted;
  return summary.passed() ? kExitOk : kExitExpectationsFailed;
}

}  // namespace

int run_cli(int argc, const char* const* argv, const DoerRegistry& registry) {
  CLI::App app{"hio: deterministic doers, simulated networks, record and replay", "hio"};
  app.footer(kExamples);
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);

  RunArgs run_args;
  CLI::App* run = app.add_subcommand("run", "run a scenario and check its expectations");
  run->add_option("scenario", run_args.scenario, "scenario file (TOML)")->required();
  run->add_option("--seed", run_args.seed, "root random seed (overrides run.seed)");
  run->add_option("--limit", run_args.limit, "tyme limit, e.g. 10s (overrides run.limit)");
  run->add_flag("--real", run_args.real, "real-time mode (overrides run.mode)");
  run->add_option("--set", run_args.sets, "override a setting: run.tock=10ms, run.seed=3, ...");
  run->add_flag("--json", run_args.json, "print the summary as one JSON object");

  std::string check_path;
  CLI::App* check = app.add_subcommand("check", "validate a scenario without running it");
  check->add_option("scenario", check_path, "scenario file (TOML)")->required();

  SweepArgs sweep_args;
  CLI::App* sweep_cmd =
      app.add_subcommand("sweep", "run a scenario over many seeds; list the failing ones");
  sweep_cmd->add_option("scenario", sweep_args.scenario, "scenario file (TOML)")->required();
  sweep_cmd->add_option("--seeds", sweep_args.seeds, "seed range A..B (inclusive)")->required();
  sweep_cmd->add_option("--jobs", sweep_args.jobs, "worker threads (default 1)");
  sweep_cmd->add_option("--shard", sweep_args.shard,
                        "K/N: run only every N-th seed from the K-th (batch systems)");
  sweep_cmd->add_option("--set", sweep_args.sets, "override a setting, as for run");
  sweep_cmd->add_flag("--json", sweep_args.json, "one JSON object per seed, then a summary");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  try {
    if (run->parsed()) return do_run(run_args, registry);
    if (check->parsed()) return do_check(check_path, registry);
    if (sweep_cmd->parsed()) return do_sweep(sweep_args, registry);
  } catch (const std::exception& error) {
    std::cerr << "hio: error: " << error.what() << "\n";
    return kExitBadInput;
  }
  return kExitBadInput;
}

}  // namespace hio::tools
