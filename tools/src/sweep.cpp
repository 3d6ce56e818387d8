#include "hio/tools/sweep.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <cstddef>
#include <ctime>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "hio/engine/counted.hpp"
#include "hio/engine/doist.hpp"
#include "hio/engine/signal_catch_scope.hpp"
#include "hio/engine/stop_read.hpp"  // record_stop_signal
#include "hio/io/error_text.hpp"
#include "hio/io/input_file.hpp"
#include "hio/replay/digest.hpp"
#include "hio/replay/error.hpp"
#include "hio/replay/escape.hpp"
#include "hio/replay/out_of_memory.hpp"
#include "hio/replay/types.hpp"  // engine_version
#include "hio/tools/cli.hpp"
#include "hio/tools/duration.hpp"
#include "hio/tools/runner.hpp"  // json_field: the "<name>_hex" scheme of hio inspect --json
#include "journal_target.hpp"
#include "option_value.hpp"
#include "output.hpp"
#include "program_name.hpp"

namespace hio::tools {

SeedRange parse_seed_range(const std::string& text) {
  const std::size_t dots = text.find("..");
  if (dots == std::string::npos) {
    try {
      const std::uint64_t seed = parse_u64(text, "--seeds");
      return SeedRange{seed, seed};
    } catch (const std::invalid_argument& error) {
      // "1-5", "1:5", "1,5": a range meant, in another spelling.
      throw std::invalid_argument(std::string(error.what()) +
                                  "; give one seed N or a range A..B (both included)");
    }
  }
  SeedRange range{parse_u64(std::string_view(text).substr(0, dots), "--seeds"),
                  parse_u64(std::string_view(text).substr(dots + 2), "--seeds")};
  if (range.first > range.last) {
    throw std::invalid_argument("--seeds " + text + ": the first seed is after the last");
  }
  return range;
}

Shard parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) {
    throw std::invalid_argument(option_value("--shard", text) + ": expected K/N");
  }
  // `1/2/3`: the second '/' is the mistake, not a number "2/3".
  if (text.find('/', slash + 1) != std::string::npos) {
    throw std::invalid_argument(option_value("--shard", text) + ": expected K/N (one /)");
  }
  Shard shard{parse_u64(std::string_view(text).substr(0, slash), "--shard"),
              parse_u64(std::string_view(text).substr(slash + 1), "--shard")};
  if (shard.count == 0 || shard.index == 0 || shard.index > shard.count) {
    throw std::invalid_argument("--shard " + text + ": need 1 <= K <= N");
  }
  return shard;
}

ShardSeeds shard_seeds(SeedRange range, Shard shard) {
  // Positions in the range run 0..span; the shard holds the positions
  // offset, offset + count, ... <= span. No sum below exceeds range.last.
  const std::uint64_t span = range.last - range.first;
  const std::uint64_t offset = shard.index - 1;
  ShardSeeds seeds;
  seeds.step = shard.count;
  if (offset > span) return seeds;
  seeds.empty = false;
  seeds.first = range.first + offset;
  seeds.last = seeds.first + (span - offset) / shard.count * shard.count;
  return seeds;
}

namespace {

// SIGINT, SIGTERM or SIGHUP during a sweep. The sweep holds the engine's
// StopSignalCatch (the one, counted, catch that every run and command
// shares: it ends in any order with a Doist run on another thread, and its
// handler keeps a signal that a thread of the program takes) and blocks the
// signals in its own threads, where a watcher thread takes them
// (sigtimedwait) and sets `stop`; the watcher also acts on a signal the
// catch's handler kept on another thread (caught_stop_signal(), each 50 ms).
// Every run watches `stop` (RunOptions::stop, a StopFlag): set, it ends
// each one, RunEnd::interrupted, after the pass in progress, and a real-time
// one waiting for its next pass at once; a worker claims no seed once it is
// set. Held over the whole sweep, the catch keeps a signal that
// lands between runs (while the next seed's scenario is built): the flag is
// cleared only when the outermost catch or run begins or ends. Only a stop
// signal says "interrupted": a run that a doer stopped itself is an ordinary
// result. The watcher keeps a signal it took for caught_stop_signal() too
// (record_stop_signal): the waits that ask it (stdout's, FIFO opens, journal
// writes) end in the sweep's threads, and a std::bad_alloc after it still
// exits with its code.
class StopSignalWatch {
 public:
  // `on_signal` runs on the watcher thread for each SIGINT, SIGTERM or SIGHUP
  // it takes, and once for one the catch's handler kept (not for a SIGHUP
  // that came in ignored: stop_signal_kept_ignored()).
  explicit StopSignalWatch(std::function<void(int)> on_signal)
      : on_signal_(std::move(on_signal)),
        mask_(std::in_place, kStopSignals, nullptr,
              SignalCatchOptions{.mask = SignalMaskChange::block,
                                 .leave_as_is = stop_signal_kept_ignored}) {
    // A thread that cannot start: mask_ and catch_ go, and put back what was.
    watcher_ = std::thread([this] { watch(); });
  }
  ~StopSignalWatch() {
    done_ = true;
    watcher_.join();
    // A signal that came after the watcher stopped: taken here, not lost.
    const timespec now{0, 0};
    for (int signal; (signal = sigtimedwait(&mask_->caught(), nullptr, &now)) > 0;)
      on_signal_(signal);
    // Unblocked while the catch is still held: one that comes meanwhile
    // reaches its handler, and is taken below.
    mask_.reset();
    take_kept();
  }
  StopSignalWatch(const StopSignalWatch&) = delete;
  StopSignalWatch& operator=(const StopSignalWatch&) = delete;

 private:
  void watch() {
    const timespec poll{0, 50'000'000};  // how soon the destructor is noticed
    while (!done_) {
      const int signal = sigtimedwait(&mask_->caught(), nullptr, &poll);
      if (signal > 0) on_signal_(signal);
      take_kept();
    }
  }

  // A signal the catch's handler kept, on a thread that has the signals
  // unblocked (a thread of the program's, not the sweep's): acted on once.
  void take_kept() {
    if (kept_taken_) return;
    if (const int kept = caught_stop_signal(); kept != 0) {
      kept_taken_ = true;
      on_signal_(kept);
    }
  }

