// The journal file layout around the Cap'n Proto frames (docs/journal-format.md):
// a 16-byte preamble, then frames of u32 length + u32 CRC32C + packed message.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace hio::replay::detail {

// PNG-style: a high-bit byte catches 7-bit transfers, CR LF catches newline
// translation, 0x1A stops a DOS `type`.
inline constexpr std::array<unsigned char, 8> kMagic = {0x89, 'H', 'I', 'O', 'J', '\r', '\n', 0x1A};
inline constexpr std::size_t kPreambleSize = 16;    // magic, u32 version, u32 flags (0)
inline constexpr std::size_t kFrameHeaderSize = 8;  // u32 payload length, u32 CRC32C(payload)

}  // namespace hio::replay::detail
