// CleanStopCatch: hio run's kCleanStopSignal (SIGUSR1), turned into a flag
// that the run's StopWhenSet reads at the end of each pass, so that the run
// ends there as `stopped` (docs/scenarios.md, "Ending a run cleanly").
#pragma once

#include <atomic>
#include <optional>

#include "hio/engine/signal_catch_scope.hpp"

namespace hio::tools {

// Catches kCleanStopSignal for as long as it lives (unblocked in the thread
// that makes it, and in the threads that thread starts), from before the
// scenario is read: one that comes while it is read or built is kept, and
// the run stops after its first pass. Only where its action is SIG_DFL: one
// ignored or handled by the program is left as it is (caught() then stays
// false). The previous action and mask come back when it goes. One at a
// time (process-wide, as the handler is).
class CleanStopCatch {
 public:
  CleanStopCatch();
  CleanStopCatch(const CleanStopCatch&) = delete;
  CleanStopCatch& operator=(const CleanStopCatch&) = delete;

  // Set once the signal came (RunOptions::clean_stop).
  const std::atomic<bool>* caught() const;

 private:
  std::optional<SignalCatchScope> scope_;  // made once the flag is cleared
};

}  // namespace hio::tools
