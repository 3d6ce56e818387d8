// Bad input on real TCP: an unresolvable host, a refused connect, a port in
// use and a malformed URL each give a clear error — on the channel (error
// event, failed state) or as the parse result — and the run goes on. Also the
// client's reconnect after a server restart, on the lossless retry grid, and
// a connect timeout of "never" at a later attempt.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <netdb.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "io_run.hpp"
#include "raw_socket.hpp"
#include "recording_sink.hpp"
#include "tcp_stream.hpp"  // io/src: note_tried
#include "test_doers.hpp"
#include "tls_context.hpp"  // io/src: client_tls_setup, prepare_tls_client

namespace hio::test {
namespace {
namespace tcp_error_test {

using ::testing::HasSubstr;

// A run with a healthy echo pair next to the doers under test, to show the
// run goes on.
struct HealthyRun {
  RecordingSink sink;
  RealRun run;
  EchoServerDoer server{run.io, "tcp://127.0.0.1:0"};
  TcpClientDoer client{run.io, tcp_url(server.listener()), {}, "healthy"};
  Greeter greeter{client.channel(), "still working"};
  HealthyRun() { run.io.add_sink(sink); }
};

TEST(IoTcp, UnresolvableHostIsAnErrorOnTheChannelAndTheRunGoesOn) {
  HealthyRun h;
  TcpClientDoer lost(h.run.io, "tcp://no-such-host.invalid:80", {}, "lost");
  StopWhen stop(h.run.doist, [&] {
    return h.greeter.done() == true && lost.channel().state() == ChannelState::failed;
  });
  EXPECT_EQ(h.run.doist.run({&h.server, &h.client, &h.greeter, &lost, &stop}), RunEnd::interrupted);
  EXPECT_EQ(h.greeter.reply, "still working");
  const Recorded* error = h.sink.first(EventKind::error, lost.channel().id());
  ASSERT_NE(error, nullptr);
  EXPECT_THAT(error->text, HasSubstr("cannot resolve 'no-such-host.invalid:80': "));
  EXPECT_THAT(lost.channel().reason(), HasSubstr("cannot resolve"));
}

TEST(IoTcp, RefusedConnectIsAnErrorOnTheChannel) {
  HealthyRun h;
  const std::uint16_t port = free_port();
  TcpClientDoer refused(h.run.io, "tcp://127.0.0.1:" + std::to_string(port), {}, "refused");
  StopWhen stop(h.run.doist, [&] {
    return h.greeter.done() == true && refused.channel().state() == ChannelState::failed;
  });
  EXPECT_EQ(h.run.doist.run({&h.server, &h.client, &h.greeter, &refused, &stop}),
            RunEnd::interrupted);
  EXPECT_EQ(h.greeter.reply, "still working");
  EXPECT_EQ(refused.channel().reason(),
            "connect to 127.0.0.1:" + std::to_string(port) + " failed: Connection refused");
  EXPECT_EQ(h.sink.count(EventKind::error, refused.channel().id()), 1u);
}

// A listener's queued connection, waited for (bounded): the client's
// connect, completed by the kernel, before any of the client's completions.
RawSocket accept_queued(const RawSocket& listener) {
  RawSocket accepted;
  for (int i = 0; i < 2000 && !accepted.valid(); ++i) {
    accepted = raw_try_accept(listener);
    if (!accepted.valid()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return accepted;
}

// The peer accepts and resets before the client's connect completion runs:
// the connect completes with ECONNRESET. The connection was made, so it is a
// connect and a remote close, as when the reset comes a moment later, not a
// failed connect (which would also try the host's next address).
TEST(IoTcp, AResetBeforeTheConnectCompletedIsAConnectionThatWasReset) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  RawSocket listener = raw_listen();
  const std::string target = "127.0.0.1:" + std::to_string(listener.port());
  TcpClientDoer client(run.io, "tcp://" + target);  // connects before returning
  RawSocket accepted = accept_queued(listener);
  ASSERT_TRUE(accepted.valid());
  accepted.set_linger_zero();
  accepted.reset();  // the RST is queued at the client before its first poll
  Channel& ch = client.channel();
  StopWhen stop(run.doist, [&] { return !ch.open(); });
  EXPECT_EQ(run.doist.run({&client, &stop}), RunEnd::interrupted);
  std::vector<std::string> events;
  for (const Recorded& r : sink.of(ch.id())) {
    events.push_back(std::string(to_string(r.kind)) + " " + r.peer + " " + r.text);
  }
  EXPECT_THAT(events, ::testing::ElementsAre(HasSubstr("open tcp://" + target),
                                             HasSubstr("connect " + target + " 127.0.0.1:"),
                                             "close  reset by peer"));
  EXPECT_EQ(ch.state(), ChannelState::closed);
  EXPECT_EQ(ch.connects(), 1u);
  const Recorded* close = sink.first(EventKind::close, ch.id());
  ASSERT_NE(close, nullptr);
  EXPECT_EQ(close->who, CloseWho::remote);
}

// Over TLS the channel is opening until handshaken: the same reset is a
// handshake the peer cut, in the words of one cut a moment later.
TEST(IoTcp, AResetBeforeTheConnectCompletedFailsATlsHandshake) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  RawSocket listener = raw_listen();
  const std::string target = "127.0.0.1:" + std::to_string(listener.port());
  TcpClientDoer client(run.io, "tls://" + target);
  RawSocket accepted = accept_queued(listener);
  ASSERT_TRUE(accepted.valid());
  accepted.set_linger_zero();
  accepted.reset();
  Channel& ch = client.channel();
  StopWhen stop(run.doist, [&] { return !ch.open(); });
  EXPECT_EQ(run.doist.run({&client, &stop}), RunEnd::interrupted);
  EXPECT_EQ(ch.state(), ChannelState::failed);
  EXPECT_EQ(ch.reason(), "TLS handshake with " + target + " failed: Connection reset by peer");
  EXPECT_EQ(sink.count(EventKind::connect, ch.id()), 0u);
}

// The addresses a host name resolves to for a TCP connect, in the
// resolver's order (as TcpStream asks: numeric service, any family).
std::vector<std::string> tcp_addresses_of(const char* host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::vector<std::string> out;
  if (::getaddrinfo(host, std::to_string(port).c_str(), &hints, &found) != 0) return out;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* ip = a->ai_family == AF_INET6
                         ? static_cast<const void*>(
                               &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr)
                         : &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr;
    ::inet_ntop(a->ai_family, ip, text, sizeof text);
    out.push_back(a->ai_family == AF_INET6 ? "[" + std::string(text) + "]:" + std::to_string(port)
                                           : std::string(text) + ":" + std::to_string(port));
  }
  ::freeaddrinfo(found);
  return out;
}

// A name's every address refused: the reason says which addresses were
// tried, each with its error, in the resolver's order.
void expect_refused_name_says_its_addresses(const char* host) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  const std::uint16_t port = free_port();
  const std::vector<std::string> addresses = tcp_addresses_of(host, port);
  ASSERT_FALSE(addresses.empty()) << host;
  TcpClientDoer client(run.io, "tcp://" + std::string(host) + ":" + std::to_string(port));
  Channel& ch = client.channel();
  StopWhen stop(run.doist, [&] { return !ch.open(); });
  EXPECT_EQ(run.doist.run({&client, &stop}), RunEnd::interrupted);
  std::string expected =
      "connect to " + std::string(host) + ":" + std::to_string(port) + " failed: ";
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    expected += (i == 0 ? "" : "; ") + addresses[i] + ": Connection refused";
  }
  EXPECT_EQ(ch.reason(), expected);
  EXPECT_EQ(sink.count(EventKind::error, ch.id()), 1u);
}

