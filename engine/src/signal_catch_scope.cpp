#include "hio/engine/signal_catch_scope.hpp"

#include <pthread.h>

#include <stdexcept>
#include <string>

namespace hio {

SignalCatchScope::SignalCatchScope(std::span<const int> signals, void (*handler)(int),
                                   SignalCatchOptions options) {
  if (signals.size() > kSignalsMax) {
    throw std::invalid_argument("SignalCatchScope: " + std::to_string(signals.size()) +
                                " signals, at most " + std::to_string(kSignalsMax));
  }
  struct sigaction action {};
  action.sa_handler = handler;
  action.sa_flags = options.restart_calls ? SA_RESTART : 0;
  // Every signal of the scope waits while one of its handlers runs: the
  // handlers of a catch keep one flag between them (the first signal wins),
  // and need not be reentrant with each other on a thread.
  sigemptyset(&action.sa_mask);
  for (const int signal : signals) {
    if (sigaddset(&action.sa_mask, signal) != 0) {
      throw std::invalid_argument("SignalCatchScope: " + std::to_string(signal) +
                                  " is not a signal");
    }
  }
  sigset_t caught;
  sigemptyset(&caught);
  for (const int signal : signals) {
    Saved& entry = saved_[count_++];
    entry.signal = signal;
    if (options.leave_as_is != nullptr && options.leave_as_is(signal)) {
      entry.saved = ::sigaction(signal, nullptr, &entry.previous) == 0;
      continue;
    }
    entry.saved = ::sigaction(signal, &action, &entry.previous) == 0;
    sigaddset(&caught, signal);
  }
  // After the handler is in: a signal pending while it was blocked is
  // delivered to the handler, not to the action before.
  if (options.unblock) mask_saved_ = ::pthread_sigmask(SIG_UNBLOCK, &caught, &previous_mask_) == 0;
}

SignalCatchScope::~SignalCatchScope() {
  // The mask first: a signal the caller had blocked is blocked again before
  // its action goes back, so one that comes between them waits, pending, for
  // the action before (as it would have without the scope).
  if (mask_saved_) ::pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
  for (std::size_t i = 0; i < count_; ++i) {
    if (saved_[i].saved) ::sigaction(saved_[i].signal, &saved_[i].previous, nullptr);
  }
}

}  // namespace hio
