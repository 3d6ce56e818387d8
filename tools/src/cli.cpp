#include "hio/tools/cli.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "hio/engine/report.hpp"
#include "hio/replay/diff.hpp"
#include "hio/replay/digest.hpp"
#include "hio/replay/inspect.hpp"
#include "hio/replay/reader.hpp"
#include "hio/replay/salvage.hpp"
#include "hio/tools/duration.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/replay_scenario.hpp"
#include "hio/tools/runner.hpp"
#include "hio/tools/sweep.hpp"
#include "journal_target.hpp"
#include "json_failure.hpp"
#include "option_value.hpp"
#include "output.hpp"
#include "shell_word.hpp"

namespace hio::tools {

namespace {

constexpr const char* kVersion = "hio 0.1.0";
// hio diff --all lists at most this many divergences unless --max says.
constexpr std::uint64_t kDiffListedDefault = 10;
// ... and never more (each keeps both events, bytes and all, in memory).
constexpr std::uint64_t kDiffListedMax = 1000;

constexpr const char* kExamples = R"(Examples:
  hio run scenarios/quickstart.toml
  hio run scenarios/quickstart.toml --seed 7 --set run.limit=2s --json
  hio run scenarios/udp_request_response.toml --seed 3 --record run.hioj
  hio replay run.hioj
  hio replay run.hioj --noise drop=0.01,dup=0.005,delay=0-20ms --seed 9 --record noisy.hioj
  hio replay run.hioj --scenario fixed.toml --set run.name=fixed
  hio replay run.hioj --noise drop=0.05 --seeds 1..100 --jobs 2 --out failing/
  hio inspect run.hioj --kind noise --from 1s --to 2s
  hio diff a.hioj b.hioj
  hio diff a.hioj b.hioj --all --max 50 --ignore-addresses --json
  hio run scenarios/udp_request_response.toml --counters --set net.stall_timeout=10s
  hio salvage cut.hioj fixed.hioj --resync
  ssh box cat run.hioj | hio inspect - --kind noise
  hio check scenarios/quickstart.toml
  hio sweep scenarios/tcp_echo_jitter.toml --seeds 1..200 --jobs 2 --out failing/

Exit codes: 0 ok, 1 expectations failed, 2 bad input or usage (scenario,
            arguments), 3 replay divergence, 4 an output asked for that cannot
            be created or written, before or during the run (stdout, the
            --record FILE, the --out DIR and what goes in it), 5 a doer threw
            (the run ended with an error; a replay that reproduces it), 6 hio
            could not go on (out of memory, an internal error), 130 interrupted
            (SIGINT), 141 stdout's reader gone (SIGPIPE, EPIPE), 143
            terminated (SIGTERM), 129 hung up (SIGHUP: ends a run as SIGTERM
            does, trailer written; ignored under nohup). When several apply, hio run exits with
            the first of: 129/130/143 (a signal, at any moment), 6 (the
            command ends where it happens), 2 (arguments, scenario file), 4
            (--record cannot be created), 2 (the doer tree cannot be
            built), 4 (the journal cannot be written, to its
            end, or was removed or replaced during the run), 5 (a doer
            threw, even if expectations failed), 1, 0;
            stdout that cannot be written then makes a 0, 1 or 3 a 4 (141 if
            its reader went away); the others stay.
            (docs/scenarios.md, Exit codes.)
            With --json, a command that fails before it has a result
            prints an error object: {"error", "exit", "file", "line",
            "column", "journal", "journal_error"}.)";

// A scenario's problems are all listed, in file order, up to this many; a
// last line counts the rest (a generated file can have thousands).
constexpr std::size_t kDiagnosticsShownMax = 50;

// hio run's lines saying where doers on port 0 listen, at most.
constexpr std::size_t kListeningLinesMax = 10;

void print_diagnostics(const ScenarioError& error) {
  const std::vector<Diagnostic>& all = error.diagnostics();
  const std::size_t shown = std::min(all.size(), kDiagnosticsShownMax);
  if (!all.empty()) JsonFailure::note(all.front());
  for (std::size_t i = 0; i < shown; ++i)
    std::cerr << all[i].str() << "\n";
  if (all.size() > shown) {
    std::cerr << SourcePos{all[shown].pos.file, 0, 0}.str() << ": and " << all.size() - shown
              << " more problem" << (all.size() - shown == 1 ? "" : "s") << " (the first " << shown
              << " are listed)\n";
  }
}

// A ScenarioError of hio run or hio replay: the scenario's problems, or one
// about the journal --record names (it cannot be created, it would overwrite
// a file the doers read), said after the command's name as salvage says its
// output's, and not --json's "file" (where a scenario's first problem is).
void print_run_error(std::string_view command, const ScenarioError& error,
                     const std::optional<std::string>& record) {
  const std::vector<Diagnostic>& all = error.diagnostics();
  const bool output =
      record && !all.empty() && std::all_of(all.begin(), all.end(), [&](const Diagnostic& d) {
        return d.pos.file == *record && d.pos.line == 0;
      });
  if (!output) {
    print_diagnostics(error);
    return;
  }
  for (const Diagnostic& d : all)
    std::cerr << "hio " << command << ": " << d.str() << "\n";
}

// One rule: an output the user asked for that cannot be created or written
// (OutputError) is exit 4, found before or during the run alike; anything
// else wrong with the scenario or the arguments is bad input, exit 2.
int exit_code_of(const ScenarioError& error) {
  return dynamic_cast<const OutputError*>(&error) != nullptr ? kExitOutputFailed : kExitBadInput;
}

// A setting given twice by --set is ambiguous: refused rather than letting the last
// silently win (as for --seed and --set run.seed, below). A --set with no key
// or no '=' sets nothing: apply_override says so ("--set \"\": expected
// key=value").
std::string repeated_setting(const std::vector<std::string>& sets) {
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const std::size_t eq = sets[i].find('=');
    if (eq == std::string::npos || eq == 0) continue;
    const std::string key = sets[i].substr(0, eq);
    for (std::size_t j = i + 1; j < sets.size(); ++j) {
      if (sets[j].find('=') == key.size() && sets[j].compare(0, key.size(), key) == 0) {
        return "--set " + display_text(sets[i]) + " and --set " + display_text(sets[j]) +
               " both set " + display_text(key) + "; give one";
      }
    }
  }
  return "";
}

// The --out DIR of sweep and replay --seeds: refused when empty (it would
// be taken for no --out: no report, silently), when it names the report
// itself (DIR/report.json would become a directory holding report.json)
// and when it is an existing file (not something that cannot be created:
// the wrong argument). Returns a message, or "".
std::string out_dir_problem(bool given, const std::string& out) {
  namespace fs = std::filesystem;
  if (!given) return "";
  if (out.empty()) {
    return "--out: the directory name is empty; give a directory, or leave --out out to write no "
           "report";
  }
  // `-` is the standard input or output wherever hio takes it, never a name.
  if (out == "-") {
    return "--out -: the standard output is not a directory; give a directory (./- for one "
           "named -)";
  }
  fs::path path(out);
  if (path.filename().empty()) path = path.parent_path();  // "DIR/report.json/"
  if (path.filename() == "report.json") {
    const std::string parent = path.parent_path().string();
    return "--out " + display_text(out) +
           ": --out names the directory the report is written in (as DIR/report.json), not the "
           "report; give " +
           (parent.empty() ? std::string(".") : display_text(parent));
  }
  std::error_code error;
  const fs::file_status status = fs::status(out, error);
  if (fs::exists(status) && !fs::is_directory(status)) {
    return "--out " + display_text(out) +
           ": it is a file, not a directory; give a directory (the report is written in it as "
           "DIR/report.json)";
  }
  return "";
}

struct RunArgs {
  std::string scenario;
  std::optional<std::string> record;
  std::optional<std::string> seed;  // checked by apply_override: CLI11 wraps "-4"
  std::optional<std::string> limit;
  bool real = false;
  std::vector<std::string> sets;
  bool json = false;
  bool counters = false;
};

// The program as the user invoked it (argv[0], as typed: `hio` from PATH,
// `build/release/bin/hio`, a program embedding run_cli by its own name), for
// the rerun lines: they run from the same directory as the sweep. "hio" when
// argv[0] is missing or empty.
std::string invoked_program(int argc, const char* const* argv) {
  if (argc < 1 || argv[0] == nullptr || argv[0][0] == '\0') return "hio";
  return argv[0];
}

struct SweepArgs {
  std::string program = "hio";  // invoked_program
  std::string scenario;
  std::string seeds;
  std::string jobs = "1";  // parse_jobs: CLI11's own conversion said "Could not convert"
  std::string shard = "1/1";
  std::vector<std::string> sets;
  bool json = false;
  std::string out;
  bool out_given = false;  // --out "" is given, and refused
  bool force = false;
  std::optional<std::string> keep;
};

struct ReplayArgs {
  std::string program = "hio";  // invoked_program
  std::string journal;
  std::optional<std::string> record;
  std::string noise;
  bool noise_given = false;  // --noise "" is given, and refused
  std::optional<std::string> seed;
  std::optional<std::string> overrun;
  bool json = false;
  std::optional<std::string> scenario;  // --scenario FILE: replaces the header's
  std::vector<std::string> sets;
  bool counters = false;
  // A noise sweep (--seeds): as hio sweep's options.
  std::optional<std::string> seeds;
  std::optional<std::string> jobs;  // parse_jobs
  std::optional<std::string> shard;
  std::optional<std::string> out;
  bool force = false;
  std::optional<std::string> keep;
};

