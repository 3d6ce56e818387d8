// Streams over SimNet: the TCP driver doers run unchanged over sim://
// addresses — connect, accept, ordered bytes, close, refused connects,
// bandwidth, stalls across partitions, resets when a host goes down.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "sim_support.hpp"
#include "test_doers.hpp"

namespace hio::test {
namespace {
namespace sim_stream_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Both ends close while 100 bytes are on the wire (written at 0.3 s over a
// 100 ms link, closed at 0.31 s): the connection goes, and so do those
// bytes — a drop at the second close, on the channel that closed last,
// before its close event (unfixed: nothing; 100 bytes sent, none accounted).
TEST(SimStream, DataOnTheWireWhenBothEndsCloseIsADrop) {
  SimWorld w;
  w.two_hosts({.latency = 100 * kMs});
  Channel& listener = w.io.listen("sim://b:7");
  Channel& client = w.io.connect("sim://b:7");
  Channel* remote = nullptr;
  Timeline timeline({{Tyme{300 * kMs},
                      [&] {
                        ASSERT_TRUE(client.connected());
                        ASSERT_EQ(client.write(std::string(100, 'z')), 100u);
                        client.service();
                      }},
                     {Tyme{310 * kMs}, [&] {
                        remote = listener.accept();
                        ASSERT_NE(remote, nullptr);
                        client.close("client done");
                        remote->close("server done");
                      }}});
  w.doist.run({&timeline}, seconds(1));
  ASSERT_NE(remote, nullptr);
  std::vector<Recorded> noise;
  std::size_t sent = 0;
  for (const Recorded& r : w.sink.events) {
    if (r.kind == EventKind::noise) noise.push_back(r);
    if (r.kind == EventKind::tx) sent += r.bytes.size();
  }
  EXPECT_EQ(sent, 100u);
  ASSERT_EQ(noise.size(), 1u);
  EXPECT_EQ(noise[0].noise, NoiseKind::drop);
  EXPECT_EQ(noise[0].channel, remote->id());
  EXPECT_EQ(noise[0].tyme, Tyme{310 * kMs});
  EXPECT_EQ(noise[0].bytes, std::string(100, 'z'));
  EXPECT_EQ(noise[0].peer, "b:7");
  EXPECT_EQ(noise[0].text, "both ends closed while on link a->b");
  const std::vector<Recorded> events = w.sink.of(remote->id());
  EXPECT_EQ(events.back().kind, EventKind::close);
  EXPECT_EQ(events[events.size() - 2].kind, EventKind::noise);
  dump_on_failure(w.sink);
}

// A host going down resets its streams, and the data on their way goes with
// them: 100 bytes written at 0.3 s over a 100 ms link, b down at 0.35 s, are
// a drop on the sender's channel at 0.35 s, before both closes (unfixed:
// only the two closes; 100 bytes sent, none accounted).
TEST(SimStream, DataOnTheWireWhenAResetEndsTheStreamIsADrop) {
  SimWorld w;
  w.two_hosts({.latency = 100 * kMs});
  Channel& listener = w.io.listen("sim://b:7");
  Channel& client = w.io.connect("sim://b:7");
  w.net.host_down_at(Tyme{350 * kMs}, "b");
  Channel* remote = nullptr;
  Timeline timeline({{Tyme{300 * kMs},
                      [&] {
                        remote = listener.accept();
                        ASSERT_NE(remote, nullptr);
                        ASSERT_TRUE(client.connected());
                        ASSERT_EQ(client.write(std::string(100, 'z')), 100u);
                        client.service();
                      }},
                     {Tyme{500 * kMs}, [] {}}});
  w.doist.run({&timeline}, seconds(1));
  ASSERT_NE(remote, nullptr);
  std::vector<std::string> lines;
  for (const Recorded& r : w.sink.events) {
    if (r.tyme == Tyme{350 * kMs}) lines.push_back(r.line);
  }
  const std::string client_id = "#" + std::to_string(client.id());
  const std::string remote_id = "#" + std::to_string(remote->id());
  EXPECT_THAT(lines, ElementsAre("0.35 " + client_id +
                                     " noise drop 100 bytes peer=b:7 detail=reset: host b went "
                                     "down while on link a->b",
                                 HasSubstr(client_id + " close remote"),
                                 HasSubstr(remote_id + " close remote")));
  EXPECT_EQ(w.sink.stream(EventKind::rx, remote->id()), "");
  dump_on_failure(w.sink);
}

// Data that reaches an end already closed is answered by a reset, and its
// bytes are a drop on the sender's channel when they arrive: 10 bytes
// written at 0.3 s over a 100 ms link to a remote closed at 0.35 s
// (unfixed: no event says where the 10 bytes went).
TEST(SimStream, DataReachingAClosedEndIsADrop) {
  SimWorld w;
  w.two_hosts({.latency = 100 * kMs});
  Channel& listener = w.io.listen("sim://b:7");
  Channel& client = w.io.connect("sim://b:7");
  Channel* remote = nullptr;
  Timeline timeline({{Tyme{300 * kMs},
                      [&] {
                        remote = listener.accept();
                        ASSERT_NE(remote, nullptr);
                        ASSERT_EQ(client.write("0123456789"), 10u);
                        client.service();
                      }},
                     {Tyme{350 * kMs}, [&] { remote->close("server done"); }},
                     {Tyme{600 * kMs}, [] {}}});
  w.doist.run({&timeline}, seconds(1));
  ASSERT_NE(remote, nullptr);
  std::vector<Recorded> noise;
  for (const Recorded& r : w.sink.events)
    if (r.kind == EventKind::noise) noise.push_back(r);
  ASSERT_EQ(noise.size(), 1u);
  EXPECT_EQ(noise[0].noise, NoiseKind::drop);
  EXPECT_EQ(noise[0].channel, client.id());
  EXPECT_EQ(noise[0].tyme, Tyme{400 * kMs});
  EXPECT_EQ(noise[0].bytes, "0123456789");
  EXPECT_EQ(noise[0].peer, "b:7");
  EXPECT_EQ(noise[0].text, "receiver closed before it arrived on link a->b");
  dump_on_failure(w.sink);
}

// A segment sent again after its sender closed (caught by a cut, resent at
// the heal) draws a new jitter: reported on the receiver's channel, still
// open, not on channel 0 (unfixed: channel 0, as if no channel were left).
TEST(SimStream, AResentSegmentsJitterAfterItsSenderClosedGoesToTheReceiver) {
  SimWorld w;
  w.two_hosts({.latency = 5 * kMs, .jitter = kMs});
  Channel& listener = w.io.listen("sim://b:7");
  Channel& client = w.io.connect("sim://b:7");
  w.net.partition_at(Tyme{50 * kMs}, {"a"}, {"b"});
  w.net.heal_at(Tyme{seconds(2)}, {"a"}, {"b"});
  Channel* remote = nullptr;
  Timeline timeline({{Tyme{100 * kMs},
                      [&] {
                        remote = listener.accept();
                        ASSERT_NE(remote, nullptr);
                        ASSERT_EQ(client.write("across the cut"), 14u);
                        client.service();
                        client.close("client done");
                      }},
                     {Tyme{seconds(2) + 100 * kMs}, [] {}}});  // runs on past the heal
  w.doist.run({&timeline}, seconds(3));
  ASSERT_NE(remote, nullptr);
  std::vector<Recorded> jitters;
  for (const Recorded& r : w.sink.events) {
    EXPECT_NE(r.channel, 0u) << r.line;
    if (r.kind == EventKind::noise && r.text.starts_with("jitter")) jitters.push_back(r);
  }
  ASSERT_EQ(jitters.size(), 2u);
  EXPECT_EQ(jitters[0].channel, client.id());  // sent while the client was open
  EXPECT_EQ(jitters[1].channel, remote->id());
  EXPECT_EQ(jitters[1].tyme, Tyme{seconds(2)});
  EXPECT_EQ(w.sink.stream(EventKind::rx, remote->id()), "across the cut");
  dump_on_failure(w.sink);
}

// The same shape as the MemoryNet echo trace, over SimNet: 0.5 s one way.
TEST(SimStream, EchoDoersRunUnchangedWithAnExactTrace) {
  SimWorld w({}, Tock{250'000'000});
  w.two_hosts({.latency = Tock{500'000'000}}, Way::both, "client", "server");
  EchoServerDoer server(w.io, "sim://server:7");
  TcpClientDoer client(w.io, "sim://server:7");
  Greeter greeter(client.channel(), "hello");
  const RunEnd end = w.doist.run({&server, &client, &greeter});

  EXPECT_EQ(greeter.reply, "hello");
  EXPECT_EQ(end, RunEnd::stalled);
  EXPECT_TRUE(w.sink.ordered());
  EXPECT_THAT(
      w.sink.lines(),
      ElementsAre("0 #1 open listener name=sim://server:7 address=sim://server:7",
                  "0 #1 connect local=server:7",
                  "0 #2 open stream name=sim://server:7 address=sim://server:7",
                  // The SYN takes 0.5 s; the accept is in SimNet's poll.
                  "0.5 #1 accept #3 peer=client:49152",
                  "0.5 #3 open stream name=sim://server:7/3 address=sim://client:49152",
                  "0.5 #3 connect local=server:7 peer=client:49152",
                  // The SYN-ACK takes 0.5 s back.
                  "1 #2 connect local=client:49152 peer=server:7",
                  // Woken by the connect, the greeter writes in that pass; the
                  // client's driver sends it the pass after.
                  "1.25 #2 tx 5 bytes \"hello\"", "1.75 #3 rx 5 bytes \"hello\"",
                  "1.75 #3 tx 5 bytes \"hello\"", "2.25 #2 rx 5 bytes \"hello\"",
                  // The greeter read at 2.25, which woke the client's driver
                  // at 2.5 (rx room); then all parked and the run stalled.
                  "2.75 #2 close local why=client exit", "2.75 #3 close local why=server exit",
                  "2.75 #1 close local why=server exit"));
  dump_on_failure(w.sink);
}

TEST(SimStream, ConnectIsRefusedWhenNobodyListens) {
  SimWorld w;
  w.two_hosts({.latency = 10 * kMs});
  TcpClientDoer client(w.io, "sim://b:99");
  w.doist.run({&client}, seconds(1));
  EXPECT_EQ(client.channel().state(), ChannelState::failed);
  EXPECT_EQ(client.channel().reason(), "connect to b:99 refused: nobody listens");
  const Recorded* error = w.sink.first(EventKind::error, client.channel().id());
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->tyme, Tyme{20 * kMs});  // the SYN there, the RST back
  dump_on_failure(w.sink);
}

TEST(SimStream, BytesArriveInOrderAtTheBandwidth) {
  // 800 kbit/s is exactly 10 us a byte: 100,000 bytes take 1 s on the wire.
  SimWorld w;
  w.two_hosts({.latency = 10 * kMs, .jitter = 2 * kMs, .bandwidth_bps = 800'000});
  // A server that reads everything (TcpServerDoer itself reads nothing, and
  // flow control would stop the sender once its rx buffer is full).
  struct Drain final : TcpServerDoer {
    using TcpServerDoer::TcpServerDoer;
    void serve(Channel& remote) override { (void)remote.read(); }
  } server(w.io, "sim://b:9");
  TcpClientDoer client(w.io, "sim://b:9");
  std::string message;
  for (int i = 0; i < 100'000; ++i)
    message += static_cast<char>('a' + (i * 7) % 26);
  // The greeter waits for an echo that never comes; it only writes.
  Greeter writer(client.channel(), message, "writer");
  w.doist.run({&server, &client, &writer}, seconds(3));

  const std::uint32_t remote = accepted_id(w.sink);
  ASSERT_NE(remote, 0u);
  const std::string got = w.sink.stream(EventKind::rx, remote);
  EXPECT_EQ(got.size(), message.size());
  EXPECT_TRUE(got == message);
  // The connect took 2 x 10 ms plus jitter-free control segments; then the
  // link was never idle (the window is far above the bandwidth-delay
  // product), so the last byte left 1 s after the first and arrived within
  // latency + jitter.
  const Recorded* first_tx = w.sink.first(EventKind::tx, client.channel().id());
  ASSERT_NE(first_tx, nullptr);
  Tyme last_rx{};
  for (const Recorded& r : w.sink.events)
    if (r.kind == EventKind::rx && r.channel == remote) last_rx = r.tyme;
  EXPECT_GE(last_rx, first_tx->tyme + seconds(1) + 10 * kMs);
  EXPECT_LE(last_rx, first_tx->tyme + seconds(1) + 13 * kMs);
  // Stream segments are delayed by jitter (reported), never lost.
  bool saw_jitter = false;
  for (const Recorded& r : w.sink.events) {
    if (r.kind == EventKind::noise) {
      EXPECT_EQ(r.noise, NoiseKind::delay) << r.line;
      saw_jitter = true;
    }
  }
  EXPECT_TRUE(saw_jitter);
  dump_on_failure(w.sink);
}

TEST(SimStream, ClientCloseReachesTheServerAfterTheData) {
  SimWorld w;
  w.two_hosts({.latency = 5 * kMs});
  TcpServerDoer server(w.io, "sim://b:9");
  Channel& ch = w.io.connect("sim://b:9");
  struct Closer final : Doer {
    Closer(Channel& c) : Doer("closer"), channel(c) {}
    Channel& channel;
    bool wrote = false;
    bool recur(Tyme) override {
      channel.service();
      if (channel.connected() && !wrote) {
        wrote = channel.write("last words") == 10;
        channel.service();
        channel.close("done talking");
        return true;
      }
      return false;
    }
  } closer(ch);
  w.doist.run({&server, &closer}, seconds(1));
  const std::uint32_t id = accepted_id(w.sink);
  ASSERT_NE(id, 0u);
  EXPECT_EQ(w.sink.stream(EventKind::rx, id), "last words");
  EXPECT_THAT(w.sink.kinds(id),
              ElementsAre(EventKind::open, EventKind::connect, EventKind::rx, EventKind::close));
  EXPECT_THAT(w.sink.of(id).back().line, HasSubstr("close remote why=closed by peer"));
  dump_on_failure(w.sink);
}

TEST(SimStream, PartitionStallsAStreamAndHealResumesIt) {
  SimWorld w;
  w.two_hosts({.latency = 5 * kMs});
  EchoServerDoer server(w.io, "sim://b:7");
  TcpClientDoer client(w.io, "sim://b:7");
  // Connected by 10 ms; the cut comes before the greeter writes.
  w.net.partition_at(Tyme{50 * kMs}, {"a"}, {"b"});
  w.net.heal_at(Tyme{seconds(2)}, {"a"}, {"b"});
  Greeter greeter(client.channel(), "across the cut");
  StartAt starter(w.doist, Tyme{100 * kMs}, greeter);  // inside the cut
  w.doist.run({&server, &client, &starter}, seconds(3));

  EXPECT_EQ(greeter.reply, "across the cut");
  const std::uint32_t client_id = client.channel().id();
  const Recorded* tx = w.sink.first(EventKind::tx, client_id);
  const Recorded* rx = w.sink.first(EventKind::rx, client_id);
  ASSERT_NE(tx, nullptr);
  ASSERT_NE(rx, nullptr);
  EXPECT_LT(tx->tyme, Tyme{seconds(2)});
  // Resent at the heal: 5 ms there, echoed, 5 ms back.
  EXPECT_EQ(rx->tyme, Tyme{seconds(2) + 10 * kMs});
  std::vector<std::string> noise;
  for (const Recorded& r : w.sink.events)
    if (r.kind == EventKind::noise) noise.push_back(r.text);
  ASSERT_EQ(noise.size(), 2u);
  EXPECT_EQ(noise[0], "stalled: link a->b unreachable");
  EXPECT_THAT(noise[1], HasSubstr("resumed after 1.893 s stalled on link a->b: 1 segments resent"));
  dump_on_failure(w.sink);
}

// A stalled stream reset by its host going down is no longer stalled: the
// heal after it resumes nothing (the core's set of stalled directions
// forgets a connection when it goes).
TEST(SimStream, AStreamResetWhileStalledIsNotResumedByTheHeal) {
  SimWorld w;
  w.two_hosts({.latency = 5 * kMs});
  EchoServerDoer server(w.io, "sim://b:7");
  TcpClientDoer client(w.io, "sim://b:7");
  w.net.partition_at(Tyme{50 * kMs}, {"a"}, {"b"});
  w.net.host_down_at(Tyme{seconds(1)}, "b");
  w.net.heal_at(Tyme{seconds(2)}, {"a"}, {"b"});
  w.net.host_up_at(Tyme{Tock{2'500'000'000}}, "b");
  Greeter greeter(client.channel(), "across the cut");
  StartAt starter(w.doist, Tyme{100 * kMs}, greeter);  // inside the cut
  w.doist.run({&server, &client, &starter}, seconds(3));

  EXPECT_EQ(greeter.reply, "");
  const Recorded* close = w.sink.first(EventKind::close, client.channel().id());
  ASSERT_NE(close, nullptr);
  EXPECT_EQ(close->tyme, Tyme{seconds(1)});
  EXPECT_EQ(close->text, "reset: host b went down");
  std::vector<std::string> noise;
  for (const Recorded& r : w.sink.events)
    if (r.kind == EventKind::noise) noise.push_back(r.text);
  // The held greeting is lost with the reset, not resumed.
  ASSERT_EQ(noise.size(), 2u);
  EXPECT_EQ(noise[0], "stalled: link a->b unreachable");
  EXPECT_EQ(noise[1], "reset: host b went down while on link a->b");
  dump_on_failure(w.sink);
}

// A partition never makes a stream faster than its link: what a cut caught
// is sent again through the link's queue (docs/simulation.md, Streams).
// 20 segments of 1000 bytes over 80 kbit/s (100 ms each on the wire) and
// 500 ms of latency, all written at t0 = 1.000001 s (connected at 1 s, sent
// the pass after): segment k (0..19) leaves the queue at t0 + (k + 1) x 0.1 s
// and arrives 0.5 s later. A cut from 2.05 s catches the segments that left
// the queue before its heal and arrive from 2.05 s on: k >= 5. Returns the
// tyme of the last rx and the "resumed" noise (empty without a cut).
struct CutRun {
  Tyme first_tx{};
  Tyme last_rx{};
  std::string resumed;
};
CutRun run_across_a_cut(Tock cut_for) {
  SimWorld w({.segment_bytes_max = 1000}, kUs);
  w.two_hosts({.latency = 500 * kMs, .bandwidth_bps = 80'000});
  if (cut_for > Tock{0}) {
    w.net.partition_at(Tyme{2050 * kMs}, {"a"}, {"b"});
    w.net.heal_at(Tyme{2050 * kMs} + cut_for, {"a"}, {"b"});
  }
  struct Drain final : TcpServerDoer {
    using TcpServerDoer::TcpServerDoer;
    void serve(Channel& remote) override { (void)remote.read(); }
  } server(w.io, "sim://b:9");
  TcpClientDoer client(w.io, "sim://b:9");
  std::string message;
  for (int i = 0; i < 20'000; ++i)
    message += static_cast<char>('a' + (i * 7) % 26);
  Greeter writer(client.channel(), message, "writer");
  w.doist.run({&server, &client, &writer}, seconds(8));
  CutRun run;
  const std::uint32_t remote = accepted_id(w.sink);
  EXPECT_TRUE(w.sink.stream(EventKind::rx, remote) == message);  // whole and in order
  if (const Recorded* tx = w.sink.first(EventKind::tx, client.channel().id())) {
    run.first_tx = tx->tyme;
  }
  for (const Recorded& r : w.sink.events) {
    if (r.kind == EventKind::rx && r.channel == remote) run.last_rx = r.tyme;
    if (r.kind == EventKind::noise && r.text.starts_with("resumed")) run.resumed = r.text;
  }
  dump_on_failure(w.sink);
  return run;
}

TEST(SimStream, APartitionNeverDeliversFasterThanTheLink) {
  const Tyme t0{seconds(1) + kUs};
  const Tock wire = 100 * kMs;  // 1000 bytes at 80 kbit/s
  const Tock latency = 500 * kMs;

  // No cut: the last segment leaves at t0 + 20 x 0.1 s.
  const CutRun none = run_across_a_cut(Tock{0});
  EXPECT_EQ(none.first_tx, t0);
  EXPECT_EQ(none.last_rx, t0 + 20 * wire + latency);  // 3.500001 s
  EXPECT_EQ(none.resumed, "");

  // Cut for 1 us: segments 5..9 had left the queue before the heal
  // (2.050001 s) and arrive after the cut (from 2.100001 s). The first of
  // them arrives at R = t0 + 1.1 s, finds the link healed and is sent again
  // with the other four, through the queue: behind segments 10..19, which
  // had not left it and keep their place (last leaves t0 + 2 s). The five
  // leave at t0 + 2.1 .. 2.5 s; 10..19 arrived earlier but are read after
  // them, at the last one's arrival.
  const CutRun short_cut = run_across_a_cut(kUs);
  EXPECT_EQ(short_cut.last_rx, t0 + 20 * wire + 5 * wire + latency);  // 4.000001 s
  EXPECT_EQ(short_cut.resumed, "resumed after 0 s stalled on link a->b: 5 segments resent");

  // Cut for 1 s (2.05 .. 3.05 s): every segment from 5 on had left the queue
  // before the heal (the last at t0 + 2 s); 5..14 arrived during the cut and
  // were held, 15..19 were still on the way. All 15 are sent again at the
  // heal, onto an idle link: the last leaves 3.05 + 15 x 0.1 s.
  const CutRun long_cut = run_across_a_cut(seconds(1));
  EXPECT_EQ(long_cut.last_rx, Tyme{3050 * kMs} + 15 * wire + latency);  // 5.05 s
  EXPECT_EQ(long_cut.resumed, "resumed after 0.949999 s stalled on link a->b: 15 segments resent");

  EXPECT_LE(none.last_rx, short_cut.last_rx);
  EXPECT_LT(short_cut.last_rx, long_cut.last_rx);
}

// A cut lasts up to, not including, its heal (docs/simulation.md): segment
// 10, whose last bit leaves the queue at the heal's very tyme (t0 + 1.1 s =
// 2.100001 s), left onto a healed link and keeps its place; only 5..9, which
// left before it, are sent again - as with the 1 us cut (unfixed: 10 was
// caught too, as sent before the cut, and resent: 6 segments, 0.1 s later).
TEST(SimStream, ASegmentLeavingAtTheHealIsNotCaught) {
  const Tyme t0{seconds(1) + kUs};
  const Tock wire = 100 * kMs;
  const CutRun at_heal = run_across_a_cut(50 * kMs + kUs);  // 2.05 .. 2.100001 s
  EXPECT_EQ(at_heal.resumed, "resumed after 0 s stalled on link a->b: 5 segments resent");
  EXPECT_EQ(at_heal.last_rx, t0 + 25 * wire + 500 * kMs);  // 4.000001 s
}

// A cut and its heal that take effect in one pass (a tock longer than the
// cut: SimNet performs what fell due since the last pass in one poll, in
// order) still catch a segment sent in that pass before them, though it left
// at the heal's very tyme: the SYN reaches b at 0.1 s, performed at 1 s, where
// the SYN-ACK leaves; then the cut (0.5 s) and its heal (0.6 s), both at 1 s.
// The SYN-ACK is stalled on arrival and sent again, so the client connects a
// pass later (3 s, not 2 s as without the cut).
TEST(SimStream, ACutAndHealInOnePassCatchASegmentSentBeforeThem) {
  SimWorld w({}, seconds(1));
  w.two_hosts({.latency = 100 * kMs});
  EchoServerDoer server(w.io, "sim://b:7");
  TcpClientDoer client(w.io, "sim://b:7");
  w.net.partition_at(Tyme{500 * kMs}, {"a"}, {"b"});
  w.net.heal_at(Tyme{600 * kMs}, {"a"}, {"b"});
  w.doist.run({&server, &client}, seconds(5));
  std::vector<std::string> noise;
  Tyme connected{};
  for (const Recorded& r : w.sink.events) {
    if (r.kind == EventKind::noise) noise.push_back(format_seconds(r.tyme) + " " + r.text);
    if (r.kind == EventKind::connect && r.channel == client.channel().id()) connected = r.tyme;
  }
  EXPECT_THAT(noise, ElementsAre("2 stalled: cut in flight on link b->a",
                                 "2 resumed after 0 s stalled on link b->a: 1 segments resent"));
  EXPECT_EQ(connected, Tyme{seconds(3)});
  dump_on_failure(w.sink);
}

// A FIN queues behind the data sent before it (docs/simulation.md, Close):
// it leaves the link's queue with the last of them, so a cut that catches
// none of them - here 1.05 .. 1.06 s, while the two 1000-byte segments
// written at the connect (~1 s) still wait in an 80 kbit/s queue, leaving at
// +0.1 and +0.2 s - does not catch it either (unfixed: it "left" when sent,
// before the cut, and was stalled on arrival and sent again, 0.5 s late).
TEST(SimStream, AFinBehindQueuedDataIsCaughtOnlyWithThem) {
  SimWorld w({.segment_bytes_max = 1000}, kUs);
  w.two_hosts({.latency = 500 * kMs, .bandwidth_bps = 80'000});
  w.net.partition_at(Tyme{1050 * kMs}, {"a"}, {"b"});
  w.net.heal_at(Tyme{1060 * kMs}, {"a"}, {"b"});
  TcpServerDoer server(w.io, "sim://b:9");
  Channel& ch = w.io.connect("sim://b:9");
  struct Closer final : Doer {
    Closer(Channel& c) : Doer("closer"), channel(c) {}
    Channel& channel;
    bool recur(Tyme) override {
      channel.service();
      if (!channel.connected()) return false;
      EXPECT_EQ(channel.write(std::string(2000, 'x')), 2000u);
      channel.service();
      channel.close("done talking");
      return true;
    }
  } closer(ch);
  w.doist.run({&server, &closer}, seconds(3));
  const std::uint32_t id = accepted_id(w.sink);
  ASSERT_NE(id, 0u);
  EXPECT_EQ(w.sink.stream(EventKind::rx, id), std::string(2000, 'x'));
  const Recorded* tx = w.sink.first(EventKind::tx, ch.id());
  ASSERT_NE(tx, nullptr);
  Tyme last_rx{};
  Tyme closed{};
  for (const Recorded& r : w.sink.of(id)) {
    if (r.kind == EventKind::rx) last_rx = r.tyme;
    if (r.kind == EventKind::close) closed = r.tyme;
  }
  EXPECT_EQ(last_rx, tx->tyme + 200 * kMs + 500 * kMs);
  EXPECT_EQ(closed, last_rx);  // right behind the data, not sent again
  EXPECT_EQ(w.sink.count(EventKind::noise), 0u);
  dump_on_failure(w.sink);
}

TEST(SimStream, AStallLongerThanTheTimeoutResetsTheConnection) {
  SimWorld w({.stall_timeout = seconds(5)});
  w.two_hosts({.latency = 5 * kMs});
  EchoServerDoer server(w.io, "sim://b:7");
  TcpClientDoer client(w.io, "sim://b:7");
  w.net.partition_at(Tyme{50 * kMs}, {"a"}, {"b"});
  Greeter greeter(client.channel(), "never");
  StartAt starter(w.doist, Tyme{100 * kMs}, greeter);
  w.doist.run({&server, &client, &starter}, seconds(10));
  EXPECT_TRUE(greeter.ended);
  EXPECT_EQ(client.channel().state(), ChannelState::closed);
  EXPECT_EQ(client.channel().reason(), "reset: link a->b unreachable for 5 s");
  dump_on_failure(w.sink);
}

TEST(SimStream, HostDownResetsBothEndsAndTheClientReconnectsWhenItIsUp) {
  SimWorld w;
  w.two_hosts({.latency = 5 * kMs});
  EchoServerDoer server(w.io, "sim://b:7");
  TcpClientDoer client(w.io, "sim://b:7",
                       with([](ChannelOptions& o) { o.retry = Tock{200'000'000}; }));
  w.net.host_down_at(Tyme{seconds(1)}, "b");
  w.net.host_up_at(Tyme{seconds(2)}, "b");
  w.doist.run({&server, &client}, seconds(3));

  const std::uint32_t client_id = client.channel().id();
  // Both ends of the first connection were reset at the tyme b went down.
  std::vector<const Recorded*> closes;
  for (const Recorded& r : w.sink.events)
    if (r.kind == EventKind::close && r.tyme == Tyme{seconds(1)}) closes.push_back(&r);
  ASSERT_EQ(closes.size(), 2u);
  EXPECT_EQ(closes[0]->channel, client_id);
  for (const Recorded* r : closes) {
    EXPECT_EQ(r->who, CloseWho::remote);
    EXPECT_EQ(r->text, "reset: host b went down");
  }
  // Retries at 1.2 s stall while b is down; the one in flight connects after
  // b is up again.
  EXPECT_EQ(client.channel().connects(), 2u);
  Tyme second_connect{};
  for (const Recorded& r : w.sink.events)
    if (r.kind == EventKind::connect && r.channel == client_id) second_connect = r.tyme;
  EXPECT_EQ(second_connect, Tyme{seconds(2) + 10 * kMs});  // resent at the up, 5 ms each way
  EXPECT_NE(accepted_id(w.sink, 1), 0u);                   // a second remote was accepted
  dump_on_failure(w.sink);
}

TEST(SimStream, ConnectTimeoutAppliesWhileTheServerIsUnreachable) {
  SimWorld w;
  w.two_hosts();
  w.net.host_down("b");
  TcpClientDoer client(w.io, "sim://b:7",
                       with([](ChannelOptions& o) { o.connect_timeout = seconds(1); }));
  w.doist.run({&client}, seconds(2));
  EXPECT_EQ(client.channel().state(), ChannelState::failed);
  EXPECT_EQ(client.channel().reason(), "connect to b:7 timed out after 1 s");
  EXPECT_EQ(w.sink.first(EventKind::error, client.channel().id())->tyme, Tyme{seconds(1)});
  dump_on_failure(w.sink);
}

TEST(SimStream, ABacklogWaitsForAFreeRemoteSlot) {
  SimWorld w;
  w.two_hosts();
  TcpServerDoer server(w.io, "sim://b:7", with([](ChannelOptions& o) { o.remotes_max = 1; }));
  TcpClientDoer first(w.io, "sim://b:7", {}, "first");
  TcpClientDoer second(w.io, "sim://b:7", {}, "second");
  struct CloseAt final : Doer {
    CloseAt(Channel& c) : Doer("close-at", seconds(1)), channel(c) {}
    Channel& channel;
    int runs = 0;
    bool recur(Tyme) override {
      if (++runs < 2) return false;
      channel.close("enough");
      return true;
    }
  } closer(first.channel());
  w.doist.run({&server, &first, &second, &closer}, seconds(2));
  EXPECT_EQ(first.channel().connects(), 1u);
  // The second connect waited in the backlog until the first remote ended.
  ASSERT_EQ(second.channel().connects(), 1u);
  Tyme accepted{};
  for (const Recorded& r : w.sink.events)
    if (r.kind == EventKind::accept) accepted = r.tyme;
  EXPECT_GE(accepted, Tyme{seconds(1)});
  dump_on_failure(w.sink);
}

}  // namespace sim_stream_test
}  // namespace
}  // namespace hio::test
