// Runs a loaded scenario: builds its network and doer tree from a registry,
// runs it under a Doist (journaled with --record), checks its expectations,
// and sums the run up.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hio/engine/counted.hpp"
#include "hio/engine/doist.hpp"
#include "hio/engine/random.hpp"
#include "hio/engine/stop_flag.hpp"
#include "hio/io/hub.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/replay/error.hpp"
#include "hio/replay/journal.hpp"
#include "hio/tools/counters.hpp"
#include "hio/tools/registry.hpp"
#include "hio/tools/scenario.hpp"

namespace hio::tools {

// A scenario built and not yet run: its SimNet (if it has [net]), its doers
// and the counters they publish. `top` is what to give Doist::run.
//
// A real address with a fixed port that a doer listens on or binds, or a real
// serial device it opens: two runs at once cannot both have one.
struct FixedReal {
  Scheme scheme = Scheme::tcp;  // tcp, tls, udp: a port; serial: a device
  std::string what{};           // "doer 'srv' (s.toml:7:11) binds 'tcp://127.0.0.1:47610'"
  // Port 0 would free it (with '@name' for its clients); a serial device has
  // one opener whatever is done.
  bool port() const { return has_host_port(scheme); }
};

// Ownership: owns the network and the doers (`owned`: the top-level ones,
// each group its children); the Doist and the IoHub it was
// built on are not owned and must outlive it (declare them first). Destroy it
// after the run, never during one. Members are destroyed doers first, then
// the network (SimNet must go before the Doist and the hub).
struct BuiltScenario {
  explicit BuiltScenario(std::uint64_t seed) : random(seed) {}
  RandomSource random;
  std::unique_ptr<SimNet> net;
  CounterBoard counters;
  std::map<std::string, std::string, std::less<>> endpoints;
  std::vector<std::unique_ptr<Doer>> owned;
  std::vector<Doer*> top;
  // Real addresses with a fixed port that doers listen on or bind, and real
  // serial devices they open. Two runs at once cannot both have one.
  std::vector<FixedReal> fixed_real{};
  // The doers listening on (or bound to) an address with port 0, and their
  // channels (BuildContext::port_zero).
  std::vector<BuildContext::PortZero> port_zero{};
  // The files the doers read (BuildContext::files_read): TLS certificates
  // and keys.
  std::vector<std::string> files_read{};
};

struct BuildOptions {
  // Build the [net] section into a SimNet. A replay, whose transports all
  // come from a journal (IoHub::set_override), leaves its links and faults
  // out: its SimNet (BuiltScenario::net) has the hosts, the client host and
  // the serial lines only, and makes no transport; it refuses the opens the
  // recorded network refused (TransportFactory::check). false means
  // "replaying" to the doer kinds too (BuildContext::replaying, with no
  // BuildContext::net).
  bool with_net = true;
};

// Thrown by build_scenario when SIGINT or SIGTERM is caught (a
// StopSignalCatch is held, see hio/engine/doist.hpp) while it builds: the
// command ends, exit 130 or 143, without starting a run. A long build
// (a million copies) stops within one doer of the signal. load_scenario_file
// throws it too, with `stage` "read", when the signal comes while it waits
// for the scenario's text (`-`: a terminal, a pipe whose writer stays).
class BuildInterrupted : public std::runtime_error {
 public:
  explicit BuildInterrupted(int signal, const char* stage = "built");
  int signal() const { return signal_; }

