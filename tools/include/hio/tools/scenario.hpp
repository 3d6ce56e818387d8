// The scenario model: what a TOML scenario file says, after loading and
// checking — run settings, the doer tree, expectations — with the source
// position of everything, for precise error messages.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "hio/engine/tyme.hpp"
#include "hio/io/sim_link.hpp"

namespace hio::tools {

struct SourcePos {
  std::string file;
  std::uint32_t line = 0;  // 1-based; 0 = unknown
  std::uint32_t column = 0;
  // The command-line setting that wrote what is here into the scenario's
  // text, when the file did not ("--set net.default_link.loss=0.5"; line 0):
  // where the user gave it.
  std::string setting{};
  // "file:line:col", "file" when the line is unknown, or the setting (as
  // message_text shows it) when there is one
  std::string str() const;
};

// A place in a scenario's text as toml++ counts it: line from 1, column in
// characters (UTF-8 code points) from 1, line 1 after a byte order mark.
struct TextPoint {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  auto operator<=>(const TextPoint&) const = default;
};

// A setting written into Scenario::text after the file was loaded (--set,
// --limit, --real; record_run_setting, apply_override): the text from `start`
// to `removed_end` (in the text before it; empty for an insertion) became the
// text from `start` to `written_end` (in the text after it). Positions in the
// text that the settings rewrote are said where the file has them, or as
// the setting that wrote them, by these (file_position).
struct TextEdit {
  TextPoint start;
  TextPoint removed_end;
  TextPoint written_end;
  std::string setting;  // "--set net.stall_timeout=3s", "--limit 2s", "--real"
};

// Lines `first` to `last` of a scenario's file (from 1, as TextPoint counts).
struct LineSpan {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
};

// Where `at`, a place in the text `edits` made from the file `file`, is: in
// the file (its line and column there), or, for a place in what a setting
// wrote, that setting (SourcePos::setting). The one mapping of the
// positions of a rewritten text: the loader's, when --set net.* reads [net]
// back from the text.
SourcePos file_position(const std::string& file, TextPoint at, const std::vector<TextEdit>& edits);

// Text from a scenario, a journal or the command line (a path), safe to
// write to a terminal: as is when it is valid UTF-8 without control
// characters (C0, DEL, C1: "café" stays café), otherwise quoted with C escapes
// as `hio inspect` prints it ("e\x1b[2J.toml" for an ESC; UTF-8 beyond ASCII
// kept, other bytes \xNN).
std::string display_text(std::string_view text);

// A message (an error, a reason, a detail) safe to write to a terminal, with
// only what must be escaped escaped, in place and without quotes: control
// characters as \n, \t, \r or \xNN (a C1 control: its two bytes \xC2\xNN),
// bytes that are not UTF-8 as \xNN; all other text, UTF-8 beyond ASCII too,
// as is ("bad address 'tcp://s\x07érver:1'"). Names and paths inside a
// message are quoted by display_text where the message is made.
std::string message_text(std::string_view text);

// "is not valid UTF-8 (byte N)" for text that is not, at its first bad byte;
// "" if it is.
std::string utf8_problem(std::string_view text);

// Why `name` (a doer's, a run's) cannot be a name: "is not valid UTF-8 (byte
// N)" or "holds a control character (U+001B at byte N)"; "" if it can.
std::string name_problem(std::string_view name);

// Which characters that make text print like other text a name may not hold.
enum class Lookalikes : std::uint8_t {
  // All of them: a name that names something, looked up or told apart by it
  // (a doer's, a host's, a serial device's).
  all,
  // Those that hide or move text, not the spaces beyond ASCII's, which show
  // as spaces: a name that is only shown (a run's, in summaries and the
  // journal's header; "Nightly\u00A0run" is a title, "x\u200B" is not).
  hidden,
};

// Why `name` (valid UTF-8 without control characters) would print like
// another name: it holds a space other than ASCII's (U+00A0, U+3000...; not
// refused with Lookalikes::hidden), a line or paragraph separator
// (U+2028/U+2029), an invisible character (U+200B, U+2060, U+FEFF...) or a
// direction mark (U+200E, U+200F, U+061C): `"my\u00A0ticker" holds U+00A0, a
// space (at byte 2)`, the name as TOML writes it; "" if none. The one check
// of every name a scenario chooses.
std::string lookalike_problem(std::string_view name, Lookalikes which = Lookalikes::all);
// `text` with every look-alike lookalike_problem names written as TOML
// writes it ("a\\u200Bb"): a refused value echoed in a message shows what it
// refuses.
std::string without_lookalikes(std::string_view text);

// A name that names nothing, as a message shows it: 'name', or as TOML writes
// it with the look-alike character it holds (lookalike_problem): "unknown
// host 'client'" for "client<U+200B>" would name one that exists.
std::string unknown_name(std::string_view name);

// One problem found in a scenario: "file:line:col: message", the file as
// display_text shows it.
// "; did you mean 'x'?" for the candidate closest to `word`, when it is close:
// at most max(1, size/3) edits (insertions, deletions, substitutions, swaps
// of two neighbours) away, and fewer than the word's size (a one-letter word
// has no close names); "" when none is. Equally close candidates are named
// in their order, at most three, then how many more: "; did you mean 'x' or
// 'y'?", "; did you mean 'a', 'b', 'c' or 2 more as close?". A word over 256
// bytes is no mistyped name: "" (each distance costs O(size * edits), so a
// long name in a file costs microseconds, not seconds). `cells`, when given,
// gets the number of distance-table cells computed: that cost as a count, which
// a test can bound on any machine.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates,
                         std::size_t* cells = nullptr);

