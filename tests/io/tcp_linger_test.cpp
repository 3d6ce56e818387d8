// A local close of a real TCP stream whose write never ends (a peer that
// does not read) is bounded by ChannelOptions::close_linger.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "io_run.hpp"
#include "raw_socket.hpp"
#include "test_doers.hpp"

namespace hio::test {
namespace {
namespace tcp_linger_test {

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
// was aborted. Checks that took close_linger of wall time (the bound's clock).
void close_when_stuck_until(RealRun& run, const std::function<Channel*()>& channel,
                            const std::function<bool()>& released, std::vector<Doer*> doers) {
  std::chrono::steady_clock::time_point closed_at{};
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
                               closed_at = std::chrono::steady_clock::now();
                               channel()->close("enough");
                             }},
                            {"released", released, {}}});
  doers.push_back(&script);
  EXPECT_EQ(run.doist.run(doers), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  EXPECT_GE(std::chrono::steady_clock::now() - closed_at, kLinger);
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

// A virtual-time run with real IO: its tyme runs far ahead of the wall clock.
// The linger is wall time, so a client that closes with a write in flight and
// runs on for ten times close_linger of tyme does not cut that write: the
// peer, reading only after the run and a pause, gets every byte and then a
// FIN. Before, the linger counted tyme and the connection was reset within
// the run. The linger is an hour, longer than the test may take (ctest's
// timeout): however slow the machine, the wall clock cannot reach it, and
// the tyme of the run, a hundred passes per linger, always does.
TEST(IoTcpLinger, AVirtualTimeRunLingersInWallTimeNotTyme) {
  constexpr Tock kWallLinger = seconds(3600);
  constexpr Tock kTock = kWallLinger / 100;
  constexpr std::size_t kBytes = 64 << 10;  // one write: more than the kernel's buffers hold
  Doist doist(kTock, /*real=*/false, 20 * kWallLinger);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  RawSocket listener = raw_listen();  // the peer reads only after the run
  shrink_receive_buffer(listener);
  ChannelOptions options = flood_options();
  options.close_linger = kWallLinger;
  TcpClientDoer client(io, "tcp://127.0.0.1:" + std::to_string(listener.port()), options);
  Channel& ch = client.channel();
  Tyme closed_at{};
  std::chrono::steady_clock::time_point wall_closed_at{};
  Script script(doist, {{"connected", [&] { return ch.connected(); },
                         [&] { EXPECT_EQ(ch.write(std::string(kBytes, 'x')), kBytes); }},
                        {"tx empty", [&] { return ch.tx_size() == 0; },
                         [&] {
                           EXPECT_TRUE(io.busy()) << "the write already ended: nothing lingers";
                           closed_at = doist.tyme();
                           wall_closed_at = std::chrono::steady_clock::now();
                           ch.close("done");
                         }},
                        {"ten lingers of tyme later",
                         [&] { return doist.tyme() - closed_at > 10 * kWallLinger; },
                         {}}});
  EXPECT_EQ(doist.run({&client, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the peer pauses
  RawSocket peer;
  std::size_t got = 0;
  int end = 0;
  char buffer[65536];
  // Bounded by the linger too: the end comes as soon as the peer has read.
  while (end == 0 && std::chrono::steady_clock::now() - wall_closed_at < kWallLinger) {
    io.poll();  // the draining write goes on as the peer reads
    if (!peer.valid()) peer = raw_try_accept(listener);
    if (!peer.valid()) continue;
    const ssize_t n = ::recv(peer.fd(), buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n > 0) got += static_cast<std::size_t>(n);
    if (n == 0) end = -1;
    if (n < 0 && errno != EAGAIN) end = errno;
    if (n < 0 && errno == EAGAIN) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_LT(std::chrono::steady_clock::now() - wall_closed_at, kWallLinger)
      << "the wall clock reached the linger: the test proves nothing";
  EXPECT_EQ(got, kBytes);
  EXPECT_EQ(end, -1) << "not a FIN: " << (end > 0 ? std::strerror(end) : "still open");
  // The socket goes once the peer's kernel has acknowledged the last bytes
  // and the FIN, which may come a delayed ACK (200 ms at most) after the
  // peer read them: the wait for it ends, and nothing is pending.
  for (int i = 0; i < 1000 && (io.closing() > 0 || io.busy()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    io.poll();
  }
  EXPECT_EQ(io.closing(), 0u) << "the peer's acknowledgement did not end the wait";
  EXPECT_FALSE(io.busy());
}

// One write of the pump: more than the kernel's buffers hold here.
constexpr std::size_t kOneWrite = 64 << 10;

// Runs a client that writes `bytes` to a peer that does not read yet and
// closes as soon as it has handed them all to its transport (a write still in
// flight), until the run's end. Returns the peer's listener.
RawSocket run_a_close_with_a_write_in_flight(RealRun& run, std::size_t bytes, Tock linger) {
  RawSocket listener = raw_listen();
  shrink_receive_buffer(listener);
  ChannelOptions options = flood_options();
  options.close_linger = linger;
  TcpClientDoer client(run.io, "tcp://127.0.0.1:" + std::to_string(listener.port()), options);
  Channel& ch = client.channel();
  Script script(run.doist, {{"connected", [&] { return ch.connected(); },
                             [&] { EXPECT_EQ(ch.write(std::string(bytes, 'x')), bytes); }},
                            {"tx empty", [&] { return ch.tx_size() == 0; },
                             [&] {
                               EXPECT_EQ(run.io.closing(), 0u);
                               ch.close("done");
                               EXPECT_EQ(run.io.closing(), 1u) << "the write already ended";
                             }}});
  EXPECT_EQ(run.doist.run({&client, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  return listener;
}

// What a peer reads from `listener`'s first connection (or from `accepted`,
// one it accepted already), starting after `delay`, and how it ended (-1: a
// FIN; an errno; 0: still open after 10 s).
struct PeerRead {
  std::size_t got = 0;
  int end = 0;
};
PeerRead read_late(const RawSocket& listener, std::chrono::milliseconds delay,
                   RawSocket accepted = RawSocket()) {
  std::this_thread::sleep_for(delay);
  PeerRead read;
  RawSocket peer = std::move(accepted);
  const auto start = std::chrono::steady_clock::now();
  char buffer[65536];
  while (read.end == 0 && std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
    if (!peer.valid()) peer = raw_try_accept(listener);
    if (!peer.valid()) continue;
    const ssize_t n = ::recv(peer.fd(), buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n > 0) read.got += static_cast<std::size_t>(n);
    if (n == 0) read.end = -1;
    if (n < 0 && errno != EAGAIN) read.end = errno;
    if (n < 0 && errno == EAGAIN) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return read;
}

// The end of a run: a stream closed with a write in flight finishes that
// write in finish_closing, for a peer that starts reading after the run —
// every byte, then a FIN. (Destroying the hub at once, as hio run did, cut
// the write: the peer got a FIN after fewer bytes than were on record.)
TEST(IoTcpLinger, FinishClosingLetsAWriteInFlightReachALateReader) {
  RealRun run;
  RawSocket listener = run_a_close_with_a_write_in_flight(run, kOneWrite, seconds(3600));
  ASSERT_EQ(run.io.closing(), 1u);
  PeerRead read;
  std::thread peer([&] { read = read_late(listener, std::chrono::milliseconds(300)); });
  int asked = 0;
  const std::size_t reset = run.io.finish_closing([&] {
    ++asked;
    return false;
  });
  EXPECT_EQ(reset, 0u);  // finished, not reset
  peer.join();
  EXPECT_EQ(run.io.closing(), 0u);
  EXPECT_GT(asked, 0) << "finish_closing did not wait: the write had ended already";
  EXPECT_EQ(read.got, kOneWrite);
  EXPECT_EQ(read.end, -1) << "not a FIN: " << (read.end > 0 ? std::strerror(read.end) : "open");
}

// A stream closed with a write in flight finishes it for the closed
// channel only, which no completion of it can wake: nothing of it counts in
// busy() (Reactor::busy, IO that could wake a doer), as the wait for the
// acknowledgement after it does not (xack23). Session 23 counted the write,
// and the read left pending beside it, until the write ended: a
// virtual-time run was held tock by tock for as long as the peer took to
// read (here, until it reads after the run).
TEST(IoTcpLinger, AWriteDrainingAfterItsCloseLeavesTheHubIdle) {
  RealRun run;
  RawSocket listener = run_a_close_with_a_write_in_flight(run, kOneWrite, seconds(3600));
  ASSERT_EQ(run.io.closing(), 1u);
  EXPECT_FALSE(run.io.busy());
  // It still finishes, for a peer that reads now.
  PeerRead read;
  std::thread peer([&] { read = read_late(listener, std::chrono::milliseconds(0)); });
  EXPECT_EQ(run.io.finish_closing([] { return false; }), 0u);
  peer.join();
  EXPECT_EQ(read.got, kOneWrite);
  EXPECT_EQ(read.end, -1) << "not a FIN: " << (read.end > 0 ? std::strerror(read.end) : "open");
  EXPECT_FALSE(run.io.busy());
}

// A close while bytes of the peer wait unread (rx is full, the rest is in
// the kernel) and the kernel still holds part of what was written: close(2)
// alone would reset the connection (Linux, RFC 2525 2.17), which drops those
// bytes although their tx events say they were sent (the peer got about
// three quarters, then ECONNRESET). The stream shuts its write side, reads
// and drops the input until the peer has taken every byte, then closes: the
// late reader gets all of them, then a FIN.
TEST(IoTcpLinger, ACloseWithInputLeftUnreadStillDeliversEveryByteWritten) {
  RealRun run;
  RawSocket listener = raw_listen();
  shrink_receive_buffer(listener);
  ChannelOptions options = flood_options();
  options.rx_bytes_max = 1024;  // the peer's bytes beyond it stay in the kernel
  options.close_linger = seconds(3600);
  TcpClientDoer client(run.io, "tcp://127.0.0.1:" + std::to_string(listener.port()), options);
  Channel& ch = client.channel();
  RawSocket peer;
  const std::string upload(kOneWrite, 'p');
  Script script(run.doist,
                {{"connected and accepted",
                  [&] {
                    if (!peer.valid()) peer = raw_try_accept(listener);
                    return peer.valid() && ch.connected();
                  },
                  [&] {
                    const ssize_t sent = ::send(peer.fd(), upload.data(), upload.size(),
                                                MSG_DONTWAIT | MSG_NOSIGNAL);
                    EXPECT_GT(sent, 2048);
                    EXPECT_EQ(ch.write(std::string(kOneWrite, 'x')), kOneWrite);
                  }},
                 {"rx full, tx empty", [&] { return ch.rx_size() == 1024 && ch.tx_size() == 0; },
                  [&] { ch.close("done"); }}});
  EXPECT_EQ(run.doist.run({&client, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  PeerRead read;
  std::thread reader(
      [&] { read = read_late(listener, std::chrono::milliseconds(300), std::move(peer)); });
  EXPECT_EQ(run.io.finish_closing([] { return false; }), 0u);  // finished, not reset
  reader.join();
  EXPECT_EQ(run.io.closing(), 0u);
  EXPECT_EQ(read.got, kOneWrite);
  EXPECT_EQ(read.end, -1) << "not a FIN: " << (read.end > 0 ? std::strerror(read.end) : "open");
}

// Less than the kernel's send buffer takes at once (flood_options: 16 KiB,
// doubled), more than the peer's small receive buffer holds.
constexpr std::size_t kKernelHeld = 16 << 10;

// Runs a client that writes kKernelHeld bytes to the peer it returns (the
// listener's connection, which does not read) and closes once the write has
// ended: every byte is the kernel's, and part of them not yet the peer's,
// so the stream waits for its acknowledgement (closing() is 1).
RawSocket run_a_close_awaiting_acknowledgement(RealRun& run, const RawSocket& listener) {
  ChannelOptions options = flood_options();
  options.close_linger = seconds(3600);
  TcpClientDoer client(run.io, "tcp://127.0.0.1:" + std::to_string(listener.port()), options);
  Channel& ch = client.channel();
  RawSocket peer;
  Script script(run.doist,
                {{"connected and accepted",
                  [&] {
                    if (!peer.valid()) peer = raw_try_accept(listener);
                    return peer.valid() && ch.connected();
                  },
                  [&] { EXPECT_EQ(ch.write(std::string(kKernelHeld, 'x')), kKernelHeld); }},
                 {"written", [&] { return ch.flushed(); },
                  [&] {
                    ch.close("done");
                    EXPECT_EQ(run.io.closing(), 1u) << "the peer took every byte";
                  }}});
  EXPECT_EQ(run.doist.run({&client, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  return peer;
}

// A hub destroyed while a closed stream waits for the peer to acknowledge
// what the kernel holds (finish_closing not called) closes it: the peer,
// reading late, gets every byte, then a FIN. Input that came unread is
// dropped first: close(2) with input unread would reset the connection.
// Before, the hub reset such a stream as if its write were in flight,
// although every byte had reached the kernel (the peer got part, then
// ECONNRESET).
TEST(IoTcpLinger, DestroyingTheHubLeavesAStreamAwaitingAcknowledgementToTheKernel) {
  auto run = std::make_unique<RealRun>();
  RawSocket listener = raw_listen();
  shrink_receive_buffer(listener);
  RawSocket peer = run_a_close_awaiting_acknowledgement(*run, listener);
  ASSERT_EQ(run->io.closing(), 1u);
  peer.send_all("input nobody reads");  // on loopback, in hio's socket at once
  run.reset();
  const PeerRead read = read_late(listener, std::chrono::milliseconds(0), std::move(peer));
  EXPECT_EQ(read.got, kKernelHeld);
  EXPECT_EQ(read.end, -1) << "not a FIN: " << (read.end > 0 ? std::strerror(read.end) : "open");
}

// Once the peer has acknowledged every byte and the FIN, closing() no longer
// counts the stream, before any poll: it used to count it until the next
// poll settled it, so hio run said it waited for it (a TLS run's
// close_notify, acknowledged a delayed ACK later, did that at every end).
// The peer's kernel acknowledges by itself; the bound is only a bound.
TEST(IoTcpLinger, ClosingNoLongerCountsAStreamItsPeerAcknowledged) {
  RealRun run;
  RawSocket listener = raw_listen();
  shrink_receive_buffer(listener);
  RawSocket peer = run_a_close_awaiting_acknowledgement(run, listener);
  ASSERT_EQ(run.io.closing(), 1u);
  const PeerRead read = read_late(listener, std::chrono::milliseconds(0), std::move(peer));
  ASSERT_EQ(read.got, kKernelHeld);
  ASSERT_EQ(read.end, -1);
  for (int i = 0; i < 2000 && run.io.closing() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // no poll
  EXPECT_EQ(run.io.closing(), 0u);
}

// A stream waiting for its acknowledgement has nothing of its channel's
// pending: the hub is not busy() with it, so a virtual-time run skips its
// idle passes and ends when stalled. The read its pump had pending at the
// close used to stay pending until the acknowledgement (here, never: the
// peer does not read), keeping the hub busy for that long in wall time.
TEST(IoTcpLinger, AStreamAwaitingAcknowledgementLeavesTheHubIdle) {
  RealRun run;
  RawSocket listener = raw_listen();
  shrink_receive_buffer(listener);
  RawSocket peer = run_a_close_awaiting_acknowledgement(run, listener);
  for (int i = 0; i < 1000 && run.io.busy(); ++i) {
    run.io.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(run.io.closing(), 1u) << "the peer acknowledged: the test proves nothing";
  EXPECT_FALSE(run.io.busy());
}

// stop() ends the wait: the write left is aborted, a reset (the peer learns
// its data was cut), not a FIN after part of it.
TEST(IoTcpLinger, FinishClosingStoppedResetsTheWritesLeft) {
  RealRun run;
  RawSocket listener = run_a_close_with_a_write_in_flight(run, kOneWrite, Tock{0});  // no bound
  ASSERT_EQ(run.io.closing(), 1u);
  const auto start = std::chrono::steady_clock::now();
  const std::size_t reset = run.io.finish_closing(
      [&] { return std::chrono::steady_clock::now() - start > std::chrono::milliseconds(200); });
  EXPECT_EQ(reset, 1u);  // the one stream left, reset
  EXPECT_EQ(run.io.closing(), 0u);
  const PeerRead read = read_late(listener, std::chrono::milliseconds(0));
  EXPECT_LT(read.got, kOneWrite);
  EXPECT_EQ(read.end, ECONNRESET);
}

// A hub destroyed without finish_closing resets a write still in flight:
// the peer learns the stream was cut. (It used to close the socket: a FIN
// after fewer bytes than the tx events say were sent, which the peer took
// for the end of complete data.)
TEST(IoTcpLinger, DestroyingTheHubResetsAWriteInFlight) {
  auto run = std::make_unique<RealRun>();
  RawSocket listener = run_a_close_with_a_write_in_flight(*run, kOneWrite, seconds(3600));
  ASSERT_EQ(run->io.closing(), 1u);
  run.reset();
  const PeerRead read = read_late(listener, std::chrono::milliseconds(0));
  EXPECT_LT(read.got, kOneWrite);
  EXPECT_EQ(read.end, ECONNRESET) << (read.end == -1 ? "a FIN" : "");
}

// The same for a channel still open when the hub goes: its write in flight
// was on record as tx too. (It ended with a FIN after part of the data.)
TEST(IoTcpLinger, DestroyingTheHubResetsAWriteInFlightOnAnOpenChannel) {
  auto run = std::make_unique<RealRun>();
  RawSocket listener = raw_listen();
  shrink_receive_buffer(listener);
  Channel& ch =
      run->io.connect("tcp://127.0.0.1:" + std::to_string(listener.port()), flood_options());
  OpenDriver driver(ch);
  Script script(run->doist, {{"connected", [&] { return ch.connected(); },
                              [&] { EXPECT_EQ(ch.write(std::string(kOneWrite, 'x')), kOneWrite); }},
                             {"tx empty", [&] { return ch.tx_size() == 0; }, {}}});
  EXPECT_EQ(run->doist.run({&driver, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  ASSERT_TRUE(ch.open());
  ASSERT_TRUE(run->io.busy()) << "the write already ended";
  run.reset();
  const PeerRead read = read_late(listener, std::chrono::milliseconds(0));
  EXPECT_LT(read.got, kOneWrite);
  EXPECT_EQ(read.end, ECONNRESET) << (read.end == -1 ? "a FIN" : "");
}

// finish_closing aborts a write at its close_linger, not up to a millisecond
// later: it waited with asio's run_one_until(), which hands epoll its
// timeout rounded up to whole milliseconds, so a wait for a linger 0.3 ms
// away took 1 ms (the passes' waits had the same fault, real_wait_test).
// Each of a dozen streams with a write in flight (the peer, a listener's
// backlog, reads nothing) is closed after the run with a 0.3 ms linger and
// finish_closing called at once. Only closes it had to wait for (it asked
// `stop`, the linger not run out yet) are judged. Not a timing threshold:
// one of them ending before the millisecond is enough, which a rounded
// wait never does, loaded or not.
TEST(IoTcpLinger, FinishClosingEndsAtTheLingerNotRoundedUpToAMillisecond) {
  constexpr auto kShort = std::chrono::microseconds(300);
  constexpr std::size_t kStreams = 12;  // under raw_listen's backlog
  RealRun run;
  RawSocket listener = raw_listen();
  shrink_receive_buffer(listener);
  ChannelOptions options = flood_options();
  options.close_linger = Tock{kShort};
  std::vector<Channel*> channels;
  std::vector<std::unique_ptr<OpenDriver>> drivers;
  std::vector<Doer*> doers;
  for (std::size_t i = 0; i < kStreams; ++i) {
    channels.push_back(
        &run.io.connect("tcp://127.0.0.1:" + std::to_string(listener.port()), options));
    drivers.push_back(std::make_unique<OpenDriver>(*channels.back()));
    doers.push_back(drivers.back().get());
  }
  std::vector<bool> written(kStreams, false);
  Script script(run.doist, {{"every write in flight",
                             [&] {
                               bool all = true;
                               for (std::size_t i = 0; i < kStreams; ++i) {
                                 Channel& ch = *channels[i];
                                 if (ch.connected() && !written[i])
                                   written[i] = ch.write(std::string(kOneWrite, 'x')) == kOneWrite;
                                 all = all && written[i] && ch.tx_size() == 0;
                               }
                               return all;
                             },
                             {}}});
  doers.push_back(&script);
  ASSERT_EQ(run.doist.run(doers), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for();
  ASSERT_TRUE(run.io.busy()) << "the writes already ended";
  int judged = 0;
  int under_a_ms = 0;
  for (Channel* ch : channels) {
    const auto start = std::chrono::steady_clock::now();
    ch->close("done");
    ASSERT_EQ(run.io.closing(), 1u) << "the write already ended";
    int asked = 0;
    EXPECT_EQ(run.io.finish_closing([&] {
      ++asked;
      return false;
    }),
              1u);  // reset at its linger
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_GE(took, kShort);   // not early either
    if (asked == 0) continue;  // the linger had run out before it waited
    ++judged;
    if (took < std::chrono::milliseconds(1)) ++under_a_ms;
  }
  ASSERT_GT(judged, 0) << "no finish_closing had to wait: the test proves nothing";
  EXPECT_GT(under_a_ms, 0) << "every wait for a linger of 0.3 ms took a millisecond or more ("
                           << judged << " judged)";
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

}  // namespace tcp_linger_test
}  // namespace
}  // namespace hio::test
