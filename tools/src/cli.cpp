#include "hio/tools/cli.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <new>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clean_stop_catch.hpp"
#include "cli_commands.hpp"
#include "hio/engine/report.hpp"
#include "hio/replay/out_of_memory.hpp"
#include "hio/replay/reader.hpp"
#include "hio/replay/types.hpp"
#include "hio/tools/runner.hpp"
#include "json_failure.hpp"
#include "output.hpp"
#include "program_name.hpp"

namespace hio::tools {

namespace {

constexpr const char* kExamples =
    R"(Examples (scenarios/: hio's source tree's, or share/hio/ of an install):
  hio run scenarios/quickstart.toml
  hio run scenarios/udp_request_response.toml --seed 7 --set run.limit=2s --json
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
  kill -USR1 PID   (ends a hio run cleanly: "stopped", final expectations
                    judged, exit by them; Ctrl-C interrupts: 130)
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
            the first of: 129/130/143 (a signal, at any moment; of two
            different ones, the first delivered: two sent together, as
            systemd's SIGTERM then SIGHUP, are delivered in signal-number
            order, SIGHUP, SIGINT, SIGTERM), 6 (the
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

// `text` (the help's examples and descriptions) with the program's name for
// each "hio " that names it: a program embedding run_cli runs them itself.
std::string with_program_name(std::string_view text) {
  std::string out;
  constexpr std::string_view kHio = "hio ";
  for (std::size_t at = text.find(kHio); at != std::string_view::npos; at = text.find(kHio)) {
    const bool word = at == 0 || text[at - 1] == ' ' || text[at - 1] == '\n' ||
                      text[at - 1] == '`' || text[at - 1] == '(';
    out.append(text.substr(0, at)).append(word ? program_name() + " " : std::string(kHio));
    text.remove_prefix(at + kHio.size());
  }
  return out.append(text);
}

// The program as the user invoked it (argv[0], as typed: `hio` from PATH,
// `build/release/bin/hio`, a program embedding run_cli by its own name), for
// the rerun lines: they run from the same directory as the sweep. "hio" when
// argv[0] is missing or empty.
std::string invoked_program(int argc, const char* const* argv) {
  if (argc < 1 || argv[0] == nullptr || argv[0][0] == '\0') return "hio";
  return argv[0];
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

// The positional arguments `command` still lacks, said with the command's
// form ("ACTUAL is missing: hio diff EXPECTED ACTUAL [OPTIONS]"), or "" when
// it has them all (a required option is what is missing).
std::string missing_positionals(const CLI::App& command) {
  std::string form = program_name() + " " + command.get_name();
  std::vector<std::string> missing;
  for (const CLI::Option* option : command.get_options()) {
    if (option->nonpositional()) continue;
    std::string name = option->get_name();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    form += " " + name;
    if (option->get_required() && option->count() == 0) missing.push_back(name);
  }
  if (missing.empty()) return "";
  return (missing.size() == 1 ? missing.front() + " is missing"
                              : missing.front() + " and " + missing.back() + " are missing") +
         ": " + form + " [OPTIONS]";
}

// The option of `command` named `word` ("--set", or "-h" for a short name),
// or nullptr. (Not get_option_no_throw: it is noexcept, and allocates; out
// of memory there would end hio, not say so.)
const CLI::Option* named_option(const CLI::App& command, std::string_view word) {
  const bool long_name = word.substr(0, 2) == "--";
  if (!long_name && word.substr(0, 1) != "-") return nullptr;
  const std::string_view name = word.substr(long_name ? 2 : 1);
  for (const CLI::Option* option : command.get_options()) {
    const std::vector<std::string>& names = long_name ? option->get_lnames() : option->get_snames();
    if (std::find(names.begin(), names.end(), name) != names.end()) return option;
  }
  return nullptr;
}

// When the one argument not expected is an existing file and a positional
// argument got, right after a repeatable option's value, a word that is no
// file (`hio check --set a=1 b=2 x.toml`: b=2 was taken as the scenario),
// that word is the mistake: said so, and that the option takes one value
// each time ("--set takes one KEY=VALUE; give --set again for each"), or "".
std::string misplaced_positional(const CLI::App& command, const std::vector<std::string>& extras,
                                 const std::vector<std::string>& words) {
  std::error_code ignored;
  if (extras.size() != 1 || !std::filesystem::exists(extras.front(), ignored)) return "";
  for (const CLI::Option* option : command.get_options()) {
    if (option->nonpositional() || option->count() == 0) continue;
    const std::string& taken = option->results().front();
    if (taken == "-" || std::filesystem::exists(taken, ignored)) continue;
    const auto at = std::find(words.begin(), words.end(), taken);
    if (at - words.begin() < 2) return "";
    const std::string& name = *(at - 2);
    const CLI::Option* before = named_option(command, name);
    if (before == nullptr || before->get_expected_max() < 2) return "";
    return taken + " was taken as the " + option->get_name() + " " + option->get_type_name() +
           ", and " + extras.front() + " was not expected: " + name + " takes one " +
           before->get_type_name() + "; give " + name + " again for each";
  }
  return "";
}

// A usage error CLI11 found, said as hio says its own: prefixed with the
// command that failed ("hio run: ..."), arguments not expected in the order
// given, the nearest option to a misspelt one (never the very option given:
// after `--` it is no option), what `--` does when it was given (everything
// after it is a positional argument), escaped as every message is.
std::string usage_error(CLI::App& app, const CLI::ParseError& error,
                        const std::vector<std::string>& words, bool separator) {
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
      message += "; everything after -- is a positional argument, never an option, and " +
                 program_name() + " " + command->get_name() + " takes " +
                 std::to_string(positionals.size()) + " (" + taken + "): put options before --";
    }
    if (const std::string misplaced = misplaced_positional(*command, extras, words);
        !separator && dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr &&
        !misplaced.empty()) {
      message = misplaced;
    }
    // What CLI11 found missing is still said, after the mistake.
    if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
      const std::string missing = missing_positionals(*command);
      message +=
          " (" +
          (missing.empty() ? std::string(error.what()) : missing.substr(0, missing.find(':'))) +
          " too)";
    }
  } else if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    // "actual is required": which of the command's arguments, in its form.
    if (const std::string missing = missing_positionals(*command); !missing.empty())
      message = missing;
  }
  // An option with no value after it ("--seed: 1 required N missing").
  constexpr std::string_view kOneMissing = ": 1 required ";
  if (const std::size_t at = message.find(kOneMissing);
      dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr && at != std::string::npos &&
      message.size() > at + kOneMissing.size() + 8 &&
      message.compare(message.size() - 8, 8, " missing") == 0) {
    const std::size_t type = at + kOneMissing.size();
    message = message.substr(0, at) + " needs a value (" +
              message.substr(type, message.size() - 8 - type) + "); none was given";
  }
  // An option that takes one value, given more than once ("--keep: At Most 1
  // required but received 2"): said in hio's words, not CLI11's.
  constexpr std::string_view kAtMostOne = ": At Most 1 required but received ";
  if (const std::size_t at = message.find(kAtMostOne);
      dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr && at != std::string::npos) {
    message = message.substr(0, at) + " is given " + message.substr(at + kAtMostOne.size()) +
              " times: it takes one value; give it once";
  }
  return (parsed.empty() ? program_name() + ": " : command_prefix(command->get_name())) +
         message_text(message) + "\nRun with --help for more information.";
}

