// The stream transports of SimNet: a client (reopened by its channel's retry
// grid, like the TCP client), a listener, and the transport of each accepted
// remote. Their connection state lives in the core (SimConn).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "hio/engine/tymist.hpp"
#include "sim_core.hpp"
#include "sim_port.hpp"

namespace hio::detail {

// What the client and the accepted end share: sending within the peer's
// window and the link's room, and how the network's verdicts reach the port.
class SimStreamEnd : public SimEndpoint {
 public:
  SimStreamEnd(SimCore& core, int side, const ChannelOptions& options);
  ~SimStreamEnd() override;

  std::size_t in_flight() const override;
  void net_gone() override;

  // From the core.
  SimConn* conn = nullptr;
  int side() const { return side_; }
  std::size_t rx_capacity() const { return rx_capacity_; }
  void on_established();
  void on_data(std::string_view bytes);
  void on_fin();
  // The connection was reset or refused: closed (who = remote) if it was
  // connected, failed if it was still opening.
  void on_reset(std::string_view why);

 protected:
  // Takes tx within the window and the link's room; nudges the peer when
  // this side has made room for it.
  void pump();
  // A local close: FIN after what is in flight, leave the connection.
  void close_conn();
  // The connection ended (any way); the client may retry.
  virtual void ended() {}
  // Bytes the peer can still take: its rx room minus what is on the way.
  std::size_t window() const;

 private:
  int side_;
  std::size_t rx_capacity_;
};

class SimClientTransport final : public SimStreamEnd {
 public:
  SimClientTransport(SimCore& core, SimHost& local, SimHost& remote, Address address,
                     const ChannelOptions& options);

  void start(ChannelPort port) override;
  void service() override;
  void close(std::string_view why) override;
  void reopen() override;
  Tyme due() const override;

 protected:
  void ended() override { over_ = true; }

 private:
  void attempt();

  SimHost* local_;
  SimHost* remote_;
  Address address_;
  Tock connect_timeout_;
  Tyme attempt_start_{};
  bool over_ = false;     // the attempt or connection has ended
  bool stopped_ = false;  // closed locally
};

class SimAcceptedTransport final : public SimStreamEnd {
 public:
  SimAcceptedTransport(SimCore& core, SimConn& conn, std::uint64_t listener,
                       const ChannelOptions& options);
  ~SimAcceptedTransport() override;

  void start(ChannelPort port) override;
  void service() override { pump(); }
  void close(std::string_view why) override;

 protected:
  void ended() override;

 private:
  std::uint64_t listener_;
  bool released_ = false;
};

// Binds host:port for streams (port 0: a free one) and accepts connects up to
// remotes_max alive at once; beyond that they wait in a backlog
// (SimNetOptions::listen_backlog) and beyond that they are refused.
class SimListenerTransport final : public SimEndpoint {
 public:
  SimListenerTransport(SimCore& core, SimHost& host, std::uint16_t port,
                       const ChannelOptions& options);
  ~SimListenerTransport() override;

  void start(ChannelPort port) override;
  void service() override {}
  void close(std::string_view why) override;
  void reopen() override;
  void net_gone() override;
  void remote_ended() override;

  // From the core: a connect arrived.
  void offer(SimConn& conn);
  // Accepts waiting connects while below remotes_max.
  void drain_backlog();
  bool listening() const { return hold_.bound() && port_.channel().connected(); }
  const std::string& local() const { return hold_.local(); }
  const ChannelOptions& options() const { return options_; }
  void count_accepted() { ++live_; }

 private:
  void bind();
  void unbind(std::string_view why);

  SimPortHold<SimListenerTransport> hold_;
  ChannelOptions options_;
  std::deque<std::uint64_t> backlog_;  // connection ids, oldest first
  std::size_t live_ = 0;
};

}  // namespace hio::detail
