#include "hio/tools/loader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iterator>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "channel_id.hpp"
#include "doer_names.hpp"
#include "hio/engine/doist.hpp"
#include "hio/engine/stop_read.hpp"
#include "hio/io/address.hpp"
#include "hio/io/error_text.hpp"
#include "hio/io/input_file.hpp"
#include "hio/replay/noise.hpp"
#include "hio/replay/reader.hpp"
#include "hio/tools/cli.hpp"
#include "hio/tools/duration.hpp"
#include "hio/tools/runner.hpp"
#include "option_value.hpp"
#include "program_name.hpp"
#include "setting_text.hpp"
#include "settings_view.hpp"
#include "toml_integer.hpp"
#include "toml_parse.hpp"
#include "toml_text.hpp"

namespace hio::tools {

// Here, not in runner.cpp: load_scenario_file throws it too, and the loader's
// fuzz target is built from the loader's sources without the runner's.
BuildInterrupted::BuildInterrupted(int signal, const char* stage)
    : std::runtime_error(std::string("interrupted (") + stop_signal_name(signal) +
                         ") while the scenario was " + stage),
      signal_(signal) {}

namespace {

// toml++ makes a table for each part of a dotted key (`a.b.c = 1`, `[a.b.c]`,
// `{a.b.c = 1}`) and walks them recursively: about 50,000 parts (a 100 KB
// file) overflow an 8 MiB stack. No scenario needs a key of more than a
// few parts (groups nest 64 deep), so a key of more than kKeyPartsMax
// parts is refused before toml++ reads the text. The scan counts the dots
// of each key outside strings and comments: a dot run is cut by = , { } [ ]
// and line ends, so values (1.5, a date) count as short keys, which is
// harmless. Returns the position (line, column in characters, both from 1)
// where the first key of more parts starts.
constexpr std::size_t kKeyPartsMax = 256;

std::optional<std::pair<std::uint32_t, std::uint32_t>> find_deep_key(std::string_view text) {
  std::uint32_t line = 1;
  std::size_t line_start = 0;
  std::size_t dots = 0;
  std::size_t key_start = 0;  // where the current dot run's key begins
  bool at_key_start = true;   // the next non-blank byte starts a key
  const std::size_t n = text.size();
  auto newline_at = [&](std::size_t i) {
    ++line;
    line_start = i + 1;
  };
  // Skips a string starting at `i` (its quote `q`); returns the index after it.
  auto skip_string = [&](std::size_t i, char q) {
    const bool multi = text.substr(i, 3) == std::string(3, q);
    i += multi ? 3 : 1;
    while (i < n) {
      const char c = text[i];
      if (c == '\\' && q == '"') {
        if (i + 1 < n && text[i + 1] == '\n') newline_at(i + 1);
        i += 2;
        continue;
      }
      if (c == '\n') {
        if (!multi) return i;  // an unterminated string: toml++ says so
        newline_at(i);
      }
      if (c == q && (!multi || text.substr(i, 3) == std::string(3, q))) {
        i += multi ? 3 : 1;
        while (multi && i < n && text[i] == q)  // up to two quotes end its content
          ++i;
        return i;
      }
      ++i;
    }
    return i;
  };
  std::size_t i = 0;
  while (i < n) {
    const char c = text[i];
    if (at_key_start && c != ' ' && c != '\t') {
      key_start = i;
      at_key_start = false;
    }
    switch (c) {
      case '"':
      case '\'':
        i = skip_string(i, c);
        continue;
      case '#':
        while (i < n && text[i] != '\n')
          ++i;
        continue;
      case '.':
        if (++dots >= kKeyPartsMax) {
          // In characters, as toml++ counts columns. (A key that began before
          // this line, in a string across lines: column 1.)
          const std::size_t column =
              key_start < line_start
                  ? 1
                  : code_points(text.substr(line_start, key_start - line_start)) + 1;
          return std::pair(line, static_cast<std::uint32_t>(column));
        }
        break;
      case '\n':
        newline_at(i);
        [[fallthrough]];
      case '=':
      case ',':
      case '{':
      case '}':
      case '[':
      case ']':
        dots = 0;
        at_key_start = true;
        break;
      default:
        break;
    }
    ++i;
  }
  return std::nullopt;
}

// The words for a bad run.mode or run.skip, the same in the file and
// through --set (after "--set run.mode=fast: ").
std::string run_mode_problem(const std::string& value) {
  return "run.mode must be \"sim\" or \"real\", not \"" + value + "\"";
}
constexpr const char* kRunSkipProblem = "run.skip must be true or false";

// What is wrong with a run.name that would not print as written (after
// "run.name "), the same in the file and through --set; "" if nothing is. A
// run's name is only shown, never looked up: only what hides or moves text
// is refused (Lookalikes::hidden), a space beyond ASCII's is a space.
std::string run_name_lookalike(const std::string& name) {
  const std::string problem = lookalike_problem(name, Lookalikes::hidden);
  if (problem.empty()) return problem;
  return problem +
         ": a summary would not show the name as written; a run name holds no invisible "
         "characters, direction marks or line separators (spaces beyond ASCII's are fine)";
}

class Loader {
 public:
  static constexpr int kMaxDepth = 64;
  static constexpr std::int64_t kCopiesMax = 1'000'000;
  // Connections a sim:// listener may hold unaccepted (net.listen_backlog).
  static constexpr std::int64_t kBacklogMax = 1'000'000;
  // Doers in a whole scenario, copies included: a small file must not ask
  // for a billion doers (about 200 bytes each, plus their names).
  static constexpr std::int64_t kDoersMax = 2'000'000;

  // `edits`, when given, made the text read from the file `path`: every
  // position is said where the file has it (file_position).
  Loader(std::string path, const DoerRegistry& registry,
         const std::vector<TextEdit>* edits = nullptr)
      : path_(std::move(path)), registry_(registry), edits_(edits) {}

  // Only the [net] of `text` (a scenario's text after a --set of a net key,
  // the loader made with the edits that wrote it): read and checked as
  // load() does. Throws ScenarioError.
  NetSpec load_net(const std::string& text) {
    NetSpec net;
    if (refuse_nul_byte(text)) throw ScenarioError(std::move(diagnostics_));
    const toml::parse_result root = parse_toml(text);
    if (!root) {
      report_parse_error(root.error(), text);
    } else if (const toml::node* node = root.table().get("net")) {
      read_net(*node, net);
    }
    if (!diagnostics_.empty()) throw ScenarioError(std::move(diagnostics_));
    return net;
  }

  Scenario load(std::string text) {
    Scenario scenario;
    scenario.path = path_;
    scenario.text = std::move(text);
    if (const auto deep = find_deep_key(scenario.text)) {
      diagnostics_.push_back(
          Diagnostic{at(deep->first, deep->second),
                     "a dotted key of more than " + std::to_string(kKeyPartsMax) +
                         " parts: tables nested that deep are refused before the file is parsed"});
      throw ScenarioError(std::move(diagnostics_));
    }
    if (refuse_nul_byte(scenario.text)) throw ScenarioError(std::move(diagnostics_));
    toml::parse_result parsed = parse_toml(scenario.text);
    if (!parsed) {
      report_parse_error(parsed.error(), scenario.text);
      throw ScenarioError(std::move(diagnostics_));
    }
    const toml::table root = std::move(parsed).table();
    scenario.other_table_lines = other_table_lines(scenario.text, root);
    check_keys(root, {"run", "net", "doer", "expect"}, "top level");
    if (const toml::node* run = root.get("run")) read_run(*run, scenario.run);
    if (const toml::node* net = root.get("net")) read_net(*net, scenario.net);
    if (const toml::node* doers = root.get("doer")) read_doers(*doers, scenario.doers);
    if (const toml::node* expect = root.get("expect")) read_expectations(*expect, scenario);
    if (scenario.doers.empty() && !root.contains("doer")) {
      report(root.source(), "the scenario has no doers; add at least one [[doer]]");
    }
    if (!diagnostics_.empty()) {
      std::stable_sort(
          diagnostics_.begin(), diagnostics_.end(), [](const Diagnostic& a, const Diagnostic& b) {
            return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
          });
      throw ScenarioError(std::move(diagnostics_));
    }
    return scenario;
  }

