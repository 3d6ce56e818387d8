// Real UDP on 127.0.0.1 through a real-time Doist: two UdpPeerDoers talking
// both ways, a peer sending to itself, datagram size limits on both sides
// (an oversized incoming one reported with its real size, over IPv6),
// the broadcast option, bad destinations, a port in use, and a slow reader
// whose full rx holds datagrams back without losing or reordering them, and
// says (an error event) the one it held when its channel closes; and the
// datagrams the kernel dropped for a reader slower than its sender.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "io_run.hpp"
#include "raw_socket.hpp"
#include "recording_sink.hpp"

namespace hio::test {
namespace {
namespace udp_test {

using ::testing::HasSubstr;

// Sends `count` datagrams to `target` and echoes back whatever is not an
// echo; done when all of its own came back.
class Caller final : public UdpPeerDoer {
 public:
  Caller(IoHub& hub, std::string label, int count)
      : UdpPeerDoer(hub, "udp://127.0.0.1:0", {}, label), label_(std::move(label)), count_(count) {}

  std::string target;
  std::vector<std::string> replies;  // the echoes of our own datagrams
  std::vector<Datagram> heard;       // datagrams from others, as received

 protected:
  void serve(Channel& channel) override {
    while (std::optional<Datagram> in = channel.receive()) {
      if (in->bytes.rfind("echo:", 0) == 0) {
        replies.push_back(in->bytes.substr(5));
      } else {
        heard.push_back(*in);
        if (!channel.send(in->peer, "echo:" + in->bytes)) rerun();
      }
    }
    while (channel.connected() && sent_ < count_ && !target.empty()) {
      if (!channel.send(target, label_ + " #" + std::to_string(sent_))) break;
      ++sent_;
    }
  }

 private:
  std::string label_;
  int count_;
  int sent_ = 0;
};

TEST(IoUdp, TwoPeersTalkBothWays) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  Caller a(run.io, "a", 20);
  Caller b(run.io, "b", 20);
  ASSERT_TRUE(a.channel().connected()) << a.channel().reason();
  ASSERT_TRUE(b.channel().connected()) << b.channel().reason();
  a.target = b.channel().local();
  b.target = a.channel().local();
  StopWhen stop(run.doist, [&] { return a.replies.size() == 20 && b.replies.size() == 20; });
  EXPECT_EQ(run.doist.run({&a, &b, &stop}), RunEnd::interrupted);

  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(a.replies.at(static_cast<std::size_t>(i)), "a #" + std::to_string(i));
    EXPECT_EQ(b.replies.at(static_cast<std::size_t>(i)), "b #" + std::to_string(i));
  }
  ASSERT_EQ(a.heard.size(), 20u);
  EXPECT_EQ(a.heard[0], (Datagram{b.channel().local(), "b #0"}));
  EXPECT_EQ(b.heard[0], (Datagram{a.channel().local(), "a #0"}));
  // At the choke point: every datagram is one tx on the sender and one rx,
  // with the sender as peer, on the receiver.
  const std::uint32_t ida = a.channel().id();
  const std::uint32_t idb = b.channel().id();
  EXPECT_EQ(sink.count(EventKind::tx, ida), 40u);
  EXPECT_EQ(sink.count(EventKind::rx, idb), 40u);
  const Recorded* rx = sink.first(EventKind::rx, idb);
  ASSERT_NE(rx, nullptr);
  EXPECT_EQ(rx->peer, a.channel().local());
  EXPECT_EQ(rx->bytes, "a #0");
  EXPECT_EQ(sink.count(EventKind::error), 0u);
  EXPECT_EQ(sink.first(EventKind::open, ida)->channel_kind, ChannelKind::datagram);
  EXPECT_EQ(sink.first(EventKind::close, ida)->text, "peer exit");
}

TEST(IoUdp, APeerSendsToItself) {
  RealRun run;
  Caller self(run.io, "self", 5);
  self.target = self.channel().local();
  StopWhen stop(run.doist, [&] { return self.replies.size() == 5; });
  EXPECT_EQ(run.doist.run({&self, &stop}), RunEnd::interrupted);
  ASSERT_EQ(self.heard.size(), 5u);
  EXPECT_EQ(self.heard[4], (Datagram{self.channel().local(), "self #4"}));
  EXPECT_EQ(self.replies[4], "self #4");
}

TEST(IoUdp, OverIpv6Loopback) {
  RealRun run;
  UdpPeerDoer a(run.io, "udp://[::1]:0", {}, "a");
  if (!a.channel().connected()) GTEST_SKIP() << "no IPv6 loopback: " << a.channel().reason();
  UdpPeerDoer b(run.io, "udp://[::1]:0", {}, "b");
  EXPECT_EQ(a.channel().local().front(), '[');
  std::optional<Datagram> got;
  Script script(run.doist,
                {{"send", [] { return true; },
                  [&] { EXPECT_TRUE(a.channel().send(b.channel().local(), "six")); }},
                 {"receive", [&] { return (got = b.channel().receive()).has_value(); }, {}}});
  EXPECT_EQ(run.doist.run({&a, &b, &script}), RunEnd::interrupted);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, (Datagram{a.channel().local(), "six"}));
}