 private:
  int signal_;
};

// Builds the network and the doer tree of `scenario` on `doist` and `io`
// without running anything: what `hio run` does before its run, and what a
// replay does on a replay hub. Faults are scheduled relative to doist.tyme().
// Throws ScenarioError (file:line:col) if a doer cannot be built or an
// expectation names a counter no doer publishes, BuildInterrupted on a
// signal; nothing is left running.
std::unique_ptr<BuiltScenario> build_scenario(const Scenario& scenario,
                                              const DoerRegistry& registry, Doist& doist, IoHub& io,
                                              const BuildOptions& options = {});

struct ExpectationResult {
  // A copy, not a pointer into the Scenario: a summary outlives the scenario
  // it was run from (run_scenario(load_scenario_text(...)) destroys it).
  Expectation expectation{};
  bool passed = false;
  std::string detail{};  // "client.rx_bytes was 812", "never held by 2s", ...
  // false: the run was cut before the expectation could be decided (a replay
  // of a damaged journal stops where its intact part ends); passed is false
  // too, and it is counted neither as passed nor as failed.
  bool judged = true;
};

// How a run ended, for the verdicts that depend on it.
struct RunEnding {
  Tyme tyme{};  // doist.tyme() after the run
  // A replay that stopped where its damaged journal's intact part ends: the
  // `final` expectations and the `by` deadlines after `tyme` are not judged.
  bool cut = false;
  // A signal (SIGINT, SIGTERM) ended the run or the replay before its end:
  // judged as a cut run, saying "interrupted (SIGINT)"; 0 when none did.
  int stop_signal = 0;
  // The last pass ran at `tyme` (Doist::ended_at_pass); otherwise the run
  // ended one tock after its last pass, and no pass ran at `tyme`: a `by`
  // deadline at `tyme` was not reached.
  bool ended_at_pass = false;
  // Not "": what else ended the run before its end (a replay of a run that
  // hio's own failure ended): judged as a cut run, saying "not judged:
  // <stopped_by> at tyme T".
  std::string stopped_by{};
  // The journal could not be written during the run (RunSummary::
  // journal_failed, not journal_failed_at_end), which stopped the run at
  // `tyme`: judged as a cut run, saying so (and that the journal's intact
  // part ends earlier).
  bool journal_failed = false;
};

// Checks a scenario's expectations on a run built by build_scenario: `always`
// and `by` after every executed pass (counters only change when doers run, so
// skipped passes cannot change the answer), `final` in finish(). Add it to
// the Doist as a PassObserver before the run; `start` is the run's first
// tyme. `progress`, if set, is called about twice a wall second with the tyme
// (a progress line: for people only, never affects the run).
class ExpectationChecker final : public PassObserver {
 public:
  ExpectationChecker(const Scenario& scenario, const CounterBoard& counters, Tyme start,
                     std::function<void(Tyme)> progress = {});
  void pass_ended(Tyme tyme) override;
  // Every expectation's verdict, in the scenario's order, after the run. A
  // `by` deadline the run did not reach (no pass ran at or after it) fails
  // saying so (or is not judged, if the run was cut).
  std::vector<ExpectationResult> finish(const RunEnding& ending) const;