 private:
  // The one place a position in the text becomes one in a message.
  SourcePos at(std::uint32_t line, std::uint32_t column) const {
    if (edits_ == nullptr) return SourcePos{path_, line, column};
    return file_position(path_, TextPoint{line, column}, *edits_);
  }
  SourcePos pos(const toml::source_region& region) const {
    return at(static_cast<std::uint32_t>(region.begin.line),
              static_cast<std::uint32_t>(region.begin.column));
  }
  void report(const toml::source_region& region, std::string message) {
    diagnostics_.push_back(Diagnostic{pos(region), std::move(message)});
  }

  // A NUL byte is said where it is, before toml++ parses: TOML allows none,
  // and toml++'s key reader asserts it never meets one (an abort where its
  // assertions are compiled in).
  bool refuse_nul_byte(std::string_view text) {
    const std::optional<TextProblem> nul = nul_byte(text);
    if (nul) diagnostics_.push_back(Diagnostic{at(nul->line, nul->column), nul->message});
    return nul.has_value();
  }

  // toml++'s error, at its position; the one place where its words are
  // put in plain ones. An integer beyond 64 bits (toml++ points just past
  // it, in its own words) is pointed at where it starts, with the key it is
  // given to (toml_integer.hpp). A string whose closing quote is missing
  // ends at its line's end, which toml++ calls a control character ("Error
  // while parsing string: unescaped control characters other than TAB
  // (U+0009) are explicitly prohibited"), or at the file's end ("...:
  // encountered end-of-file"): the user wrote neither. A file that is not
  // UTF-8 is told so at its first bad byte (toml_text.hpp); a CR alone
  // (classic Mac OS line ends) gets what to do. (A NUL never gets here:
  // refuse_nul_byte.)
  void report_parse_error(const toml::parse_error& error, std::string_view text) {
    std::string message(error.description());
    const auto line = static_cast<std::uint32_t>(error.source().begin.line);
    auto column = static_cast<std::uint32_t>(error.source().begin.column);
    if (message.find("invalid utf-8") != std::string::npos) {
      if (std::optional<TextProblem> problem = not_utf8(text)) {
        diagnostics_.push_back(Diagnostic{at(problem->line, problem->column), problem->message});
        return;
      }
    } else if (message.find("after '\\r'") != std::string::npos) {
      message +=
          "; a line ends in LF or CR LF, never in a CR alone (as classic Mac OS ended "
          "lines): save the file with LF line ends";
    } else if (message.find("encountered end-of-file") != std::string::npos &&
               unclosed_at_end(message, text)) {
      message = not_closed(message);
    } else if (message.find("not representable in 64 bits") != std::string::npos) {
      message = integer_beyond_64_bits(text, line, column);
    } else if (message.find("control characters other than TAB") != std::string::npos) {
      const std::optional<std::size_t> offset = byte_offset(text, line, column);
      // A '\r' ends the line only before '\n' or at the text's end; a lone
      // one inside a closed string is the control character toml++ names.
      const auto line_end = [&](std::size_t o) {
        return o == text.size() || text[o] == '\n' ||
               (text[o] == '\r' && (o + 1 == text.size() || text[o + 1] == '\n'));
      };
      if (offset && line_end(*offset)) message = not_closed(message);
    }
    // toml++'s typo ("expected expected digit or sign, saw '-'" for `--1`).
    for (std::size_t twice; (twice = message.find("expected expected ")) != std::string::npos;)
      message.erase(twice, 9);
    diagnostics_.push_back(Diagnostic{at(line, column), std::move(message)});
  }

  // What toml++'s "Error while parsing [literal] string: ..." about a
  // string left open at its line's end is said as.
  static std::string not_closed(std::string_view message) {
    const bool literal = message.find("literal string") != std::string_view::npos;
    return std::string("the string is not closed on its line: add its closing quote (") +
           (literal ? "'" : "\"") + "); a string of more than one line is written in three quotes";
  }

  // Whether toml++'s end-of-file error is about a one-line string opened on
  // the text's last line (not one in three quotes, which may span lines).
  static bool unclosed_at_end(std::string_view message, std::string_view text) {
    const bool literal = message.find("parsing literal string") != std::string_view::npos;
    if (!literal && message.find("parsing string") == std::string_view::npos) return false;
    const char quote = literal ? '\'' : '"';
    const std::string_view last = text.substr(line_start(text, text.size()));
    return last.find(quote) != std::string_view::npos &&
           text.find(std::string(3, quote)) == std::string_view::npos;
  }

  void check_keys(const toml::table& table, const std::vector<std::string>& allowed,
                  const std::string& where) {
    for (auto&& [key, value] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
      report(key.source(), "unknown key '" + std::string(key.str()) + "' in " + where +
                               did_you_mean(key.str(), allowed));
    }
  }

  const toml::table* as_table(const toml::node& node, const std::string& what) {
    if (const toml::table* table = node.as_table()) return table;
    report(node.source(), what + " must be a table");
    return nullptr;
  }

  std::optional<std::string> read_string(const toml::node& node, const std::string& what) {
    if (auto value = node.value<std::string>(); value && node.is_string()) return *value;
    report(node.source(), what + " must be a string");
    return std::nullopt;
  }

  std::optional<Tock> read_duration(const toml::node& node, const std::string& what) {
    if (!node.is_string()) {
      report(node.source(), what + " must be a duration string such as \"20ms\" or \"1.5s\"");
      return std::nullopt;
    }
    std::string error;
    std::optional<Tock> tock = parse_duration(*node.value<std::string>(), &error);
    if (!tock) report(node.source(), what + ": " + error);
    return tock;
  }

  void read_run(const toml::node& node, RunSettings& run) {
    const toml::table* table = as_table(node, "[run]");
    if (table == nullptr) return;
    check_keys(*table, {"name", "tock", "limit", "seed", "mode", "skip", "max_lag"}, "[run]");
    if (const toml::node* n = table->get("name")) {
      if (auto s = read_string(*n, "run.name")) {
        if (std::string problem = name_problem(*s); !problem.empty()) {
          report(n->source(), "run.name " + display_text(*s) + " " + problem +
                                  ": names are printed in summaries and listings");
        } else if (std::string lookalike = run_name_lookalike(*s); !lookalike.empty()) {
          report(n->source(), "run.name " + lookalike);
        }
        run.name = *s;
      }
    }
    if (const toml::node* n = table->get("tock")) {
      if (auto t = read_duration(*n, "run.tock")) {
        if (*t <= Tock{0}) {
          report(n->source(), "run.tock must be greater than 0");
        } else {
          run.tock = *t;
        }
      }
    }
    if (const toml::node* n = table->get("limit")) {
      if (auto t = read_duration(*n, "run.limit")) run.limit = *t;
    }
    if (const toml::node* n = table->get("max_lag")) {
      if (auto t = read_duration(*n, "run.max_lag")) run.max_lag = *t;
    }
    if (const toml::node* n = table->get("seed")) {
      // TOML integers stop at 2^63-1; larger seeds (a sweep reaches 2^64-1)
      // are written as a string of digits.
      auto seed = n->value<std::int64_t>();
      if (n->is_integer() && seed && *seed >= 0) {
        run.seed = static_cast<std::uint64_t>(*seed);
      } else if (n->is_string()) {
        try {
          run.seed = parse_u64(*n->value<std::string>(), "run.seed");
        } catch (const std::invalid_argument& error) {
          report(n->source(), error.what());
        }
      } else {
        report(n->source(),
               "run.seed must be an integer >= 0 (or, above 2^63-1, a string of digits)");
      }
    }
    if (const toml::node* n = table->get("mode")) {
      if (auto s = read_string(*n, "run.mode")) {
        if (*s == "sim") {
          run.mode = Mode::sim;
        } else if (*s == "real") {
          run.mode = Mode::real;
        } else {
          report(n->source(), run_mode_problem(*s));
        }
      }
    }
    if (const toml::node* n = table->get("skip")) {
      if (!n->is_boolean()) {
        report(n->source(), kRunSkipProblem);
      } else {
        run.skip = *n->value<bool>();
      }
    }
  }

  // ---- [net] ----

  static bool valid_net_name(std::string_view name) {
    if (name.empty() || name.size() > 253) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '.' || c == '_' || c == '-';
    });
  }

