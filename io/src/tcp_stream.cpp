#include "tcp_stream.hpp"

#include <poll.h>
#include <sys/ioctl.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/write.hpp>
#if __has_include(<linux/sockios.h>)
#include <linux/sockios.h>  // SIOCOUTQ
#endif

#include "error_text.hpp"
#include "resolve.hpp"

namespace hio::detail {

void note_tried(std::string& tried, const tcp::endpoint& endpoint,
                const boost::system::error_code& ec) {
  if (!tried.empty()) tried += "; ";
  tried += endpoint_text(endpoint) + ": " + error_text(ec);
}

TcpStream::TcpStream(AsioCore& core, ChannelPort port, std::size_t socket_buffer_bytes,
                     TlsSetup tls)
    : core_(core),
      port_(port),
      socket_(core.context),
      tls_setup_(std::move(tls)),
      socket_buffer_bytes_(socket_buffer_bytes) {
  if (tls_setup_) tls_.emplace(socket_, *tls_setup_.context);
}

TcpStream::TcpStream(AsioCore& core, ChannelPort port, tcp::socket socket, TlsSetup tls)
    : core_(core), port_(port), socket_(std::move(socket)), tls_setup_(std::move(tls)) {
  if (tls_setup_) tls_.emplace(socket_, *tls_setup_.context);
}

// ---- connecting -------------------------------------------------------------

void TcpStream::connect(const Address& address) {
  target_ = address.host_port();
  boost::system::error_code ec;
  const asio::ip::address ip = asio::ip::make_address(address.host, ec);
  named_ = static_cast<bool>(ec);
  if (!ec) {
    if (const std::string no = unknown_zone_failure(address.host, target_, ChannelRole::connect);
        !no.empty()) {
      fail(no);
      return;
    }
    endpoints_.assign(1, tcp::endpoint(ip, address.port));
    try_next_endpoint();
    return;
  }
  phase_ = Phase::resolving;
  resolver_.emplace(core_);
  core_.pending.start(PendingOp::lookup);
  resolver_->async_resolve(address.host, address.port, tcp::resolver::flags(),
                           [self = shared_from_this()](const boost::system::error_code& error,
                                                       const tcp::resolver::results_type& results) {
                             self->core_.pending.end(PendingOp::lookup);
                             self->on_resolved(error, results);
                           });
}

void TcpStream::on_resolved(const boost::system::error_code& ec,
                            const tcp::resolver::results_type& results) {
  if (!live()) return;
  if (ec || results.empty()) {
    fail(resolve_failure_text(target_, ec, ChannelRole::connect));
    return;
  }
  endpoints_.clear();
  for (const auto& entry : results)
    endpoints_.push_back(entry.endpoint());
  try_next_endpoint();
}

void TcpStream::try_next_endpoint() {
  while (next_endpoint_ < endpoints_.size()) {
    const tcp::endpoint endpoint = endpoints_[next_endpoint_++];
    boost::system::error_code ec;
    if (socket_.is_open()) socket_.close(ec);
    socket_.open(endpoint.protocol(), ec);
    if (!ec) apply_buffer_size(socket_, socket_buffer_bytes_, ec);
    if (ec) {
      note_failed_endpoint(endpoint, ec);
      continue;
    }
    phase_ = Phase::connecting;
    core_.pending.start(PendingOp::connect);
    socket_.async_connect(endpoint,
                          [self = shared_from_this()](const boost::system::error_code& error) {
                            self->core_.pending.end(PendingOp::connect);
                            self->on_connected(error);
                          });
    return;
  }
  // Every endpoint was tried (there is at least one: an IP address's, or a
  // name's, whose empty answer on_resolved failed).
  fail("connect to " + target_ + " failed: " + tried_);
}

void TcpStream::note_failed_endpoint(const tcp::endpoint& endpoint,
                                     const boost::system::error_code& ec) {
  // An IP address is the target itself; a name says which of its addresses
  // failed how.
  if (!named_) {
    tried_ = error_text(ec);
    return;
  }
  note_tried(tried_, endpoint, ec);
}

void TcpStream::on_connected(const boost::system::error_code& ec) {
  if (!live()) return;
  const tcp::endpoint endpoint = endpoints_[next_endpoint_ - 1];
  if (ec == asio::error::connection_reset) {
    // Not a failed connect (a refusal is ECONNREFUSED): the peer accepted,
    // and reset the connection before this completion ran. It ends here, as
    // a reset after the connect event would, and no other address is tried.
    connection_reset(endpoint);
    return;
  }
  if (ec) {
    note_failed_endpoint(endpoint, ec);
    try_next_endpoint();
    return;
  }
  secure();
}

void TcpStream::connection_reset(const tcp::endpoint& endpoint) {
  const boost::system::error_code reset = asio::error::connection_reset;
  if (tls_) {
    // Connected means handshaken: to a TLS channel this is a handshake the
    // peer cut, as when the reset comes a moment later.
    fail("TLS handshake with " + target_ + " failed: " + error_text(reset));
    return;
  }
  // The socket keeps its local address after the reset; the peer's is the
  // endpoint connected to.
  boost::system::error_code ec;
  const tcp::endpoint local = socket_.local_endpoint(ec);
  if (ec) {
    fail("connection to " + target_ + " lost at once: " + error_text(reset));
    return;
  }
  phase_ = Phase::established;
  port_.connected(endpoint_text(local), endpoint_text(endpoint));
  end(reset, PumpOp::read);
}

void TcpStream::accepted(std::string peer) {
  target_ = std::move(peer);
  secure();
}

void TcpStream::secure() {
  if (!tls_) {
    establish();
    return;
  }
  if (!tls_setup_.server) {
    std::string error;
    if (!prepare_tls_client(tls_->native_handle(), tls_setup_, error)) {
      fail("TLS setup for " + target_ + " failed: " + error);
      return;
    }
  }
  boost::system::error_code ignored;
  // The handshake's flights go out at once, not after Nagle's delay.
  socket_.set_option(tcp::no_delay(true), ignored);
  phase_ = Phase::handshaking;
  if (tls_setup_.handshake_timeout > Tock{0}) {
    handshake_due_ = tyme_after(port_.tyme(), tls_setup_.handshake_timeout);
  }
  core_.pending.start(PendingOp::handshake);
  tls_->async_handshake(tls_setup_.server ? ssl::stream_base::server : ssl::stream_base::client,
                        [self = shared_from_this()](const boost::system::error_code& error) {
                          self->core_.pending.end(PendingOp::handshake);
                          self->on_handshake(error);
                        });
}

void TcpStream::on_handshake(const boost::system::error_code& ec) {
  if (!live()) return;
  if (ec) {
    std::string why;
    if (ec == asio::error::eof || tls_truncated(ec)) {
      why = "the peer closed the connection";
    } else {
      why = tls_error_text(ec, tls_->native_handle());
    }
    fail("TLS handshake with " + target_ + " failed: " + why);
    return;
  }
  establish();
}

void TcpStream::establish() {
  boost::system::error_code ec;
  // hio hands over what a doer wrote at once; batching is the doer's choice.
  socket_.set_option(tcp::no_delay(true), ec);
  const std::string local = endpoint_text(socket_.local_endpoint(ec));
  if (ec) {
    fail("connection to " + target_ + " lost at once: " + error_text(ec));
    return;
  }
  // A client's peer is the endpoint it connected to. Asked of the socket it
  // is gone once a reset has come (ENOTCONN), and the connection was made
  // all the same: the reset is then its first read's error, a remote close.
  std::string peer;
  if (next_endpoint_ > 0) {
    peer = endpoint_text(endpoints_[next_endpoint_ - 1]);
  } else {
    peer = endpoint_text(socket_.remote_endpoint(ec));
    if (ec) {
      fail("connection to " + target_ + " lost at once: " + error_text(ec));
      return;
    }
  }
  phase_ = Phase::established;
  port_.connected(local, peer);
  pump();
}

// ---- moving bytes -----------------------------------------------------------

void TcpStream::pump() {
  if (!live()) return;
  if (phase_ == Phase::handshaking && port_.tyme() >= handshake_due_) {
    fail("TLS handshake with " + target_ + " timed out after " +
         format_seconds(tls_setup_.handshake_timeout) + " s");
    return;
  }
  if (phase_ != Phase::established) return;
  pump_bytes();
}

template <typename Handler>
void TcpStream::read_some(asio::mutable_buffer buffer, Handler&& handler) {
  if (tls_) {
    tls_->async_read_some(buffer, std::forward<Handler>(handler));
  } else {
    socket_.async_read_some(buffer, std::forward<Handler>(handler));
  }
}

std::size_t TcpStream::read_ready(asio::mutable_buffer buffer, boost::system::error_code& ec) {
  // The socket is non-blocking from its first such read on, for the rest of
  // its life: the other operations are asynchronous, which Asio runs the
  // same in either mode.
  if (!socket_.non_blocking()) socket_.non_blocking(true, ec);
  if (ec) return 0;
  return socket_.read_some(buffer, ec);  // eof at the end; would_block if nothing
}

template <typename Handler>
void TcpStream::write_all(asio::const_buffer buffer, Handler&& handler) {
  // A local close while this write is in flight leaves it draining: its end
  // closes the stream.
  auto done = [self = shared_from_this(), on_write = std::forward<Handler>(handler)](
                  const boost::system::error_code& ec, std::size_t n) mutable {
    on_write(ec, n);
    if (self->phase_ == Phase::draining) self->drained();
  };
  if (tls_) {
    asio::async_write(*tls_, buffer, std::move(done));
  } else {
    asio::async_write(socket_, buffer, std::move(done));
  }
}

// ---- ending -----------------------------------------------------------------

void TcpStream::end(const boost::system::error_code& ec, PumpOp op) {
  // With TLS, bytes after the close_notify in the same read make Asio call
  // its end a truncated stream, which it is not.
  const bool finished =
      ec == asio::error::eof ||
      (tls_ && tls_truncated(ec) && tls_close_notify_received(tls_->native_handle()));
  if (op == PumpOp::read && finished) {
    // The peer finished sending (a FIN; with TLS, its close_notify): only
    // its data has ended. The connection stays up for what this side still
    // writes, until a local close, a reset or a failed write ends it.
    end_input();
    port_.rx_ended();
    return;
  }
  ChannelPort port = port_;
  finish();
  if (ec == asio::error::eof) {
    port.closed(CloseWho::remote, "closed by peer");
  } else if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe) {
    port.closed(CloseWho::remote, "reset by peer");
  } else if (tls_ && tls_truncated(ec)) {
    // TCP ended without TLS's close_notify: the end cannot be told apart
    // from a cut, so the reason says so.
    port.closed(CloseWho::remote, "closed by peer without TLS close_notify");
  } else {
    port.failed(std::string(op == PumpOp::read ? "read" : "write") +
                " failed: " + (tls_ ? tls_error_text(ec, tls_->native_handle()) : error_text(ec)));
  }
}

