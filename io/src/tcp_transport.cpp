#include "tcp_transport.hpp"

#include <boost/asio/ip/address.hpp>
#include <stdexcept>

#include "tcp_acceptor.hpp"

namespace hio::detail {

std::unique_ptr<Transport> TcpFactory::make(const Address& address, ChannelRole role,
                                            const ChannelOptions& options) {
  switch (role) {
    case ChannelRole::connect:
      return std::make_unique<TcpClientTransport>(core_, address, options);
    case ChannelRole::listen:
      return std::make_unique<TcpListenerTransport>(core_, address, options);
    case ChannelRole::bind:
      break;
  }
  throw std::invalid_argument("tcp:// addresses are streams: connect or listen, not bind (" +
                              address.text() + ")");
}

// ---- client -----------------------------------------------------------------

TcpClientTransport::TcpClientTransport(AsioCore& core, Address address,
                                       const ChannelOptions& options)
    : core_(core),
      address_(std::move(address)),
      retry_(options.retry),
      connect_timeout_(options.connect_timeout),
      socket_buffer_bytes_(options.socket_buffer_bytes) {
  if (retry_ < Tock{0} || connect_timeout_ < Tock{0}) {
    throw std::invalid_argument("tcp client " + address_.text() +
                                ": retry and connect_timeout must be >= 0");
  }
}

TcpClientTransport::~TcpClientTransport() {
  if (stream_) stream_->detach();
}

void TcpClientTransport::start(ChannelPort port) {
  port_ = port;
  tymer_ = Tymer(port_.tymth(), retry_);
  attempt();
}

void TcpClientTransport::attempt() {
  if (stream_) stream_->detach();
  stream_ = std::make_shared<TcpStream>(core_, port_, socket_buffer_bytes_);
  attempt_start_ = port_.tyme();
  stream_->connect(address_);
}

bool TcpClientTransport::timed_out() const {
  return connect_timeout_ > Tock{0} && stream_ && !stream_->ended() && !stream_->established() &&
         port_.tyme() >= attempt_start_ + connect_timeout_;
}

void TcpClientTransport::service() {
  if (stopped_) return;
  if (timed_out()) {
    stream_->detach();
    port_.failed("connect to " + address_.host_port() + " timed out after " +
                 format_seconds(connect_timeout_) + " s");
  } else if (stream_ && !stream_->ended()) {
    stream_->pump();
    return;
  }
  // The attempt or the connection has ended.
  if (retry_ == Tock{0}) return;
  if (!waiting_) {
    // Lossless: the next attempt is the first grid point after now, where
    // the grid is the tymer's windows laid end to end from the first start.
    const Tock late = port_.tyme() - tymer_.stop_tyme();
    if (late >= Tock{0}) tymer_.restart(retry_ * (late / retry_ + 1));
    waiting_ = true;
  }
  if (tymer_.expired()) {
    waiting_ = false;
    tymer_.restart(retry_);
    port_.opening();
    attempt();
  }
}

Tyme TcpClientTransport::due() const {
  if (stopped_) return kTymeNever;
  if (stream_ && !stream_->ended()) {
    if (connect_timeout_ > Tock{0} && !stream_->established()) {
      return attempt_start_ + connect_timeout_;
    }
    return kTymeNever;
  }
  if (retry_ == Tock{0}) return kTymeNever;
  // Not yet armed: service() must run to arm it.
  return waiting_ ? tymer_.stop_tyme() : port_.tyme();
}

void TcpClientTransport::close(std::string_view why) {
  stopped_ = true;
  waiting_ = false;
  if (stream_) stream_->detach();
  port_.closed(CloseWho::local, why);
}

void TcpClientTransport::reopen() {
  stopped_ = false;
  waiting_ = false;
  tymer_.start(retry_);
  port_.opening();
  attempt();
}

// ---- listener ---------------------------------------------------------------

TcpListenerTransport::TcpListenerTransport(AsioCore& core, Address address,
                                           const ChannelOptions& options)
    : core_(core),
      address_(std::move(address)),
      options_(options),
      gate_(std::make_shared<AcceptGate>()) {
  if (options_.remotes_max == 0) {
    throw std::invalid_argument("tcp listener " + address_.text() + ": remotes_max must be > 0");
  }
}

TcpListenerTransport::~TcpListenerTransport() {
  gate_->listener = ChannelPort();
  if (acceptor_) acceptor_->detach();
}

void TcpListenerTransport::start(ChannelPort port) {
  port_ = port;
  gate_->listener = port;
  acceptor_ = std::make_shared<TcpAcceptor>(core_, port_, gate_, options_);
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
  port_.opening();
  acceptor_ = std::make_shared<TcpAcceptor>(core_, port_, gate_, options_);
  acceptor_->open(address_);
}

// ---- accepted remote --------------------------------------------------------

TcpAcceptedTransport::TcpAcceptedTransport(AsioCore& core, tcp::socket socket,
                                           std::shared_ptr<AcceptGate> gate)
    : core_(core), socket_(std::move(socket)), gate_(std::move(gate)) {}

TcpAcceptedTransport::~TcpAcceptedTransport() {
  if (stream_) stream_->detach();
}

void TcpAcceptedTransport::start(ChannelPort port) {
  port_ = port;
  stream_ = std::make_shared<TcpStream>(core_, port_, std::move(*socket_));
  socket_.reset();
  stream_->set_on_end([gate = gate_] { gate->release(); });
  stream_->accepted();
}

void TcpAcceptedTransport::service() {
  stream_->pump();
}

void TcpAcceptedTransport::close(std::string_view why) {
  stream_->shutdown();
  port_.closed(CloseWho::local, why);
}

}  // namespace hio::detail