  // A host's or a serial device's name (`what`: "host name", "device name")
  // that would print like another, told as such: no such name can be one (a
  // sim:// address holds only A-Z a-z 0-9 . _ -), and that rule alone showed
  // the name looking right ("web<U+200B>a" as weba); "" if it would not.
  static std::string net_name_lookalike(const std::string& what, const std::string& name) {
    const std::string problem = lookalike_problem(name);
    if (problem.empty()) return problem;
    return what + " " + problem + ": it would print like another name; a " + what +
           " is 1 to 253 of A-Z a-z 0-9 . _ -";
  }

  // What sim://NAME:1 would say of a host name made of valid_net_name's
  // characters (an empty label, a label over 63 bytes, digits and dots that
  // are no IPv4 address); empty when an address can name it.
  static std::string sim_host_problem(const std::string& name) {
    const AddressResult parsed = parse_address("sim://" + name + ":1");
    return parsed.ok() ? std::string() : parsed.error().message;
  }

  // A key's value as an integer >= `least`; nullopt (and reported) otherwise.
  std::optional<std::int64_t> read_integer(const toml::node& node, const std::string& what,
                                           std::int64_t least) {
    auto value = node.value<std::int64_t>();
    if (!node.is_integer() || !value || *value < least) {
      report(node.source(), what + " must be an integer >= " + std::to_string(least));
      return std::nullopt;
    }
    return *value;
  }

