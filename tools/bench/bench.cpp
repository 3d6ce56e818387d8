#include "bench.hpp"

#include <time.h>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

namespace {

std::atomic<std::uint64_t> g_heap_bytes{0};

}  // namespace

// Counting allocator: bytes_per_idle_doer needs what the heap was asked for.
void* operator new(std::size_t size) {
  g_heap_bytes.fetch_add(size, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace hio::bench {

void Report::add(std::string name, double value, std::string unit) {
  if (json_) {
    std::printf("{\"name\": \"%s\", \"value\": %.6g, \"unit\": \"%s\"}\n", name.c_str(), value,
                unit.c_str());
  } else {
    std::printf("%-32s %16.6g %s\n", name.c_str(), value, unit.c_str());
  }
  std::fflush(stdout);
  figures_.push_back(Figure{std::move(name), value, std::move(unit)});
}

void Report::skip(const std::string& name, const std::string& why) {
  if (json_) {
    std::printf("{\"name\": \"%s\", \"skipped\": \"%s\"}\n", name.c_str(), why.c_str());
  } else {
    std::printf("%-32s skipped: %s\n", name.c_str(), why.c_str());
  }
  std::fflush(stdout);
}

namespace {

double clock_seconds(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
}

double thread_cpu_seconds() {
  return clock_seconds(CLOCK_THREAD_CPUTIME_ID);
}

}  // namespace

double process_cpu_seconds() {
  return clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

double best_seconds(Runs runs, const std::function<void()>& fn) {
  double best = 1e300;
  for (int i = 0; i < runs.count; ++i) {
    double took = 0;
    if (runs.cpu_time) {
      const double start = thread_cpu_seconds();
      fn();
      took = thread_cpu_seconds() - start;
    } else {
      auto start = std::chrono::steady_clock::now();
      fn();
      took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    if (took < best) best = took;
  }
  return best;
}

std::uint64_t heap_bytes_allocated() {
  return g_heap_bytes.load(std::memory_order_relaxed);
}

}  // namespace hio::bench
