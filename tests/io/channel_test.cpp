// Channels and the choke point, driven through ManualTransport's port: ids,
// states, buffers and backpressure, what close and failure do to tx and rx,
// datagrams, listeners, waking, sinks, factories and release.
#include "hio/io/channel.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <type_traits>

#include "hio/engine/doist.hpp"
#include "hio/io/hub.hpp"
#include "manual_transport.hpp"
#include "recording_sink.hpp"

namespace hio::test {
namespace {
namespace channel_test {

using ::testing::ElementsAre;

struct ChannelFixture : ::testing::Test {
  ChannelFixture() {
    io.set_factory(Scheme::sim, &factory);
    io.add_sink(sink);
  }
  // A connected stream channel and its transport.
  Channel& connected_stream(ChannelOptions options = {}) {
    Channel& channel = io.connect("sim://peer:1", std::move(options));
    factory.last().port.connected("me:2", "peer:1");
    return channel;
  }

  Doist doist{seconds(1)};
  IoHub io{doist.tymth()};
  ManualFactory factory;
  RecordingSink sink;
};

using IoChannel = ChannelFixture;

TEST_F(IoChannel, IdsAreSequentialAndOpenEventsDescribeTheChannel) {
  // Designated initializers name only what they set (every field has a
  // default member initializer, so -Werror=missing-field-initializers holds).
  const ChannelOptions named{.name = "gps", .rx_bytes_max = 1024};
  Channel& a = io.connect("sim://peer:1");
  Channel& b = io.listen("sim://0.0.0.0:7", named);
  Channel& c = io.bind("sim://me:9");
  EXPECT_EQ(a.id(), 1u);
  EXPECT_EQ(b.id(), 2u);
  EXPECT_EQ(c.id(), 3u);
  EXPECT_EQ(a.name(), "sim://peer:1");
  EXPECT_EQ(b.name(), "gps");
  EXPECT_EQ(a.kind(), ChannelKind::stream);
  EXPECT_EQ(b.kind(), ChannelKind::listener);
  EXPECT_EQ(c.kind(), ChannelKind::datagram);
  EXPECT_EQ(a.state(), ChannelState::opening);
  EXPECT_THAT(sink.lines(), ElementsAre("0 #1 open stream name=sim://peer:1 address=sim://peer:1",
                                        "0 #2 open listener name=gps address=sim://0.0.0.0:7",
                                        "0 #3 open datagram name=sim://me:9 address=sim://me:9"));
  EXPECT_EQ(io.channel_ids(), (std::vector<std::uint32_t>{1, 2, 3}));
  EXPECT_EQ(io.find(2), &b);
}

TEST_F(IoChannel, WriteIsPartialWhenTxIsFullAndTakeTxIsATxEvent) {
  ChannelOptions options;
  options.tx_bytes_max = 8;
  Channel& ch = connected_stream(options);
  EXPECT_EQ(ch.write("0123456789"), 8u);  // backpressure, visible
  EXPECT_EQ(ch.write("x"), 0u);
  EXPECT_EQ(ch.tx_space(), 0u);
  EXPECT_FALSE(ch.flushed());

  std::string out;
  EXPECT_EQ(factory.last().port.take_tx(out, 5), 5u);
  EXPECT_EQ(out, "01234");
  EXPECT_EQ(ch.tx_space(), 5u);
  EXPECT_EQ(ch.write("89"), 2u);
  factory.last().port.take_tx(out, 100);
  EXPECT_EQ(out, "0123456789");
  EXPECT_EQ(sink.stream(EventKind::tx, ch.id()), "0123456789");
  EXPECT_EQ(sink.count(EventKind::tx), 2u);
  factory.last().in_flight_bytes = 3;
  EXPECT_FALSE(ch.flushed());
  factory.last().in_flight_bytes = 0;
  EXPECT_TRUE(ch.flushed());
}

TEST_F(IoChannel, DeliverAppendsToRxAsAnRxEvent) {
  ChannelOptions options;
  options.rx_bytes_max = 6;
  Channel& ch = connected_stream(options);
  ChannelPort& port = factory.last().port;
  EXPECT_EQ(port.rx_space(), 6u);
  port.deliver("hel");
  port.deliver("lo!");
  EXPECT_EQ(port.rx_space(), 0u);
  EXPECT_EQ(ch.peek(), "hello!");
  ch.consume(2);
  EXPECT_EQ(ch.read(3), "llo");
  EXPECT_EQ(ch.read(), "!");
  EXPECT_EQ(ch.rx_size(), 0u);
  EXPECT_THROW(ch.consume(1), std::out_of_range);
  EXPECT_EQ(sink.stream(EventKind::rx, ch.id()), "hello!");
}

TEST_F(IoChannel, DeliveringMoreThanRxHasRoomForIsABug) {
  ChannelOptions options;
  options.rx_bytes_max = 2;
  connected_stream(options);
  EXPECT_DEATH(factory.last().port.deliver("abc"), "delivered 3 bytes");
}

TEST_F(IoChannel, ConnectSetsEndpointsAndCountsConnections) {
  Channel& ch = connected_stream();
  EXPECT_TRUE(ch.connected());
  EXPECT_EQ(ch.local(), "me:2");
  EXPECT_EQ(ch.peer(), "peer:1");
  EXPECT_EQ(ch.connects(), 1u);
  const Recorded* connect = sink.first(EventKind::connect, ch.id());
  ASSERT_NE(connect, nullptr);
  EXPECT_EQ(connect->text, "me:2");
  EXPECT_EQ(connect->peer, "peer:1");
}

TEST_F(IoChannel, CloseReportsWhoAndWhyDiscardsUnsentTxAndKeepsRx) {
  Channel& ch = connected_stream();
  factory.last().port.deliver("last words");
  EXPECT_EQ(ch.write("never sent"), 10u);
  ch.close("done here");
  EXPECT_EQ(ch.state(), ChannelState::closed);
  EXPECT_EQ(ch.reason(), "done here");
  const Recorded* close = sink.first(EventKind::close, ch.id());
  ASSERT_NE(close, nullptr);
  EXPECT_EQ(close->who, CloseWho::local);
  EXPECT_EQ(close->text, "done here");
  EXPECT_EQ(close->bytes, "never sent");  // discarded, and said so
  EXPECT_EQ(ch.tx_size(), 0u);
  EXPECT_EQ(ch.peek(), "last words");  // still readable
  EXPECT_EQ(ch.write("more"), 0u);     // refused: not open
  ch.close("again");                   // no effect
  EXPECT_EQ(sink.count(EventKind::close), 1u);
}

TEST_F(IoChannel, RemoteCloseIsAnEventWithWhoRemote) {
  Channel& ch = connected_stream();
  factory.last().port.closed(CloseWho::remote, "reset by peer");
  EXPECT_EQ(ch.state(), ChannelState::closed);
  const Recorded* close = sink.first(EventKind::close, ch.id());
  ASSERT_NE(close, nullptr);
  EXPECT_EQ(close->who, CloseWho::remote);
  EXPECT_EQ(close->line, "0 #1 close remote why=reset by peer");
}

TEST_F(IoChannel, AFailedOpenKeepsTxAndAFailedConnectionDiscardsIt) {
  Channel& ch = io.connect("sim://peer:1");
  EXPECT_EQ(ch.write("queued"), 6u);  // accepted while opening
  factory.last().port.failed("connect refused");
  EXPECT_EQ(ch.state(), ChannelState::failed);
  EXPECT_EQ(ch.reason(), "connect refused");
  EXPECT_EQ(ch.tx_size(), 6u);
  EXPECT_EQ(ch.write("x"), 0u);  // not open
  EXPECT_TRUE(sink.first(EventKind::error, ch.id())->bytes.empty());

  ch.reopen();
  EXPECT_EQ(factory.last().reopens, 1);
  EXPECT_EQ(ch.state(), ChannelState::opening);
  EXPECT_EQ(sink.count(EventKind::open, ch.id()), 2u);
  factory.last().port.connected("a", "b");
  factory.last().port.failed("read failed: boom");
  EXPECT_EQ(sink.events.back().bytes, "queued");
  EXPECT_EQ(ch.tx_size(), 0u);
  EXPECT_THROW(
      [&] {
        factory.last().port.opening();
        ch.reopen();
      }(),
      std::logic_error);
}

TEST_F(IoChannel, ErrorWithoutFailureKeepsTheState) {
  Channel& ch = connected_stream();
  factory.last().port.error("accept failed: too many open files");
  EXPECT_TRUE(ch.connected());
  EXPECT_EQ(sink.events.back().kind, EventKind::error);
}

// A datagram channel's unsent datagrams end with it the same way whether it
// is closed or fails: counted in the reason, not carried (bytes is a
// stream's; datagrams may go to many peers). Unfixed, the failure of a
// connected datagram channel dropped them without even the count.
TEST_F(IoChannel, UnsentDatagramsAreCountedByACloseAndAnErrorAlike) {
  Channel& closed = io.bind("sim://me:9");
  factory.last().port.connected("me:9", "");
  Channel& failed = io.bind("sim://me:10");
  ChannelPort& failing = factory.last().port;
  failing.connected("me:10", "");
  for (Channel* ch : {&closed, &failed}) {
    EXPECT_TRUE(ch->send("a:1", "first"));
    EXPECT_TRUE(ch->send("b:2", "second"));
  }
  closed.close("done");
  failing.failed("read failed: gone");
  const Recorded* close = sink.first(EventKind::close, closed.id());
  const Recorded* error = sink.first(EventKind::error, failed.id());
  ASSERT_NE(close, nullptr);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(close->text, "done (2 unsent datagrams discarded)");
  EXPECT_EQ(error->text, "read failed: gone (2 unsent datagrams discarded)");
  EXPECT_EQ(failed.reason(), error->text);
  EXPECT_EQ(close->bytes, "");
  EXPECT_EQ(error->bytes, "");
  EXPECT_EQ(closed.tx_count(), 0u);
  EXPECT_EQ(failed.tx_count(), 0u);
}

TEST_F(IoChannel, DatagramsAreWholeAndOversizedOnesAreErrors) {
  ChannelOptions options;
  options.tx_bytes_max = 10;
  options.datagrams_max = 4;
  options.datagram_bytes_max = 8;
  Channel& ch = io.bind("sim://me:9", options);
  ChannelPort& port = factory.last().port;
  port.connected("me:9", "");
  EXPECT_TRUE(ch.send("a:1", "12345"));
  EXPECT_FALSE(ch.send("a:1", "123456"));  // no room for all of it: nothing queued
  EXPECT_EQ(ch.tx_count(), 1u);
  EXPECT_FALSE(ch.send("a:1", "123456789"));  // larger than any datagram may be
  EXPECT_EQ(sink.events.back().kind, EventKind::error);
  EXPECT_NE(sink.events.back().text.find("9 bytes to a:1 exceeds the limit of 8"),
            std::string::npos);
  EXPECT_TRUE(ch.connected());

  auto out = port.take_datagram();
  ASSERT_TRUE(out);
  EXPECT_EQ(out->peer, "a:1");
  const Recorded& tx = sink.events.back();
  EXPECT_EQ(tx.kind, EventKind::tx);
  EXPECT_EQ(tx.peer, "a:1");
  EXPECT_EQ(tx.bytes, "12345");
  EXPECT_FALSE(port.take_datagram());

  EXPECT_TRUE(port.rx_fits(8));
  port.deliver("b:2", "hi");
  EXPECT_EQ(ch.rx_count(), 1u);
  auto in = ch.receive();
  ASSERT_TRUE(in);
  EXPECT_EQ(*in, (Datagram{"b:2", "hi"}));
  EXPECT_FALSE(ch.receive());
  EXPECT_THROW((void)ch.write("x"), std::logic_error);
}

TEST_F(IoChannel, ListenerAcceptCreatesTheNextChannel) {
  Channel& listener = io.listen("sim://0.0.0.0:7");
  ChannelPort listener_port = factory.last().port;
  listener_port.connected("0.0.0.0:7", "");
  Channel& other = io.connect("sim://x:1");
  Address remote_address = parse_address_or_throw("sim://r:5");
  Channel& remote =
      *listener_port.accept(std::make_unique<ManualTransport>(), remote_address, "r:5");
  EXPECT_EQ(other.id(), 2u);
  EXPECT_EQ(remote.id(), 3u);
  EXPECT_EQ(remote.name(), "sim://0.0.0.0:7/3");
  EXPECT_EQ(remote.address(), remote_address);
  EXPECT_THAT(sink.kinds(1), ElementsAre(EventKind::open, EventKind::connect, EventKind::accept));
  const Recorded* accept = sink.first(EventKind::accept, 1);
  EXPECT_EQ(accept->accepted, 3u);
  EXPECT_EQ(accept->peer, "r:5");
  EXPECT_EQ(sink.events.back().line, "0 #3 open stream name=sim://0.0.0.0:7/3 address=sim://r:5");
  EXPECT_EQ(listener.accept_pending(), 1u);
  EXPECT_EQ(listener.accept(), &remote);
  EXPECT_EQ(listener.accept(), nullptr);
  EXPECT_THROW((void)remote.accept(), std::logic_error);
  EXPECT_THROW((void)listener.write("x"), std::logic_error);
}

TEST_F(IoChannel, WaiterWakesOnRxStateAndTxSpaceAndDriverOnWriteAndConsume) {
  ChannelOptions options;
  options.rx_bytes_max = 4;
  Channel& ch = io.connect("sim://peer:1", options);
  ChannelPort port = factory.last().port;
  ParkedProbe waiter("waiter");
  ParkedProbe driver("driver");
  doist.enter({&waiter, &driver});
  ch.set_waiter(&waiter);
  ch.set_driver(&driver);
  auto pass = [&] { doist.recur(); };

  pass();
  EXPECT_EQ(waiter.runs + driver.runs, 0);  // parked: idle costs nothing
  port.connected("a", "b");                 // state change: both
  pass();
  EXPECT_EQ(waiter.runs, 1);
  EXPECT_EQ(driver.runs, 1);
  EXPECT_EQ(ch.write("abc"), 3u);  // tx has bytes: the driver
  pass();
  EXPECT_EQ(waiter.runs, 1);
  EXPECT_EQ(driver.runs, 2);
  std::string out;
  port.take_tx(out, 3);  // tx space: the waiter
  pass();
  EXPECT_EQ(waiter.runs, 2);
  EXPECT_EQ(driver.runs, 2);
  port.deliver("wxyz");  // rx: the waiter
  pass();
  EXPECT_EQ(waiter.runs, 3);
  EXPECT_EQ(driver.runs, 2);
  ch.consume(4);  // rx space: the driver
  pass();
  EXPECT_EQ(waiter.runs, 3);
  EXPECT_EQ(driver.runs, 3);
  port.request_service();
  pass();
  EXPECT_EQ(driver.runs, 4);
  port.notify();
  pass();
  EXPECT_EQ(waiter.runs, 4);
  pass();
  EXPECT_EQ(waiter.runs + driver.runs, 8);  // nothing new: nobody runs
  doist.exit();
}

TEST_F(IoChannel, EventsAreStampedWithTymeAndSequenceForEverySinkInOrder) {
  RecordingSink second;
  io.add_sink(second);
  Channel& ch = connected_stream();
  doist.recur();  // tyme 0 -> 1
  doist.recur();  // tyme 1 -> 2
  factory.last().port.deliver("x");
  EXPECT_EQ(sink.events.back().tyme, Tyme{seconds(2)});
  EXPECT_EQ(sink.events.back().seq, 2u);
  EXPECT_EQ(io.event_count(), 3u);
  EXPECT_TRUE(sink.ordered());
  EXPECT_EQ(second.lines(), sink.lines());
  io.remove_sink(second);
  ch.close();
  EXPECT_EQ(second.events.size(), 3u);
  EXPECT_EQ(sink.events.size(), 4u);
}

TEST_F(IoChannel, AnUnsupportedSchemeThrowsAndCreatesNothing) {
  EXPECT_THROW(io.connect("udp://h:1"), std::invalid_argument);
  EXPECT_THROW(io.connect("tcp://h:99999"), AddressParseError);
  EXPECT_THROW(io.bind("tcp://127.0.0.1:0"), std::invalid_argument);
  EXPECT_EQ(io.channel_count(), 0u);
  EXPECT_EQ(io.event_count(), 0u);
  EXPECT_EQ(io.connect("sim://a:1").id(), 1u);
}

TEST_F(IoChannel, OverrideFactoryTakesEveryScheme) {
  ManualFactory replay;
  io.set_override(&replay);
  io.connect("tcp://127.0.0.1:1");
  io.bind("udp://h:1");
  EXPECT_EQ(replay.made.size(), 2u);
  // What the scheme's own factory refuses (a udp:// connect), the recorded
  // run could not have opened: refused under the override too.
  EXPECT_THROW(io.connect("udp://h:1"), std::invalid_argument);
  EXPECT_EQ(replay.made.size(), 2u);
  io.set_override(nullptr);
  io.set_factory(Scheme::sim, nullptr);
  EXPECT_THROW(io.connect("sim://a:1"), std::invalid_argument);
}

TEST_F(IoChannel, ReleaseClosesDestroysAndNeverReusesTheId) {
  Channel& a = connected_stream();
  std::uint32_t id = a.id();
  io.release(a);
  EXPECT_EQ(io.find(id), nullptr);
  const Recorded& close = sink.events.back();
  EXPECT_EQ(close.kind, EventKind::close);
  EXPECT_EQ(close.text, "released");
  EXPECT_EQ(io.connect("sim://b:1").id(), id + 1);
}

TEST_F(IoChannel, ServiceAndDueGoToTheTransport) {
  Channel& ch = connected_stream();
  ch.service();
  ch.service();
  EXPECT_EQ(factory.last().services, 2);
  EXPECT_EQ(ch.due(), kTymeNever);
  factory.last().due_tyme = Tyme{seconds(3)};
  EXPECT_EQ(ch.due(), Tyme{seconds(3)});
}

TEST_F(IoChannel, LogRecordsPassTheChokePoint) {
  io.log("0 info [x] hello");
  EXPECT_EQ(sink.events.back().kind, EventKind::log);
  EXPECT_EQ(sink.events.back().channel, 0u);
  EXPECT_EQ(sink.events.back().text, "0 info [x] hello");
}

// Noise on channel 0 is a fact of the network that a replay delivers as an
// input: only the network (a transport factory) can emit it, never a doer.
// The key cannot be made elsewhere (an `io.noise({}, ...)` does not compile).
static_assert(!std::is_default_constructible_v<NoiseKey>);
static_assert(std::is_empty_v<NoiseKey>);

TEST_F(IoChannel, NetworkNoiseComesFromTheNetworkOnChannelZero) {
  factory.network_noise(io, NoiseKind::drop, "ping", "client:5", "no channel left");
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].kind, EventKind::noise);
  EXPECT_EQ(sink.events[0].channel, 0u);
  EXPECT_EQ(sink.events[0].noise, NoiseKind::drop);
  EXPECT_EQ(sink.events[0].bytes, "ping");
  EXPECT_EQ(sink.events[0].peer, "client:5");
  EXPECT_EQ(sink.events[0].text, "no channel left");
}

}  // namespace channel_test
}  // namespace
}  // namespace hio::test
