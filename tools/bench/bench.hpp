// hio-bench's small harness: timing (best of several runs, wall clock — a
// benchmark is the one place it belongs) and one JSON object per line.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hio::bench {

struct Figure {
  std::string name;
  double value;
  std::string unit;
};

class Report {
 public:
  explicit Report(bool json) : json_(json) {}
  void add(std::string name, double value, std::string unit);
  // A figure this build cannot measure, and why: {"name", "skipped": "why"}.
  void skip(const std::string& name, const std::string& why);
  const std::vector<Figure>& figures() const { return figures_; }

 private:
  bool json_;
  std::vector<Figure> figures_;
};

// How best_seconds times: the best of `count` runs, on the wall clock or, with
// cpu_time, the calling thread's CPU clock (time spent preempted on a loaded
// machine is then left out).
struct Runs {
  int count = 1;
  bool cpu_time = false;
};

struct Options {
  bool json = false;
  bool quick = false;     // fewer repetitions (CI smoke run)
  bool cpu_time = false;  // --cpu-time
  int rounds() const { return quick ? 1 : 5; }
  Runs repeats() const { return Runs{rounds(), cpu_time}; }
  Runs once() const { return Runs{1, cpu_time}; }
};

// Best (smallest) time in seconds of `runs.count` runs of fn.
double best_seconds(Runs runs, const std::function<void()>& fn);

// CPU seconds of the whole process, all its threads (CLOCK_PROCESS_CPUTIME_ID).
double process_cpu_seconds();

// Heap bytes requested through operator new since start (this binary counts).
std::uint64_t heap_bytes_allocated();

using Suite = void (*)(const Options&, Report&);
void engine_suite(const Options& options, Report& report);
void sim_suite(const Options& options, Report& report);
void journal_suite(const Options& options, Report& report);
void io_suite(const Options& options, Report& report);
void tools_suite(const Options& options, Report& report);

}  // namespace hio::bench