TEST(IoTcp, ARefusedNameSaysWhichAddressesWereTried) {
  expect_refused_name_says_its_addresses("localhost");
}

// Whether /etc/hosts lists `host`: a name it does not list would be asked of
// the name server, and tests stay on loopback.
bool listed_in_etc_hosts(const std::string& host) {
  std::ifstream hosts("/etc/hosts");
  std::string line;
  while (std::getline(hosts, line)) {
    std::istringstream words(line.substr(0, line.find('#')));
    std::string word;
    words >> word;  // the address
    while (words >> word) {
      if (word == host) return true;
    }
  }
  return false;
}

// With ::1 and 127.0.0.1 for a name, both, joined - where the machine has
// such a name (many list only 127.0.0.1 for localhost: then the test says
// so, and TheFailuresOfANamesAddressesAreJoinedInOrder checks the joining).
// Only names /etc/hosts lists are tried, so no query leaves the machine.
TEST(IoTcp, ARefusedNameOfTwoAddressesSaysBoth) {
  for (const char* host : {"localhost", "ip6-localhost", "localhost6"}) {
    if (listed_in_etc_hosts(host) && tcp_addresses_of(host, 1).size() >= 2) {
      expect_refused_name_says_its_addresses(host);
      return;
    }
  }
  GTEST_SKIP() << "no name /etc/hosts lists here (localhost, ip6-localhost, localhost6) resolves "
                  "to two addresses";
}

