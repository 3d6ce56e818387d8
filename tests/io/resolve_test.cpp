// Names in the reserved top-level domain "invalid" (RFC 6761 §6.4) resolve to
// nothing at once, without the system's resolver: every lookup of io/src
// (a client's, a listener's, a datagram endpoint's, hio check's) fails with
// the words of a name the name server does not know, and as a real lookup
// does, through the io context. resolve_invalid.sh runs the second test under
// strace to see that no name server (nor /etc/hosts) was asked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netdb.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/error.hpp>
#include <csignal>
#include <string>
#include <vector>

#include "hio/engine/doist.hpp"  // StopSignalCatch
#include "hio/io/open_check.hpp"
#include "io_run.hpp"
#include "recording_sink.hpp"
#include "resolve.hpp"  // io/src: is_reserved_invalid

namespace hio::test {
namespace {
namespace resolve_test {

TEST(IoResolve, NamesInTheInvalidDomain) {
  for (const char* name : {"invalid", "INVALID", "invalid.", "x.invalid", "NoHost.Invalid",
                           "a.b.invalid.", "x.INVALID."}) {
    EXPECT_TRUE(detail::is_reserved_invalid(name)) << name;
  }
  for (const char* name : {"", ".", "invalid..", "xinvalid", "invalid.example", "invalid-host",
                           "nvalid", "localhost", "example.com", "x.invalid.example"}) {
    EXPECT_FALSE(detail::is_reserved_invalid(name)) << name;
  }
}

// One check without memory: its failure, "" for none or a transient one.
std::string open_failure(const std::string& url, ChannelRole role) {
  OpenChecker checker;
  OpenCheckAnswer answer = checker.known_open_failure(parse_address_or_throw(url), role);
  return answer.transient ? std::string() : std::move(answer.failure);
}

TEST(IoResolve, AnInvalidNameFailsEveryOpenWithoutAskingTheSystem) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  Channel& client = run.io.connect("tcp://NoHost.INVALID:80");
  Channel& listener = run.io.listen("tcp://nohost.invalid:0");
  Channel& endpoint = run.io.bind("udp://invalid:0");
  // As after a real lookup's start: the failure comes later, from the io
  // context, not inside the call.
  EXPECT_EQ(client.state(), ChannelState::opening);
  EXPECT_EQ(listener.state(), ChannelState::opening);
  EXPECT_EQ(endpoint.state(), ChannelState::opening);
  StopWhen stop(run.doist, [&] {
    return client.state() == ChannelState::failed && listener.state() == ChannelState::failed &&
           endpoint.state() == ChannelState::failed;
  });
  EXPECT_EQ(run.doist.run({&stop}), RunEnd::interrupted);
  EXPECT_EQ(client.reason(), "cannot resolve 'NoHost.INVALID:80': Host not found (authoritative)");
  EXPECT_EQ(listener.reason(), "cannot resolve 'nohost.invalid:0': Host not found (authoritative)");
  EXPECT_EQ(endpoint.reason(), "cannot resolve 'invalid:0': Host not found (authoritative)");
  for (const Channel* channel : {&client, &listener, &endpoint}) {
    EXPECT_EQ(sink.count(EventKind::error, channel->id()), 1u) << channel->reason();
  }
  EXPECT_EQ(open_failure("tcp://nohost.invalid:7", ChannelRole::connect),
            "cannot resolve 'nohost.invalid:7': Host not found (authoritative)");
  EXPECT_EQ(open_failure("tls://nohost.invalid:7", ChannelRole::listen),
            "cannot resolve 'nohost.invalid:7': Host not found (authoritative)");
  EXPECT_EQ(open_failure("udp://x.Invalid:7", ChannelRole::bind),
            "cannot resolve 'x.Invalid:7': Host not found (authoritative)");
  // An absolute name is one too (unfixed: a bad address, "empty label").
  EXPECT_EQ(open_failure("tcp://x.invalid.:7", ChannelRole::connect),
            "cannot resolve 'x.invalid.:7': Host not found (authoritative)");

