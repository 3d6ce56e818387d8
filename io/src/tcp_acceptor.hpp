// TcpAcceptor: a listening socket on Asio and its pending accept; each
// accepted socket becomes a channel through the listener's ChannelPort.
// AcceptGate: how many accepted remotes are alive, for remotes_max.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <optional>
#include <string>

#include "asio_core.hpp"
#include "hio/io/transport.hpp"
#include "lookup.hpp"
#include "port_life.hpp"
#include "tls_context.hpp"

namespace hio::detail {

// Shared by a listener and its accepted remotes' streams, so the listener can
// stop accepting at remotes_max and resume when one ends.
struct AcceptGate {
  std::size_t live = 0;
  ChannelPort listener;  // empty once the listener's transport is gone
  void release();        // one remote ended: wakes the listener's driver
};

// Ownership: shared by the listener transport and the handler of its pending
// operation (like TcpStream); the transport detaches it when done, and
// handlers that run after that do nothing (PortLife: shutdown, detach).
class TcpAcceptor : public std::enable_shared_from_this<TcpAcceptor>, public PortLife<TcpAcceptor> {
 public:
  // tls: how accepted remotes speak TLS (no context: plain TCP).
  TcpAcceptor(AsioCore& core, ChannelPort port, std::shared_ptr<AcceptGate> gate,
              const ChannelOptions& options, TlsSetup tls);

  // Binds and listens (after resolving, for a host name); reports
  // port.connected (local endpoint) or port.failed.
  void open(const Address& address);
  // The driver's turn: resumes accepting after a pause (limit or backoff).
  void service();
  Tyme due() const { return failed_accept_ && !ended() ? retry_at_ : kTymeNever; }

 private:
  friend class PortLife<TcpAcceptor>;
  void close_handles();
  void bind(const asio::ip::tcp::endpoint& endpoint);
  void accept_next();
  void on_accept(const boost::system::error_code& ec, asio::ip::tcp::socket socket);

  AsioCore& core_;
  std::shared_ptr<AcceptGate> gate_;
  asio::ip::tcp::acceptor acceptor_;
  std::optional<Resolver<asio::ip::tcp>> resolver_;
  Address address_;
  std::string local_;  // where it listens (port 0 bound), for accept errors
  std::size_t remotes_max_;
  std::size_t socket_buffer_bytes_;
  Tock close_linger_;
  TlsSetup tls_;
  // The pending accept's peer, filled by accept(2) itself: a connection
  // reset before it could be asked for (getpeername: ENOTCONN) still has it.
  asio::ip::tcp::endpoint accepted_peer_;
  Tyme retry_at_{};
  bool listening_ = false;
  bool accepting_ = false;
  bool failed_accept_ = false;
};

}  // namespace hio::detail