void TcpStream::fail(const std::string& reason) {
  ChannelPort port = port_;
  finish();
  port.failed(reason);
}

void TcpStream::finish() {
  if (phase_ == Phase::ended) return;
  phase_ = Phase::ended;
  boost::system::error_code ignored;
  if (resolver_) resolver_->cancel();
  if (socket_.is_open()) socket_.close(ignored);
  run_on_end();
}

void TcpStream::run_on_end() {
  if (!on_end_) return;
  auto on_end = std::move(on_end_);
  on_end_ = nullptr;
  on_end();
}

bool TcpStream::close_notify_waits() const {
  if (!tls_) return false;
  // Writable (POLLOUT): the kernel has room, and takes the record's few
  // bytes whole. An error or hang-up: no wait would help, the write fails
  // at once.
  pollfd fd{const_cast<tcp::socket&>(socket_).native_handle(), POLLOUT, 0};
  return ::poll(&fd, 1, 0) == 0;
}

void TcpStream::send_close_notify() {
  // Called once the kernel has room for it (close_notify_waits): a write on
  // the non-blocking socket then takes it whole. Without that room the
  // write ended in would_block with the record lost or cut, and the FIN
  // after it told the peer "closed without close_notify" (rev23 L2). The
  // peer's close_notify is not awaited: a local close is immediate.
  if (!tls_) return;
  boost::system::error_code ignored;
  socket_.non_blocking(true, ignored);
  if (!ignored) tls_->shutdown(ignored);  // ends in would_block, after sending
}