  void read_probability(const toml::table& table, const char* key, const std::string& where,
                        double& out) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return;
    auto value = node->value<double>();
    if (!node->is_number() || !value || !(*value >= 0.0 && *value <= 1.0)) {
      report(node->source(),
             where + "." + key + " must be " + std::string(replay::kProbabilityWords));
      return;
    }
    out = *value;
  }

  void read_delay(const toml::table& table, const char* key, const std::string& where, Tock& out) {
    if (const toml::node* node = table.get(key)) {
      if (auto t = read_duration(*node, where + "." + key)) out = *t;
    }
  }

  // A size key: an integer from `least` to `most` (kBufferBytesMax unless
  // said: every [net] size bounds what a run may hold in memory).
  void read_size(const toml::table& table, const char* key, const std::string& where,
                 std::int64_t least, std::size_t& out, std::int64_t most = kBufferBytesMax) {
    if (const toml::node* node = table.get(key)) {
      if (auto v = read_integer(*node, where + "." + key, least)) {
        if (*v > most) {
          report(node->source(), where + "." + key + " must be at most " + std::to_string(most) +
                                     (most == kBufferBytesMax ? " (256 MiB)" : "") + ", not " +
                                     std::to_string(*v));
          return;
        }
        out = static_cast<std::size_t>(*v);
      }
    }
  }

  static const std::vector<std::string>& link_keys() {
    static const std::vector<std::string> keys = {"latency",         "jitter",        "bandwidth",
                                                  "queue_bytes_max", "loss",          "duplicate",
                                                  "reorder",         "reorder_delay", "corrupt"};
    return keys;
  }

  void read_link_params(const toml::table& table, const std::string& where, LinkParams& out) {
    const std::size_t problems_before = diagnostics_.size();
    read_delay(table, "latency", where, out.latency);
    read_delay(table, "jitter", where, out.jitter);
    if (const toml::node* node = table.get("bandwidth")) {
      if (auto v = read_integer(*node, where + ".bandwidth", 0)) {
        out.bandwidth_bps = static_cast<std::uint64_t>(*v);
      }
    }
    read_size(table, "queue_bytes_max", where, 1, out.queue_bytes_max);
    read_probability(table, "loss", where, out.loss);
    read_probability(table, "duplicate", where, out.duplicate);
    read_probability(table, "reorder", where, out.reorder);
    read_delay(table, "reorder_delay", where, out.reorder_delay);
    read_probability(table, "corrupt", where, out.corrupt);
    if (const toml::node* node = table.get("reorder");
        node != nullptr && out.reorder > 0 && out.reorder_delay == Tock{0}) {
      // A reordered datagram is held back by reorder_delay: by 0 it is not.
      report(node->source(), where +
                                 ".reorder without reorder_delay does nothing: a datagram it "
                                 "picks is held back by reorder_delay (0 here), so none is "
                                 "overtaken; give reorder_delay too (e.g. \"20ms\"), or leave "
                                 "reorder out");
    }
    validate_at(table, where, out, problems_before);
  }

  static const std::vector<std::string>& serial_keys() {
    static const std::vector<std::string> keys = {"latency",     "bit_error",     "byte_drop",
                                                  "chunk_bytes", "tx_fifo_bytes", "rx_fifo_bytes"};
    return keys;
  }

  void read_serial_params(const toml::table& table, const std::string& where, SerialParams& out) {
    const std::size_t problems_before = diagnostics_.size();
    read_delay(table, "latency", where, out.latency);
    read_probability(table, "bit_error", where, out.bit_error);
    read_probability(table, "byte_drop", where, out.byte_drop);
    read_size(table, "chunk_bytes", where, 1, out.chunk_bytes);
    read_size(table, "tx_fifo_bytes", where, 1, out.tx_fifo_bytes);
    read_size(table, "rx_fifo_bytes", where, 1, out.rx_fifo_bytes);
    validate_at(table, where, out, problems_before);
  }

  // What SimNet's own checks say beyond the keys' (e.g. delays so large that
  // tyme could overflow), at the table - if its keys were all right.
  template <typename Params>
  void validate_at(const toml::table& table, const std::string& where, const Params& params,
                   std::size_t problems_before) {
    if (diagnostics_.size() != problems_before) return;
    try {
      validate(params, where);
    } catch (const std::invalid_argument& error) {
      report(table.source(), error.what());
    }
  }

  std::optional<std::string> read_host(const toml::table& table, const char* key,
                                       const std::string& where, const NetSpec& net) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      report(table.source(), where + " needs '" + key + "', a host name");
      return std::nullopt;
    }
    auto name = read_string(*node, where + "." + key);
    if (!name) return std::nullopt;
    if (!known_host(*node, *name, net)) return std::nullopt;
    return name;
  }

  bool known_host(const toml::node& node, const std::string& name, const NetSpec& net) {
    if (hosts_.contains(name)) return true;
    report(node.source(), "unknown host " + unknown_name(name) + did_you_mean(name, net.hosts) +
                              " (net.hosts lists them)");
    return false;
  }

  // A host, or an array of hosts: for partition and heal.
  std::vector<std::string> read_host_set(const toml::table& table, const char* key,
                                         const std::string& where, const NetSpec& net) {
    std::vector<std::string> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      report(table.source(), where + " needs '" + key + "', a host or an array of hosts");
      return out;
    }
    if (node->is_string()) {
      if (known_host(*node, *node->value<std::string>(), net)) {
        out.push_back(*node->value<std::string>());
      }
      return out;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr || array->empty()) {
      report(node->source(), where + "." + key + " must be a host or a non-empty array of hosts");
      return out;
    }
    for (const toml::node& item : *array) {
      if (!item.is_string()) {
        report(item.source(), where + "." + key + " must hold host names (strings)");
        continue;
      }
      if (known_host(item, *item.value<std::string>(), net)) {
        out.push_back(*item.value<std::string>());
      }
    }
    return out;
  }

  Way read_way(const toml::table& table, const std::string& where) {
    const toml::node* node = table.get("way");
    if (node == nullptr) return Way::both;
    auto s = read_string(*node, where + ".way");
    if (!s) return Way::both;
    if (*s == "both") return Way::both;
    if (*s == "one_way") return Way::one_way;
    report(node->source(), where + ".way must be \"both\" or \"one_way\", not \"" + *s + "\"");
    return Way::both;
  }

  const toml::array* array_of_tables(const toml::node& node, const std::string& what) {
    const toml::array* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      report(node.source(), "'" + what + "' must be an array of tables: write [[" + what + "]]");
      return nullptr;
    }
    return array;
  }

  void read_net(const toml::node& node, NetSpec& net) {
    const toml::table* table = as_table(node, "[net]");
    if (table == nullptr) return;
    net.present = true;
    net.pos = pos(table->source());
    check_keys(*table,
               {"hosts", "client_host", "stall_timeout", "segment_bytes_max", "listen_backlog",
                "receive_buffer_bytes", "default_link", "link", "serial", "fault"},
               "[net]");
    if (const toml::node* n = table->get("hosts")) {
      const toml::array* array = n->as_array();
      if (array == nullptr) {
        report(n->source(), "net.hosts must be an array of host names");
      } else {
        for (const toml::node& item : *array) {
          auto name = read_string(item, "a host name");
          if (!name) continue;
          if (std::string lookalike = net_name_lookalike("host name", *name); !lookalike.empty()) {
            report(item.source(), lookalike);
          } else if (!valid_net_name(*name)) {
            report(item.source(), "host name '" + *name +
                                      "' must be 1 to 253 of A-Z a-z 0-9 . _ - (what a sim:// "
                                      "address allows)");
          } else if (std::string problem = sim_host_problem(*name); !problem.empty()) {
            report(item.source(),
                   "host name '" + *name + "' cannot be used in a sim:// address: " + problem);
          } else if (!hosts_.insert(*name).second) {
            report(item.source(), "duplicate host '" + *name + "'");
          } else {
            net.hosts.push_back(*name);
          }
        }
      }
    }
    if (const toml::node* n = table->get("client_host")) {
      if (auto name = read_string(*n, "net.client_host")) {
        if (known_host(*n, *name, net)) net.client_host = *name;
      }
    } else if (net.hosts.size() == 1) {
      // One host is no guess. With more, the first one listed would be: a
      // client connecting from its server's own host crosses no link, and a
      // test of the links would pass having tested nothing (the stream
      // client asks for net.client_host or its `host` when it is built).
      net.client_host = net.hosts.front();
    }
    read_delay(*table, "stall_timeout", "net", net.options.stall_timeout);
    read_size(*table, "segment_bytes_max", "net", 1, net.options.segment_bytes_max);
    read_size(*table, "listen_backlog", "net", 1, net.options.listen_backlog, kBacklogMax);
    read_size(*table, "receive_buffer_bytes", "net", 1, net.options.receive_buffer_bytes);
    if (const toml::node* n = table->get("default_link")) {
      if (const toml::table* t = as_table(*n, "[net.default_link]")) {
        check_keys(*t, link_keys(), "[net.default_link]");
        read_link_params(*t, "net.default_link", net.options.default_link);
        net.default_link_pos = pos(t->source());
        for (std::size_t i = 0; i < kDatagramOnlySettings.size(); ++i) {
          if (const toml::node* k = t->get(kDatagramOnlySettings[i].name)) {
            net.default_link_written[i] = pos(k->source());
          }
        }
      }
    }
    if (const toml::node* n = table->get("link")) {
      if (const toml::array* array = array_of_tables(*n, "net.link")) {
        for (const toml::node& entry : *array)
          read_link(*entry.as_table(), net);
      }
    }
    if (const toml::node* n = table->get("serial")) {
      if (const toml::array* array = array_of_tables(*n, "net.serial")) {
        for (const toml::node& entry : *array)
          read_serial(*entry.as_table(), net);
      }
    }
    if (const toml::node* n = table->get("fault")) {
      if (const toml::array* array = array_of_tables(*n, "net.fault")) {
        for (const toml::node& entry : *array)
          read_fault(*entry.as_table(), net);
      }
    }
  }

  void read_link(const toml::table& table, NetSpec& net) {
    std::vector<std::string> allowed = {"from", "to", "way"};
    allowed.insert(allowed.end(), link_keys().begin(), link_keys().end());
    check_keys(table, allowed, "[[net.link]]");
    LinkSpec link;
    link.pos = pos(table.source());
    auto from = read_host(table, "from", "[[net.link]]", net);
    auto to = read_host(table, "to", "[[net.link]]", net);
    link.way = read_way(table, "net.link");
    read_link_params(table, "net.link", link.params);
    if (!from || !to) return;
    link.from = *from;
    link.to = *to;
    net.links.push_back(std::move(link));
  }

  void read_serial(const toml::table& table, NetSpec& net) {
    std::vector<std::string> allowed = {"a", "b"};
    allowed.insert(allowed.end(), serial_keys().begin(), serial_keys().end());
    check_keys(table, allowed, "[[net.serial]]");
    SerialSpec serial;
    serial.pos = pos(table.source());
    bool ok = true;
    for (const char* key : {"a", "b"}) {
      const toml::node* node = table.get(key);
      if (node == nullptr) {
        report(table.source(), std::string("[[net.serial]] needs '") + key + "', a device name");
        ok = false;
        continue;
      }
      auto name = read_string(*node, std::string("net.serial.") + key);
      if (!name) {
        ok = false;
      } else if (std::string lookalike = net_name_lookalike("device name", *name);
                 !lookalike.empty()) {
        report(node->source(), lookalike);
        ok = false;
      } else if (!valid_net_name(*name)) {
        report(node->source(), "device name '" + *name + "' must be 1 to 253 of A-Z a-z 0-9 . _ -");
        ok = false;
      } else if (!device_set_.insert(*name).second) {
        report(node->source(), "duplicate serial device '" + *name + "'");
        ok = false;
      } else {
        devices_.push_back(*name);
        (key[0] == 'a' ? serial.device_a : serial.device_b) = *name;
      }
    }
    read_serial_params(table, "net.serial", serial.params);
    if (ok) net.serials.push_back(std::move(serial));
  }

  void read_fault(const toml::table& table, NetSpec& net) {
    static const std::vector<std::pair<std::string, FaultSpec::Action>> kActions = {
        {"partition", FaultSpec::Action::partition},
        {"heal", FaultSpec::Action::heal},
        {"heal_all", FaultSpec::Action::heal_all},
        {"host_down", FaultSpec::Action::host_down},
        {"host_up", FaultSpec::Action::host_up},
        {"link", FaultSpec::Action::link},
        {"serial", FaultSpec::Action::serial},
        {"unplug", FaultSpec::Action::unplug},
        {"plug", FaultSpec::Action::plug}};
    FaultSpec fault;
    fault.pos = pos(table.source());
    const toml::node* action_node = table.get("action");
    if (action_node == nullptr) {
      report(table.source(),
             "[[net.fault]] needs 'action': partition, heal, heal_all, host_down, host_up, link, "
             "serial, unplug or plug");
      return;
    }
    auto action = read_string(*action_node, "net.fault.action");
    if (!action) return;
    std::vector<std::string> names;
    bool found = false;
    for (const auto& [name, code] : kActions) {
      names.push_back(name);
      if (name == *action) {
        fault.action = code;
        found = true;
      }
    }
    if (!found) {
      report(action_node->source(), "unknown fault action '" + *action + "'" +
                                        did_you_mean(*action, names) +
                                        " (partition, heal, heal_all, host_down, host_up, link, "
                                        "serial, unplug, plug)");
      return;
    }
    std::vector<std::string> allowed = {"action", "at"};
    using A = FaultSpec::Action;
    switch (fault.action) {
      case A::partition:
      case A::heal:
        allowed.insert(allowed.end(), {"from", "to", "way"});
        break;
      case A::heal_all:
        break;
      case A::host_down:
      case A::host_up:
        allowed.push_back("host");
        break;
      case A::link:
        allowed.insert(allowed.end(), {"from", "to", "way"});
        allowed.insert(allowed.end(), link_keys().begin(), link_keys().end());
        break;
      case A::serial:
        allowed.push_back("device");
        allowed.insert(allowed.end(), serial_keys().begin(), serial_keys().end());
        break;
      case A::unplug:
      case A::plug:
        allowed.push_back("device");
        break;
    }
    check_keys(table, allowed, fault_phrase(*action));
    const std::string where = "net.fault";
    if (const toml::node* at = table.get("at")) {
      if (auto t = read_duration(*at, "net.fault.at")) fault.at = *t;
    } else {
      report(table.source(), "[[net.fault]] needs 'at', the tyme it happens (e.g. \"2s\")");
    }
    switch (fault.action) {
      case A::partition:
      case A::heal:
        fault.from = read_host_set(table, "from", where, net);
        fault.to = read_host_set(table, "to", where, net);
        fault.way = read_way(table, where);
        break;
      case A::heal_all:
        break;
      case A::host_down:
      case A::host_up:
        if (auto h = read_host(table, "host", "[[net.fault]]", net)) fault.host = *h;
        break;
      case A::link: {
        auto from = read_host(table, "from", "[[net.fault]]", net);
        auto to = read_host(table, "to", "[[net.fault]]", net);
        if (from) fault.from = {*from};
        if (to) fault.to = {*to};
        fault.way = read_way(table, where);
        read_link_params(table, where, fault.link);
        break;
      }
      case A::serial:
        read_fault_device(table, *action, fault);
        read_serial_params(table, where, fault.serial);
        break;
      case A::unplug:
      case A::plug:
        read_fault_device(table, *action, fault);
        break;
    }
    net.faults.push_back(std::move(fault));
  }

  // "a 'plug' fault", "an 'unplug' fault": the article by the action's first
  // letter, for every message that names a fault by its action.
  static std::string fault_phrase(const std::string& action) {
    const bool vowel =
        !action.empty() && std::string_view("aeiou").find(action[0]) != std::string_view::npos;
    return std::string(vowel ? "an '" : "a '") + action + "' fault";
  }

  // A serial fault's 'device': one end of a [[net.serial]] defined above.
  void read_fault_device(const toml::table& table, const std::string& action, FaultSpec& fault) {
    const toml::node* node = table.get("device");
    if (node == nullptr) {
      report(table.source(), fault_phrase(action) + " needs 'device', one end of a [[net.serial]]");
    } else if (auto name = read_string(*node, "net.fault.device")) {
      if (!device_set_.contains(*name)) {
        report(node->source(), "unknown serial device " + unknown_name(*name) +
                                   did_you_mean(*name, devices_) +
                                   " ([[net.serial]] defines them, before the faults)");
      } else {
        fault.device = *name;
      }
    }
  }

  void read_doers(const toml::node& node, std::vector<DoerSpec>& out, int depth = 0) {
    if (depth >= kMaxDepth) {  // depth 0 is the first level
      report(node.source(), "doers nested deeper than " + std::to_string(kMaxDepth) + " levels");
      return;
    }
    const toml::array* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      report(node.source(), "'doer' must be an array of tables: write [[doer]]");
      return;
    }
    for (const toml::node& entry : *array) {
      if (auto spec = read_doer(*entry.as_table(), depth)) out.push_back(std::move(*spec));
    }
  }

  // How a message names the key `key` of the doer `table`: "'tock' of doer
  // 'a'", the same for its own keys and its kind's parameters; "'kind' of a
  // doer" while it has no name (a string) to be named by.
  static std::string doer_key(const toml::table& table, const std::string& key) {
    const toml::node* name = table.get("name");
    const std::optional<std::string> text =
        name != nullptr && name->is_string() ? name->value<std::string>() : std::nullopt;
    if (!text || text->empty()) return "'" + key + "' of a doer";
    return "'" + key + "' of doer '" + *text + "'";
  }

  std::optional<DoerSpec> read_doer(const toml::table& table, int depth) {
    DoerSpec spec;
    spec.pos = pos(table.source());
    const toml::node* kind_node = table.get("kind");
    if (kind_node == nullptr) {
      report(table.source(), "doer has no 'kind'; one of: " + kinds_list());
      return std::nullopt;
    }
    auto kind_name = read_string(*kind_node, doer_key(table, "kind"));
    if (!kind_name) return std::nullopt;
    const KindSpec* kind = registry_.find(*kind_name);
    if (kind == nullptr) {
      report(kind_node->source(), "unknown doer kind '" + *kind_name + "'" +
                                      did_you_mean(*kind_name, registry_.names()) +
                                      " (known kinds: " + kinds_list() + ")");
      return std::nullopt;
    }
    spec.kind = *kind_name;
    ++doers_;

    std::vector<std::string> allowed = {"kind", "name", "tock"};
    if (kind->group) {
      allowed.push_back("doer");
    } else {
      allowed.push_back("copies");
    }
    for (const ParamSpec& param : kind->params)
      allowed.push_back(param.name);
    check_keys(table, allowed, "doer of kind '" + spec.kind + "'");

    if (const toml::node* n = table.get("name")) {
      if (auto s = read_string(*n, doer_key(table, "name"))) {
        spec.name = *s;
        if (spec.name.empty() || spec.name.find_first_of(". \t") != std::string::npos) {
          report(n->source(),
                 "doer name '" + spec.name + "' must be non-empty, without dots or spaces");
        } else if (const std::size_t op = spec.name.find_first_of("=!<>");
                   op != std::string::npos) {
          // An expectation's "<doer>.<counter>" ends at an operator character.
          report(n->source(),
                 "doer name '" + spec.name + "' holds '" + spec.name[op] +
                     "', which ends a name in an expectation (\"" + spec.name +
                     ".runs >= 1\" could not name it): a doer name holds no . = ! < >, "
                     "spaces, tabs or control characters");
        } else if (std::string problem = name_problem(spec.name); !problem.empty()) {
          report(n->source(), "doer name " + display_text(spec.name) + " " + problem +
                                  ": names are printed in summaries and listings");
        } else if (std::string lookalike = lookalike_problem(spec.name); !lookalike.empty()) {
          // "fast" and "fast<U+200B>" would be two doers printed alike.
          report(n->source(), "doer name " + lookalike +
                                  ": it would print like another name; a doer name holds no "
                                  "spaces, blank or invisible characters, combining marks "
                                  "(write an accented letter as one character, NFC) or "
                                  "direction marks");
        } else if (const std::size_t slash = spec.name.find('/'); slash != std::string::npos) {
          // A channel a listener accepts is named <listener>/<id>: a doer
          // named so would share its name (inspect --channel by name).
          report(n->source(), "doer name '" + spec.name + "' holds a '/' (at byte " +
                                  std::to_string(slash) +
                                  "): a listener's accepted channels are named <name>/<id> "
                                  "(server/3), which a doer's name may not be taken for");
        } else if (reads_as_channel_id(spec.name)) {
          // inspect --channel 2 would select channel #2, whatever this
          // doer's channel is: a name it could never select.
          report(n->source(), "doer name '" + spec.name + "' reads as a channel id (" +
                                  program_name() + " inspect --channel " + spec.name +
                                  " selects channel #" +
                                  (spec.name[0] == '#' ? spec.name.substr(1) : spec.name) +
                                  "): a doer name holds something other than digits and a "
                                  "leading #");
        } else if (const std::string where = pos(n->source()).str();
                   !names_.take(spec.name, where)) {
          // Where the first is: a copy's name is no name the file writes.
          report(n->source(), "duplicate doer name '" + spec.name +
                                  "': " + names_.holder(spec.name) + " has it");
        }
      }
    } else {
      report(table.source(), "doer of kind '" + spec.kind + "' has no 'name'");
    }
    if (const toml::node* n = table.get("tock")) {
      if (auto t = read_duration(*n, doer_key(table, "tock"))) spec.tock = *t;
      spec.tock_pos = pos(n->source());
    }
    if (const toml::node* n = table.get("copies"); n != nullptr && !kind->group) {
      if (auto v = read_integer(*n, doer_key(table, "copies"), 1)) {
        if (*v > kCopiesMax) {
          report(n->source(),
                 doer_key(table, "copies") + " must be at most " + std::to_string(kCopiesMax));
        } else if (doers_ + (*v - 1) > kDoersMax) {
          report(n->source(), "this copy makes more than " + std::to_string(kDoersMax) +
                                  " doers in the scenario");
          doers_over_ = true;
        } else {
          doers_ += *v - 1;  // the doer itself is counted already
          spec.copies = *v;
          if (spec.copies > 1) {
            if (const std::int64_t clash = names_.take_copies(spec.name, spec.copies); clash != 0) {
              const std::string copy = spec.name + "-" + std::to_string(clash);
              report(n->source(),
                     "copy '" + copy + "' has the name of another doer: " + names_.holder(copy));
            }
          }
        }
      }
    }
    // copies come only within the limit (above), so the count passes it by
    // one doer at a time: this reports the first doer beyond it, once.
    if (doers_ > kDoersMax && !doers_over_) {
      report(table.source(), "this doer makes more than " + std::to_string(kDoersMax) +
                                 " doers in the scenario, counting every copy");
      doers_over_ = true;
    }
    for (const ParamSpec& param : kind->params)
      read_param(table, param, spec);
    if (kind->group) {
      if (const toml::node* children = table.get("doer")) {
        read_doers(*children, spec.children, depth + 1);
      }
    }
    return spec;
  }

  void read_param(const toml::table& table, const ParamSpec& param, DoerSpec& spec) {
    const toml::node* node = table.get(param.name);
    if (node == nullptr) {
      if (param.default_value) {
        spec.params.emplace(param.name, Param{*param.default_value, spec.pos});
      } else {
        report(table.source(), "doer '" + spec.name + "' (kind '" + spec.kind + "') needs '" +
                                   param.name + "': " + param.doc);
      }
      return;
    }
    const std::string what = doer_key(table, param.name);
    std::optional<ParamValue> value;
    switch (param.type) {
      case ParamType::boolean:
        if (node->is_boolean()) value = *node->value<bool>();
        break;
      case ParamType::integer:
        if (node->is_integer()) value = *node->value<std::int64_t>();
        break;
      case ParamType::number:
        if (node->is_number()) value = *node->value<double>();
        break;
      case ParamType::string:
        if (node->is_string()) value = *node->value<std::string>();
        break;
      case ParamType::duration:
        if (node->is_string()) {
          if (auto t = read_duration(*node, what)) value = *t;
          if (!value) return;  // read_duration reported it
        }
        break;
      case ParamType::strings:
        if (const toml::array* array = node->as_array()) {
          StringList list;
          bool ok = true;
          for (const toml::node& item : *array) {
            if (!item.is_string()) ok = false;
            if (ok) list.push_back(*item.value<std::string>());
          }
          if (ok) value = std::move(list);
        }
        break;
    }
    if (!value) {
      report(node->source(), what + " must be " + to_string(param.type));
      return;
    }
    spec.params.emplace(param.name, Param{std::move(*value), pos(node->source())});
  }

  void read_expectations(const toml::node& node, Scenario& scenario) {
    const toml::array* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      report(node.source(), "'expect' must be an array of tables: write [[expect]]");
      return;
    }
    for (const toml::node& entry : *array) {
      const toml::table& table = *entry.as_table();
      check_keys(table, {"final", "always", "condition", "by"}, "[[expect]]");
      Expectation expectation;
      const toml::node* text = nullptr;
      int forms = 0;
      if (const toml::node* n = table.get("final")) {
        text = n;
        expectation.when = Expectation::When::final;
        ++forms;
      }
      if (const toml::node* n = table.get("always")) {
        text = n;
        expectation.when = Expectation::When::always;
        ++forms;
      }
      if (const toml::node* n = table.get("condition")) {
        text = n;
        expectation.when = Expectation::When::by;
        ++forms;
        const toml::node* by = table.get("by");
        if (by == nullptr) {
          report(n->source(), "a 'condition' needs 'by', the tyme it must hold by");
        } else if (auto t = read_duration(*by, "expect.by")) {
          expectation.by = *t;
        }
      } else if (const toml::node* by = table.get("by")) {
        report(by->source(), "'by' goes with 'condition'");
      }
      if (forms != 1) {
        report(table.source(),
               "an [[expect]] needs exactly one of 'final', 'always' or 'condition'");
        continue;
      }
      if (auto s = read_string(*text, "the expectation")) {
        expectation.text = *s;
        expectation.pos = pos(text->source());
        parse_condition(*text, *s, expectation);
      }
      scenario.expectations.push_back(std::move(expectation));
    }
  }

  // "<doer>.<counter> <op> <integer>", spaces around the operator optional
  // ("a.runs>=1"). A malformed one is reported at what is wrong in it when
  // the string is written without escapes (its columns are then the text's).
  void parse_condition(const toml::node& node, const std::string& text, Expectation& expectation) {
    const auto space = [](char c) { return c == ' ' || c == '\t'; };
    const auto op_char = [](char c) { return c == '=' || c == '!' || c == '<' || c == '>'; };
    const auto skip = [&](std::size_t i) {
      while (i < text.size() && space(text[i]))
        ++i;
      return i;
    };
    const auto word_end = [&](std::size_t i, bool stop_at_op) {
      while (i < text.size() && !space(text[i]) && !(stop_at_op && op_char(text[i])))
        ++i;
      return i;
    };
    const auto fail = [&](std::size_t at, const std::string& problem) {
      diagnostics_.push_back(
          Diagnostic{at_offset(node, text, at),
                     "expectation \"" + text + "\": " + problem +
                         "; write '<doer>.<counter> <op> <integer>', op one of == != < <= > >= "
                         "(spaces around it optional), e.g. \"client.echoed >= 10\""});
    };
    const std::size_t counter_at = skip(0);
    if (counter_at == text.size()) return fail(counter_at, "it is empty");
    const std::size_t counter_end = word_end(counter_at, true);
    const std::string counter = text.substr(counter_at, counter_end - counter_at);
    if (counter.empty()) return fail(counter_at, "no counter before the operator");
    const std::size_t dot = counter.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == counter.size()) {
      return fail(counter_at, "'" + counter + "' is not <doer>.<counter> (e.g. client.echoed)");
    }
    const std::size_t op_at = skip(counter_end);
    if (op_at == text.size()) return fail(op_at, "no operator after '" + counter + "'");
    std::size_t op_end = op_at;
    while (op_end < text.size() && op_char(text[op_end]))
      ++op_end;
    const std::string op = text.substr(op_at, op_end - op_at);
    static const std::pair<const char*, CompareOp> kOps[] = {
        {"==", CompareOp::eq}, {"!=", CompareOp::ne}, {"<", CompareOp::lt},
        {"<=", CompareOp::le}, {">", CompareOp::gt},  {">=", CompareOp::ge}};
    const auto known = std::find_if(std::begin(kOps), std::end(kOps),
                                    [&](const auto& entry) { return op == entry.first; });
    if (op.empty()) {
      return fail(op_at, "expected an operator after '" + counter + "', found '" +
                             text.substr(op_at, word_end(op_at, false) - op_at) + "'");
    }
    if (known == std::end(kOps)) {
      return fail(op_at, "'" + op + "' is not an operator" +
                             (op == "="    ? " (equality is ==)"
                              : op == "=>" ? " (did you mean >=?)"
                              : op == "=<" ? " (did you mean <=?)"
                                           : ""));
    }
    const std::size_t value_at = skip(op_end);
    if (value_at == text.size()) return fail(value_at, "no integer after '" + op + "'");
    const std::size_t value_end = word_end(value_at, false);
    const std::string value = text.substr(value_at, value_end - value_at);
    std::int64_t number = 0;
    const char* first = value.data() + (value[0] == '+' ? 1 : 0);
    const auto [stop, error] = std::from_chars(first, value.data() + value.size(), number);
    if (error == std::errc::result_out_of_range) {
      return fail(value_at, "'" + value + "' is out of range (a 64-bit integer)");
    }
    if (error != std::errc() || stop != value.data() + value.size() ||
        (value[0] == '+' && value.size() > 1 && value[1] == '-')) {
      return fail(value_at, "'" + value + "' is not an integer");
    }
    if (const std::size_t rest = skip(value_end); rest != text.size()) {
      return fail(rest, "unexpected '" + text.substr(rest) + "' after the integer");
    }
    expectation.counter = counter;
    expectation.pos = at_offset(node, text, counter_at);  // an unknown counter is said there
    expectation.op = known->second;
    expectation.value = number;
  }

  // Where byte `offset` of string value `text` is in the file: exact when the
  // value is on one line and as long as its text plus its two quotes (no
  // escapes, columns in code points as toml++ counts them); else the value.
  SourcePos at_offset(const toml::node& node, const std::string& text, std::size_t offset) const {
    SourcePos at = pos(node.source());
    const toml::source_region& region = node.source();
    if (region.begin.line == region.end.line &&
        region.end.column - region.begin.column == code_points(text) + 2) {
      at.column +=
          static_cast<std::uint32_t>(1 + code_points(std::string_view(text).substr(0, offset)));
    }
    return at;
  }

  std::string kinds_list() const {
    std::string out;
    for (const std::string& name : registry_.names())
      out += (out.empty() ? "" : ", ") + name;
    return out;
  }

  std::string path_;
  const DoerRegistry& registry_;
  const std::vector<TextEdit>* edits_;
  std::vector<Diagnostic> diagnostics_;
  DoerNames names_;                   // of doers and copies, for clashes
  std::int64_t doers_ = 0;            // built so far, copies included (kDoersMax)
  bool doers_over_ = false;           // beyond kDoersMax has been reported
  std::vector<std::string> devices_;  // serial devices of [[net.serial]], in order
  // The names of net.hosts and of devices_, for lookups: a scenario may
  // have 65,536 of each, and a search of the vector for every one made
  // loading it quadratic (seconds for the largest).
  std::set<std::string> hosts_;
  std::set<std::string> device_set_;
};

}  // namespace

