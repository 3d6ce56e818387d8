// A local close of a real TCP stream whose write never ends (a peer that
// does not read) is bounded by ChannelOptions::close_linger.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <functional>
#include <string>
#include <vector>

#include "io_run.hpp"
#include "raw_socket.hpp"
#include "test_doers.hpp"

namespace hio::test {
namespace {

using ::testing::HasSubstr;

constexpr Tock kLinger{200'000'000};
constexpr std::size_t kFlood = 4 << 20;

// Options for a channel that writes kFlood bytes; small socket buffers.
ChannelOptions flood_options() {
  ChannelOptions options;
  options.tx_bytes_max = kFlood;
  options.socket_buffer_bytes = 16 << 10;
  options.close_linger = kLinger;
  return options;
}

// A socket whose receive buffer is small, so the kernel cannot take even one
// 64 KiB write of the other side (a listener's accepted sockets inherit it).
void shrink_receive_buffer(const RawSocket& socket) {
  const int rcvbuf = 4096;
  ASSERT_EQ(::setsockopt(socket.fd(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)), 0);
}

// Whether the kernel has seen the connection of `peer` reset (TCP state
// CLOSE), without reading from it.
bool was_reset(const RawSocket& peer) {
  tcp_info info{};
  socklen_t len = sizeof(info);
  return peer.valid() && ::getsockopt(peer.fd(), IPPROTO_TCP, TCP_INFO, &info, &len) == 0 &&
         info.tcpi_state == TCP_CLOSE;
}

// Runs `doers` until `channel()` has written kFlood bytes and its tx no
// longer shrinks for 20 passes (a write is in flight, the kernel's buffers
// are full), closes it, and runs on until `released()`: the draining write
// was aborted. Checks that took close_linger.
void close_when_stuck_until(RealRun& run, const std::function<Channel*()>& channel,
                            const std::function<bool()>& released, std::vector<Doer*> doers) {
  Tyme closed_at{};
  std::size_t last_tx = 0;
  int still = 0;
  Script script(run.doist, {{"stuck",
                             [&] {
                               Channel* ch = channel();
                               if (ch == nullptr || !ch->connected()) return false;
                               still = ch->tx_size() == last_tx ? still + 1 : 0;
                               last_tx = ch->tx_size();
                               return still >= 20 && last_tx > 0;
                             },
                             [&] {
                               EXPECT_TRUE(run.io.busy());
                               closed_at = run.doist.tyme();
                               channel()->close("enough");
                             }},
                            {"released", released, {}}});
  doers.push_back(&script);
  EXPECT_EQ(run.doist.run(doers), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  EXPECT_GE(run.doist.tyme() - closed_at, kLinger - kRealTock);
}

// How the peer's socket ended: ECONNRESET for a reset; -1 for a FIN; 0 if
// it is still open. Reads (and drops) what it holds first.
int end_seen_by(const RawSocket& peer) {
  char buffer[65536];
  for (int i = 0; i < 10000; ++i) {
    const ssize_t n = ::recv(peer.fd(), buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n == 0) return -1;
    if (n < 0) return errno == EAGAIN ? 0 : errno;
  }
  return 0;
}

// A client closes while a write of 4 MiB is in flight to a peer that never
// reads. The write may go on for close_linger; then the connection is reset
// and its socket released (the hub is no longer busy). Before, the socket
// stayed ESTABLISHED, and the hub busy, for as long as the peer lived.
TEST(IoTcpLinger, AClientCloseWhoseWriteNeverEndsIsAbortedAfterItsLinger) {
  RealRun run;
  RawSocket listener = raw_listen();  // accepts (backlog), never reads
  shrink_receive_buffer(listener);
  TcpClientDoer client(run.io, "tcp://127.0.0.1:" + std::to_string(listener.port()),
                       flood_options());
  Channel& ch = client.channel();
  bool written = false;
  RawSocket peer;
  close_when_stuck_until(
      run,
      [&]() -> Channel* {
        if (ch.connected() && !written) written = ch.write(std::string(kFlood, 'x')) == kFlood;
        return written ? &ch : nullptr;
      },
      [&] {
        if (!peer.valid()) peer = raw_try_accept(listener);  // accepting reads nothing
        return was_reset(peer) && !run.io.busy();
      },
      {&client});
  EXPECT_EQ(end_seen_by(peer), ECONNRESET);  // a reset, not the end of the data
}

// Writes kFlood bytes to each remote it accepts; reads nothing.
class Flooder final : public TcpServerDoer {
 public:
  using TcpServerDoer::TcpServerDoer;

 protected:
  void on_accept(Channel& remote) override {
    EXPECT_EQ(remote.write(std::string(kFlood, 'x')), kFlood);
  }
};

// The same for a remote a server closes: the listener's close_linger.
TEST(IoTcpLinger, AServerCloseOfARemoteThatDoesNotReadIsAbortedAfterItsLinger) {
  RealRun run;
  Flooder server(run.io, "tcp://127.0.0.1:0", flood_options());
  RawSocket peer(::socket(AF_INET, SOCK_STREAM, 0));
  shrink_receive_buffer(peer);
  sockaddr_in addr = loopback(port_of(server.listener().local()));
  ASSERT_EQ(::connect(peer.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  close_when_stuck_until(
      run, [&]() -> Channel* { return server.remotes().empty() ? nullptr : server.remotes()[0]; },
      [&] { return was_reset(peer); }, {&server});
  EXPECT_EQ(end_seen_by(peer), ECONNRESET);
}

TEST(IoTcpLinger, ANegativeCloseLingerIsRefused) {
  IoHub io;
  ChannelOptions options;
  options.close_linger = Tock{-1};
  try {
    io.connect("tcp://127.0.0.1:9", options);
    ADD_FAILURE() << "accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("close_linger must be >= 0"));
  }
}

}  // namespace
}  // namespace hio::test
