// Real-network scenario kinds against peers on the loopback: destinations
// with port 0 refused at their key, "@name" of a listener on a wildcard
// address, and udp_requester's count of replies from another sender.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/time.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "../io/raw_socket.hpp"
#include "../io/tls_certs.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/runner.hpp"

namespace hio::tools {
namespace {
namespace net_scenario_test {

using test::RawSocket;
using test::tls_certs;

DoerRegistry registry() {
  DoerRegistry r;
  add_builtin_kinds(r);
  return r;
}

std::string build_error(const std::string& text) {
  const DoerRegistry kinds = registry();
  try {
    check_scenario(load_scenario_text(text, "t.toml", kinds), kinds);
  } catch (const ScenarioError& error) {
    std::string all;
    for (const Diagnostic& d : error.diagnostics())
      all += d.str() + "\n";
    return all;
  }
  return "";
}

constexpr const char* kReal = "[run]\nmode = \"real\"\ntock = \"10ms\"\nlimit = \"3s\"\n";

// A stream client's `host` that [net] does not list, holding a look-alike
// character: shown as TOML writes it, the character named, not as 'client',
// which reads like a host that exists.
TEST(NetScenario, AnUnknownHostWithALookalikeIsShownEscaped) {
  EXPECT_EQ(build_error("[net]\nhosts = [\"client\", \"server\"]\n[[doer]]\nkind = "
                        "\"echo_server\"\nname = \"server\"\naddress = \"sim://server:7\"\n"
                        "[[doer]]\nkind = \"echo_client\"\nname = \"alice\"\naddress = "
                        "\"@server\"\nhost = \"client\\u200B\"\n"),
            "t.toml:11:8: cannot build doer 'alice': unknown host \"client\\u200B\" holds "
            "U+200B, an invisible character (at byte 6); did you mean 'client'? (net.hosts "
            "lists them)\n");
}

// Every send or connect to port 0 fails: a destination with port 0 is a
// mistake at its key, not a run that fails at every attempt.
TEST(NetScenario, PortZeroIsNoDestination) {
  for (const char* scheme : {"tcp", "tls"}) {
    EXPECT_EQ(build_error(std::string(kReal) +
                          "[[doer]]\nkind = \"echo_client\"\nname = "
                          "\"c\"\nretry = \"1s\"\naddress = \"" +
                          scheme + "://127.0.0.1:0\"\n"),
              std::string("t.toml:9:11: cannot build doer 'c': cannot connect to ") + scheme +
                  "://127.0.0.1:0: port 0 is no port a listener can have\n");
  }
  EXPECT_EQ(build_error(std::string(kReal) +
                        "[[doer]]\nkind = \"udp_requester\"\nname = \"q\"\naddress = "
                        "\"udp://127.0.0.1:0\"\nto = \"127.0.0.1:0\"\n"),
            "t.toml:9:6: cannot build doer 'q': to = '127.0.0.1:0': destination '127.0.0.1:0' "
            "has port 0, to which nothing can be sent\n");
  // A listener or an own address on port 0 takes any free port.
  EXPECT_EQ(build_error(std::string(kReal) +
                        "[[doer]]\nkind = \"echo_server\"\nname = \"s\"\naddress = "
                        "\"tcp://127.0.0.1:0\"\n[[doer]]\nkind = \"echo_client\"\nname = "
                        "\"c\"\naddress = \"@s\"\n"),
            "");
}

void at_name_of_a_tls_listener_on(const std::string& wildcard) {
  const DoerRegistry kinds = registry();
  // (The server never finishes: the run ends at its limit.)
  const std::string text =
      "[run]\nmode = \"real\"\ntock = \"10ms\"\nlimit = \"1s\"\n"
      "[[doer]]\nkind = \"echo_server\"\nname = \"server\"\naddress = \"tls://" +
      wildcard + ":0\"\ntls_cert = \"" + tls_certs().server_cert + "\"\ntls_key = \"" +
      tls_certs().server_key +
      "\"\n[[doer]]\nkind = \"echo_client\"\nname = \"alice\"\naddress = \"@server\"\n"
      "messages = 3\ntls_ca = \"" +
      tls_certs().ca + "\"\n[[expect]]\nfinal = \"alice.echoed == 3\"\n";
  // The summary points into the scenario: it outlives the summary.
  const Scenario scenario = load_scenario_text(text, "t.toml", kinds);
  const RunSummary summary = run_scenario(scenario, kinds);
  EXPECT_TRUE(summary.passed()) << summary.first_failure();
}

// A `to` that "@name" resolved is quoted as written, with the address it
// named (xipv619 finding 3: only the address, with its ephemeral port, which
// the file does not hold and which changes from check to check).
TEST(NetScenario, ARefusedAtNameIsQuotedAsWritten) {
  EXPECT_THAT(build_error(std::string(kReal) +
                          "[[doer]]\nkind = \"udp_responder\"\nname = \"r\"\naddress = "
                          "\"udp://127.0.0.1:0\"\n[[doer]]\nkind = \"udp_requester\"\nname = "
                          "\"q\"\naddress = \"udp://[::1]:0\"\nto = \"@r\"\n"),
              testing::StartsWith("t.toml:13:6: cannot build doer 'q': to = '@r' (the address "
                                  "'127.0.0.1:"));
}

// A `to` without a scheme ("host:port") is said as written, at byte offsets
// into it (xipv619 finding 7: "bad address 'udp://::1:9'", and byte 11 of
// "[::1]", which has 5).
TEST(NetScenario, ABadToIsSaidAsWritten) {
  const std::string requester = std::string(kReal) +
                                "[[doer]]\nkind = \"udp_requester\"\nname = \"q\"\naddress = "
                                "\"udp://[::1]:0\"\nto = ";
  EXPECT_EQ(build_error(requester + "\"::1:9\"\n"),
            "t.toml:9:6: cannot build doer 'q': bad address '::1:9': host at byte 0: IPv6 "
            "addresses must be in brackets, e.g. [::1]:80\n");
  EXPECT_EQ(build_error(requester + "\"[::1]\"\n"),
            "t.toml:9:6: cannot build doer 'q': bad address '[::1]': port at byte 5: expected "
            "':port' after ']'\n");
}

// "@server" of a listener on 0.0.0.0 is its port on 127.0.0.1, which the
// certificate names: the client's verification passes. So for 0.0.0.0
// spelt IPv4-mapped (xipv619 finding 8: the client was sent to
// [::ffff:0.0.0.0], which no certificate names).
TEST(NetScenario, AtNameOfAWildcardListenerIsItsFamilysLoopback) {
  for (const char* wildcard : {"0.0.0.0", "[::ffff:0.0.0.0]"}) {
    SCOPED_TRACE(wildcard);
    at_name_of_a_tls_listener_on(wildcard);
  }
}

// The same over UDP, for both families: a requester that sends to "@resp"
// of a responder on the wildcard sends to the loopback, where the replies
// come from, so they are responses (to the wildcard address, they would
// come from another address than "to": foreign).
TEST(NetScenario, AtNameOfAWildcardResponderIsWhereItsRepliesComeFrom) {
  RawSocket probe(::socket(AF_INET6, SOCK_DGRAM, 0));
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_addr = in6addr_loopback;
  const bool has_v6 =
      probe.valid() && ::bind(probe.fd(), reinterpret_cast<sockaddr*>(&v6), sizeof v6) == 0;
  // (The responders never finish: the run ends at its limit.)
  std::string text = "[run]\nmode = \"real\"\ntock = \"10ms\"\nlimit = \"1s\"\n";
  const auto pair = [&](const std::string& tag, const std::string& wildcard,
                        const std::string& loopback) {
    text += "[[doer]]\nkind = \"udp_responder\"\nname = \"resp" + tag + "\"\naddress = \"udp://" +
            wildcard + ":0\"\n[[doer]]\nkind = \"udp_requester\"\nname = \"q" + tag +
            "\"\naddress = \"udp://" + loopback + ":0\"\nto = \"@resp" + tag +
            "\"\nrequests = 3\n[[expect]]\nfinal = \"q" + tag +
            ".responses == 3\"\n[[expect]]\nfinal = \"q" + tag + ".foreign == 0\"\n";
  };
  pair("4", "0.0.0.0", "127.0.0.1");
  if (has_v6) pair("6", "[::]", "[::1]");
  // [::] is dual-stack: an IPv4 requester's "@resp64" is 127.0.0.1 (xipv619
  // finding 3: [::1], refused as an IPv6 destination it cannot send to).
  if (has_v6) pair("64", "[::]", "127.0.0.1");
  const DoerRegistry kinds = registry();
  // The summary points into the scenario: it outlives the summary.
  const Scenario scenario = load_scenario_text(text, "t.toml", kinds);
  const RunSummary summary = run_scenario(scenario, kinds);
  EXPECT_TRUE(summary.passed()) << summary.first_failure();
}

// idle_timeout closes a remote whose peer neither sends nor reads (which
// would otherwise hold its remotes_max place for good), and not one that
// talks more often than that. Real mode on a loaded machine: the margins are
// wide - the silent peer may connect up to 2.5 s late and still be closed
// 500 ms later within the 4 s limit; alice's round trips may take 450 ms
// before she looks idle.
TEST(NetScenario, EchoServerClosesARemoteIdleForIdleTimeout) {
  const std::uint16_t port = test::free_port();
  // The silent peer: connects once the server listens (bounded), sends
  // nothing, and waits for the server's close.
  ssize_t got = -2;
  std::jthread silent([&] {
    for (int i = 0; i < 500; ++i) {  // 2.5 s and more
      RawSocket s(::socket(AF_INET, SOCK_STREAM, 0));
      sockaddr_in addr = test::loopback(port);
      if (::connect(s.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      timeval timeout{5, 0};
      ::setsockopt(s.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      char byte = 0;
      got = ::recv(s.fd(), &byte, 1, 0);  // 0: closed by the server
      return;
    }
  });
  const std::string text =
      "[run]\nmode = \"real\"\ntock = \"10ms\"\nlimit = \"4s\"\n"
      "[[doer]]\nkind = \"echo_server\"\nname = \"server\"\naddress = \"tcp://127.0.0.1:" +
      std::to_string(port) +
      "\"\nidle_timeout = \"500ms\"\n"
      "[[doer]]\nkind = \"echo_client\"\nname = \"alice\"\naddress = \"@server\"\n"
      "messages = 5\ninterval = \"50ms\"\n"
      "[[expect]]\nfinal = \"alice.echoed == 5\"\n[[expect]]\nfinal = \"alice.connections == "
      "1\"\n[[expect]]\nfinal = \"server.accepted == 2\"\n[[expect]]\nfinal = "
      "\"server.idle_closed == 1\"\n";
  const DoerRegistry kinds = registry();
  const Scenario scenario = load_scenario_text(text, "t.toml", kinds);
  const RunSummary summary = run_scenario(scenario, kinds);
  silent.join();
  EXPECT_TRUE(summary.passed()) << summary.first_failure();
  EXPECT_EQ(got, 0) << "the silent peer's connection was not closed";
}

// A UDP socket on 127.0.0.1 (or [::1]), port 0, with a receive timeout.
RawSocket udp_socket(int family) {
  RawSocket s(::socket(family, SOCK_DGRAM, 0));
  sockaddr_storage addr{};
  socklen_t len = 0;
  if (family == AF_INET) {
    sockaddr_in v4 = test::loopback(0);
    std::memcpy(&addr, &v4, sizeof v4);
    len = sizeof v4;
  } else {
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_addr = in6addr_loopback;
    std::memcpy(&addr, &v6, sizeof v6);
    len = sizeof v6;
  }
  if (::bind(s.fd(), reinterpret_cast<sockaddr*>(&addr), len) != 0) return RawSocket();
  timeval timeout{2, 0};
  ::setsockopt(s.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return s;
}

// A reply from another port than the one the request went to answers
// nothing: udp_requester counts it as foreign, and the reply from the
// destination as the response (not as a duplicate of the foreign one). A
// [::] requester sees 127.0.0.1's reply from [::ffff:127.0.0.1], the same
// sender.
TEST(NetScenario, UdpRequesterCountsRepliesFromAnotherSenderAsForeign) {
  RawSocket server = udp_socket(AF_INET);
  RawSocket other = udp_socket(AF_INET);
  ASSERT_TRUE(server.valid() && other.valid());
  constexpr int kRequests = 3;
  RawSocket probe(::socket(AF_INET6, SOCK_DGRAM, 0));
  const bool dual = probe.valid();  // a [::] socket can be had
  const int expected = dual ? 2 * kRequests : kRequests;
  // The peer: each request answered first from `other`, then from `server`.
  std::jthread peer([&] {
    char buffer[2048];
    for (int i = 0; i < expected; ++i) {
      sockaddr_storage from{};
      socklen_t len = sizeof from;
      const ssize_t n = ::recvfrom(server.fd(), buffer, sizeof buffer, 0,
                                   reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 0) return;  // timed out: the run has failed its expectations
      const auto size = static_cast<std::size_t>(n);
      ::sendto(other.fd(), buffer, size, 0, reinterpret_cast<sockaddr*>(&from), len);
      ::sendto(server.fd(), buffer, size, 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  });
  const std::string to = "127.0.0.1:" + std::to_string(server.port());
  std::string text = std::string(kReal) +
                     "[[doer]]\nkind = \"udp_requester\"\nname = \"q\"\naddress = "
                     "\"udp://127.0.0.1:0\"\nto = \"" +
                     to + "\"\nrequests = 3\ninterval = \"20ms\"\n";
  if (dual) {
    text +=
        "[[doer]]\nkind = \"udp_requester\"\nname = \"q6\"\naddress = \"udp://[::]:0\"\nto = \"" +
        to + "\"\nrequests = 3\ninterval = \"20ms\"\n";
  }
  for (const std::string name : {"q", "q6"}) {
    if (name == "q6" && !dual) continue;
    text += "[[expect]]\nfinal = \"" + name + ".responses == 3\"\n[[expect]]\nfinal = \"" + name +
            ".foreign == 3\"\n[[expect]]\nfinal = \"" + name +
            ".duplicates == 0\"\n[[expect]]\nfinal = \"" + name +
            ".corrupt == 0\"\n[[expect]]\nfinal = \"" + name + ".rx_messages == 6\"\n";
  }
  const DoerRegistry kinds = registry();
  // The summary points into the scenario: it outlives the summary.
  const Scenario scenario = load_scenario_text(text, "t.toml", kinds);
  const RunSummary summary = run_scenario(scenario, kinds);
  EXPECT_TRUE(summary.passed()) << summary.first_failure();
}

}  // namespace net_scenario_test
}  // namespace
}  // namespace hio::tools
