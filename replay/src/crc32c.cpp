#include "hio/replay/crc32c.hpp"

#include <array>
#include <cstring>

#include "le.hpp"

namespace hio::replay {

namespace {

constexpr std::uint32_t kReflectedPoly = 0x82F63B78u;

// Slicing-by-8 (Intel's method): table[0] is the classic byte table; table[k][b]
// is the CRC of byte b followed by k zero bytes, so eight input bytes are folded
// with eight independent lookups. Built at compile time: no init order, no locks.
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables t{};
  for (std::uint32_t b = 0; b < 256; ++b) {
    std::uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ ((crc & 1u) != 0 ? kReflectedPoly : 0u);
    t[0][b] = crc;
  }
  for (std::size_t k = 1; k < 8; ++k) {
    for (std::size_t b = 0; b < 256; ++b)
      t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFFu];
  }
  return t;
}

constexpr Tables kTables = make_tables();

// The same CRC with SSE4.2's crc32 instruction (8 bytes per instruction), for
// CPUs that have it: compiled for SSE4.2 in this one function only, and called
// only after a run-time check, so the build needs no -msse4.2.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HIO_CRC32C_HW 1
__attribute__((target("sse4.2"))) std::uint32_t crc32c_hw(const unsigned char* p, std::size_t size,
                                                          std::uint32_t crc) {
  std::uint64_t c = crc;
  while (size >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);  // x86 is little-endian, as the CRC wants
    c = __builtin_ia32_crc32di(c, word);
    p += 8;
    size -= 8;
  }
  auto c32 = static_cast<std::uint32_t>(c);
  while (size-- > 0)
    c32 = __builtin_ia32_crc32qi(c32, *p++);
  return c32;
}

// __builtin_cpu_init first: this runs during static initialisation, possibly
// before libgcc's own constructor has filled in the CPU model.
const bool kHaveHw = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2") != 0;
}();
#endif

std::uint32_t crc32c_sw(const unsigned char* p, std::size_t size, std::uint32_t crc) {
  while (size >= 8) {
    const std::uint32_t lo = detail::load_le32(p) ^ crc;
    const std::uint32_t hi = detail::load_le32(p + 4);
    crc = kTables[7][lo & 0xFFu] ^ kTables[6][(lo >> 8) & 0xFFu] ^ kTables[5][(lo >> 16) & 0xFFu] ^
          kTables[4][lo >> 24] ^ kTables[3][hi & 0xFFu] ^ kTables[2][(hi >> 8) & 0xFFu] ^
          kTables[1][(hi >> 16) & 0xFFu] ^ kTables[0][hi >> 24];
    p += 8;
    size -= 8;
  }
  while (size-- > 0)
    crc = (crc >> 8) ^ kTables[0][(crc ^ *p++) & 0xFFu];
  return crc;
}

}  // namespace

std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t previous) {
  const auto* p = static_cast<const unsigned char*>(data);
#ifdef HIO_CRC32C_HW
  if (kHaveHw) return ~crc32c_hw(p, size, ~previous);
#endif
  return ~crc32c_sw(p, size, ~previous);
}

namespace detail {
std::uint32_t crc32c_software(const void* data, std::size_t size, std::uint32_t previous) {
  return ~crc32c_sw(static_cast<const unsigned char*>(data), size, ~previous);
}
}  // namespace detail

}  // namespace hio::replay