// hio's questions, --help (-h) and --version, are asked alone: `hio
// --help`, `hio --help COMMAND` and `hio COMMAND --help` (COMMAND's help),
// `hio --version`. Any other word with one (`hio run --help x`, `hio -h run
// x`, `hio --version x`, `hio --help --version`, `hio run --version`) would
// go unused, the help or version printed, exit 0: a typo unsaid (xver23).
// Said instead, "hio run: --help x: --help takes no other argument: x was
// not expected with it; give hio run --help alone for run's help", or "" when
// `words` (the parser's, argv[0] first) ask nothing or ask it alone. A word
// after an option that takes a value is that value (`--record -h`, said by
// option_as_value); after `--` every word is an argument.
std::string asked_with_others(const std::vector<std::string>& words,
                              const std::set<std::string, std::less<>>& valued,
                              const std::vector<std::string>& commands) {
  const auto is_help = [](std::string_view word) { return word == "--help" || word == "-h"; };
  // The first question, if any.
  std::size_t ask = 0;
  for (std::size_t i = 1; i < words.size() && words[i] != "--" && ask == 0; ++i) {
    const bool a_value = valued.find(words[i - 1]) != valued.end();
    if (!a_value && (is_help(words[i]) || words[i] == "--version")) ask = i;
  }
  if (ask == 0) return "";
  const std::string& asked = words[ask];
  const bool help = is_help(asked);
  // The command whose help is asked: the first word, or the one right after
  // a first --help. The version is hio's: a command with it is one more word.
  const auto is_command = [&commands](std::string_view word) {
    return std::find(commands.begin(), commands.end(), word) != commands.end();
  };
  std::size_t command = 0;
  if (help && ask > 1 && is_command(words[1])) command = 1;
  if (help && ask == 1 && words.size() > 2 && is_command(words[2])) command = 2;
  std::vector<std::string> others;
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (i != ask && i != command) others.push_back(words[i]);
  }
  if (others.empty()) return "";
  std::string listed;
  for (const std::string& other : others)
    listed += (listed.empty() ? "" : " ") + other;
  // The words as given, but the command the prefix names.
  std::string given;
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (i != command) given += (given.empty() ? "" : " ") + words[i];
  }
  const std::string program = program_name();
  const std::string about = command == 0 ? "" : " " + words[command];
  const std::string what =
      !help          ? "the version"
      : command != 0 ? words[command] + "'s help"
                     : "the help, or " + program + " " + asked + " COMMAND for a command's";
  return (command == 0 ? program + ": " : command_prefix(words[command])) +
         message_text(given + ": " + asked + " takes no other argument: " + listed +
                      (others.size() == 1 ? " was" : " were") + " not expected with it; give " +
                      program + about + " " + asked + " alone for " + what);
}

