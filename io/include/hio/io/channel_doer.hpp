// ChannelDoer: the driver doer of one channel. TcpClientDoer (tcp://, tls://),
// UdpPeerDoer (udp://) and SerialDoer (serial://) are it with their channel
// made for them. It services the channel in its turn and parks while idle.
#pragma once

#include <string>

#include "hio/engine/doer.hpp"
#include "hio/io/channel.hpp"

namespace hio {

namespace detail {
// The channel `ref` holds for doer `doer`; throws std::logic_error when it
// is gone ("<kind> '<doer>': its <what> is gone (released, or its hub
// destroyed)").
Channel& held_channel(const ChannelRef& ref, const char* kind, const Doer& doer, const char* what);
}  // namespace detail

// Each run it services the channel, lets serve() use it, services it again,
// then parks until the channel wakes it or its transport's due() (a
// reconnect, a timeout) — unless serve() and the second service caused any
// event, in which case it runs again next pass, or at its next tock (the
// first service's events do not count: see the note in recur). It is the
// driver; the waiter is the doer that uses channel() (this doer if none is
// set at enter).
//
// When the peer has finished sending and serve() has nothing more to send
// (finished()), the channel is closed; a client with a retry reconnects as
// after a remote close. On exit an open channel is closed (who = local, "<exit_reason>"); a failed
// one stays failed, keeping its reason. On a later run's enter a channel
// that is not open is reopened.
//
// Ownership: the hub owns the channel; the hub must outlive this doer's runs.
// Between runs (after exit) the doer neither drives nor touches the channel,
// so it may be released (IoHub::release) or its hub destroyed: the doer keeps
// it through a ChannelRef, and then has none (has_channel() is false,
// channel() and a later run's enter throw std::logic_error saying so).
class ChannelDoer : public Doer {
 public:
  // Drives `channel`; `exit_reason` is the why of the close at exit.
  ChannelDoer(Channel& channel, std::string name, std::string exit_reason);

  // Throws std::logic_error when the channel is gone (released, or its hub
  // destroyed).
  Channel& channel() const;
  bool has_channel() const { return channel_.get() != nullptr; }

 protected:
  // Call from a hook to run again next pass instead of parking: for work
  // left over that no channel event will announce (e.g. rx read in slices).
  void rerun() { rerun_ = true; }

  // Drives `channel` from now on instead of channel(): between runs only
  // (std::logic_error while this doer is in a run, nothing changed). The
  // old channel is closed if still open (who = local, the exit reason) and
  // stays in the hub, as do doers that took it as their waiter: point them
  // at channel() again, and IoHub::release the old one once none holds it.
  void replace_channel(Channel& channel);

  // Subclasses talk through the channel here; runs between two service()s.
  virtual void serve(Channel& channel) { (void)channel; }
  // Asked after each serve() while the channel is open: true closes it
  // (who = local, "peer finished"). Default: the peer has finished sending
  // (rx_ended(), a half-close) and the transport has taken everything
  // written (tx is empty; its tx events are on record, and a real TCP close
  // finishes a write in flight before its FIN), so a reply written in
  // serve() reaches the peer. Not flushed(): when the kernel took the bytes
  // is not on record, and a replay must close at the same pass. What rx
  // still holds stays readable. Override to keep the channel for a reply
  // written in a later run.
  virtual bool finished(const Channel& channel) const {
    return channel.rx_ended() && channel.tx_size() == 0;
  }

  void enter() override;
  bool recur(Tyme tyme) override;
  void exit() override;

 private:
  bool rerun_ = false;
  bool ran_ = false;  // entered before: a new run reopens what exit closed
  ChannelRef channel_;
  std::string exit_reason_;
};

}  // namespace hio