  // For resolve_invalid.sh: a mark in the trace (an open that always fails,
  // ENOTDIR), then one lookup through the system's resolver, which shows the
  // script that its trace would see one (localhost: from /etc/hosts, without
  // a name server).
  const int mark = ::open("/dev/null/hio-resolve-control", O_RDONLY);
  if (mark >= 0) ::close(mark);
  (void)open_failure("tcp://localhost:7", ChannelRole::connect);
}

// The run's words for a lookup that gave no address to open, made in one
// place for the run's channels and hio check (the texts go into journals).
TEST(IoResolve, FailureTextsOfEachRole) {
  const boost::system::error_code none;
  const boost::system::error_code again = boost::asio::error::host_not_found_try_again;
  EXPECT_EQ(detail::resolve_failure_text("h:7", none, ChannelRole::connect),
            "connect to h:7 failed: no address");
  EXPECT_EQ(detail::resolve_failure_text("h:7", none, ChannelRole::listen),
            "cannot resolve 'h:7': no address");
  EXPECT_EQ(detail::resolve_failure_text("h:7", none, ChannelRole::bind),
            "cannot resolve 'h:7': no address");
  for (const ChannelRole role : {ChannelRole::connect, ChannelRole::listen, ChannelRole::bind}) {
    EXPECT_EQ(detail::resolve_failure_text("h:7", again, role),
              "cannot resolve 'h:7': Host not found (non-authoritative), try again later");
  }
}

// A zone id naming no interface of this machine: said so, where the channel
// opens and by hio check (unfixed: the system took it for no zone, and the
// open failed with "Invalid argument"). A zone of an interface that exists
// (lo), or the number of one (1), is no failure of this check.
TEST(IoResolve, AZoneIdNamingNoInterfaceIsSaidSo) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  Channel& client = run.io.connect("tcp://[fe80::1%nosuch]:80");
  Channel& listener = run.io.listen("tcp://[fe80::1%nosuch]:0");
  Channel& endpoint = run.io.bind("udp://[fe80::1%nosuch]:0");
  StopWhen stop(run.doist, [&] {
    return client.state() == ChannelState::failed && listener.state() == ChannelState::failed &&
           endpoint.state() == ChannelState::failed;
  });
  EXPECT_EQ(run.doist.run({&stop}), RunEnd::interrupted);
  EXPECT_EQ(client.reason(),
            "connect to [fe80::1%nosuch]:80 failed: no network interface 'nosuch'");
  EXPECT_EQ(listener.reason(),
            "listen on [fe80::1%nosuch]:0 failed: no network interface 'nosuch'");
  EXPECT_EQ(endpoint.reason(), "bind to [fe80::1%nosuch]:0 failed: no network interface 'nosuch'");
  EXPECT_EQ(open_failure("tcp://[fe80::1%nosuch]:7", ChannelRole::connect),
            "connect to [fe80::1%nosuch]:7 failed: no network interface 'nosuch'");
  EXPECT_EQ(open_failure("tls://[fe80::1%nosuch]:7", ChannelRole::listen),
            "listen on [fe80::1%nosuch]:7 failed: no network interface 'nosuch'");
  EXPECT_EQ(open_failure("udp://[fe80::1%nosuch]:7", ChannelRole::bind),
            "bind to [fe80::1%nosuch]:7 failed: no network interface 'nosuch'");
  EXPECT_EQ(open_failure("tcp://[fe80::1%lo]:7", ChannelRole::connect), "");
  // A number that is no interface's index (xipv619 finding 6: check was
  // silent, the run said "Network is unreachable" or "Invalid argument").
  const struct {
    const char* url;
    ChannelRole role;
    const char* failure;
  } numbers[] = {{"tcp://[fe80::1%0]:7", ChannelRole::connect,
                  "connect to [fe80::1%0]:7 failed: no "
                  "network interface '0'"},
                 {"tcp://[fe80::1%4000000000]:7", ChannelRole::listen,
                  "listen on [fe80::1%4000000000]:7 failed: no network interface '4000000000'"},
                 {"udp://[fe80::1%99999999999]:7", ChannelRole::bind,
                  "bind to [fe80::1%99999999999]:7 failed: no network interface '99999999999'"}};
  for (const auto& number : numbers)
    EXPECT_EQ(open_failure(number.url, number.role), number.failure);
  EXPECT_EQ(open_failure("tcp://[fe80::1%1]:7", ChannelRole::connect), "");
}

// hio check looks each name up once (per protocol, passive or not), through
// the system's resolver (localhost: /etc/hosts), and says each channel's
// failure with its own port.
TEST(IoResolve, ACheckerLooksEachNameUpOnce) {
  OpenChecker checker;
  const auto check = [&](const std::string& url, ChannelRole role) {
    return checker.known_open_failure(parse_address_or_throw(url), role);
  };
  for (const char* url : {"tcp://localhost:7", "tcp://localhost:8", "tls://localhost:9"}) {
    const OpenCheckAnswer answer = check(url, ChannelRole::connect);
    EXPECT_EQ(answer.failure, "") << url;
    EXPECT_FALSE(answer.transient) << url;
    EXPECT_FALSE(answer.stopped) << url;
  }
  EXPECT_EQ(checker.lookups(), 1u);
  EXPECT_EQ(check("tcp://localhost:7", ChannelRole::listen).failure, "");
  EXPECT_EQ(check("udp://localhost:7", ChannelRole::bind).failure, "");
  EXPECT_EQ(check("udp://localhost:8", ChannelRole::bind).failure, "");
  EXPECT_EQ(checker.lookups(), 3u);
  EXPECT_EQ(check("tcp://no.invalid:7", ChannelRole::connect).failure,
            "cannot resolve 'no.invalid:7': Host not found (authoritative)");
  EXPECT_EQ(check("tcp://no.invalid:8", ChannelRole::connect).failure,
            "cannot resolve 'no.invalid:8': Host not found (authoritative)");
  EXPECT_FALSE(check("tcp://no.invalid:8", ChannelRole::connect).transient);
  EXPECT_EQ(checker.lookups(), 4u);
  // An IP address, and a scheme without lookups, ask nobody.
  EXPECT_EQ(check("tcp://127.0.0.1:7", ChannelRole::connect).failure, "");
  EXPECT_EQ(check("sim://alpha:7", ChannelRole::connect).failure, "");
  EXPECT_EQ(checker.lookups(), 4u);
}

// A listener (or datagram endpoint) on a name of several addresses takes the
// first only (xipv619 finding 2: "dual", ::1 and 127.0.0.1, listened on
// [::1] and refused IPv4 clients, and hio check said ok): the note hio check
// warns with names them all, and which one is taken.
TEST(IoResolve, TheNoteOfANameOfSeveralAddressesNamesThemAll) {
  EXPECT_EQ(
      detail::first_address_only_note("dual:47331", {"::1", "127.0.0.1"}, ChannelRole::listen),
      "'dual:47331' resolves to ::1, 127.0.0.1, and a listener takes the first only: it "
      "listens on [::1]:47331, not 127.0.0.1:47331 (write the address to use; [::] takes "
      "every address)");
  EXPECT_EQ(
      detail::first_address_only_note("h:9", {"10.0.0.1", "fe80::1%lo", "::1"}, ChannelRole::bind),
      "'h:9' resolves to 10.0.0.1, fe80::1%lo, ::1, and a datagram endpoint takes the "
      "first only: it binds to 10.0.0.1:9, not [fe80::1%lo]:9 (nor the others) (write "
      "the address to use; [::] takes every address)");
  EXPECT_EQ(detail::first_address_only_note("h:9", {"127.0.0.1"}, ChannelRole::listen), "");
  EXPECT_EQ(detail::first_address_only_note("h:9", {}, ChannelRole::listen), "");
}

// The system's own answer for `host` (passive, TCP), each address once.
std::vector<std::string> passive_addresses(const std::string& host) {
  addrinfo hints{};
  hints.ai_flags = AI_PASSIVE;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::vector<std::string> out;
  if (::getaddrinfo(host.c_str(), "7", &hints, &found) != 0) return out;
  for (addrinfo* at = found; at != nullptr; at = at->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* ip =
        at->ai_family == AF_INET6
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(at->ai_addr)->sin6_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(at->ai_addr)->sin_addr);
    ::inet_ntop(at->ai_family, ip, text, sizeof text);
    if (std::find(out.begin(), out.end(), text) == out.end()) out.emplace_back(text);
  }
  ::freeaddrinfo(found);
  return out;
}

