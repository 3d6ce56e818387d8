// The error texts of a received datagram that is discarded: too large to
// deliver, one text for every limit that discards one (ChannelPort::receivable,
// UdpTransport); or held for rx room when its channel closed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hio::detail {

// The largest UDP payload over IPv4 (65535 - 8 UDP - 20 IP header bytes): a
// larger send fails (EMSGSIZE), on udp:// and, alike, on SimNet's endpoints.
inline constexpr std::size_t kUdpPayloadMax = 65'507;

// SimNet's text for that failure: glibc's strerror(EMSGSIZE), fixed here, as a
// simulated run's journal must not depend on the C library (musl says
// "Message too large").
inline constexpr std::string_view kSimMessageTooLong = "Message too long";

// "datagram of <size> bytes not sent: <problem>": a destination the
// transport cannot send to (the problem names it).
inline std::string unsent_datagram_text(std::size_t size, std::string_view problem) {
  return "datagram of " + std::to_string(size) + " bytes not sent: " + std::string(problem);
}

// "send of <size> bytes to <peer> failed: <error>".
inline std::string failed_send_text(std::size_t size, std::string_view peer,
                                    std::string_view error) {
  return "send of " + std::to_string(size) + " bytes to " + std::string(peer) +
         " failed: " + std::string(error);
}

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
