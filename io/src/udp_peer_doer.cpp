#include "hio/io/udp_peer_doer.hpp"

namespace hio {

UdpPeerDoer::UdpPeerDoer(IoHub& hub, std::string_view address, ChannelOptions options,
                         std::string name)
    : UdpPeerDoer(hub, parse_address_or_throw(address), std::move(options), std::move(name)) {}

UdpPeerDoer::UdpPeerDoer(IoHub& hub, const Address& address, ChannelOptions options,
                         std::string name)
    : ChannelDoer(hub.bind(address, std::move(options)), std::move(name), "peer exit") {}

}  // namespace hio
