// StopFlag: a stop that another thread asks for (a program's own thread,
// hio sweep's signal watcher), for every run that watches it: set() ends
// each one after the pass in progress, and a real-time run's wait for its
// next pass at once, through the wake a stop signal rings.
#pragma once

#include <atomic>
#include <mutex>
#include <vector>

#include "hio/engine/doist.hpp"

namespace hio {

class StopFlagWatch;

// Set once, for good: one flag per run, or per sweep of runs. set() and
// is_set() are safe from any thread; not from a signal handler (set() takes
// a lock): a handler calls request_stop_from_signal. Why not
// Doist::request_stop() from the other thread: that thread cannot know
// whether the run has started (a request before it is forgotten), nor
// whether the Doist still exists; a flag is kept, and a watch that ends
// takes itself off it under its lock. The flag must outlive its watches
// (destroyed with one still on it: HIO_CHECK).
class StopFlag {
 public:
  StopFlag() = default;
  ~StopFlag();
  StopFlag(const StopFlag&) = delete;
  StopFlag& operator=(const StopFlag&) = delete;

  // Sets the flag and stops the run of each Doist that watches it now
  // (Doist::request_stop(signal) of each watch, which rings the Doist's
  // WakeFd): the run ends after the pass in progress, RunEnd::interrupted;
  // one waiting in real time for its next pass ends at once, at the tyme of
  // the pass that ran (ended_at_pass()). A run that starts later, or whose
  // watch begins later, ends after its first pass. Setting it again does
  // nothing more.
  void set();
  bool is_set() const { return set_.load(std::memory_order_acquire); }

 private:
  friend class StopFlagWatch;
  std::atomic<bool> set_{false};
  // The watches set() stops, changed and read under the lock: a watch that
  // has ended (and the Doist it watched for) is never told. Mutable: a run
  // that only watches the flag (a `const StopFlag*` in its options) never
  // changes whether it is set.
  mutable std::mutex mutex_;
  mutable std::vector<StopFlagWatch*> watches_;
};

// While it lives, the runs of `doist` end when `flag` is set: at once when
// it is set during a run (StopFlag::set), and after the first pass of a run
// that finds it set already (pass_ended). `signal`: what the stop stands
// for (Doist::request_stop(signal): stop_signal() and a journal's trailer
// say it); 0 for none. `flag` nullptr: it does nothing. Made and destroyed
// on the thread that runs the Doist, which must outlive it, as the flag
// must.
class StopFlagWatch final : public PassObserver {
 public:
  StopFlagWatch(Doist& doist, const StopFlag* flag, int signal = 0);
  ~StopFlagWatch() override;
  StopFlagWatch(const StopFlagWatch&) = delete;
  StopFlagWatch& operator=(const StopFlagWatch&) = delete;

  void pass_ended(Tyme tyme) override;

 private:
  friend class StopFlag;
  Doist& doist_;
  const StopFlag* flag_;
  int signal_;
};

}  // namespace hio
