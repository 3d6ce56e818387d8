// A program that embeds run_cli and handles SIGPIPE and SIGXFSZ itself: its
// handlers are still its own after run_cli returns (run_cli used to replace
// the SIGPIPE one for good, and ignore SIGXFSZ for good), and a stdout whose
// reader has gone calls its SIGPIPE handler and makes run_cli return 141
// instead of killing the program; where the actions are SIG_DFL, they are
// SIG_DFL again afterwards; a signal mask that blocks SIGTERM is the
// program's again afterwards. A SIGUSR1 handler of the program's is left as
// it is by hio run (it used to be replaced for the run: the program's log
// rotation signal ended the run, "stopped", and its handler never ran). A
// SIGUSR1 at SIG_DFL, caught by hio run, stops hio run only: a run of the
// program's own (run_scenario on another thread, not asking to stop on a
// handler's request) goes on until the program ends it (the engine's half of it:
// DoistRules.AStopRequestedFromASignalHandlerLeavesTheRunsThatDidNotAskForIt).
// Prints what differs; exit 0 if nothing.
//   signals-embedder REAL_SCENARIO (a real-time one that runs at least 1 s)
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>

#include "hio/engine/stop_flag.hpp"
#include "hio/tools/cli.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/registry.hpp"
#include "hio/tools/runner.hpp"

namespace {

volatile sig_atomic_t pipe_signals = 0;
extern "C" void on_pipe(int /*signal*/) {
  pipe_signals = pipe_signals + 1;
}
extern "C" void on_xfsz(int /*signal*/) {}
volatile sig_atomic_t usr1_signals = 0;
extern "C" void on_usr1(int /*signal*/) {
  usr1_signals = usr1_signals + 1;
}

using Handler = void (*)(int);

Handler handler_of(int signal) {
  struct sigaction action {};
  ::sigaction(signal, nullptr, &action);
  return action.sa_handler;
}

void set_handler(int signal, Handler handler) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  ::sigaction(signal, &action, nullptr);
}

