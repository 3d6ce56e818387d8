// The error texts of a received datagram that is discarded: too large to
// deliver, one text for every limit that discards one (ChannelPort::receivable,
// UdpTransport); or held for rx room when its channel closed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hio::detail {

// "datagram of <size> bytes from <peer> exceeds <limit>; discarded".
inline std::string oversized_datagram_text(std::size_t size, std::string_view peer,
                                           std::string_view limit) {
  return "datagram of " + std::to_string(size) + " bytes from " + std::string(peer) + " exceeds " +
         std::string(limit) + "; discarded";
}

// "datagram of <size> bytes from <peer> discarded at close: it waited for
// room in rx".
inline std::string held_datagram_text(std::size_t size, std::string_view peer) {
  return "datagram of " + std::to_string(size) + " bytes from " + std::string(peer) +
         " discarded at close: it waited for room in rx";
}

}  // namespace hio::detail
