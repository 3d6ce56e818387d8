#include "hio/engine/doist.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "hio/engine/check.hpp"
#include "hio/engine/flag_scope.hpp"
#include "hio/engine/signal_catch_scope.hpp"
#include "hio/engine/stop_read.hpp"  // record_stop_signal
#include "hio/engine/wake_fd.hpp"

namespace hio {

namespace {

// SIGINT, SIGTERM and SIGHUP turn into a flag (the signal's number) that every
// running Doist checks between passes. The handlers are installed while at
// least one run() or StopSignalCatch is in progress and the previous ones
// restored after the last; the flag is cleared when the first one starts
// and after the last one ends, so that none is left over for a later one.
// The first signal delivered is kept (two pending together come in
// signal-number order: SIGHUP, SIGINT, SIGTERM): a SIGTERM after a SIGINT does not turn an
// interruption already under way into another (hio's exit code, the
// summary's and the trailer's signal stay the first's, as a sweep's do).
// A lock-free atomic, so that the handler may set it (async-signal-safe)
// and other threads read it without a data race, which a volatile
// sig_atomic_t is not for other threads. Two threads may each run the
// handler for a different stop signal at once (sa_mask holds back only the
// thread that runs it): the compare-exchange keeps the first either way.
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);
// Rung with the first signal kept, so that a real-time run's wait between
// passes ends at once (Doist::stop_wakes). Made by the first catch, under
// catch_mutex(), and never destroyed: a handler on another thread may still
// ring it after the last catch ended. Readable while g_stop_signal is set:
// cleared where the flags are. Null if it could not be made (no descriptor
// left): the waits then notice a signal at the end of their 0.1 s slice.
std::atomic<const WakeFd*> g_signal_wake{nullptr};
static_assert(std::atomic<const WakeFd*>::is_always_lock_free);
// The same, rung with the first stop signal and with the first handler's
// request (g_requested_signal, below): the wake of the Doists that stop on
// both (Doist::set_stop_on_signal_request). A wake of its own, so that a
// request leaves the other Doists' waits quiet: woken by it, with nothing
// to stop for, they would wake again at once until the run's end.
std::atomic<const WakeFd*> g_request_wake{nullptr};
// When the first signal kept came (steady clock, ns; 0: none or not yet
// stamped): a run whose wait it cut ends at the pass that ran if it came
// before the next pass was due, however late the process was woken for it.
std::atomic<std::int64_t> g_stop_signal_ns{0};
static_assert(std::atomic<std::int64_t>::is_always_lock_free);
// A stop that a program's own signal handler asked for
// (request_stop_from_signal: hio run's SIGUSR1), and when it came: kept,
// stamped, rung and cleared as the stop signal is, but no stop signal of the
// process (caught_stop_signal() does not say it: a build or a read goes on).
std::atomic<int> g_requested_signal{0};
std::atomic<std::int64_t> g_requested_signal_ns{0};

// The steady clock (CLOCK_MONOTONIC under std::chrono::steady_clock on
// Linux) in ns, by clock_gettime: async-signal-safe.
std::int64_t steady_ns() noexcept {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// Internal linkage (the unnamed namespace), no extern "C": a C-linkage name
// ignores namespaces, so it was a global symbol that clashed with a program's
// own function of that name (the same for tools' on_sigpipe).
// A handler's whole work, async-signal-safe: notes when the first signal
// came and which it was in `kept` (the first wins), and rings `wakes` (the
// waits of the Doists that stop on it), so that a real-time run's wait
// between passes ends at once.
void keep_signal(std::atomic<int>& kept, std::atomic<std::int64_t>& kept_ns, int signal,
                 std::initializer_list<const std::atomic<const WakeFd*>*> wakes) noexcept {
  std::int64_t unstamped = 0;
  kept_ns.compare_exchange_strong(unstamped, steady_ns());
  int none = 0;
  if (!kept.compare_exchange_strong(none, signal)) return;
  for (const std::atomic<const WakeFd*>* wake : wakes) {
    if (const WakeFd* made = wake->load()) made->ring();
  }
}

void on_stop_signal(int signal) {
  keep_signal(g_stop_signal, g_stop_signal_ns, signal, {&g_signal_wake, &g_request_wake});
}

void clear_stop_signal() {
  g_stop_signal = 0;
  g_stop_signal_ns = 0;
  g_requested_signal = 0;
  g_requested_signal_ns = 0;
  if (const WakeFd* wake = g_signal_wake.load()) wake->clear();
  if (const WakeFd* wake = g_request_wake.load()) wake->clear();
}

std::mutex& catch_mutex() {
  static std::mutex m;
  return m;
}
int& catch_depth() {
  static int d = 0;
  return d;
}
// The handlers of the outermost catch or run; the inner ones share it.
// Reset with the last, which puts the previous actions back. The optional
// itself is never destroyed (a union does not destroy its member), and made
// without an allocation (a run out of memory still catches): an exit()
// while a catch is held leaves the handlers in place to the end, instead of
// putting them back from a static destructor that races a catch on another
// thread.
std::optional<SignalCatchScope>& stop_signal_scope() {
  union Slot {
    Slot() : scope() {}
    ~Slot() {}
    std::optional<SignalCatchScope> scope;
  };
  static Slot slot;
  return slot.scope;
}

void catch_stop_signals() {
  std::lock_guard<std::mutex> lock(catch_mutex());
  if (catch_depth()++ == 0) {
    for (std::atomic<const WakeFd*>* wake : {&g_signal_wake, &g_request_wake}) {
      if (wake->load() != nullptr) continue;
      try {
        *wake = new WakeFd();  // never deleted (above)
      } catch (const std::exception&) {
        // No wake: signals are noticed between slices of the wait.
      }
    }
    clear_stop_signal();
    // No SA_RESTART: a blocking call the signal interrupts ends (EINTR) and
    // its caller acts on the stop at once (stop_read.hpp). The mask is left
    // as it is: hio sweep's threads block these signals for its watcher.
    stop_signal_scope().emplace(kStopSignals, on_stop_signal,
                                SignalCatchOptions{.leave_as_is = stop_signal_kept_ignored});
  }
}

void release_stop_signals() {
  std::lock_guard<std::mutex> lock(catch_mutex());
  if (--catch_depth() == 0) {
    stop_signal_scope().reset();
    clear_stop_signal();  // caught for the catches and runs that are over
  }
}

class SigintScope {
 public:
  explicit SigintScope(bool active) : active_(active) {
    if (active_) catch_stop_signals();
  }
  ~SigintScope() {
    if (active_) release_stop_signals();
  }
  SigintScope(const SigintScope&) = delete;
  SigintScope& operator=(const SigintScope&) = delete;

 private:
  bool active_;
};

// A reactor or observer joins one Doist at a time: `link` is its own
// pointer to the Doist it belongs to.
template <typename T>
void join(detail::Roster<T>& roster, T& item, Doist*& link, Doist* doist, const char* call,
          const char* noun) {
  if (link != nullptr) {
    throw std::logic_error(std::string(call) + ": the " + noun +
                           (link == doist ? " belongs to this Doist already"
                                          : " belongs to another Doist; take it out there first"));
  }
  roster.add(item);
  link = doist;
}

template <typename T>
void leave(detail::Roster<T>& roster, T& item, Doist*& link, const Doist* doist) {
  if (link != doist) return;
  roster.remove(item);
  link = nullptr;
}

// A run starts at tyme 0 or later: tyme counts up from a run's start, and
// every tyme + tock saturates at the end of tyme, not at its beginning.
Tyme checked_start(Tyme tyme, const char* call) {
  if (tyme < Tyme{}) {
    throw std::invalid_argument(std::string(call) + ": a start tyme must be >= 0, got " +
                                format_seconds(tyme) + " s");
  }
  return tyme;
}

// Unwinds (to tyme 0) the doers in `list` that `mine` winds; one wound by
// another Doist since is left alone. For ~Doist.
void unwind_doers_of(const DoerList& list, Tymth mine) noexcept {
  const std::vector<Doer*>& doers = list.items();
  // By index, nulls skipped: a wind hook may destroy a doer (the list then
  // holds a null in its place; it never grows here).
  for (std::size_t i = 0; i < doers.size(); ++i) {
    Doer* doer = doers[i];
    if (doer == nullptr || doer->tymth() != mine) continue;
    try {
      doer->wind(Tymth{});
    } catch (...) {  // a wind hook's error: a destructor cannot throw it
    }
  }
}

}  // namespace

bool stop_signal_kept_ignored(int signal) {
  if (signal != SIGHUP) return false;
  struct sigaction current {};
  return sigaction(signal, nullptr, &current) == 0 && (current.sa_flags & SA_SIGINFO) == 0 &&
         current.sa_handler == SIG_IGN;
}

StopSignalCatch::StopSignalCatch() {
  catch_stop_signals();
}

StopSignalCatch::~StopSignalCatch() {
  release_stop_signals();
}

int caught_stop_signal() {
  return g_stop_signal.load();
}

void request_stop_from_signal(int signal) noexcept {
  // 0 would ring the wake with no stop kept: every wait would end at once.
  if (signal <= 0) return;
  keep_signal(g_requested_signal, g_requested_signal_ns, signal, {&g_request_wake});
}

void forget_stop_requests_from_signal() {
  // Under the lock the catches clear the flags under.
  std::lock_guard<std::mutex> lock(catch_mutex());
  g_requested_signal = 0;
  g_requested_signal_ns = 0;
  if (const WakeFd* wake = g_request_wake.load()) {
    wake->clear();
    // A stop signal kept before the clear (it is set before it rings) still
    // ends the waits that watch this wake.
    if (g_stop_signal.load() != 0) wake->ring();
  }
}

void record_stop_signal(int signal) {
  std::lock_guard<std::mutex> lock(catch_mutex());
  if (catch_depth() == 0) return;
  on_stop_signal(signal);
}

const char* to_string(RunEnd end) {
  switch (end) {
    case RunEnd::done:
      return "done";
    case RunEnd::limit:
      return "limit";
    case RunEnd::interrupted:
      return "interrupted";
    case RunEnd::stalled:
      return "stalled";
  }
  return "?";
}

Doist::Doist(Tock tock, bool real, Tock limit, Tyme tyme)
    : Tymist(tock, checked_start(tyme, "Doist")),
      core_(nullptr),
      timer_(MonoTimer::Clock::duration::zero()),
      limit_(Tock{0}),
      real_(real) {
  set_limit(limit);
  core_.wind(tymth());
}

Doist::~Doist() {
  // A doer destroying it mid-pass or mid-enter says so; between passes too,
  // run() would go on with a destroyed Doist (one of its reactors or
  // observers destroyed it).
  core_.check_destroyable();
  HIO_CHECK(!in_run_,
            "a Doist destroyed during its own run() between passes (by a reactor or an "
            "observer it calls); end the run first (request_stop())");
  // Doers left scheduled (a manual enter() without exit()) are closed while
  // the Doist is whole, for their hooks may still use it; a destructor
  // cannot throw, so their errors stay on them (Doer::hook_error()). As
  // after exit(), a hook's extend() only queues.
  entered_ = false;
  core_.close_on_destruction();
  // A doer reads its tyme through the Doist that last wound it, and so do a
  // Logger made with it and the Tymers its wind() winds: once this Doist is
  // freed, they would read freed memory. The doers it lists (its last
  // cycle's doers() and its extend() queue) are unwound, and a DoDoer's wind
  // unwinds its subtree: they read tyme 0 then, as a doer never scheduled
  // does. Nothing is scheduled any more (closed above).
  unwind_doers_of(doers_, tymth());
  unwind_doers_of(pending_, tymth());
  // Reactors and observers outlive a Doist freely: they are left detached,
  // and a reactor that reads this Doist's tyme (an IoHub) stops reading it.
  reactors_.each([this](Reactor& reactor) {
    reactor.doist_destroyed(*this);
    reactor.doist_ = nullptr;
  });
  observers_.each([](PassObserver& observer) { observer.doist_ = nullptr; });
}

Reactor::~Reactor() {
  if (doist_ != nullptr) doist_->detach(*this);
}

StopWakes Reactor::stop_wakes() const {
  return doist_ != nullptr ? doist_->stop_wakes() : StopWakes{};
}

PassObserver::~PassObserver() {
  if (doist_ != nullptr) doist_->remove_observer(*this);
}

void Doist::check_between_runs(const char* call) const {
  if (in_run_ || entered_) {
    throw std::logic_error(std::string(call) +
                           " during a run: tyme = passes x tock, and a journal of the run, "
                           "would not hold; change it between runs");
  }
}

void Doist::set_tock(Tock tock) {
  check_between_runs("Doist::set_tock");
  Tymist::set_tock(tock);
}

void Doist::set_real(bool real) {
  check_between_runs("Doist::set_real");
  real_ = real;
}

void Doist::set_limit(Tock limit) {
  if (limit < Tock{0}) {
    throw std::invalid_argument("doist limit must be >= 0, got " + format_seconds(limit) + " s");
  }
  limit_ = limit;
}

void Doist::attach(Reactor& reactor) {
  if (reactor.doist_ == nullptr) reactor.check_clock(*this);
  join(reactors_, reactor, reactor.doist_, this, "Doist::attach", "reactor");
}

void Doist::detach(Reactor& reactor) {
  leave(reactors_, reactor, reactor.doist_, this);
}

void Doist::add_observer(PassObserver& observer) {
  join(observers_, observer, observer.doist_, this, "Doist::add_observer", "observer");
}

void Doist::remove_observer(PassObserver& observer) {
  leave(observers_, observer, observer.doist_, this);
}

void Doist::enter(std::span<Doer* const> doers) {
  check_not_running("Doist::enter");
  detail::refuse_null(doers, "Doist::enter");
  // The doers of an earlier enter still entered (no exit() since): these
  // join them, in one queue that one exit() closes, and doers() lists both.
  enter_checked(doers, !entered_);
}

std::span<Doer* const> Doist::with_queue(std::span<Doer* const> doers,
                                         std::vector<Doer*>& batch) const {
  if (pending_.empty()) return doers;
  // The doers given, then those extend() queued since the last enter (each
  // once: one given here is not entered twice).
  batch.assign(doers.begin(), doers.end());
  for (Doer* doer : pending_.items()) {
    if (std::find(doers.begin(), doers.end(), doer) == doers.end()) batch.push_back(doer);
  }
  return batch;
}

void Doist::enter_checked(std::span<Doer* const> doers, bool afresh) {
  std::vector<Doer*> storage;
  const std::span<Doer* const> batch = with_queue(doers, storage);
  // Refused (closing, a doer scheduled already, here or elsewhere, or
  // listed twice) before doers(), the extend() queue or entered_ change: a
  // refused enter changes nothing, and a close in progress ends as if it
  // had not been asked.
  core_.refuse_entering(batch);
  // A new cycle (run(), or a manual enter after exit()): doers() lists its
  // doers only, as hio's Doist.enter starts its .doers afresh. (`doers`
  // cannot view that list: doers() returns a copy.)
  if (afresh) doers_.clear();
  entered_ = true;
  pending_.clear();  // `batch` holds what it held
  enter_now(batch);
}

void Doist::enter_now(std::span<Doer* const> doers) {
  // Listed before they are entered, as hio's do() sets .doers first: an
  // enter that removes a doer of this batch finds it in the list.
  doers_.append(doers);
  core_.enter(doers, tyme());
}

void Doist::check_not_running(const char* call) const {
  // A pass inside a pass (or a run inside a run), started from a doer, a
  // reactor or an observer: the outer one would go on over what the inner
  // one changed (its tyme ticked, its pass skipped).
  // in_callback_ alone: an observer's run_starting, before the run is on.
  if (in_run_ || in_pass_ || in_callback_) {
    throw std::logic_error(std::string(call) + " inside " +
                           (in_run_    ? "the Doist's own run()"
                            : in_pass_ ? "one of its passes"
                                       : "the start of its run()") +
                           " (from a doer, a reactor or an observer); end that first");
  }
}

void Doist::recur() {
  check_not_running("Doist::recur");
  pass();
  ++passes_;
  tick();
}

void Doist::pass() {
  const FlagScope in_pass(in_pass_);
  {
    const FlagScope calling(in_callback_);
    observers_.each([this](PassObserver& observer) { observer.pass_started(tyme()); });
    reactors_.each([](Reactor& reactor) { reactor.poll(); });
  }
  core_.pass(tyme(), tock());
  {
    const FlagScope calling(in_callback_);
    observers_.each([this](PassObserver& observer) { observer.pass_ended(tyme()); });
  }
  ++executed_passes_;
}

void Doist::exit() {
  // A doer's exit() ends the run from inside it (hio's); a reactor's or an
  // observer's would close the doers between their events and the pass's.
  if (in_callback_) {
    throw std::logic_error(std::string("Doist::exit from a reactor or an observer inside ") +
                           (in_run_    ? "the Doist's own run()"
                            : in_pass_ ? "one of its passes"
                                       : "the start of its run()") +
                           "; end the run with request_stop() instead");
  }
  entered_ = false;
  core_.exit();
}

std::size_t Doist::extend(std::span<Doer* const> doers) {
  detail::refuse_null(doers, "Doist::extend");
  // Queued or entered, a doer a DoDoer let go would be destroyed by it all
  // the same (rev25 #2): refused before anything changes.
  for (const Doer* doer : doers)
    core_.refuse_released(*doer);
  // Before a run, and while the Doist closes all its doers (exit(), the end
  // of run(), an error, its destructor: Schedule::closing(), the rule a
  // DoDoer follows too): queued for the next run.
  const bool queue = core_.closing() || (!in_run_ && !entered_);
  // Each once, in the order given (a hash set for lookups only). While the
  // doers are entered, one already in doers() is left alone, a finished one
  // included, as hio's Doist.extend filters `doer not in self.doers`.
  std::vector<Doer*> fresh;
  std::unordered_set<const Doer*> seen(pending_.items().begin(), pending_.items().end());
  for (Doer* doer : doers) {
    if (doer->scheduled() || (!queue && doers_.contains(doer))) continue;
    if (seen.insert(doer).second) fresh.push_back(doer);
  }
  if (queue) {
    pending_.append(fresh);
  } else {
    enter_now(fresh);
  }
  return fresh.size();
}

void Doist::remove(std::span<Doer* const> doers) {
  detail::refuse_null(doers, "Doist::remove");
  doers_.erase(doers);
  pending_.erase(doers);
  core_.remove(doers);
}

void Doist::request_stop(int signal) {
  int none = 0;
  if (signal != 0) stop_requested_signal_.compare_exchange_strong(none, signal);
  std::int64_t unstamped = 0;
  stop_requested_ns_.compare_exchange_strong(unstamped, steady_ns());
  stop_requested_.store(true, std::memory_order_release);
  if (const WakeFd* wake = wake_.load(std::memory_order_acquire)) wake->ring();
}

StopWakes Doist::stop_wakes() const {
  // The request wake is rung by stop signals too; without it (no file
  // descriptor was left to make it) the signal wake still ends the waits
  // for a stop signal, and a request is noticed between slices of the wait.
  const WakeFd* request = stops_on_requests() ? g_request_wake.load() : nullptr;
  return StopWakes{wake_.load(std::memory_order_acquire), !handle_sigint_ ? nullptr
                                                          : request != nullptr
                                                              ? request
                                                              : g_signal_wake.load()};
}

void Doist::make_wake() {
  if (wake_owner_ == nullptr) {
    try {
      wake_owner_ = std::make_unique<WakeFd>();
      wake_.store(wake_owner_.get(), std::memory_order_release);
    } catch (const std::exception&) {
      // No wake: a stop is noticed at the end of a slice of the wait.
    }
  }
  // Rung for a request that came before this run (which forgets it).
  if (wake_owner_ != nullptr) wake_owner_->clear();
}

MonoTimer::Clock::time_point Doist::stop_came_at() const {
  // The earliest stop pending; one not stamped yet (its stamp is being
  // stored) counts as now.
  std::int64_t at = steady_ns();
  const auto earlier = [&at](std::int64_t stamp) {
    if (stamp != 0) at = std::min(at, stamp);
  };
  if (stop_requested()) earlier(stop_requested_ns_.load());
  if (handle_sigint_ && g_stop_signal.load() != 0) earlier(g_stop_signal_ns.load());
  if (stops_on_requests() && g_requested_signal.load() != 0) earlier(g_requested_signal_ns.load());
  return MonoTimer::Clock::time_point{std::chrono::nanoseconds{at}};
}

bool Doist::stop_pending() const {
  // The signal flags are process-wide: a Doist that does not handle signals
  // (set_handle_sigint(false)) leaves them to the run or catch that does.
  return stop_requested() || (handle_sigint_ && g_stop_signal.load() != 0) ||
         (stops_on_requests() && g_requested_signal.load() != 0);
}

RunEnd Doist::run(std::span<Doer* const> doers, std::optional<Tock> limit,
                  std::optional<Tyme> start) {
  check_not_running("Doist::run");
  detail::refuse_null(doers, "Doist::run");
  {
    // Before anything of the run changes (its limit, its start tyme, the
    // observers told): enter_checked() makes these refusals again, for
    // what run_starting below may change.
    std::vector<Doer*> storage;
    const std::span<Doer* const> batch = with_queue(doers, storage);
    core_.refuse_while_closing(batch);  // first: deeds may remain while closing
    if (!core_.empty()) throw std::logic_error("Doist::run while deeds remain; call exit() first");
    core_.refuse_entering(batch);
  }
  if (start) checked_start(*start, "Doist::run");
  if (limit) set_limit(*limit);
  if (start) set_tyme(*start);
  {
    // Before anything of the run: an observer that cannot follow it (a
    // journal, from a start tyme not 0) refuses it here, before any doer
    // entered and with doers() still the last run's.
    const FlagScope calling(in_callback_);
    observers_.each([this](PassObserver& observer) { observer.run_starting(tyme()); });
  }
  // Between here and the end of run(), extend() enters at once, even after a
  // doer's exit() (which ends the run, not its own extends); only the hooks
  // of a close of all the doers (exit(), and the one that ends run()) queue.
  const FlagScope in_run(in_run_);
  done_ = false;
  stop_requested_.store(false, std::memory_order_relaxed);
  stop_requested_ns_.store(0, std::memory_order_relaxed);
  stop_requested_signal_.store(0, std::memory_order_relaxed);
  if (real_) make_wake();
  stop_at_pass_ = false;
  ended_at_pass_ = false;
  ran_out_of_tyme_ = false;
  stop_signal_ = 0;
  late_passes_ = 0;
  worst_lag_ = Tock{0};
  longest_pass_ = Tock{0};
  rebases_ = 0;
  given_up_ = Tock{0};
  SigintScope sigint(handle_sigint_);

  const bool limited = limit_ > Tock{0};
  const Tyme end = tyme_after(tyme(), limit_);
  RunEnd reason = RunEnd::done;
  try {
    enter_checked(doers, true);
    // Real time: the run ends on the wall clock at start + limit too, so the
    // last pass's pacing (a tock longer than the limit) is cut there. Tyme
    // and the passes are as in virtual time; only the wait is shorter.
    MonoTimer::Clock::time_point wall_end = MonoTimer::Clock::time_point::max();
    if (real_) {
      timer_.start(tock());
      const auto room = wall_end - timer_.start_time();
      if (limited && limit_ < room) wall_end = timer_.start_time() + limit_;
    }
    for (;;) {
      const auto pass_start = real_ ? MonoTimer::Clock::now() : MonoTimer::Clock::time_point{};
      pass();
      // The tick comes after the wait: tyme is the pass's while a real-time
      // run waits out its tock. A stop that cuts the wait short (the wall
      // clock never reached the next pass) ends the run at this pass's tyme,
      // not at one it never reached; so does request_stop_at_pass().
      bool cut = stop_at_pass_;
      if (real_) cut = pace(wall_end, pass_start) || cut;
      if (cut) {
        ended_at_pass_ = true;
      } else {
        ++passes_;
        tick();
      }
      if (core_.empty()) {
        done_ = true;
        reason = RunEnd::done;
        break;
      }
      if (tyme() == kTymeNever) {  // the end of representable tyme
        reason = RunEnd::stalled;
        ran_out_of_tyme_ = true;
        break;
      }
      // Before the limit: a stop asked for while the last pass ran (or, in
      // real time, while it was paced) is what ended the run.
      if (stop_pending()) {
        reason = RunEnd::interrupted;
        // A stop signal the Doist caught wins over a request naming one
        // (hio run's SIGUSR1 in the same pass as a Ctrl-C): the exit code
        // is the caught signal's, so the summary and trailer say it too.
        // Then a signal handler's request (request_stop_from_signal), then
        // the run's own.
        const int caught = handle_sigint_ ? g_stop_signal.load() : 0;
        const int handled = stops_on_requests() ? g_requested_signal.load() : 0;
        stop_signal_ = caught != 0    ? caught
                       : handled != 0 ? handled
                                      : stop_requested_signal_.load();
        break;
      }
      if (limited && tyme() >= end) {
        reason = RunEnd::limit;
        break;
      }
      if (!real_) {
        if (!skip_idle(limited, end)) {
          reason = RunEnd::stalled;
          ran_out_of_tyme_ = tyme() == kTymeNever || holds_past_end_of_tyme();
          break;
        }
        if (limited && tyme() >= end) {
          reason = RunEnd::limit;
          break;
        }
      }
    }
    // Inside the try: an error here, as one from a pass, leaves no doer
    // scheduled.
    const FlagScope calling(in_callback_);
    observers_.each([this](PassObserver& observer) { observer.run_ending(tyme()); });
    // What a real-time run's IO brought in while it waited out its last tock
    // (held by an IoHub while waiting(), see there) arrives now: at the tyme
    // the run ends at, before the doers close.
    if (real_) reactors_.each([](Reactor& reactor) { reactor.poll(); });
  } catch (...) {
    // The first error is the one the caller needs; what closing the others
    // throws stays on them (Doer::hook_error()).
    entered_ = false;
    core_.exit_keeping_errors();
    throw;
  }
  exit();
  return reason;
}

bool Doist::skip_idle(bool limited, Tyme end) {
  if (core_.due_next_pass()) return true;
  // The earliest of the doers' timers and the reactors' due events.
  Tyme next = core_.next_timer();
  Tyme io = kTymeNever;
  bool busy = false;
  reactors_.each([&](Reactor& reactor) {
    busy = busy || reactor.busy();
    io = std::min(io, reactor.next_tyme());
  });
  if (busy) return true;
  next = std::min(next, io);
  // Stalled: nothing can run again without a wake, and nothing is left to
  // wake a doer - no IO due, and the only timers, if any, are those of
  // DoDoers with nothing below that can come due (their tock's runs do
  // nothing: Schedule::dormant, asked only then).
  if (!limited && io == kTymeNever && (next == kTymeNever || core_.dormant())) return false;
  if (!skip_) return true;
  const Tyme target = limited ? std::min(next, end) : next;
  if (target <= tyme()) return true;
  // The first pass tyme at or after target; every pass before it is empty.
  const std::int64_t gap = (target - tyme()).count();
  const std::int64_t step = tock().count();
  const std::int64_t skipped = gap / step + (gap % step != 0 ? 1 : 0);
  // The first pass at or after target can lie beyond the end of tyme: tick
  // saturates there, and nothing can run any more.
  const std::int64_t advance = skipped > kTymeNever.time_since_epoch().count() / step
                                   ? kTymeNever.time_since_epoch().count()
                                   : skipped * step;
  tick(Tock{advance});
  passes_ += static_cast<std::uint64_t>(skipped);
  return tyme() != kTymeNever;
}

bool Doist::holds_past_end_of_tyme() {
  // A doer's own next run first: with skipping, a tock past the end of tyme
  // under a shorter Doist tock leaves it timed there, not at tyme's end.
  bool held = core_.holds_past_end_of_tyme();
  reactors_.each([&held](Reactor& reactor) { held = held || reactor.holds_past_end_of_tyme(); });
  return held;
}

Tock Doist::max_lag() const {
  if (max_lag_) return *max_lag_;
  const Tock tocks = tock() > Tock::max() / kMaxLagTocks ? Tock::max() : tock() * kMaxLagTocks;
  return std::max(kMaxLagFloor, tocks);
}

void Doist::set_max_lag(std::optional<Tock> lag) {
  if (lag && *lag < Tock{0}) {
    throw std::invalid_argument("doist max_lag must be >= 0, got " + format_seconds(*lag) + " s");
  }
  max_lag_ = lag;
}

void Doist::next_window(MonoTimer::Clock::time_point& wall_end, Tock lag_at_end) {
  // The next pass was due at the window's stop. Behind it by more than
  // max_lag(), the run re-bases rather than catch up in a burst of
  // back-to-back passes: that pass is due now, and the wall time missed is
  // given up (tyme goes on from where it was, a tock per pass).
  const auto now = MonoTimer::Clock::now();
  const auto behind = time_between(timer_.stop_time(), now);
  const bool rebase = behind > std::chrono::duration_cast<MonoTimer::Clock::duration>(max_lag());
  // The one place a late pass is counted: one that ended after the next was
  // due (lag_at_end), or whose wait ended far behind it (a process stopped
  // while it waited), once either way.
  const Tock behind_lag = std::chrono::duration_cast<Tock>(behind);
  const Tock lag = rebase ? std::max(lag_at_end, behind_lag) : lag_at_end;
  if (lag > Tock{0}) {
    ++late_passes_;
    worst_lag_ = std::max(worst_lag_, lag);
  }
  if (rebase) {
    given_up_ = given_up_ > Tock::max() - behind_lag ? Tock::max() : given_up_ + behind_lag;
    ++rebases_;
    // The limit's end on the wall clock keeps its distance from the passes:
    // otherwise every later pass would be past it and run unpaced.
    wall_end = time_after(wall_end, behind);
    timer_.start(tock(), now);
    return;
  }
  timer_.restart(tock());
}

bool Doist::pace(MonoTimer::Clock::time_point& wall_end, MonoTimer::Clock::time_point pass_start) {
  const FlagScope waiting(waiting_);
  const FlagScope calling(in_callback_);  // reactors only, no doer
  const auto now = MonoTimer::Clock::now();
  longest_pass_ = std::max(longest_pass_, std::chrono::duration_cast<Tock>(now - pass_start));
  const Tock lag_at_end = now > timer_.stop_time()
                              ? std::chrono::duration_cast<Tock>(now - timer_.stop_time())
                              : Tock{0};
  const auto stop = std::min(timer_.stop_time(), wall_end);
  const StopWakes wakes = stop_wakes();
  try {
    wait_out(stop, wakes);
  } catch (...) {
    // A reactor's wait (or poll) that throws ends the run, but the pass it
    // followed was as late as the wall clock says: counted as when the wait
    // returns, or late_passes() and worst_lag() would miss a wait that
    // overran far past the pass's due time and then failed.
    next_window(wall_end, lag_at_end);
    throw;
  }
  // Stopped before the wall clock reached the next pass (or the limit's end):
  // when the stop came, not when this thread saw it, which a loaded machine
  // (or a reactor that does not watch the wakes) can make later.
  const bool cut = stop_pending() && stop_came_at() < stop;
  next_window(wall_end, lag_at_end);
  return cut;
}

void Doist::wait_out(MonoTimer::Clock::time_point stop, const StopWakes& wakes) {
  // A stop rings stop_wakes(), which the waits watch (sleep_until_woken, an
  // IoHub's event loop): it ends the wait at once. The slices are for a
  // reactor whose wait_until does not watch them: a stop is then noticed
  // when its slice ends.
  constexpr std::chrono::milliseconds kSlice{100};
  while (MonoTimer::Clock::now() < stop && !stop_pending()) {
    const auto until = std::min(stop, std::chrono::steady_clock::now() + kSlice);
    // The first reactor waits on its IO; the others are polled after it.
    bool waited = false;
    reactors_.each([&](Reactor& reactor) {
      if (waited) {
        reactor.poll();
      } else {
        reactor.wait_until(until);
        waited = true;
      }
    });
    if (!waited) sleep_until_woken(until, wakes);
    // Woken early with no stop pending: a wake rung for no stop of this run
    // (a request_stop() that came just before it, which it forgets). Cleared,
    // or every wait would end at once. Only this Doist's own: the signal wake
    // (or the request wake) is every Doist's and is rung only while a stop
    // signal (or a handler's request) is pending, which stop_pending() sees
    // where this Doist watches that wake, so clearing it here could only
    // erase a signal that came after the check, for another Doist's wait.
    if (!stop_pending() && MonoTimer::Clock::now() < until && wakes.request != nullptr) {
      wakes.request->clear();
    }
  }
}

}  // namespace hio
