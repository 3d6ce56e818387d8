// TcpClientDoer: the driver doer of one client stream channel (hio's
// ClientDoer), for tcp:// and tls:// addresses alike (the scheme picks the
// transport). It services the channel in its turn and parks while idle.
#pragma once

#include <string>
#include <string_view>

#include "hio/io/channel_doer.hpp"
#include "hio/io/hub.hpp"

namespace hio {

// Creates its channel at construction (hub.connect: the connect starts at
// once), so other doers can take channel() before the run; then it is a
// ChannelDoer (service, serve(), service; park while idle). A tls:// channel
// is connected only once its handshake has succeeded.
//
// Reconnecting is the channel's: set ChannelOptions::retry. On exit an open
// channel is closed (who = local, "client exit"); a failed one stays failed,
// keeping its reason. On a later run's enter a channel that is not open is
// reopened.
//
// Ownership: the hub owns the channel; the hub must outlive this doer's runs.
// Errors: a malformed address throws AddressParseError from the constructor;
// runtime failures are on the channel (state, reason, error events).
class TcpClientDoer : public ChannelDoer {
 public:
  TcpClientDoer(IoHub& hub, std::string_view address, ChannelOptions options = {},
                std::string name = "client");
  TcpClientDoer(IoHub& hub, const Address& address, ChannelOptions options = {},
                std::string name = "client");

  // Points the client at another address for its next run, with the same
  // options: a new channel connects to `address` at once (as the
  // constructor's did) and channel() is it from now on. For a scene run
  // several times whose server listens on port 0, so gets a new port each
  // run. Between runs only (std::logic_error in a run); a malformed
  // address throws AddressParseError, nothing changed. The old channel is
  // closed and stays in the hub (see ChannelDoer::replace_channel).
  void retarget(std::string_view address);
  void retarget(const Address& address);
};

}  // namespace hio
