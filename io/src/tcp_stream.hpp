// TcpStream: one TCP connection on Asio, optionally with TLS on top, from
// connecting (or being accepted) to its end, moving bytes between its socket
// and its channel's buffers through the ChannelPort. Shared by the client and
// accepted transports of tcp:// and tls://.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asio_core.hpp"
#include "byte_pump.hpp"
#include "hio/io/transport.hpp"
#include "lookup.hpp"
#include "tls_context.hpp"

namespace hio::detail {

using tcp = asio::ip::tcp;

// Bytes per read and per write; bounded by the channel's buffer room too.
inline constexpr std::size_t kTcpChunkBytes = 64 * 1024;

// A TCP or UDP endpoint as hio prints it: "127.0.0.1:80", "[::1]:80", or
// with the zone of a link-local address, "[fe80::1%eth0]:80" (which
// parse_address takes back).
template <typename Endpoint>
std::string endpoint_text(const Endpoint& endpoint) {
  const asio::ip::address address = endpoint.address();
  std::string host = address.to_string();
  if (address.is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(endpoint.port());
}
// Adds an address of a name that failed to `tried`, the failures of a
// connect in the order tried: "[::1]:80: Connection refused; 127.0.0.1:80:
// Connection refused" (docs/io.md).
void note_tried(std::string& tried, const tcp::endpoint& endpoint,
                const boost::system::error_code& ec);
// Applies SO_SNDBUF/SO_RCVBUF when asked for (0: OS default).
template <typename Socket>
void apply_buffer_size(Socket& socket, std::size_t bytes, boost::system::error_code& ec) {
  if (bytes == 0) return;
  const int size = bytes > 0x3fffffff ? 0x3fffffff : static_cast<int>(bytes);
  socket.set_option(asio::socket_base::send_buffer_size(size), ec);
  if (!ec) socket.set_option(asio::socket_base::receive_buffer_size(size), ec);
}

// Ownership: shared by its transport and by the handlers of its pending
// operations, so a handler never outlives the object it uses. The transport
// detaches it when done; handlers that run after that do nothing.
//
// TLS (a TlsSetup with a context): after the TCP connection is made the
// stream runs the handshake, and reports port.connected only once it has
// succeeded; a failed or timed-out handshake is port.failed with the reason.
// A local close sends close_notify, after what is in flight and once the
// kernel has room for it (draining until then).
class TcpStream final : public std::enable_shared_from_this<TcpStream>,
                        public BytePump<TcpStream, kTcpChunkBytes>,
                        public Draining {
 public:
  // draining: closed locally with a write in flight, or (TLS) a
  // close_notify the kernel has no room for yet; the write finishes (its
  // bytes were handed over: tx events), the close_notify is sent, then the
  // socket closes (or waits in acknowledging); or, past the linger bound
  // (set_linger), the connection is aborted. No events, and nothing of it
  // counts in the hub's busy().
  // acknowledging: closed locally, its write side shut, while the kernel
  // still holds bytes the peer has not acknowledged and the peer may still
  // send (no TCP FIN from it yet): its input is read and dropped until the
  // peer has them all (or ends), then the socket closes; bounded by the same
  // linger. Nothing of the channel's is pending then (the pump's read is
  // cancelled): the hub is not busy() with it.
  enum class Phase {
    idle,
    resolving,
    connecting,
    handshaking,
    established,
    draining,
    acknowledging,
    ended
  };

  TcpStream(AsioCore& core, ChannelPort port, std::size_t socket_buffer_bytes, TlsSetup tls = {});
  TcpStream(AsioCore& core, ChannelPort port, tcp::socket socket, TlsSetup tls = {});

  // Clients: resolves the host unless it is an IP address, then tries each
  // endpoint in order (then the TLS handshake). Reports port.connected or
  // port.failed.
  void connect(const Address& address);
  // Accepted sockets: (the TLS handshake, then) reports port.connected and
  // starts moving bytes. `peer` is the remote's endpoint as the accept saw it
  // (asked again now, it may be gone: a reset already arrived).
  void accepted(std::string peer);
  // Starts a write if tx has bytes and a read if rx has room; fails a TLS
  // handshake that has run past its timeout.
  void pump();
  // When pump() must run even if nothing happens: the handshake's deadline.
  Tyme due() const { return phase_ == Phase::handshaking ? handshake_due_ : kTymeNever; }
  // Ends it without reporting (a local close; the owner reports) and runs
  // the on-end callback. A write in flight is finished first, and the peer's
  // acknowledgement of what the kernel holds awaited when a close(2) could
  // reset the connection: the stream drains, then closes by itself.
  void shutdown();
  // Ends it silently and forgets the port: for destruction. A draining
  // stream goes on by itself (it owns itself through its write's handler,
  // or the wait for input to drop while it acknowledges); an established
  // one whose write is in flight is reset (abort_drain's RST: its bytes on
  // record are cut).
  void detach();
  // How long a draining stream may go on (its write, then the wait for the
  // peer's acknowledgement) before the connection is aborted
  // (ChannelOptions::close_linger; 0: no limit). Set before shutdown().
  void set_linger(Tock linger) { linger_ = linger; }
  // Draining past its linger, or stopped: aborts the connection (RST, which
  // drops what the kernel holds) and releases the socket; a write's handler
  // then ends, aborted. One whose peer has acknowledged everything closes.
  bool abort_drain() override;  // true if it was draining (and is reset now)
  // A write in flight, or bytes the peer has not acknowledged yet: one whose
  // peer has acknowledged everything is done, though only settle() ends it.
  // (A count for IoHub::closing(); what lingers is settle()'s to decide.)
  bool draining() const override {
    return phase_ == Phase::draining || (phase_ == Phase::acknowledging && unacknowledged() > 0);
  }
  bool settle() override;
  // The hub goes: a write in flight, or a close_notify not yet sent, is
  // reset (abort_drain); an acknowledging stream drops the input there and
  // closes, its bytes and FIN left to the kernel — a reset all the same if
  // more input came meanwhile (true: close(2) resets with input unread).
  bool release() override;
  // Called once, when its channel is done with it: when it ends (closed,
  // failed, reset), or at a local close that leaves it draining — then at
  // the close, while the socket stays until it is done or close_linger
  // aborts it (so an accepted remote's AcceptGate slot is free again, and a
  // listener at remotes_max may hold that many channels plus their draining
  // sockets). Never after detach().
  void set_on_end(std::function<void()> on_end) { on_end_ = std::move(on_end); }

  bool ended() const { return phase_ == Phase::ended; }
  bool established() const { return phase_ == Phase::established; }
  std::size_t in_flight() const { return ended() ? 0 : BytePump::in_flight(); }

 private:
  bool live() const { return static_cast<bool>(port_) && phase_ != Phase::ended; }
  void on_resolved(const boost::system::error_code& ec, const tcp::resolver::results_type& results);
  void try_next_endpoint();
  void on_connected(const boost::system::error_code& ec);
  // Keeps what an endpoint failed with, for the message if all fail.
  void note_failed_endpoint(const tcp::endpoint& endpoint, const boost::system::error_code& ec);
  // The connect to `endpoint` completed with a reset: it had been made.
  void connection_reset(const tcp::endpoint& endpoint);
  // TCP is up: the TLS handshake, or establish() at once.
  void secure();
  void on_handshake(const boost::system::error_code& ec);
  void establish();
  // For BytePump.
  friend class BytePump<TcpStream, kTcpChunkBytes>;
  ChannelPort& pump_port() { return port_; }
  AsioCore& pump_core() { return core_; }
  template <typename Handler>
  void read_some(asio::mutable_buffer buffer, Handler&& handler);
  // Plain TCP waits for readability, then reads into the core's scratch: a
  // quiet connection holds no read buffer. TLS reads through OpenSSL, which
  // keeps its records, into the pump's own buffer (read_some).
  bool reads_when_readable() const { return !tls_; }
  template <typename Handler>
  void wait_readable(Handler&& handler) {
    socket_.async_wait(tcp::socket::wait_read, std::forward<Handler>(handler));
  }
  std::size_t read_ready(asio::mutable_buffer buffer, boost::system::error_code& ec);
  template <typename Handler>
  void write_all(asio::const_buffer buffer, Handler&& handler);
  // The connection ended with `ec` during `op`: reports close or failure.
  void end(const boost::system::error_code& ec, PumpOp op);
  void fail(const std::string& reason);
  // Releases the socket and resolver; runs on_end_ once.
  void finish();
  // Runs on_end_ if it has not run (set_on_end).
  void run_on_end();
  // TLS: the kernel has no room for the close_notify now (the peer's
  // window is full): it must wait to be sent. False without TLS.
  bool close_notify_waits() const;
  // TLS: sends close_notify; the kernel has room for it.
  void send_close_notify();
  // The draining write has completed, or the kernel has room for the
  // close_notify: sends it (TLS) and closes, or waits for room.
  void drained();
  // Draining, TLS: drained() again once the socket is writable.
  void await_room_for_close_notify();
  // The end of a local close of an established stream: closes the socket,
  // or first waits for the peer to acknowledge what the kernel holds
  // (Phase::acknowledging) when close(2) could reset the connection and
  // drop it: Linux resets a connection closed with input unread, or that
  // receives input after its close (RFC 2525 2.17).
  void close_socket();
  // The kernel holds bytes the peer has not acknowledged, and the peer may
  // still send: close(2) now could drop them.
  bool awaits_acknowledgement() const;
  // The peer's FIN was read: no TCP segment with data can follow it. With
  // TLS, the end of its input is its close_notify, which raw bytes may still
  // follow in later segments (ignored by TLS, RFC 8446 6.1, but a closed
  // socket they reach is reset): not known, so false.
  bool fin_received() const { return !tls_ && input_ended(); }
  // Bytes written that the peer has not acknowledged (SIOCOUTQ; 0 where
  // the kernel does not say). Our FIN counts as one.
  std::size_t unacknowledged() const;
  void discard_input();
  void on_discardable(const boost::system::error_code& ec);
  // Reads and drops the input the kernel holds now, at most `bytes_max`:
  // the error that ended the reads (eof, a reset), or none (nothing more
  // there now, or `bytes_max` dropped).
  boost::system::error_code drop_input(std::size_t bytes_max);
  // What one wake of discard_input drops at most (then it waits again).
  static constexpr std::size_t kDropPerWake = 256 * 1024;

  AsioCore& core_;
  ChannelPort port_;
  tcp::socket socket_;
  TlsSetup tls_setup_;
  std::optional<ssl::stream<tcp::socket&>> tls_;  // over socket_, when TLS
  Tyme handshake_due_ = kTymeNever;
  Tock linger_{0};
  std::optional<Resolver<tcp>> resolver_;
  std::size_t socket_buffer_bytes_ = 0;
  Phase phase_ = Phase::idle;
  std::string target_;  // host:port being connected to, for messages
  std::vector<tcp::endpoint> endpoints_;
  std::size_t next_endpoint_ = 0;
  bool named_ = false;  // the host is a name, resolved to endpoints_
  // What the endpoints tried failed with: the error (an IP address), or
  // "addr: error; ..." (a name).
  std::string tried_;
  std::function<void()> on_end_;
};

}  // namespace hio::detail