struct InspectArgs {
  std::string journal;
  bool json = false;
  std::vector<std::string> channels;
  std::vector<std::string> kinds;
  std::optional<std::string> from;
  std::optional<std::string> to;
  bool resync = false;  // read past damage, and print each hole where it was
  bool stats = false;   // per channel totals of the kept events instead of the events
};

// The command line that runs one seed of a sweep again, as the sweep ran it:
// `words` (the program as it was invoked, the command, its inputs), every
// --set, then "--seed N" (N: the seed; SweepCommand::rerun), each word as a
// shell reads it back (shell_word). An input that was `-` (the standard
// input) must be fed again: " < SCENARIO" follows, SCENARIO as N a
// placeholder (for the scenario that was read from it).
std::string rerun_command(std::vector<std::string> words, const std::vector<std::string>& sets) {
  const bool standard_input = std::find(words.begin(), words.end(), "-") != words.end();
  for (const std::string& set : sets)
    words.insert(words.end(), {"--set", set});
  std::string line;
  for (const std::string& word : words)
    line += shell_word(word) + " ";
  return line + "--seed N" + (standard_input ? " < SCENARIO" : "");
}

// A path as a rerun line gives it: one that starts with '-' (but `-`, the
// standard input) as ./PATH, the same file, which no command line takes for
// an option ("hio run -x.toml" is "scenario is required").
std::string rerun_path(const std::string& path) {
  return path.size() > 1 && path.front() == '-' ? "./" + path : path;
}

// The message for a scenario `-` when the standard input was read already
// (by an earlier run_cli call of this process: it holds one scenario, read
// to its end, and a second read would load an empty one), or "". Marks it
// read.
std::string standard_input_taken(const std::string& path) {
  if (path != "-") return "";
  static std::atomic<bool> taken{false};
  if (!taken.exchange(true)) return "";
  return "the standard input was read already (it holds one scenario, read once); save the "
         "scenario to a file";
}

// load_scenario_file, with `-` read once per process (standard_input_taken).
Scenario load_scenario_arg(const std::string& path, const DoerRegistry& registry) {
  if (const std::string taken = standard_input_taken(path); !taken.empty()) {
    throw ScenarioError({Diagnostic{SourcePos{path, 0, 0}, taken}});
  }
  return load_scenario_file(path, registry);
}

// --jobs N of hio sweep and hio replay --seeds: 1 to kSweepJobsMax. Throws
// std::invalid_argument, one message for every value that is not such a number.
unsigned parse_jobs(const std::string& text) {
  std::uint64_t jobs = 0;
  try {
    jobs = parse_u64(text, "--jobs");
  } catch (const std::invalid_argument&) {
    jobs = 0;
  }
  if (jobs == 0 || jobs > kSweepJobsMax) {
    throw std::invalid_argument(option_value("--jobs", text) + ": must be from 1 to " +
                                std::to_string(kSweepJobsMax));
  }
  return static_cast<unsigned>(jobs);
}

// --keep N of hio sweep and hio replay --seeds; nullopt without it. Throws
// std::invalid_argument for a value that is not a whole number >= 0.
std::optional<std::uint64_t> parse_keep(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parse_u64(*text, "--keep");
}
constexpr const char* kKeepNeedsOut =
    "--keep needs --out DIR: it limits the journals saved there, and without --out none is "
    "saved";

int do_sweep(const SweepArgs& args, const DoerRegistry& registry) {
  Scenario scenario;
  ShardSeeds seeds;
  std::optional<std::uint64_t> keep;  // --keep N
  unsigned jobs = 1;
  try {
    jobs = parse_jobs(args.jobs);
    if (std::string repeated = repeated_setting(args.sets); !repeated.empty()) {
      throw std::invalid_argument(repeated);
    }
    if (std::string problem = out_dir_problem(args.out_given, args.out); !problem.empty()) {
      throw std::invalid_argument(problem);
    }
    if (args.force && args.out.empty()) {
      // It would remove nothing and say nothing: the user meant an --out.
      throw std::invalid_argument(
          "--force needs --out DIR: it removes an earlier sweep's results from DIR, and without "
          "--out nothing is written");
    }
    // Journals are kept only in --out DIR: without it there is nothing to limit.
    if (args.keep && args.out.empty()) throw std::invalid_argument(kKeepNeedsOut);
    keep = parse_keep(args.keep);
    for (const std::string& set : args.sets) {
      if (set.substr(0, set.find('=')) == "run.seed") {
        throw std::invalid_argument("--set " + set +
                                    ": a sweep sets run.seed from --seeds; give the seeds there");
      }
    }
    scenario = load_scenario_arg(args.scenario, registry);
    for (const std::string& set : args.sets)
      apply_override(scenario, set);
    seeds = shard_seeds(parse_seed_range(args.seeds), parse_shard(args.shard));
    // Built once first, as `hio check` does: a scenario that cannot be built
    // is bad input said once (exit 2), not every seed failing the same way.
    // A channel that fails while it is built (a listener whose port is in
    // use) is warned about once, here, as hio check warns: every seed's run
    // would fail it too, and the sweep prints no channel warnings.
    const std::vector<std::string> fixed =
        check_scenario(scenario, registry, [](const std::string& line) {
          std::cerr << "hio sweep: " << line << "\n" << std::flush;
        });
    // Real-time runs on threads at once would each bind a fixed port (or open
    // a device): all but one would fail for that alone, as seed failures.
    const bool threads = jobs > 1 && !seeds.empty && seeds.last_index() > 0;
    if (threads && scenario.run.mode == Mode::real && !fixed.empty()) {
      throw std::invalid_argument(
          "--jobs " + std::to_string(jobs) + ": " + fixed.front() +
          (fixed.size() > 1 ? " (and " + std::to_string(fixed.size() - 1) + " more)" : "") +
          ", and the runs are in real time: runs at once would all need it, and all but one "
          "would fail for that alone; give --jobs 1, or port 0 (clients name the listener "
          "'@name')");
    }
  } catch (const SettingError& error) {
    std::cerr << "hio sweep: " << message_text(error.what()) << "\n";
    return kExitBadInput;
  } catch (const ScenarioError& error) {
    print_diagnostics(error);
    return kExitBadInput;
  } catch (const std::invalid_argument& error) {
    std::cerr << "hio sweep: " << message_text(error.what()) << "\n";
    return kExitBadInput;
  }
  SweepOptions options;
  options.jobs = jobs;
  SweepCommand command{args.scenario, args.shard, args.json, args.out, args.force};
  command.keep = keep;
  command.inputs = {args.scenario};
  command.sets = args.sets;
  command.rerun = rerun_command({args.program, "run", rerun_path(args.scenario)}, args.sets);
  // --out DIR gets its report whatever becomes of stdout (`| head -1`).
  if (!command.out.empty()) defer_stdout_sigpipe();
  return sweep_command(scenario, registry, seeds, options, command, std::cout, std::cerr);
}

// A file a command reads, and what it is in messages.
struct InputFile {
  std::string path;
  const char* what;
};

// What hio writes on the standard stream `stream` (standard_stream_named),
// for the refusal of an output file that is it.
std::string stream_use(const std::string& stream) {
  return stream == "standard output"
             ? "which carries the summary, not the journal"
             : "which carries hio's messages, which must not land in the journal";
}

// The --record FILE of run and replay: refused when empty, when it is `-`
// (as salvage's OUT: `-` is the standard input for every journal hio reads,
// never a file name, and the standard output carries the summary) and when
// it is a file the command reads (the scenario run, the journal replayed, the
// scenario replayed against it), by whatever path (same_file), and when it
// is hio's stdout or stderr under another name (/dev/stdout, the file `>`
// redirects to: standard_stream_named). Returns an
// error message, or "". (The files the scenario's doers read are refused
// once they are known: FileTarget::refuse_inputs.)
std::string record_path_problem(const std::optional<std::string>& record,
                                std::initializer_list<InputFile> inputs) {
  if (!record) return "";
  if (record->empty()) return "--record: the file name is empty";
  if (*record == "-") {
    return "--record -: the standard output carries the summary, not the journal; give a file "
           "name (./- for a file named -) or a pipe (--record >(gzip > run.hioj.gz))";
  }
  for (const InputFile& input : inputs) {
    if (same_file(input.path, *record)) {
      return "--record " + display_text(*record) + " would overwrite the " + input.what +
             " (the same file); record into another file";
    }
  }
  if (const std::string stream = standard_stream_named(*record); !stream.empty()) {
    return "--record " + display_text(*record) + " is hio's " + stream + " (the same file), " +
           stream_use(stream) + "; give another file name, or a pipe other than hio's " + stream;
  }
  return "";
}

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
// ("hio <command>: ..." or the scenario's diagnostics; exit 2): nullopt.
std::optional<Scenario> scenario_as_run(const char* command, const RunArgs& args,
                                        const DoerRegistry& registry) {
  if (const std::string problem = conflicting_setting(args); !problem.empty()) {
    std::cerr << "hio " << command << ": " << problem << "\n";
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
      record_run_setting(scenario, "limit");
    }
    if (args.real) {
      scenario.run.mode = Mode::real;
      record_run_setting(scenario, "mode");
    }
    return scenario;
  } catch (const SettingError& error) {
    std::cerr << "hio " << command << ": " << message_text(error.what()) << "\n";
  } catch (const ScenarioError& error) {
    print_diagnostics(error);
  } catch (const std::invalid_argument& error) {
    std::cerr << "hio " << command << ": " << message_text(error.what()) << "\n";
  }
  return std::nullopt;
}

