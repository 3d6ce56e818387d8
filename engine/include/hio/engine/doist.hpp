// Doist: the root scheduler. It owns the run's tyme, enters its doers, runs
// passes over them (one tock of tyme each) and closes them at the end.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "hio/engine/doer.hpp"
#include "hio/engine/doer_list.hpp"
#include "hio/engine/mono_timer.hpp"
#include "hio/engine/reactor.hpp"
#include "hio/engine/schedule.hpp"
#include "hio/engine/tymist.hpp"

namespace hio {

// Why a run ended.
enum class RunEnd : std::uint8_t {
  done,         // no deeds remain
  limit,        // tyme reached start + limit
  interrupted,  // SIGINT, SIGTERM or request_stop(); every doer was closed
  stalled,      // virtual time, no limit, every doer parked and no IO in flight;
                // or tyme reached its end (kTymeNever, ~292 years): nothing can
                // run any more
};
const char* to_string(RunEnd end);

// Catches SIGINT, SIGTERM, SIGHUP for as long as it lives, as Doist::run() does
// while it runs: held over a whole command (hio run, check, sweep, replay),
// so that a signal that comes before a run (while its scenario is read or
// built) is kept instead of killing the process or, where the signal was
// ignored (a background job), being lost. A run started while one is held
// keeps a signal already caught (it ends after its first pass, interrupted);
// the flag is cleared when the first catch or run starts and when the last
// one ends.
// Process-wide, like the signal handlers it installs; the previous handlers
// are restored when the last catch and run are over.
class StopSignalCatch {
 public:
  StopSignalCatch();
  ~StopSignalCatch();
  StopSignalCatch(const StopSignalCatch&) = delete;
  StopSignalCatch& operator=(const StopSignalCatch&) = delete;
};
// The signals that end a run cleanly, in this order wherever they are
// caught (StopSignalCatch, Doist::run, hio sweep's watcher). SIGHUP (the
// terminal or ssh session gone) ends a capture as SIGTERM does, unless it
// came in ignored (below).
inline constexpr std::array<int, 3> kStopSignals = {SIGINT, SIGTERM, SIGHUP};
// True when `signal` is SIGHUP and comes in ignored now (nohup, trap '' HUP):
// it is then left ignored by every catch and run (and by hio sweep's own
// watcher), so that a capture started that way outlives its session. SIGINT
// and SIGTERM are caught even where they came in ignored (a background job).
bool stop_signal_kept_ignored(int signal);

// For the handler of a signal that a program catches itself to end its runs
// cleanly (hio run's SIGUSR1, tools' CleanStopCatch): async-signal-safe,
// which Doist::request_stop is not for a handler (it knows no Doist, and
// one may be destroyed while the handler runs). Every run of a Doist that
// asked for it (set_stop_on_signal_request, off by default: not a run of
// the program's own beside hio run's) and handles stop signals
// (set_handle_sigint, the default) ends after its
// current pass as request_stop(signal) ends it: RunEnd::interrupted,
// stop_signal() `signal` (a caught SIGINT, SIGTERM or SIGHUP wins over it,
// and it over the run's own request_stop(signal)), and in real time the
// wait between passes ends at once (it rings the wake those Doists watch,
// Doist::stop_wakes(), which a caught stop signal rings too; the other
// Doists' waits are not woken): the run ends at the pass it came after
// (ended_at_pass()). Kept as a caught stop signal is (the first requested
// wins), from the start of the outermost StopSignalCatch or run to the end
// of the last, so that a run started meanwhile ends after its first pass;
// one requested while none is in progress is forgotten when the next one
// starts. It is no stop signal: caught_stop_signal() does not say it, so a
// build or a read goes on. `signal` <= 0: does nothing.
void request_stop_from_signal(int signal) noexcept;

// Forgets a request_stop_from_signal kept until now: a run that starts
// later no longer ends on it, and the wake it rang is quiet again (unless a
// stop signal, which rings it too, is kept). For a program whose handler's
// requests belong to one stretch of its work while a catch or run of its
// own outlives it (tools' CleanStopCatch, as `hio run` ends: its SIGUSR1 was
// for that run, not for the next command's while a run of the program's
// own, on another thread, still holds the catch). Not from a handler.
void forget_stop_requests_from_signal();

// The signal caught (SIGINT, SIGTERM, SIGHUP) since the outermost catch or run
// began, the first delivered if several were (two pending together are
// delivered in signal-number order: SIGHUP, SIGINT, SIGTERM), or 0 (also
// when none is in progress). Safe to poll from any
// thread (a long build checks it).
int caught_stop_signal();

// Told around every executed pass: pass_started before the reactors are
// polled (nothing of the pass has happened yet: a journal takes the run's
// starting channel table there), pass_ended after the last doer, before the
// tick (journals close the pass's frame, expectation checkers look at
// counters). Skipped passes (time skipping) are not reported: nothing ran in
// them, so nothing changed. run_starting: run() starts, at its start tyme
// (the tyme of its first pass), before its doers enter: an observer that
// cannot follow a run from there (a journal, which records runs from tyme 0)
// refuses it by throwing, and run() throws that before any doer entered.
// (A manual enter() tells none: it starts at the Doist's tyme, which the
// observer could check when it was added.) run_ending: the run's last pass
// is over and the Doist is about to close its doers (not after an
// exception), at the tyme they close at: what a real-time run received while
// it waited out its last tock arrived at this tyme, before the closes (a
// replay delivers it there).
// Observers are told in the order they were added; any number may be added.
// An observer belongs to one Doist at a time; destroyed while added, it
// removes itself (a Doist destroyed first forgets its observers). A copy is
// added nowhere.
class PassObserver {
 public:
  PassObserver() = default;
  PassObserver(const PassObserver&) noexcept {}
  PassObserver& operator=(const PassObserver&) noexcept { return *this; }
  virtual ~PassObserver();
  virtual void run_starting(Tyme /*tyme*/) {}
  virtual void pass_started(Tyme /*tyme*/) {}
  virtual void pass_ended(Tyme tyme) = 0;
  virtual void run_ending(Tyme /*tyme*/) {}