// While it lives, the libraries' own lines (hio/engine/report.hpp: a journal
// that a destructor could not finish) go to stderr after `prefix` ("hio run:
// "), as the command's own messages do; the sink before it is put back after.
class ReportPrefix {
 public:
  explicit ReportPrefix(std::string prefix)
      : prefix_(std::move(prefix)),
        previous_(set_report_sink([prefix = prefix_](std::string_view line) {
          write_line(cli_err(), prefix + std::string(line));
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

  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
  ReportSink previous_;
};

// Whether the command line, as CLI11 read it, asks for JSON: the command's
// --json flag was given (--json=VALUE is read as --json, then refused). The
// parser's reading, not a second one: `--record --json` gives --record the
// value --json, and asks for no JSON.
// (Not get_option_no_throw: it is noexcept, and allocates; out of memory
// there would end hio, not say so.)
bool json_given(CLI::App& app) {
  for (CLI::App* command : app.get_subcommands()) {
    for (const CLI::Option* json : command->get_options()) {
      const std::vector<std::string>& names = json->get_lnames();
      if (json->count() > 0 && std::find(names.begin(), names.end(), "json") != names.end()) {
        return true;
      }
    }
  }
  return false;
}

// A value CLI11 gave an option that is one of the command's own options
// (`--record --json`, a path forgotten: CLI11 takes the next word whatever
// it is), or `--`, said rather than used (a file named --json, and no
// JSON), or "". `words` are those the parser read: `--record=--` is not a
// `--` that ends the options, and is said for what it is.
std::string option_as_value(CLI::App& command, const std::vector<std::string>& words) {
  std::set<std::string, std::less<>> names;
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& name : option->get_lnames())
      names.insert("--" + name);
    // Short names too: `--record -h` wrote the journal into a file named -h.
    for (const std::string& name : option->get_snames())
      names.insert("-" + name);
  }
  for (const CLI::Option* option : command.get_options()) {
    if (!option->nonpositional() || option->get_expected_min() == 0) continue;
    for (const std::string& value : option->results()) {
      const std::string name = value.substr(0, value.find('='));
      // `--`, which ends the options, CLI11 gives to an option before it
      // (`--set --` was read as the KEY=VALUE "--").
      const bool separator = value == "--";
      if (!separator && names.count(name) == 0) continue;
      const std::string takes = option->get_type_name();
      // Written `--record=VALUE`: no value was forgotten (the word after it
      // was not taken), so the advice is another spelling of the same word.
      const auto written_attached = [&words, &value](const std::string& lname) {
        return std::find(words.begin(), words.end(), "--" + lname + "=" + value) != words.end();
      };
      const std::vector<std::string>& lnames = option->get_lnames();
      const bool attached = std::any_of(lnames.begin(), lnames.end(), written_attached);
      const bool a_path = takes == "FILE" || takes == "DIR";
      const std::string a_kind = takes == "FILE" ? "a file" : "a directory";
      if (attached && separator) {
        // Not in the place of the word after it: a name that every later
        // command would read as the end of its options.
        return option->get_name() + "=--: -- is the word that ends the options, not a " + takes +
               (a_path ? ": " + a_kind + " so named is read as that wherever it is given alone (" +
                             program_name() +
                             " inspect --, rm --); if it is the one meant, give "
                             "it as " +
                             option->get_name() + "=./--"
                       : "; give " + option->get_name() + " its " + takes);
      }
      if (attached) {
        return option->get_name() + "=" + value + ": " + name + " is an option of " +
               program_name() + " " + command.get_name() + ", not the " + takes + " " +
               option->get_name() + " takes" +
               (a_path ? ": if " + a_kind + " so named is the one meant, give it as " +
                             option->get_name() + "=./" + value
                       : "; give " + option->get_name() + " its " + takes);
      }
      std::string problem =
          option->get_name() + " " + value + ": " +
          (separator ? std::string("-- ends the options (the words after it are arguments)")
                     : name + " is an option of " + program_name() + " " + command.get_name()) +
          ", not the " + takes + " " + option->get_name() + " takes: give " + option->get_name() +
          " its " + takes + " first";
      if (a_path) {
        problem += " (a " + std::string(takes == "FILE" ? "file" : "directory") +
                   " so named is given as ./" + value + ")";
      }
      return problem;
    }
  }
  return "";
}

// `clean_stop`: made for hio run (run_cli keeps it until it returns).
int run_command(int argc, const char* const* argv, const DoerRegistry& registry, JsonFailure& json,
                std::optional<ReportPrefix>& report_prefix,
                std::optional<CleanStopCatch>& clean_stop) {
  CLI::App app{program_name() + ": deterministic doers, simulated networks, record and replay",
               program_name()};
  app.footer(with_program_name(kExamples));
  app.set_version_flag("--version", replay::engine_version());
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
  diff_cmd
      ->add_option("--kind", diff_args.kinds,
                   "compare only events of this kind (repeatable, as inspect's): --kind tx "
                   "compares what the doers sent, e.g. of a noise replay and its journal")
      ->allow_extra_args(false);
  diff_cmd
      ->add_option("--channel", diff_args.channels,
                   "compare only events of this channel: an id (2 or #2) or a name as "
                   "listings print it, in both journals (repeatable, as inspect's)")
      ->allow_extra_args(false);
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
  // A program embedding run_cli: its name where the help names hio's commands.
  if (program_name() != "hio") {
    for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
      command->description(with_program_name(command->get_description()));
      for (CLI::Option* option : command->get_options())
        option->description(with_program_name(option->get_description()));
    }
  }
  // CLI11 would answer "A subcommand is required" to a misspelt command, and
  // to none.
  const std::string_view given_command = argc > 1 && argv[1] != nullptr ? argv[1] : "";
  std::string names;
  std::vector<std::string> commands;
  for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    commands.push_back(command->get_name());
    names += (names.empty() ? "" : ", ") + command->get_name();
  }
  if (argc < 2) {
    cli_err() << program_name() << ": a command is needed: " << program_name()
              << " COMMAND [ARGS]; the commands are " << names << " (" << program_name()
              << " --help)\n";
    return kExitBadInput;
  }
  if (argc > 1 && argv[1][0] != '-') {
    const bool known = std::find(commands.begin(), commands.end(), argv[1]) != commands.end();
    if (!known) {
      const std::string nearest = did_you_mean(argv[1], commands);
      cli_err() << program_name() << ": unknown command '" << message_text(argv[1]) << "'"
                << message_text(nearest) << (nearest.empty() ? "; the" : " The") << " commands are "
                << names << " (" << program_name() << " --help)\n";
      return kExitBadInput;
    }
  }
  // ... and to an option before any command (hio's own --help, -h and
  // --version aside, also given a value, `-hx` too: refused below as such).
  const bool no_command = given_command.substr(0, 1) == "-";
  const std::string_view first_name = given_command.substr(0, given_command.find('='));
  if (no_command && given_command.substr(0, 2) != "-h" && first_name != "--help" &&
      given_command.substr(0, 9) != "--version") {
    cli_err() << program_name() << ": unknown option '" << message_text(argv[1])
              << "': options come after a command; the commands are " << names << " ("
              << program_name() << " --help)\n";
    return kExitBadInput;
  }
  // `hio --help COMMAND` is COMMAND's help (CLI11's reading: as `hio COMMAND
  // --help`); a word after it that is no command was left unsaid, the
  // main help printed, exit 0. (An option after it is refused with the
  // other words given with a question: asked_with_others.)
  if ((given_command == "--help" || given_command == "-h") && argc > 2 && argv[2][0] != '-' &&
      std::find(commands.begin(), commands.end(), argv[2]) == commands.end()) {
    const std::string nearest = did_you_mean(argv[2], commands);
    cli_err() << program_name() << ": " << given_command << " " << message_text(argv[2])
              << ": unknown command '" << message_text(argv[2]) << "'" << message_text(nearest)
              << (nearest.empty() ? "; the" : " The") << " commands are " << names << "; give "
              << given_command << " alone, or a command after it for its help (" << program_name()
              << " " << given_command << " run)\n";
    return kExitBadInput;
  }
  // `--record=` (--record="$OUT", OUT unset) is `--record ''`: named as an
  // empty path; CLI11 would take the next word as its value, or say "1
  // required FILE missing". Options that take a value only, and not after
  // `--`, where every word is positional.
  std::set<std::string, std::less<>> valued;
  // A flag of the command given takes no value: CLI11 would read
  // `--real=false` as "not given" (the file's mode = "real" then held, the
  // opposite of what was written), `--real=2` or `--real=` as given, and the
  // last of repeated spellings would win. Parsed as the bare flag, then
  // refused with the word as written (so that --json=... still gets the
  // error object).
  // hio's own flags (--help, -h, --version) where no command is given.
  std::set<std::string, std::less<>> flags;
  std::vector<CLI::App*> parsers = app.get_subcommands([](CLI::App*) { return true; });
  if (no_command) parsers.push_back(&app);
  for (CLI::App* command : parsers) {
    for (const CLI::Option* option : command->get_options()) {
      const bool flag = option->get_expected_min() == 0;
      if (flag && command != &app && command->get_name() != given_command) continue;  // another's
      for (const std::string& name : option->get_lnames())
        (flag ? flags : valued).insert("--" + name);
      for (const std::string& name : option->get_snames())
        (flag ? flags : valued).insert("-" + name);
    }
  }
  std::vector<std::string> words;
  // Each `--FLAG=VALUE` (or `-hVALUE`) as written, with the flag it gives.
  std::vector<std::pair<std::string, std::string>> flags_with_value;
  for (int i = 0; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word == "--") {
      words.insert(words.end(), argv + i, argv + argc);
      break;
    }
    const std::string_view name = word.substr(0, word.find('='));
    // After an option that takes a value, it is that value (`--record
    // --json=x`, said by option_as_value).
    const bool a_value = i > 0 && valued.find(std::string_view(argv[i - 1])) != valued.end();
    if (name.size() < word.size() && flags.find(name) != flags.end() && !a_value) {
      flags_with_value.emplace_back(word, name);
      words.emplace_back(name);
      continue;
    }
    // `-hx`: CLI11 reads a short flag with letters after it as short flags
    // in a row (`-h -x`), and -h printed the help, the rest unsaid: refused
    // as `-h=x` is.
    const std::string short_flag = word.size() > 2 && word[0] == '-' && word[1] != '-'
                                       ? std::string(word.substr(0, 2))
                                       : std::string();
    if (!short_flag.empty() && flags.find(short_flag) != flags.end() && !a_value) {
      flags_with_value.emplace_back(word, short_flag);
      words.emplace_back(short_flag);
      continue;
    }
    const bool empty_value = name.size() + 1 == word.size() && valued.find(name) != valued.end();
    words.emplace_back(empty_value ? name : word);
    if (empty_value) words.emplace_back();
  }
  // The first such word that the parser read as the flag (not one another
  // option took as its value: `--channel --json=x` is said as such), or "".
  // Said after the command's name, or hio's for its own flags.
  const std::string flag_prefix =
      no_command ? program_name() + ": " : command_prefix(given_command);
  const auto flag_given_a_value = [&]() -> std::string {
    std::vector<CLI::App*> parsed = app.get_subcommands();
    parsed.push_back(&app);
    for (const auto& [word, flag] : flags_with_value) {
      for (const CLI::App* command : parsed) {
        if (const CLI::Option* option = named_option(*command, flag);
            option != nullptr && option->count() > 0) {
          return word + ": " + flag + " takes no value; give " + flag +
                 " alone to ask for it, or leave it out";
        }
      }
    }
    return "";
  };
  std::vector<const char*> words_c;
  for (const std::string& word : words)
    words_c.push_back(word.c_str());
  try {
    app.parse(static_cast<int>(words_c.size()), words_c.data());
  } catch (const CLI::ParseError& error) {
    // --help, --version, asked alone; not --help=x, refused as every flag
    // with a value is (it printed the help, the value unsaid).
    const std::string asked = asked_with_others(words, valued, commands);
    if (error.get_exit_code() == 0 && flag_given_a_value().empty() && asked.empty())
      return app.exit(error, cli_out(), cli_err());
    if (json_given(app)) json.start();
    // What else failed may follow from it.
    if (const std::string problem = flag_given_a_value(); !problem.empty()) {
      cli_err() << flag_prefix << message_text(problem)
                << "\nRun with --help for more information.\n";
      return kExitBadInput;
    }
    // Before what the parser says of the other words: they were given with
    // a question, which is the mistake (`hio run --version`: not expected).
    if (!asked.empty()) {
      cli_err() << asked << "\n";
      return kExitBadInput;
    }
    const bool separator = std::find_if(argv + 1, argv + argc, [](const char* word) {
                             return std::string_view(word) == "--";
                           }) != argv + argc;
    cli_err() << usage_error(app, error, words, separator) << "\n";
    return kExitBadInput;
  }
  if (json_given(app)) json.start();
  if (const std::string problem = flag_given_a_value(); !problem.empty()) {
    cli_err() << flag_prefix << message_text(problem)
              << "\nRun with --help for more information.\n";
    return kExitBadInput;
  }
  for (CLI::App* command : app.get_subcommands()) {
    if (const std::string problem = option_as_value(*command, words); !problem.empty()) {
      cli_err() << command_prefix(command->get_name()) << message_text(problem) << "\n";
      return kExitBadInput;
    }
  }
  // An empty path argument (an unset variable: `hio run "$S"`) is named, as an
  // empty --record is, rather than left to "cannot read ''".
  for (CLI::App* command : app.get_subcommands()) {
    for (const CLI::Option* option : command->get_options()) {
      if (option->nonpositional() || option->count() == 0 || !option->results().front().empty())
        continue;
      cli_err() << command_prefix(command->get_name())
                << empty_file_name(option->get_name(), option->get_name() != "output") << "\n";
      return kExitBadInput;
    }
  }
  sweep_args.out_given = sweep_out_option->count() > 0;
  sweep_args.program = replay_args.program = invoked_program(argc, argv);
  replay_args.noise_given = noise_option->count() > 0;
  // What escapes a command is said after its name, as its own errors are.
  const std::string command = command_prefix(app.get_subcommands().front()->get_name());
  report_prefix.emplace(command);
  int code = kExitBadInput;
  try {
    if (run->parsed()) code = do_run(run_args, registry, clean_stop.emplace());
    if (check->parsed()) code = do_check(check_args, registry);
    if (sweep_cmd->parsed()) code = do_sweep(sweep_args, registry);
    if (replay_cmd->parsed()) code = do_replay(replay_args, registry);
    if (inspect_cmd->parsed()) code = do_inspect(inspect_args);
    if (diff_cmd->parsed()) code = do_diff(diff_args);
    if (salvage_cmd->parsed()) code = do_salvage(salvage_args);
  } catch (const BuildInterrupted& interrupted) {
    return say_interrupted(command + interrupted.what(), interrupted.signal());
  } catch (const replay::JournalWriteError& error) {
    cli_err() << command << "error: " << message_text(error.what()) << "\n";
    code = kExitOutputFailed;
  } catch (const replay::JournalUnfinishedError& error) {
    cli_err() << command << "error: " << message_text(error.what()) << "\n";
    code = kExitOutputFailed;
  } catch (const std::exception& error) {
    if (replay::is_out_of_memory(error)) {
      // Not bad input: the same command may succeed with more memory.
      cli_err() << command << "error: out of memory (std::bad_alloc)\n";
    } else {
      // No command expects it (each says what is wrong with its input
      // itself), a subclass of std::bad_alloc that is not out of memory
      // neither (std::bad_array_new_length: a bug).
      cli_err() << command << "internal error: " << message_text(error.what()) << "\n";
    }
    code = kExitInternal;
  }
  return code;
}

}  // namespace