// `args`: the scenario, --real and --set, as hio run takes them, and --json.
int do_check(const RunArgs& args, const DoerRegistry& registry) {
  std::optional<Scenario> scenario = scenario_as_run("check", args, registry);
  if (!scenario) return kExitBadInput;
  try {
    // A channel that fails while the tree is built (a listener whose port is
    // in use) is warned about as hio run warns: the run would start anyway.
    std::vector<std::string> warnings;
    check_scenario(*scenario, registry, [&warnings](const std::string& line) {
      warnings.push_back(line);
      std::cerr << "hio check: " << line << "\n" << std::flush;
    });
    if (args.json) {
      // Problems (exit 2) get --json's error object, as every command's
      // failure does: only a scenario that is ok has this one.
      std::string list;
      for (const std::string& warning : warnings)
        list += (list.empty() ? "" : ", ") + json_quote(warning);
      std::cout << "{" << json_field("scenario", args.scenario)
                << ", \"ok\": true, \"doers\": " << scenario->doers.size()
                << ", \"expectations\": " << scenario->expectations.size() << ", \"warnings\": ["
                << list << "]}\n";
      return kExitOk;
    }
    std::cout << display_text(args.scenario) << ": ok ("
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

int do_run(const RunArgs& args, const DoerRegistry& registry) {
  if (const std::string problem =
          record_path_problem(args.record, {{args.scenario, "scenario file"}});
      !problem.empty()) {
    std::cerr << "hio run: " << problem << "\n";
    return kExitBadInput;
  }
  std::optional<Scenario> as_run = scenario_as_run("run", args, registry);
  if (!as_run) return kExitBadInput;
  Scenario& scenario = *as_run;
  RunOptions options;
  options.record_path = args.record.value_or("");
  options.counters = args.counters;
  // Whether a progress line is on stderr now: erased (only then) before a
  // warning and after the run.
  bool progress_shown = false;
  const auto erase_progress = [&progress_shown] {
    if (progress_shown) std::fprintf(stderr, "\r\033[K");
    progress_shown = false;
  };
  if (::isatty(STDERR_FILENO) != 0) {
    options.progress = [&progress_shown](Tyme tyme) {
      // Cleared to the end of the line: the text is shorter when the tyme
      // has fewer digits ("1789.5 s" then "2053 s", trailing zeros trimmed).
      std::fprintf(stderr, "\r  tyme %s s\033[K", format_seconds(tyme).c_str());
      std::fflush(stderr);
      progress_shown = true;
    };
  }
  // Channel failures on stderr (the journal has them too); a progress line
  // there is erased first, and rewritten at its next turn.
  options.warn = [&erase_progress](const std::string& line) {
    erase_progress();
    std::cerr << "hio run: " << line << "\n" << std::flush;
  };
  // Where a listener on port 0 got its port, for peers outside the run: a
  // line each for the first kListeningLinesMax (copies of one could flood the
  // terminal), then one line for the rest, which --json lists.
  options.listening = [warn = options.warn, said = std::size_t{0}](const Listening& l) mutable {
    if (++said <= kListeningLinesMax) warn(format_listening(l));
    if (said == kListeningLinesMax + 1)
      warn("and more doers listen on port 0 (hio run --json lists them all)");
  };
  RunSummary summary;
  try {
    summary = run_scenario(scenario, registry, options);
  } catch (const ScenarioError& error) {
    erase_progress();
    print_run_error("run", error, args.record);
    return exit_code_of(error);
  }
  erase_progress();
  // The journal gone from its name at the end (removed, replaced): exit 4,
  // after a signal's code and before a doer's error (the exit codes' order).
  const bool lost = !summary.journal_lost.empty();
  int code = summary.passed() ? kExitOk : kExitExpectationsFailed;
  if (summary.error) {
    code = lost ? kExitOutputFailed : kExitDoerError;
  } else if (summary.end == RunEnd::interrupted) {
    code = interrupted_exit_code(summary.stop_signal);
  } else if (lost) {
    code = kExitOutputFailed;
  }
  // Known before the summary goes out: a stdout whose reader has gone then
  // leaves a 4 or 5 as it is (and the error lines below are said).
  exit_code_known(code);
  if (args.json) {
    std::cout << format_summary_json(summary) << "\n";
  } else {
    std::cout << format_summary(summary);
  }
  if (lost) {
    std::cerr << "hio run: error: " << display_text(summary.journal) << ": " << summary.journal_lost
              << "\n";
  }
  if (summary.error) {
    std::cerr << "hio run: error: a doer threw: " << display_text(*summary.error)
              << (summary.journal.empty() || lost
                      ? std::string()
                      : "; the journal " + display_text(summary.journal) +
                            " ends with it (end=error): hio replay reproduces it")
              << "\n";
  }
  return code;
}

std::optional<Tyme> parse_tyme_arg(const std::string& text, const char* what) {
  std::string error;
  std::optional<Tyme> tyme = parse_tyme(text, &error);
  if (!tyme) {
    std::cerr << "hio inspect: " << option_value(what, display_text(text)) << ": " << error << "\n";
  }
  return tyme;
}

// Said on stderr by a noise replay of a journal whose every channel is a
// SimNet one.
constexpr const char* kSimulatedNoiseNote =
    "hio replay: note: every channel of this journal is a SimNet channel: noise perturbs each "
    "doer's recorded inputs, and the doers' reactions do not reach each other; to test the "
    "exchange under a worse network, run the scenario with other seeds (hio sweep)\n";

void print_journal_error(const char* command, const std::string& path,
                         const replay::JournalError& error) {
  JsonFailure::note(path, error);
  std::cerr << "hio " << command << ": " << display_text(path) << ": "
            << message_text(error.describe()) << "\n";
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
  if (args.scenario && args.scenario->empty()) return "--scenario: the file name is empty";
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
    std::cerr << "hio replay: --noise " << display_text(args.noise) << ": "
              << message_text(error.what() + nearest) << "\n";
    return kExitBadInput;
  } catch (const SettingError& error) {
    std::cerr << "hio replay: " << display_text(error.what()) << "\n";
    return kExitBadInput;
  } catch (const ScenarioError& error) {
    print_run_error("replay", error, args.record);
    return exit_code_of(error);
  } catch (const std::invalid_argument& error) {
    std::cerr << "hio replay: " << display_text(error.what()) << "\n";
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
        std::cerr << "hio replay: a noise sweep needs a whole journal: each replay would stop at "
                     "the damage and leave its end unjudged (hio replay without --seeds replays "
                     "the intact prefix; a salvaged copy replays as a finished run)\n";
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
  command.name = "hio replay";
  if (!command.out.empty()) defer_stdout_sigpipe();  // as hio sweep's --out
  const int code = sweep_command(replay_seed_runner(options, registry, scenario), seeds,
                                 sweep_options, command, std::cout, std::cerr);
  if (all_simulated && (code == kExitOk || code == kExitExpectationsFailed)) {
    std::cout.flush();
    std::cerr << kSimulatedNoiseNote;
  }
  return code;
}

int do_replay(const ReplayArgs& args, const DoerRegistry& registry) {
  if (std::string problem = replay_usage_problem(args); !problem.empty()) {
    std::cerr << "hio replay: " << problem << "\n";
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
      std::cerr << "hio replay: " << option_value("--overrun", display_text(*args.overrun)) << ": "
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
      std::cerr << "hio replay: " << display_text(error.what()) << "\n";
      return kExitBadInput;
    }
  }
  if (args.seeds) return do_replay_sweep(args, options, registry);
  ReplayScenarioOutcome outcome;
  try {
    outcome = replay_scenario(options, registry);
  } catch (...) {
    return replay_input_error(args);
  }
  const int code = replay_exit_code(outcome);
  exit_code_known(code);  // as hio run's: before the outcome goes to stdout
  if (args.json) {
    std::cout << format_replay_outcome_json(outcome) << "\n";
  } else {
    std::cout << format_replay_outcome(outcome);
  }
  std::cout.flush();
  if (outcome.result.journal_error) {
    print_journal_error("replay", args.journal, *outcome.result.journal_error);
  }
  if (!outcome.journal_lost.empty()) {
    std::cerr << "hio replay: error: " << display_text(outcome.record_path) << ": "
              << outcome.journal_lost << "\n";
  }
  if (const NoiseNote note = noise_note(outcome); note == NoiseNote::simulated_network) {
    std::cerr << kSimulatedNoiseNote;
  } else if (note == NoiseNote::doers_on_both_ends) {
    std::cerr << "hio replay: note: both ends of a connection in this journal are doers of the "
                 "run (a loopback capture): noise perturbs each doer's recorded inputs, and the "
                 "doers' reactions (a retry, an answer to a duplicate) do not reach each other; "
                 "to test the exchange, capture it against a peer outside the run, or run it on "
                 "the simulated network with other seeds (hio sweep)\n";
  }
  return code;
}

// The channel ids that --channel C selects: "#2" or digits are an id (0
// holds the network's own events, e.g. SimNet drops no channel carries);
// anything else a name as listings print it ("server", "server/4"). The
// header's table holds the channels opened before its first frame (the first
// pass, or a build's first 4,096 events); channels opened later (accepted
// remotes, the rest of a large build) are only in the events, so those cost
// one more read of the journal, which keeps only the channels that match
// (and a third, of every channel, for the error of one not there), and only
// when an id or a name is not in the table - which only a regular file
// allows (a pipe has been read; there an id is taken on trust). An id or a
// name the journal does not have would list nothing, as if the channel were
// silent: an error instead, naming the channels there are (and the nearest
// name).
struct ChannelSelection {
  std::vector<std::uint32_t> ids;
  std::string problem;  // "" if every --channel was found
};

replay::ReaderOptions inspect_reader_options(const InspectArgs& args) {
  replay::ReaderOptions options;
  options.resync = args.resync;
  return options;
}

// Whether `c` gives a channel id ("#2", "2"), and which.
bool channel_id_of(const std::string& c, std::uint32_t& id) {
  const std::string_view digits = c.size() > 1 && c[0] == '#' ? std::string_view(c).substr(1) : c;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  return !digits.empty() && error == std::errc() && end == digits.data() + digits.size();
}

ChannelSelection select_channels(const InspectArgs& args, const replay::JournalReader& reader) {
  std::map<std::uint32_t, std::string> known{{0, ""}};  // id -> name
  for (const replay::ChannelInfo& info : reader.header()->channels)
    known[info.id] = info.name;
  bool searched = false;     // the events were read for the channels the table lacks
  bool all_read = false;     // and for every channel, to list them
  bool header_only = false;  // a pipe: only the header's table was searched
  // name -> ids (in id order), built from `known` when first needed and again
  // after the events were read: each --channel NAME is one lookup, not a walk
  // of every channel.
  std::map<std::string, std::vector<std::uint32_t>, std::less<>> by_name;
  bool by_name_stale = true;
  const std::vector<std::uint32_t> none;
  const auto named = [&](std::string_view c) -> const std::vector<std::uint32_t>& {
    if (by_name_stale) {
      by_name.clear();
      for (const auto& [known_id, name] : known) {
        if (known_id != 0) by_name[name].push_back(known_id);
      }
      by_name_stale = false;
    }
    const auto it = by_name.find(c);
    return it == by_name.end() ? none : it->second;
  };
  const auto read_events = [&](const std::function<void(const ChannelEvent&)>& on_event) {
    replay::JournalReader again(args.journal, inspect_reader_options(args));
    (void)replay::for_each_event(
        again, replay::EventFilter{},
        [&](const replay::FrameView&, const ChannelEvent& e) { on_event(e); });
    by_name_stale = true;
  };
  ChannelSelection selection;
  for (const std::string& c : args.channels) {
    std::uint32_t id = 0;
    const bool is_id = channel_id_of(c, id);
    const auto missing = [&] { return is_id ? known.count(id) == 0 : named(c).empty(); };
    if (missing() && !searched) {
      searched = true;
      std::error_code ec;
      if (!std::filesystem::is_regular_file(args.journal, ec)) {
        header_only = true;
      } else {
        // Only the channels asked for that the table lacks are kept as the
        // events are read (an accepted remote's name is matched at its open
        // event), so that finding one in a capture of millions of channels
        // keeps what it names, not every channel.
        std::set<std::uint32_t> ids;
        std::set<std::string, std::less<>> names;
        for (const std::string& wanted : args.channels) {
          std::uint32_t wanted_id = 0;
          if (channel_id_of(wanted, wanted_id)) {
            if (known.count(wanted_id) == 0) ids.insert(wanted_id);
          } else if (named(wanted).empty()) {
            names.insert(wanted);
          }
        }
        read_events([&](const ChannelEvent& e) {
          const bool open = e.kind == EventKind::open;
          if (ids.count(e.channel) == 0 && !(open && names.count(e.text) != 0)) return;
          std::string& name = known[e.channel];
          if (open) name = std::string(e.text);
        });
      }
    }
    if (missing() && !header_only && !all_read) {
      // Not there: every channel, to say which there are (and the nearest
      // name), as only a mistake costs.
      all_read = true;
      read_events([&](const ChannelEvent& e) {
        std::string& name = known[e.channel];
        if (e.kind == EventKind::open) name = std::string(e.text);
      });
    }
    if (is_id && (known.count(id) != 0 || header_only)) {
      selection.ids.push_back(id);
      continue;
    }
    if (!is_id) {
      const std::vector<std::uint32_t>& ids = named(c);
      if (!ids.empty()) {
        selection.ids.insert(selection.ids.end(), ids.begin(), ids.end());
        continue;
      }
    }
    constexpr std::size_t kListedMax = 20;
    std::string listed;
    std::vector<std::string> names;
    for (const auto& [known_id, name] : known) {
      if (known_id != 0) names.push_back(name);
      if (names.size() + 1 > kListedMax) continue;  // (+1: the network)
      listed += (listed.empty() ? "" : ", ") + std::to_string(known_id) +
                (known_id == 0 ? " (the network)" : " " + display_text(name));
    }
    if (known.size() > kListedMax) {
      listed += ", ... (" + std::to_string(known.size() - kListedMax) + " more)";
    }
    if (c.empty()) {  // (display_text("") shows nothing: "no channel named ;")
      selection.problem =
          "--channel \"\": the channel name is empty; the journal's channels are " + listed;
      return selection;
    }
    std::string what = display_text(c);
    if (!is_id) {
      const std::string nearest = did_you_mean(c, names);  // "; did you mean 'x'?"
      what =
          "named " + what + (nearest.empty() ? "" : " (" + display_text(nearest.substr(2)) + ")");
    }
    selection.problem =
        "--channel " + display_text(c) + ": the journal has no channel " + what +
        "; its channels are " + listed +
        (header_only ? " (those of the header: a journal that is not a file is read once, so a "
                       "channel opened later can only be given by its id)"
                     : "");
    return selection;
  }
  return selection;
}

// Whether a stop signal (held by the command's StopSignalCatch) ended the
// reading of `shown` (the journals, as display_text shows them), which
// stopped before its end (`cut`): then said, and its exit code; else 0.
int reading_interrupted(const std::string& command, const std::string& shown, bool cut) {
  const int signal = caught_stop_signal();
  if (signal == 0 || !cut) return 0;
  std::cerr << "hio " << command << ": interrupted (" << stop_signal_name(signal)
            << "): the rest of " << shown << " was not read, no result\n";
  interruption_said();  // once: not again by StdoutWriter::finish
  return interrupted_exit_code(signal);
}

int do_inspect(const InspectArgs& args) {
  replay::JournalReader reader(args.journal, inspect_reader_options(args));
  if (const int code =
          reading_interrupted("inspect", display_text(args.journal), reader.header() == nullptr);
      code != 0) {
    return code;
  }
  if (reader.header() == nullptr) {
    print_journal_error("inspect", args.journal, *reader.error());
    return kExitBadInput;
  }
  replay::EventFilter filter;
  ChannelSelection selection = select_channels(args, reader);
  if (!selection.problem.empty()) {
    std::cerr << "hio inspect: " << selection.problem << "\n";
    return kExitBadInput;
  }
  filter.channels = std::move(selection.ids);
  if (!args.kinds.empty()) {
    filter.kinds = 0;
    for (const std::string& k : args.kinds) {
      std::optional<EventKind> kind = replay::parse_event_kind(k);
      if (!kind) {
        const std::vector<std::string> kinds = {"open",  "connect", "accept", "rx",  "tx",
                                                "close", "error",   "noise",  "log", "rx_end"};
        std::string names;
        for (const std::string& name : kinds)
          names += (names.empty() ? "" : ", ") + name;
        std::cerr << "hio inspect: --kind " << display_text(k) << ": one of " << names
                  << message_text(did_you_mean(k, kinds)) << "\n";
        return kExitBadInput;
      }
      filter.kinds |= replay::EventFilter::kind_bit(*kind);
    }
  }
  if (args.from) {
    auto t = parse_tyme_arg(*args.from, "--from");
    if (!t) return kExitBadInput;
    filter.from = *t;
  }
  if (args.to) {
    auto t = parse_tyme_arg(*args.to, "--to");
    if (!t) return kExitBadInput;
    filter.until = *t;
  }
  // An empty window whatever gave --from: no tyme is before 0 (a reader
  // refuses a negative one), so --to 0 alone is [0, 0) too.
  if (filter.until && std::max(filter.from, Tyme{}) >= *filter.until) {
    std::cerr << "hio inspect: --from "
              << (args.from ? display_text(*args.from) : "0 (the default)")
              << " is not before --to " << display_text(*args.to)
              << ": no tyme is in that window\n";
    return kExitBadInput;
  }
  replay::FormatOptions format;
  format.format = args.json ? replay::LineFormat::json : replay::LineFormat::text;
  const replay::InspectSummary summary =
      replay::inspect(reader, filter, format, std::cout,
                      args.stats ? replay::InspectBody::stats : replay::InspectBody::events);
  std::cout.flush();
  // The lines printed end with the error line of the read the signal cut.
  if (const int code =
          reading_interrupted("inspect", display_text(args.journal), summary.error.has_value());
      code != 0) {
    return code;
  }
  if (summary.error) {
    print_journal_error("inspect", args.journal, *summary.error);
    return kExitBadInput;
  }
  return kExitOk;
}

struct DiffArgs {
  std::string a;
  std::string b;
  bool json = false;
  bool all = false;
  std::uint64_t max = kDiffListedDefault;
  std::optional<std::string> max_text;  // --max N, read by do_diff as --seed and --keep are
  bool ignore_addresses = false;
};

std::string divergence_json(const replay::Divergence& d) {
  const replay::FormatOptions json{.format = replay::LineFormat::json};
  std::string out =
      "{\"index\": " + std::to_string(d.index) + ", \"pass\": " + std::to_string(d.pass) +
      ", \"tyme_ns\": " + std::to_string(d.tyme.time_since_epoch().count()) + ", \"tyme\": \"" +
      format_seconds(d.tyme) + "\", \"channel\": " + std::to_string(d.channel) + ", " +
      json_field_or_null("field", d.field) + ", \"expected\": " +
      (d.expected ? replay::format_event(d.expected->view(), d.expected_pass, json) : "null") +
      ", \"actual\": " +
      (d.actual ? replay::format_event(d.actual->view(), d.actual_pass, json) : "null");
  return out + "}";
}

// `hio diff --json`: one object, defined in docs/replay.md (Diff).
std::string diff_json(const DiffArgs& args, const replay::DiffResult& result,
                      const replay::JournalReader& expected, const replay::JournalReader& actual) {
  const replay::FormatOptions json{.format = replay::LineFormat::json};
  const char* verdict = result.divergence ? "diverged" : result.same() ? "same" : "damaged";
  std::string out = "{" + json_field("result", verdict) + ", " + json_field("expected", args.a) +
                    ", " + json_field("actual", args.b) +
                    ", \"ignore_addresses\": " + (args.ignore_addresses ? "true" : "false") +
                    ", \"header_differences\": [";
  // As the text lines say them: a header string may be any bytes (a
  // damaged or crafted journal), and a JSON string must be UTF-8.
  for (std::size_t i = 0; i < result.header_differences.size(); ++i)
    out += (i == 0 ? "" : ", ") + json_quote(display_text(result.header_differences[i]));
  out += "], \"events_compared\": " + std::to_string(result.events_compared) +
         ", \"divergences_total\": " + std::to_string(result.divergences_total) +
         ", \"divergences_max\": " + (args.all ? std::to_string(args.max) : "1") +
         ", \"divergences\": [";
  for (std::size_t i = 0; i < result.divergences.size(); ++i)
    out += (i == 0 ? "" : ", ") + divergence_json(result.divergences[i]);
  // The digests of whole journals only: both read to their end.
  const bool whole =
      (args.all || !result.divergence) && !result.expected_error && !result.actual_error;
  out += "], \"expected_digest\": " +
         (whole ? "\"" + replay::format_digest(expected.digest()) + "\"" : std::string("null")) +
         ", \"actual_digest\": " +
         (whole ? "\"" + replay::format_digest(actual.digest()) + "\"" : std::string("null"));
  for (const auto& [name, error] : {std::pair{"expected_error", &result.expected_error},
                                    std::pair{"actual_error", &result.actual_error}}) {
    out += std::string(", \"") + name +
           "\": " + (*error ? replay::format_error(**error, json) : std::string("null"));
  }
  return out + "}";
}

int do_diff(DiffArgs args) {
  if (args.max_text) {
    std::uint64_t max = 0;
    try {
      max = parse_u64(*args.max_text, "--max");
    } catch (const std::invalid_argument&) {
      max = 0;  // said below, with the range
    }
    if (max == 0 || max > kDiffListedMax) {
      std::cerr << "hio diff: --max: '" << display_text(*args.max_text)
                << "' is not a whole number from 1 to " << kDiffListedMax << "\n";
      return kExitBadInput;
    }
    args.max = max;
  }
  const std::string& a = args.a;
  const std::string& b = args.b;
  if (a == "-" && b == "-") {
    std::cerr << "hio diff: both journals are - (the standard input): it holds one; give the "
                 "other as a file\n";
    return kExitBadInput;
  }
  replay::JournalReader expected(a);
  replay::JournalReader actual(b);
  // Stopped before the comparison's end: no object of its own (it would
  // call the journals "damaged"); --json gives the error object.
  const std::string both = display_text(a) + " and " + display_text(b);
  if (const int code = reading_interrupted(
          "diff", both, expected.header() == nullptr || actual.header() == nullptr);
      code != 0) {
    return code;
  }
  if (expected.header() == nullptr || actual.header() == nullptr) {
    // Nothing compared: --json still prints its one object, "damaged", with
    // the error of each journal that could not be opened.
    replay::DiffResult unread;
    if (expected.header() == nullptr) unread.expected_error = expected.error();
    if (actual.header() == nullptr) unread.actual_error = actual.error();
    if (args.json) {
      std::cout << diff_json(args, unread, expected, actual) << "\n";
      std::cout.flush();
    }
    if (unread.expected_error) print_journal_error("diff", a, *unread.expected_error);
    if (unread.actual_error) print_journal_error("diff", b, *unread.actual_error);
    return kExitBadInput;
  }
  replay::DiffOptions options;
  options.all = args.all;
  options.divergences_max = args.max;
  options.ignore_addresses = args.ignore_addresses;
  const replay::DiffResult result = replay::diff_journals(expected, actual, options);
  if (const int code = reading_interrupted(
          "diff", both, result.expected_error.has_value() || result.actual_error.has_value());
      code != 0) {
    return code;
  }
  const int code = result.divergence ? kExitDivergence : result.same() ? kExitOk : kExitBadInput;
  if (args.json) {
    std::cout << diff_json(args, result, expected, actual) << "\n";
    std::cout.flush();
    if (result.expected_error) print_journal_error("diff", a, *result.expected_error);
    if (result.actual_error) print_journal_error("diff", b, *result.actual_error);
    return code;
  }
  for (const std::string& d : result.header_differences)
    std::cout << "header differs: " << display_text(d) << "\n";  // journal text
  for (std::size_t i = 0; i < result.divergences.size(); ++i) {
    const std::string text =
        i == 0 ? result.divergences[i].describe()
               : result.divergences[i].describe_as("divergence " + std::to_string(i + 1));
    std::cout << text;
    if (text.back() != '\n') std::cout << "\n";
  }
  if (args.all && result.divergence) {
    const std::uint64_t listed = result.divergences.size();
    std::cout << result.divergences_total << " divergence"
              << (result.divergences_total == 1 ? "" : "s") << " in all";
    if (listed < result.divergences_total) {
      std::cout << ", the first " << listed << " listed (--max " << args.max << ")";
    }
    std::cout << " (events compared by position: after an event missing or extra, the pairs "
                 "that follow are shifted)\n";
  }
  if (!result.divergence && (result.expected_error || result.actual_error)) {
    // What could be compared agreed: say how far, and where it stopped.
    std::cout << "same for the first " << counted(result.events_compared, "event") << ", then";
    const char* joint = "";
    for (const auto& [path, error] :
         {std::pair{&a, &result.expected_error}, std::pair{&b, &result.actual_error}}) {
      if (!*error) continue;
      std::cout << joint << " " << display_text(*path) << " is cut or damaged at "
                << (*error)->describe();
      joint = ";";
    }
    std::cout << "\n";
  }
  std::cout.flush();
  if (result.expected_error) print_journal_error("diff", a, *result.expected_error);
  if (result.actual_error) print_journal_error("diff", b, *result.actual_error);
  if (code != kExitOk) return code;
  std::cout << "same: " << counted(result.events_compared, "event") << ", digest "
            << replay::format_digest(expected.digest());
  if (expected.digest() != actual.digest()) {
    // Only with --ignore-addresses: the addresses in the events differ.
    std::cout << " vs " << replay::format_digest(actual.digest()) << " (addresses not compared)";
  }
  std::cout << "\n";
  return kExitOk;
}

struct SalvageArgs {
  std::string input;
  std::string output;
  bool resync = false;
  bool json = false;
};

// `hio salvage --json`: one object, defined in docs/replay.md (Salvage).
std::string salvage_json(const SalvageArgs& args, const replay::SalvageResult& r) {
  const replay::FormatOptions json{.format = replay::LineFormat::json};
  std::string out =
      "{" + json_field("input", args.input) + ", " + json_field("output", args.output) +
      ", \"resync\": " + (args.resync ? "true" : "false") +
      ", \"complete\": " + (r.damage ? "false" : "true") +
      ", \"trailer_kept\": " + (r.trailer_kept ? "true" : "false") +
      ", \"frames\": " + std::to_string(r.frames) + ", \"events\": " + std::to_string(r.events) +
      ", \"last_pass\": " + (r.last_pass ? std::to_string(*r.last_pass) : std::string("null")) +
      ", \"holes\": [";
  for (std::size_t i = 0; i < r.holes.size(); ++i) {
    const replay::JournalHole& h = r.holes[i];
    out += std::string(i == 0 ? "" : ", ") + "{\"offset\": " + std::to_string(h.offset) +
           ", \"end\": " + std::to_string(h.end) +
           ", \"bytes\": " + std::to_string(h.end - h.offset) +
           ", \"lost\": " + (h.lost ? "true" : "false") +
           ", \"why\": " + replay::format_error(h.why, json) + "}";
  }
  out += "], \"input_error\": " +
         (r.damage ? replay::format_error(*r.damage, json) : std::string("null")) +
         ", \"trailer\": " + replay::format_trailer(r.trailer, json);
  return out + "}";
}

// hio salvage IN OUT: the intact frames of IN (all of them past damaged
// regions with --resync) as a whole journal OUT. Exit 0 when a journal was
// written (complete input or not: the output says which), 2 when IN has no
// intact header or OUT is IN, 4 when OUT cannot be written (IN checked
// first: 2 before 4), 130/143/129 when stopped by a signal (OUT left as it
// was).
int do_salvage(const SalvageArgs& args) {
  if (args.output == "-") {
    std::cerr << "hio salvage: OUT cannot be - (standard output): the salvaged journal is a "
                 "file, made whole (with its trailer) once the input has been read; give a "
                 "file name\n";
    return kExitBadInput;
  }
  if (same_file(args.input, args.output)) {
    std::cerr << "hio salvage: " << display_text(args.output) << " is the input "
              << (args.input == "-" ? std::string("(the standard input reads it)")
                                    : display_text(args.input) + " (the same file)")
              << ": salvage into another file\n";
    return kExitBadInput;
  }
  if (const std::string stream = standard_stream_named(args.output); !stream.empty()) {
    std::cerr << "hio salvage: " << display_text(args.output) << " is hio's " << stream
              << " (the same file), " << stream_use(stream) << ": salvage into another file\n";
    return kExitBadInput;
  }
  // IN's header is read and checked first, so that a bad IN is exit 2 before
  // OUT is looked at (as hio run checks its scenario before --record). OUT is
  // then written as hio run --record writes its journal (FileTarget): under
  // no name until complete, then put in place, so that a salvage that fails
  // or is stopped leaves an existing OUT as it was and nothing half-written.
  replay::SalvageOptions options;
  options.reader.resync = args.resync;
  options.output_name = args.output;
  options.stop = [] { return caught_stop_signal() != 0; };
  replay::SalvageResult r;
  try {
    replay::JournalReader reader = replay::open_salvage_input(args.input, options.reader);
    FileTarget target(args.output, "journal");
    r = replay::salvage_journal(reader, target.write_path(), options);
    if (const int signal = caught_stop_signal(); signal != 0) {
      std::cerr << "hio salvage: interrupted (" << stop_signal_name(signal) << ") after "
                << counted(r.frames, "pass frame") << ": " << display_text(args.output)
                << " not written (a file there is as it was)\n";
      interruption_said();
      return interrupted_exit_code(signal);
    }
    target.commit();
    if (const std::string lost = target.lost(nullptr, r.bytes, "the salvage"); !lost.empty()) {
      std::cerr << "hio salvage: " << display_text(args.output) << ": " << lost << "\n";
      return kExitOutputFailed;
    }
  } catch (const OutputError& error) {
    for (const Diagnostic& d : error.diagnostics())
      std::cerr << "hio salvage: " << d.str() << "\n";
    return kExitOutputFailed;
  } catch (const replay::JournalException& error) {
    print_journal_error("salvage", args.input, error.error());
    return kExitBadInput;
  } catch (const replay::JournalWriteError& error) {
    // A stop signal while OUT is opened (a FIFO with no reader blocks there):
    // the interruption, not an OUT that cannot be created.
    if (const int signal = caught_stop_signal();
        signal != 0 && error.code() == std::errc::interrupted) {
      std::cerr << "hio salvage: interrupted (" << stop_signal_name(signal) << ") while "
                << display_text(args.output) << " was opened: nothing written\n";
      interruption_said();
      return interrupted_exit_code(signal);
    }
    // OUT: said as the command's own error, as every other salvage error is.
    std::cerr << "hio salvage: " << message_text(error.what()) << "\n";
    return kExitOutputFailed;
  }
  if (args.json) {
    std::cout << salvage_json(args, r) << "\n";
  } else {
    std::cout << "kept:     " << counted(r.frames, "pass frame") << ", "
              << counted(r.events, "event");
    if (r.last_pass) std::cout << ", to pass " << *r.last_pass;
    std::cout << ", in " << display_text(args.output) << "\n";
    for (const replay::JournalHole& h : r.holes)
      std::cout << "skipped:  " << display_text(replay::describe_hole(h)) << "\n";
    if (!r.damage) {
      std::cout << "input:    complete (its trailer is kept"
                << (r.holes.empty() ? ")"
                                    : "; it agrees with the frames read: the bytes skipped "
                                      "held no frame of it)")
                << "\n";
    } else if (r.trailer_kept) {
      // Only bytes after the trailer are bad: the recorded run is whole.
      std::cout << "input:    whole to its trailer, which is kept; then stopped at "
                << display_text(r.damage->describe()) << " (not copied)\n";
    } else {
      std::cout << "input:    stopped at " << display_text(r.damage->describe()) << "\n";
      if (!r.holes.empty()) {
        std::cout << "holes:    marked in the new journal: its readers stop at the first unless "
                     "they read past holes (see docs/journal-format.md)\n";
      }
    }
    std::cout << replay::format_trailer(r.trailer) << "\n";
  }
  return kExitOk;
}

// The arguments CLI11 did not expect, in the order given: what is left of
// the command line, or, when it stopped at a positional it had no room for
// (after `--`), the words of its message, which lists them backwards.
std::vector<std::string> unexpected_arguments(CLI::App& command, const CLI::ParseError& error) {
  std::vector<std::string> extras;
  for (std::string& extra : command.remaining(false)) {
    if (extra != "--") extras.push_back(std::move(extra));
  }
  if (!extras.empty()) return extras;
  const std::string message = error.what();
  std::size_t at = message.find("expected: ");
  if (at == std::string::npos) return extras;
  for (at += 10; at < message.size();) {
    const std::size_t end = std::min(message.find(' ', at), message.size());
    if (end > at && message.compare(at, end - at, "--") != 0) {
      extras.insert(extras.begin(), message.substr(at, end - at));
    }
    at = end + 1;
  }
  return extras;
}

// A usage error CLI11 found, said as hio says its own: prefixed with the
// command that failed ("hio run: ..."), arguments not expected in the order
// given, the nearest option to a misspelt one (never the very option given:
// after `--` it is no option), what `--` does when it was given (everything
// after it is a positional argument), escaped as every message is.
std::string usage_error(CLI::App& app, const CLI::ParseError& error, bool separator) {
  const std::vector<CLI::App*> parsed = app.get_subcommands();
  CLI::App* command = parsed.empty() ? &app : parsed.front();
  std::string message = error.what();
  const std::vector<std::string> extras = unexpected_arguments(*command, error);
  // A required argument missing because of an unexpected one (`hio run
  // -zzz`, `hio sweep -- x.toml --seeds 1..3`): the unexpected one is the
  // mistake, not what CLI11 checked first.
  if ((dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr ||
       dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) &&
      !extras.empty()) {
    message = extras.size() == 1 ? "the following argument was not expected:"
                                 : "the following arguments were not expected:";
    for (const std::string& extra : extras)
      message += " " + extra;
    std::vector<std::string> names;
    std::vector<std::string> positionals;
    for (const CLI::Option* option : command->get_options()) {
      for (const std::string& name : option->get_lnames())
        names.push_back("--" + name);
      if (!option->nonpositional()) positionals.push_back(option->get_name());
    }
    for (const std::string& extra : extras) {
      const std::string name = extra.substr(0, extra.find('='));
      if (extra.rfind("--", 0) != 0 || std::find(names.begin(), names.end(), name) != names.end()) {
        continue;
      }
      const std::string nearest = did_you_mean(name, names);
      if (!nearest.empty()) {
        message += nearest;
        break;
      }
    }
    // A file name that starts with '-' is read as an option.
    if (!separator && dynamic_cast<const CLI::RequiredError*>(&error) != nullptr &&
        std::any_of(extras.begin(), extras.end(), [](const std::string& extra) {
          return extra.size() > 1 && extra[0] == '-' && extra[1] != '-';
        })) {
      message += "; a file whose name starts with - is given as ./NAME, or after --";
    }
    if (separator) {
      std::string taken;
      for (const std::string& positional : positionals)
        taken += (taken.empty() ? "" : ", ") + positional;
      message += "; everything after -- is a positional argument, never an option, and hio " +
                 command->get_name() + " takes " + std::to_string(positionals.size()) + " (" +
                 taken + "): put options before --";
    }
    // What CLI11 found missing is still said, after the mistake.
    if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
      message += " (" + std::string(error.what()) + " too)";
    }
  }
  // An option that takes one value, given more than once ("--keep: At Most 1
  // required but received 2"): said in hio's words, not CLI11's.
  constexpr std::string_view kAtMostOne = ": At Most 1 required but received ";
  if (const std::size_t at = message.find(kAtMostOne);
      dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr && at != std::string::npos) {
    message = message.substr(0, at) + " is given " + message.substr(at + kAtMostOne.size()) +
              " times: it takes one value; give it once";
  }
  return (parsed.empty() ? std::string("hio") : "hio " + command->get_name()) + ": " +
         message_text(message) + "\nRun with --help for more information.";
}

