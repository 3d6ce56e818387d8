// CleanStopCatch: hio run's kCleanStopSignal (SIGUSR1), turned into a stop
// of the run (request_stop_from_signal), so that the run ends as `stopped`
// at the pass the signal came after, a real-time wait for the next pass cut
// short (docs/scenarios.md, "Ending a run cleanly").
#pragma once

#include <optional>

#include "hio/engine/signal_catch_scope.hpp"

namespace hio::tools {

// Catches kCleanStopSignal for as long as it lives (unblocked in the thread
// that makes it, and in the threads that thread starts). Made while the
// command's StopSignalCatch is held, from before the scenario is read: one
// that comes while it is read or built is kept with the catch, and the run
// stops after its first pass. The previous action and mask come back when
// it goes. Only where its action is SIG_DFL: one ignored or handled by the
// program is left as it is. One at a time (process-wide, as the handler is).
// A request its handler made is forgotten when it goes: it was for this
// command's run, not for a later command's (a run of the program's own on
// another thread may hold the engine's catch, which would keep it).
class CleanStopCatch {
 public:
  CleanStopCatch();
  ~CleanStopCatch();
  CleanStopCatch(const CleanStopCatch&) = delete;
  CleanStopCatch& operator=(const CleanStopCatch&) = delete;

 private:
  std::optional<SignalCatchScope> scope_;
};

}  // namespace hio::tools
