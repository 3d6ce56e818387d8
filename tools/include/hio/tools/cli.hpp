// The hio command line as a library call, so a user's program gets the whole
// CLI with its own doer kinds: build a DoerRegistry (add_builtin_kinds, then
// your kinds) and return run_cli(argc, argv, registry) from main.
#pragma once

#include <csignal>
#include <string>

#include "hio/tools/registry.hpp"

namespace hio::tools {

// Exit codes of every subcommand.
enum ExitCode : int {
  kExitOk = 0,
  kExitHangup = 129,  // SIGHUP
  kExitExpectationsFailed = 1,
  kExitBadInput = 2,
  kExitDivergence = 3,
  kExitOutputFailed = 4,   // hio's own output could not be written: stdout, a journal, a report
  kExitDoerError = 5,      // a doer threw: the run ended with an error (journal end=error)
  kExitInternal = 6,       // hio could not go on: out of memory, or a failure of its own, not
                           // the input's (an exception no command expected)
  kExitInterrupted = 130,  // SIGINT
  kExitBrokenPipe = 141,   // stdout's reader left (EPIPE): as if killed by SIGPIPE
  kExitTerminated = 143,   // SIGTERM
};

// The signal that ends `hio run` cleanly, as if its work were done (`kill
// -USR1 PID`): the run stops after the pass that ends next, `ended: stopped
// (SIGUSR1)`, its `final` expectations are judged there and it exits by its
// verdict. A real capture of a live session of unknown length ends so
// (SIGINT, SIGTERM, SIGHUP interrupt it: exit 130, 143, 129, nothing final
// judged). The journal's trailer keeps it as the stop signal (end =
// interrupted, stopSignal 10), and a replay judges that end as the run did.
inline constexpr int kCleanStopSignal = SIGUSR1;

// The exit code and the name of the signal (SIGINT, SIGTERM or SIGHUP) that
// interrupted a run, a replay or a sweep: 128 + the signal, as shells report.
// stop_signal_name also names kCleanStopSignal, which ends a run that way.
inline int interrupted_exit_code(int signal) {
  if (signal == SIGTERM) return kExitTerminated;
  return signal == SIGHUP ? kExitHangup : kExitInterrupted;
}
inline const char* stop_signal_name(int signal) {
  if (signal == kCleanStopSignal) return "SIGUSR1";
  if (signal == SIGTERM) return "SIGTERM";
  return signal == SIGHUP ? "SIGHUP" : "SIGINT";
}
// "stopped (SIGUSR1)" for kCleanStopSignal, "interrupted (SIGINT)" for a
// stop signal: how a run that `signal` ended ended.
inline std::string stop_signal_end(int signal) {
  return std::string(signal == kCleanStopSignal ? "stopped (" : "interrupted (") +
         stop_signal_name(signal) + ")";
}
// The code is one of interrupted_exit_code's.
inline bool is_interrupted_exit_code(int code) {
  return code == kExitInterrupted || code == kExitTerminated || code == kExitHangup;
}

int run_cli(int argc, const char* const* argv, const DoerRegistry& registry);

}  // namespace hio::tools
