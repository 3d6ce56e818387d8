#include "hio/tools/replay_scenario.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>

#include "hio/replay/journal.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/runner.hpp"

namespace hio::tools {

namespace {

ScenarioError journal_problem(const std::string& path, const std::string& what) {
  return ScenarioError({Diagnostic{SourcePos{path, 0, 0}, what}});
}

// The scenario as it ran: its text from the header, with the run settings the
// header holds (a --seed, --set run.tock=... or sweep seed given on the
// command line lives there, not in the text).
Scenario recorded_scenario(const replay::JournalHeader& header, const std::string& journal,
                           const DoerRegistry& registry) {
  if (header.scenario.empty()) {
    throw journal_problem(journal,
                          "the journal's header has no scenario text: it was not recorded by "
                          "`hio run` (a program's own capture is replayed by that program, "
                          "see docs/replay.md)");
  }
  Scenario scenario;
  try {
    scenario = load_scenario_text(header.scenario, journal + ":scenario", registry);
  } catch (const ScenarioError& error) {
    std::vector<Diagnostic> problems = error.diagnostics();
    problems.insert(problems.begin(),
                    Diagnostic{SourcePos{journal, 0, 0},
                               "the scenario in the journal's header does not load with this "
                               "program's doer kinds:"});
    throw ScenarioError(std::move(problems));
  }
  scenario.run.seed = header.seed;
  scenario.run.tock = header.tock;
  return scenario;
}

void remove_file(const std::string& path) {
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

}  // namespace

ReplayScenarioOutcome replay_scenario(const ReplayScenarioOptions& options,
                                      const DoerRegistry& registry) {
  replay::ReplayOptions replay_options;
  if (!options.noise.empty()) replay_options.noise = replay::parse_noise_spec(options.noise);
  replay_options.noise_seed = options.noise_seed;
  replay::Replayer replayer(options.journal, replay_options);
  auto scenario = std::make_shared<const Scenario>(
      recorded_scenario(replayer.header(), options.journal, registry));

  Doist doist(replayer.header().tock);
  IoHub io(doist.tymth());
  doist.attach(io);
  replayer.attach(doist, io);
  // Right after the hub, before any channel, as for a recorded run.
  std::optional<replay::Journal> journal;
  if (!options.record_path.empty()) {
    try {
      journal.emplace(doist, io, options.record_path, replayer.output_header());
    } catch (const std::system_error& error) {
      throw journal_problem(options.record_path,
                            std::string("cannot create the journal: ") + error.what());
    }
  }
  std::unique_ptr<BuiltScenario> built;
  try {
    built = build_scenario(*scenario, registry, doist, io, BuildOptions{.with_net = false});
  } catch (const ScenarioError&) {
    if (journal) {  // nothing ran: leave no journal behind
      journal.reset();
      remove_file(options.record_path);
    }
    throw;
  }

  ExpectationChecker checker(*scenario, built->counters, doist.tyme());
  doist.add_observer(checker);

  ReplayScenarioOutcome outcome;
  outcome.name = scenario->run.name;
  outcome.seed = scenario->run.seed;
  outcome.record_path = options.record_path;
  const auto wall_start = std::chrono::steady_clock::now();
  outcome.result = replayer.run(built->top, journal ? &*journal : nullptr);
  outcome.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  // The replayer ends the run itself (RunEnd::interrupted, at the recorded
  // end or after a divergence) with request_stop(); without it, SIGINT did.
  outcome.interrupted = outcome.result.end == RunEnd::interrupted && !doist.stop_requested();
  if (outcome.result.status != replay::ReplayStatus::diverged && !outcome.interrupted) {
    outcome.expectations = checker.finish();
  }
  outcome.scenario = std::move(scenario);
  return outcome;
}

std::string format_replay_outcome(const ReplayScenarioOutcome& o) {
  const replay::ReplayResult& r = o.result;
  char wall[32];
  std::snprintf(wall, sizeof wall, "%.3f", o.wall_seconds);
  std::string out;
  out += "replay:    " + (o.name.empty() ? std::string("(unnamed)") : o.name) + ", seed " +
         std::to_string(o.seed) + ": " + to_string(r.status) + "\n";
  out += "passes:    " + std::to_string(r.passes) + " in " + wall + " s wall\n";
  out += "events:    " + std::to_string(r.events) +
         " (journal: " + std::to_string(r.recorded_events) + ")\n";
  out += "digest:    " + replay::format_digest(r.digest) +
         " (journal: " + replay::format_digest(r.recorded_digest) + ")\n";
  if (!o.record_path.empty()) out += "journal:   " + o.record_path + "\n";
  if (o.interrupted) out += "ended:     interrupted (SIGINT) before the recorded end\n";
  if (r.journal_error) {
    out += "note:      the journal ends early, replayed up to its last intact pass: " +
           r.journal_error->what() + "\n";
  }
  if (r.status == replay::ReplayStatus::perturbed) {
    out += "noise:     " + replay::format_noise_stats(r.noise) + "\n";
  }
  if (r.divergence) return out + replay::format_divergence(*r.divergence);
  return out + format_expectations(o.expectations);
}

std::string format_replay_outcome_json(const ReplayScenarioOutcome& o) {
  const replay::ReplayResult& r = o.result;
  char wall[32];
  std::snprintf(wall, sizeof wall, "%.6f", o.wall_seconds);
  std::string out = "{\"name\": " + json_quote(o.name) + ", \"seed\": " + std::to_string(o.seed) +
                    ", \"status\": \"" + to_string(r.status) +
                    "\", \"interrupted\": " + (o.interrupted ? "true" : "false") +
                    ", \"passes\": " + std::to_string(r.passes) + ", \"wall_s\": " + wall +
                    ", \"events\": " + std::to_string(r.events) + ", \"digest\": \"" +
                    replay::format_digest(r.digest) +
                    "\", \"recorded_events\": " + std::to_string(r.recorded_events) +
                    ", \"recorded_digest\": \"" + replay::format_digest(r.recorded_digest) +
                    "\", \"journal\": " + json_quote(o.record_path) + ", \"journal_error\": " +
                    (r.journal_error ? json_quote(r.journal_error->what()) : "null");
  const replay::NoiseStats& n = r.noise;
  out += ", \"noise\": {\"rx\": " + std::to_string(n.rx_seen) +
         ", \"dropped\": " + std::to_string(n.dropped) +
         ", \"delayed\": " + std::to_string(n.delayed) +
         ", \"duplicated\": " + std::to_string(n.duplicated) +
         ", \"corrupted\": " + std::to_string(n.corrupted) +
         ", \"reordered\": " + std::to_string(n.reordered) +
         ", \"undelivered\": " + std::to_string(n.undelivered) +
         ", \"tx_mismatches\": " + std::to_string(n.tx_mismatches) +
         ", \"tx_missing_bytes\": " + std::to_string(n.tx_missing_bytes) +
         ", \"tx_extra_bytes\": " + std::to_string(n.tx_extra_bytes) + "}";
  out += ", " + format_expectations_json(o.expectations);
  out += ", \"divergence\": ";
  if (r.divergence) {
    const replay::ReplayDivergence& d = *r.divergence;
    out += "{\"kind\": \"" + std::string(to_string(d.kind)) +
           "\", \"pass\": " + std::to_string(d.pass) + ", \"tyme\": \"" + format_seconds(d.tyme) +
           "\", \"channel\": " + std::to_string(d.channel) +
           ", \"channel_name\": " + json_quote(d.channel_name) +
           ", \"field\": " + json_quote(d.field) +
           ", \"tx_offset\": " + std::to_string(d.tx_offset) +
           ", \"detail\": " + json_quote(d.detail) + "}";
  } else {
    out += "null";
  }
  return out + "}";
}

}  // namespace hio::tools
