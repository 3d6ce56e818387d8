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

struct Options {
  bool json = false;
  bool quick = false;  // fewer repetitions (CI smoke run)
  int repeats() const { return quick ? 1 : 5; }
};

// Best (smallest) wall time in seconds of `repeats` runs of fn.
double best_seconds(int repeats, const std::function<void()>& fn);

// --cpu-time: best_seconds measures the calling thread's CPU time instead,
// so that time the thread spends preempted on a loaded machine is left out.
void set_cpu_time(bool on);

// Heap bytes requested through operator new since start (this binary counts).
std::uint64_t heap_bytes_allocated();

using Suite = void (*)(const Options&, Report&);
void engine_suite(const Options& options, Report& report);
void sim_suite(const Options& options, Report& report);
void journal_suite(const Options& options, Report& report);
void io_suite(const Options& options, Report& report);

}  // namespace hio::bench
