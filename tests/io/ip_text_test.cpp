// IP addresses compared as addresses, not as text (hio/io/ip_text.hpp): the
// spellings of one address are one, and a peer on the loopback - anywhere in
// 127.0.0.0/8 - reaches the wildcards that cover it.
#include "hio/io/ip_text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hio::test {
namespace {
namespace ip_text_test {

// `hio replay --scenario` and a strict replay's `open` compare addresses so
// (session 19 compared them as written and refused these).
TEST(IoIpText, TheSpellingsOfOneAddressAreTheSameAddress) {
  EXPECT_TRUE(same_address("tcp://[::1]:7", "tcp://[0:0:0:0:0:0:0:1]:7"));
  EXPECT_TRUE(same_address("tcp://[::1]:7", "tcp://[0::1]:7"));
  EXPECT_TRUE(same_address("udp://[fe80::1]:7", "udp://[FE80:0:0::0001]:7"));
  EXPECT_TRUE(same_address("tcp://127.0.0.1:0", "tcp://[::ffff:127.0.0.1]:0"));
  EXPECT_EQ(canonical_address("tls://[0:0::1]:443"), "tls://[::1]:443");
  // Other addresses, ports, schemes, and what is no IP, as written.
  EXPECT_FALSE(same_address("tcp://127.0.0.1:7", "tcp://127.0.0.2:7"));
  EXPECT_FALSE(same_address("tcp://[::1]:7", "tcp://[::1]:8"));
  EXPECT_FALSE(same_address("tcp://[::1]:7", "udp://[::1]:7"));
  EXPECT_FALSE(same_address("tcp://[::1]:7", "tcp://127.0.0.1:7"));
  EXPECT_FALSE(same_address("tcp://localhost:7", "tcp://127.0.0.1:7"));
  EXPECT_TRUE(same_address("sim://server:7", "sim://server:7"));
  EXPECT_FALSE(same_address("sim://server:7", "sim://Server:7"));
  EXPECT_EQ(canonical_address("not an address"), "not an address");
}

TEST(IoIpText, TheWholeOfTheLoopbackNetIsLoopback) {
  EXPECT_TRUE(is_loopback(canonical_host("127.0.0.1")));
  EXPECT_TRUE(is_loopback(canonical_host("127.0.0.5")));
  EXPECT_TRUE(is_loopback(canonical_host("127.255.255.254")));
  EXPECT_TRUE(is_loopback(canonical_host("::ffff:127.0.0.5")));
  EXPECT_TRUE(is_loopback(canonical_host("0:0:0:0:0:0:0:1")));
  EXPECT_FALSE(is_loopback(canonical_host("128.0.0.1")));
  EXPECT_FALSE(is_loopback(canonical_host("10.127.0.1")));
  EXPECT_FALSE(is_loopback(canonical_host("::2")));
  EXPECT_FALSE(is_loopback(canonical_host("127.example")));  // a name
}

// Where a loopback peer may find the socket it talks to: bound at the peer's
// own address, or at a wildcard of its port that covers it. Session 19 listed
// only 127.0.0.1 and ::1 under a wildcard, so a datagram channel bound at
// 0.0.0.0:P and sent to at 127.0.0.5:P was no loopback capture.
TEST(IoIpText, ALoopbackPeerReachesTheWildcardsOfItsPort) {
  using Endpoints = std::vector<std::string>;
  EXPECT_EQ(endpoints_reached("127.0.0.5:9"), (Endpoints{"127.0.0.5:9", "0.0.0.0:9", "[::]:9"}));
  EXPECT_EQ(endpoints_reached("[::ffff:127.0.0.1]:9"),
            (Endpoints{"127.0.0.1:9", "0.0.0.0:9", "[::]:9"}));
  EXPECT_EQ(endpoints_reached("[0::1]:9"), (Endpoints{"[::1]:9", "[::]:9"}));
  EXPECT_EQ(endpoints_reached("10.0.0.1:9"), Endpoints{"10.0.0.1:9"});
  EXPECT_EQ(endpoints_reached("server:9"), Endpoints{"server:9"});
  EXPECT_EQ(endpoints_reached("no port"), Endpoints{"no port"});
}

}  // namespace ip_text_test
}  // namespace
}  // namespace hio::test
