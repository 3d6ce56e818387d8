#include "hio/engine/signal_catch_scope.hpp"

#include <pthread.h>

#include <array>
#include <stdexcept>
#include <string>

namespace hio {

SignalCatchScope::SignalCatchScope(std::span<const int> signals, void (*handler)(int),
                                   SignalCatchOptions options)
    : mask_change_(options.mask) {
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
    // A signal given twice would save the scope's own handler as the action
    // before it: refused, so that what is put back is what was found.
    if (sigismember(&action.sa_mask, signal) == 1) {
      throw std::invalid_argument("SignalCatchScope: signal " + std::to_string(signal) +
                                  " given twice");
    }
    if (sigaddset(&action.sa_mask, signal) != 0) {
      throw std::invalid_argument("SignalCatchScope: " + std::to_string(signal) +
                                  " is not a signal");
    }
  }
  sigemptyset(&caught_);
  std::array<bool, kSignalsMax> left{};
  for (std::size_t i = 0; i < signals.size(); ++i) {
    left[i] = options.leave_as_is != nullptr && options.leave_as_is(signals[i]);
    if (!left[i]) sigaddset(&caught_, signals[i]);
  }
  // Blocked before the handler goes in: one that comes meanwhile waits for
  // the thread that takes it by sigtimedwait.
  if (mask_change_ == SignalMaskChange::block)
    mask_saved_ = ::pthread_sigmask(SIG_BLOCK, &caught_, &previous_mask_) == 0;
  for (std::size_t i = 0; i < signals.size(); ++i) {
    Saved& entry = saved_[count_++];
    entry.signal = signals[i];
    // No handler: the actions stay (a mask-only scope), nothing to put back.
    if (handler == nullptr) continue;
    entry.saved = ::sigaction(signals[i], left[i] ? nullptr : &action, &entry.previous) == 0;
  }
  // Unblocked after the handler is in: a signal pending while it was
  // blocked is delivered to the handler, not to the action before.
  if (mask_change_ == SignalMaskChange::unblock)
    mask_saved_ = ::pthread_sigmask(SIG_UNBLOCK, &caught_, &previous_mask_) == 0;
}

SignalCatchScope::~SignalCatchScope() {
  // Blocked again before the actions go back (a signal the caller had
  // blocked: one that comes between them waits, pending, for the action
  // before, as it would have without the scope); unblocked only after them
  // (one pending, that no watcher took, goes to the action before, not to
  // the handler of a catch that is over).
  if (mask_saved_ && mask_change_ == SignalMaskChange::unblock)
    ::pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
  // In the reverse order of installation, as nested scopes end.
  for (std::size_t i = count_; i-- > 0;) {
    if (saved_[i].saved) ::sigaction(saved_[i].signal, &saved_[i].previous, nullptr);
  }
  if (mask_saved_ && mask_change_ == SignalMaskChange::block)
    ::pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

}  // namespace hio
