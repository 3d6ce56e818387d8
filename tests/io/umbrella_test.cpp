// <hio/io/io.hpp> says it is everything of hio::io: this file includes only
// it and uses SimNet and its knobs, which it left out ("'SimNet' is not a
// member of 'hio'": this file did not compile).
#include <gtest/gtest.h>

#include "hio/io/io.hpp"

namespace hio::test {
namespace {
namespace umbrella_test {

TEST(IoUmbrella, HasSimNetAndItsLinksBesideTheRealTransports) {
  Doist doist(Tock{1'000'000});
  IoHub io(doist.tymth());
  SimNet net(doist, io, SimNetOptions{.seed = 7});
  net.add_host("a");
  net.add_host("b");
  LinkParams slow;
  slow.latency = Tock{5'000'000};
  net.set_link("a", "b", slow);
  EXPECT_EQ(net.link("b", "a").latency, Tock{5'000'000});
}

}  // namespace umbrella_test
}  // namespace
}  // namespace hio::test