  // The Doist it was added to, or nullptr.
  Doist* observed() const { return doist_; }

 private:
  friend class Doist;
  Doist* doist_ = nullptr;
};

namespace detail {

// The Doist's reactors or observers, called in order while a call may add
// or remove members (a reactor's poll attaching another, an observer's
// pass_ended removing itself). A member added during a round of calls is
// first called in the next round; one removed is not called again, not even
// later in the round that removed it.
template <typename T>
class Roster {
 public:
  void add(T& item) { items_.push_back(&item); }
  void remove(T& item) {
    auto it = std::find(items_.begin(), items_.end(), &item);
    if (it == items_.end()) return;
    if (rounds_ > 0) {
      *it = nullptr;  // compacted when the outermost round ends
      holes_ = true;
    } else {
      items_.erase(it);
    }
  }
  template <typename F>
  void each(F&& call) {
    Round round(*this);
    const std::size_t count = items_.size();  // added later: next round
    for (std::size_t i = 0; i < count; ++i) {
      if (T* item = items_[i]) call(*item);
    }
  }

 private:
  class Round {
   public:
    explicit Round(Roster& roster) : roster_(roster) { ++roster_.rounds_; }
    ~Round() {
      if (--roster_.rounds_ == 0 && roster_.holes_) {
        std::erase(roster_.items_, nullptr);
        roster_.holes_ = false;
      }
    }
    Round(const Round&) = delete;
    Round& operator=(const Round&) = delete;

   private:
    Roster& roster_;
  };

  std::vector<T*> items_;
  int rounds_ = 0;
  bool holes_ = false;
};

}  // namespace detail

// Ownership: the Doist does not own doers, reactors or observers; they must outlive the
// run. Errors: an exception from a doer (or from a reactor or an observer
// during the run, run_ending included) closes every other live doer (cease,
// exit) and then propagates out of run(); what those closes throw stays on
// their doers (Doer::hook_error()).
class Doist : public Tymist {
 public:
  // A scheduler at tyme `tyme` (hio's Doist(tyme=...)): its first run
  // starts there. std::invalid_argument for a tock <= 0, a limit < 0 or a
  // tyme < 0.
  explicit Doist(Tock tock = kDefaultTock, bool real = false, Tock limit = Tock{0},
                 Tyme tyme = Tyme{});
  ~Doist();

