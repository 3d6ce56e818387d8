// The real UDP transport on Asio: one bound datagram socket per channel,
// sending each tx datagram to its own destination and delivering what
// arrives from anyone, whole, with its sender. And the factory for udp://.
#pragma once

#include <boost/asio/ip/udp.hpp>
#include <memory>
#include <optional>
#include <string>

#include "asio_core.hpp"
#include "datagram_text.hpp"
#include "hio/io/transport.hpp"

namespace hio::detail {

using udp = asio::ip::udp;

class UdpFactory final : public TransportFactory {
 public:
  explicit UdpFactory(AsioCore& core) : core_(core) {}
  // bind only; refuses limits under which a datagram could never fit rx.
  std::unique_ptr<Transport> make(const Address& address, ChannelRole role,
                                  const ChannelOptions& options) override;
  void check(const Address& address, ChannelRole role,
             const ChannelOptions& options) const override;

 private:
  AsioCore& core_;
};

class UdpSocket;

// Binds at start (synchronously for an IP host, so local() has the real port
// of port 0; a host name is resolved first). Then, driven by service() and
// by its completions: one receive outstanding while rx can take more, one
// send outstanding at a time, in tx order.
//
// Never drops silently: a datagram that cannot be sent (a destination that is
// not IP:port, a send the OS refuses) or that arrives larger than
// datagram_bytes_max is an error event naming it; the channel stays open. A
// received datagram that does not fit rx yet waits in the transport, and no
// more are read until it fits (the kernel's queue then fills, and UDP drops
// there, as UDP does). One still waiting when the channel closes goes with
// the socket: an error event on the channel, before its
// close event, names its size and sender ("datagram of 7 bytes from
// 127.0.0.1:40000 discarded at close: it waited for room in rx"). What the
// kernel still queued is not seen, and goes unsaid.
class UdpTransport final : public Transport {
 public:
  UdpTransport(AsioCore& core, Address address, const ChannelOptions& options);
  ~UdpTransport() override;

  void start(ChannelPort port) override;
  void service() override;
  void close(std::string_view why) override;
  void reopen() override;
  std::size_t in_flight() const override;
  std::string peer_problem(std::string_view peer) const override;

 private:
  void open();

  AsioCore& core_;
  Address address_;
  ChannelOptions options_;
  ChannelPort port_;
  std::shared_ptr<UdpSocket> socket_;
};

// Parses a datagram destination "ip:port" ("[v6]:port"). Names are not
// resolved: false and `error` for anything but an IP address and a port
// from 1 to 65535.
bool parse_udp_endpoint(std::string_view text, udp::endpoint& out, std::string& error);

}  // namespace hio::detail