void TcpStream::shutdown() {
  if (phase_ != Phase::established) {
    finish();
    return;
  }
  // The bytes being written were handed over (their tx events are on
  // record): finish them, then close — and a reply is never cut by the close
  // that follows it. TLS: close_notify now unless a write is in flight (it
  // would cut a record) or the kernel has no room for it (the peer reads
  // nothing, its window is full): then once it has.
  const bool in_flight = writing();
  const bool notify_waits = !in_flight && close_notify_waits();
  if (!in_flight && !notify_waits) {
    send_close_notify();
    if (!awaits_acknowledgement()) {
      finish();
      return;
    }
  }
  // The channel is closed from now on. A peer that never reads would hold
  // the socket for ever: past the linger bound the hub's poll aborts it
  // (expire_lingering).
  phase_ = Phase::draining;
  stop_counting();  // the closed stream's read and write: not the hub's busy()
  start_lingering(core_, linger_, weak_from_this());
  port_ = ChannelPort();
  run_on_end();  // the channel is closed: done with this stream
  if (notify_waits) {
    await_room_for_close_notify();
  } else if (!in_flight) {
    close_socket();
  }
}

void TcpStream::drained() {
  if (phase_ != Phase::draining) return;
  if (close_notify_waits()) {
    await_room_for_close_notify();
    return;
  }
  send_close_notify();
  close_socket();
}

