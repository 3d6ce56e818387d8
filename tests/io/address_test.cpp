// Address parsing: every scheme, IPv6 in brackets, canonical text, and a
// precise error (part and byte offset) for each kind of malformed address.
#include "hio/io/address.hpp"
#include "hio/io/ip_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace hio::test {
namespace {
namespace address_test {

Address ok(std::string_view text) {
  AddressResult result = parse_address(text);
  EXPECT_TRUE(result.ok()) << text << ": " << (result.ok() ? "" : result.error().describe());
  return result.ok() ? result.value() : Address{};
}

AddressError bad(std::string_view text) {
  AddressResult result = parse_address(text);
  EXPECT_FALSE(result.ok()) << text << " parsed";
  return result.ok() ? AddressError{} : result.error();
}

TEST(IoAddress, ParsesHostPortSchemes) {
  Address a = ok("tcp://example.com:80");
  EXPECT_EQ(a.scheme, Scheme::tcp);
  EXPECT_EQ(a.host, "example.com");
  EXPECT_EQ(a.port, 80);
  EXPECT_EQ(ok("tls://h:443").scheme, Scheme::tls);
  EXPECT_EQ(ok("udp://10.0.0.1:5353").host, "10.0.0.1");
  EXPECT_EQ(ok("sim://alpha:7").scheme, Scheme::sim);
  EXPECT_EQ(ok("tcp://127.0.0.1:0").port, 0);
  EXPECT_EQ(ok("tcp://h:65535").port, 65535);
  EXPECT_EQ(ok("tcp://under_score-dash.x:1").host, "under_score-dash.x");
}

TEST(IoAddress, ParsesIpv6InBrackets) {
  Address a = ok("tcp://[::1]:8080");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 8080);
  EXPECT_EQ(a.text(), "tcp://[::1]:8080");
  EXPECT_EQ(ok("udp://[2001:db8::8a2e:370:7334]:1").host, "2001:db8::8a2e:370:7334");
  EXPECT_EQ(ok("tcp://[::ffff:192.0.2.1]:1").host, "::ffff:192.0.2.1");
  EXPECT_EQ(ok("tcp://[1:2:3:4:5:6:7:8]:1").host, "1:2:3:4:5:6:7:8");
  EXPECT_EQ(ok("tcp://[::]:1").host, "::");
}

// A link-local address names its interface (RFC 4007 zone id), as the
// system prints a link-local peer: hio takes back the peer text it wrote
// (unfixed: "IPv6 zone ids are not supported", so such a peer could never
// be answered).
TEST(IoAddress, ParsesAZoneIdOnALinkLocalIpv6Address) {
  Address a = ok("udp://[fe80::1%eth0]:9");
  EXPECT_EQ(a.host, "fe80::1%eth0");
  EXPECT_EQ(a.port, 9);
  EXPECT_EQ(a.host_port(), "[fe80::1%eth0]:9");
  EXPECT_EQ(ok("tcp://[FE80::fc:ff:fe00:1%2]:80").host, "FE80::fc:ff:fe00:1%2");
  EXPECT_EQ(ok("tls://[febf::1%en0.1_a-b~]:443").host, "febf::1%en0.1_a-b~");
  EXPECT_EQ(ok("udp://[ff02::1%lo]:5353").host, "ff02::1%lo");
  EXPECT_EQ(ok("udp://[ff12::1%lo]:5353").host, "ff12::1%lo");
}

// An absolute name ends in a dot, as DNS reads it; the dot stays, for the
// resolver (unfixed: "host name has an empty label"). Not in sim://, whose
// hosts are no DNS names (a case of MalformedAddressesNameThePartAndOffset).
TEST(IoAddress, ParsesAHostNameWithATrailingDot) {
  EXPECT_EQ(ok("tcp://localhost.:80").host, "localhost.");
  // A label of hex digits is a name unless every label is a number.
  EXPECT_EQ(ok("tcp://0xcafe.example:80").host, "0xcafe.example");
  EXPECT_EQ(ok("tcp://deadbeef:80").host, "deadbeef");
  EXPECT_EQ(ok("udp://x.invalid.:9").host, "x.invalid.");
  EXPECT_EQ(ok(std::string("tcp://") + std::string(63, 'a') + ".:1").host,
            std::string(63, 'a') + ".");
}

TEST(IoAddress, ParsesSerialSchemes) {
  Address a = ok("serial:///dev/ttyUSB0?baud=9600");
  EXPECT_EQ(a.scheme, Scheme::serial);
  EXPECT_EQ(a.path, "/dev/ttyUSB0");
  EXPECT_EQ(a.baud, 9600u);
  EXPECT_EQ(ok("serial:///dev/ttyS1").baud, kDefaultBaud);
  Address s = ok("sim-serial://gps.link_1");
  EXPECT_EQ(s.scheme, Scheme::sim_serial);
  EXPECT_EQ(s.path, "gps.link_1");
  EXPECT_EQ(ok("sim-serial://x?baud=300").baud, 300u);
}

TEST(IoAddress, TextIsCanonicalAndRoundTrips) {
  for (const char* text :
       {"tcp://h:1", "tls://[fe80::1]:443", "udp://[fe80::1%eth0]:9", "tcp://localhost.:80",
        "udp://1.2.3.4:5", "serial:///dev/ttyS0?baud=115200", "sim://a.b:9",
        "sim-serial://line?baud=9600"}) {
    Address a = ok(text);
    EXPECT_EQ(a.text(), text);
    EXPECT_EQ(ok(a.text()), a);
  }
  EXPECT_EQ(ok("serial:///dev/ttyS0").text(), "serial:///dev/ttyS0?baud=115200");
}

struct BadCase {
  const char* text;
  std::size_t offset;
  const char* part;
  const char* message_has;
};

TEST(IoAddress, MalformedAddressesNameThePartAndOffset) {
  const BadCase cases[] = {
      {"", 0, "scheme", "missing"},
      {"127.0.0.1:80", 0, "scheme", "unknown scheme '127'"},
      {"tcp:/h:1", 3, "separator", "'://'"},
      {"tcp", 3, "separator", "'://'"},
      {"http://h:1", 0, "scheme", "unknown scheme 'http'"},
      {"TCP://h:1", 0, "scheme", "unknown scheme"},
      {"tcp://", 6, "host", "empty"},
      {"tcp://:80", 6, "host", "empty"},
      {"tcp://host", 10, "port", "missing"},
      {"tcp://host:", 11, "port", "empty"},
      {"tcp://host:99999", 11, "port", "at most 65535"},
      {"tcp://host:8a", 12, "port", "unexpected 'a'"},
      {"tcp://host:-1", 11, "port", "unexpected '-'"},
      {"tcp://ho st:1", 8, "host", "unexpected ' '"},
      {"tcp://a..b:1", 8, "host", "empty label"},
      {"tcp://1.2.3.999:1", 12, "host", "at most 255"},
      {"tcp://1.2.3:1", 6, "host", "4 octets"},
      {"tcp://::1:80", 6, "host", "brackets"},
      {"tcp://[::1:80", 6, "host", "never closed"},
      {"tcp://[::1]80", 11, "port", "':port'"},
      {"tcp://[::g]:1", 9, "host", "unexpected 'g'"},
      {"tcp://[1::2::3]:1", 11, "host", "more than one '::'"},
      {"sim://[fe80::1%eth0]:1", 14, "host", "zone ids are not supported in sim addresses"},
      {"tcp://[fe80::1%]:1", 14, "host", "zone id is empty"},
      {"udp://[fe80::1%eth 0]:1", 18, "host", "unexpected ' ' in IPv6 zone id"},
      {"tcp://[fe80::1%abcdefghijklmnop]:1", 15, "host", "longer than 15 bytes"},
      {"tcp://[2001:db8::1%eth0]:1", 18, "host", "only for a link-local address"},
      {"tcp://[::1%lo]:1", 10, "host", "only for a link-local address"},
      {"tcp://[fe80::g%eth0]:1", 13, "host", "unexpected 'g'"},
      {"tcp://1.2.3.4.:1", 13, "host", "IPv4 address has no trailing dot"},
      // Resolvers read these as 127.0.0.1, as they read 127.1: refused alike.
      {"tcp://0x7f000001:1", 6, "host", "IPv4 address written with 0x"},
      {"tcp://0x7f.1:1", 6, "host", "IPv4 address written with 0x"},
      {"udp://0X7F.0.0.1:1", 6, "host", "IPv4 address written with 0x"},
      {"tls://0x7f.0.0.1.:1", 6, "host", "IPv4 address written with 0x"},
      {"tcp://a..:1", 8, "host", "empty label"},
      {"sim://b.:7", 8, "host", "empty label"},
      {"tcp://.a.:1", 6, "host", "empty label"},
      {"tcp://[12345::]:1", 7, "host", "more than 4 hex digits"},
      {"tcp://[1:2:3:4:5:6:7:8:9]:1", 7, "host", "too many groups"},
      {"tcp://[1:2]:1", 7, "host", "8 groups"},
      {"tcp://h:1/path", 9, "path", "path is not allowed"},
      {"tcp://h:1?x=1", 9, "query", "not allowed"},
      {"serial://dev/ttyS0", 9, "path", "absolute"},
      {"serial:///", 9, "path", "names no device"},
      {"serial:///dev/tty S0", 17, "path", "unexpected ' '"},
      {"serial:///dev/ttyS0?speed=9600", 20, "query", "unknown parameter 'speed'"},
      {"serial:///dev/ttyS0?baud=fast", 25, "query", "unexpected 'f'"},
      {"serial:///dev/ttyS0?baud=0", 25, "query", "> 0"},
      {"serial:///dev/ttyS0?baud", 20, "query", "no '=value'"},
      {"serial:///dev/ttyS0?baud=1&baud=2", 27, "query", "twice"},
      {"sim-serial://", 13, "name", "empty"},
      {"sim-serial://a/b", 14, "name", "unexpected '/'"},
  };
  for (const BadCase& c : cases) {
    AddressError e = bad(c.text);
    EXPECT_EQ(e.offset, c.offset) << c.text << " -> " << e.describe();
    EXPECT_EQ(e.part, c.part) << c.text << " -> " << e.describe();
    EXPECT_NE(e.message.find(c.message_has), std::string::npos) << c.text << " -> " << e.describe();
    EXPECT_EQ(e.input, c.text);
  }
}

TEST(IoAddress, ErrorTextAndExceptions) {
  AddressError e = bad("tcp://h:99999");
  EXPECT_EQ(e.describe(), "bad address 'tcp://h:99999': port at byte 8: must be at most 65535");
  try {
    (void)parse_address_or_throw("tcp://h:99999");
    FAIL() << "no exception";
  } catch (const AddressParseError& error) {
    EXPECT_EQ(error.error().offset, 8u);
    EXPECT_STREQ(error.what(), e.describe().c_str());
  }
  AddressResult result = parse_address("udp://x");
  EXPECT_THROW((void)result.value(), AddressParseError);
  EXPECT_THROW((void)parse_address("udp://x:1").error(), std::logic_error);
}

TEST(IoAddress, NonPrintableBytesAreShownInHex) {
  AddressError e = bad(std::string_view("tcp://h\x01:1", 10));
  EXPECT_EQ(e.offset, 7u);
  EXPECT_NE(e.message.find("byte 0x01"), std::string::npos) << e.describe();
}

}  // namespace address_test
}  // namespace
}  // namespace hio::test

// A zone compares as written (a number without leading zeros), never through
// the machine's interfaces: lo is index 1 on Linux, yet "%lo" and "%1" are
// two zones, so that a replay (a requester matching a journaled reply's
// sender to its `to`) decides the same on any machine (xrev20 finding 1:
// "%eth0" against "%4" asked if_nametoindex of the replaying machine).
TEST(IoIpText, AZoneComparesAsWrittenNotByTheMachinesInterfaces) {
  EXPECT_FALSE(hio::same_peer("[fe80::1%lo]:9", "[fe80::1%1]:9"));
  EXPECT_FALSE(hio::same_peer("[fe80::1%nosuchif]:9", "[fe80::1%4]:9"));
  EXPECT_TRUE(hio::same_peer("[fe80::1%1]:9", "[fe80:0::1%01]:9"));
  EXPECT_TRUE(hio::same_peer("[fe80::1%eth0]:9", "[fe80:0:0::1%eth0]:9"));
  EXPECT_EQ(hio::canonical_host("fe80:0::1%lo").host, "fe80::1%lo");
  EXPECT_EQ(hio::canonical_host("fe80::1%007").host, "fe80::1%7");
}