  std::function<void(int)> on_signal_;
  StopSignalCatch catch_;                 // the handler; ends after the mask is put back
  std::optional<SignalCatchScope> mask_;  // blocks the signals; no action of its own
  bool kept_taken_ = false;               // the watcher's, then (joined) the destructor's
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

std::string journal_path(const std::string& dir, std::uint64_t seed) {
  return (std::filesystem::path(dir) / ("seed-" + std::to_string(seed) + ".hioj")).string();
}

void take_run(const SeedRun& run, SeedResult& result) {
  result.passed = run.passed;
  result.first_failure = run.first_failure;
  result.digest = run.digest;
  result.end = run.end;
  result.closing_reset = run.closing_reset;
  result.dropped_datagrams = run.dropped_datagrams;
  result.channel_errors = run.channel_errors;
  result.journal_check = run.journal_check;
  // A doer threw: its end is "error", its digest the run's (deterministic
  // up to the exception); the seed's journal (end=error) is kept with the
  // failing ones, and its replay reproduces it.
  result.error = run.error.has_value();
  result.doer_threw = run.error.has_value();
  if (run.error) result.first_failure = "error: " + *run.error;
}

// A stop signal the command's StopSignalCatch caught once the watch was
// over (it restores the catch's handler, then unblocks the signals: none is
// lost between them) ends the sweep interrupted too.
void take_caught_signal(SweepEnd& end) {
  if (end.interrupted) return;
  if (const int caught = caught_stop_signal(); caught != 0) {
    end.interrupted = true;
    end.stop_signal = caught;
  }
}

void remove_journal(std::string& path) {
  std::error_code ignored;
  if (!path.empty()) std::filesystem::remove(path, ignored);  // "": none, or not ours
  path.clear();
}

// A failing seed's journal that could not be kept: `why`, as "cannot record".
void lost_journal(const std::string& why, SeedResult& result, bool moved = false) {
  // A move (the --out directory renamed while the seed ran): complete
  // there, said with the path asked for, as at the end of the sweep.
  result.note = "seed " + std::to_string(result.seed) + ": " +
                (moved ? display_text(result.journal) + ": " : "cannot record: ") + why;
  result.journal.clear();
  result.journal_lost = why;
  result.journal_moved = moved;
}

// `run`, unless it ran out of memory in a pass (SeedRun::out_of_memory):
// then the std::bad_alloc a tree that does not fit throws, which ends the
// sweep, so that a seed's verdict never depends on what ran beside it. The
// caller's catch removes `journal` then, unless the run lost it (removed or
// replaced while it ran: the path may name another process's file now):
// then it is cleared here, so that nothing is removed.
SeedRun judged(SeedRun run, std::string* journal = nullptr) {
  if (run.out_of_memory) {
    if (journal != nullptr && !run.journal_lost.empty()) journal->clear();
    throw std::bad_alloc();
  }
  return run;
}

// A run that is not deterministic (real time: the wall clock paces it) with
// a journal directory: a re-run would be another run than the one that
// failed, so every run is journaled, and the journal kept only if it
// failed: the report and the journal are of the same run. Returns false if
// a signal abandoned the run.
bool run_recorded_seed(const SeedRunner& runner, std::uint64_t seed, const SweepOptions& options,
                       const StopFlag& stop, SeedResult& result) {
  result.journal = journal_path(options.journal_dir, seed);
  try {
    const SeedRun run = judged(runner(seed, result.journal, stop), &result.journal);
    if (!run.journal_lost.empty()) {
      // Not ours to remove: the path may name another process's file now.
      if (run.stopped) return false;
      take_run(run, result);
      if (!result.passed) lost_journal(run.journal_lost, result, run.journal_moved);
      result.journal.clear();
      return true;
    }
    if (run.stopped) {
      remove_journal(result.journal);
      return false;
    }
    take_run(run, result);
    if (result.passed) remove_journal(result.journal);
  } catch (const BuildInterrupted&) {
    remove_journal(result.journal);
    return false;
  } catch (const std::exception& error) {
    // A journal cut short by a write error is no journal: none is left.
    remove_journal(result.journal);
    // Out of memory is hio's failure, not the seed's: the sweep ends (exit 6).
    if (replay::is_out_of_memory(error)) throw;
    const bool journal = dynamic_cast<const OutputError*>(&error) != nullptr ||
                         dynamic_cast<const replay::JournalWriteError*>(&error) != nullptr ||
                         dynamic_cast<const replay::JournalUnfinishedError*>(&error) != nullptr;
    result.error = true;
    result.first_failure =
        std::string("error: ") + (journal ? "cannot record: " : "") + error.what();
    if (journal) lost_journal(error.what(), result);
  }
  return true;
}

// Runs one seed; with a journal directory, a failing seed runs again with
// recording if `may_keep()` says its journal can still be among the kept
// ones (a real-time one is recorded as it runs, if it can: run_recorded_seed;
// `may_keep()` only turns from true to false as failing seeds become known).
// Returns false if a signal abandoned the run, or the re-run for its journal
// (`stop` is set): the seed is then not reported, and a resume runs it.
bool run_seed(const SeedRunner& runner, std::uint64_t seed, const SweepOptions& options,
              const StopFlag& stop, const std::function<bool()>& may_keep, SeedResult& result) {
  result.seed = seed;
  // Once N failing seeds before it are known, a journal of this one would
  // not be kept: a real-time run is then not journaled at all.
  if (options.journal_as_it_runs && !options.journal_dir.empty() && may_keep()) {
    return run_recorded_seed(runner, seed, options, stop, result);
  }
  try {
    const SeedRun run = judged(runner(seed, "", stop));
    if (run.stopped) return false;
    take_run(run, result);
  } catch (const BuildInterrupted&) {
    return false;  // a signal the command caught before the sweep's watch began
  } catch (const std::exception& error) {
    // Out of memory is not the seed's failure: the sweep ends (sweep_command: exit 6).
    if (replay::is_out_of_memory(error)) throw;
    // It never started (the tree could not be built), and would not again:
    // no journal is attempted.
    result.error = true;
    result.first_failure = std::string("error: ") + error.what();
    return true;
  }
  if (result.passed || options.journal_dir.empty() || !may_keep()) return true;
  std::string journal = journal_path(options.journal_dir, seed);
  const std::string shown = "seed " + std::to_string(seed);
  try {
    const SeedRun again = judged(runner(seed, journal, stop), &journal);
    if (!again.journal_lost.empty()) {
      // Removed or replaced while it ran: never removed here (the path may
      // name another process's file now); the seed keeps its first verdict.
      if (again.stopped) return false;
      result.journal = journal;
      lost_journal(again.journal_lost, result, again.journal_moved);
      return true;
    }
    if (again.stopped) {
      // Judged, but its journal is not there: abandoned like a run in
      // flight, so that the report covers only seeds whose journals it has
      // and the resumed range (which starts here) makes the journal.
      remove_journal(journal);
      return false;
    }
    if (again.digest == result.digest) {
      result.journal = journal;
      result.journal_check = again.journal_check;
    } else if (again.passed) {
      // A bug (virtual time is deterministic): the journal would show a
      // passing run beside a failing result, so it is not kept.
      remove_journal(journal);
      result.note = shown + " gave digest " + replay::format_digest(result.digest) +
                    " and failed, then " + replay::format_digest(again.digest) +
                    " and passed when re-run for its journal: not deterministic; no journal kept";
    } else {
      // The report says what the journal holds: the re-run.
      result.note = shown + " gave digest " + replay::format_digest(result.digest) + ", then " +
                    replay::format_digest(again.digest) +
                    " when re-run for its journal: not deterministic; the report and the journal "
                    "are the re-run's";
      take_run(again, result);
      result.journal = journal;
    }
  } catch (const BuildInterrupted&) {
    remove_journal(journal);
    return false;  // the signal came while the re-run's tree was built: as above
  } catch (const std::exception& e) {
    // A journal cut short by a write error is no journal: none is left.
    remove_journal(journal);
    if (replay::is_out_of_memory(e)) throw;  // as for the first run
    lost_journal(e.what(), result);
  }
  return true;
}

// A scenario's sweep: a real-time one is journaled as it runs.
SweepOptions scenario_sweep_options(const Scenario& scenario, SweepOptions options) {
  options.journal_as_it_runs = scenario.run.mode == Mode::real;
  return options;
}

}  // namespace

SeedRunner scenario_seed_runner(const Scenario& scenario, const DoerRegistry& registry,
                                std::function<void(const std::string&)> say) {
  return [&scenario, &registry, say = std::move(say)](
             std::uint64_t seed, const std::string& record_path, const StopFlag& stop) {
    Scenario copy = scenario;
    copy.run.seed = seed;
    RunOptions options;
    options.stop = &stop;
    options.record_path = record_path;
    if (say) {
      options.closing_notice = [&say, seed](const std::string& line) {
        say("seed " + std::to_string(seed) + ": " + line);
      };
    }
    return seed_run_of(run_scenario(copy, registry, options), seed, stop, say);
  };
}

SeedRun seed_run_of(const RunSummary& summary, std::uint64_t seed, const StopFlag& stop,
                    const std::function<void(const std::string&)>& say) {
  SeedRun run;
  // Interrupted by the sweep's stop, or by a stop signal the engine's
  // handler kept before the sweep's watcher saw it (a thread of the
  // program's took it): the sweep stops either way, and the run is abandoned.
  run.stopped = summary.end == RunEnd::interrupted && (stop.is_set() || caught_stop_signal() != 0);
  run.passed = summary.passed();
  run.first_failure = summary.first_failure();
  run.digest = summary.digest;
  run.end = summary.end;
  run.error = summary.error;
  run.out_of_memory = summary.out_of_memory;
  run.journal_lost = summary.journal_lost;
  run.journal_moved = summary.journal_moved;
  run.journal_check = summary.journal_check;
  run.closing_reset = summary.closing_reset;
  run.channel_errors = summary.channel_errors;
  // Said per seed as hio run warns at its end (nothing else says it: no
  // event, no journal holds them), and counted in the seed's result.
  for (const IoHub::DroppedDatagrams& dropped : summary.dropped_datagrams) {
    run.dropped_datagrams += dropped.datagrams;
    if (say) say("seed " + std::to_string(seed) + ": " + format_dropped_datagrams(dropped));
  }
  return run;
}

SweepEnd sweep(const Scenario& scenario, const DoerRegistry& registry, const ShardSeeds& seeds,
               const SweepOptions& options,
               const std::function<void(const SeedResult&)>& on_result) {
  return sweep(scenario_seed_runner(scenario, registry), seeds,
               scenario_sweep_options(scenario, options), on_result);
}

SweepEnd sweep(const SeedRunner& runner, const ShardSeeds& seeds, const SweepOptions& options,
               const std::function<void(const SeedResult&)>& on_result) {
  SweepEnd end;
  if (seeds.empty) return end;
  const std::uint64_t last_index = seeds.last_index();
  const unsigned jobs = std::clamp(options.jobs, 1u, kSweepJobsMax);
  const unsigned threads_max = last_index < jobs - 1 ? static_cast<unsigned>(last_index + 1) : jobs;
  // Results wait here until every seed before them is reported; workers run
  // at most `window` seeds ahead of the first unreported one, so this stays
  // small however long the range.
  const std::uint64_t window = 16ull * threads_max;

  std::mutex mutex;
  std::condition_variable changed;
  bool go = false;
  bool failed_to_start = false;
  bool claimed_all = false;
  std::uint64_t next_claim = 0;
  std::map<std::uint64_t, SeedResult> waiting;
  std::uint64_t failed_reported = 0;  // failing seeds among [0, end.done)
  // Set by the watcher (a stop signal) or a worker (std::bad_alloc): every
  // run in flight ends at once, a real-time one's wait cut short.
  StopFlag stop;
  std::atomic<int> stop_signal{0};  // the first SIGINT or SIGTERM seen
  // What escaped a worker (std::bad_alloc: run_seed lets only that through),
  // the first one: no seed is claimed after it, the runs in flight are
  // stopped, and sweep() throws it once every worker has ended.
  std::exception_ptr fatal;

  auto work = [&] {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return go || failed_to_start; });
    for (;;) {
      changed.wait(lock, [&] {
        return stop.is_set() || failed_to_start || fatal || claimed_all ||
               next_claim < end.done + window;
      });
      if (stop.is_set() || failed_to_start || fatal || claimed_all) return;
      const std::uint64_t index = next_claim;
      if (index == last_index) {
        claimed_all = true;
      } else {
        ++next_claim;
      }
      lock.unlock();
      // Whether the failing seeds known before `index` leave room for its
      // journal: they are at least these, so one refused is surely beyond.
      auto may_keep = [&, index] {
        if (!options.journals_max) return true;
        std::lock_guard<std::mutex> guard(mutex);
        std::uint64_t before = failed_reported;
        for (auto it = waiting.begin(); it != waiting.end() && it->first < index; ++it)
          before += it->second.passed ? 0u : 1u;
        return before < *options.journals_max;
      };
      SeedResult result;
      const bool finished = run_seed(runner, seeds.at(index), options, stop, may_keep, result);
      lock.lock();
      if (!finished) {
        changed.notify_all();
        return;
      }
      waiting.emplace(index, std::move(result));
      while (!waiting.empty() && waiting.begin()->first == end.done) {
        SeedResult& next = waiting.begin()->second;
        failed_reported += next.passed ? 0u : 1u;
        if (!next.passed && options.journals_max && !options.journal_dir.empty() &&
            failed_reported > *options.journals_max) {
          // Beyond the first N: its journal (made before that was known) goes,
          // and so does what was said about one that was not wanted.
          if (!next.journal.empty()) remove_journal(next.journal);
          next.note.clear();
          next.journal_lost.clear();
          next.journal_moved = false;
          next.beyond_keep = true;
        }
        on_result(next);
        waiting.erase(waiting.begin());
        ++end.done;
      }
      changed.notify_all();
    }
  };
  auto worker = [&] {
    try {
      work();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!fatal) fatal = std::current_exception();
      stop.set();  // the runs in flight end after their pass, abandoned as on a signal
      changed.notify_all();
    }
  };

  std::optional<StopSignalWatch> watch;
  watch.emplace([&](int signal) {
    int none = 0;
    stop_signal.compare_exchange_strong(none, signal);  // the first one counts
    stop.set();
    // Kept for caught_stop_signal() too, as a handler keeps it (the threads
    // block the signals): the output, FIFO opens and journal writes that wait
    // in any thread stop waiting for ever on it. After `stop` (a run that
    // ends on it finds `stop` set: it is abandoned), before the lock (a
    // worker may hold it while its output waits for a reader).
    record_stop_signal(signal);
    std::lock_guard<std::mutex> lock(mutex);
    changed.notify_all();
  });
  // One that came before (while the scenario was read and checked) was
  // caught by the command's StopSignalCatch: no seed is run.
  if (const int caught = caught_stop_signal(); caught != 0) {
    int none = 0;
    stop_signal.compare_exchange_strong(none, caught);
    stop.set();
  }
  std::vector<std::thread> threads;
  std::optional<std::system_error> start_error;
  try {
    for (unsigned j = 1; j < threads_max; ++j)
      threads.emplace_back(worker);
  } catch (const std::system_error& error) {
    start_error = error;
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    go = true;
    failed_to_start = start_error.has_value();
  }
  changed.notify_all();
  if (!start_error) worker();
  for (std::thread& thread : threads)
    thread.join();
  if (start_error) throw *start_error;
  // A signal up to here counts, one after the last seed was reported too
  // (the watch takes those still pending as it ends), as hio run exits
  // 130 for a signal after its run.
  watch.reset();
  // Seeds that finished after the first abandoned one are dropped with their
  // journals: the report covers a prefix of the shard, so a resumed sweep
  // starts right after it.
  for (auto& [index, result] : waiting) {
    if (!result.journal.empty()) remove_journal(result.journal);
  }
  if (fatal) std::rethrow_exception(fatal);
  end.interrupted = stop.is_set();
  end.stop_signal = end.interrupted ? stop_signal.load() : 0;
  take_caught_signal(end);
  return end;
}