 private:
  const CounterBoard& counters_;
  Tyme start_;
  std::vector<ExpectationResult> results_;
  std::vector<const CounterBoard::Reader*> readers_;  // results_'s counters, in order
  // A `by` expectation's first tyme (from the start) at which it held after
  // its deadline, so that its failure says it came late, not never.
  std::vector<std::optional<Tock>> held_late_;
  std::function<void(Tyme)> progress_;
  std::chrono::steady_clock::time_point next_progress_;
};

// "N of M passed" and a line per expectation, as the run summary prints them.
std::string format_expectations(const std::vector<ExpectationResult>& results);
// The same as JSON members: `"passed": <passed>, "expectations": [...]`,
// `passed` the command's verdict (RunSummary::passed, replay_passed).
std::string format_expectations_json(const std::vector<ExpectationResult>& results, bool passed);
// True when every expectation was judged and held: one not judged (an
// interrupted run's `final` ones) did not fail, but the run did not pass.
bool all_passed(const std::vector<ExpectationResult>& results);
// The first failed expectation and why ("client.sent == 200 (client.sent
// was 104)"), as a sweep lists it; if none failed, the first not judged
// ("c.n == 2 (not judged: interrupted (SIGINT) at ...)"); "" if all passed.
std::string first_failure(const std::vector<ExpectationResult>& results);

// Every doer's counters (name, value), in doer order: the doers in file
// order, depth first (a group, then its children; `copies`: the sums
// <name>.<counter>, then each copy's), each doer's counters by name. What
// `hio run --counters` and `hio replay --counters` print.
using DoerCounters = std::vector<std::pair<std::string, std::int64_t>>;
DoerCounters doer_counters(const Scenario& scenario, const CounterBoard& counters);
// The summary's lines for them ("counters:  N", then "  name = value"; ""
// when not read or there are none), and the JSON member (`, "counters":
// [{"name": ..., "value": ...}, ...]`, `, "counters": null` when not read:
// one JSON rule, a field with no value is null).
std::string format_counters(const std::optional<DoerCounters>& counters);
std::string format_counters_json(const std::optional<DoerCounters>& counters);

// Where a doer whose address has port 0 listens (or is bound): its doer and
// the address with the port it got, "tcp://127.0.0.1:41234".
struct Listening {
  std::string doer{};
  std::string address{};
};
// "srv listens on tcp://127.0.0.1:41234", as hio run says it on stderr, and
// the JSON member of them all: `"listening": [{"doer": ..., "address": ...}]`.
std::string format_listening(const Listening& listening);
std::string format_listening_json(const std::vector<Listening>& listening);

struct RunSummary {
  std::string name{};
  std::uint64_t seed = 0;
  RunEnd end = RunEnd::done;
  // SIGINT, SIGTERM or SIGHUP when one interrupted it; kCleanStopSignal
  // when a clean stop stopped it (stopped()).
  int stop_signal = 0;
  // Ended stalled because tyme ran out (Doist::ran_out_of_tyme): the
  // summary says so instead of "wait for input that nothing in the run sends".
  bool out_of_tyme = false;
  std::uint64_t passes = 0;           // nominal
  std::uint64_t executed_passes = 0;  // run (fewer with time skipping)
  Tyme tyme{};                        // tyme simulated, from the start
  double wall_seconds = 0;            // for people only; never affects a run
  std::uint64_t events = 0;
  std::uint64_t digest = 0;
  std::string journal{};  // the file recorded, if any
  // Not "": the journal no longer is `journal` at the end (FileTarget::lost:
  // removed, replaced or truncated in place while the run wrote it), why;
  // hio run says so and exits 4.
  std::string journal_lost{};
  // journal_lost is a move: the journal is complete under another name (the
  // summary's line tags it "(moved)", not "(lost)"); exit 4 all the same.
  bool journal_moved = false;
  // The journal's file could not be written (a full disk:
  // RunJournalWriteError); journal_lost is the write's error. During the
  // run, the failed write stopped it: `end` is interrupted (no stop signal
  // of its own) and the summary says "ended: interrupted: the journal could
  // not be written past its first N bytes" (journal_flushed_bytes; a write
  // fails at a buffer's flush, so the passes, tyme, events and digest count
  // up to 64 KiB more than the file holds).
  bool journal_failed = false;
  // journal_failed once the run had reached its end (only the journal's
  // last frames or trailer failed): `end` is how the run ended, its `final`
  // expectations are judged, and the summary adds "; the journal's end could
  // not be written".
  bool journal_failed_at_end = false;
  // journal_failed: the bytes that reached the file before the failure.
  std::uint64_t journal_flushed_bytes = 0;
  // journal_failed after FILE took the journal (its header written, at the
  // first pass): FILE holds the passes before the write that failed, cut
  // there (hio salvage recovers them); the journal's line says
  // "(incomplete)", not "(lost)". Before, FILE is as it was.
  bool journal_incomplete = false;
  // The same check of the journal, to be made again later (a sweep's end,
  // for the journals it keeps: FileTarget::later_check); empty without one.
  // Its argument: a descriptor of the journal's directory that the caller
  // holds (a sweep's --out), through which a journal whose directory was
  // renamed is found and said moved and complete; -1 for none (a move is
  // then said as a removal). The bool*, when not null, is set to whether it
  // was moved.
  std::function<std::string(int, bool*)> journal_check{};
  // Closed channels (TCP/TLS streams, serial lines) that had not finished
  // sending at the end within close_linger (a write in flight, or bytes the
  // peer had not acknowledged), or were cut by a stop signal: reset, so
  // their peers may have got less than the journal's tx
  // (IoHub::finish_closing).
  std::size_t closing_reset = 0;
  // The run's UDP channels whose datagrams the kernel dropped before the run
  // read them (IoHub::dropped_datagrams, asked at the end): what
  // RunOptions::warn says of each (format_dropped_datagrams), and hio sweep
  // reports per seed. Empty for a run in virtual time.
  std::vector<IoHub::DroppedDatagrams> dropped_datagrams{};
  // The error events of the run's channels, from the build on (a listener
  // whose port is in use, a refused connect, a discarded datagram): what
  // RunOptions::warn's count line says ("5 channel errors in all"), counted
  // also without a warn. hio run --json's "channel_errors".
  std::uint64_t channel_errors = 0;
  // A doer threw and ended the run (the journal's end=error): the text. The
  // summary says so ("ended: error") and hio run exits 5 (kExitDoerError).
  std::optional<std::string> error{};
  // That exception was a std::bad_alloc (out of memory in a pass): hio run
  // still exits 5, a sweep ends as out of memory (SeedRun::out_of_memory).
  bool out_of_memory = false;
  std::vector<ExpectationResult> expectations{};
  // Real time: passes that ended after the next pass was due on the wall
  // clock, the most the run was behind then, and the longest pass
  // (Doist::late_passes, worst_lag, longest_pass); 0 in virtual time. For
  // people only, like wall_seconds: not in the journal.
  std::uint64_t late_passes = 0;
  Tock worst_lag{0};
  Tock longest_pass{0};
  // Real time: the times the run fell more than max_lag behind and re-based
  // instead of catching up in a burst, and the wall time it gave up so
  // (Doist::rebases, given_up, max_lag; the first two 0 in virtual time).
  std::uint64_t rebases = 0;
  Tock given_up{0};
  Tock max_lag{0};
  Tock tock{0};
  // Real time: the run's limit (0: none, or virtual time). A limit that ends
  // a real-time run before its tyme is due on the wall clock (a tock longer
  // than the limit) makes the summary say so instead of a speed.
  Tock real_limit{0};
  // RunOptions::counters: every doer's counters at the end, in doer order
  // (nullopt without it).
  std::optional<DoerCounters> counters{};
  // The doers with a port 0 address and where they listened, in the order
  // RunOptions::listening was told (always filled, whether it is set or not).
  std::vector<Listening> listening{};

