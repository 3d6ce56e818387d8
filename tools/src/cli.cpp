#include "hio/tools/cli.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "hio/tools/duration.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/runner.hpp"

namespace hio::tools {

namespace {

constexpr const char* kVersion = "hio 0.1.0";

constexpr const char* kExamples = R"(Examples:
  hio run scenarios/quickstart.toml
  hio run scenarios/quickstart.toml --seed 7 --set run.limit=2s --json
  hio check scenarios/quickstart.toml

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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  try {
    if (run->parsed()) return do_run(run_args, registry);
    if (check->parsed()) return do_check(check_path, registry);
  } catch (const std::exception& error) {
    std::cerr << "hio: error: " << error.what() << "\n";
    return kExitBadInput;
  }
  return kExitBadInput;
}

}  // namespace hio::tools
