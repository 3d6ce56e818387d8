#include "hio/engine/doist.hpp"

#include <algorithm>
#include <csignal>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_set>

namespace hio {

namespace {

// SIGINT and SIGTERM turn into a flag (the signal's number) that every
// running Doist checks between passes. The handlers are installed while at
// least one run() is in progress and the previous ones restored after the last.
volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int signal) {
  g_stop_signal = signal;
}

class SigintScope {
 public:
  explicit SigintScope(bool active) : active_(active) {
    if (!active_) return;
    std::lock_guard<std::mutex> lock(mutex());
    if (depth()++ == 0) {
      g_stop_signal = 0;
      struct sigaction action {};
      action.sa_handler = on_stop_signal;
      sigemptyset(&action.sa_mask);
      sigaction(SIGINT, &action, &previous()[0]);
      sigaction(SIGTERM, &action, &previous()[1]);
    }
  }
  ~SigintScope() {
    if (!active_) return;
    std::lock_guard<std::mutex> lock(mutex());
    if (--depth() == 0) {
      sigaction(SIGINT, &previous()[0], nullptr);
      sigaction(SIGTERM, &previous()[1], nullptr);
    }
  }
  SigintScope(const SigintScope&) = delete;
  SigintScope& operator=(const SigintScope&) = delete;

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static int& depth() {
    static int d = 0;
    return d;
  }
  static struct sigaction (&previous())[2] {
    static struct sigaction p[2]{};
    return p;
  }
  bool active_;
};

}  // namespace

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

Doist::Doist(Tock tock, bool real, Tock limit)
    : Tymist(tock),
      core_(nullptr),
      timer_(MonoTimer::Clock::duration::zero(), false),
      limit_(Tock{0}),
      real_(real) {
  set_limit(limit);
  core_.wind(tymth());
}

Doist::~Doist() = default;

void Doist::set_limit(Tock limit) {
  if (limit < Tock{0}) {
    throw std::invalid_argument("doist limit must be >= 0, got " + format_seconds(limit) + " s");
  }
  limit_ = limit;
}

void Doist::detach(Reactor& reactor) {
  reactors_.erase(std::remove(reactors_.begin(), reactors_.end(), &reactor), reactors_.end());
}

void Doist::remove_observer(PassObserver& observer) {
  observers_.erase(std::remove(observers_.begin(), observers_.end(), &observer), observers_.end());
}

void Doist::enter(std::span<Doer* const> doers) {
  // The doers given, then those extend() queued since the last enter (each
  // once: one given here is not entered twice).
  std::vector<Doer*> batch(doers.begin(), doers.end());
  for (Doer* doer : pending_) {
    if (std::find(doers.begin(), doers.end(), doer) == doers.end()) batch.push_back(doer);
  }
  pending_.clear();
  entered_ = true;
  enter_now(batch);
}

void Doist::enter_now(std::span<Doer* const> doers) {
  // Listed before they are entered, as hio's do() sets .doers first: an
  // enter that removes a doer of this batch finds it in the list.
  doers_.insert(doers_.end(), doers.begin(), doers.end());
  core_.enter(doers, tyme());
}

void Doist::recur() {
  for (PassObserver* observer : observers_)
    observer->pass_started(tyme());
  for (Reactor* reactor : reactors_)
    reactor->poll();
  core_.pass(tyme(), tock());
  for (PassObserver* observer : observers_)
    observer->pass_ended(tyme());
  ++passes_;
  ++executed_passes_;
  tick();
}

void Doist::exit() {
  entered_ = false;
  core_.exit();
}

void Doist::extend(std::span<Doer* const> doers) {
  // Each once, in the order given (a hash set for lookups only).
  std::vector<Doer*> fresh;
  std::unordered_set<const Doer*> seen(pending_.begin(), pending_.end());
  for (Doer* doer : doers) {
    if (doer != nullptr && !doer->scheduled() && seen.insert(doer).second) fresh.push_back(doer);
  }
  if (!in_run_ && !entered_) {  // before a run: queued for it
    pending_.insert(pending_.end(), fresh.begin(), fresh.end());
    return;
  }
  enter_now(fresh);
}

