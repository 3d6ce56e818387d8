// TcpClientDoer: the driver doer of one client stream channel (hio's
// ClientDoer). It services the channel in its turn and parks while idle.
#pragma once

#include <string>
#include <string_view>

#include "hio/engine/doer.hpp"
#include "hio/io/channel.hpp"
#include "hio/io/hub.hpp"

namespace hio {

// Creates its channel at construction (hub.connect: the connect starts at
// once), so other doers can take channel() before the run. Each run it
// services the channel, lets serve() use it, services it again, then parks
// until the channel wakes it or its transport's due() (a reconnect, a
// timeout) — unless the run caused any event, in which case it runs again
// next pass (see the note in recur). It is the driver; the waiter is the
// doer that uses channel() (this doer if none is set at enter).
//
// Reconnecting is the channel's: set ChannelOptions::retry. On exit an open
// channel is closed (who = local, "client exit"); a failed one stays failed,
// keeping its reason. On a later run's enter a channel that is not open is
// reopened.
//
// Ownership: the hub owns the channel; the hub must outlive this doer's runs.
// Errors: a malformed address throws AddressParseError from the constructor;
// runtime failures are on the channel (state, reason, error events).
class TcpClientDoer : public Doer {
 public:
  TcpClientDoer(IoHub& hub, std::string_view address, ChannelOptions options = {},
                std::string name = "client");
  TcpClientDoer(IoHub& hub, const Address& address, ChannelOptions options = {},
                std::string name = "client");

  Channel& channel() const { return *channel_; }

 protected:
  // Call from a hook to run again next pass instead of parking: for work
  // left over that no channel event will announce (e.g. rx read in slices).
  void rerun() { rerun_ = true; }

  // Subclasses talk through the channel here; runs before service().
  virtual void serve(Channel& channel) { (void)channel; }

  void enter() override;
  bool recur(Tyme tyme) override;
  void exit() override;

 private:
  bool rerun_ = false;
  bool ran_ = false;  // entered before: a new run reopens what exit closed
  Channel* channel_;
};

}  // namespace hio
