// A transport's hold on one port of a SimNet host (the sim twin of bind(2)):
// one piece for the datagram transport and the stream listener.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "sim_core.hpp"

namespace hio::detail {

// Endpoint is SimDatagramTransport (the host's datagram ports) or
// SimListenerTransport (its listening ports, which a stream client's
// ephemeral port also blocks). Owned by the endpoint; the host outlives it
// unless the network goes first (forget()).
template <class Endpoint>
class SimPortHold {
 public:
  // `requested` 0: a free port, taken at take().
  SimPortHold(SimHost& host, std::uint16_t requested) : host_(&host), requested_(requested) {}

  SimHost& host() const { return *host_; }
  bool bound() const { return bound_; }
  const std::string& local() const { return local_; }  // "host:port" once bound

  // Takes the port for `endpoint` and reports `channel` connected at local();
  // or fails `channel` with "listen on host:port failed: ..." (a datagram
  // endpoint: "bind to"; the real transports' words, the OS's for a port in
  // use) and returns false. A free port taken moves the host's next
  // ephemeral port past it.
  bool take(const SimCore& core, Endpoint* endpoint, ChannelPort& channel) {
    const std::uint16_t port = requested_ != 0 ? requested_ : core.free_port(*host_, kDatagram);
    const std::string where = std::string(kDatagram ? "bind to " : "listen on ") + host_->name +
                              ":" + std::to_string(requested_) + " failed: ";
    if (port == 0) {
      channel.failed(where + "no free port");
      return false;
    }
    if ((!kDatagram && host_->client_ports.contains(port)) || !table().emplace(port, endpoint)) {
      channel.failed(where + "Address already in use");
      return false;
    }
    ports().set(port);
    if (requested_ == 0) host_->next_port = static_cast<std::uint32_t>(port) + 1;
    bound_ = true;
    number_ = port;
    local_ = host_->name + ":" + std::to_string(port);
    channel.connected(local_, "");
    return true;
  }

  // Gives the port back (when `endpoint` still holds it).
  void give(const Endpoint* endpoint) {
    if (!bound_) return;
    if (table().find(number_) == endpoint) {
      table().erase(number_);
      ports().clear(number_);
    }
    bound_ = false;
  }

  // The network (and the host) is gone: nothing to give back.
  void forget() { bound_ = false; }

 private:
  static constexpr bool kDatagram = std::is_same_v<Endpoint, SimDatagramTransport>;
  auto& table() const {
    if constexpr (kDatagram) {
      return host_->datagrams;
    } else {
      return host_->listeners;
    }
  }

  EphemeralPorts& ports() const {
    if constexpr (kDatagram) {
      return host_->datagram_ports;
    } else {
      return host_->stream_ports;
    }
  }

  SimHost* host_;
  std::uint16_t requested_;
  std::uint16_t number_ = 0;
  std::string local_;
  bool bound_ = false;
};

}  // namespace hio::detail
