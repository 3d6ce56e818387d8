// How connections end on real TCP: a peer's close (a FIN: the end of its
// data, then this side's close) and a peer's reset (SO_LINGER 0), seen from
// the server and from the client side, and a local close; each a close event
// with the right who and why.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "io_run.hpp"
#include "raw_socket.hpp"
#include "recording_sink.hpp"
#include "test_doers.hpp"

namespace hio::test {
namespace {
namespace tcp_close_test {

// Keeps what each remote sent and how it ended, before it is released.
class WatchingServer final : public TcpServerDoer {
 public:
  using TcpServerDoer::TcpServerDoer;
  std::string received;
  std::vector<std::string> endings;  // "who: reason" per closed remote

 protected:
  void serve(Channel& remote) override { received += remote.read(); }
  void on_close(Channel& remote) override { endings.push_back(remote.reason()); }
};

struct ServerSide {
  RecordingSink sink;
  RealRun run;
  WatchingServer server{run.io, "tcp://127.0.0.1:0"};
  ServerSide() { run.io.add_sink(sink); }
  std::uint16_t port() const { return port_of(server.listener().local()); }
};

// A FIN ends only the peer's data (rx_end); the server, having nothing more
// to send, then closes its side (TcpServerDoer::finished).
TEST(IoTcp, PeerCloseEndsItsDataThenTheServerClosesAndWhatItSentIsRead) {
  ServerSide side;
  RawSocket peer;
  Script script(side.run.doist,
                {{"connect", [] { return true; }, [&] { peer = raw_connect(side.port()); }},
                 {"accepted", [&] { return side.server.remotes().size() == 1; },
                  [&] {
                    peer.send_all("bye");
                    peer.reset();  // FIN
                  }},
                 {"closed", [&] { return side.server.endings.size() == 1; }, {}}});
  EXPECT_EQ(side.run.doist.run({&side.server, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  EXPECT_EQ(side.server.received, "bye");
  EXPECT_EQ(side.server.endings, std::vector<std::string>{"peer finished"});
  const Recorded* accept = side.sink.first(EventKind::accept, side.server.listener().id());
  ASSERT_NE(accept, nullptr);
  EXPECT_EQ(side.sink.kinds(accept->accepted),
            (std::vector<EventKind>{EventKind::open, EventKind::connect, EventKind::rx,
                                    EventKind::rx_end, EventKind::close}));
  const Recorded* close = side.sink.first(EventKind::close, accept->accepted);
  ASSERT_NE(close, nullptr);
  EXPECT_EQ(close->who, CloseWho::local);
  EXPECT_EQ(close->text, "peer finished");
  EXPECT_EQ(side.sink.stream(EventKind::rx, accept->accepted), "bye");
  EXPECT_EQ(side.run.io.find(accept->accepted), nullptr);  // released after on_close
}

TEST(IoTcp, PeerResetIsARemoteCloseSayingReset) {
  ServerSide side;
  RawSocket peer;
  Script script(side.run.doist,
                {{"connect", [] { return true; }, [&] { peer = raw_connect(side.port()); }},
                 {"accepted", [&] { return side.server.remotes().size() == 1; },
                  [&] {
                    peer.set_linger_zero();
                    peer.reset();  // RST
                  }},
                 {"closed", [&] { return side.server.endings.size() == 1; }, {}}});
  EXPECT_EQ(side.run.doist.run({&side.server, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  EXPECT_EQ(side.server.endings, std::vector<std::string>{"reset by peer"});
  const Recorded* accept = side.sink.first(EventKind::accept, side.server.listener().id());
  ASSERT_NE(accept, nullptr);
  const Recorded* close = side.sink.first(EventKind::close, accept->accepted);
  ASSERT_NE(close, nullptr);
  EXPECT_EQ(close->who, CloseWho::remote);
  EXPECT_EQ(close->text, "reset by peer");
}

// Connections reset while still in the listen queue (a port scan's
// connect-then-RST): accept(2) returns each, but the socket can no longer say
// who its peer was (getpeername: ENOTCONN). Each is still on record: an
// accept naming the peer accept(2) reported, then its loss as an error.
TEST(IoTcp, ConnectionsResetBeforeTheirAcceptAreEachAcceptedThenLost) {
  constexpr std::size_t kScans = 24;
  ServerSide side;
  std::vector<std::string> scanners;
  // All reset before the first pass: none can have been accepted yet.
  for (std::size_t i = 0; i < kScans; ++i) {
    RawSocket peer = raw_connect(side.port());
    scanners.push_back("127.0.0.1:" + std::to_string(peer.port()));
    peer.set_linger_zero();
    peer.reset();  // RST
  }
  StopWhen stop(side.run.doist, [&] { return side.server.endings.size() == kScans; });
  EXPECT_EQ(side.run.doist.run({&side.server, &stop}), RunEnd::interrupted)
      << side.server.endings.size() << " of " << kScans << " ended";
  std::vector<std::string> accepted;
  for (const Recorded& r : side.sink.events) {
    if (r.kind != EventKind::accept || r.channel != side.server.listener().id()) continue;
    accepted.push_back(r.peer);
    // Its end is on record too: an error or a close.
    EXPECT_EQ(side.sink.count(EventKind::error, r.accepted) +
                  side.sink.count(EventKind::close, r.accepted),
              1u)
        << r.line;
  }
  std::sort(accepted.begin(), accepted.end());
  std::sort(scanners.begin(), scanners.end());
  EXPECT_EQ(accepted, scanners);
  ASSERT_EQ(side.server.endings.size(), kScans);
  // Lost before the stream could ask for its endpoints; or, had the reset
  // come a moment later, a reset.
  for (const std::string& ending : side.server.endings) {
    EXPECT_TRUE(ending.find("lost at once: ") != std::string::npos || ending == "reset by peer")
        << ending;
  }
  std::cout << "first ending: " << side.server.endings.front() << '\n';
}

// A client connected to a raw listener that ends the connection on cue: a
// reset is a remote close; a FIN ends the server's data (rx_end) and the
// client, with nothing to send, closes its side (ChannelDoer::finished).
void client_sees_the_server_end(bool reset, CloseWho who, const std::string& why,
                                const std::string& rx) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  RawSocket listener = raw_listen();
  TcpClientDoer client(run.io, "tcp://127.0.0.1:" + std::to_string(listener.port()));
  RawSocket accepted;
  Script script(run.doist,
                {{"accepted",
                  [&] {
                    if (!accepted.valid()) accepted = raw_try_accept(listener);
                    return accepted.valid() && client.channel().connected();
                  },
                  [&] {
                    if (reset) {
                      accepted.set_linger_zero();
                    } else {
                      accepted.send_all("so long");
                    }
                    accepted.reset();
                  }},
                 {"closed", [&] { return client.channel().state() == ChannelState::closed; }, {}}});
  EXPECT_EQ(run.doist.run({&client, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  const Recorded* close = sink.first(EventKind::close, client.channel().id());
  ASSERT_NE(close, nullptr);
  EXPECT_EQ(close->who, who);
  EXPECT_EQ(close->text, why);
  EXPECT_EQ(sink.count(EventKind::rx_end, client.channel().id()), reset ? 0u : 1u);
  EXPECT_EQ(client.channel().peek(), rx);  // still readable after the close
  // retry is 0 by default: no reconnect.
  EXPECT_EQ(sink.count(EventKind::open, client.channel().id()), 1u);
}

TEST(IoTcp, ClientSeesTheServerCloseAsTheEndOfItsDataThenCloses) {
  client_sees_the_server_end(false, CloseWho::local, "peer finished", "so long");
}

TEST(IoTcp, ClientSeesTheServerResetAsRemote) {
  client_sees_the_server_end(true, CloseWho::remote, "reset by peer", "");
}

// The server sees the client's FIN as the end of its data, and closes too.
TEST(IoTcp, LocalCloseIsLocalHereAndTheEndOfDataThere) {
  ServerSide side;
  TcpClientDoer client(side.run.io, tcp_url(side.server.listener()));
  Script script(side.run.doist,
                {{"connected", [&] { return client.channel().connected(); },
                  [&] { client.channel().close("done talking"); }},
                 {"server saw it", [&] { return side.server.endings.size() == 1; }, {}}});
  EXPECT_EQ(side.run.doist.run({&side.server, &client, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  const Recorded* mine = side.sink.first(EventKind::close, client.channel().id());
  ASSERT_NE(mine, nullptr);
  EXPECT_EQ(mine->who, CloseWho::local);
  EXPECT_EQ(mine->text, "done talking");
  EXPECT_EQ(side.server.endings, std::vector<std::string>{"peer finished"});
  const Recorded* accept = side.sink.first(EventKind::accept, side.server.listener().id());
  ASSERT_NE(accept, nullptr);
  EXPECT_EQ(side.sink.count(EventKind::rx_end, accept->accepted), 1u);
  // Exit does not close it again.
  EXPECT_EQ(side.sink.count(EventKind::close, client.channel().id()), 1u);
}

}  // namespace tcp_close_test
}  // namespace
}  // namespace hio::test
