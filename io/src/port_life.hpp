// PortLife: how a real transport's Asio object (a UDP socket, a serial line)
// ends — shut down by itself, or detached by its transport — written once.
#pragma once

#include <string>

#include "hio/io/transport.hpp"

namespace hio::detail {

// CRTP base. The object is shared by its transport and the handlers of its
// pending operations; once ended or detached, a handler that runs later must
// do nothing (live() is false). Owner provides, as a member PortLife may call
// (befriend it): void close_handles();  // cancel and close, ignoring errors
template <typename Owner>
class PortLife {
 public:
  bool ended() const { return ended_; }

  // Ends it: pending operations complete with an error and act no more.
  void shutdown() {
    ended_ = true;
    static_cast<Owner&>(*this).close_handles();
  }

  // The transport lets go: ends it and forgets the channel, so nothing that
  // completes later reaches it.
  void detach() {
    shutdown();
    port_ = ChannelPort();
  }

 protected:
  explicit PortLife(ChannelPort port) : port_(port) {}

  // A handler may still act on the channel.
  bool live() const { return static_cast<bool>(port_) && !ended_; }

  // Ends it and fails the channel (after the end, so the channel's state
  // change sees it ended).
  void fail(const std::string& reason) {
    ChannelPort port = port_;
    shutdown();
    port.failed(reason);
  }

  ChannelPort port_;

 private:
  bool ended_ = false;
};

}  // namespace hio::detail