  // Enters `doers`, runs passes until none remain or the limit is reached,
  // then closes what remains (reverse order). limit 0 = no limit; when given
  // here it replaces the Doist's limit. At least one pass always runs.
  // `start`, given, is the run's start tyme (hio's do(tyme=...)): the
  // Doist's tyme is set there before the doers enter, so they enter and the
  // first pass runs at it, and the limit counts from it; without one the run
  // starts at the Doist's tyme (where the last run ended).
  // std::invalid_argument for a start < 0, before anything runs.
  RunEnd run(std::span<Doer* const> doers, std::optional<Tock> limit = std::nullopt,
             std::optional<Tyme> start = std::nullopt);
  RunEnd run(std::initializer_list<Doer*> doers, std::optional<Tock> limit = std::nullopt,
             std::optional<Tyme> start = std::nullopt) {
    return run(std::span<Doer* const>(doers.begin(), doers.size()), limit, start);
  }

  // Manual stepping, as in hio: enter, recur (one pass, then one tick), exit.
  // enter (run's too) enters `doers`, then the doers extend() queued. Each
  // enter after an exit() (or the first) starts a new cycle, as run() does
  // and as hio's Doist.enter: doers() then lists this cycle's doers only.
  // An enter before the exit() adds its doers to those still entered (one
  // queue, which one exit() closes), and doers() lists both.
  // recur(), run() and enter() inside a run or a pass of this Doist (called
  // from a doer, a reactor or an observer's pass_started, pass_ended or
  // run_ending) throw std::logic_error: a nested pass would run at the outer
  // one's tyme and tick it; a doer added during a run is extend()ed, which
  // says where it goes. exit() from a doer of this Doist (its enter or its
  // run or its hooks, at any depth) ends the run, as in hio (see
  // docs/scheduling.md); from a reactor (poll, wait_until) or an observer's
  // hook it throws std::logic_error: no doer runs there, and the closes
  // would fall outside the pass's events (a journal's frame).
  // A doer of the batch (given or queued) already scheduled, here, by
  // another Doist or by a DoDoer, or listed twice, and any doer while the
  // Doist closes all its doers: enter() and run() throw std::logic_error
  // before anything changes (no doer entered, doers(), the queue, the
  // limit and tyme as they were, no observer told).
  void enter(std::span<Doer* const> doers);
  void enter(std::initializer_list<Doer*> doers) {
    enter(std::span<Doer* const>(doers.begin(), doers.size()));
  }
  void recur();
  void exit();

  // During a run (or between a manual enter() and exit()), extend enters the
  // doers now; during a pass they go just before the running deed and first
  // run on the next pass. Doers already in doers() are ignored then, finished
  // ones too (as in hio; remove() one first to run it again). Before a run,
  // and from a hook while the Doist closes all its doers (exit(), the end of
  // run(), an error, the destructor), it queues them: the next run (or
  // enter()) enters them after its own doers. Doers already scheduled or
  // queued are ignored; remove() takes a doer off the queue. Returns how
  // many of `doers` it entered or queued (0: all were ignored). A null in
  // the list (a doer that failed to be made) is std::invalid_argument, from
  // extend, remove, enter and run alike, before anything changes. extend,
  // enter and run refuse a doer that a DoDoer adopted and removed, not gone
  // yet (Doer::released_by_owner), with std::logic_error; remove of it does
  // nothing.
  std::size_t extend(std::span<Doer* const> doers);
  std::size_t extend(std::initializer_list<Doer*> doers) {
    return extend(std::span<Doer* const>(doers.begin(), doers.size()));
  }
  void remove(std::span<Doer* const> doers);
  void remove(std::initializer_list<Doer*> doers) {
    remove(std::span<Doer* const>(doers.begin(), doers.size()));
  }

