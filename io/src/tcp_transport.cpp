#include "tcp_transport.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <stdexcept>

#include "tcp_acceptor.hpp"

namespace hio::detail {

void TcpFactory::check(const Address& address, ChannelRole role,
                       const ChannelOptions& options) const {
  if (address.scheme == Scheme::tls && role == ChannelRole::listen &&
      options.tls.cert_file.empty()) {
    throw std::invalid_argument("tls listener " + address.text() +
                                ": ChannelOptions::tls.cert_file is required");
  }
  if (address.scheme == Scheme::tls && role == ChannelRole::listen &&
      options.tls.require_client_cert && options.tls.ca_file.empty()) {
    throw std::invalid_argument("tls listener " + address.text() +
                                ": require_client_cert needs ChannelOptions::tls.ca_file");
  }
  if (role == ChannelRole::bind) {
    throw std::invalid_argument(std::string(to_string(address.scheme)) +
                                ":// addresses are streams: connect or listen, not bind (" +
                                address.text() + ")");
  }
}

std::unique_ptr<Transport> TcpFactory::make(const Address& address, ChannelRole role,
                                            const ChannelOptions& options) {
  check(address, role, options);
  if (role == ChannelRole::connect)
    return std::make_unique<TcpClientTransport>(core_, address, options);
  return std::make_unique<TcpListenerTransport>(core_, address, options);
}

// ---- client -----------------------------------------------------------------

TcpClientTransport::TcpClientTransport(AsioCore& core, Address address,
                                       const ChannelOptions& options)
    : core_(core),
      address_(std::move(address)),
      connect_timeout_(options.connect_timeout),
      close_linger_(options.close_linger),
      socket_buffer_bytes_(options.socket_buffer_bytes),
      tls_options_(options.tls) {}

TcpClientTransport::~TcpClientTransport() {
  if (stream_) stream_->detach();
}

void TcpClientTransport::start(ChannelPort port) {
  port_ = port;
  attempt();
}

void TcpClientTransport::attempt() {
  if (stream_) stream_->detach();
  stream_.reset();
  attempt_start_ = port_.tyme();
  TlsSetup tls;
  if (address_.scheme == Scheme::tls) {
    if (!tls_context_) {
      std::optional<TlsProblem> problem;
      tls_context_ = make_tls_context(tls_options_, /*server=*/false, problem);
      if (!tls_context_) {
        port_.failed("TLS setup for " + address_.text() + " failed: " + problem->message);
        return;
      }
    }
    tls = client_tls_setup(tls_options_, address_, tls_context_);
  }
  stream_ = std::make_shared<TcpStream>(core_, port_, socket_buffer_bytes_, std::move(tls));
  stream_->set_linger(close_linger_);
  stream_->connect(address_);
}

bool TcpClientTransport::timed_out() const {
  return connect_timeout_ > Tock{0} && stream_ && !stream_->ended() && !stream_->established() &&
         port_.tyme() >= tyme_after(attempt_start_, connect_timeout_);
}

void TcpClientTransport::service() {
  if (stopped_) return;
  if (timed_out()) {
    stream_->detach();
    port_.failed("connect to " + address_.host_port() + " timed out after " +
                 format_seconds(connect_timeout_) + " s");
  } else if (stream_ && !stream_->ended()) {
    stream_->pump();
  }
  // An attempt or connection that has ended waits for reopen() (the
  // channel's retry grid, or the doer).
}

Tyme TcpClientTransport::due() const {
  if (stopped_) return kTymeNever;
  if (stream_ && !stream_->ended()) {
    if (connect_timeout_ > Tock{0} && !stream_->established()) {
      return std::min(tyme_after(attempt_start_, connect_timeout_), stream_->due());
    }
    return stream_->due();
  }
  return kTymeNever;
}

void TcpClientTransport::close(std::string_view why) {
  stopped_ = true;
  if (stream_) {
    stream_->shutdown();  // TLS: close_notify
    stream_->detach();
  }
  port_.closed(CloseWho::local, why);
}

void TcpClientTransport::reopen() {
  tls_context_.reset();  // a fresh start loads the TLS files again
  stopped_ = false;
  port_.opening();
  attempt();
}

// ---- listener ---------------------------------------------------------------

TcpListenerTransport::TcpListenerTransport(AsioCore& core, Address address,
                                           const ChannelOptions& options)
    : core_(core),
      address_(std::move(address)),
      options_(options),
      gate_(std::make_shared<AcceptGate>()) {}

TcpListenerTransport::~TcpListenerTransport() {
  gate_->listener = ChannelPort();
  if (acceptor_) acceptor_->detach();
}

void TcpListenerTransport::start(ChannelPort port) {
  port_ = port;
  gate_->listener = port;
  open();
}

void TcpListenerTransport::open() {
  TlsSetup tls;
  if (address_.scheme == Scheme::tls) {
    std::optional<TlsProblem> problem;
    tls.context = make_tls_context(options_.tls, /*server=*/true, problem);
    if (!tls.context) {
      port_.failed("TLS setup for " + address_.text() + " failed: " + problem->message);
      return;
    }
    tls.server = true;
    tls.handshake_timeout = options_.tls.handshake_timeout;
  }
  acceptor_ = std::make_shared<TcpAcceptor>(core_, port_, gate_, options_, std::move(tls));
  acceptor_->open(address_);
}

void TcpListenerTransport::service() {
  if (acceptor_) acceptor_->service();
}

Tyme TcpListenerTransport::due() const {
  return acceptor_ ? acceptor_->due() : kTymeNever;
}

void TcpListenerTransport::close(std::string_view why) {
  if (acceptor_) acceptor_->detach();
  port_.closed(CloseWho::local, why);
}

void TcpListenerTransport::reopen() {
  if (acceptor_) acceptor_->detach();
  acceptor_.reset();
  port_.opening();
  open();
}

// ---- accepted remote --------------------------------------------------------

TcpAcceptedTransport::TcpAcceptedTransport(AsioCore& core, tcp::socket socket, std::string peer,
                                           std::shared_ptr<AcceptGate> gate, TlsSetup tls,
                                           Tock close_linger)
    : core_(core),
      socket_(std::move(socket)),
      peer_(std::move(peer)),
      gate_(std::move(gate)),
      tls_(std::move(tls)),
      close_linger_(close_linger) {}

TcpAcceptedTransport::~TcpAcceptedTransport() {
  if (stream_) stream_->detach();
  if (socket_ && socket_->is_open()) {
    // Never started (its accept was refused): a reset, so that the peer
    // learns at once that nothing will serve it.
    boost::system::error_code ignored;
    socket_->set_option(tcp::socket::linger(true, 0), ignored);
    socket_->close(ignored);
  }
}

void TcpAcceptedTransport::start(ChannelPort port) {
  port_ = port;
  stream_ = std::make_shared<TcpStream>(core_, port_, std::move(*socket_), std::move(tls_));
  socket_.reset();
  stream_->set_linger(close_linger_);
  stream_->set_on_end([gate = gate_] { gate->release(); });
  stream_->accepted(peer_);
}

void TcpAcceptedTransport::service() {
  stream_->pump();
}

void TcpAcceptedTransport::close(std::string_view why) {
  stream_->shutdown();
  port_.closed(CloseWho::local, why);
}

}  // namespace hio::detail
