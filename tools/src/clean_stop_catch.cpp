#include "clean_stop_catch.hpp"

#include <signal.h>

#include <array>

#include "hio/engine/doist.hpp"  // request_stop_from_signal, forget_stop_requests_from_signal
#include "hio/tools/cli.hpp"     // kCleanStopSignal
#include "output.hpp"            // not_at_default_action

namespace hio::tools {

namespace {

// Async-signal-safe: the engine keeps the request and rings the wake a
// real-time run waits on, as for a caught stop signal.
void on_clean_stop(int) {
  request_stop_from_signal(kCleanStopSignal);
}

constexpr std::array<int, 1> kCleanStopSignals = {kCleanStopSignal};

}  // namespace

CleanStopCatch::CleanStopCatch() {
  // SA_RESTART: a read the signal interrupts goes on (a scenario read from
  // a pipe; the stop ends the run, not the command). A run's wait between
  // passes ends all the same: the handler rings its wake. Unblocked: heard
  // whatever mask hio inherited, as the stop signals are (CliSignals).
  // Only from its default action: a program that embeds run_cli and ignores
  // SIGUSR1 or handles it (log rotation) keeps it, and its SIGUSR1 never
  // stops the run.
  scope_.emplace(kCleanStopSignals, on_clean_stop,
                 SignalCatchOptions{.restart_calls = true,
                                    .mask = SignalMaskChange::unblock,
                                    .leave_as_is = not_at_default_action});
}

CleanStopCatch::~CleanStopCatch() {
  // Only where the handler was ours: a program's own handler's requests are
  // the program's to keep.
  const bool ours = sigismember(&scope_->caught(), kCleanStopSignal) == 1;
  scope_.reset();  // the action before first: no request of ours after this
  if (ours) forget_stop_requests_from_signal();
}

}  // namespace hio::tools
