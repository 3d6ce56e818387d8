// SignalCatchScope: a handler for a few signals for as long as it lives, and
// the actions (and the thread's mask) they had before put back when it goes.
// The one place that saves, installs and restores signal actions in hio
// (StopSignalCatch's SIGINT/SIGTERM/SIGHUP, hio run's SIGUSR1, the CLI's
// SIGPIPE/SIGXFSZ), and that blocks them for a watcher thread (hio sweep's);
// what a caught signal means (a flag, the first signal's number, a nesting
// count) stays with its user.
#pragma once

#include <array>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <span>

namespace hio {

// What a scope does to the calling thread's mask for the signals it
// catches (and so to the threads that thread starts), put back at its end.
enum class SignalMaskChange : std::uint8_t {
  keep,
  // Heard whatever mask the process inherited (a launcher may block a signal
  // before exec).
  unblock,
  // Held for a thread that takes them by sigtimedwait (hio sweep's
  // watcher); a handler serves the threads that have them unblocked.
  block,
};

struct SignalCatchOptions {
  // SA_RESTART: a read or a wait the signal interrupts goes on (for a flag
  // that is read later, at a pass's end). Off, it fails with EINTR: a wait
  // that must end at once on the signal wants that.
  bool restart_calls = false;
  SignalMaskChange mask = SignalMaskChange::keep;
  // A signal for which it returns true is left with the action it has (not
  // caught, its mask not changed): a SIGHUP that came in ignored
  // (stop_signal_kept_ignored()). Its action is still put back at the end.
  bool (*leave_as_is)(int signal) = nullptr;
};

// Process-wide, as signal actions are: scopes over the same signal must end
// in the reverse order they began (each puts back what it found), and the
// thread whose mask changed (options.mask) must be the one that ends it.
// A signal is blocked while its action changes whenever the scope or the
// caller blocks it: one that comes meanwhile waits, pending, for the action
// it is meant for (the scope's handler or sigtimedwait on the way in, the
// action before on the way out) instead of reaching the other one.
// `handler` nullptr: no action changes, only the mask (hio sweep's
// threads, whose signals the engine's StopSignalCatch handles elsewhere);
// caught() is then the signals it blocks. Otherwise `handler` runs in signal context, on any thread
// that has the signal unblocked: it may only do what is async-signal-safe (store to a lock-free
// std::atomic or a volatile std::sig_atomic_t, write(2)); a lock, an
// allocation or a non-lock-free atomic could deadlock with the code it
// interrupted. While it runs, the scope's other signals wait (sa_mask), so
// one handler of a scope never interrupts another on the same thread.
// At most kSignalsMax signals, each once: std::invalid_argument for more, for
// one given twice, or for one that is not a signal, before any action changed.
// Actions are put back in the reverse order they were installed. A sigaction() that fails
// leaves that signal's action as it was, and nothing is put back for it.
class SignalCatchScope {
 public:
  static constexpr std::size_t kSignalsMax = 4;

  SignalCatchScope(std::span<const int> signals, void (*handler)(int), SignalCatchOptions options);
  ~SignalCatchScope();
  SignalCatchScope(const SignalCatchScope&) = delete;
  SignalCatchScope& operator=(const SignalCatchScope&) = delete;

  // The signals it installed its handler for (not those left as they are):
  // what a watcher thread waits for (SignalMaskChange::block).
  const sigset_t& caught() const { return caught_; }

 private:
  struct Saved {
    int signal = 0;
    struct sigaction previous {};
    bool saved = false;  // `previous` holds its action, put back at the end
  };
  std::array<Saved, kSignalsMax> saved_{};
  std::size_t count_ = 0;
  sigset_t caught_{};
  SignalMaskChange mask_change_;
  sigset_t previous_mask_{};
  bool mask_saved_ = false;
};

}  // namespace hio