void Doist::remove(std::span<Doer* const> doers) {
  // One sweep of the lists per call, not one per doer.
  const std::unordered_set<const Doer*> gone(doers.begin(), doers.end());
  auto is_gone = [&gone](const Doer* doer) { return gone.contains(doer); };
  std::erase_if(doers_, is_gone);
  std::erase_if(pending_, is_gone);
  core_.remove(doers);
}

bool Doist::stop_pending() const {
  return stop_requested() || g_stop_signal != 0;
}

RunEnd Doist::run(std::span<Doer* const> doers, std::optional<Tock> limit) {
  if (!core_.empty()) throw std::logic_error("Doist::run while deeds remain; call exit() first");
  if (limit) set_limit(*limit);
  doers_.clear();
  // Between here and the end of run(), extend() enters at once, even after a
  // doer's exit() (which ends the run, not its own extends).
  struct InRun {
    bool& flag;
    explicit InRun(bool& in_run) : flag(in_run) { flag = true; }
    ~InRun() { flag = false; }
    InRun(const InRun&) = delete;
    InRun& operator=(const InRun&) = delete;
  } in_run(in_run_);
  done_ = false;
  stop_requested_.store(false, std::memory_order_relaxed);
  stop_signal_ = 0;
  SigintScope sigint(handle_sigint_);

  const bool limited = limit_ > Tock{0};
  const Tyme end = tyme_after(tyme(), limit_);
  RunEnd reason = RunEnd::done;
  try {
    enter(doers);
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
      recur();
      if (real_) pace(wall_end);
      if (core_.empty()) {
        done_ = true;
        reason = RunEnd::done;
        break;
      }
      if (tyme() == kTymeNever) {  // the end of representable tyme
        reason = RunEnd::stalled;
        break;
      }
      // Before the limit: a stop asked for while the last pass ran (or, in
      // real time, while it was paced) is what ended the run.
      if (stop_pending()) {
        reason = RunEnd::interrupted;
        if (!stop_requested()) stop_signal_ = g_stop_signal;
        break;
      }
      if (limited && tyme() >= end) {
        reason = RunEnd::limit;
        break;
      }
      if (!real_) {
        if (!skip_idle(limited, end)) {
          reason = RunEnd::stalled;
          break;
        }
        if (limited && tyme() >= end) {
          reason = RunEnd::limit;
          break;
        }
      }
    }
  } catch (...) {
    try {
      exit();
    } catch (...) {
      // The first error is the one the caller needs.
    }
    throw;
  }
  for (PassObserver* observer : observers_)
    observer->run_ending(tyme());
  exit();
  return reason;
}

bool Doist::skip_idle(bool limited, Tyme end) {
  if (core_.due_next_pass()) return true;
  // The earliest of the doers' timers and the reactors' due events.
  Tyme next = core_.next_timer();
  for (const Reactor* reactor : reactors_) {
    if (reactor->busy()) return true;
    next = std::min(next, reactor->next_tyme());
  }
  if (next == kTymeNever && !limited) return false;
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

void Doist::pace(MonoTimer::Clock::time_point wall_end) {
  // Waits in slices, so that a SIGINT or SIGTERM (which only sets a flag) is
  // acted on within one slice even when the tock is long.
  constexpr std::chrono::milliseconds kSlice{100};
  const auto stop = std::min(timer_.stop_time(), wall_end);
  while (MonoTimer::Clock::now() < stop && !stop_pending()) {
    const auto until = std::min(stop, std::chrono::steady_clock::now() + kSlice);
    if (reactors_.empty()) {
      std::this_thread::sleep_until(until);
    } else {
      reactors_.front()->wait_until(until);
      for (std::size_t i = 1; i < reactors_.size(); ++i)
        reactors_[i]->poll();
    }
  }
  timer_.restart(tock());
}

}  // namespace hio
