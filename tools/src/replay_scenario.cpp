#include "hio/tools/replay_scenario.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string_view>

#include "hio/replay/error.hpp"
#include "hio/replay/inspect.hpp"
#include "hio/replay/journal.hpp"
#include "hio/replay/reader.hpp"
#include "hio/tools/cli.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/runner.hpp"
#include "journal_target.hpp"

namespace hio::tools {

namespace {

ScenarioError journal_problem(const std::string& path, const std::string& what) {
  return ScenarioError({Diagnostic{SourcePos{path, 0, 0}, what}});
}

// The scenario as it ran: its text from the header - where `hio run` wrote
// the command line's --set, --limit and --real (record_run_setting) -
// with the run settings the header holds besides: the seed (a sweep's seed is
// only there) and the tock.
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

struct TrailerEnd {
  replay::RunOutcome end = replay::RunOutcome::unknown;
  std::string text;
  int stop_signal = 0;
};

// Whether damage cut the recorded run short. Bytes after a whole trailer
// damage the file but not the run: it was replayed in full.
bool run_cut(const replay::ReplayResult& r) {
  return r.journal_error &&
         !(r.journal_error->kind == replay::JournalErrorKind::trailing_data && r.recorded_trailer);
}

// The end reason the replay's journal gets: how the replay really ended.
TrailerEnd replay_trailer_end(const ReplayScenarioOutcome& o, RunEnd end) {
  const replay::ReplayResult& r = o.result;
  if (o.interrupted) return {replay::RunOutcome::interrupted, "", o.stop_signal};
  if (r.error && !r.divergence) return {replay::RunOutcome::error, *r.error};
  if (r.divergence) {
    const std::string report = replay::format_divergence(*r.divergence);
    return {replay::RunOutcome::error, report.substr(0, report.find('\n'))};
  }
  // The replayer stopped it where the intact part ends, and its doers closed
  // there: a known end (interrupted), so that its own journal replays too.
  if (run_cut(r)) {
    return {replay::RunOutcome::interrupted,
            "replayed the intact prefix of a damaged journal: " + r.journal_error->describe()};
  }
  // The doers ended the run by themselves, before the recorded end.
  if (end != RunEnd::interrupted) return {replay::to_outcome(end), ""};
  // The replayer stopped it at the recorded end: the recorded run's end.
  if (!r.recorded_trailer) return {};
  return {r.recorded_trailer->end, r.recorded_trailer->end_text, r.recorded_trailer->stop_signal};
}

// The lines that say a replay covered only part of its journal, and why.
std::string format_damage(const replay::JournalError& error, std::uint64_t events, bool cut) {
  std::string out = "DAMAGED:   the journal is damaged at " + error.describe() + "\n";
  if (!cut)
    return out + "           the recorded run before it is whole and was replayed in full\n";
  if (!error.last_pass) {
    return out + "           no pass before the damage is intact: none of the run was replayed\n";
  }
  return out + "           only the " + std::to_string(events) +
         " recorded events before that byte were replayed, up to pass " +
         std::to_string(*error.last_pass) +
         " (the rest of that pass, if the damage cut it, is lost); expectations that need the "
         "rest of the run are not judged\n";
}

}  // namespace

ReplayScenarioOutcome replay_scenario(const ReplayScenarioOptions& options,
                                      const DoerRegistry& registry) {
  replay::ReplayOptions replay_options;
  if (!options.noise.empty()) replay_options.noise = replay::parse_noise_spec(options.noise);
  replay_options.noise_seed = options.noise_seed;
  replay_options.overrun = options.overrun;
  replay::Replayer replayer(options.journal, replay_options);
  auto scenario = std::make_shared<const Scenario>(
      recorded_scenario(replayer.header(), options.journal, registry));

  Doist doist(replayer.header().tock);
  IoHub io(doist.tymth());
  doist.attach(io);
  replayer.attach(doist, io);
  // Right after the hub, before any channel, as for a recorded run.
  JournalTarget target(options.record_path);
  std::optional<replay::Journal> journal;
  if (target.wanted()) target.open(journal, doist, io, replayer.output_header());
  ReplayScenarioOutcome outcome;
  outcome.name = scenario->run.name;
  outcome.seed = scenario->run.seed;
  outcome.noise = options.noise;
  outcome.noise_seed = options.noise_seed;
  outcome.record_path = options.record_path;
  const std::vector<replay::ChannelInfo>& channels = replayer.header().channels;
  outcome.all_channels_simulated =
      !channels.empty() && std::ranges::all_of(channels, [](const replay::ChannelInfo& c) {
        return c.address.starts_with("sim://") || c.address.starts_with("sim-serial://");
      });
  // A ScenarioError here leaves no journal (see run_scenario) - unless the
  // replay diverged while the doers were built: a listener whose open
  // differs never gets its recorded address, so a client naming it cannot be
  // built. The divergence is what happened; it is reported as any other.
  std::unique_ptr<BuiltScenario> built;
  try {
    built = build_scenario(*scenario, registry, doist, io, BuildOptions{.with_net = false});
  } catch (const std::exception&) {
    if (!replayer.diverged()) throw;
  }
  target.commit();
  if (!built) {
    outcome.result = replayer.finish(RunEnd::interrupted);
    if (journal) {
      const TrailerEnd trailer_end = replay_trailer_end(outcome, RunEnd::interrupted);
      journal->finish(trailer_end.end, trailer_end.text, trailer_end.stop_signal);
    }
    outcome.scenario = std::move(scenario);
    return outcome;
  }

  ExpectationChecker checker(*scenario, built->counters, doist.tyme());
  doist.add_observer(checker);

  const auto wall_start = std::chrono::steady_clock::now();
  // doist.run and replayer.finish rather than replayer.run(doers, journal):
  // the replay's journal is finished after the replay's result is known, so
  // that its trailer can say how the replay ended.
  RunEnd end = RunEnd::done;
  try {
    end = doist.run(built->top);
  } catch (const replay::JournalWriteError&) {
    throw;  // the replay's journal failed: reported as an output error
  } catch (const std::exception& error) {
    // A doer threw, as a recorded run's doer may have (its trailer's
    // end=error): the replayer compares it with the recorded end, and the
    // replay's journal ends with it (replay_trailer_end).
    if (journal && journal->writer().failed()) throw;
    replayer.threw(error.what());
    end = RunEnd::interrupted;
  } catch (...) {
    if (journal && !journal->writer().failed())
      journal->finish(replay::RunOutcome::error, "an exception that is not a std::exception");
    throw;
  }
  outcome.result = replayer.finish(end);
  outcome.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  // The replayer ends the run itself (RunEnd::interrupted, at the recorded
  // end or after a divergence) with request_stop(); a signal that ended it
  // first is in stop_signal() (a divergence the doers' closes make after it
  // is not compared, see Replayer::run_ending).
  outcome.interrupted = end == RunEnd::interrupted && doist.stop_signal() != 0;
  outcome.stop_signal = outcome.interrupted ? doist.stop_signal() : 0;
  // A recorded run that a signal interrupted, replayed to its end (the
  // replayer stopped it there): it has no end to judge either.
  const replay::ReplayResult& r = outcome.result;
  if (!outcome.interrupted && end == RunEnd::interrupted && !r.divergence && !run_cut(r) &&
      r.recorded_trailer && r.recorded_trailer->end == replay::RunOutcome::interrupted) {
    outcome.recorded_stop_signal = r.recorded_trailer->stop_signal;
  }
  // Interrupted: judged on the passes replayed, `final` ones not at all.
  if (outcome.result.status != replay::ReplayStatus::diverged) {
    const int signal = outcome.interrupted ? outcome.stop_signal : outcome.recorded_stop_signal;
    outcome.expectations = checker.finish(RunEnding{doist.tyme(), run_cut(outcome.result), signal});
  }
  if (journal) {
    const TrailerEnd trailer_end = replay_trailer_end(outcome, end);
    journal->finish(trailer_end.end, trailer_end.text, trailer_end.stop_signal);
  }
  outcome.scenario = std::move(scenario);
  return outcome;
}

int replay_exit_code(const ReplayScenarioOutcome& o) {
  if (o.interrupted) return interrupted_exit_code(o.stop_signal);
  if (o.result.status == replay::ReplayStatus::diverged) return kExitDivergence;
  if (o.recorded_stop_signal != 0) return interrupted_exit_code(o.recorded_stop_signal);
  if (o.result.journal_error) return kExitBadInput;
  if (o.result.error) return kExitDoerError;  // as the run exited (a noise replay's too)
  return all_passed(o.expectations) ? kExitOk : kExitExpectationsFailed;
}

std::string format_replay_outcome(const ReplayScenarioOutcome& o) {
  const replay::ReplayResult& r = o.result;
  char wall[32];
  std::snprintf(wall, sizeof wall, "%.3f", o.wall_seconds);
  std::string out;
  out += "replay:    " + (o.name.empty() ? std::string("(unnamed)") : display_text(o.name)) +
         ", seed " + std::to_string(o.seed) +
         (o.noise.empty() ? "" : ", noise seed " + std::to_string(o.noise_seed)) + ": " +
         to_string(r.status) + (run_cut(r) ? " up to the damage" : "") + "\n";
  if (r.journal_error) out += format_damage(*r.journal_error, r.recorded_events, run_cut(r));
  out += "passes:    " + std::to_string(r.passes) + " in " + wall + " s wall\n";
  out += "events:    " + std::to_string(r.events) +
         " (journal: " + std::to_string(r.recorded_events) + ")\n";
  out += "digest:    " + replay::format_digest(r.digest) +
         " (journal: " + replay::format_digest(r.recorded_digest) + ")\n";
  if (!o.record_path.empty()) out += "journal:   " + display_text(o.record_path) + "\n";
  if (o.interrupted) {
    out += std::string("ended:     interrupted (") + stop_signal_name(o.stop_signal) +
           ") before the recorded end\n";
  }
  if (o.recorded_stop_signal != 0) {
    out += std::string("ended:     at the recorded end, where the run was interrupted (") +
           stop_signal_name(o.recorded_stop_signal) + ")\n";
  }
  if (r.status == replay::ReplayStatus::perturbed) {
    out += "noise:     " + replay::format_noise_stats(r.noise) + "\n";
  }
  if (const std::string error = replay::format_replay_error_end(r); !error.empty()) {
    out += "ended:     " + display_text(error.substr(2)) + "\n";
  }
  // format_divergence escapes what came from doers and journals.
  if (r.divergence) return out + replay::format_divergence(*r.divergence);
  return out + format_expectations(o.expectations);
}

std::string format_replay_outcome_json(const ReplayScenarioOutcome& o) {
  const replay::ReplayResult& r = o.result;
  char wall[32];
  std::snprintf(wall, sizeof wall, "%.6f", o.wall_seconds);
  std::string out =
      "{" + json_field("name", o.name) + ", \"seed\": " + std::to_string(o.seed) + ", " +
      json_field("noise_spec", o.noise) +
      ", \"noise_seed\": " + (o.noise.empty() ? "null" : std::to_string(o.noise_seed)) +
      ", \"status\": \"" + to_string(r.status) +
      "\", \"interrupted\": " + (o.interrupted ? "true" : "false") +
      ", \"recorded_interrupted\": " + (o.recorded_stop_signal != 0 ? "true" : "false") +
      ", \"passes\": " + std::to_string(r.passes) + ", \"wall_s\": " + wall +
      ", \"events\": " + std::to_string(r.events) + ", \"digest\": \"" +
      replay::format_digest(r.digest) +
      "\", \"recorded_events\": " + std::to_string(r.recorded_events) +
      ", \"recorded_digest\": \"" + replay::format_digest(r.recorded_digest) + "\", " +
      json_field("journal", o.record_path) + ", \"journal_error\": " +
      (r.journal_error
           ? replay::format_error(*r.journal_error, {.format = replay::LineFormat::json})
           : "null");
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
         ", \"tx_extra_bytes\": " + std::to_string(n.tx_extra_bytes) +
         ", \"tx_datagrams_missing\": " + std::to_string(n.tx_datagrams_missing) +
         ", \"tx_datagrams_extra\": " + std::to_string(n.tx_datagrams_extra) + "}";
  out += ", " + (r.error ? json_field("error", *r.error) : std::string("\"error\": null"));
  out += ", " + format_expectations_json(o.expectations);
  out += ", \"divergence\": ";
  if (r.divergence) {
    const replay::ReplayDivergence& d = *r.divergence;
    out += "{\"kind\": \"" + std::string(to_string(d.kind)) +
           "\", \"pass\": " + std::to_string(d.pass) + ", \"tyme\": \"" + format_seconds(d.tyme) +
           "\", \"channel\": " + std::to_string(d.channel) + ", " +
           json_field("channel_name", d.channel_name) + ", " + json_field("field", d.field) +
           ", \"tx_offset\": " + std::to_string(d.tx_offset) + ", " +
           json_field("detail", d.detail) + "}";
  } else {
    out += "null";
  }
  return out + "}";
}

}  // namespace hio::tools