TEST(IoUdp, OversizedDatagramsAreClearErrorsAndNotSent) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  UdpPeerDoer a(run.io, "udp://127.0.0.1:0", {}, "a");
  ChannelOptions small;
  small.datagram_bytes_max = 100;
  UdpPeerDoer b(run.io, "udp://127.0.0.1:0", small, "b");
  const std::string to_b = b.channel().local();
  std::vector<Datagram> received;
  Script script(run.doist, {{"send", [] { return true; },
                             [&] {
                               // Larger than a's limit (the default, the largest UDP payload).
                               EXPECT_FALSE(a.channel().send(to_b, std::string(65'508, 'x')));
                               EXPECT_EQ(a.channel().tx_count(), 0u);
                               // Fine for a, too large for b: b reports it and reads on.
                               EXPECT_TRUE(a.channel().send(to_b, std::string(200, 'y')));
                               EXPECT_TRUE(a.channel().send(to_b, "small"));
                             }},
                            {"small one arrives",
                             [&] {
                               while (auto d = b.channel().receive())
                                 received.push_back(*d);
                               return !received.empty();
                             },
                             {}}});
  EXPECT_EQ(run.doist.run({&a, &b, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].bytes, "small");
  const Recorded* too_big = sink.first(EventKind::error, a.channel().id());
  ASSERT_NE(too_big, nullptr);
  EXPECT_EQ(too_big->text,
            "datagram of 65508 bytes to " + to_b + " exceeds the limit of 65507 bytes; not sent");
  const Recorded* discarded = sink.first(EventKind::error, b.channel().id());
  ASSERT_NE(discarded, nullptr);
  EXPECT_EQ(discarded->text, "datagram of 200 bytes from " + a.channel().local() +
                                 " exceeds datagram_bytes_max (100); discarded");
  EXPECT_EQ(sink.count(EventKind::tx, a.channel().id()), 2u);  // the 200 and the small one
  // Both stayed open until the doers' exit closed them.
  EXPECT_EQ(sink.first(EventKind::close, a.channel().id())->text, "peer exit");
  EXPECT_EQ(sink.first(EventKind::close, b.channel().id())->text, "peer exit");
}

// Options for datagrams beyond the largest IPv4 UDP payload.
ChannelOptions large_datagrams() {
  ChannelOptions large;
  large.datagram_bytes_max = 70'000;
  large.rx_bytes_max = 140'000;
  large.tx_bytes_max = 140'000;
  return large;
}

TEST(IoUdp, ADatagramTheOsRefusesIsAnErrorAndTheChannelGoesOn) {
  const ChannelOptions large = large_datagrams();
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  UdpPeerDoer a(run.io, "udp://127.0.0.1:0", large, "a");
  UdpPeerDoer b(run.io, "udp://127.0.0.1:0", {}, "b");
  std::optional<Datagram> got;
  Script script(run.doist,
                {{"send", [] { return true; },
                  [&] {
                    EXPECT_TRUE(a.channel().send(b.channel().local(), std::string(66'000, 'z')));
                    EXPECT_TRUE(a.channel().send("localhost:9", "by name"));
                    EXPECT_TRUE(a.channel().send(b.channel().local(), "after"));
                  }},
                 {"after arrives", [&] { return (got = b.channel().receive()).has_value(); }, {}}});
  EXPECT_EQ(run.doist.run({&a, &b, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  EXPECT_EQ(got->bytes, "after");
  std::vector<std::string> errors;
  for (const Recorded& r : sink.events)
    if (r.kind == EventKind::error) errors.push_back(r.text);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0],
            "send of 66000 bytes to " + b.channel().local() + " failed: Message too long");
  EXPECT_EQ(errors[1],
            "datagram of 7 bytes not sent: destination 'localhost:9' is not an IP address and "
            "port (e.g. 127.0.0.1:9000 or [::1]:9000)");
}

// IPv6 carries UDP payloads up to 65527 bytes, more than any IPv4 one (and
// the 65508-byte read buffer): an oversized datagram is reported with its
// real size, also where datagram_bytes_max would allow it but the read cut it.
TEST(IoUdp, AnOversizedIncomingDatagramIsReportedWithItsRealSize) {
  const ChannelOptions large = large_datagrams();
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  UdpPeerDoer a(run.io, "udp://[::1]:0", large, "a");
  if (!a.channel().connected()) GTEST_SKIP() << "no IPv6 loopback: " << a.channel().reason();
  UdpPeerDoer b(run.io, "udp://[::1]:0", {}, "b");
  UdpPeerDoer c(run.io, "udp://[::1]:0", large, "c");
  std::optional<Datagram> at_b, at_c;
  Script script(
      run.doist,
      {{"send", [] { return true; },
        [&] {
          for (UdpPeerDoer* to : {&b, &c}) {
            EXPECT_TRUE(a.channel().send(to->channel().local(), std::string(65'527, 'z')));
            EXPECT_TRUE(a.channel().send(to->channel().local(), "after"));
          }
        }},
       {"after arrives at b", [&] { return (at_b = b.channel().receive()).has_value(); }, {}},
       {"after arrives at c", [&] { return (at_c = c.channel().receive()).has_value(); }, {}}});
  EXPECT_EQ(run.doist.run({&a, &b, &c, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  EXPECT_EQ(at_b->bytes, "after");
  EXPECT_EQ(at_c->bytes, "after");
  const Recorded* at_default = sink.first(EventKind::error, b.channel().id());
  ASSERT_NE(at_default, nullptr);
  EXPECT_EQ(at_default->text, "datagram of 65527 bytes from " + a.channel().local() +
                                  " exceeds datagram_bytes_max (65507); discarded");
  const Recorded* at_large = sink.first(EventKind::error, c.channel().id());
  ASSERT_NE(at_large, nullptr);
  EXPECT_EQ(at_large->text, "datagram of 65527 bytes from " + a.channel().local() +
                                " exceeds the largest datagram read (65508 bytes); discarded");
}

TEST(IoUdp, BroadcastNeedsTheOption) {
  // 127.255.255.255 is the loopback network's broadcast address: sending
  // there is refused without SO_BROADCAST. (Receiving a broadcast needs a
  // socket bound to the wildcard address, which these tests do not use.)
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  UdpPeerDoer plain(run.io, "udp://127.0.0.1:0", {}, "plain");
  ChannelOptions options;
  options.broadcast = true;
  UdpPeerDoer caster(run.io, "udp://127.0.0.1:0", options, "caster");
  const std::string everyone =
      "127.255.255.255:" + std::to_string(port_of(plain.channel().local()));
  Script script(run.doist, {{"send", [] { return true; },
                             [&] {
                               EXPECT_TRUE(plain.channel().send(everyone, "hello all"));
                               EXPECT_TRUE(caster.channel().send(everyone, "hello all"));
                             }},
                            {"both sent",
                             [&] {
                               return plain.channel().flushed() && caster.channel().flushed() &&
                                      sink.count(EventKind::error) > 0;
                             },
                             {}}});
  EXPECT_EQ(run.doist.run({&plain, &caster, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  const Recorded* refused = sink.first(EventKind::error, plain.channel().id());
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->text, "send of 9 bytes to " + everyone + " failed: Permission denied");
  EXPECT_EQ(sink.count(EventKind::error, caster.channel().id()), 0u);
  EXPECT_EQ(sink.count(EventKind::tx, caster.channel().id()), 1u);
}

TEST(IoUdp, PortInUseAndWrongRoles) {
  RealRun run;
  UdpPeerDoer a(run.io, "udp://127.0.0.1:0", {}, "a");
  UdpPeerDoer b(run.io, "udp://" + a.channel().local(), {}, "b");
  EXPECT_EQ(b.channel().state(), ChannelState::failed);
  EXPECT_EQ(b.channel().reason(),
            "bind to " + a.channel().local() + " failed: Address already in use");
  EXPECT_THROW(run.io.connect("udp://127.0.0.1:9"), std::invalid_argument);
  EXPECT_THROW(run.io.listen("udp://127.0.0.1:0"), std::invalid_argument);
  ChannelOptions impossible;
  impossible.datagram_bytes_max = 10;
  impossible.rx_bytes_max = 5;
  EXPECT_THROW(run.io.bind("udp://127.0.0.1:0", impossible), std::invalid_argument);
  // Which limit, with the values.
  ChannelOptions too_large;
  too_large.datagram_bytes_max = 100'000;
  too_large.tx_bytes_max = 200'000;
  try {
    run.io.bind("udp://127.0.0.1:0", too_large);
    ADD_FAILURE() << "datagram_bytes_max beyond rx_bytes_max was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(),
                 "datagram endpoint udp://127.0.0.1:0: datagram_bytes_max (100000) exceeds "
                 "rx_bytes_max (65536): such a datagram could never be queued");
  }
  ChannelOptions no_datagrams;
  no_datagrams.datagrams_max = 0;
  try {
    run.io.bind("udp://127.0.0.1:0", no_datagrams);
    ADD_FAILURE() << "datagrams_max 0 was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(),
                 "datagram endpoint udp://127.0.0.1:0: datagrams_max is 0: no datagram could "
                 "ever be queued");
  }
  // The run goes on with the failed peer in it.
  Caller self(run.io, "self", 1);
  self.target = self.channel().local();
  StopWhen stop(run.doist, [&] { return self.replies.size() == 1; });
  EXPECT_EQ(run.doist.run({&a, &b, &self, &stop}), RunEnd::interrupted);
  EXPECT_EQ(b.channel().state(), ChannelState::failed);  // failed stays failed at exit
}

// peer_problem says ahead what a send would fail with: a peer of the other
// IP family than the socket's. An IPv4 socket reaches IPv4 peers only; an
// IPv6 one bound to ::1 reaches IPv6 only (Linux: ENETUNREACH); one bound
// to [::] is dual-stack and reaches both; one bound to an IPv4-mapped
// address (::ffff:127.0.0.1) reaches IPv4 only (Linux: EAFNOSUPPORT; xipv619
// finding 1: said to reach both). Each answer is checked against what a
// real send then does.
TEST(IoUdp, PeerProblemReportsAnAddressFamilyTheSocketCannotReach) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  UdpPeerDoer v4(run.io, "udp://127.0.0.1:0", {}, "v4");
  UdpPeerDoer v6(run.io, "udp://[::1]:0", {}, "v6");
  UdpPeerDoer dual(run.io, "udp://[::]:0", {}, "dual");
  UdpPeerDoer mapped(run.io, "udp://[::ffff:127.0.0.1]:0", {}, "mapped");
  const std::string v4_peer = v4.channel().local();
  const std::string v6_peer = v6.channel().local();
  EXPECT_EQ(v4.channel().peer_problem(v4_peer), "");
  EXPECT_EQ(v4.channel().peer_problem(v6_peer),
            "destination '" + v6_peer +
                "' is an IPv6 address, and this endpoint is bound to the IPv4 address "
                "127.0.0.1: it can send to IPv4 peers only");
  EXPECT_EQ(v6.channel().peer_problem(v6_peer), "");
  EXPECT_EQ(v6.channel().peer_problem(v4_peer),
            "destination '" + v4_peer +
                "' is an IPv4 address, and this endpoint is bound to the IPv6 address ::1: it "
                "can send to IPv6 peers only (bind [::] for both)");
  EXPECT_EQ(dual.channel().peer_problem(v4_peer), "");
  EXPECT_EQ(dual.channel().peer_problem(v6_peer), "");
  EXPECT_EQ(mapped.channel().peer_problem(v4_peer), "");
  EXPECT_EQ(mapped.channel().peer_problem(v6_peer),
            "destination '" + v6_peer +
                "' is an IPv6 address, and this endpoint is bound to the IPv4-mapped IPv6 "
                "address ::ffff:127.0.0.1: it can send to IPv4 peers only");
  // Before binding (or for an unbound literal), the address's own family.
  UdpPeerDoer taken(run.io, "udp://" + v4_peer, {}, "taken");  // fails to bind
  EXPECT_THAT(taken.channel().peer_problem(v6_peer), HasSubstr("is an IPv6 address"));

  // What the sends do: the ones said to be fine arrive, the others fail.
  std::size_t v4_got = 0;
  std::size_t v6_got = 0;
  Script script(run.doist, {{"send", [] { return true; },
                             [&] {
                               EXPECT_TRUE(v4.channel().send(v6_peer, "v4 to v6"));
                               EXPECT_TRUE(v6.channel().send(v4_peer, "v6 to v4"));
                               EXPECT_TRUE(dual.channel().send(v4_peer, "dual to v4"));
                               EXPECT_TRUE(dual.channel().send(v6_peer, "dual to v6"));
                               EXPECT_TRUE(mapped.channel().send(v4_peer, "mapped to v4"));
                               EXPECT_TRUE(mapped.channel().send(v6_peer, "mapped to v6"));
                             }},
                            {"both arrived",
                             [&] {
                               while (v4.channel().receive())
                                 ++v4_got;
                               while (v6.channel().receive())
                                 ++v6_got;
                               return v4_got == 2 && v6_got == 1 &&
                                      sink.count(EventKind::error) >= 4;
                             },
                             {}}});
  EXPECT_EQ(run.doist.run({&v4, &v6, &dual, &mapped, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  std::vector<std::string> errors;
  for (const Recorded& r : sink.events)
    if (r.kind == EventKind::error && r.channel != taken.channel().id()) errors.push_back(r.text);
  EXPECT_THAT(errors, ::testing::UnorderedElementsAre(HasSubstr("to " + v6_peer + " failed: "),
                                                      HasSubstr("to " + v4_peer + " failed: "),
                                                      HasSubstr("to " + v6_peer + " failed: ")));
}

// Port 0 is no destination: the OS refuses every send to it (EINVAL), so
// peer_problem says so ahead, and send reports it as a destination that
// cannot be used, in the same words, without asking the OS.
TEST(IoUdp, PortZeroIsNoDestination) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  UdpPeerDoer a(run.io, "udp://127.0.0.1:0", {}, "a");
  UdpPeerDoer v6(run.io, "udp://[::1]:0", {}, "v6");
  const std::string refusal = "has port 0, to which nothing can be sent";
  EXPECT_EQ(a.channel().peer_problem("127.0.0.1:0"), "destination '127.0.0.1:0' " + refusal);
  EXPECT_EQ(v6.channel().peer_problem("[::1]:0"), "destination '[::1]:0' " + refusal);
  EXPECT_EQ(a.channel().peer_problem("127.0.0.1:1"), "");
  Script script(run.doist, {{"send", [] { return true; },
                             [&] { EXPECT_TRUE(a.channel().send("127.0.0.1:0", "to nowhere")); }},
                            {"refused", [&] { return sink.count(EventKind::error) > 0; },
                             [&] { EXPECT_TRUE(a.channel().connected()); }}});
  EXPECT_EQ(run.doist.run({&a, &v6, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  const Recorded* error = sink.first(EventKind::error, a.channel().id());
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->text, "datagram of 10 bytes not sent: destination '127.0.0.1:0' " + refusal);
}

// The unspecified address ([::], 0.0.0.0) is no destination (xipv619
// finding 4: Linux sent to the loopback, whose replies came from [::1] or
// 127.0.0.1, so a requester took none for the destination's), and a zone
// that names no interface (a name or a number) is none either (finding 6:
// the send went out unscoped, refused by the OS).
TEST(IoUdp, TheUnspecifiedAddressAndAnUnknownZoneAreNoDestinations) {
  RealRun run;
  UdpPeerDoer dual(run.io, "udp://[::]:0", {}, "dual");
  UdpPeerDoer v4(run.io, "udp://127.0.0.1:0", {}, "v4");
  const std::string any = "is the unspecified address (any address), no address to send to";
  EXPECT_EQ(dual.channel().peer_problem("[::]:9"), "destination '[::]:9' " + any);
  EXPECT_EQ(dual.channel().peer_problem("[::ffff:0.0.0.0]:9"),
            "destination '[::ffff:0.0.0.0]:9' " + any);
  EXPECT_EQ(v4.channel().peer_problem("0.0.0.0:9"), "destination '0.0.0.0:9' " + any);
  EXPECT_EQ(dual.channel().peer_problem("[fe80::1%nosuch]:9"),
            "destination '[fe80::1%nosuch]:9' names no network interface 'nosuch'");
  EXPECT_EQ(dual.channel().peer_problem("[fe80::1%0]:9"),
            "destination '[fe80::1%0]:9' names no network interface '0'");
  EXPECT_EQ(dual.channel().peer_problem("[fe80::1%4000000000]:9"),
            "destination '[fe80::1%4000000000]:9' names no network interface '4000000000'");
  EXPECT_EQ(dual.channel().peer_problem("[fe80::1%1]:9"), "");  // lo
}

// The peer text of a datagram from a link-local sender carries its zone,
// "[fe80::1%lo]:9", as the system prints it: sending back to it must work
// (unfixed: "is not an IP address and port", so such a peer could never be
// answered). A zone is only for a link-local address.
TEST(IoUdp, ALinkLocalPeerWithItsZoneIsADestination) {
  RealRun run;
  UdpPeerDoer dual(run.io, "udp://[::]:0", {}, "dual");
  EXPECT_EQ(dual.channel().peer_problem("[fe80::1%lo]:9"), "");
  EXPECT_EQ(dual.channel().peer_problem("[fe80::1%1]:9"), "");
  EXPECT_EQ(dual.channel().peer_problem("[::1%lo]:9"),
            "destination '[::1%lo]:9' is not an IP address and port (e.g. 127.0.0.1:9000 or "
            "[::1]:9000)");
}

TEST(IoUdp, AFullRxHoldsDatagramsBackWithoutLossOrReordering) {
  ChannelOptions tight;
  tight.datagrams_max = 2;
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  UdpPeerDoer sender(run.io, "udp://127.0.0.1:0", {}, "sender");
  UdpPeerDoer reader(run.io, "udp://127.0.0.1:0", tight, "reader");
  constexpr int kCount = 30;
  std::vector<std::string> got;
  Script script(
      run.doist,
      {{"send all", [] { return true; },
        [&] {
          for (int i = 0; i < kCount; ++i)
            EXPECT_TRUE(sender.channel().send(reader.channel().local(), std::to_string(i)));
        }},
       {"rx full, all sent",
        [&] { return reader.channel().rx_count() == 2 && sender.channel().flushed(); },
        [&] { EXPECT_EQ(sink.count(EventKind::rx, reader.channel().id()), 2u); }},
       {"all read",
        [&] {
          if (auto d = reader.channel().receive()) got.push_back(d->bytes);  // one per pass
          return got.size() == kCount;
        },
        {}}});
  EXPECT_EQ(run.doist.run({&sender, &reader, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for() << " with " << got.size();
  for (int i = 0; i < kCount && i < static_cast<int>(got.size()); ++i)
    EXPECT_EQ(got[static_cast<std::size_t>(i)], std::to_string(i));
  EXPECT_EQ(sink.count(EventKind::error), 0u);
}

// A datagram held back for rx room when its channel closes goes with the
// socket: an error event names it, before the close (it went silently, and a
// capture of the run lost it without a trace).
TEST(IoUdp, ADatagramHeldForRxRoomIsAnErrorEventAtClose) {
  ChannelOptions one;
  one.datagrams_max = 1;
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  UdpPeerDoer sender(run.io, "udp://127.0.0.1:0", {}, "sender");
  UdpPeerDoer reader(run.io, "udp://127.0.0.1:0", one, "reader");
  int passes = 0;
  Script script(run.doist,
                {{"send two", [] { return true; },
                  [&] {
                    EXPECT_TRUE(sender.channel().send(reader.channel().local(), "first"));
                    EXPECT_TRUE(sender.channel().send(reader.channel().local(), "second!"));
                  }},
                 {"rx full, both sent",
                  [&] { return reader.channel().rx_count() == 1 && sender.channel().flushed(); },
                  {}},
                 // The second is in the reader's socket: read, and held, in a pass or two.
                 {"the second held", [&] { return ++passes == 50; },
                  [&] { reader.channel().close("done"); }}});
  EXPECT_EQ(run.doist.run({&sender, &reader, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  const std::uint32_t id = reader.channel().id();
  EXPECT_THAT(sink.kinds(id),
              ::testing::ElementsAre(EventKind::open, EventKind::connect, EventKind::rx,
                                     EventKind::error, EventKind::close));
  const Recorded* error = sink.first(EventKind::error, id);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->text, "datagram of 7 bytes from " + sender.channel().local() +
                             " discarded at close: it waited for room in rx");
  // The first stays readable; nothing else was lost.
  const std::optional<Datagram> first = reader.channel().receive();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->bytes, "first");
  EXPECT_EQ(sink.count(EventKind::error), 1u);
}

// A reader slower than its sender: the datagrams the kernel drops (the
// socket's receive buffer full) are counted for its channel, as many as
// never arrived, while it is open and after it closed. (Until session 23
// such a loss said nothing at all: no event, no warning.)
TEST(IoUdp, DatagramsTheKernelDroppedAreCounted) {
  ChannelOptions slow;
  slow.datagrams_max = 1;           // rx full at once: the socket fills
  slow.socket_buffer_bytes = 4096;  // a few datagrams' room (the kernel doubles it)
  RealRun run;
  UdpPeerDoer reader(run.io, "udp://127.0.0.1:0", slow, "reader");
  ASSERT_TRUE(reader.channel().connected()) << reader.channel().reason();
  EXPECT_TRUE(run.io.dropped_datagrams().empty());
  constexpr int kCount = 300;
  int sent = 0;
  std::uint64_t received = 0;
  int quiet_passes = 0;
  std::uint64_t dropped_open = 0;
  Script script(run.doist,
                {{"flood", [] { return true; },
                  [&] { sent = flood_udp(port_of(reader.channel().local()), kCount, 512); }},
                 {"read all that came",
                  [&] {
                    // One per pass, a slow reader; done once nothing came for 200 passes.
                    if (reader.channel().receive()) {
                      ++received;
                      quiet_passes = 0;
                    }
                    return ++quiet_passes > 200;
                  },
                  [&] {
                    const std::vector<IoHub::DroppedDatagrams> dropped = run.io.dropped_datagrams();
                    ASSERT_EQ(dropped.size(), 1u);
                    dropped_open = dropped[0].datagrams;
                    reader.channel().close("done");
                  }}});
  EXPECT_EQ(run.doist.run({&reader, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  EXPECT_EQ(sent, kCount);
  EXPECT_GT(dropped_open, 0u) << "the kernel kept " << received << " of " << sent;
  EXPECT_EQ(received + dropped_open, static_cast<std::uint64_t>(sent));
  // Closed: the count stays the channel's.
  const std::vector<IoHub::DroppedDatagrams> dropped = run.io.dropped_datagrams();
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].channel, reader.channel().id());
  EXPECT_EQ(dropped[0].name, reader.channel().name());
  EXPECT_EQ(dropped[0].local, reader.channel().local());
  EXPECT_EQ(dropped[0].datagrams, dropped_open);
}

}  // namespace udp_test
}  // namespace
}  // namespace hio::test