// One problem found in a scenario: "file:line:col: message".
struct Diagnostic {
  SourcePos pos;
  std::string message;
  std::string str() const;
};

// Thrown by the loader with every problem it found (in file order).
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 protected:
  // what() is `what`, not the diagnostics joined.
  ScenarioError(const std::string& what, std::vector<Diagnostic> diagnostics);

 private:
  std::vector<Diagnostic> diagnostics_;
};

// A --set KEY=VALUE that cannot be applied (apply_override): a usage error,
// not a problem at a place in a file. what() is the message, "--set KEY=VALUE:
// why" (the CLI prints it after the command's name, as its other option
// errors), escaped as message_text escapes (a control character, a byte that
// is not UTF-8: `\x1b`, `\xff`), whatever the option or a quoted value's TOML
// escape put in it; diagnostics() holds it once, at no position (the file ""). A
// ScenarioError, so that a program that catches those catches it too.
class SettingError : public ScenarioError {
 public:
  explicit SettingError(const std::string& message);
};

// An output the user asked for (a journal, a sweep's report) that cannot be
// created or written: the input was fine, so the CLI exits 4
// (kExitOutputFailed), not 2. A ScenarioError so that code which only
// reports diagnostics need not tell the two apart.
class OutputError : public ScenarioError {
 public:
  using ScenarioError::ScenarioError;
};

using StringList = std::vector<std::string>;
using ParamValue = std::variant<bool, std::int64_t, double, std::string, Tock, StringList>;

struct Param {
  ParamValue value;
  SourcePos pos;
};

// One doer of the tree. `kind` selects the factory in the DoerRegistry;
// groups (DoDoers) have children.
struct DoerSpec {
  std::string kind;
  std::string name;
  Tock tock{0};
  // copies > 1 (not for groups): that many doers, named <name>-1 ...
  // <name>-N, each publishing its own counters; <name>.<counter> is their sum.
  std::int64_t copies = 1;
  std::map<std::string, Param, std::less<>> params;  // kind-specific, checked
  std::vector<DoerSpec> children;
  SourcePos pos;
  SourcePos tock_pos{};  // where `tock` is written (file "" when it is not)

  // Typed access to a checked parameter (defaults filled in by the loader).
  std::int64_t integer(std::string_view key) const;
  double number(std::string_view key) const;
  bool boolean(std::string_view key) const;
  const std::string& string(std::string_view key) const;
  Tock duration(std::string_view key) const;
  const StringList& strings(std::string_view key) const;
  bool has(std::string_view key) const { return params.find(key) != params.end(); }
};

enum class Mode : std::uint8_t { sim, real };