// The reason of a connect to a name joins its addresses' failures in the
// order tried, an IPv6 address in brackets (docs/io.md).
TEST(IoTcp, TheFailuresOfANamesAddressesAreJoinedInOrder) {
  namespace asio = boost::asio;
  const boost::system::error_code refused = asio::error::connection_refused;
  std::string tried;
  detail::note_tried(tried, detail::tcp::endpoint(asio::ip::address_v6::loopback(), 8080), refused);
  EXPECT_EQ(tried, "[::1]:8080: Connection refused");
  detail::note_tried(tried, detail::tcp::endpoint(asio::ip::address_v4::loopback(), 8080),
                     asio::error::timed_out);
  EXPECT_EQ(tried, "[::1]:8080: Connection refused; 127.0.0.1:8080: Connection timed out");
}

// Later attempts start at tyme > 0; tyme + Tock::max() overflowed and every
// one of them "timed out after 9223372036.854775807 s" at once.
TEST(IoTcp, AConnectTimeoutOfNeverNeverTimesOutALaterAttempt) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  const std::uint16_t port = free_port();
  ChannelOptions options;
  options.retry = Tock{30'000'000};
  options.connect_timeout = Tock::max();
  TcpClientDoer client(run.io, "tcp://127.0.0.1:" + std::to_string(port), options);
  StopWhen stop(run.doist,
                [&] { return sink.count(EventKind::error, client.channel().id()) >= 3; });
  EXPECT_EQ(run.doist.run({&client, &stop}), RunEnd::interrupted);
  for (const Recorded& r : sink.of(client.channel().id())) {
    if (r.kind == EventKind::error) {
      EXPECT_EQ(r.text,
                "connect to 127.0.0.1:" + std::to_string(port) + " failed: Connection refused")
          << "at " << format_seconds(r.tyme);
    }
  }
}

TEST(IoTcp, PortInUseIsAnErrorOnTheListenerAndTheRunGoesOn) {
  HealthyRun h;
  const std::string taken = tcp_url(h.server.listener());
  EchoServerDoer second(h.run.io, taken, {}, "second");
  EXPECT_EQ(second.listener().state(), ChannelState::failed);
  EXPECT_EQ(second.listener().reason(),
            "listen on " + h.server.listener().local() + " failed: Address already in use");
  const Recorded* error = h.sink.first(EventKind::error, second.listener().id());
  ASSERT_NE(error, nullptr);
  StopWhen stop(h.run.doist, [&] { return h.greeter.done() == true; });
  EXPECT_EQ(h.run.doist.run({&h.server, &second, &h.client, &h.greeter, &stop}),
            RunEnd::interrupted);
  EXPECT_EQ(h.greeter.reply, "still working");
}

// A TLS client of a link-local address checks the certificate for the
// address without its zone, as a certificate names it (unfixed: "cannot
// check certificates for the name 'fe80::1%lo'", and the connect failed).
TEST(IoTcp, ATlsClientOfALinkLocalAddressChecksItWithoutItsZone) {
  auto context = std::make_shared<detail::ssl::context>(detail::ssl::context::tls_client);
  const detail::TlsSetup setup =
      detail::client_tls_setup({}, parse_address_or_throw("tls://[fe80::1%lo]:443"), context);
  EXPECT_EQ(setup.server_name, "fe80::1");
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(context->native_handle()), &SSL_free);
  ASSERT_NE(ssl, nullptr);
  std::string error;
  EXPECT_TRUE(detail::prepare_tls_client(ssl.get(), setup, error)) << error;
}

