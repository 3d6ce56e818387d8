// SimPortTable (io/src/sim_port_table.hpp), a SimNet host's bound ports, on
// its own: every port from 0 to 65535 binds, is found, is refused while
// bound and frees again, in pages allocated on demand; a host with few ports
// costs bytes, not pages; a mix of binds and frees across the move into
// pages agrees with a std::map.
#include "sim_port_table.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace hio::detail {
namespace {
namespace sim_port_table_test {

struct Endpoint {
  int id = 0;
};

TEST(SimPortTable, EveryPortBindsOnceIsFoundAndFreesAgain) {
  SimPortTable<Endpoint> table;
  Endpoint a{1}, b{2};
  EXPECT_EQ(table.find(0), nullptr);  // nothing allocated yet
  EXPECT_EQ(table.find(65535), nullptr);
  table.erase(7);  // erasing a port never bound does nothing
  EXPECT_TRUE(table.emplace(7, &a));
  EXPECT_FALSE(table.emplace(7, &b));  // taken: refused, unchanged
  EXPECT_EQ(table.find(7), &a);
  EXPECT_EQ(table.find(8), nullptr);      // same page, not bound
  EXPECT_EQ(table.find(49152), nullptr);  // another page, not allocated
  table.erase(7);
  EXPECT_EQ(table.find(7), nullptr);
  EXPECT_TRUE(table.emplace(7, &b));
  EXPECT_EQ(table.find(7), &b);

  // All 65,536 ports, every page's first and last slot among them.
  std::vector<Endpoint> endpoints(65'536);
  table.clear();
  for (std::uint32_t p = 0; p < 65'536; ++p)
    ASSERT_TRUE(table.emplace(static_cast<std::uint16_t>(p), &endpoints[p])) << p;
  for (std::uint32_t p = 0; p < 65'536; ++p)
    ASSERT_EQ(table.find(static_cast<std::uint16_t>(p)), &endpoints[p]) << p;
  for (std::uint32_t p = 0; p < 65'536; p += 2)
    table.erase(static_cast<std::uint16_t>(p));
  for (std::uint32_t p = 0; p < 65'536; ++p)
    ASSERT_EQ(table.find(static_cast<std::uint16_t>(p)), p % 2 == 0 ? nullptr : &endpoints[p]) << p;
  table.clear();
  EXPECT_EQ(table.find(1), nullptr);
}

// rev29a M2: a page and a directory for each kind a host binds came to
// 512 MiB at SimNet's 65,536 hosts with one listener and one datagram port
// each. A host with a port of each kind costs tens of bytes now.
TEST(SimPortTable, ManyHostsWithAPortOfEachKindCostBytesNotPages) {
  constexpr std::size_t kHosts = 65'536;
  std::vector<SimPortTable<Endpoint>> listeners(kHosts), datagrams(kHosts);
  Endpoint e{1};
  std::size_t bytes = 0;
  for (std::size_t h = 0; h < kHosts; ++h) {
    ASSERT_TRUE(listeners[h].emplace(80, &e));
    ASSERT_TRUE(datagrams[h].emplace(49152, &e));
    bytes += listeners[h].heap_bytes() + datagrams[h].heap_bytes();
  }
  EXPECT_LE(bytes, kHosts * 2 * 32);  // was kHosts * 2 * 4096
  EXPECT_EQ(listeners[7].find(80), &e);
  EXPECT_EQ(datagrams[7].find(49152), &e);
  EXPECT_EQ(datagrams[7].find(80), nullptr);

  // The vector holds kFewPorts ports; the next one moves them into pages.
  SimPortTable<Endpoint> table;
  std::vector<Endpoint> endpoints(SimPortTable<Endpoint>::kFewPorts + 1);
  for (std::size_t i = 0; i < SimPortTable<Endpoint>::kFewPorts; ++i)
    ASSERT_TRUE(table.emplace(static_cast<std::uint16_t>(60'000 - i * 1000), &endpoints[i]));
  EXPECT_LE(table.heap_bytes(), SimPortTable<Endpoint>::kFewPorts * 16);
  EXPECT_FALSE(table.emplace(60'000, &e));  // taken, and no move for a refusal
  EXPECT_LE(table.heap_bytes(), SimPortTable<Endpoint>::kFewPorts * 16);
  ASSERT_TRUE(table.emplace(1, &endpoints.back()));
  EXPECT_GE(table.heap_bytes(), 4096U);  // in pages now
  for (std::size_t i = 0; i < SimPortTable<Endpoint>::kFewPorts; ++i)
    ASSERT_EQ(table.find(static_cast<std::uint16_t>(60'000 - i * 1000)), &endpoints[i]) << i;
  EXPECT_EQ(table.find(1), &endpoints.back());
  table.clear();
  EXPECT_EQ(table.heap_bytes(), 0U);
  EXPECT_EQ(table.find(1), nullptr);
}

// Binds and frees drawn from a fixed sequence, over few ports (so the
// table crosses into pages and is cleared back) agree with a std::map.
TEST(SimPortTable, BindsAndFreesAcrossTheMoveIntoPagesAgreeWithAMap) {
  std::vector<Endpoint> endpoints(64);
  SimPortTable<Endpoint> table;
  std::map<std::uint16_t, Endpoint*> expected;
  std::uint32_t x = 12345;
  int in_pages = 0, small = 0;  // steps that ended in each form
  for (int step = 0; step < 20'000; ++step) {
    if (step % 2000 == 1999) {  // back to nothing now and then, and small again
      table.clear();
      expected.clear();
    }
    x = x * 1'103'515'245U + 12'345U;  // a fixed LCG: the same steps every run
    const auto port = static_cast<std::uint16_t>((x >> 8) % 24 * 2730);  // 24 ports, spread
    Endpoint* endpoint = &endpoints[(x >> 20) % endpoints.size()];
    if ((x >> 28) % 3 != 0) {
      ASSERT_EQ(table.emplace(port, endpoint), expected.emplace(port, endpoint).second) << step;
    } else {
      table.erase(port);
      expected.erase(port);
    }
    auto it = expected.find(port);
    ASSERT_EQ(table.find(port), it == expected.end() ? nullptr : it->second) << step;
    ++(table.heap_bytes() >= 4096 ? in_pages : small);
  }
  EXPECT_GT(in_pages, 0);
  EXPECT_GT(small, 0);
  for (std::uint32_t p = 0; p < 65'536; p += 7) {
    auto it = expected.find(static_cast<std::uint16_t>(p));
    ASSERT_EQ(table.find(static_cast<std::uint16_t>(p)),
              it == expected.end() ? nullptr : it->second);
  }
}

}  // namespace sim_port_table_test
}  // namespace
}  // namespace hio::detail