Scenario load_scenario_text(std::string text, std::string path, const DoerRegistry& registry) {
  if (text.size() > kScenarioBytesMax) {
    throw ScenarioError(
        {Diagnostic{SourcePos{path, 0, 0}, "larger than 16 MiB: not a scenario file"}});
  }
  // The one binary file people hand to run, check or sweep by mistake.
  if (replay::is_journal(text)) {
    throw ScenarioError({Diagnostic{SourcePos{path, 0, 0},
                                    "is a hio journal, not a scenario (use " + program_name() +
                                        " replay / " + program_name() + " inspect)"}});
  }
  return Loader(std::move(path), registry).load(std::move(text));
}

Scenario load_scenario_file(const std::string& path, const DoerRegistry& registry) {
  // Read no further than kScenarioBytesMax: /dev/zero is an error, not a
  // process that reads forever.
  // One error path for every way the file cannot be read (missing, a
  // directory, no permission, EIO), with the system's reason.
  auto unreadable = [&path](int error) {
    return ScenarioError(
        {Diagnostic{SourcePos{path, 0, 0}, "cannot read the file: " + errno_text(error)}});
  };
  // `-` is the standard input, as for a journal: read to its end (whether
  // it may be read again is the caller's to know: the CLI reads it once).
  const bool standard_input = path == "-";
  if (const std::string kind = standard_input ? "" : never_read_kind(path); !kind.empty()) {
    throw ScenarioError({Diagnostic{SourcePos{path, 0, 0}, kind + ", not a scenario file"}});
  }
  // A FIFO waits for its writer in steps that ask for a caught stop signal
  // (open_unless_stopped), also one caught before the open: a plain open(2)
  // waited for a writer for ever, Ctrl-C unheard.
  const int fd =
      standard_input ? STDIN_FILENO : open_unless_stopped(path.c_str(), O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 && errno == EINTR && caught_stop_signal() != 0) {
    throw BuildInterrupted(caught_stop_signal(), "read");
  }
  if (fd < 0) throw unreadable(errno);
  struct Closer {
    int fd;
    bool own;
    ~Closer() {
      if (own) ::close(fd);
    }
  } closer{fd, !standard_input};
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    // A stop signal the command catches (StopSignalCatch) ends a read that
    // waits for a terminal or a pipe whose writer stays - also one that came
    // just before the read, which interrupts nothing: the command stops
    // (exit 130/143/129), with no error about a text the user cut short.
    const ssize_t n = read_unless_stopped(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) throw BuildInterrupted(caught_stop_signal(), "read");
    if (n < 0) throw unreadable(errno);
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kScenarioBytesMax) {
      throw ScenarioError(
          {Diagnostic{SourcePos{path, 0, 0}, "larger than 16 MiB: not a scenario file"}});
    }
  }
  return load_scenario_text(text, path, registry);
}

