// Reactor: how the IO layer plugs into the Doist without the engine knowing
// about sockets. The Doist polls each attached reactor once per pass and, in
// real-time runs, waits on it between passes instead of sleeping.
#pragma once

#include <chrono>

#include "hio/engine/tyme.hpp"
#include "hio/engine/wake_fd.hpp"

namespace hio {

class Doist;

// Attachment: Doist::attach(reactor) attaches it to one Doist at a time. A
// reactor destroyed while attached detaches itself (so a hub may go before
// its Doist); a Doist destroyed first leaves its reactors detached, and
// tells each (doist_destroyed) first. A copy is attached nowhere.
class Reactor {
 public:
  Reactor() = default;
  Reactor(const Reactor&) noexcept {}
  Reactor& operator=(const Reactor&) noexcept { return *this; }
  virtual ~Reactor();

  // The Doist it is attached to, or nullptr.
  Doist* attached_to() const { return doist_; }

  // Handles whatever IO is ready, without blocking. Called at the start of
  // each pass, before any doer runs; doers it wakes run in that pass.
  virtual void poll() = 0;

  // Real-time runs: handles IO as it comes until the deadline. A stop of
  // the run (request_stop(), a stop signal) rings stop_wakes(): a wait that
  // watches them returns then, and the run ends at once, at the tyme of the
  // pass that ran. One that does not is noticed when it returns: the Doist
  // waits in slices of at most 0.1 s (the run still ends at the pass the
  // stop came after: the stop's time is noted). An early return is harmless (the
  // Doist waits again), but returning at once while nothing happened spins.
  virtual void wait_until(std::chrono::steady_clock::time_point deadline) = 0;
  // The wakes that a stop of the attached Doist's run rings (Doist::stop_wakes),
  // or none while attached to no Doist.
  StopWakes stop_wakes() const;

  // True while IO is in flight that could wake a doer. A busy reactor stops
  // the Doist from skipping tyme or declaring a run stalled.
  virtual bool busy() const = 0;

  // Virtual time: the earliest tyme at which this reactor has something due
  // (its poll at a pass at or after that tyme will act, e.g. wake a doer),
  // or kTymeNever for none. When skipping idle passes the Doist goes no
  // further than the first pass at or after it, and a reactor with something
  // due keeps a run from being declared stalled. It never keeps a run from
  // ending `done`. Optional: the default has nothing due.
  virtual Tyme next_tyme() const { return kTymeNever; }
  // Virtual time: true when it holds something due only at the end of tyme
  // (a delay that saturated there, as bytes whose latency reaches past it):
  // next_tyme() is then kTymeNever as for nothing, but a run stalled with it
  // ran out of tyme, not of input (Doist::ran_out_of_tyme). Optional: the
  // default holds nothing.
  virtual bool holds_past_end_of_tyme() const { return false; }

  // Doist::attach asks it first: a reactor that reads tyme through a tymth
  // (an IoHub) throws std::logic_error here, and is not attached, when that
  // is not `doist`'s clock. Optional: the default accepts any Doist.
  virtual void check_clock(const Doist& /*doist*/) const {}
  // The Doist it is attached to is being destroyed, and is still whole.
  // Called from ~Doist; must not throw. Optional: the default does nothing.
  // (A reactor that reads the Doist's tyme, attached or not, rather watches
  // its Tymist, as an IoHub does: see TymistWatcher.)
  virtual void doist_destroyed(const Doist& /*doist*/) noexcept {}

 private:
  friend class Doist;
  Doist* doist_ = nullptr;
};

}  // namespace hio