void TcpStream::await_room_for_close_notify() {
  // Not counted in busy(), as the rest of a closed stream's delivery; an
  // abort (close_linger, the hub going) ends it, and its handler then finds
  // the stream ended.
  socket_.async_wait(tcp::socket::wait_write,
                     [self = shared_from_this()](const boost::system::error_code&) {
                       self->drained();  // its error, if any, is the write's to meet
                     });
}

bool TcpStream::awaits_acknowledgement() const {
  return !fin_received() && unacknowledged() > 0;
}

void TcpStream::close_socket() {
  if (!awaits_acknowledgement()) {
    finish();
    return;
  }
  phase_ = Phase::acknowledging;
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);  // a FIN after the bytes
  // The pump's read is the only operation left on the socket (no write is
  // in flight now): its handler ends, aborted, and reads nothing for the
  // closed channel; discard_input reads from here on. Left pending, it kept
  // the hub busy() until the peer's acknowledgement, in wall time.
  socket_.cancel(ignored);
  discard_input();
}

std::size_t TcpStream::unacknowledged() const {
#ifdef SIOCOUTQ
  int bytes = 0;
  // Asio's native_handle() is not const; reading the queue changes nothing.
  const int fd = const_cast<tcp::socket&>(socket_).native_handle();
  if (::ioctl(fd, SIOCOUTQ, &bytes) == 0 && bytes > 0) return static_cast<std::size_t>(bytes);
#endif
  return 0;
}

void TcpStream::discard_input() {
  socket_.async_wait(tcp::socket::wait_read,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       self->on_discardable(ec);
                     });
}

void TcpStream::on_discardable(const boost::system::error_code& ec) {
  if (phase_ != Phase::acknowledging) return;
  // What is there now, a bounded amount; the wait comes back for more.
  const boost::system::error_code read_ec = ec ? ec : drop_input(kDropPerWake);
  // The peer's end (eof) or a reset: no input can follow to reset it.
  if (read_ec || unacknowledged() == 0) {
    finish();
    return;
  }
  discard_input();
}

boost::system::error_code TcpStream::drop_input(std::size_t bytes_max) {
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);
  char bytes[16384];
  for (std::size_t dropped = 0; dropped < bytes_max && !ec;) {
    dropped +=
        socket_.read_some(asio::buffer(bytes, std::min(sizeof bytes, bytes_max - dropped)), ec);
  }
  if (ec == asio::error::would_block) ec.clear();
  return ec;
}

bool TcpStream::settle() {
  // One read of the kernel's count decides: acknowledged, it ends here;
  // otherwise it still drains, whatever a later read would say.
  if (phase_ == Phase::acknowledging && unacknowledged() == 0) finish();
  return phase_ == Phase::draining || phase_ == Phase::acknowledging;
}

bool TcpStream::release() {
  if (phase_ != Phase::acknowledging) return abort_drain();
  // Every byte is the kernel's, and our FIN after them: close(2) leaves
  // them to it, as a close without this wait did, once the input there is
  // gone (close(2) with input unread resets). All the kernel holds now is
  // dropped: its count bounds the reads (the receive buffer's size, not a
  // peer's pace). Input that comes after the close still resets the orphan,
  // nothing being left to drop it; input that came during the drop resets
  // it now, and is said to (true). Session 23 dropped at most 16 MiB and
  // said "no reset" whatever was left (rev23 L3).
  boost::system::error_code ec;
  const std::size_t held = socket_.available(ec);
  if (!ec) ec = drop_input(held);
  const bool unread = !ec && socket_.available(ec) > 0 && !ec;
  if (unread) {
    boost::system::error_code ignored;
    socket_.set_option(asio::socket_base::linger(true, 0), ignored);  // the reset close(2) makes
  }
  finish();
  return unread;
}

bool TcpStream::abort_drain() {
  if (!settle()) return false;  // acknowledged: a close, not a reset
  // A reset, not a FIN: the peer learns the stream was cut, not that it ended.
  boost::system::error_code ignored;
  socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  finish();
  return true;
}

void TcpStream::detach() {
  on_end_ = nullptr;
  port_ = ChannelPort();
  // Its write's end, or the peer's acknowledgement, closes it.
  if (phase_ == Phase::draining || phase_ == Phase::acknowledging) return;
  if (phase_ == Phase::established && writing()) {
    // An open stream let go (its hub is going) with a write in flight: the
    // bytes were handed over (tx on record) and are cut now. A reset, as for
    // a draining write the hub aborts, not a FIN the peer would take for the
    // end of complete data.
    boost::system::error_code ignored;
    socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  }
  finish();
}

}  // namespace hio::detail