std::string format_seed_result_json(const SeedResult& r) {
  const std::string end = r.error ? "error" : to_string(r.end);
  const bool digest_known = !r.error || r.doer_threw;
  const std::string digest =
      digest_known ? "\"" + replay::format_digest(r.digest) + "\"" : std::string("null");
  return "{\"seed\": " + std::to_string(r.seed) + ", \"passed\": " + (r.passed ? "true" : "false") +
         ", \"end\": \"" + end + "\", \"digest\": " + digest + ", " +
         json_field_or_null("first_failure", r.first_failure) + ", " +
         json_field_or_null("journal", r.journal) + ", " +
         json_field_or_null("journal_lost", r.journal_lost) +
         ", \"closing_reset\": " + std::to_string(r.closing_reset) +
         ", \"dropped_datagrams\": " + std::to_string(r.dropped_datagrams) +
         ", \"channel_errors\": " + std::to_string(r.channel_errors) +
         ", \"beyond_keep\": " + (r.beyond_keep ? "true" : "false") + "}";
}

namespace {

std::string seed_span(std::uint64_t first, std::uint64_t last) {
  return std::to_string(first) + ".." + std::to_string(last);
}

// "sets": [...] and "rerun": "..." of the report's head and the --json summary.
std::string sets_and_rerun_json(const SweepCommand& command) {
  std::string json = "\"sets\": [";
  for (std::size_t i = 0; i < command.sets.size(); ++i)
    json += (i == 0 ? "" : ", ") + json_quote(command.sets[i]);
  return json + "], " + json_field_or_null("rerun", command.rerun);
}

// SweepCommand::rerun as printed: as it is - pasted into a shell, it runs
// again - when its only control characters are newlines (in quotes: the
// shell reads them back), as rerun_command makes it; else as display_text
// shows it (a program's own rerun, say).
std::string rerun_shown(const std::string& rerun) {
  for (std::size_t i = 0; i < rerun.size();) {
    std::uint32_t code_point = 0;
    const std::size_t size = replay::utf8_sequence(rerun, i, &code_point);
    if (size == 0 || (replay::control_code_point(code_point) && code_point != '\n')) {
      return display_text(rerun);
    }
    i += size;
  }
  return rerun;
}

// What follows a real-time sweep's rerun line: the wall clock paces a run,
// so running a seed again is another run, which may pass; the run that
// failed is its journal (a sweep in real time journals each seed as it runs).
std::string real_time_rerun_note(const SweepCommand& command, std::uint64_t journals) {
  const std::string note = "(in real time that is another run, which may pass; ";
  if (journals > 0) {
    return note + "the run that failed is its journal, " +
           display_text((std::filesystem::path(command.out) / "seed-N.hioj").string()) +
           ", which hio replay replays)";
  }
  if (command.out.empty()) {
    return note +
           "--out DIR keeps the run that failed as DIR/seed-N.hioj, which hio replay "
           "replays)";
  }
  return note + "no journal of it was kept)";
}

// Whether `name` is a result a sweep writes into --out DIR: report.json or
// seed-N.hioj, exactly. (Not a temporary NAME.XXXXXX a killed sweep left:
// "report.json.backup" has that shape too, and --force must never remove a
// user's file.)
bool sweep_owns(const std::string& name) {
  const std::string& base = name;
  if (base == "report.json") return true;
  const std::string prefix = "seed-";
  const std::string suffix = ".hioj";
  if (base.size() <= prefix.size() + suffix.size() || base.rfind(prefix, 0) != 0 ||
      base.compare(base.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return false;
  }
  for (std::size_t i = prefix.size(); i < base.size() - suffix.size(); ++i) {
    if (base[i] < '0' || base[i] > '9') return false;
  }
  return true;
}

// DIR/report.json, written beside under a temporary name (FileTarget) and
// renamed once complete: a report that cannot be written leaves none.
class ReportFile {
  // The temporary's own descriptor (a duplicate: never its name, which
  // someone who can write DIR could swap), or a report.json written
  // directly (a pipe, a device) opened.
  static int open_report(const FileTarget& target) {
    if (target.write_fd() >= 0) return ::fcntl(target.write_fd(), F_DUPFD_CLOEXEC, 0);
    return ::open(target.write_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }

 public:
  explicit ReportFile(const std::string& path)
      : target_(path, "report"), fd_(open_report(target_)), buffer_(fd_, false), out_(&buffer_) {
    if (fd_ < 0) target_.cannot_create(errno_text(errno));
  }
  ~ReportFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  ReportFile(const ReportFile&) = delete;
  ReportFile& operator=(const ReportFile&) = delete;

  std::ostream& out() { return out_; }
  // After finish(): where it is, if --out was moved since it was made
  // (written through DIR's descriptor, it is complete there), else "".
  std::string now_at() const { return target_.now_at(); }
  // Closes and renames it into place. Returns "", or why it could not be
  // written (the file written is then removed).
  std::string finish() {
    out_.flush();
    buffer_.flush_pending();
    int error = buffer_.error();
    if (::close(fd_) != 0 && error == 0 && errno != EINTR) error = errno;
    fd_ = -1;
    if (error != 0) return errno_text(error);
    try {
      target_.commit();
    } catch (const ScenarioError& e) {
      return e.diagnostics().front().message;
    }
    return "";
  }

 private:
  FileTarget target_;
  int fd_;
  FdWriteBuffer buffer_;
  std::ostream out_;
};

// The file names of the journals an earlier sweep's report.json lists as
// its own (each seed's "journal", or "journal_hex" for a path that is not
// UTF-8), or nullopt if `text` is not a report hio sweep wrote.
std::optional<std::set<std::string>> report_journals(const std::string& text) {
  // hio sweep's begins with its "scenario", hio replay --seeds' with its "replay".
  if ((text.rfind("{\"scenario", 0) != 0 && text.rfind("{\"replay\"", 0) != 0) ||
      text.find("\"seeds\": [") == std::string::npos || text.size() < 2 ||
      text.compare(text.size() - 2, 2, "}\n") != 0) {
    return std::nullopt;
  }
  std::set<std::string> names;
  // Inside a JSON string every quote is escaped, so these keys are found
  // only as keys.
  for (const bool hex : {false, true}) {
    const std::string key = hex ? "\"journal_hex\": \"" : "\"journal\": \"";
    for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at)) {
      at += key.size();
      std::string value;
      while (at < text.size() && text[at] != '"') {
        char c = text[at++];
        if (c == '\\' && at < text.size()) {
          c = text[at++];
          if (c == 'u') {  // \u00XX: a control character (never in seed-N.hioj)
            c = '?';
            at = std::min(at + 4, text.size());
          }
        }
        value += c;
      }
      if (hex) {
        std::string bytes;
        for (std::size_t i = 0; i + 1 < value.size(); i += 2) {
          unsigned byte = 0;
          const auto [end, problem] =
              std::from_chars(value.data() + i, value.data() + i + 2, byte, 16);
          if (problem != std::errc() || end != value.data() + i + 2) return std::nullopt;
          bytes += static_cast<char>(byte);
        }
        value = bytes;
      }
      if (!value.empty()) names.insert(std::filesystem::path(value).filename().string());
    }
  }
  return names;
}

// The most bytes of an earlier report.json --force reads: a report takes a
// few hundred bytes a seed, so this is a sweep of about a million seeds.
constexpr std::uintmax_t kReportSizeMax = 256 * 1024 * 1024;

// DIR held by this sweep (flock, exclusive) until the sweep ends: a second
// sweep given the same --out while it runs (another shard of one range)
// would write its report.json over this one's, and its journals beside
// them. The kernel lets go of the lock when the process ends, however it
// ends (kill -9 included): a crashed sweep leaves nothing that holds DIR.
class OutDirLock {
 public:
  OutDirLock() = default;
  ~OutDirLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  OutDirLock(const OutDirLock&) = delete;
  OutDirLock& operator=(const OutDirLock&) = delete;
  // 0, EWOULDBLOCK (another sweep holds DIR), or why DIR cannot be opened.
  // A file system without locks (ENOLCK, EINVAL: some network ones) is
  // not refused: there the lock is only not there.
  int take(const std::string& dir) {
    fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) return errno;
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EINTR) continue;
      return errno == EWOULDBLOCK ? EWOULDBLOCK : 0;
    }
    return 0;
  }
  // DIR, wherever it is now (-1 before take() or if it could not be
  // opened): what the end of the sweep finds its journals through.
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