struct RunSettings {
  std::string name;
  Tock tock = kDefaultTock;
  Tock limit{0};  // 0 = none
  std::uint64_t seed = 0;
  Mode mode = Mode::sim;
  bool skip = true;  // virtual-time skipping
  // Real time: Doist::set_max_lag (how far behind the wall clock a run
  // catches up); nullopt: the Doist's default, max(1 s, 4 tocks).
  std::optional<Tock> max_lag{};
  // What chose `mode` when not the file (or the default): the override,
  // "--set run.mode=sim" (apply_override), for the messages it causes.
  std::string mode_set_by{};
};

enum class CompareOp : std::uint8_t { eq, ne, lt, le, gt, ge };

// "<doer>.<counter> <op> <integer>", checked at the end (final), on every
// pass (always), or required to become true by a tyme (by).
struct Expectation {
  enum class When : std::uint8_t { final, always, by };
  When when = When::final;
  std::string text;     // as written
  std::string counter;  // "doer.counter"
  CompareOp op = CompareOp::eq;
  std::int64_t value = 0;
  Tock by{0};
  SourcePos pos;  // of its counter's name; of its string where escapes hide the columns

  bool holds(std::int64_t actual) const;
};

// The simulated network of a scenario ([net]): built into a SimNet before
// any doer, so sim:// and sim-serial:// addresses work (docs/scenarios.md).
struct LinkSpec {
  std::string from, to;
  Way way = Way::both;
  LinkParams params;
  SourcePos pos;
};

struct SerialSpec {
  std::string device_a, device_b;
  SerialParams params;
  SourcePos pos;
};

// A change scheduled at a tyme (relative to the run's start).
struct FaultSpec {
  enum class Action : std::uint8_t {
    partition,
    heal,
    heal_all,
    host_down,
    host_up,
    link,
    serial,
    unplug,
    plug
  };
  Action action = Action::partition;
  Tock at{0};
  std::vector<std::string> from, to;  // partition, heal: host sets; link: one host each
  Way way = Way::both;
  std::string host;     // host_down, host_up
  std::string device;   // serial, unplug, plug
  LinkParams link;      // link
  SerialParams serial;  // serial
  SourcePos pos;
};

// The most bytes a scenario may give any buffer, queue or FIFO (a doer's
// rx_bytes_max and tx_bytes_max, [net]'s size keys), so that a scenario
// cannot make a run allocate without limit: 256 MiB.
inline constexpr std::int64_t kBufferBytesMax = 256 * 1024 * 1024;

struct NetSpec {
  bool present = false;  // the scenario has a [net] table
  std::vector<std::string> hosts;
  std::string client_host;  // where sim:// stream clients connect from
  SimNetOptions options;    // seed: set from the run's seed when built
  std::vector<LinkSpec> links;
  std::vector<SerialSpec> serials;
  std::vector<FaultSpec> faults;
  SourcePos pos;
  // What the warning that no datagram crosses the default link blames
  // (net_warnings.cpp): the last --set still in effect of one of its
  // datagram-only settings (kDatagramOnlySettings), else the first of them
  // the file writes with a value on, else the [net.default_link] table.
  SourcePos default_link_pos;  // the table
  // Per kDatagramOnlySettings entry, where its value is written: in the
  // file, or by the --set that gave it (SourcePos::setting); line 0 and no
  // setting when neither writes it.
  std::array<SourcePos, kDatagramOnlySettings.size()> default_link_written;
};

struct Scenario {
  std::string path;  // as given ("-" or "<text>" when not from a file)
  std::string text;  // the whole file, as journaled (with the settings written in)
  // The settings written into `text` since the file loaded, in order: what
  // file_position maps the text's positions back to the file by.
  std::vector<TextEdit> text_edits;
  // The file's lines (as loaded: before text_edits) that hold its tables
  // other than [run] and [net] - each [[doer]] and [[expect]], header to the
  // next header - found by the load's parse. The settings write and read
  // back [run] and [net] only: they parse `text` with these lines blank, not
  // the whole scenario again for each (a 12 MB file with 8 --set parsed it 9
  // times). Empty: every line is parsed.
  std::vector<LineSpan> other_table_lines;
  RunSettings run;
  NetSpec net;
  std::vector<DoerSpec> doers;
  std::vector<Expectation> expectations;
};

}  // namespace hio::tools