void check_set_text_size(const Scenario& scenario) {
  if (scenario.text.size() > kScenarioBytesMax) {
    throw ScenarioError({Diagnostic{
        SourcePos{scenario.path, 0, 0},
        "larger than 16 MiB once --set is applied: not a scenario file (" +
            std::to_string(scenario.text.size()) + " bytes; a journal could not hold it)"}});
  }
}

namespace {
void set_net_key(Scenario& scenario, const std::string& key, const std::string& value,
                 const std::function<void(const std::string&)>& fail);
const std::vector<std::string>& net_override_keys();
std::string_view number_kind(const std::string& key);
}  // namespace

void apply_override(Scenario& scenario, const std::string& assignment) {
  // A usage error, said as the command's other option errors are ("hio run:
  // --set run.limit=2: ..."): the assignment names the --set (no key is given twice).
  // SettingError escapes what the message holds (message_text): a NUL or
  // an ESC from a TOML escape in a quoted value, a byte that is not UTF-8.
  auto fail = [&](const std::string& message) {
    throw SettingError(option_value("--set", without_lookalikes(assignment)) + ": " + message);
  };
  std::size_t eq = assignment.find('=');
  if (eq == std::string::npos) fail("expected key=value");
  std::string key = assignment.substr(0, eq);
  std::string value = assignment.substr(eq + 1);
  // A value written as a TOML string ("q", 'q': copied from a file with its
  // quotes) is that string, as in the file: a name, a mode, a host, a
  // duration (xsim27 L3: run.name="q" named the run "q" with its quotes).
  // A key the file writes as no string says so rather than read the string.
  if (const std::optional<std::string> text = toml_string_value(value)) {
    if (const std::string_view takes = number_kind(key); !takes.empty()) {
      fail(key + " takes " + std::string(takes) + ", not a string: write it without the quotes");
    }
    value = *text;
  }
  RunSettings& run = scenario.run;
  std::string error;
  if (key == "run.tock" || key == "run.limit" || key == "run.max_lag") {
    auto tock = parse_duration(value, &error);
    if (!tock) fail(error);
    if (key == "run.tock") {
      if (*tock <= Tock{0}) fail("run.tock must be greater than 0");
      run.tock = *tock;
    } else if (key == "run.limit") {
      run.limit = *tock;
    } else {
      run.max_lag = *tock;
    }
  } else if (key == "run.seed") {
    try {
      run.seed = parse_u64(value, "run.seed");
    } catch (const std::invalid_argument& bad) {
      fail(bad.what());
    }
  } else if (key == "run.mode") {
    if (value == "sim") {
      run.mode = Mode::sim;
    } else if (value == "real") {
      run.mode = Mode::real;
    } else {
      fail(run_mode_problem(value));
    }
    run.mode_set_by = "--set run.mode=" + std::string(value);
  } else if (key == "run.skip") {
    if (value != "true" && value != "false") fail(kRunSkipProblem);
    run.skip = value == "true";
  } else if (key == "run.name") {
    if (std::string problem = name_problem(value); !problem.empty()) fail("run.name " + problem);
    if (std::string lookalike = run_name_lookalike(value); !lookalike.empty()) {
      fail("run.name " + lookalike);
    }
    run.name = value;
  } else if (key.rfind("net.", 0) == 0 &&
             std::find(net_override_keys().begin(), net_override_keys().end(), key) !=
                 net_override_keys().end()) {
    set_net_key(scenario, key, value, fail);
    return;  // written into the text by set_net_key
  } else {
    std::vector<std::string> keys = {"run.tock", "run.limit", "run.seed",   "run.mode",
                                     "run.skip", "run.name",  "run.max_lag"};
    keys.insert(keys.end(), net_override_keys().begin(), net_override_keys().end());
    fail("unknown key" + (blank_edged(key) ? " " + shown_value(key) : std::string()) +
         did_you_mean(key, keys) +
         " (--set takes run.tock, run.limit, run.seed, run.mode, run.skip, run.name, "
         "run.max_lag, "
         "net.client_host, net.stall_timeout, net.segment_bytes_max, net.listen_backlog, "
         "net.receive_buffer_bytes and net.default_link.<link key>)");
  }
  // run.skip changes no event (time skipping is unobservable): not written,
  // so that journals with skipping on and off stay byte-identical. run.seed
  // is not written either: the header's seed holds it (as for a sweep's
  // seeds), so runs of one scenario with other seeds keep one scenario digest.
  if (key != "run.skip" && key != "run.seed") {
    record_run_setting(scenario, key.substr(4), "--set " + assignment);
  }
}

