// The real TCP transports on Asio, with or without TLS: a client (with
// reconnect on a lossless Tymer), a listener (a TcpAcceptor plus one channel
// per remote), the transport of each accepted remote, and the factory the
// hub uses for tcp:// and tls:// addresses.
#pragma once

#include <memory>

#include "asio_core.hpp"
#include "hio/engine/tymist.hpp"
#include "hio/io/transport.hpp"
#include "tcp_stream.hpp"

namespace hio::detail {

class TcpFactory final : public TransportFactory {
 public:
  explicit TcpFactory(AsioCore& core) : core_(core) {}
  // connect -> client, listen -> listener; bind is refused (streams). A
  // tls:// listener without a certificate file is refused too.
  std::unique_ptr<Transport> make(const Address& address, ChannelRole role,
                                  const ChannelOptions& options) override;
  void check(const Address& address, ChannelRole role,
             const ChannelOptions& options) const override;

 private:
  AsioCore& core_;
};

// A client: one TcpStream per attempt. Its channel opens it again after a
// failure or a remote close (ChannelOptions::retry, on the channel's
// RetryGrid: reopen()). tls://: the TLS context is made at the first attempt
// and again at each reopen (so fixed or renewed files are picked up).
class TcpClientTransport final : public Transport {
 public:
  TcpClientTransport(AsioCore& core, Address address, const ChannelOptions& options);
  ~TcpClientTransport() override;

  void start(ChannelPort port) override;
  void service() override;
  void close(std::string_view why) override;
  void reopen() override;
  Tyme due() const override;
  std::size_t in_flight() const override { return stream_ ? stream_->in_flight() : 0; }

 private:
  void attempt();
  bool timed_out() const;

  AsioCore& core_;
  Address address_;
  Tock connect_timeout_;
  Tock close_linger_;
  std::size_t socket_buffer_bytes_;
  TlsOptions tls_options_;
  std::shared_ptr<ssl::context> tls_context_;  // tls:// once made
  ChannelPort port_;
  std::shared_ptr<TcpStream> stream_;
  Tyme attempt_start_{};
  bool stopped_ = false;  // closed locally
};

struct AcceptGate;
class TcpAcceptor;

class TcpListenerTransport final : public Transport {
 public:
  TcpListenerTransport(AsioCore& core, Address address, const ChannelOptions& options);
  ~TcpListenerTransport() override;

  void start(ChannelPort port) override;
  void service() override;
  void close(std::string_view why) override;
  void reopen() override;
  Tyme due() const override;

 private:
  void open();

  AsioCore& core_;
  Address address_;
  ChannelOptions options_;
  ChannelPort port_;
  std::shared_ptr<AcceptGate> gate_;
  std::shared_ptr<TcpAcceptor> acceptor_;
};

// One accepted remote: its stream, from accepted (tls://: through the
// handshake) to its end. Cannot reopen.
class TcpAcceptedTransport final : public Transport {
 public:
  // `peer`: the remote's endpoint text, taken at the accept.
  TcpAcceptedTransport(AsioCore& core, tcp::socket socket, std::string peer,
                       std::shared_ptr<AcceptGate> gate, TlsSetup tls, Tock close_linger);
  ~TcpAcceptedTransport() override;

  void start(ChannelPort port) override;
  void service() override;
  void close(std::string_view why) override;
  Tyme due() const override { return stream_ ? stream_->due() : kTymeNever; }
  std::size_t in_flight() const override { return stream_ ? stream_->in_flight() : 0; }

 private:
  AsioCore& core_;
  std::optional<tcp::socket> socket_;  // until start() hands it to the stream
  std::string peer_;
  std::shared_ptr<AcceptGate> gate_;
  TlsSetup tls_;
  Tock close_linger_;
  ChannelPort port_;
  std::shared_ptr<TcpStream> stream_;
};

}  // namespace hio::detail
