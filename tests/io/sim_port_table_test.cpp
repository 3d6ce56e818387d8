// SimPortTable (io/src/sim_port_table.hpp), a SimNet host's bound ports, on
// its own: every port from 0 to 65535 binds, is found, is refused while
// bound and frees again, in pages allocated on demand.
#include "sim_port_table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
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

}  // namespace sim_port_table_test
}  // namespace
}  // namespace hio::detail
