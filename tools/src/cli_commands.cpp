#include "cli_commands.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <stdexcept>
#include <string_view>

#include "hio/replay/inspect.hpp"
#include "hio/tools/duration.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/sweep.hpp"
#include "journal_target.hpp"
#include "json_failure.hpp"
#include "option_value.hpp"
#include "output.hpp"
#include "program_name.hpp"
#include "shell_word.hpp"

namespace hio::tools {

namespace {

// A scenario's problems are all listed, in file order, up to this many; a
// last line counts the rest (a generated file can have thousands).
constexpr std::size_t kDiagnosticsShownMax = 50;

// The file starts with text (its first 512 bytes have no control
// character but tab, newline and carriage return): not a journal's bytes,
// whose magic starts with 0x89. "-" (the standard input, read already): no.
bool looks_like_text(const std::string& path) {
  if (path == "-") return false;
  std::ifstream in(path, std::ios::binary);
  std::string head(512, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return !head.empty() && std::ranges::all_of(head, [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 0x20 && u != 0x7f && u != 0x89) || c == '\n' || c == '\r' || c == '\t';
  });
}

}  // namespace

void print_diagnostics(const ScenarioError& error) {
  const std::vector<Diagnostic>& all = error.diagnostics();
  const std::size_t shown = std::min(all.size(), kDiagnosticsShownMax);
  // --json's position is the first problem's, past a line that only
  // introduces the ones after it (at no position, ending in ':', as
  // replay's "the scenario in the journal's header does not load:").
  std::size_t first = 0;
  while (first + 1 < all.size() && all[first].pos.line == 0 && all[first].message.ends_with(':'))
    ++first;
  if (!all.empty()) JsonFailure::note(all[first]);
  for (std::size_t i = 0; i < shown; ++i)
    cli_err() << all[i].str() << "\n";
  if (all.size() > shown) {
    cli_err() << SourcePos{all[shown].pos.file, 0, 0}.str() << ": and " << all.size() - shown
              << " more problem" << (all.size() - shown == 1 ? "" : "s") << " (the first " << shown
              << " are listed)\n";
  }
}

namespace {

// What apply_override says of --set `set` on a scenario of defaults without
// [net] ("" if nothing): "--set KEY=VALUE: why".
std::string problem_on_defaults(const std::string& set) {
  Scenario defaults;
  try {
    apply_override(defaults, set);
  } catch (const SettingError& problem) {
    return problem.what();
  }
  return "";
}

}  // namespace

void print_load_problems(std::string_view command, const ScenarioError& error,
                         const std::vector<std::string>& sets) {
  print_diagnostics(error);
  // The --set are applied to the file once it loads: those wrong whatever
  // the file holds (an unknown key, a run.* value that is none) are found on
  // a scenario of defaults, so that they are not said only once the file is
  // fixed. A known net.* key's value depends on the file's [net] (a
  // client_host among its hosts): on defaults it meets only "no [net]",
  // which is not said (its words taken from such a key's).
  const std::string reference = "net.client_host=h";
  const std::string said =
      problem_on_defaults(reference);  // "--set ...: the scenario has no [net]..."
  const std::string no_net =
      said.substr(std::min(said.size(), option_value("--set", reference).size()));
  for (const std::string& set : sets) {
    const std::string problem = problem_on_defaults(set);
    if (problem.empty() || (set.starts_with("net.") && problem.ends_with(no_net))) continue;
    cli_err() << command_prefix(command) << message_text(problem) << "\n";
  }
}

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
    cli_err() << command_prefix(command) << d.str() << "\n";
}

int exit_code_of(const ScenarioError& error) {
  return dynamic_cast<const OutputError*>(&error) != nullptr ? kExitOutputFailed : kExitBadInput;
}

std::string repeated_setting(const std::vector<std::string>& sets) {
  // One pass, each key's first --set kept in an ordered map (O(n log n):
  // pairwise, 32,000 --set took a minute before the first was checked). The
  // pair said is the earliest key's first two, as the pairwise scan found.
  std::map<std::string_view, std::size_t> first_of_key;
  std::size_t said_first = sets.size();
  std::size_t said_second = 0;
  for (std::size_t j = 0; j < sets.size(); ++j) {
    const std::size_t eq = sets[j].find('=');
    if (eq == std::string::npos || eq == 0) continue;
    const auto [at, added] = first_of_key.try_emplace(std::string_view(sets[j]).substr(0, eq), j);
    if (!added && at->second < said_first) {
      said_first = at->second;
      said_second = j;
    }
  }
  if (said_first == sets.size()) return "";
  const std::string& first = sets[said_first];
  return "--set " + display_text(first) + " and --set " + display_text(sets[said_second]) +
         " both set " + display_text(first.substr(0, first.find('='))) + "; give one";
}

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

