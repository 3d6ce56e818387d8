#include "clean_stop_catch.hpp"

#include <array>

#include "hio/tools/cli.hpp"  // kCleanStopSignal
#include "output.hpp"         // not_at_default_action

namespace hio::tools {

namespace {

// Lock-free, so that the handler may set it (async-signal-safe: a lock or
// a non-lock-free atomic could deadlock with the code the signal
// interrupted) and the run's thread read it without a data race.
std::atomic<bool> g_clean_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_clean_stop(int) {
  g_clean_stop.store(true);
}

constexpr std::array<int, 1> kCleanStopSignals = {kCleanStopSignal};

}  // namespace

CleanStopCatch::CleanStopCatch() {
  g_clean_stop.store(false);
  // SA_RESTART: a read or a wait the signal interrupts goes on (the flag is
  // read at the end of the pass). Unblocked: heard whatever mask hio
  // inherited, as the stop signals are (CliSignals). Only from its default
  // action: a program that embeds run_cli and ignores SIGUSR1 or handles it
  // (log rotation) keeps it, and its SIGUSR1 never stops the run.
  scope_.emplace(kCleanStopSignals, on_clean_stop,
                 SignalCatchOptions{.restart_calls = true,
                                    .mask = SignalMaskChange::unblock,
                                    .leave_as_is = not_at_default_action});
}

const std::atomic<bool>* CleanStopCatch::caught() const {
  return &g_clean_stop;
}

}  // namespace hio::tools