int failures = 0;
void expect(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "signals_embedder: %s\n", what);
  ++failures;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  hio::tools::DoerRegistry registry;
  hio::tools::add_builtin_kinds(registry);
  const char* const version[] = {"hio", "--version", nullptr};

  set_handler(SIGPIPE, on_pipe);
  set_handler(SIGXFSZ, on_xfsz);
  // stdout a pipe whose reader has gone.
  int fds[2];
  if (::pipe(fds) != 0) return 2;
  ::close(fds[0]);
  const int saved_stdout = ::dup(STDOUT_FILENO);
  ::dup2(fds[1], STDOUT_FILENO);
  ::close(fds[1]);
  const int code = hio::tools::run_cli(2, version, registry);
  ::dup2(saved_stdout, STDOUT_FILENO);
  ::close(saved_stdout);
  expect(code == 141, "run_cli with stdout's reader gone did not return 141");
  expect(pipe_signals > 0, "the program's SIGPIPE handler was not called");
  expect(handler_of(SIGPIPE) == on_pipe, "the SIGPIPE handler is not the program's after run_cli");
  expect(handler_of(SIGXFSZ) == on_xfsz, "the SIGXFSZ handler is not the program's after run_cli");

  set_handler(SIGPIPE, SIG_DFL);
  set_handler(SIGXFSZ, SIG_DFL);
  expect(hio::tools::run_cli(2, version, registry) == 0, "hio --version failed");
  expect(handler_of(SIGPIPE) == SIG_DFL, "SIGPIPE is not SIG_DFL again after run_cli");
  expect(handler_of(SIGXFSZ) == SIG_DFL, "SIGXFSZ is not SIG_DFL again after run_cli");

  // run_cli unblocks the stop signals for itself (a launcher's mask must
  // not keep them from acting) and gives the program its mask back.
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &term, nullptr);
  expect(hio::tools::run_cli(2, version, registry) == 0,
         "hio --version with SIGTERM blocked failed");
  sigset_t mask;
  ::pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  expect(sigismember(&mask, SIGTERM) == 1, "SIGTERM is not blocked again after run_cli");
  ::pthread_sigmask(SIG_UNBLOCK, &term, nullptr);

  // hio run with a SIGUSR1 handler of the program's: a SIGUSR1 0.3 s into
  // the run (limited to 1 s) is the program's, and the run goes to its end.
  set_handler(SIGUSR1, on_usr1);
  std::atomic<bool> sent{false};
  std::thread sender([&sent] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    sent = true;
    ::kill(::getpid(), SIGUSR1);
  });
  const char* const run[] = {"hio", "run", argv[1], "--limit", "1s", nullptr};
  const int ran = hio::tools::run_cli(5, run, registry);
  const bool sent_during_run = sent;
  sender.join();
  expect(sent_during_run, "hio run ended before SIGUSR1 was sent: the scenario is too short");
  expect(ran == 0, "hio run with the program's SIGUSR1 handler failed");
  expect(usr1_signals == 1,
         "the program's SIGUSR1 handler did not get the SIGUSR1 sent in the run");
  expect(handler_of(SIGUSR1) == on_usr1, "the SIGUSR1 handler is not the program's after run_cli");

  // hio run beside a real-time run of the program's own: a SIGUSR1 once hio
  // run catches it (and the program's run has begun) stops hio run,
  // "stopped (SIGUSR1)", and the program's run goes on. Its limit, 60 s, is
  // only a bound: once hio run has returned, the program ends its run with a
  // StopFlag of its own, and only then is it over. (Until session 23 the
  // program's run lasted 2 s, unscaled: on a loaded machine under TSan it
  // could end before hio run caught SIGUSR1, and a run that ended between
  // the stopper's look and its kill() passed while proving nothing.)
  set_handler(SIGUSR1, SIG_DFL);
  hio::tools::Scenario own = hio::tools::load_scenario_file(argv[1], registry);
  own.run.limit = std::chrono::seconds(60);
  hio::StopFlag end_own;
  std::atomic<bool> own_begun{false};
  std::atomic<bool> own_over{false};
  hio::tools::RunSummary own_summary;
  std::thread own_run([&] {
    hio::tools::RunOptions options;
    options.listening = [&own_begun](const hio::tools::Listening&) { own_begun = true; };
    options.stop = &end_own;
    try {
      own_summary = hio::tools::run_scenario(own, registry, options);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "signals_embedder: the program's own run threw: %s\n", error.what());
      ++failures;
    }
    own_over = true;
  });
  std::atomic<bool> own_begun_at_kill{false};
  std::thread stopper([&] {
    // Bounded: 30 s for hio run's catch (SIGUSR1's action no longer SIG_DFL).
    for (int i = 0; i < 30'000 && !(own_begun && handler_of(SIGUSR1) != SIG_DFL); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    own_begun_at_kill = own_begun.load();
    ::kill(::getpid(), SIGUSR1);
  });
  // hio run's summary on stdout: into a file, read back.
  std::FILE* const summary = std::tmpfile();
  if (summary == nullptr) return 2;
  const int stdout_before = ::dup(STDOUT_FILENO);
  ::dup2(::fileno(summary), STDOUT_FILENO);
  const char* const beside[] = {"hio", "run", argv[1], "--limit", "30s", nullptr};
  hio::tools::run_cli(5, beside, registry);
  ::dup2(stdout_before, STDOUT_FILENO);
  ::close(stdout_before);
  stopper.join();
  // The SIGUSR1 has been handled (hio run returned): the program's run,
  // begun before it, must still be going, whatever the machine's speed.
  const bool own_went_on = !own_over;
  end_own.set();
  own_run.join();
  std::string said;
  std::rewind(summary);
  for (int c; (c = std::fgetc(summary)) != EOF;)
    said += static_cast<char>(c);
  std::fclose(summary);
  expect(own_begun_at_kill,
         "the program's run had not begun when SIGUSR1 was sent: the test says nothing");
  expect(said.find("ended: stopped (SIGUSR1)\n") != std::string::npos,
         "hio run beside the program's run was not stopped by SIGUSR1");
  expect(own_went_on, "the program's own run was over when hio run's SIGUSR1 had stopped it");
  expect(own_summary.end == hio::RunEnd::interrupted && !own_summary.stopped(),
         "the program's own run did not go on until the program ended it: hio run's SIGUSR1 "
         "ended it");
  return failures == 0 ? 0 : 1;
}