std::string rerun_command(std::vector<std::string> words, const std::vector<std::string>& sets) {
  const bool standard_input = std::find(words.begin(), words.end(), "-") != words.end();
  for (const std::string& set : sets)
    words.insert(words.end(), {"--set", set});
  std::string line;
  for (const std::string& word : words)
    line += shell_word(word) + " ";
  return line + "--seed N" + (standard_input ? " < SCENARIO" : "");
}

std::string rerun_path(const std::string& path) {
  return path.size() > 1 && path.front() == '-' ? "./" + path : path;
}

std::string standard_input_taken(const std::string& path) {
  if (path != "-") return "";
  static std::atomic<bool> taken{false};
  if (!taken.exchange(true)) return "";
  return "the standard input was read already (it holds one scenario, read once); save the "
         "scenario to a file";
}

Scenario load_scenario_arg(const std::string& path, const DoerRegistry& registry) {
  if (const std::string taken = standard_input_taken(path); !taken.empty()) {
    throw ScenarioError({Diagnostic{SourcePos{path, 0, 0}, taken}});
  }
  return load_scenario_file(path, registry);
}

std::uint64_t parse_whole_number(const std::string& text, const std::string& option,
                                 std::uint64_t low, std::uint64_t high) {
  std::optional<std::uint64_t> value;
  try {
    value = parse_u64(text, option);
  } catch (const std::invalid_argument&) {
    // said below, with the range
  }
  if (!value || *value < low || *value > high) {
    throw std::invalid_argument(option + ": '" + message_text(text) +
                                "' is not a whole number from " + std::to_string(low) + " to " +
                                std::to_string(high));
  }
  return *value;
}

unsigned parse_jobs(const std::string& text) {
  return static_cast<unsigned>(parse_whole_number(text, "--jobs", 1, kSweepJobsMax));
}

std::string empty_file_name(const std::string& name, bool standard_input) {
  return name + ": the file name is empty; give a file" +
         (standard_input ? " (- for the standard input)" : "");
}

std::optional<std::uint64_t> parse_keep(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parse_u64(*text, "--keep");
}

std::string stream_use(const std::string& stream) {
  return stream == "standard output"
             ? "which carries the summary, not the journal"
             : "which carries hio's messages, which must not land in the journal";
}

std::string record_path_problem(const std::optional<std::string>& record,
                                std::initializer_list<InputFile> inputs) {
  if (!record) return "";
  if (record->empty()) return empty_file_name("--record", false);
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

void print_journal_error(const char* command, const std::string& path,
                         const replay::JournalError& error) {
  JsonFailure::note(path, error);
  cli_err() << command_prefix(command) << display_text(path) << ": "
            << message_text(error.describe()) << "\n";
  // The text file people hand to the journal commands by mistake: a
  // scenario (xuser17 finding M), as hio run says of a journal.
  if (error.kind == replay::JournalErrorKind::bad_magic && looks_like_text(path)) {
    const std::string shown = display_text(path);
    cli_err() << command_prefix(command) << shown
              << " is text, not a journal: a scenario is run with " << program_name() << " run "
              << shown << ", and " << program_name() << " run " << shown
              << " --record J.hioj writes the journal J.hioj for " << program_name() << " "
              << command << "\n";
  }
}

std::optional<std::uint32_t> kind_bits(const char* command, const std::vector<std::string>& names) {
  std::uint32_t bits = 0;
  for (const std::string& k : names) {
    std::optional<EventKind> kind = replay::parse_event_kind(k);
    if (!kind) {
      const std::vector<std::string> kinds = {"open",  "connect", "accept", "rx",  "tx",
                                              "close", "error",   "noise",  "log", "rx_end"};
      std::string all;
      for (const std::string& name : kinds)
        all += (all.empty() ? "" : ", ") + name;
      cli_err() << command_prefix(command) << "--kind " << display_text(k) << ": one of " << all
                << message_text(did_you_mean(k, kinds)) << "\n";
      return std::nullopt;
    }
    bits |= replay::EventFilter::kind_bit(*kind);
  }
  return bits;
}

void print_journal_lost(const char* command, const std::string& path, const std::string& lost,
                        bool failed) {
  if (lost.empty()) return;
  cli_err() << command_prefix(command)
            << "error: " << (failed ? message_text(lost) : display_text(path) + ": " + lost)
            << "\n";
}

int say_interrupted(const std::string& line, int signal) {
  cli_err() << line << "\n";
  interruption_said();
  return interrupted_exit_code(signal);
}

int reading_interrupted(const std::string& command, const std::string& shown, bool cut,
                        bool stdout_cut) {
  const int signal = caught_stop_signal();
  if (signal == 0 || !cut) return 0;
  const std::string what =
      stdout_cut ? " while stdout took no more: the output of " + shown + " is cut short, no result"
                 : ": the rest of " + shown + " was not read, no result";
  return say_interrupted(
      command_prefix(command) + "interrupted (" + stop_signal_name(signal) + ")" + what, signal);
}

bool stop_signal_caught() {
  return caught_stop_signal() != 0;
}

}  // namespace hio::tools
