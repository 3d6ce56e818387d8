// Sweep: one scenario over many seeds, each run from fresh state, on a few
// worker threads; results come back in seed order whatever the thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hio/tools/registry.hpp"
#include "hio/tools/runner.hpp"
#include "hio/tools/scenario.hpp"

namespace hio::tools {

struct SeedRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

// "A..B" (inclusive, A <= B) or a single "N". Throws std::invalid_argument.
SeedRange parse_seed_range(const std::string& text);

// "K/N" with 1 <= K <= N: this process takes every N-th seed, starting with
// the K-th of the range. Throws std::invalid_argument.
struct Shard {
  std::uint64_t index = 1;
  std::uint64_t count = 1;
};
Shard parse_shard(const std::string& text);

// The seeds of a range that belong to a shard: first, first + step, ...,
// last (step = the shard count). Computed in O(1) and exact up to 2^64-1; the
// number of seeds can be 2^64, so it is given as last_index() (count - 1).
struct ShardSeeds {
  bool empty = true;  // the shard starts past the end of the range
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::uint64_t step = 1;

  std::uint64_t last_index() const { return (last - first) / step; }
  std::uint64_t at(std::uint64_t index) const { return first + index * step; }
};
ShardSeeds shard_seeds(SeedRange range, Shard shard);

// --jobs above this is a usage error: a sweep's runs are CPU-bound, and each
// thread reserves a stack (8 MiB by default), so thousands of threads only
// exhaust memory.
constexpr unsigned kSweepJobsMax = 256;

struct SeedResult {
  std::uint64_t seed = 0;
  bool passed = false;
  std::string first_failure{};  // empty when passed; the error text if the run threw
  // The run threw: it could not be built (never started), or a doer threw.
  // `end` then means nothing (JSON: "end": "error"), nor does `digest`
  // unless `doer_threw` (JSON: "digest": null).
  bool error = false;
  // A doer threw: the run ran to that end, deterministic as any, and
  // `digest` is its digest (its journal's trailer's, what hio run prints).
  bool doer_threw = false;
  std::uint64_t digest = 0;
  RunEnd end = RunEnd::done;
  std::string journal{};  // the failing run's journal, if one was saved
  std::function<std::string(int, bool*)> journal_check{};  // SeedRun::journal_check of `journal`
  std::size_t closing_reset = 0;        // SeedRun::closing_reset of the run reported
  std::uint64_t dropped_datagrams = 0;  // SeedRun::dropped_datagrams of the run reported
  std::uint64_t channel_errors = 0;     // SeedRun::channel_errors of the run reported
  std::string note{};                   // a problem saving the journal, for stderr
  // A journal was wanted and could not be written: why (the note says it on
  // stderr; JSON: "journal_lost", null when "").
  std::string journal_lost{};
  // journal_lost is a move (SeedRun::journal_moved): the journal is complete
  // under its new name, which journal_lost gives; counted as moved, not as
  // a journal that could not be written (exit 4 all the same).
  bool journal_moved = false;
  // Failing, after the first SweepOptions::journals_max failing seeds: no
  // journal by choice (JSON: "beyond_keep": true).
  bool beyond_keep = false;
};

struct SweepOptions {
  unsigned jobs = 1;  // 1 ..= kSweepJobsMax; never more threads than seeds
  // If set, each failing seed runs again, journaled into DIR/seed-N.hioj (a
  // re-run whose digest differs is reported in the note: not deterministic,
  // and the result is the journaled run's). A real-time run (mode = real) is
  // not deterministic, so each is journaled as it runs instead, and the
  // journal kept only if that run failed.
  std::string journal_dir{};
  // Each run journaled as it runs (with journal_dir), kept if it failed: for
  // runs that are not deterministic. Set for a real-time scenario's sweep.
  bool journal_as_it_runs = false;
  // --keep N: with journal_dir, only the first N failing seeds in seed order
  // (the same ones whatever `jobs`) keep a journal; the others are marked
  // beyond_keep. A seed is re-run for its journal only while fewer than N
  // failing seeds before it are known; one journaled out of order by
  // another thread and found beyond N once the seeds before it are in (and
  // a real-time run's, journaled as it runs unless N failing seeds before it
  // are known already) is removed then, so at most N + the seeds in flight
  // are on disk at once.
  std::optional<std::uint64_t> journals_max{};
};

// One run of one seed, as a sweep makes it (a scenario's run, a journal's
// noise replay): journaled into `record_path` unless it is empty; `stop`,
// set by the sweep's watcher thread on SIGINT or SIGTERM (or when the sweep
// ends for want of memory), ends it: the runner gives it to its run
// (RunOptions::stop, or a StopFlagWatch on its Doist), which then ends after
// the pass in progress, a real-time wait for the next pass cut at once.
// Throws what the run throws (the seed then counts as failed with the error,
// except BuildInterrupted: abandoned, and std::bad_alloc: the sweep ends).
struct SeedRun {
  bool stopped = false;  // `stop` ended it before its end: abandoned, not reported
  bool passed = false;
  std::string first_failure{};  // "" when passed
  std::uint64_t digest = 0;
  RunEnd end = RunEnd::done;
  std::optional<std::string> error{};  // a doer threw this (the run ended there)
  // That was a std::bad_alloc: not the seed's verdict (the seeds running at
  // once share the memory, so which one runs out depends on --jobs). The
  // sweep ends out of memory, as when a seed's tree does not fit.
  bool out_of_memory = false;
  // Not "": the journal at `record_path` is not the run's any more
  // (removed, replaced or truncated while it ran: RunSummary::journal_lost), why. The
  // sweep then counts it as a journal that could not be written and never
  // removes that path (it may be another process's file).
  std::string journal_lost{};
  bool journal_moved = false;  // RunSummary::journal_moved: journal_lost is a move
  // RunSummary::journal_check: the sweep checks a journal it keeps again at
  // its end (one removed or cut during the sweep is lost output; one moved
  // with its directory is found through the --out descriptor it holds).
  std::function<std::string(int, bool*)> journal_check{};
  // Closed channels reset at the end of the run (a real run's channel that
  // had not finished sending within close_linger, or was cut by `stop`):
  // RunSummary::closing_reset. 0 for a run in virtual time.
  std::size_t closing_reset = 0;
  // Datagrams the kernel dropped at the run's UDP sockets before the run
  // read them, all channels together (RunSummary::dropped_datagrams). 0 for
  // a run in virtual time.
  std::uint64_t dropped_datagrams = 0;
  // The run's channel errors (RunSummary::channel_errors: hio run --json's
  // "channel_errors"), for the seed's "channel_errors".
  std::uint64_t channel_errors = 0;
};
using SeedRunner = std::function<SeedRun(std::uint64_t seed, const std::string& record_path,
                                         const StopFlag& stop)>;

// The runner of `hio sweep`: `scenario` with run.seed = the seed. Both
// must outlive it. `say`, when set, is told the lines about the wait after a
// real run for closed channels still sending (RunOptions::closing_notice),
// and the warning for each UDP channel whose datagrams the kernel dropped
// (format_dropped_datagrams), each after "seed N: "; it may be called from
// several threads at once.
SeedRunner scenario_seed_runner(const Scenario& scenario, const DoerRegistry& registry,
                                std::function<void(const std::string&)> say = {});

// What scenario_seed_runner makes of its run of `seed` (its summary), for a
// program's own SeedRunner that calls run_scenario with options of its own:
// the result, stopped when the run was interrupted with `stop` set (or a
// stop signal caught), and through `say` (when set) "seed N: " and
// format_dropped_datagrams's warning for each UDP channel whose datagrams
// the kernel dropped.
SeedRun seed_run_of(const RunSummary& summary, std::uint64_t seed, const StopFlag& stop,
                    const std::function<void(const std::string&)>& say = {});

struct SweepEnd {
  // The seeds at indices [0, done) of the shard have run and been reported:
  // the range covered, whatever finished out of order after it is dropped.
  std::uint64_t done = 0;
  // A stop signal (SIGINT, SIGTERM, SIGHUP) came before the sweep returned:
  // before the last seed (done says how far it got), or once every seed was
  // reported (done is then every seed), as hio run exits 130 for a signal
  // after its run.
  bool interrupted = false;
  int stop_signal = 0;  // which one
};

// Runs `scenario` once per seed, calling `on_result` for each in seed order
// (one call at a time, whatever the thread count). A run that throws counts
// as failed with the error as its failure, except a std::bad_alloc (hio out
// of memory, not the seed's failure): no seed starts after it, the runs in
// flight stop after their pass (abandoned, as on a signal), the seeds reported before it stay
// reported, and sweep() throws it (hio sweep: exit 6).
//
// SIGINT or SIGTERM: no new seed starts; runs in flight stop after their current pass
// and are abandoned (not reported), and so is a failing seed whose re-run for its
// journal was stopped: every failing seed reported has its journal (unless
// beyond_keep or journal_lost); the sweep returns interrupted. Worker
// threads are all started before any seed runs: if one cannot be, those
// started are joined, nothing runs, and std::system_error is thrown.
SweepEnd sweep(const Scenario& scenario, const DoerRegistry& registry, const ShardSeeds& seeds,
               const SweepOptions& options,
               const std::function<void(const SeedResult&)>& on_result);
// The same for any runner (hio replay --seeds: one noise replay per seed).
SweepEnd sweep(const SeedRunner& runner, const ShardSeeds& seeds, const SweepOptions& options,
               const std::function<void(const SeedResult&)>& on_result);

// One JSON object for a seed: seed, passed, end ("done", "limit",
// "interrupted", "stalled", or "error" when the run threw), digest (null
// for "error" unless a doer threw), first_failure (null when it passed), the
// journal (null when none was saved), journal_lost (why a journal that was
// wanted could not be written, else null), closing_reset (connections reset at the
// run's end, as in hio run --json; 0 when none), dropped_datagrams (datagrams
// the kernel dropped at the run's UDP sockets before it read them; 0 when
// none) and beyond_keep (true for a
// failing seed after the first --keep N): the same fields in report.json and
// in --json.
// Strings that are not valid UTF-8 appear as "<name>_hex" (the bytes in hex)
// instead, as in `hio inspect --json`.
std::string format_seed_result_json(const SeedResult& result);

struct SweepCommand {
  std::string scenario_path{};  // for the report: its "scenario"
  std::string shard_text{};     // K/N as given
  bool json = false;
  std::string out{};   // --out DIR, or empty
  bool force = false;  // --force: remove an earlier sweep's report.json and its journals first
  std::optional<std::uint64_t> keep{};  // --keep N: SweepOptions::journals_max
  // When not empty, the report's first members instead of "scenario" (JSON
  // members, without braces; hio replay --seeds: "replay", "noise", ...).
  std::string report_head{};
  // The --set overrides of every run (the report's and the --json summary's
  // "sets", after the head), and the command line that reproduces one seed,
  // ending "--seed N" ("rerun"; printed below the failing seeds, as it is if
  // its only control characters are newlines, else escaped): a failing seed
  // is run again exactly only with the same --sets.
  std::vector<std::string> sets{};
  std::string rerun{};
  std::string name = "hio sweep";  // the messages on `err` start with it
  // The files the sweep reads (the scenario; the journal replayed and a
  // --scenario): `force` never removes one, by whatever path it is named
  // (a symbolic link to an earlier sweep's seed-N.hioj).
  std::vector<std::string> inputs{};
};

// `hio sweep` after its arguments were checked: runs the sweep, prints the
// failing seeds as they are known (in seed order) or JSON lines, then the
// summary; with `out`, writes DIR/report.json (complete, or not at all: it
// is written beside and renamed) and the failing seeds' journals. A DIR that
// holds an earlier sweep's report.json or seed-N.hioj is refused unless
// `force`; then report.json and the journals it lists, and only those, are
// removed first, and a seed-N.hioj it does not list (or a report.json hio
// sweep did not write) is refused, and so is removing one of `inputs`. DIR
// is held (flock) for the sweep's life: a DIR another sweep holds is
// refused. The journals kept are checked again at the end
// (SeedResult::journal_check). Returns the exit code: 0, 1
// (a seed failed), 2 (DIR holds files it must not overwrite or another sweep holds it, cannot
// start the threads), kExitOutputFailed (DIR cannot be created or read, report.json or a journal
// could not be written, or a journal kept was lost before the end; no journal is left cut short),
// 130 (SIGINT; 143 for SIGTERM; the report then covers the seeds done and says how to resume; a
// signal once every seed was reported, or caught by a StopSignalCatch before the report is written,
// is an interruption too, with nothing to resume).
int sweep_command(const Scenario& scenario, const DoerRegistry& registry, const ShardSeeds& seeds,
                  const SweepOptions& options, const SweepCommand& command, std::ostream& out,
                  std::ostream& err);
// The same for any runner (hio replay --seeds).
int sweep_command(const SeedRunner& runner, const ShardSeeds& seeds, const SweepOptions& options,
                  const SweepCommand& command, std::ostream& out, std::ostream& err);

}  // namespace hio::tools
