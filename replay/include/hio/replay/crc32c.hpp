// CRC32C (Castagnoli), the checksum of every journal frame: our own code, so the
// journal format depends on no library for its integrity check. x86-64 CPUs
// with SSE4.2 use its crc32 instruction (checked at run time); others, the
// table-driven software path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace hio::replay {

// CRC-32C as in iSCSI/ext4/RFC 3720: polynomial 0x1EDC6F41 (reflected 0x82F63B78),
// initial value and final xor 0xFFFFFFFF. crc32c("123456789") == 0xE3069283.
//
// `previous` continues a checksum: crc32c(b, crc32c(a)) == crc32c(a + b), and
// crc32c(x, 0) == crc32c(x).
[[nodiscard]] std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t previous = 0);
[[nodiscard]] inline std::uint32_t crc32c(std::string_view bytes, std::uint32_t previous = 0) {
  return crc32c(bytes.data(), bytes.size(), previous);
}

namespace detail {
// The table-driven path alone, whatever the CPU (tests compare the two).
[[nodiscard]] std::uint32_t crc32c_software(const void* data, std::size_t size,
                                            std::uint32_t previous = 0);
}  // namespace detail

}  // namespace hio::replay
