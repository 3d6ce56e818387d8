#include "tcp_acceptor.hpp"

#include <boost/asio/ip/address.hpp>

#include "error_text.hpp"
#include "resolve.hpp"
#include "tcp_stream.hpp"
#include "tcp_transport.hpp"

namespace hio::detail {

// After a failed accept (e.g. out of file descriptors: EMFILE) the listener
// waits this long of tyme before accepting again, instead of failing once per
// pass; connections meanwhile wait in the kernel's backlog (docs/io.md,
// "Out of file descriptors").
constexpr Tock kAcceptBackoff = seconds(1);

void AcceptGate::release() {
  --live;
  if (listener) listener.request_service();
}

TcpAcceptor::TcpAcceptor(AsioCore& core, ChannelPort port, std::shared_ptr<AcceptGate> gate,
                         const ChannelOptions& options, TlsSetup tls)
    : PortLife(port),
      core_(core),
      gate_(std::move(gate)),
      acceptor_(core.context),
      remotes_max_(options.remotes_max),
      socket_buffer_bytes_(options.socket_buffer_bytes),
      close_linger_(options.close_linger),
      tls_(std::move(tls)) {}

void TcpAcceptor::open(const Address& address) {
  address_ = address;
  boost::system::error_code ec;
  const asio::ip::address ip = asio::ip::make_address(address.host, ec);
  if (!ec) {
    if (const std::string no =
            unknown_zone_failure(address.host, address.host_port(), ChannelRole::listen);
        !no.empty()) {
      fail(no);
      return;
    }
    bind(tcp::endpoint(ip, address.port));
    return;
  }
  resolver_.emplace(core_);
  core_.pending.start(PendingOp::lookup);
  resolver_->async_resolve(
      address.host, address.port, tcp::resolver::passive,
      [self = shared_from_this()](const boost::system::error_code& error,
                                  const tcp::resolver::results_type& results) {
        self->core_.pending.end(PendingOp::lookup);
        if (!self->live()) return;
        if (error || results.empty()) {
          self->fail(resolve_failure_text(self->address_.host_port(), error, ChannelRole::listen));
          return;
        }
        self->bind(results.begin()->endpoint());
      });
}

void TcpAcceptor::bind(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  const std::string where = "listen on " + address_.host_port() + " failed: ";
  acceptor_.open(endpoint.protocol(), ec);
  // A restarted server can bind while old connections are in TIME_WAIT; a
  // port with a live listener still fails with "address in use".
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  // Set before listen() so accepted sockets inherit it (and the window scale
  // is negotiated for it).
  if (!ec) apply_buffer_size(acceptor_, socket_buffer_bytes_, ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  tcp::endpoint local;
  if (!ec) local = acceptor_.local_endpoint(ec);
  if (ec) {
    fail(where + error_text(ec));
    return;
  }
  listening_ = true;
  local_ = endpoint_text(local);
  port_.connected(local_, "");
  accept_next();
}

void TcpAcceptor::service() {
  if (!live() || !listening_) return;
  if (failed_accept_ && port_.tyme() < retry_at_) return;
  failed_accept_ = false;
  accept_next();
}

void TcpAcceptor::accept_next() {
  if (accepting_ || failed_accept_ || gate_->live >= remotes_max_) return;
  accepting_ = true;
  core_.pending.start(PendingOp::accept);
  acceptor_.async_accept(
      accepted_peer_,
      [self = shared_from_this()](const boost::system::error_code& error, tcp::socket socket) {
        self->core_.pending.end(PendingOp::accept);
        self->on_accept(error, std::move(socket));
      });
}

void TcpAcceptor::on_accept(const boost::system::error_code& ec, tcp::socket socket) {
  accepting_ = false;
  if (!live()) return;
  if (ec) {
    // The address bound, as the listen line says it (port 0 given a port).
    port_.error("accept on " + local_ + " failed: " + error_text(ec));
    failed_accept_ = true;
    retry_at_ = tyme_after(port_.tyme(), kAcceptBackoff);
    port_.request_service();  // so the driver parks until due()
    return;
  }
  // The peer as accept(2) reported it: asking the socket now would fail for
  // a connection reset since (a port scan's RST), which would then leave no
  // trace. Such a remote is accepted like any other, and its stream reports
  // the loss ("lost at once") as its error.
  const tcp::endpoint remote = accepted_peer_;
  Address address;
  address.scheme = address_.scheme;
  address.host = remote.address().to_string();
  address.port = remote.port();
  ++gate_->live;
  ChannelPort port = port_;
  const std::string peer = endpoint_text(remote);
  if (port.accept(std::make_unique<TcpAcceptedTransport>(core_, std::move(socket), peer, gate_,
                                                         tls_, close_linger_),
                  address, peer) == nullptr) {
    --gate_->live;  // refused (no channel ids left): its socket was reset
  }
  if (live()) accept_next();
}

void TcpAcceptor::close_handles() {
  boost::system::error_code ignored;
  if (resolver_) resolver_->cancel();
  if (acceptor_.is_open()) acceptor_.close(ignored);
}

}  // namespace hio::detail