int run_cli(int argc, const char* const* argv, const DoerRegistry& registry) {
  // SIGINT, SIGTERM and SIGHUP end every command cleanly whenever they come,
  // caught from here, before CliSignals unblocks them (one pending, or one
  // that came before the command's catch, took the default action: hio died
  // without its line and exit code), until the command's code is known. One
  // that comes while the scenario is read or built is kept (unkept, it was
  // lost where the signal was ignored, as in a background job, and the run
  // went on to its limit), ends a build (BuildInterrupted) or the run's
  // first pass, and gives exit 130 (143) even if it came after the run.
  // salvage polls it between frames, and a stopped salvage leaves OUT as it
  // was (rather than die with OUT cut). inspect and diff stop at their next
  // read, which the signal ends, and say so (with --json stdout then ends
  // with a JSON object: inspect's error line, diff's error object; killed
  // by the signal, they left a cut line or nothing).
  std::optional<StopSignalCatch> stop_signals(std::in_place);
  // The name the messages give the program (argv[0]'s; restored on return).
  const ProgramName name(argc, argv);
  // A file size limit and a stderr whose reader has gone must not kill a run
  // and cut its journal (restored on return: an embedder's are its own).
  const CliSignals signals;
  // hio run's SIGUSR1 (made by run_command), caught until the output below
  // is written: one that comes after the run (a script's second kill -USR1)
  // would otherwise kill hio as the summary is flushed.
  std::optional<CleanStopCatch> clean_stop;
  reserve_standard_fds();
  StdoutWriter out;
  JsonFailure json;  // started once the command line is read
  // The command's name before the libraries' lines and stdout's failure
  // below (set once the command is known; "hio: " until then).
  std::optional<ReportPrefix> report_prefix;
  int code = kExitInternal;
  try {
    // The program's name until a command's (stdout that fails on --help).
    report_prefix.emplace(program_name() + ": ");
    code = run_command(argc, argv, registry, json, report_prefix, clean_stop);
  } catch (const std::bad_alloc&) {
    // Before a command ran (its arguments read): run_command says those
    // that come out of the command.
    report({"error: out of memory (std::bad_alloc)"});
  }
  // A stop signal caught at any moment gives its code (docs/scenarios.md,
  // Exit codes): also when the command then failed (a journal whose reader
  // died while hio was stopping), that failure said above, and when it came
  // before the command was known ("hio: interrupted (SIGINT)").
  if (const int signal = caught_stop_signal(); signal != 0 && !is_interrupted_exit_code(code)) {
    code = say_interrupted((report_prefix ? report_prefix->prefix() : program_name() + ": ") +
                               "interrupted (" + stop_signal_name(signal) + ")",
                           signal);
  }
  stop_signals.reset();   // the program's own actions back (CliSignals: its mask)
  exit_code_known(code);  // the error object below leaves a failure's code as it is
  return out.finish(json.finish(code));
}

}  // namespace hio::tools
