// Half-close on real TCP: a peer's FIN ends only its data (the rx_end event);
// the channel stays connected, so an echo server sends back everything a
// half-closing peer sent, then closes its side; a client whose server
// half-closes can still answer.
#include <gtest/gtest.h>

#include "half_close_peer.hpp"
#include "io_run.hpp"
#include "raw_socket.hpp"
#include "recording_sink.hpp"
#include "test_doers.hpp"

namespace hio::test {
namespace {
namespace tcp_half_close_test {

// The echo server's remote (the first accepted channel) of a run.
std::uint32_t first_remote(const RecordingSink& sink, const TcpServerDoer& server) {
  const Recorded* accept = sink.first(EventKind::accept, server.listener().id());
  return accept != nullptr ? accept->accepted : 0;
}

void echo_half_closed(std::size_t size, const ChannelOptions& options = {}) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  EchoServerDoer server(run.io, "tcp://127.0.0.1:0", options);
  const std::string payload = pattern_bytes(size);
  HalfClosingPeer peer(port_of(server.listener().local()), payload);
  StopWhen stop(run.doist, [&] { return peer.done(); });
  EXPECT_EQ(run.doist.run({&server, &peer, &stop}), RunEnd::interrupted)
      << "received " << peer.received().size() << " of " << size;
  EXPECT_EQ(peer.error(), "");
  EXPECT_TRUE(peer.got_eof());
  ASSERT_EQ(peer.received().size(), payload.size());
  EXPECT_TRUE(peer.received() == payload) << "the echo differs";

  const std::uint32_t id = first_remote(sink, server);
  ASSERT_NE(id, 0u);
  EXPECT_EQ(sink.stream(EventKind::rx, id), payload);
  EXPECT_EQ(sink.stream(EventKind::tx, id), payload);
  // rx, then the peer's end of data, then the tx after it, then our close.
  ASSERT_EQ(sink.count(EventKind::rx_end, id), 1u);
  const Recorded* end = sink.first(EventKind::rx_end, id);
  const Recorded* close = sink.first(EventKind::close, id);
  ASSERT_NE(close, nullptr);
  EXPECT_EQ(close->who, CloseWho::local);
  EXPECT_EQ(close->text, "peer finished");
  EXPECT_EQ(close->bytes, "");  // nothing discarded
  EXPECT_LT(end->seq, close->seq);
  for (const Recorded& r : sink.of(id)) {
    if (r.kind == EventKind::rx) {
      EXPECT_LT(r.seq, end->seq);
    }
  }
  EXPECT_EQ(end->line.substr(end->line.find('#')), "#" + std::to_string(id) + " rx_end");
}

TEST(IoTcpHalfClose, EchoAnswersASmallHalfClosedRequest) {
  echo_half_closed(6);
}

TEST(IoTcpHalfClose, EchoAnswersAMegabyteHalfClosedRequestWhole) {
  echo_half_closed((1u << 20) + 7);
}

// A small tx and a large rx: when the FIN arrives, rx still holds most of
// the upload, and the echo moves it a tx at a time. The remote is closed
// only once rx is drained too: closing when tx was empty lost what rx held
// (about a megabyte of 3 MB, with no event saying so).
TEST(IoTcpHalfClose, EchoDrainsWhatRxHoldsAfterTheFinBeforeClosing) {
  ChannelOptions options;
  options.rx_bytes_max = 1u << 20;
  options.tx_bytes_max = 4096;
  echo_half_closed((3u << 20) + 5, options);
}

// A client whose server sends its greeting then half-closes: the client
// reads it, can still answer after the FIN, and then closes its side.
class Answerer final : public TcpClientDoer {
 public:
  using TcpClientDoer::TcpClientDoer;
  std::string got;
  bool connected_when_ended = false;

 protected:
  void serve(Channel& channel) override {
    got += channel.read();
    if (channel.rx_ended() && !answered_) {
      connected_when_ended = channel.connected();
      answered_ = channel.write("thanks for " + got) > 0;
    }
  }

 private:
  bool answered_ = false;
};

TEST(IoTcpHalfClose, AClientAnswersAServerThatHalfClosed) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  RawSocket listener = raw_listen();
  Answerer client(run.io, "tcp://127.0.0.1:" + std::to_string(listener.port()));
  RawSocket accepted;
  std::string reply;
  bool eof = false;
  Script script(run.doist, {{"accepted",
                             [&] {
                               if (!accepted.valid()) accepted = raw_try_accept(listener);
                               return accepted.valid() && client.channel().connected();
                             },
                             [&] {
                               accepted.send_all("hello");
                               ::shutdown(accepted.fd(), SHUT_WR);
                             }},
                            {"reply and FIN",
                             [&] {
                               char buf[256];
                               while (!eof) {
                                 const ssize_t n =
                                     ::recv(accepted.fd(), buf, sizeof(buf), MSG_DONTWAIT);
                                 if (n <= 0) {
                                   eof = n == 0;
                                   break;
                                 }
                                 reply.append(buf, static_cast<std::size_t>(n));
                               }
                               return eof;
                             },
                             {}}});
  EXPECT_EQ(run.doist.run({&client, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  EXPECT_EQ(client.got, "hello");
  EXPECT_TRUE(client.connected_when_ended);
  EXPECT_EQ(reply, "thanks for hello");
  const std::uint32_t id = client.channel().id();
  EXPECT_EQ(sink.count(EventKind::rx_end, id), 1u);
  const Recorded* close = sink.first(EventKind::close, id);
  ASSERT_NE(close, nullptr);
  EXPECT_EQ(close->who, CloseWho::local);
  EXPECT_EQ(close->text, "peer finished");
  EXPECT_EQ(client.channel().state(), ChannelState::closed);
}

// A write after the peer has gone entirely (close, not shutdown) fails: the
// channel ends with a remote close, and nothing hangs open.
TEST(IoTcpHalfClose, AServerThatKeepsARemoteAfterItsFinSeesItsResetOnWrite) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  // Never finished on its own: writes on after the peer's FIN.
  class Talker final : public TcpServerDoer {
   public:
    using TcpServerDoer::TcpServerDoer;
    std::vector<std::string> endings;

   protected:
    void serve(Channel& remote) override {
      if (remote.rx_ended() && remote.tx_size() == 0) (void)remote.write(std::string(4096, 'x'));
    }
    bool finished(const Channel&) const override { return false; }
    void on_close(Channel& remote) override { endings.push_back(remote.reason()); }
  } server(run.io, "tcp://127.0.0.1:0");
  RawSocket peer;
  Script script(run.doist,
                {{"connect", [] { return true; },
                  [&] { peer = raw_connect(port_of(server.listener().local())); }},
                 {"accepted", [&] { return server.remotes().size() == 1; }, [&] { peer.reset(); }},
                 {"ended", [&] { return server.endings.size() == 1; }, {}}});
  EXPECT_EQ(run.doist.run({&server, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  ASSERT_EQ(server.endings.size(), 1u);
  EXPECT_EQ(server.endings[0], "reset by peer");
}

}  // namespace tcp_half_close_test
}  // namespace
}  // namespace hio::test