namespace {

// The value of run.<key> as the TOML literal write_in_text takes.
std::string run_literal(const RunSettings& run, std::string_view key) {
  if (key == "name") return toml_string(run.name);
  if (key == "tock") return duration_literal(run.tock);
  if (key == "limit") return duration_literal(run.limit);
  if (key == "max_lag" && run.max_lag) return duration_literal(*run.max_lag);
  if (key == "mode") return run.mode == Mode::real ? "\"real\"" : "\"sim\"";
  throw std::logic_error("record_run_setting: no run key '" + std::string(key) + "'");
}

ValueKind run_kind(std::string_view key) {
  if (key == "tock" || key == "limit" || key == "max_lag") return ValueKind::duration;
  return ValueKind::string;  // name, mode
}

// The [net] keys --set takes: the scalar keys of [net] and of its
// default_link (the [[net.link]], [[net.serial]] and [[net.fault]] arrays are
// the file's), with what their values are.
struct NetKey {
  std::string key;
  ValueKind kind;
};
const std::vector<NetKey>& net_keys() {
  static const std::vector<NetKey> keys = {{"net.client_host", ValueKind::string},
                                           {"net.stall_timeout", ValueKind::duration},
                                           {"net.segment_bytes_max", ValueKind::integer},
                                           {"net.listen_backlog", ValueKind::integer},
                                           {"net.receive_buffer_bytes", ValueKind::integer},
                                           {"net.default_link.latency", ValueKind::duration},
                                           {"net.default_link.jitter", ValueKind::duration},
                                           {"net.default_link.bandwidth", ValueKind::integer},
                                           {"net.default_link.queue_bytes_max", ValueKind::integer},
                                           {"net.default_link.loss", ValueKind::probability},
                                           {"net.default_link.duplicate", ValueKind::probability},
                                           {"net.default_link.reorder", ValueKind::probability},
                                           {"net.default_link.reorder_delay", ValueKind::duration},
                                           {"net.default_link.corrupt", ValueKind::probability}};
  return keys;
}

const std::vector<std::string>& net_override_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const NetKey& k : net_keys())
      out.push_back(k.key);
    return out;
  }();
  return keys;
}

