// A real-time run's wait between passes: an IoHub's ends at its deadline,
// not rounded up to a whole millisecond.
#include <gtest/gtest.h>

#include <chrono>

#include "hio/engine/doist.hpp"
#include "hio/io/io.hpp"

namespace hio::test {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Asio's run_until() hands epoll_wait its timeout in whole milliseconds,
// rounded up: every wait of 0.1 ms took at least 1 ms (a 1 ms tock was then
// late on most passes). Not a timing threshold: one of 200 waits ending
// before the millisecond is enough, which a rounded wait never does, loaded
// or not.
TEST(IoHubWait, AWaitShorterThanAMillisecondIsNotRoundedUpToOne) {
  Doist doist(milliseconds(1), /*real=*/true);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  const auto wait = microseconds(100);
  int under_a_ms = 0;
  for (int i = 0; i < 200 && under_a_ms == 0; ++i) {
    const auto start = steady_clock::now();
    io.wait_until(start + wait);
    const auto took = steady_clock::now() - start;
    EXPECT_GE(took, wait);  // not early either
    if (took < milliseconds(1)) ++under_a_ms;
  }
  EXPECT_GT(under_a_ms, 0) << "every wait of 0.1 ms took a millisecond or more";
}

}  // namespace
}  // namespace hio::test