// hio check's lookup gives the note for a listener on `localhost` exactly
// when the system resolves it to several addresses (most distributions'
// /etc/hosts: ::1 and 127.0.0.1), and never for a client. A machine where it
// is one address checks that no note is made; the words are tested above.
TEST(IoResolve, ACheckerNotesAListenersNameOfSeveralAddresses) {
  const std::vector<std::string> system = passive_addresses("localhost");
  ASSERT_FALSE(system.empty()) << "localhost does not resolve here";
  OpenChecker checker;
  const OpenCheckAnswer listener =
      checker.known_open_failure(parse_address_or_throw("tcp://localhost:7"), ChannelRole::listen);
  const OpenCheckAnswer endpoint =
      checker.known_open_failure(parse_address_or_throw("udp://localhost:7"), ChannelRole::bind);
  const OpenCheckAnswer client =
      checker.known_open_failure(parse_address_or_throw("tcp://localhost:7"), ChannelRole::connect);
  EXPECT_EQ(listener.failure, "");
  EXPECT_EQ(client.note, "");
  EXPECT_EQ(listener.note,
            detail::first_address_only_note("localhost:7", system, ChannelRole::listen));
  if (system.size() < 2) {
    EXPECT_EQ(listener.note, "");
    EXPECT_EQ(endpoint.note, "");
    GTEST_SKIP() << "localhost is one address here (" << system.front()
                 << "): a note for a name of several addresses is not seen";
  }
  EXPECT_THAT(listener.note, testing::HasSubstr("a listener takes the first only"));
  EXPECT_THAT(endpoint.note, testing::HasSubstr("a datagram endpoint takes the first only"));
}

// A stop signal caught before a lookup (or during it: the CLI test
// cli_slow_name) ends the check's wait at once, with nothing known.
TEST(IoResolve, ACaughtStopSignalEndsTheChecksWait) {
  OpenChecker checker;
  {
    const StopSignalCatch catching;
    std::raise(SIGINT);
    ASSERT_EQ(caught_stop_signal(), SIGINT);
    const OpenCheckAnswer answer = checker.known_open_failure(
        parse_address_or_throw("tcp://nohost.invalid:7"), ChannelRole::connect);
    EXPECT_TRUE(answer.stopped);
    EXPECT_EQ(answer.failure, "");
    EXPECT_TRUE(
        checker
            .known_open_failure(parse_address_or_throw("tcp://localhost:7"), ChannelRole::connect)
            .stopped);
  }
  // Not kept: once the catch is over, the name is looked up.
  EXPECT_EQ(checker
                .known_open_failure(parse_address_or_throw("tcp://nohost.invalid:7"),
                                    ChannelRole::connect)
                .failure,
            "cannot resolve 'nohost.invalid:7': Host not found (authoritative)");
}

}  // namespace resolve_test
}  // namespace
}  // namespace hio::test
