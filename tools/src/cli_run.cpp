// hio run and hio check.
#include "cli_commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <ostream>
#include <stdexcept>

#include "clean_stop_catch.hpp"
#include "hio/tools/duration.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/runner.hpp"
#include "json_failure.hpp"
#include "option_value.hpp"
#include "output.hpp"
#include "program_name.hpp"

namespace hio::tools {

namespace {

// hio run's lines saying where doers on port 0 listen, at most.
constexpr std::size_t kListeningLinesMax = 10;

// A setting given both by its own option and by --set is ambiguous: refuse
// it rather than let one silently win.
std::string conflicting_setting(const RunArgs& args) {
  if (std::string repeated = repeated_setting(args.sets); !repeated.empty()) return repeated;
  const std::pair<bool, const char*> options[] = {
      {args.seed.has_value(), "seed"}, {args.limit.has_value(), "limit"}, {args.real, "mode"}};
  for (const auto& [given, key] : options) {
    if (!given) continue;
    const std::string prefix = std::string("run.") + key + "=";
    for (const std::string& set : args.sets) {
      if (set.rfind(prefix, 0) == 0) {
        return std::string("--") + (std::string(key) == "mode" ? "real" : key) + " and --set " +
               display_text(set) + " both set run." + key + "; give one";
      }
    }
  }
  return "";
}

// The scenario `hio run` runs, and `hio check` checks: the file with every
// --set, then --seed, --limit and --real, applied. A problem is printed
// ("hio <command>: ..." (command_prefix) or the scenario's diagnostics; exit 2): nullopt.
std::optional<Scenario> scenario_as_run(const char* command, const RunArgs& args,
                                        const DoerRegistry& registry) {
  if (const std::string problem = conflicting_setting(args); !problem.empty()) {
    cli_err() << command_prefix(command) << problem << "\n";
    return std::nullopt;
  }
  try {
    Scenario scenario = load_scenario_arg(args.scenario, registry);
    for (const std::string& set : args.sets)
      apply_override(scenario, set);
    if (args.seed) {
      scenario.run.seed = parse_u64(*args.seed, "--seed");  // in the header, not the text
    }
    if (args.limit) {
      std::string error;
      const std::optional<Tock> limit = parse_duration(*args.limit, &error);
      if (!limit) throw std::invalid_argument(option_value("--limit", *args.limit) + ": " + error);
      scenario.run.limit = *limit;
      record_run_setting(scenario, "limit", "--limit " + *args.limit);
    }
    if (args.real) {
      scenario.run.mode = Mode::real;
      record_run_setting(scenario, "mode", "--real");
    }
    check_set_text_size(scenario);
    return scenario;
  } catch (const SettingError& error) {
    cli_err() << command_prefix(command) << message_text(error.what()) << "\n";
  } catch (const ScenarioError& error) {
    print_load_problems(command, error, args.sets);
  } catch (const std::invalid_argument& error) {
    cli_err() << command_prefix(command) << message_text(error.what()) << "\n";
  }
  return std::nullopt;
}

}  // namespace

int do_check(const RunArgs& args, const DoerRegistry& registry) {
  std::optional<Scenario> scenario = scenario_as_run("check", args, registry);
  if (!scenario) return kExitBadInput;
  try {
    // A channel that fails while the tree is built (a listener whose port is
    // in use) is warned about as hio run warns: the run would start anyway.
    std::vector<std::string> warnings;
    check_scenario(*scenario, registry, [&warnings](const std::string& line) {
      warnings.push_back(line);
      cli_err() << command_prefix("check") << line << "\n" << std::flush;
    });
    if (args.json) {
      // Problems (exit 2) get --json's error object, as every command's
      // failure does: only a scenario that is ok has this one.
      std::string list;
      for (const std::string& warning : warnings)
        list += (list.empty() ? "" : ", ") + json_quote(warning);
      cli_out() << "{" << json_field("scenario", args.scenario)
                << ", \"ok\": true, \"doers\": " << scenario->doers.size()
                << ", \"expectations\": " << scenario->expectations.size() << ", \"warnings\": ["
                << list << "]}\n";
      return kExitOk;
    }
    cli_out() << display_text(args.scenario) << ": ok ("
              << counted(scenario->doers.size(), "top-level doer") << ", "
              << counted(scenario->expectations.size(), "expectation")
              << (warnings.empty() ? "" : "; " + counted(warnings.size(), "warning") + " above")
              << ")\n";
    return kExitOk;
  } catch (const ScenarioError& error) {
    print_diagnostics(error);
    return kExitBadInput;
  }
}

int do_run(const RunArgs& args, const DoerRegistry& registry,
           const CleanStopCatch& /*held: SIGUSR1 stops the run*/) {
  // SIGUSR1 from here on ends the run cleanly (kCleanStopSignal), also one
  // that comes while the scenario is read or built: the catch asks the
  // engine to stop the runs that asked for such requests
  // (request_stop_from_signal; RunOptions::stop_on_signal_request, which
  // this run sets): a run of the program on another thread goes on.
  if (const std::string problem =
          record_path_problem(args.record, {{args.scenario, "scenario file"}});
      !problem.empty()) {
    cli_err() << command_prefix("run") << problem << "\n";
    return kExitBadInput;
  }
  std::optional<Scenario> as_run = scenario_as_run("run", args, registry);
  if (!as_run) return kExitBadInput;
  Scenario& scenario = *as_run;
  RunOptions options;
  options.record_path = args.record.value_or("");
  options.counters = args.counters;
  // Only this run stops on the SIGUSR1 the catch asks for: not a run an
  // embedding program has going on another thread.
  options.stop_on_signal_request = true;
  // Whether a progress line is on stderr now: erased (only then) before a
  // warning and after the run.
  bool progress_shown = false;
  // Only while hio is the terminal's foreground job: run in the background
  // (`hio run ... &`, or Ctrl-Z then `bg`), the line would be drawn over the
  // shell's prompt and what the user types there (with `stty tostop`, the
  // write would stop the run instead). Asked at each draw, so that `fg` and
  // `bg` turn it on and off, as wget's and curl's.
  const auto foreground = [] {
    const pid_t group = ::tcgetpgrp(STDERR_FILENO);
    return group != -1 && group == ::getpgrp();
  };
  const auto erase_progress = [&progress_shown, &foreground] {
    if (progress_shown && foreground()) cli_err() << "\r\033[K" << std::flush;
    progress_shown = false;
  };
  if (::isatty(STDERR_FILENO) != 0) {
    options.progress = [&progress_shown, &foreground](Tyme tyme) {
      if (!foreground()) {
        // Left where it is: erasing it now would wipe the prompt in its place.
        progress_shown = false;
        return;
      }
      // Cleared to the end of the line: the text is shorter when the tyme
      // has fewer digits ("1789.5 s" then "2053 s", trailing zeros trimmed).
      // On cli_err(), as every other line: a program that gave std::cerr a
      // buffer of its own gets it there, not on the terminal under it.
      cli_err() << "\r  tyme " << format_seconds(tyme) << " s\033[K" << std::flush;
      progress_shown = true;
    };
  }
  // Channel failures on stderr (the journal has them too); a progress line
  // there is erased first, and rewritten at its next turn.
  options.warn = [&erase_progress](const std::string& line) {
    erase_progress();
    cli_err() << command_prefix("run") << line << "\n" << std::flush;
  };
  // Where a listener on port 0 got its port, for peers outside the run: a
  // line each for the first kListeningLinesMax (copies of one could flood the
  // terminal), then one line for the rest, which --json lists.
  options.listening = [warn = options.warn, said = std::size_t{0}](const Listening& l) mutable {
    if (++said <= kListeningLinesMax) warn(format_listening(l));
    if (said == kListeningLinesMax + 1)
      warn("and more doers listen on port 0 (" + program_name() + " run --json lists them all)");
  };
  RunSummary summary;
  try {
    summary = run_scenario(scenario, registry, options);
  } catch (const ScenarioError& error) {
    erase_progress();
    print_run_error("run", error, args.record);
    return exit_code_of(error);
  } catch (const RunJournalWriteError& error) {
    // The journal's file failed mid-run (a full disk) and stopped it: the
    // summary says where, as for an interrupted run, and the error line
    // below (journal_lost) that the journal is cut there.
    summary = error.summary();
  }
  erase_progress();
  // The journal gone from its name at the end (removed, replaced) or cut
  // by a write that failed: exit 4, after a signal's code and before a
  // doer's error (the exit codes' order).
  const bool lost = !summary.journal_lost.empty();
  int code = summary.passed() ? kExitOk : kExitExpectationsFailed;
  if (summary.error) {
    code = lost ? kExitOutputFailed : kExitDoerError;
  } else if (summary.end == RunEnd::interrupted && !summary.journal_failed && !summary.stopped()) {
    code = interrupted_exit_code(summary.stop_signal);
  } else if (lost) {
    code = kExitOutputFailed;
  }
  // Known before the summary goes out: a stdout whose reader has gone then
  // leaves a 4 or 5 as it is (and the error lines below are said).
  exit_code_known(code);
  if (args.json) {
    cli_out() << format_summary_json(summary) << "\n";
  } else {
    cli_out() << format_summary(summary);
  }
  print_journal_lost("run", summary.journal, summary.journal_lost, summary.journal_failed);
  if (summary.error) {
    cli_err() << command_prefix("run") << "error: a doer threw: " << display_text(*summary.error)
              << (summary.journal.empty() || lost
                      ? std::string()
                      : "; the journal " + display_text(summary.journal) +
                            " ends with it (end=error): " + program_name() +
                            " replay reproduces it")
              << "\n";
  }
  return code;
}

}  // namespace hio::tools
