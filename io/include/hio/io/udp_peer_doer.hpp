// UdpPeerDoer: the driver doer of one datagram channel (hio's PeerDoer): a
// bound udp:// endpoint that sends to and receives from any address.
#pragma once

#include <string>
#include <string_view>

#include "hio/io/channel_doer.hpp"
#include "hio/io/hub.hpp"

namespace hio {

// Binds its channel at construction (hub.bind: an IP host is bound before
// this returns, so channel().local() has the real port of port 0), then is a
// ChannelDoer: each run it services the channel, lets serve() use it
// (receive()/send(peer, bytes)), services it again, and parks while idle.
// Subclass it and override serve() for a peer with behaviour of its own, or
// let another doer use channel() (set_waiter).
//
// Datagrams are whole or nothing: send() refuses one that does not fit tx,
// and one larger than ChannelOptions::datagram_bytes_max is refused with an
// error event. Destinations are "ip:port" ("[v6]:port"). Set
// ChannelOptions::broadcast to send to broadcast addresses.
//
// On exit an open channel is closed (who = local, "peer exit"); a later run
// binds again.
//
// Ownership: the hub owns the channel; the hub must outlive this doer's runs.
// Errors: a malformed address throws AddressParseError from the constructor;
// a port in use or an unresolvable host fails the channel (error event).
class UdpPeerDoer : public ChannelDoer {
 public:
  UdpPeerDoer(IoHub& hub, std::string_view address, ChannelOptions options = {},
              std::string name = "peer");
  UdpPeerDoer(IoHub& hub, const Address& address, ChannelOptions options = {},
              std::string name = "peer");
};

}  // namespace hio