  // Ends the run after the current pass, as SIGINT does. Safe from a doer,
  // and from another thread while run() runs: a real-time run's wait between
  // passes ends at once (it rings stop_wakes()), and the run ends at the
  // tyme of the pass that ran (ended_at_pass()). A request made before run()
  // starts is forgotten: run() starts with none. Another thread that
  // cannot tell whether the run has started (or whether the Doist is still
  // there) sets a StopFlag the run watches instead (hio/engine/stop_flag.hpp):
  // it is kept, and its set() calls this for each run that watches it.
  // `signal`, not 0: the stop stands for that signal, which the program
  // caught itself: stop_signal() says it after the run, as it says a stop
  // signal's, and a journal's trailer keeps it. The first request that
  // names one counts. Not from a signal handler: request_stop_from_signal.
  void request_stop(int signal = 0);
  // Whether request_stop() was called during the last run: tells a run that
  // its own code ended (RunEnd::interrupted either way) from one ended by a signal.
  bool stop_requested() const { return stop_requested_.load(std::memory_order_acquire); }
  // What a stop rings during a real-time run (see WakeFd): its own wake, made
  // by its first real-time run (null before, or if no descriptor was left),
  // and, while it handles stop signals (set_handle_sigint), the process's.
  // A reactor's wait_until watches them (Reactor::stop_wakes()).
  StopWakes stop_wakes() const;
  // The signal (SIGINT, SIGTERM, SIGHUP) that interrupted the last run, or
  // the one request_stop_from_signal(signal) or request_stop(signal) named,
  // or 0.
  int stop_signal() const { return stop_signal_; }
  // Ends the run after the current pass at that pass's tyme, without the
  // tick: as a real-time run ends when a stop comes before the wall clock
  // reaches its next pass (ended_at_pass()). For the run's own thread (a doer,
  // an observer); a replay ends where such a recorded run ended with it.
  void request_stop_at_pass() {
    stop_at_pass_ = true;
    request_stop();
  }
  // The last run ended at the tyme of its last pass, which ran: a stop cut
  // that pass's tock short (in real time, one that came before the wall
  // clock reached the next pass; or request_stop_at_pass()). tyme() and
  // passes() then stand at that pass (passes() = tyme / tock does not count
  // it; executed_passes() does). Otherwise a run ends one tock after its last
  // pass.
  bool ended_at_pass() const { return ended_at_pass_; }
  // The last run ended stalled because tyme ran out: it reached the end of
  // tyme (kTymeNever), or what its doers waited for was due only there (a
  // doer's next run past it, below a shorter Doist tock; a reactor's
  // holds_past_end_of_tyme), not because nothing was left to come.
  bool ran_out_of_tyme() const { return ran_out_of_tyme_; }
  // Real time: the Doist is between passes, waiting out a tock (reactors are
  // in wait_until(), or polled after the first one's wait). IO that comes in
  // now belongs to the next pass, or, if a stop ends the run first, to the
  // run's end at this pass's tyme: an IoHub holds the events it would emit
  // and stamps them when it is next polled (see Doist::run).
  bool waiting() const { return waiting_; }
  // Inside run(): from its start to its end, between passes too. What must
  // not go during a run (an attached reactor) checks it.
  bool running() const { return in_run_; }
  // Inside run() or one of its passes, a manual recur()'s included: what
  // must not be destroyed by a doer (an attached IoHub or SimNet) checks it.
  bool running_or_passing() const { return in_run_ || in_pass_; }

  // The tock and the mode hold for a whole run: changing them while one is
  // in progress (run(), or between a manual enter() and exit()) throws
  // std::logic_error, for tyme = passes x tock would no longer hold, nor
  // would a journal's header (its tock and mode) of the run. Between runs
  // they may change. (Doist::set_tock hides Tymist::set_tock, which does not
  // check.)
  void set_tock(Tock tock);  // also std::invalid_argument unless tock > 0
  bool real() const { return real_; }
  void set_real(bool real);
  Tock limit() const { return limit_; }
  void set_limit(Tock limit);  // throws std::invalid_argument if < 0
  // Virtual-time skipping over passes where nothing is due (default on).
  bool skip() const { return skip_; }
  void set_skip(bool skip) { skip_ = skip; }
  // run() turns SIGINT, SIGTERM, SIGHUP into a clean stop (default on). Off,
  // its runs install no handler and do not stop on them: the signal's
  // action is whatever the process has (the default: termination, unless the
  // program ignores or handles it, or another run or a StopSignalCatch
  // catches it, which stops those, not this one). request_stop() still ends
  // them.
  void set_handle_sigint(bool handle) { handle_sigint_ = handle; }
  // run() also ends on request_stop_from_signal (default off), while it
  // handles stop signals: for the run a program's own signal is meant to
  // stop (hio run's SIGUSR1: tools' RunOptions::stop_on_signal_request).
  // Off, a request neither stops its runs nor wakes their waits: a run of
  // the program's own beside run_cli's `hio run` goes on.
  void set_stop_on_signal_request(bool stop) { stop_on_request_ = stop; }