TEST(IoTcp, MalformedUrlIsAPreciseErrorAndCreatesNothing) {
  HealthyRun h;
  const std::size_t before = h.run.io.channel_count();
  try {
    TcpClientDoer bad(h.run.io, "tcp://127.0.0.1:99999");
    FAIL() << "constructed";
  } catch (const AddressParseError& error) {
    EXPECT_EQ(error.error().part, "port");
    EXPECT_EQ(error.error().offset, 16u);
    EXPECT_THAT(error.what(), HasSubstr("must be at most 65535"));
  }
  AddressResult parsed = parse_address("tcp//127.0.0.1:80");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().part, "separator");
  EXPECT_EQ(h.run.io.channel_count(), before);
  StopWhen stop(h.run.doist, [&] { return h.greeter.done() == true; });
  EXPECT_EQ(h.run.doist.run({&h.server, &h.client, &h.greeter, &stop}), RunEnd::interrupted);
  EXPECT_EQ(h.greeter.reply, "still working");
}

TEST(IoTcp, ClientReconnectsOnTheRetryGridAfterTheServerRestarts) {
  constexpr Tock kRetry{40'000'000};
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  auto first =
      std::make_unique<EchoServerDoer>(run.io, "tcp://127.0.0.1:0", ChannelOptions{}, "first");
  const std::string url = tcp_url(first->listener());
  std::unique_ptr<EchoServerDoer> second;
  ChannelOptions options;
  options.retry = kRetry;
  TcpClientDoer client(run.io, url, options);
  Channel& ch = client.channel();
  auto errors_now = [&] { return sink.count(EventKind::error, ch.id()); };
  std::size_t errors_at_close = 0;

  Script script(run.doist,
                {{"first connect", [&] { return ch.connected(); }, [&] { (void)ch.write("one"); }},
                 {"first echo", [&] { return ch.rx_size() >= 3; },
                  [&] {
                    EXPECT_EQ(ch.read(), "one");
                    run.doist.remove({first.get()});  // the server goes away: closes everything
                  }},
                 {"remote close", [&] { return ch.state() != ChannelState::connected; },
                  [&] { errors_at_close = errors_now(); }},
                 {"a refused retry", [&] { return errors_now() > errors_at_close; },
                  [&] {
                    second =
                        std::make_unique<EchoServerDoer>(run.io, url, ChannelOptions{}, "second");
                    run.doist.extend({second.get()});
                  }},
                 {"second connect", [&] { return ch.connected() && ch.connects() == 2; },
                  [&] { (void)ch.write("two"); }},
                 {"second echo", [&] { return ch.rx_size() >= 3; }, {}}});

  EXPECT_EQ(run.doist.run({first.get(), &client, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->listener().state(), ChannelState::closed);  // it listened, then exit
  EXPECT_EQ(ch.read(), "two");
  EXPECT_EQ(ch.connects(), 2u);

  // Each reconnect attempt is an open event on the grid start + k * retry.
  std::vector<Tyme> opens;
  for (const Recorded& r : sink.events)
    if (r.kind == EventKind::open && r.channel == ch.id()) opens.push_back(r.tyme);
  ASSERT_GE(opens.size(), 3u);  // creation, >= 1 refused retry, the one that worked
  const Tyme grid = Tyme{};     // the client was created at tyme 0
  for (std::size_t i = 1; i < opens.size(); ++i) {
    EXPECT_EQ((opens[i] - grid) % kRetry, Tock{0}) << format_seconds(opens[i]);
    EXPECT_GT(opens[i], opens[i - 1]);
  }
  // The server's exit is a FIN: the end of its data (rx_end), then the
  // client's driver closes its side ("peer finished") and, as after a remote
  // close, retries.
  ASSERT_NE(sink.first(EventKind::rx_end, ch.id()), nullptr);
  const Recorded* close = sink.first(EventKind::close, ch.id());
  ASSERT_NE(close, nullptr);
  EXPECT_LT(sink.first(EventKind::rx_end, ch.id())->seq, close->seq);
  EXPECT_EQ(close->who, CloseWho::local);
  EXPECT_EQ(close->text, "peer finished");
  EXPECT_THAT(sink.first(EventKind::error, ch.id())->text, HasSubstr("Connection refused"));
}

}  // namespace tcp_error_test
}  // namespace
}  // namespace hio::test
