// Memory that must not grow with a run's length or a scenario's size, counted
// (never timed): a replaced global operator new keeps the live heap bytes and
// their peak. Its own binary, because it replaces operator new.
#include <gtest/gtest.h>

#include <malloc.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"

namespace {

std::atomic<std::int64_t> g_live{0};  // bytes allocated by operator new, not freed
std::atomic<std::int64_t> g_peak{0};

}  // namespace

void* operator new(std::size_t size) {
  void* p = std::malloc(size != 0 ? size : 1);
  if (p == nullptr) throw std::bad_alloc();
  const auto n = static_cast<std::int64_t>(malloc_usable_size(p));
  const std::int64_t live = g_live.fetch_add(n, std::memory_order_relaxed) + n;
  std::int64_t peak = g_peak.load(std::memory_order_relaxed);
  while (live > peak && !g_peak.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
  return p;
}
// g++ cannot tell that these pair with the operator new above.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  g_live.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  operator delete(p);
}

namespace hio::tools {
namespace {

// The peak of the live heap while fn runs, above the live heap before it.
template <class Fn>
std::int64_t peak_bytes(Fn fn) {
  const std::int64_t before = g_live.load();
  g_peak.store(before);
  fn();
  return g_peak.load() - before;
}

// A SimNet host that never binds an ephemeral port took its two 2 KiB port
// bitmaps anyway: 65,536 hosts, 292 MB before any doer ran. Now the bits
// come with the first port.
TEST(Memory, ASimNetHostCostsNoPortBitmapUntilItUsesAPort) {
  constexpr int kHosts = 4096;
  Doist doist(Tock{1'000'000});
  IoHub io(doist.tymth());
  doist.attach(io);
  SimNet net(doist, io);
  const std::int64_t bytes = peak_bytes([&] {
    for (int i = 0; i < kHosts; ++i)
      net.add_host("host" + std::to_string(i));
  });
  EXPECT_LT(bytes / kHosts, 1024) << bytes << " bytes for " << kHosts << " hosts";
}

}  // namespace
}  // namespace hio::tools