  // Reactors are polled, and observers told, in the order they were added.
  // Each belongs to one Doist at a time: attaching one that is attached
  // already (here or elsewhere) throws std::logic_error, and so does one
  // that reads another clock than this Doist's (Reactor::check_clock: an
  // IoHub made on another Doist's tymth()). Safe at any time,
  // also from inside a poll(), wait_until() or an observer's hook: one added
  // while the Doist is calling the others takes part from the next round of
  // calls (a reactor attached in a poll is first polled next pass; an
  // observer added in pass_started is first told pass_ended of this pass);
  // one removed is not called again, not even later in the same round.
  // Removing one that is not there does nothing.
  void attach(Reactor& reactor);
  void detach(Reactor& reactor);
  void add_observer(PassObserver& observer);
  void remove_observer(PassObserver& observer);

  // Unset before a run; true when a run ended because no deeds remained.
  std::optional<bool> done() const { return done_; }
  // The doers of the last (or current) run or manual cycle (from an enter
  // after an exit() to the next exit()), in enter order; a doer destroyed
  // since is no longer in it (DoerList), so run(doist.doers()) runs the others.
  // A copy, so that a caller may remove, extend and call doers() again while
  // it loops over it (a reference to the list itself was changed under the
  // loop: doers skipped, reads past its end); a doer destroyed after the
  // call is still named in that copy.
  std::vector<Doer*> doers() const { return doers_.items(); }
  std::size_t deed_count() const { return core_.size(); }
  // Nominal passes (the ticks: tyme / tock for a Doist whose runs all
  // started where the last ended, from 0) and passes actually executed
  // (fewer when skipping), since construction. A start tyme (the
  // constructor's, run()'s) moves tyme without a pass.
  std::uint64_t passes() const { return passes_; }
  std::uint64_t executed_passes() const { return executed_passes_; }
  // Real time, the last run: the passes that ended after the wall time their
  // next pass was due at (the run fell behind the wall clock: a pass took
  // longer than the tock, or the process was woken late for it), and the
  // most it was behind then. Pacing is lossless (MonoTimer::restart) up to
  // max_lag(): a late run catches up by waiting less, so the lag of a pass
  // includes what earlier passes left. longest_pass() is the wall time the
  // longest pass took (its reactors' polls, doers and observers): when it is
  // no longer than the tock, the lag came from waking late. 0 in virtual
  // time.
  std::uint64_t late_passes() const { return late_passes_; }
  Tock worst_lag() const { return worst_lag_; }
  Tock longest_pass() const { return longest_pass_; }
  // Real time: how far behind the wall clock a run may fall and still catch
  // up. Further behind (the process was stopped: Ctrl-Z, SIGSTOP, a
  // debugger, a suspended machine; or one pass blocked that long), the next
  // pass is due when it starts: the Doist re-bases its wall clock there
  // instead of running the passes it missed back to back, which would let
  // tyme race the real sockets (a peer's timeouts and retries firing in a
  // burst). Tyme stays continuous, one tock per pass; the wall time given up
  // is counted (given_up(), rebases()) and a limit's end on the wall clock
  // moves by as much. The default, max(1 s, 4 tocks): 1 s is far above the
  // waking lag of a loaded machine (milliseconds), so ordinary lag stays
  // lossless and tyme keeps to the wall clock over long runs, and it is no
  // longer than the timeouts real protocols use, which a larger burst would
  // fire at peers that never saw that time pass; 4 tocks, so that a coarse
  // tock's pass that overran by a tock or two still catches up (a couple of
  // back-to-back passes is no burst). nullopt restores the default (which
  // follows the tock); Tock::max() never re-bases (fully lossless);
  // std::invalid_argument for one < 0. Read between passes: it may change at
  // any time.
  Tock max_lag() const;
  void set_max_lag(std::optional<Tock> lag);
  static constexpr Tock kMaxLagFloor{1'000'000'000};  // 1 s
  static constexpr std::int64_t kMaxLagTocks = 4;
  // Real time, the last run: how often it re-based, and the wall time it
  // gave up doing so (how far behind it was each time, summed): tyme ends
  // that much short of the wall time the run took. 0 in virtual time.
  std::uint64_t rebases() const { return rebases_; }
  Tock given_up() const { return given_up_; }

 private:
  // Advances tyme over passes in which nothing can run. Returns false when
  // nothing can ever run again (stalled).
  bool skip_idle(bool limited, Tyme end);
  // A deed (Schedule::holds_past_end_of_tyme) or a reactor holds something
  // due only at the end of tyme.
  bool holds_past_end_of_tyme();
  // One pass at the current tyme (no tick).
  void pass();
  // Waits for the wall clock to reach the pass's end, or `wall_end` (the
  // limit's) if that is sooner. True when a stop ended the wait before then.
  // `pass_start`: when the pass that just ended started (longest_pass()).
  // A re-base (max_lag()) moves `wall_end` by the wall time given up.
  // A wait that throws is counted (next_window) before the error propagates.
  bool pace(MonoTimer::Clock::time_point& wall_end, MonoTimer::Clock::time_point pass_start);
  // Waits on the reactors (or sleeps) until `stop` or a stop of the run.
  void wait_out(MonoTimer::Clock::time_point stop, const StopWakes& wakes);
  // After the wait: the next window, lossless, or from now if the run is
  // more than max_lag() behind (moving `wall_end`); counts the pass in
  // late_passes() if it was late. `lag_at_end`: how far past the next pass's
  // due time the pass ended (0: in time).
  void next_window(MonoTimer::Clock::time_point& wall_end, Tock lag_at_end);
  bool stop_pending() const;
  // A handler's request (request_stop_from_signal) ends its runs.
  bool stops_on_requests() const { return handle_sigint_ && stop_on_request_; }
  // When the earliest pending stop came (a request, a signal it handles).
  MonoTimer::Clock::time_point stop_came_at() const;
  // The run's WakeFd, made once; cleared for the run that starts.
  void make_wake();
  // Throws std::logic_error naming `call` while run() or a pass is in progress.
  void check_not_running(const char* call) const;
  // Throws std::logic_error naming `call` during a run (run() or between a
  // manual enter() and exit()).
  void check_between_runs(const char* call) const;
  // The doers an enter enters: `doers`, then those the extend() queue holds
  // that `doers` does not (copied into `batch` if there are any).
  std::span<Doer* const> with_queue(std::span<Doer* const> doers, std::vector<Doer*>& batch) const;
  // Enters `doers` and the queue, after Schedule::refuse_entering of them
  // (which changes nothing); `afresh`: a new cycle, doers() starts afresh.
  void enter_checked(std::span<Doer* const> doers, bool afresh);
  void enter_now(std::span<Doer* const> doers);

  Schedule core_;
  DoerList doers_;    // contains(): extend() skips the doers listed
  DoerList pending_;  // extended before a run, entered by the next one
  detail::Roster<Reactor> reactors_;
  detail::Roster<PassObserver> observers_;
  MonoTimer timer_;
  Tock limit_;
  std::optional<bool> done_;
  std::uint64_t passes_ = 0;
  std::uint64_t executed_passes_ = 0;
  std::uint64_t late_passes_ = 0;
  Tock worst_lag_{0};
  Tock longest_pass_{0};
  std::uint64_t rebases_ = 0;
  Tock given_up_{0};
  std::optional<Tock> max_lag_;  // nullopt: the default, from the tock
  bool real_;
  bool skip_ = true;
  bool handle_sigint_ = true;
  bool stop_on_request_ = false;  // set_stop_on_signal_request
  bool in_run_ = false;           // run() is in progress
  bool in_pass_ = false;          // a pass is in progress (observers and reactors included)
  bool in_callback_ = false;      // calling a reactor or an observer (exit() refuses)
  bool entered_ = false;          // entered (run or manual) and not exited since
  bool stop_at_pass_ = false;     // request_stop_at_pass() in this run
  bool ended_at_pass_ = false;    // the last run ended at its last pass's tyme
  bool waiting_ = false;          // inside pace()
  int stop_signal_ = 0;
  // The last run stalled because tyme ran out (ran_out_of_tyme()).
  bool ran_out_of_tyme_ = false;
  std::atomic<bool> stop_requested_{false};
  std::atomic<int> stop_requested_signal_{0};       // request_stop(signal)'s first signal
  std::atomic<std::int64_t> stop_requested_ns_{0};  // when (steady clock, ns); 0: not yet
  std::unique_ptr<WakeFd> wake_owner_;              // made by the first real-time run
  std::atomic<const WakeFd*> wake_{nullptr};        // request_stop() from any thread reads it
};

}  // namespace hio