// Makes DIR ready for a sweep's results. Returns the exit code if it is not.
// `made`: the directory it created (DIR, or the target of a link DIR), else
// empty. `lock` holds DIR from then on (OutDirLock).
// With --force, an earlier sweep's report.json and the journals it lists
// are removed; any other seed-N.hioj (one the user put there, or of a
// report that is gone) would be overwritten or left beside a report that
// does not list it: refused, nothing removed.
std::optional<int> prepare_out_dir(const SweepCommand& command, std::ostream& err,
                                   std::string& made, OutDirLock& lock) {
  namespace fs = std::filesystem;
  const std::string dir = display_text(command.out);
  std::error_code error;
  // Through a symbolic link that names no directory yet, its target is
  // created, as --record creates a link's target file (mkdir would say
  // "File exists" of the link).
  // Not through a link the kernel's fs.protected_symlinks would not follow
  // (another user's, in /tmp), whatever this machine's setting.
  std::string created;
  std::string refused;
  if (const int bad = written_path(command.out, created, &refused); bad != 0) {
    error = std::error_code(bad, errno_category());
  } else if (fs::create_directories(created, error)) {
    made = created;
  }
  if (error) {
    err << command.name << ": cannot create " << dir << ": " << error_text(error)
        << (refused.empty() ? "" : " (" + refused + ")") << "\n";
    return kExitOutputFailed;
  }
  const int busy = lock.take(command.out);
  if (busy == EWOULDBLOCK) {
    err << command.name << ": --out " << dir
        << " is in use by another sweep running now (the report.json of one would replace the "
           "other's): give each sweep its own directory (shards: --out DIR/K for --shard K/N)\n";
    return kExitBadInput;
  }
  if (busy != 0) {
    err << command.name << ": cannot read " << dir << ": " << errno_text(busy) << "\n";
    return kExitOutputFailed;
  }
  // Sorted, so that what is said and done does not depend on the directory's order.
  std::vector<fs::path> earlier;
  for (fs::directory_iterator it(command.out, error), end; !error && it != end;
       it.increment(error)) {
    if (sweep_owns(it->path().filename().string())) earlier.push_back(it->path());
  }
  if (error) {
    err << command.name << ": cannot read " << dir << ": " << error_text(error) << "\n";
    return kExitOutputFailed;
  }
  if (earlier.empty()) return std::nullopt;
  std::sort(earlier.begin(), earlier.end());
  if (!command.force) {
    const std::string first = display_text(earlier.front().filename().string());
    err << command.name << ": --out " << dir << " holds an earlier sweep's results ("
        << (earlier.size() == 1 ? first
                                : std::to_string(earlier.size()) + " files: " + first + ", ...")
        << "); give another directory, or --force to remove them first\n";
    return kExitBadInput;
  }
  // What the sweep reads stays, whatever else --force may remove.
  for (const fs::path& path : earlier) {
    for (const std::string& input : command.inputs) {
      if (same_file(input, path.string())) {
        err << command.name << ": --force: " << display_text(path.string()) << " is "
            << display_text(input) << ", which this sweep reads (the same file): not removed, "
            << "nothing run; give another directory\n";
        return kExitBadInput;
      }
    }
  }
  const fs::path report = fs::path(command.out) / "report.json";
  const std::string report_shown = display_text(report.string());
  std::set<std::string> listed;
  if (std::find(earlier.begin(), earlier.end(), report) != earlier.end()) {
    // A symbolic link to nothing is no report either (unfit_input leaves
    // it to the read, which would say "No such file or directory", exit 4,
    // of what the check without --force called an earlier sweep's results).
    std::error_code ignored;
    if (fs::is_symlink(fs::symlink_status(report, ignored)) && !fs::exists(report, ignored)) {
      err << command.name << ": --force: " << report_shown
          << " is a symbolic link to nothing, not a report of " << program_name()
          << " sweep: not removed; move it away or give another directory\n";
      return kExitBadInput;
    }
    // Not opened unless a regular file: a FIFO would block the sweep, a
    // device (a link to /dev/zero) be read until memory runs out; read once,
    // the bytes checked are the bytes used (read_input).
    const InputRead read = read_input(report.string(), kReportSizeMax);
    if (read.unfit) {
      err << command.name << ": --force: " << report_shown << " is "
          << unfit_input_words(*read.unfit, kReportSizeMax)
          << (read.unfit->too_large() ? "" : ", not a report of " + program_name() + " sweep")
          << ": not removed; move it away or give another directory\n";
      return kExitBadInput;
    }
    if (read.error != 0) {
      err << command.name << ": --force: cannot read " << report_shown << ": "
          << input_error_words(read.error) << "\n";
      return kExitOutputFailed;
    }
    std::optional<std::set<std::string>> journals = report_journals(read.bytes);
    if (!journals) {
      err << command.name << ": --force: " << report_shown << " is not a report of "
          << program_name()
          << " sweep (or is cut short): not removed; move it away or give another directory\n";
      return kExitBadInput;
    }
    listed = std::move(*journals);
  }
  std::vector<std::string> strangers;
  for (const fs::path& path : earlier) {
    const std::string name = path.filename().string();
    if (name != "report.json" && listed.count(name) == 0) strangers.push_back(name);
  }
  if (!strangers.empty()) {
    std::string names = display_text(strangers.front());
    for (std::size_t i = 1; i < strangers.size() && i < 3; ++i)
      names += ", " + display_text(strangers[i]);
    if (strangers.size() > 3) names += ", ... (" + std::to_string(strangers.size()) + " in all)";
    const char* them = strangers.size() == 1 ? "it" : "them";
    err << command.name << ": --force: " << names << " in " << dir << " "
        << (strangers.size() == 1 ? "is" : "are") << " not listed in " << report_shown;
    // No report: a sweep killed before writing it (SIGKILL, SIGPIPE) leaves
    // its journals so, and only the user can tell them from their own.
    if (std::find(earlier.begin(), earlier.end(), report) == earlier.end()) {
      err << " (there is none): not removed, nothing run; if they are the journals of a sweep "
             "killed before its report, remove "
          << them << " yourself, else move " << them << " away or give another directory\n";
    } else {
      err << ", so not an earlier sweep's: not removed, nothing run; move " << them
          << " away or give another directory\n";
    }
    return kExitBadInput;
  }
  for (const fs::path& path : earlier) {
    if (!fs::remove(path, error) && error) {
      err << command.name << ": --force: cannot remove " << display_text(path.string()) << ": "
          << error_text(error) << "\n";
      return kExitOutputFailed;
    }
  }
  return std::nullopt;
}

}  // namespace