  // The run's verdict ("passed" of --json): no doer threw, every expectation
  // judged and held - and there was one, if the run was interrupted (no end
  // to judge it by otherwise).
  bool passed() const;
  // A clean stop ended the run (RunOptions::clean_stop, or
  // request_stop_from_signal(kCleanStopSignal): `end` is interrupted,
  // stop_signal kCleanStopSignal): its end is judged as a run's end, `final`
  // expectations included, and hio run exits by the verdict.
  bool stopped() const;
  // "first failed expectation" for sweeps; "" if all passed.
  std::string first_failure() const;
};

struct RunOptions {
  // Called about twice a wall second with the tyme, for a progress line.
  std::function<void(Tyme)> progress{};
  // Journal the run into this file (hio::replay::Journal): the header holds
  // the full scenario text and its digest, the seed, the tock and the mode.
  std::string record_path{};
  // How record_path is written (frame limits, flushing; its writer's name
  // is the path). hio uses the defaults.
  replay::JournalOptions record_options{};
  // When set (a sweep's, which its watcher thread sets on SIGINT or
  // SIGTERM): the run ends when the flag is set (StopFlag::set, from any
  // thread): after the pass in progress, and a real-time run waiting for its
  // next pass at once, at the pass it waited after; set before the run,
  // after its first pass. RunEnd::interrupted. The flag must outlive the run.
  const StopFlag* stop = nullptr;
  // When set (a flag of the program's, which another thread sets): the run
  // ends as `stop` ends it, but as RunSummary::stopped(): RunEnd::interrupted
  // with stop_signal kCleanStopSignal, which the journal's trailer keeps, its
  // end judged as a run's end. A signal handler calls
  // hio::request_stop_from_signal(kCleanStopSignal) instead (hio run's
  // SIGUSR1), which ends the run the same way for a run with
  // stop_on_signal_request. (Until session 21 both were a
  // std::atomic<bool> read at each pass's end: a real-time run with a long
  // tock noticed one only after its wait, a tock late.)
  const StopFlag* clean_stop = nullptr;
  // The run also ends cleanly, as clean_stop ends it, on
  // hio::request_stop_from_signal (Doist::set_stop_on_signal_request): hio
  // run's SIGUSR1 (run_cli's CleanStopCatch). Off (the default), such a
  // request, meant for another run of the process, leaves this one alone.
  bool stop_on_signal_request = false;
  // When set, channel failures are said through it, one line each without
  // a newline (hio run writes them to stderr): the first error of each
  // channel as it happens - at most kChannelWarningsMax channels - and at the
  // end of the run a count of them all. It only reads the events: the
  // journal, the digest and the run are the same with or without it.
  std::function<void(const std::string&)> warn{};
  // When set, told the lines about the wait after the run for closed
  // channels still sending ("waiting for ...", once the wait has lasted a
  // quarter of a second, and how many were reset), instead of `warn` (a
  // sweep says them, not channel failures).
  std::function<void(const std::string&)> closing_notice{};
  // When set, told where each doer whose address has port 0 listens or is
  // bound (a doer that publishes its address for "@name", see
  // BuildContext::publish): those that do once the tree is built, before the
  // first pass, in the order they were built; one that starts listening only
  // later (a host name resolved first, a listener opened again) when it does.
  // It only reads the events, as `warn` does.
  std::function<void(const Listening&)> listening{};
  // Read every doer's counters at the end into RunSummary::counters (hio run
  // --counters): the doers in file order, depth first (a group, then its
  // children; `copies`: the sums <name>.<counter>, then each copy's), each
  // doer's counters by name.
  bool counters = false;
};

// How many channels get a line of their own from RunOptions::warn; the
// count at the end covers the rest.
inline constexpr std::size_t kChannelWarningsMax = 10;

// replay::JournalWriteError with the summary of the run whose journal's
// file could not be written (a full disk): during the run, which ended it at
// that pass, every doer closed - summary() is the run's up to there, as for
// an interrupted run (journal_incomplete) - or at its end (journal_failed_at_end).
// For a caller that says how the run ended (hio run and hio replay print
// it): RunJournalWriteError from run_scenario, ReplayJournalWriteError from
// replay_scenario.
template <typename Summary>
class JournalWriteFailure : public replay::JournalWriteError {
 public:
  JournalWriteFailure(const replay::JournalWriteError& error, Summary summary)
      : replay::JournalWriteError(error),
        summary_(std::make_shared<const Summary>(std::move(summary))) {}
  const Summary& summary() const { return *summary_; }

