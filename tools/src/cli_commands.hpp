// The hio commands that cli.cpp parses the arguments of and runs: what each
// takes, its entry point (its exit code), and the helpers several of them share.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hio/replay/error.hpp"
#include "hio/tools/cli.hpp"
#include "hio/tools/registry.hpp"
#include "hio/tools/scenario.hpp"

namespace hio::tools {

// hio diff --all lists at most this many divergences unless --max says.
constexpr std::uint64_t kDiffListedDefault = 10;
// ... and never more (each keeps both events, bytes and all, in memory).
constexpr std::uint64_t kDiffListedMax = 1000;

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

struct DiffArgs {
  std::string a;
  std::string b;
  std::vector<std::string> kinds;  // --kind: compare only events of these kinds
  // --channel: compare only events of these channels (ids or names, as
  // inspect's --channel takes them; each must be in both journals).
  std::vector<std::string> channels;
  bool json = false;
  bool all = false;
  std::uint64_t max = kDiffListedDefault;
  std::optional<std::string> max_text;  // --max N, read by do_diff as --seed and --keep are
  bool ignore_addresses = false;
};

struct SalvageArgs {
  std::string input;
  std::string output;
  bool resync = false;
  bool json = false;
};

// The commands (cli_run.cpp, cli_sweep.cpp, cli_replay.cpp, cli_inspect.cpp,
// cli_diff.cpp, cli_salvage.cpp).

// `args`: the scenario, --real and --set, as hio run takes them, and --json.
int do_check(const RunArgs& args, const DoerRegistry& registry);

class CleanStopCatch;
// `clean_stop`: SIGUSR1 caught, made by the caller before the scenario is
// read and kept until hio's output is written (run_cli): one that comes as
// the summary is flushed, after the run, must not kill hio.
int do_run(const RunArgs& args, const DoerRegistry& registry, const CleanStopCatch& clean_stop);

int do_sweep(const SweepArgs& args, const DoerRegistry& registry);

int do_replay(const ReplayArgs& args, const DoerRegistry& registry);

int do_inspect(const InspectArgs& args);

int do_diff(DiffArgs args);

// hio salvage IN OUT: the intact frames of IN (all of them past damaged
// regions with --resync) as a whole journal OUT. Exit 0 when a journal was
// written (complete input or not: the output says which), 2 when IN has no
// intact header or OUT is IN, 4 when OUT cannot be written (IN checked
// first: 2 before 4), 130/143/129 when stopped by a signal (OUT left as it
// was).
int do_salvage(const SalvageArgs& args);

// Shared by several commands (cli_commands.cpp).

// A scenario's problems on stderr, in file order (the first 50, then a count
// of the rest); the first is --json's "file", "line" and "column" (the
// first after a line that introduces them).
void print_diagnostics(const ScenarioError& error);

// A ScenarioError of hio run or hio replay: the scenario's problems, or one
// about the journal --record names (it cannot be created, it would overwrite
// a file the doers read), said after the command's name as salvage says its
// output's, and not --json's "file" (where a scenario's first problem is).
void print_run_error(std::string_view command, const ScenarioError& error,
                     const std::optional<std::string>& record);

// The problems of a scenario file that did not load (print_diagnostics),
// then those of its --set `sets` that are wrong whatever the file holds,
// after "hio <command>: " as a --set's problem always is: a bad --set is not
// hidden until the file is fixed.
void print_load_problems(std::string_view command, const ScenarioError& error,
                         const std::vector<std::string>& sets);

// One rule: an output the user asked for that cannot be created or written
// (OutputError) is exit 4, found before or during the run alike; anything
// else wrong with the scenario or the arguments is bad input, exit 2.
int exit_code_of(const ScenarioError& error);

// A setting given twice by --set is ambiguous: refused rather than letting the last
// silently win (as for --seed and --set run.seed, below). A --set with no key
// or no '=' sets nothing: apply_override says so ("--set \"\": expected
// key=value").
std::string repeated_setting(const std::vector<std::string>& sets);

// The --out DIR of sweep and replay --seeds: refused when empty (it would
// be taken for no --out: no report, silently), when it names the report
// itself (DIR/report.json would become a directory holding report.json)
// and when it is an existing file (not something that cannot be created:
// the wrong argument). Returns a message, or "".
std::string out_dir_problem(bool given, const std::string& out);

// The command line that runs one seed of a sweep again, as the sweep ran it:
// `words` (the program as it was invoked, the command, its inputs), every
// --set, then "--seed N" (N: the seed; SweepCommand::rerun), each word as a
// shell reads it back (shell_word). An input that was `-` (the standard
// input) must be fed again: " < SCENARIO" follows, SCENARIO as N a
// placeholder (for the scenario that was read from it).
std::string rerun_command(std::vector<std::string> words, const std::vector<std::string>& sets);

// A path as a rerun line gives it: one that starts with '-' (but `-`, the
// standard input) as ./PATH, the same file, which no command line takes for
// an option ("hio run -x.toml" is "scenario is required").
std::string rerun_path(const std::string& path);

// The message for a scenario `-` when the standard input was read already
// (by an earlier run_cli call of this process: it holds one scenario, read
// to its end, and a second read would load an empty one), or "". Marks it
// read.
std::string standard_input_taken(const std::string& path);

// load_scenario_file, with `-` read once per process (standard_input_taken).
Scenario load_scenario_arg(const std::string& path, const DoerRegistry& registry);

// The whole number `text` of `option`, from `low` to `high`. Throws
// std::invalid_argument, one message for every value that is not such a
// number, the same for every option ("--jobs: 'abc' is not a whole number
// from 1 to 256").
std::uint64_t parse_whole_number(const std::string& text, const std::string& option,
                                 std::uint64_t low, std::uint64_t high);

// --jobs N of hio sweep and hio replay --seeds: 1 to kSweepJobsMax
// (parse_whole_number).
unsigned parse_jobs(const std::string& text);

// An empty file name given for `name` (an argument, an option: an unset
// variable, `hio run "$S"`), said the same for each: "--scenario: the file
// name is empty; give a file (- for the standard input)", the hint in
// parentheses where `-` may be given.
std::string empty_file_name(const std::string& name, bool standard_input);

// --keep N of hio sweep and hio replay --seeds; nullopt without it. Throws
// std::invalid_argument for a value that is not a whole number >= 0.
std::optional<std::uint64_t> parse_keep(const std::optional<std::string>& text);

// The refusal of --keep without --out (hio sweep, hio replay --seeds).
constexpr const char* kKeepNeedsOut =
    "--keep needs --out DIR: it limits the journals saved there, and without --out none is "
    "saved";

// A file a command reads, and what it is in messages.
struct InputFile {
  std::string path;
  const char* what;
};

// What hio writes on the standard stream `stream` (standard_stream_named),
// for the refusal of an output file that is it.
std::string stream_use(const std::string& stream);

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
                                std::initializer_list<InputFile> inputs);

