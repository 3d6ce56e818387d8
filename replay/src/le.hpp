// Little-endian loads and stores that do not depend on the host's byte order
// (compilers turn them into single moves on little-endian machines), and a
// copy for the few bytes of an event's strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace hio::replay::detail {

inline std::uint32_t load_le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

inline std::uint64_t load_le64(const unsigned char* p) {
  return static_cast<std::uint64_t>(load_le32(p)) |
         (static_cast<std::uint64_t>(load_le32(p + 4)) << 32);
}

inline void store_le32(unsigned char* p, std::uint32_t v) {
  p[0] = static_cast<unsigned char>(v);
  p[1] = static_cast<unsigned char>(v >> 8);
  p[2] = static_cast<unsigned char>(v >> 16);
  p[3] = static_cast<unsigned char>(v >> 24);
}

inline void store_le64(unsigned char* p, std::uint64_t v) {
  store_le32(p, static_cast<std::uint32_t>(v));
  store_le32(p + 4, static_cast<std::uint32_t>(v >> 32));
}

// Copies n bytes and returns the end of the copy. The memcpy calls have
// constant sizes, so they become moves instead of library calls, which cost
// more than the copy for the few bytes of a typical event.
inline unsigned char* copy_small(unsigned char* out, const unsigned char* in, std::size_t n) {
  for (; n >= 8; n -= 8, in += 8, out += 8)
    std::memcpy(out, in, 8);
  if ((n & 4) != 0) {
    std::memcpy(out, in, 4);
    in += 4;
    out += 4;
  }
  if ((n & 2) != 0) {
    std::memcpy(out, in, 2);
    in += 2;
    out += 2;
  }
  if ((n & 1) != 0) *out++ = *in;
  return out;
}

}  // namespace hio::replay::detail
