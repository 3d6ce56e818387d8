// A replaced global operator new that fails the allocation a test picks:
// set g_fail_in to k and the k-th allocation from then on (0: the next one)
// throws std::bad_alloc; -1 (the start) fails none. For the out-of-memory
// tests that fail each allocation of an operation in turn. A replacement is
// the program's: include this in one file of a binary of its own.
#pragma once

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

// The allocation that fails when this reaches 0; negative: none fails.
std::atomic<long> g_fail_in{-1};

}  // namespace

void* operator new(std::size_t size) {
  if (g_fail_in.load(std::memory_order_relaxed) >= 0 && g_fail_in.fetch_sub(1) == 0) {
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(size != 0 ? size : 1)) return p;
  throw std::bad_alloc();
}
// g++ cannot tell that these pair with the operator new above.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