// While it lives, the libraries' own lines (hio/engine/report.hpp: a journal
// that a destructor could not finish) go to stderr after `prefix` ("hio run:
// "), as the command's own messages do; the sink before it is put back after.
class ReportPrefix {
 public:
  explicit ReportPrefix(std::string prefix)
      : previous_(set_report_sink([prefix = std::move(prefix)](std::string_view line) {
          write_line(std::cerr, prefix + std::string(line));
        })) {}
  ~ReportPrefix() {
    try {
      set_report_sink(std::move(previous_));
    } catch (const std::bad_alloc&) {
      set_report_sink(nullptr);  // the default, which needs no memory
    }
  }
  ReportPrefix(const ReportPrefix&) = delete;
  ReportPrefix& operator=(const ReportPrefix&) = delete;

 private:
  ReportSink previous_;
};

int run_command(int argc, const char* const* argv, const DoerRegistry& registry,
                std::optional<ReportPrefix>& report_prefix) {
  CLI::App app{"hio: deterministic doers, simulated networks, record and replay", "hio"};
  app.footer(kExamples);
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  // CLI11's messages quote the arguments: escaped as every message is.

  RunArgs run_args;
  CLI::App* run = app.add_subcommand(
      "run",
      "run a scenario and check its expectations; channel failures are warned on stderr, and "
      "where each port-0 listener listens is said there");
  run->add_option("scenario", run_args.scenario, "scenario file (TOML; - reads the standard input)")
      ->required();
  run->add_option("--seed", run_args.seed, "root random seed (overrides run.seed)");
  run->add_option("--limit", run_args.limit, "tyme limit, e.g. 10s (overrides run.limit)");
  run->add_flag("--real", run_args.real, "real-time mode (overrides run.mode)");
  run->add_option(
         "--set", run_args.sets,
         "override a setting: run.tock=10ms, run.seed=3, net.default_link.latency=5ms, ...")
      ->allow_extra_args(false);
  run->add_flag("--json", run_args.json, "print the summary as one JSON object");
  run->add_flag("--counters", run_args.counters,
                "print every doer's counters at the end, in doer order (in --json: \"counters\")");
  run->add_option("--record", run_args.record, "journal the run into FILE (.hioj)");

  ReplayArgs replay_args;
  CLI::App* replay_cmd = app.add_subcommand(
      "replay", "replay a journal in virtual time; report the first divergence (exit 3)");
  replay_cmd
      ->add_option("journal", replay_args.journal,
                   "journal file (.hioj), - for stdin (read once: not with --scenario or --seeds)")
      ->required();
  replay_cmd->add_option("--record", replay_args.record, "journal the replay into FILE");
  CLI::Option* noise_option = replay_cmd->add_option(
      "--noise", replay_args.noise,
      "perturb the recorded inputs: drop=P,dup=P,corrupt=P,reorder=P,delay=LO-HI,delay_p=P");
  // Checked in do_replay, so that the message has the "hio replay:" prefix.
  replay_cmd->add_option("--seed", replay_args.seed, "the noise's random seed (with --noise)");
  replay_cmd->add_option("--overrun", replay_args.overrun,
                         "with --noise: run DURATION past the recorded end (held inputs arrive, "
                         "timeouts fire)");
  replay_cmd->add_flag("--json", replay_args.json,
                       "print the result as one JSON object (with --seeds: as hio sweep --json)");
  replay_cmd->add_flag("--counters", replay_args.counters,
                       "print every doer's counters at the end, in doer order, as hio run "
                       "--counters does (in --json: \"counters\")");
  replay_cmd->add_option("--scenario", replay_args.scenario,
                         "replay against FILE's scenario instead of the journal's (the same "
                         "channels; other doer parameters, expectations, limit; - reads the "
                         "standard input)");
  replay_cmd
      ->add_option("--set", replay_args.sets,
                   "override a run setting of the scenario replayed: run.limit=2s, run.name=x")
      ->allow_extra_args(false);
  replay_cmd->add_option("--seeds", replay_args.seeds,
                         "noise sweep: replay once per noise seed A..B (inclusive); list the "
                         "seeds whose replay fails its expectations");
  replay_cmd->add_option("--jobs", replay_args.jobs,
                         "with --seeds: worker threads, 1 to 256 (default 1)");
  replay_cmd->add_option("--shard", replay_args.shard,
                         "with --seeds: K/N, only every N-th seed from the K-th");
  replay_cmd->add_option("--out", replay_args.out,
                         "with --seeds: save DIR/report.json and the failing seeds' journals "
                         "DIR/seed-N.hioj");
  replay_cmd->add_flag("--force", replay_args.force,
                       "with --out: remove an earlier sweep's report.json and the seed-N.hioj "
                       "it lists first");
  replay_cmd
      ->add_option("--keep", replay_args.keep,
                   "with --out: journal only the first N failing seeds in seed order, as hio "
                   "sweep --keep")
      ->type_name("N");

  InspectArgs inspect_args;
  CLI::App* inspect_cmd =
      app.add_subcommand("inspect", "print a journal's events as text or JSON lines");
  inspect_cmd->add_option("journal", inspect_args.journal, "journal file (.hioj), - for stdin")
      ->required();
  inspect_cmd->add_flag("--json", inspect_args.json, "JSON lines instead of text");
  inspect_cmd
      ->add_option(
          "--channel", inspect_args.channels,
          "only this channel: an id (2 or #2) or a name as listings print it (server, server/4); "
          "repeatable")
      ->allow_extra_args(false);
  inspect_cmd
      ->add_option("--kind", inspect_args.kinds,
                   "only this event kind: open, connect, accept, rx, tx, close, error, "
                   "noise, log, rx_end (repeatable)")
      ->allow_extra_args(false);
  inspect_cmd->add_option("--from", inspect_args.from, "only events at tyme >= this (e.g. 1.5s)");
  inspect_cmd->add_option("--to", inspect_args.to, "only events at tyme < this");
  inspect_cmd->add_flag("--resync", inspect_args.resync,
                        "go on past damage, as salvage --resync does: print each region skipped "
                        "where it was (a hole line: byte range, bytes skipped, the damage)");
  inspect_cmd->add_flag("--stats", inspect_args.stats,
                        "instead of the events, a line per channel of what the kept events amount "
                        "to (events, rx and tx chunks and bytes, discarded bytes, counts of the "
                        "other kinds, first and last pass), then a total");

  DiffArgs diff_args;
  CLI::App* diff_cmd = app.add_subcommand(
      "diff", "compare two journals: the first divergence (exit 3), or same (exit 0)");
  diff_cmd->add_option("expected", diff_args.a, "journal A (- for stdin)")->required();
  diff_cmd->add_option("actual", diff_args.b, "journal B (- for stdin)")->required();
  diff_cmd->add_flag("--json", diff_args.json, "print the result as one JSON object");
  CLI::Option* diff_all = diff_cmd->add_flag(
      "--all", diff_args.all, "list every divergence (up to --max), not only the first");
  diff_cmd
      ->add_option("--max", diff_args.max_text,
                   "with --all: list at most N divergences, 1 to " +
                       std::to_string(kDiffListedMax) + " (default " +
                       std::to_string(kDiffListedDefault) + "; all are counted)")
      ->needs(diff_all);
  diff_cmd->add_flag("--ignore-addresses", diff_args.ignore_addresses,
                     "do not compare addresses and ports (channel table, open, connect, accept, "
                     "peers): two captures of one scene");

  RunArgs check_args;  // the scenario, --real, --set and --json
  SalvageArgs salvage_args;
  CLI::App* salvage_cmd = app.add_subcommand(
      "salvage", "copy the intact frames of a damaged or cut journal into a whole journal");
  salvage_cmd->add_option("input", salvage_args.input, "journal to salvage (- for stdin)")
      ->required();
  salvage_cmd->add_option("output", salvage_args.output, "journal to write")->required();
  salvage_cmd->add_flag("--resync", salvage_args.resync,
                        "go on past damage: keep the intact frames after each damaged region "
                        "(the regions are reported and marked as holes)");
  salvage_cmd->add_flag("--json", salvage_args.json, "print the result as one JSON object");

  CLI::App* check = app.add_subcommand("check",
                                       "validate a scenario without running it (nothing is "
                                       "connected); a listener whose port is in use, or a host "
                                       "name that does not resolve, is warned on stderr");
  check
      ->add_option("scenario", check_args.scenario,
                   "scenario file (TOML; - reads the standard input)")
      ->required();
  check->add_flag("--real", check_args.real,
                  "check it as `hio run --real` runs it (run.mode = real)");
  check->add_option("--set", check_args.sets, "check it with a setting overridden, as for run")
      ->allow_extra_args(false);
  check->add_flag("--json", check_args.json,
                  "print the result as one JSON object (problems: the error object, exit 2)");

  SweepArgs sweep_args;
  CLI::App* sweep_cmd =
      app.add_subcommand("sweep",
                         "run a scenario over many seeds; list the failing ones; a channel that "
                         "fails while the scenario is built is warned on stderr, once");
  sweep_cmd
      ->add_option("scenario", sweep_args.scenario,
                   "scenario file (TOML; - reads the standard input, once)")
      ->required();
  sweep_cmd->add_option("--seeds", sweep_args.seeds, "seed range A..B (inclusive)")->required();
  sweep_cmd->add_option("--jobs", sweep_args.jobs,
                        "worker threads, 1 to 256 (default 1; never more than seeds)");
  sweep_cmd->add_option("--shard", sweep_args.shard,
                        "K/N: run only every N-th seed from the K-th (batch systems)");
  sweep_cmd->add_option("--set", sweep_args.sets, "override a setting, as for run")
      ->allow_extra_args(false);
  sweep_cmd->add_flag("--json", sweep_args.json, "one JSON object per seed, then a summary");
  CLI::Option* sweep_out_option =
      sweep_cmd->add_option("--out", sweep_args.out,
                            "save DIR/report.json and the failing seeds' journals DIR/seed-N.hioj");
  sweep_cmd->add_flag(
      "--force", sweep_args.force,
      "with --out: remove an earlier sweep's report.json and the seed-N.hioj it lists first");
  sweep_cmd
      ->add_option("--keep", sweep_args.keep,
                   "with --out: journal only the first N failing seeds in seed order (N >= "
                   "0; default all); the others are listed, with \"beyond_keep\": true in "
                   "report.json")
      ->type_name("N");

  // The help names what each takes (CLI11 would say TEXT or UINT), by name,
  // in every command that has it.
  const std::map<std::string, std::string> takes = {
      {"scenario", "FILE"},      {"journal", "FILE"},    {"expected", "FILE"},
      {"actual", "FILE"},        {"input", "FILE"},      {"output", "FILE"},
      {"--record", "FILE"},      {"--scenario", "FILE"}, {"--out", "DIR"},
      {"--seed", "N"},           {"--seeds", "A..B"},    {"--jobs", "N"},
      {"--shard", "K/N"},        {"--max", "N"},         {"--limit", "DURATION"},
      {"--overrun", "DURATION"}, {"--from", "TYME"},     {"--to", "TYME"},
      {"--set", "KEY=VALUE"},    {"--noise", "SPEC"},    {"--channel", "CHANNEL"},
      {"--kind", "KIND"},        {"--keep", "N"}};
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    for (CLI::Option* option : command->get_options()) {
      const auto name = takes.find(option->get_name());
      if (name != takes.end() && option->get_type_size() != 0) option->type_name(name->second);
    }
  }
  // CLI11 would answer "A subcommand is required" to a misspelt command.
  std::string names;
  std::vector<std::string> commands;
  for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    commands.push_back(command->get_name());
    names += (names.empty() ? "" : ", ") + command->get_name();
  }
  if (argc > 1 && argv[1][0] != '-') {
    const bool known = std::find(commands.begin(), commands.end(), argv[1]) != commands.end();
    if (!known) {
      const std::string nearest = did_you_mean(argv[1], commands);
      std::cerr << "hio: unknown command '" << display_text(argv[1]) << "'" << message_text(nearest)
                << (nearest.empty() ? "; the" : " The") << " commands are " << names
                << " (hio --help)\n";
      return kExitBadInput;
    }
  }
  // ... and to an option before any command.
  if (argc > 1 && argv[1][0] == '-' && std::string_view(argv[1]) != "-h" &&
      std::string_view(argv[1]) != "--help" &&
      std::string_view(argv[1]).substr(0, 9) != "--version") {
    std::cerr << "hio: unknown option '" << display_text(argv[1])
              << "': options come after a command; the commands are " << names << " (hio --help)\n";
    return kExitBadInput;
  }
  // `--record=` (--record="$OUT", OUT unset) is `--record ''`: named as an
  // empty path; CLI11 would take the next word as its value, or say "1
  // required FILE missing". Options that take a value only (a flag's
  // `--json=` is CLI11's), and not after `--`, where every word is positional.
  std::set<std::string, std::less<>> valued;
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    for (const CLI::Option* option : command->get_options()) {
      if (option->get_expected_min() == 0) continue;  // a flag
      for (const std::string& name : option->get_lnames())
        valued.insert("--" + name + "=");
    }
  }
  std::vector<std::string> words;
  for (int i = 0; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word == "--") {
      words.insert(words.end(), argv + i, argv + argc);
      break;
    }
    const bool empty_value = valued.find(word) != valued.end();
    words.emplace_back(empty_value ? word.substr(0, word.size() - 1) : word);
    if (empty_value) words.emplace_back();
  }
  std::vector<const char*> words_c;
  for (const std::string& word : words)
    words_c.push_back(word.c_str());
  try {
    app.parse(static_cast<int>(words_c.size()), words_c.data());
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    const bool separator = std::find_if(argv + 1, argv + argc, [](const char* word) {
                             return std::string_view(word) == "--";
                           }) != argv + argc;
    std::cerr << usage_error(app, error, separator) << "\n";
    return kExitBadInput;
  }
  // An empty path argument (an unset variable: `hio run "$S"`) is named, as an
  // empty --record is, rather than left to "cannot read ''".
  for (CLI::App* command : app.get_subcommands()) {
    for (const CLI::Option* option : command->get_options()) {
      if (option->nonpositional() || option->count() == 0 || !option->results().front().empty())
        continue;
      std::cerr << "hio " << command->get_name() << ": " << option->get_name()
                << ": the file name is empty; give a file"
                << (option->get_name() == "output" ? "" : " (- for the standard input)") << "\n";
      return kExitBadInput;
    }
  }
  sweep_args.out_given = sweep_out_option->count() > 0;
  sweep_args.program = replay_args.program = invoked_program(argc, argv);
  replay_args.noise_given = noise_option->count() > 0;
  // SIGINT, SIGTERM and SIGHUP end these commands cleanly whenever they come: one
  // that comes while the scenario is read or built is kept (unkept, it was
  // lost where the signal was ignored, as in a background job, and the run
  // went on to its limit), ends a build (BuildInterrupted) or the run's
  // first pass, and gives exit 130 (143) even if it came after the run.
  // salvage polls it between frames, and a stopped salvage leaves OUT as it
  // was (rather than die with OUT cut). inspect and diff stop at their next
  // read, which the signal ends, and say so (with --json stdout then ends
  // with a JSON object: inspect's error line, diff's error object; killed
  // by the signal, they left a cut line or nothing).
  const StopSignalCatch stop_signals;
  // What escapes a command is said after its name, as its own errors are.
  const std::string command = "hio " + app.get_subcommands().front()->get_name() + ": ";
  report_prefix.emplace(command);
  int code = kExitBadInput;
  try {
    if (run->parsed()) code = do_run(run_args, registry);
    if (check->parsed()) code = do_check(check_args, registry);
    if (sweep_cmd->parsed()) code = do_sweep(sweep_args, registry);
    if (replay_cmd->parsed()) code = do_replay(replay_args, registry);
    if (inspect_cmd->parsed()) code = do_inspect(inspect_args);
    if (diff_cmd->parsed()) code = do_diff(diff_args);
    if (salvage_cmd->parsed()) code = do_salvage(salvage_args);
  } catch (const BuildInterrupted& interrupted) {
    std::cerr << command << interrupted.what() << "\n";
    interruption_said();
    return interrupted_exit_code(interrupted.signal());
  } catch (const replay::JournalWriteError& error) {
    std::cerr << command << "error: " << message_text(error.what()) << "\n";
    code = kExitOutputFailed;
  } catch (const replay::JournalUnfinishedError& error) {
    std::cerr << command << "error: " << message_text(error.what()) << "\n";
    code = kExitOutputFailed;
  } catch (const std::bad_alloc&) {
    // Not bad input: the same command may succeed with more memory.
    std::cerr << command << "error: out of memory (std::bad_alloc)\n";
    code = kExitInternal;
  } catch (const std::exception& error) {
    // No command expects it (each says what is wrong with its input itself).
    std::cerr << command << "internal error: " << message_text(error.what()) << "\n";
    code = kExitInternal;
  }
  // A stop signal caught at any moment of the command gives its code
  // (docs/scenarios.md, Exit codes): also when the command then failed (a
  // journal whose reader died while hio was stopping), that failure said
  // above.
  if (const int signal = caught_stop_signal(); signal != 0 && !is_interrupted_exit_code(code)) {
    std::cerr << command << "interrupted (" << stop_signal_name(signal) << ")\n";
    interruption_said();
    return interrupted_exit_code(signal);
  }
  return code;
}

}  // namespace

int run_cli(int argc, const char* const* argv, const DoerRegistry& registry) {
  // A file size limit and a stderr whose reader has gone must not kill a run
  // and cut its journal (restored on return: an embedder's are its own).
  const CliSignals signals;
  reserve_standard_fds();
  StdoutWriter out;
  JsonFailure json(json_requested(argc, argv));
  // The command's name before the libraries' lines and stdout's failure
  // below (set once the command is known; "hio: " until then).
  std::optional<ReportPrefix> report_prefix;
  int code = kExitInternal;
  try {
    code = run_command(argc, argv, registry, report_prefix);
  } catch (const std::bad_alloc&) {
    // Before a command ran (its arguments read): run_command says those
    // that come out of the command.
    report({"error: out of memory (std::bad_alloc)"});
  }
  exit_code_known(code);  // the error object below leaves a failure's code as it is
  return out.finish(json.finish(code));
}

}  // namespace hio::tools
