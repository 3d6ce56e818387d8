#include "clean_stop_catch.hpp"

#include <pthread.h>

#include "hio/tools/cli.hpp"  // kCleanStopSignal

namespace hio::tools {

namespace {

// Lock-free, so that the handler may set it (async-signal-safe).
std::atomic<bool> g_clean_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_clean_stop(int) {
  g_clean_stop.store(true);
}

}  // namespace

CleanStopCatch::CleanStopCatch() {
  g_clean_stop.store(false);
  struct sigaction action {};
  action.sa_handler = on_clean_stop;
  sigemptyset(&action.sa_mask);
  // A read or a wait the signal interrupts goes on (the flag is read at the
  // end of the pass), as the stop signals' do.
  action.sa_flags = SA_RESTART;
  action_saved_ = ::sigaction(kCleanStopSignal, &action, &previous_action_) == 0;
  // Heard whatever mask hio inherited, as the stop signals are (CliSignals).
  sigset_t clean;
  sigemptyset(&clean);
  sigaddset(&clean, kCleanStopSignal);
  mask_saved_ = ::pthread_sigmask(SIG_UNBLOCK, &clean, &previous_mask_) == 0;
}

CleanStopCatch::~CleanStopCatch() {
  if (mask_saved_) ::pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
  if (action_saved_) ::sigaction(kCleanStopSignal, &previous_action_, nullptr);
}

const std::atomic<bool>* CleanStopCatch::caught() const {
  return &g_clean_stop;
}

}  // namespace hio::tools