// --kind NAME... of hio inspect and hio diff: a bit per EventKind
// (replay::EventFilter::kind_bit); nullopt after saying on stderr which
// name is none ("hio COMMAND: --kind x: one of open, connect, ...").
std::optional<std::uint32_t> kind_bits(const char* command, const std::vector<std::string>& names);

// A journal that cannot be read, said on stderr after "hio COMMAND: " (and
// --json's "journal" and "journal_error").
void print_journal_error(const char* command, const std::string& path,
                         const replay::JournalError& error);

// A journal that is not whole at `path` at the end (RunSummary::journal_lost,
// ReplayScenarioOutcome's), said on stderr after "hio COMMAND: error: ":
// the write's error as it is when the file failed (`failed`: the writer's
// error names FILE itself), else FILE and why. Nothing when `lost` is "".
void print_journal_lost(const char* command, const std::string& path, const std::string& lost,
                        bool failed);

// Says `line` on stderr, the command's own words for the stop signal
// `signal` that ended it ("hio salvage: interrupted (SIGINT) after ..."),
// and marks it said (interruption_said: StdoutWriter::finish does not say it
// again); returns the signal's exit code (130, 143, 129).
int say_interrupted(const std::string& line, int signal);

// Whether a stop signal (held by the command's StopSignalCatch) ended the
// reading of `shown` (the journals, as display_text shows them), which
// stopped before its end (`cut`): then said, and its exit code; else 0.
// `stdout_cut`: stdout took no more by then (a reader that does not read, a
// full device): the line says that the output was cut, not the journal.
int reading_interrupted(const std::string& command, const std::string& shown, bool cut,
                        bool stdout_cut = false);

// Whether the command's StopSignalCatch caught a stop signal: the `stop` of
// the command's own journal readers (ReaderOptions::stop) and salvage's, so
// that Ctrl-C ends the reading of a large regular file at its next block.
bool stop_signal_caught();

}  // namespace hio::tools
