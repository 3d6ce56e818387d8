// SimDatagramTransport: a datagram endpoint bound to host:port on SimNet
// (the sim twin of a UDP socket).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "hio/io/buffer.hpp"
#include "sim_core.hpp"
#include "sim_port.hpp"

namespace hio::detail {

// Binds at start (port 0: a free port); "Address already in use" fails the channel.
// service() moves datagrams that waited behind a full rx buffer into rx, then
// hands every queued tx datagram to the network. Arrivals go straight into rx
// when it has room (in SimNet's poll, so the waiter runs in that pass), else
// wait in a receive buffer of bounded bytes; beyond it they are dropped and
// reported, as a socket's receive buffer would. A datagram over the
// channel's datagram_bytes_max is reported and discarded when it would move
// into rx (ChannelPort::receivable, as the udp:// transport does).
class SimDatagramTransport final : public SimEndpoint {
 public:
  SimDatagramTransport(SimCore& core, SimHost& host, std::uint16_t port,
                       const ChannelOptions& options);
  ~SimDatagramTransport() override;

  void start(ChannelPort port) override;
  void service() override;
  void close(std::string_view why) override;
  void reopen() override;
  void net_gone() override;
  std::string peer_problem(std::string_view peer) const override;

  SimHost& host() const { return hold_.host(); }
  const std::string& local() const { return hold_.local(); }
  bool bound() const { return hold_.bound(); }
  // From the core: false when the receive buffer is full (nothing kept).
  bool arrive(std::string_view from, std::string_view bytes);

  // The resolved destination of the last peer text sent to, so a run of
  // datagrams to one peer resolves it once.
  std::string peer_text;
  SimLink* peer_link = nullptr;
  std::uint16_t peer_port = 0;

 private:
  void bind();
  void unbind();
  // Each datagram waiting in the receive buffer is lost (a drop now, on this
  // channel): the endpoint closes.
  void lose_inbound();

  SimPortHold<SimDatagramTransport> hold_;
  std::deque<Datagram> inbound_;
  std::size_t inbound_bytes_ = 0;
  std::size_t inbound_max_;
};

}  // namespace hio::detail
