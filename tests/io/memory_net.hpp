// MemoryNet: a tiny stream transport computed purely in tyme (no Asio, no
// sockets), installed for sim:// addresses. It proves the Transport contract
// can be met without real IO — the shape SimNet and replay take — and lets
// the driver doers run in virtual time with time skipping.
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "hio/io/hub.hpp"
#include "hio/io/transport.hpp"

namespace hio::test {

class MemoryNet;

// One end of a connection. Bytes taken from tx travel to the peer's inbound
// queue and arrive `latency` later, at the peer driver's service(); a close
// travels the same way, after the bytes sent before it.
class MemoryEnd final : public Transport {
 public:
  MemoryEnd(MemoryNet& net, Address address) : net_(net), address_(std::move(address)) {}
  ~MemoryEnd() override {
    if (peer_ != nullptr) peer_->peer_ = nullptr;
  }

  void start(ChannelPort port) override;
  void service() override;
  void close(std::string_view why) override {
    if (peer_ != nullptr) {
      peer_->arrive(Piece{port_.tyme() + latency(), {}, true});
      peer_->peer_ = nullptr;
      peer_ = nullptr;
    }
    port_.closed(CloseWho::local, why);
  }
  Tyme due() const override {
    if (inbound_.empty()) return kTymeNever;
    // Arrived but rx is full: the doer's consume wakes the driver instead.
    if (inbound_.front().at <= port_.tyme() && port_.rx_space() == 0 && !inbound_.front().fin) {
      return kTymeNever;
    }
    return inbound_.front().at;
  }

 private:
  friend class MemoryNet;
  struct Piece {
    Tyme at;
    std::string bytes;
    bool fin = false;
  };

  Tock latency() const;
  void arrive(Piece piece) {
    inbound_.push_back(std::move(piece));
    port_.request_service();
  }
  std::size_t window() const {
    const std::size_t cap = port_.channel().options().rx_bytes_max;
    const std::size_t used = inbound_bytes() + (cap - port_.rx_space());
    return cap > used ? cap - used : 0;
  }
  std::size_t inbound_bytes() const {
    std::size_t n = 0;
    for (const Piece& piece : inbound_)
      n += piece.bytes.size();
    return n;
  }

  MemoryNet& net_;
  Address address_;
  ChannelPort port_;
  MemoryEnd* peer_ = nullptr;
  std::deque<Piece> inbound_;
  bool accepted_ = false;
};

class MemoryListener final : public Transport {
 public:
  MemoryListener(MemoryNet& net, Address address) : net_(net), address_(std::move(address)) {}
  ~MemoryListener() override;
  void start(ChannelPort port) override;
  void service() override {}
  void close(std::string_view why) override;

 private:
  friend class MemoryEnd;
  MemoryNet& net_;
  Address address_;
  ChannelPort port_;
};

class MemoryNet final : public TransportFactory {
 public:
  explicit MemoryNet(Tock latency_tock = Tock{0}) : latency(latency_tock) {}
  std::unique_ptr<Transport> make(const Address& address, ChannelRole role,
                                  const ChannelOptions&) override {
    if (role == ChannelRole::listen) return std::make_unique<MemoryListener>(*this, address);
    if (role == ChannelRole::connect) return std::make_unique<MemoryEnd>(*this, address);
    throw std::invalid_argument("MemoryNet has no datagrams");
  }

  Tock latency;
  std::map<std::string, MemoryListener*> listeners;  // by host:port; ordered
  int clients = 0;
};

inline Tock MemoryEnd::latency() const {
  return net_.latency;
}

inline void MemoryEnd::start(ChannelPort port) {
  port_ = port;
  if (accepted_) {
    port_.connected(address_.host_port(), peer_->address_.host_port());
    return;
  }
  auto it = net_.listeners.find(address_.host_port());
  if (it == net_.listeners.end()) {
    port_.failed("connect to " + address_.host_port() + " refused: nobody listens");
    return;
  }
  Address self{Scheme::sim, "client" + std::to_string(++net_.clients), 1, {}, 0};
  auto remote = std::make_unique<MemoryEnd>(net_, address_);
  remote->accepted_ = true;
  remote->peer_ = this;
  peer_ = remote.get();
  // The accepted end's peer address is this client's.
  MemoryEnd* accepted = remote.get();
  accepted->address_ = address_;
  address_ = self;
  it->second->port_.accept(std::move(remote), self, self.host_port());
  port_.connected(self.host_port(), accepted->address_.host_port());
}

inline void MemoryEnd::service() {
  // Deliver what has arrived by now, as far as rx has room.
  while (!inbound_.empty() && inbound_.front().at <= port_.tyme()) {
    Piece& front = inbound_.front();
    if (front.fin) {
      inbound_.pop_front();
      if (port_.channel().open()) port_.closed(CloseWho::remote, "closed by peer");
      return;
    }
    const std::size_t n = std::min(front.bytes.size(), port_.rx_space());
    if (n == 0) break;
    port_.deliver(std::string_view(front.bytes).substr(0, n));
    front.bytes.erase(0, n);
    if (front.bytes.empty()) inbound_.pop_front();
  }
  // Send: the peer's window is its rx capacity minus what it holds and what
  // is on its way to it.
  if (peer_ != nullptr && port_.channel().connected()) {
    std::string out;
    if (port_.take_tx(out, peer_->window()) > 0) {
      peer_->arrive(Piece{port_.tyme() + latency(), std::move(out)});
    }
    // This side made room: a peer blocked on its window may send again.
    if (peer_->port_.tx_size() > 0 && window() > 0) peer_->port_.request_service();
  }
}

inline MemoryListener::~MemoryListener() {
  auto it = net_.listeners.find(address_.host_port());
  if (it != net_.listeners.end() && it->second == this) net_.listeners.erase(it);
}

inline void MemoryListener::start(ChannelPort port) {
  port_ = port;
  if (!net_.listeners.emplace(address_.host_port(), this).second) {
    port_.failed("listen on " + address_.host_port() + " failed: address in use");
    return;
  }
  port_.connected(address_.host_port(), "");
}

inline void MemoryListener::close(std::string_view why) {
  auto it = net_.listeners.find(address_.host_port());
  if (it != net_.listeners.end() && it->second == this) net_.listeners.erase(it);
  port_.closed(CloseWho::local, why);
}

}  // namespace hio::test
