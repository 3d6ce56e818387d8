// hio replay, and its noise sweep (--seeds).
#include "cli_commands.hpp"

#include <filesystem>
#include <memory>
#include <ostream>
#include <stdexcept>

#include "hio/replay/reader.hpp"
#include "hio/tools/duration.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/replay_scenario.hpp"
#include "hio/tools/sweep.hpp"
#include "json_failure.hpp"
#include "option_value.hpp"
#include "output.hpp"
#include "program_name.hpp"

namespace hio::tools {

namespace {

// Said on stderr by a noise replay of a journal whose every channel is a
// SimNet one.
std::string simulated_noise_note() {
  return command_prefix("replay") +
         "note: every channel of this journal is a SimNet channel: noise perturbs each doer's "
         "recorded inputs, and the doers' reactions do not reach each other; to test the "
         "exchange under a worse network, run the scenario with other seeds (" +
         program_name() + " sweep)\n";
}

// The usage errors of hio replay's options, before anything is read: "" or
// the message.
std::string replay_usage_problem(const ReplayArgs& args) {
  if (std::string problem = record_path_problem(
          args.record, {{args.journal, "journal being replayed"},
                        {args.scenario.value_or(""), "scenario file given by --scenario"}});
      !problem.empty()) {
    return problem;
  }
  if (args.noise_given && args.noise.empty()) {
    // It would replay without noise (an empty spec is none), and a --seed
    // with it would be refused for a --noise that was given.
    return "--noise \"\": the noise spec is empty; give one or more KEY=VALUE items separated by "
           "commas (keys: drop, dup, corrupt, reorder, delay, delay_p; e.g. --noise "
           "drop=0.01,delay=0-20ms), or leave --noise out to replay without noise";
  }
  if (args.seed && !args.noise_given) {
    return "--seed requires --noise: it seeds the noise (the recorded run's seed comes from the "
           "journal)";
  }
  if (args.seeds && !args.noise_given) {
    return "--seeds requires --noise: it replays the journal once per noise seed (a strict "
           "replay has no seed to vary)";
  }
  if (args.seeds && args.seed) return "--seed and --seeds both give the noise's seed; give one";
  if (args.seeds && args.record) {
    return "--record journals one replay; with --seeds, --out DIR keeps the journals of the "
           "failing seeds";
  }
  if (args.seeds && args.counters) {
    return "--counters prints one replay's counters; with --seeds, replay a seed alone "
           "(--seed N --counters) to see them";
  }
  const std::pair<bool, const char*> sweep_only[] = {{args.jobs.has_value(), "--jobs"},
                                                     {args.shard.has_value(), "--shard"},
                                                     {args.out.has_value(), "--out"},
                                                     {args.force, "--force"},
                                                     {args.keep.has_value(), "--keep"}};
  for (const auto& [given, name] : sweep_only) {
    if (given && !args.seeds) {
      return std::string(name) + " is for a noise sweep: it needs --noise SPEC --seeds A..B";
    }
  }
  if (std::string problem = out_dir_problem(args.out.has_value(), args.out.value_or(""));
      !problem.empty()) {
    return problem;
  }
  if (args.force && !args.out) return "--force needs --out DIR: it clears DIR's earlier results";
  if (args.keep && !args.out) return kKeepNeedsOut;
  if (args.scenario && args.scenario->empty()) return empty_file_name("--scenario", true);
  if (const std::string taken = standard_input_taken(args.scenario.value_or("")); !taken.empty()) {
    return "--scenario -: " + taken;
  }
  // The standard input is read once; these read the journal again (the
  // channel check, each seed's replay).
  if (args.journal == "-" && (args.scenario || args.seeds)) {
    return std::string(args.seeds ? "--seeds" : "--scenario") +
           " reads the journal more than once, and - (the standard input) can be read only "
           "once: save the journal to a file and replay that";
  }
  return repeated_setting(args.sets);
}

// In a catch block of hio replay, before the replay has a result: says what
// was wrong with the input (the journal, the noise spec, the scenario, an
// argument) and gives the exit code; any other exception goes on (a
// journal that cannot be written, a signal during the build).
int replay_input_error(const ReplayArgs& args) {
  try {
    throw;
  } catch (const replay::JournalException& error) {
    print_journal_error("replay", args.journal, error.error());
    return kExitBadInput;
  } catch (const replay::NoiseSpecError& error) {
    std::string nearest;
    if (!error.unknown_key().empty()) {
      const std::vector<std::string> keys(replay::kNoiseKeys.begin(), replay::kNoiseKeys.end());
      nearest = did_you_mean(error.unknown_key(), keys);
    }
    cli_err() << command_prefix("replay") << "--noise " << display_text(args.noise) << ": "
              << message_text(error.what() + nearest) << "\n";
    return kExitBadInput;
  } catch (const SettingError& error) {
    cli_err() << command_prefix("replay") << display_text(error.what()) << "\n";
    return kExitBadInput;
  } catch (const ScenarioError& error) {
    print_run_error("replay", error, args.record);
    return exit_code_of(error);
  } catch (const std::invalid_argument& error) {
    cli_err() << command_prefix("replay") << display_text(error.what()) << "\n";
    return kExitBadInput;
  }
}

// hio replay --seeds: one noise replay per seed, reported as hio sweep
// reports its seeds (sweep_command), with its exit codes.
int do_replay_sweep(const ReplayArgs& args, const ReplayScenarioOptions& options,
                    const DoerRegistry& registry) {
  unsigned jobs = 1;
  const std::string shard = args.shard.value_or("1/1");
  const std::string out = args.out.value_or("");
  ShardSeeds seeds;
  std::shared_ptr<const Scenario> scenario;
  bool all_simulated = false;
  std::optional<std::uint64_t> keep;  // --keep N
  try {
    keep = parse_keep(args.keep);
    jobs = parse_jobs(args.jobs.value_or("1"));
    seeds = shard_seeds(parse_seed_range(*args.seeds), parse_shard(shard));
    (void)replay::parse_noise_spec(options.noise);
    // DIR gets seed-N.hioj files, and --force removes earlier ones: never
    // where the journal being replayed is.
    std::error_code error;
    const std::filesystem::path parent =
        std::filesystem::absolute(args.journal, error).parent_path();
    if (!out.empty() && std::filesystem::equivalent(parent, out, error) && !error) {
      throw std::invalid_argument("--out " + out + " holds the journal being replayed (" +
                                  args.journal +
                                  "), where the sweep writes and removes seed-N.hioj files; give "
                                  "another directory");
    }
    // The whole journal, once: damage would cut every replay short, and no
    // seed could judge its end.
    replay::JournalReader reader(args.journal);
    while (reader.header() != nullptr && reader.next() != nullptr) {
    }
    if (reader.error() && !reader.trailer_agrees()) {
      print_journal_error("replay", args.journal, *reader.error());
      if (reader.header() != nullptr) {
        cli_err() << command_prefix("replay")
                  << "a noise sweep needs a whole journal: each replay would stop at "
                     "the damage and leave its end unjudged ("
                  << program_name()
                  << " replay without --seeds replays the intact prefix; a salvaged copy "
                     "replays as a finished run)\n";
      }
      return kExitBadInput;
    }
    scenario = load_replay_scenario(options, *reader.header(), registry);
    // Built once first, as hio sweep does: a scenario that cannot be
    // replayed is bad input said once, not every seed failing the same way.
    check_replay_scenario(options, registry, scenario);
    all_simulated = all_channels_simulated(*reader.header());
  } catch (...) {
    return replay_input_error(args);
  }
  SweepOptions sweep_options;
  sweep_options.jobs = jobs;
  SweepCommand command{"", shard, args.json, out, args.force};
  command.keep = keep;
  command.inputs = {args.journal, args.scenario.value_or("")};
  command.report_head =
      json_field("replay", args.journal) + ", " + json_field_or_null("noise", options.noise) +
      ", " +
      (options.scenario_path.empty() ? std::string("\"scenario_file\": null")
                                     : json_field("scenario_file", options.scenario_path));
  command.sets = options.sets;
  std::vector<std::string> words = {args.program, "replay", rerun_path(args.journal), "--noise",
                                    options.noise};
  if (args.scenario) words.insert(words.end(), {"--scenario", rerun_path(*args.scenario)});
  if (args.overrun) words.insert(words.end(), {"--overrun", *args.overrun});
  command.rerun = rerun_command(std::move(words), options.sets);
  command.name = program_name() + " replay";
  if (!command.out.empty()) defer_stdout_sigpipe();  // as hio sweep's --out
  const int code = sweep_command(replay_seed_runner(options, registry, scenario), seeds,
                                 sweep_options, command, cli_out(), cli_err());
  if (all_simulated && (code == kExitOk || code == kExitExpectationsFailed)) {
    cli_out().flush();
    cli_err() << simulated_noise_note();
  }
  return code;
}

}  // namespace

int do_replay(const ReplayArgs& args, const DoerRegistry& registry) {
  if (std::string problem = replay_usage_problem(args); !problem.empty()) {
    cli_err() << command_prefix("replay") << problem << "\n";
    return kExitBadInput;
  }
  ReplayScenarioOptions options;
  options.journal = args.journal;
  options.record_path = args.record.value_or("");
  options.noise = args.noise;
  options.scenario_path = args.scenario.value_or("");
  options.sets = args.sets;
  options.counters = args.counters;
  if (args.overrun) {
    std::string error;
    const std::optional<Tock> overrun = parse_duration(*args.overrun, &error);
    if (!args.noise_given || !overrun) {
      cli_err() << command_prefix("replay")
                << option_value("--overrun", display_text(*args.overrun)) << ": "
                << (!args.noise_given ? std::string("requires --noise (a strict replay ends "
                                                    "where the recorded run did)")
                                      : display_text(error))
                << "\n";
      return kExitBadInput;
    }
    options.overrun = *overrun;
  }
  if (args.seed) {
    try {
      options.noise_seed = parse_u64(*args.seed, "--seed");
    } catch (const std::invalid_argument& error) {
      cli_err() << command_prefix("replay") << display_text(error.what()) << "\n";
      return kExitBadInput;
    }
  }
  if (args.seeds) return do_replay_sweep(args, options, registry);
  ReplayScenarioOutcome outcome;
  try {
    outcome = replay_scenario(options, registry);
  } catch (const ReplayJournalWriteError& error) {
    // The replay's journal failed (a full disk): the outcome says how far the
    // replay got, as hio run's summary does, and the error line below
    // (journal_lost) that the journal is cut there.
    outcome = error.summary();
  } catch (...) {
    return replay_input_error(args);
  }
  const int code = replay_exit_code(outcome);
  exit_code_known(code);  // as hio run's: before the outcome goes to stdout
  if (args.json) {
    cli_out() << format_replay_outcome_json(outcome) << "\n";
  } else {
    cli_out() << format_replay_outcome(outcome);
  }
  cli_out().flush();
  if (outcome.result.journal_error) {
    print_journal_error("replay", args.journal, *outcome.result.journal_error);
  }
  print_journal_lost("replay", outcome.record_path, outcome.journal_lost, outcome.journal_failed);
  if (const NoiseNote note = noise_note(outcome); note == NoiseNote::simulated_network) {
    cli_err() << simulated_noise_note();
  } else if (note == NoiseNote::doers_on_both_ends) {
    cli_err() << command_prefix("replay")
              << "note: both ends of a connection in this journal are doers of the "
                 "run (a loopback capture): noise perturbs each doer's recorded inputs, and the "
                 "doers' reactions (a retry, an answer to a duplicate) do not reach each other; "
                 "to test the exchange, capture it against a peer outside the run, or run it on "
                 "the simulated network with other seeds ("
              << program_name() << " sweep)\n";
  }
  return code;
}

}  // namespace hio::tools
