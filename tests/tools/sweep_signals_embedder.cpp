// A program with threads of its own (the stop signals unblocked there, as in
// any program) that sweeps, through the library and through run_cli, and runs
// a Doist beside a sweep (xrev20 findings 2 and 3):
// - a SIGINT the kernel hands to the program's thread stops a sweep (sweep()
//   returns interrupted, run_cli 130): the sweep's threads block the signals
//   for its watcher, and the engine's handler keeps one that another thread
//   takes;
// - a Doist run that begins before a sweep and ends during it, or begins
//   during a sweep and ends after it, leaves SIGINT's action what it was
//   (SIG_DFL): the sweep and the run hold the one, counted, catch.
// Every wait is bounded: a sweep that ignores the signal (200,000,000 seeds)
// is ended by a watchdog. Prints what differs; exit 0 if nothing.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "hio/engine/engine.hpp"
#include "hio/tools/cli.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/registry.hpp"
#include "hio/tools/sweep.hpp"

namespace {

using namespace std::chrono_literals;

int failures = 0;
void expect(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "sweep_signals_embedder: %s\n", what);
  ++failures;
}

bool sigint_is_default() {
  struct sigaction action {};
  ::sigaction(SIGINT, nullptr, &action);
  return (action.sa_flags & SA_SIGINFO) == 0 && action.sa_handler == SIG_DFL;
}

// Ends the program if `over` is not set within `limit`: a sweep that lost the
// signal would run its seeds for hours.
class Watchdog {
 public:
  Watchdog(const char* what, std::chrono::seconds limit)
      : thread_([this, what, limit] {
          const auto end = std::chrono::steady_clock::now() + limit;
          while (!over_ && std::chrono::steady_clock::now() < end)
            std::this_thread::sleep_for(10ms);
          if (over_) return;
          std::fprintf(stderr, "sweep_signals_embedder: %s: not over after %llds\n", what,
                       static_cast<long long>(limit.count()));
          std::_Exit(1);
        }) {}
  ~Watchdog() {
    over_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> over_{false};
  std::thread thread_;
};

// Runs (real time) until `release` is set; `running` once it has started.
class Held : public hio::Doer {
 public:
  Held(std::atomic<bool>& running, const std::atomic<bool>& release)
      : Doer("held", hio::Tock{10'000'000}), running_(running), release_(release) {}

 protected:
  bool recur(hio::Tyme) override {
    running_ = true;
    return release_.load();
  }

 private:
  std::atomic<bool>& running_;
  const std::atomic<bool>& release_;
};

void run_held(std::atomic<bool>& running, const std::atomic<bool>& release) {
  Held held(running, release);
  hio::Doist doist(hio::Tock{10'000'000}, /*real=*/true);
  doist.run({&held});
}

void wait_for(const std::atomic<bool>& flag) {
  for (int i = 0; i < 1000 && !flag; ++i)
    std::this_thread::sleep_for(10ms);
}

constexpr hio::tools::SeedRange kForHours{1, 200'000'000};

// SIGINT from the program's own thread once the first seed is reported.
void signal_from_another_thread(const hio::tools::Scenario& scenario,
                                const hio::tools::DoerRegistry& registry) {
  std::atomic<bool> first{false};
  std::thread program_thread([&] {
    wait_for(first);
    ::kill(::getpid(), SIGINT);
  });
  Watchdog watchdog("sweep() after a SIGINT on the program's thread", 20s);
  const hio::tools::SweepEnd end =
      hio::tools::sweep(scenario, registry, hio::tools::shard_seeds(kForHours, {1, 1}), {},
                        [&](const hio::tools::SeedResult&) { first = true; });
  program_thread.join();
  expect(end.interrupted && end.stop_signal == SIGINT,
         "sweep(): a SIGINT on the program's thread did not interrupt it");
  expect(sigint_is_default(), "sweep(): SIGINT is not SIG_DFL after the sweep");
}

// The same through run_cli: 130. The signal comes 300 ms after the command
// caught the stop signals (no callback says when the seeds run): either way
// it must end the command.
void signal_from_another_thread_cli(const char* scenario_path,
                                    const hio::tools::DoerRegistry& registry) {
  std::thread program_thread([] {
    for (int i = 0; i < 1000 && sigint_is_default(); ++i)
      std::this_thread::sleep_for(10ms);
    std::this_thread::sleep_for(300ms);
    ::kill(::getpid(), SIGINT);
  });
  Watchdog watchdog("run_cli(sweep) after a SIGINT on the program's thread", 20s);
  const char* const args[] = {"hio", "sweep", scenario_path, "--seeds", "1..200000000", nullptr};
  const int code = hio::tools::run_cli(5, args, registry);
  program_thread.join();
  expect(code == 130, "run_cli(sweep): a SIGINT on the program's thread did not make it 130");
  expect(sigint_is_default(), "run_cli(sweep): SIGINT is not SIG_DFL afterwards");
}

// A Doist run on a thread begins before the sweep and ends during it.
void run_ends_during_sweep(const hio::tools::Scenario& scenario,
                           const hio::tools::DoerRegistry& registry) {
  std::atomic<bool> running{false};
  std::atomic<bool> release{false};
  std::thread run_thread([&] { run_held(running, release); });
  wait_for(running);
  Watchdog watchdog("a run ending during a sweep", 60s);
  bool joined = false;
  hio::tools::sweep(scenario, registry, hio::tools::shard_seeds({1, 40}, {1, 1}), {},
                    [&](const hio::tools::SeedResult&) {
                      if (joined) return;
                      release = true;
                      run_thread.join();
                      joined = true;
                    });
  if (!joined) run_thread.join();
  expect(sigint_is_default(), "a run that ended during a sweep left SIGINT caught");
}

// A Doist run on a thread begins during the sweep and ends after it.
void run_ends_after_sweep(const hio::tools::Scenario& scenario,
                          const hio::tools::DoerRegistry& registry) {
  std::atomic<bool> running{false};
  std::atomic<bool> release{false};
  std::thread run_thread;
  Watchdog watchdog("a run ending after a sweep", 60s);
  hio::tools::sweep(scenario, registry, hio::tools::shard_seeds({1, 40}, {1, 1}), {},
                    [&](const hio::tools::SeedResult&) {
                      if (run_thread.joinable()) return;
                      run_thread = std::thread([&] { run_held(running, release); });
                      wait_for(running);
                    });
  release = true;
  if (run_thread.joinable()) run_thread.join();
  expect(sigint_is_default(), "a run that ended after a sweep left SIGINT caught");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  if (!sigint_is_default()) return 2;
  hio::tools::DoerRegistry registry;
  hio::tools::add_builtin_kinds(registry);
  const hio::tools::Scenario scenario = hio::tools::load_scenario_file(argv[1], registry);
  run_ends_during_sweep(scenario, registry);
  run_ends_after_sweep(scenario, registry);
  signal_from_another_thread(scenario, registry);
  signal_from_another_thread_cli(argv[1], registry);
  return failures == 0 ? 0 : 1;
}