int sweep_command(const Scenario& scenario, const DoerRegistry& registry, const ShardSeeds& seeds,
                  const SweepOptions& options, const SweepCommand& command, std::ostream& out,
                  std::ostream& err) {
  // The wait after a real run for closed channels still sending
  // (RunOptions::closing_notice) is said, per seed: it may last up to
  // close_linger, or as long as a peer does not read with "0". Each line
  // whole, whatever the other workers write (write_line).
  const auto say = [&err, &command](const std::string& line) {
    write_line(err, command.name + ": " + line);
  };
  return sweep_command(scenario_seed_runner(scenario, registry, say), seeds,
                       scenario_sweep_options(scenario, options), command, out, err);
}

int sweep_command(const SeedRunner& runner, const ShardSeeds& seeds, const SweepOptions& options,
                  const SweepCommand& command, std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  std::optional<ReportFile> report;
  std::string report_path;
  std::string made_dir;  // --out, if this sweep created it
  OutDirLock out_lock;
  if (!command.out.empty()) {
    if (const std::optional<int> code = prepare_out_dir(command, err, made_dir, out_lock))
      return *code;
    report_path = (fs::path(command.out) / "report.json").string();
    try {
      report.emplace(report_path);
    } catch (const std::exception& error) {
      err << command.name << ": " << message_text(error.what()) << "\n";
      return kExitOutputFailed;
    }
    report->out() << "{"
                  << (command.report_head.empty() ? json_field("scenario", command.scenario_path)
                                                  : command.report_head)
                  << ", " << json_field("hio_version", replay::engine_version()) << ", "
                  << sets_and_rerun_json(command) << ", " << json_field("shard", command.shard_text)
                  << ", \"seeds\": [";
  }
  SweepOptions run_options = options;
  run_options.journal_dir = command.out;
  run_options.journals_max = command.keep;
  std::uint64_t failed = 0;
  std::uint64_t journals = 0;        // saved
  std::uint64_t journals_lost = 0;   // wanted, and could not be written
  std::uint64_t journals_moved = 0;  // saved, and then moved (with --out): complete elsewhere
  std::uint64_t beyond_keep = 0;     // failing, after the first --keep N
  std::uint64_t dropped = 0;         // datagrams the kernel dropped, all seeds together
  std::uint64_t dropped_seeds = 0;   // the seeds that had any
  std::optional<std::uint64_t> last_reported;
  // The digest every seed's run had so far, while they all had one: a
  // scenario that draws on no seed (no jitter, no noise) is one run, however
  // many seeds it is swept over, and the sweep says so at its end.
  std::optional<std::uint64_t> one_digest;
  bool digests_differ = false;
  // The journals saved, for the check at the end.
  struct SavedJournal {
    std::uint64_t seed;
    std::string path;
    std::function<std::string(int, bool*)> check;
  };
  std::vector<SavedJournal> saved_journals;
  auto on_result = [&](const SeedResult& r) {
    last_reported = r.seed;
    if (r.error && !r.doer_threw) {
      digests_differ = true;  // no run, no digest to compare
    } else if (!one_digest) {
      one_digest = r.digest;
    } else {
      digests_differ = digests_differ || *one_digest != r.digest;
    }
    if (!r.journal.empty() && r.journal_check) {
      saved_journals.push_back(SavedJournal{r.seed, r.journal, r.journal_check});
    }
    if (!r.passed) ++failed;
    beyond_keep += r.beyond_keep ? 1u : 0u;
    dropped += r.dropped_datagrams;
    dropped_seeds += r.dropped_datagrams > 0 ? 1u : 0u;
    // A journal moved with --out while its seed ran is saved, elsewhere.
    journals += r.journal.empty() && !r.journal_moved ? 0u : 1u;
    journals_moved += r.journal_moved ? 1u : 0u;
    journals_lost += r.journal_lost.empty() || r.journal_moved ? 0u : 1u;
    if (!r.note.empty()) write_line(err, command.name + ": " + message_text(r.note));
    if (report) {
      report->out() << (r.seed == seeds.first ? "" : ", ") << format_seed_result_json(r);
    }
    if (command.json) {
      out << format_seed_result_json(r) << "\n";
    } else if (!r.passed) {
      // As soon as known (in seed order), so an interrupted sweep has shown them.
      out << "seed " << r.seed << ": FAIL " << message_text(r.first_failure) << "\n" << std::flush;
    }
  };
  SweepEnd end;
  try {
    end = sweep(runner, seeds, run_options, on_result);
  } catch (const std::system_error& error) {
    // The threads sweep() starts: --jobs, never more than the seeds. One
    // that cannot start has no smaller --jobs: the process is short of
    // memory (ulimit -v, a large ulimit -s: each thread's stack) or of
    // threads (ulimit -u).
    const std::uint64_t threads =
        std::min<std::uint64_t>(std::max(options.jobs, 1u), seeds.last_index() + 1);
    write_line(err, command.name + ": cannot start " +
                        (threads == 1 ? std::string("a worker thread")
                                      : std::to_string(threads) + " worker threads") +
                        " (" + error_text(error.code()) + "); nothing was run: " +
                        (threads == 1 ? "give it more memory (ulimit -v, or a smaller ulimit -s) "
                                        "or more threads (ulimit -u)"
                                      : "try a smaller --jobs"));
    // Not bad input: fewer threads succeed. `report` removes what it wrote,
    // then the --out directory goes if this sweep made it and nothing else
    // was put there meanwhile (rmdir of one that is not empty fails).
    report.reset();
    if (!made_dir.empty()) {
      std::error_code ignored;
      fs::remove(made_dir, ignored);
    }
    return kExitInternal;
  } catch (const std::bad_alloc&) {
    // hio's failure, not a seed's: said as hio run says it, and the sweep
    // ends as when its threads cannot start (exit 6, no report: `report`
    // removes what it wrote). The seeds reported before it stay said, and
    // so do the journals kept of the failing ones among them.
    std::string what = command.name + ": error: out of memory (std::bad_alloc) while the seeds ran";
    what += last_reported ? "; seeds " + seed_span(seeds.first, *last_reported) +
                                " were reported, nothing after them is judged"
                          : "; no seed was reported";
    if (report) what += "; no report written";
    if (journals > 0) {
      what += "; the journals of failing seeds saved in " + display_text(command.out) + " stay";
    }
    write_line(err, what);
    // A stop signal that came first (the watcher kept it) gives its code,
    // as anywhere (docs/scenarios.md, Exit codes).
    if (const int signal = caught_stop_signal(); signal != 0) return interrupted_exit_code(signal);
    return kExitInternal;
  }

  // A signal up to the report counts (after it, hio's exit code alone says it).
  take_caught_signal(end);
  // What ran, and the --seeds (and --shard) that run the rest: none once
  // every seed was reported, whatever the signal.
  const std::string covered = end.done == 0 ? "" : seed_span(seeds.first, seeds.at(end.done - 1));
  const bool all_done = seeds.empty || (end.done != 0 && end.done - 1 == seeds.last_index());
  std::string resume;
  if (end.interrupted && !all_done) {
    resume = "--seeds " + seed_span(seeds.at(end.done), seeds.last);
    if (seeds.step > 1) resume += " --shard 1/" + std::to_string(seeds.step);
  }
  const std::string interrupted = end.interrupted ? "true" : "false";
  // The journals saved, checked as hio run checks its journal at its end
  // (the same check): one removed, replaced or cut since its seed ran (a
  // cleanup step, a second sweep on this --out) is lost output, exit 4.
  // One whose directory was renamed (`mv out out2` during the sweep) is
  // found through the directory's descriptor held since the start: moved,
  // complete there, not lost (exit 4 all the same, as for hio run's).
  std::string lost_later;
  for (const SavedJournal& saved : saved_journals) {
    bool moved = false;
    const std::string why = saved.check(out_lock.fd(), &moved);
    if (why.empty()) continue;
    write_line(err, command.name + ": seed " + std::to_string(saved.seed) + ": " +
                        display_text(saved.path) + ": " + why);
    if (moved) {
      ++journals_moved;
    } else {
      --journals;
      ++journals_lost;
    }
    lost_later += std::string(lost_later.empty() ? "" : ", ") +
                  "{\"seed\": " + std::to_string(saved.seed) + ", " +
                  json_field("journal", saved.path) + ", " + json_field("journal_lost", why) + "}";
  }
  bool report_written = false;
  bool report_moved = false;
  if (report) {
    report->out() << "]";
    if (!lost_later.empty()) report->out() << ", \"journals_lost_later\": [" << lost_later << "]";
    report->out() << ", \"interrupted\": " << interrupted << ", "
                  << json_field_or_null("covered", covered) << ", "
                  << json_field_or_null("resume", resume) << "}\n";
    const std::string problem = report->finish();
    report_written = problem.empty();
    if (!report_written) {
      err << command.name << ": cannot write " << display_text(report_path) << ": " << problem
          << "; no report written\n";
    } else if (const std::string now = report->now_at(); !now.empty()) {
      // Written through DIR's descriptor into DIR where it went: the summary
      // names it there, not at the path that no longer leads to it.
      err << command.name << ": " << display_text(command.out)
          << " was moved during the sweep: the report is complete, as " << display_text(now)
          << "\n";
      report_path = now;
      report_moved = true;
    }
  }
  if (command.json) {
    // "sets" and "rerun" before "shard", as in report.json.
    out << "{\"summary\": true, " << sets_and_rerun_json(command) << ", "
        << json_field("shard", command.shard_text) << ", \"seeds\": " << end.done
        << ", \"failed\": " << failed << ", \"dropped_datagrams\": " << dropped
        << ", \"interrupted\": " << interrupted << ", " << json_field_or_null("covered", covered)
        << ", " << json_field_or_null("resume", resume) << "}\n";
  } else {
    if (end.interrupted) {
      // After the last seed (as hio run's exit 130 after its run): nothing
      // is left to resume.
      out << "interrupted (" << stop_signal_name(end.stop_signal) << ")"
          << (all_done && !covered.empty() ? " after the last seed" : "") << ": ";
      if (covered.empty()) {
        out << (all_done ? "no seed to run" : "no seed finished");
      } else {
        out << "seeds " << covered << (seeds.step > 1 ? " of the shard" : "") << " ran";
      }
      // A second sweep into the same --out is refused (it holds this part's
      // results): the hint says so, so that it works as printed.
      const std::string other_out = command.out.empty()
                                        ? ""
                                        : " and an --out other than " + display_text(command.out) +
                                              " (it keeps this part's results)";
      out << (all_done ? "; nothing to resume" : "; resume with " + resume + other_out) << "\n";
    }
    out << end.done - failed << " of " << counted(end.done, "seed") << " passed";
    if (failed > 0) out << "; failing seeds listed above";
    out << "\n";
    // Inputs that never reached a run say nothing otherwise (stderr named
    // each seed's channels as it ended).
    if (dropped > 0) {
      out << "warning: the kernel dropped " << counted(dropped, "datagram") << " in "
          << counted(dropped_seeds, "seed")
          << " before the runs read them (stderr names the channels): those runs had fewer "
             "inputs than were sent to them\n";
    }
    if (failed > 0 && !command.rerun.empty()) {
      out << "a failing seed N runs again with: " << rerun_shown(command.rerun) << "\n";
      if (options.journal_as_it_runs) out << real_time_rerun_note(command, journals) << "\n";
    }
    // Only what is there: the report if it was written, the journals saved.
    std::string saved;
    if (journals > 0) {
      saved = journals == failed ? "journals of failing seeds as seed-N.hioj"
                                 : "journals of " + std::to_string(journals) + " of the " +
                                       counted(failed, "failing seed") + " as seed-N.hioj";
      if (beyond_keep > 0) saved += " (--keep " + std::to_string(*command.keep) + ")";
    }
    // Journals that could not be written (stderr said why): said as such, not
    // blamed on --keep.
    const std::string lost = journals_lost == 0
                                 ? ""
                                 : std::to_string(journals_lost) + " journal" +
                                       (journals_lost == 1 ? "" : "s") + " could not be written";
    if (journals_moved > 0) {
      saved += " (" + std::to_string(journals_moved) + " moved with " + display_text(command.out) +
               " during the sweep: complete, stderr says where)";
    }
    if (!saved.empty() && !lost.empty()) saved += "; " + lost;
    if (report_written) {
      if (saved.empty() && (!lost.empty() || beyond_keep > 0)) {
        saved = "no journal saved" + (lost.empty() ? "" : ": " + lost) +
                (beyond_keep > 0 ? " (--keep " + std::to_string(*command.keep) + ")" : "");
      }
      out << "report in " << display_text(report_path) << (saved.empty() ? "" : ", " + saved)
          << "\n";
    } else if (!saved.empty()) {
      out << saved << " in " << display_text(command.out) << "\n";
    }
    // In real time each run is another whatever the seed: not said there.
    if (end.done >= 2 && one_digest && !digests_differ && !options.journal_as_it_runs) {
      out << "note: every seed gave the same run (digest " << replay::format_digest(*one_digest)
          << "): the seed changed nothing in it, so these " << end.done
          << " seeds tested one run (hio's own doer kinds draw on the seed only through the "
             "jitter and noise of [net]'s links and lines)\n";
    }
  }
  out << std::flush;
  if (end.interrupted) return interrupted_exit_code(end.stop_signal);
  if ((report && !report_written) || report_moved || journals_lost > 0 || journals_moved > 0) {
    return kExitOutputFailed;
  }
  return failed == 0 ? kExitOk : kExitExpectationsFailed;
}

}  // namespace hio::tools