// What a --set key takes when the file writes it as no string ("an
// integer"); "" for a string one (a name, a mode, a host, a duration) and
// for a key --set does not take (said as unknown after).
std::string_view number_kind(const std::string& key) {
  if (key == "run.seed") return "an integer";
  if (key == "run.skip") return "true or false";
  const auto net = std::find_if(net_keys().begin(), net_keys().end(),
                                [&](const NetKey& k) { return k.key == key; });
  if (net == net_keys().end()) return "";
  if (net->kind == ValueKind::integer) return "an integer";
  if (net->kind == ValueKind::probability) return "a probability";
  return "";
}

// Whether `groups` is digits of `digits`, '_' only between two.
bool digit_groups(std::string_view groups, std::string_view digits) {
  bool after_digit = false;
  for (char c : groups) {
    if (c == '_' && after_digit) {
      after_digit = false;
    } else if (digits.find(c) != std::string_view::npos) {
      after_digit = true;
    } else {
      return false;
    }
  }
  return after_digit;
}

// Whether `value` is a TOML integer in hexadecimal, octal or binary (0x1F,
// 0o17, 0b1_01: no sign, '_' only between digits), however large.
bool radix_integer(std::string_view value) {
  if (value.size() < 3 || value[0] != '0') return false;
  const std::string_view digits = value[1] == 'x'   ? "0123456789abcdefABCDEF"
                                  : value[1] == 'o' ? "01234567"
                                  : value[1] == 'b' ? "01"
                                                    : "";
  return digit_groups(value.substr(2), digits);
}

// Whether `value` is a TOML decimal integer, however large: a sign, then
// digits with '_' only between two, no leading zero.
bool decimal_integer(std::string_view value) {
  if (!value.empty() && (value[0] == '+' || value[0] == '-')) value.remove_prefix(1);
  if (value.size() > 1 && value[0] == '0') return false;
  return digit_groups(value, "0123456789");
}

// A --set value as the TOML literal the file would have, spelled as
// canonical_literal spells it, so that equal values give one text: a number
// as a number when it looks like one (for the keys that take numbers; 0x10,
// 0o20 and 0b10000 too, as in the file: written 16),
// anything else as a string. One the loader would not read as the kind it
// takes is written as typed, or as a string when it is no TOML number
// either, so that the loader says what is wrong with it as for the file; a
// number that lacks only a digit beside its point (.02) is refused here,
// saying how to write it.
std::string net_literal(const NetKey& key, const std::string& value,
                        const std::function<void(const std::string&)>& fail) {
  const bool number_key = key.kind == ValueKind::integer || key.kind == ValueKind::probability;
  const bool radix = radix_integer(value);
  const bool looks_numeric =
      radix ||
      (!value.empty() && value.find_first_not_of("0123456789+-._eE") == std::string::npos &&
       value.find_first_of("0123456789") != std::string::npos);
  if (!number_key || !looks_numeric) {
    const std::string literal = toml_string(value);
    return canonical_literal(key.kind, literal).value_or(literal);
  }
  if (std::optional<std::string> canonical = canonical_literal(key.kind, value)) {
    return *canonical;
  }
  if (const std::string why = float_beyond_double(value); !why.empty()) {
    fail(key.key + " = " + value + " " + why);
  }
  if (key.kind == ValueKind::probability) {
    if (const std::optional<std::string> fixed = number_with_point_digits(value)) {
      fail(key.key + ": " + value +
           " is not a TOML number (a digit goes on each side of the point): write " + *fixed);
    }
  }
  // An integer too large for TOML keeps its own message (the loader's); any
  // other text that is no TOML number (`1_`, `00`, `--1`) is written as a
  // string, which the loader refuses in hio's words ("must be an integer
  // >= 1"): raw, toml++ refused the text it was written into, in words about
  // a "key-value pair" the --set never had.
  return radix || decimal_integer(value) ? value : toml_string(value);
}

void set_net_key(Scenario& scenario, const std::string& key, const std::string& value,
                 const std::function<void(const std::string&)>& fail) {
  if (!scenario.net.present) {
    fail("the scenario has no [net]: --set net.* changes a simulated network, it adds none");
  }
  const NetKey& net_key = *std::find_if(net_keys().begin(), net_keys().end(),
                                        [&](const NetKey& k) { return k.key == key; });
  // Written into the text as is, a byte that is not UTF-8 makes the whole
  // text unreadable, in toml++'s words, without the key or the byte.
  if (std::string problem = utf8_problem(value); !problem.empty()) fail(key + " " + problem);
  std::vector<std::string> path;
  for (std::size_t at = 0, dot; (dot = key.find('.', at)) != std::string::npos; at = dot + 1)
    path.push_back(key.substr(at, dot - at));
  const std::string leaf = key.substr(key.rfind('.') + 1);
  std::string text = scenario.text;
  std::vector<TextEdit> edits = scenario.text_edits;
  if (std::string problem =
          write_in_text(text, path, leaf, net_literal(net_key, value, fail), net_key.kind,
                        scenario.other_table_lines, edits, "--set " + key + "=" + value);
      !problem.empty()) {
    fail(problem);
  }
  // Read back as the file's [net] is: the same checks, the same messages,
  // at the file's positions (or this --set's, for what it wrote).
  const DoerRegistry none;
  try {
    scenario.net = Loader(scenario.path, none, &edits)
                       .load_net(settings_view(text, scenario.other_table_lines, edits));
  } catch (const ScenarioError& error) {
    // Said after "--set KEY=VALUE: ": a problem at what the file writes (a
    // value this one makes wrong) with the file's position.
    std::string messages;
    for (const Diagnostic& d : error.diagnostics()) {
      const bool in_file = d.pos.setting.empty() && d.pos.line != 0;
      messages += (messages.empty() ? "" : "; ") + (in_file ? d.pos.str() + ": " : "") + d.message;
    }
    fail(messages);
  }
  scenario.text = std::move(text);
  scenario.text_edits = std::move(edits);
}

}  // namespace

void record_run_setting(Scenario& scenario, std::string_view key, std::string_view setting) {
  const std::string literal = run_literal(scenario.run, key);
  const std::string given =
      setting.empty() ? "run." + std::string(key) + " = " + literal : std::string(setting);
  if (std::string problem =
          write_in_text(scenario.text, {"run"}, std::string(key), literal, run_kind(key),
                        scenario.other_table_lines, scenario.text_edits, given);
      !problem.empty()) {
    throw std::logic_error("record_run_setting: " + problem);
  }
}

SourcePos run_setting_pos(const Scenario& scenario, std::string_view key) {
  const toml::table root = parse_parsed_toml(
      settings_view(scenario.text, scenario.other_table_lines, scenario.text_edits),
      "run_setting_pos");
  const toml::node* run_node = root.get("run");
  const toml::table* run = run_node != nullptr ? run_node->as_table() : nullptr;
  const toml::node* value = run != nullptr ? run->get(key) : nullptr;
  if (value == nullptr) return SourcePos{scenario.path, 0, 0};
  return file_position(scenario.path,
                       TextPoint{static_cast<std::uint32_t>(value->source().begin.line),
                                 static_cast<std::uint32_t>(value->source().begin.column)},
                       scenario.text_edits);
}

}  // namespace hio::tools