 private:
  std::shared_ptr<const Summary> summary_;  // shared: exceptions are copied
};
using RunJournalWriteError = JournalWriteFailure<RunSummary>;

// Throws ScenarioError before anything runs if the tree cannot be built or an
// expectation names a counter no doer publishes (no journal is left then);
// OutputError (a ScenarioError) if the record_path file cannot be created -
// checked first, before the tree is built - and RunJournalWriteError (a
// replay::JournalWriteError) if it cannot be written during the run.
// Exceptions from doers propagate (after every doer was closed).
// summary.digest is the digest of the run's event stream, the one a
// journal's trailer carries.
RunSummary run_scenario(const Scenario& scenario, const DoerRegistry& registry,
                        const RunOptions& options = {});

// Everything run_scenario checks before the first pass, without running one:
// the doer tree is built as for the run (so every parameter, "@name" and
// sim:// address is checked, and listening addresses are bound and released
// again), and every expectation's counter must be published. It touches no
// peer: a real client's transport is made (and so checked) but never
// started - nothing is connected, no serial device opened - so a peer that
// takes one connection is left for the run. A host name is resolved as the
// run resolves it (which may ask a name server), and a channel whose name
// does not resolve fails with the run's reason (a warning, below). Throws
// ScenarioError with all the problems found, as run_scenario would. Returns
// BuiltScenario::fixed_real: what a second run at the same time could not have
// (a real-time sweep with --jobs > 1 is refused on it). When `warn` is set,
// each channel that failed while the tree was built (a listener whose port
// is in use, an address not on this machine, a host name that does not
// resolve) is said through it in the words of RunOptions::warn's first
// lines, once the build succeeded: such a run would start, and only warn.
std::vector<FixedReal> check_scenario(const Scenario& scenario, const DoerRegistry& registry,
                                      const std::function<void(const std::string&)>& warn = {});

// RunOptions::warn's line for a real-time run that fell behind (late_passes > 0):
// how many passes were late and by how much at worst, and why, as far as the
// run can tell: a pass that took longer than the tock (longest_pass), or,
// when none did, a process woken late for its passes (a loaded machine), or
// not run at all for longer than max_lag (stopped, suspended); and, after a
// re-base, the wall time given up.
std::string format_lag(const RunSummary& summary);
// The summary's "journal:" line (hio run, hio replay): the path, tagged
// "(moved)", "(incomplete)" (RunSummary::journal_incomplete) or "(lost)" when
// `lost` (RunSummary::journal_lost) is not "".
std::string format_journal_line(const std::string& path, const std::string& lost, bool moved,
                                bool incomplete = false);
// How a run that the failure of its journal's file stopped ended, in the
// summaries' words (hio run's and hio replay's): "interrupted: the journal
// could not be written past its first N bytes (the figures `figures` count
// up to the failed write, up to 64 KiB later)", N being where the file's
// intact part ends (RunSummary::journal_flushed_bytes), `figures` where the
// summary's passes, tyme and events are ("below").
std::string format_journal_stopped(std::uint64_t flushed_bytes, std::string_view figures);
// What the summaries add to how a run that reached its end ended when only
// its journal's end could not be written (RunSummary::journal_failed_at_end).
inline constexpr std::string_view kJournalEndFailed = "the journal's end could not be written";
// The end-of-run warning for a UDP channel whose datagrams the kernel
// dropped (IoHub::dropped_datagrams): "warning: the kernel dropped 3
// datagrams that came to channel 'NAME' (LOCAL) before the run read them:
// ...".
std::string format_dropped_datagrams(const IoHub::DroppedDatagrams& dropped);
// Human summary (several lines) and the same as one JSON object.
std::string format_summary(const RunSummary& summary);
std::string format_summary_json(const RunSummary& summary);

// `text` as a JSON string, quotes included; `text` must be valid UTF-8 (use
// json_field for anything from a scenario, a journal or the command line).
std::string json_quote(std::string_view text);
// `"name": "value"`, or `"name_hex": "..."` when value is not valid UTF-8 -
// the convention of `hio inspect --json` (replay::append_json_member, spaced).
std::string json_field(std::string_view name, std::string_view value);
// json_field, or `"name": null` when value is empty: the JSON outputs' rule that
// a field with no value is null (docs/scenarios.md, the summary).
std::string json_field_or_null(std::string_view name, std::string_view value);
// display_text (safe for a terminal): in scenario.hpp.

// `value` with `decimals` digits after the point ("%.*f"), and with
// `digits` significant digits ("%.*g"), always with a '.': unlike printf,
// whatever C locale the program that embeds hio has set (a de_DE locale
// made JSON summaries read "wall_s": 0,002).
std::string format_fixed(double value, int decimals);
std::string format_significant(double value, int digits);
// "1 thing", "2 things" (hio/engine/counted.hpp).
using ::hio::counted;

}  // namespace hio::tools
