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

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HIO_CRC32C_HW 1

// Appending n zero bytes to a raw CRC state is linear in the state, so it is a
// table lookup per state byte: table[k][b] is the state b << 8k carried over
// the zero bytes. With it, CRCs of consecutive blocks computed independently
// are combined: raw(c, A + B) == shift_|B|(raw(c, A)) ^ raw(0, B).
using ShiftTable = std::array<std::array<std::uint32_t, 256>, 4>;

ShiftTable make_shift(std::size_t zero_bytes) {
  std::array<std::uint32_t, 32> basis{};
  for (std::size_t bit = 0; bit < 32; ++bit) {
    std::uint32_t crc = std::uint32_t{1} << bit;
    for (std::size_t i = 0; i < zero_bytes; ++i)
      crc = (crc >> 8) ^ kTables[0][crc & 0xFFu];
    basis[bit] = crc;
  }
  ShiftTable t{};
  for (std::size_t k = 0; k < 4; ++k) {
    for (std::size_t b = 0; b < 256; ++b) {
      std::uint32_t v = 0;
      for (std::size_t j = 0; j < 8; ++j) {
        if (((b >> j) & 1u) != 0) v ^= basis[8 * k + j];
      }
      t[k][b] = v;
    }
  }
  return t;
}

inline std::uint32_t shift(const ShiftTable& t, std::uint32_t crc) {
  return t[0][crc & 0xFFu] ^ t[1][(crc >> 8) & 0xFFu] ^ t[2][(crc >> 16) & 0xFFu] ^ t[3][crc >> 24];
}

// The same CRC with SSE4.2's crc32 instruction (8 bytes per instruction), for
// CPUs that have it: compiled for SSE4.2 in these functions only, and called
// only after a run-time check, so the build needs no -msse4.2.

// The instruction has a latency of 3 cycles and a throughput of 1 per cycle:
// one chain uses a third of it. Input of at least three blocks is split into
// three blocks checked side by side and combined with the shift tables;
// the block sizes are chosen so a pass frame of short events (a few KiB)
// gets the short blocks and a frame of bulk payload the long ones (fewer
// combines). Shorter input is checked serially.
constexpr std::size_t kLongBlock = 2048;
constexpr std::size_t kShortBlock = 256;

// Before kHaveHw: initialised first, so the hardware path never sees them empty.
const ShiftTable kShiftLong = make_shift(kLongBlock);
const ShiftTable kShiftShort = make_shift(kShortBlock);

__attribute__((target("sse4.2"))) inline std::uint64_t crc_word(std::uint64_t crc,
                                                                const unsigned char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, 8);  // x86 is little-endian, as the CRC wants
  return __builtin_ia32_crc32di(crc, word);
}

// Checks whole triples of `block`-byte blocks from `p`, advancing p and size.
__attribute__((target("sse4.2"))) inline std::uint64_t crc_3way(std::uint64_t crc,
                                                                const unsigned char*& p,
                                                                std::size_t& size,
                                                                std::size_t block,
                                                                const ShiftTable& table) {
  while (size >= 3 * block) {
    std::uint64_t a = crc;
    std::uint64_t b = 0;
    std::uint64_t c = 0;
    for (std::size_t i = 0; i < block; i += 8) {
      a = crc_word(a, p + i);
      b = crc_word(b, p + block + i);
      c = crc_word(c, p + 2 * block + i);
    }
    crc =
        shift(table, shift(table, static_cast<std::uint32_t>(a)) ^ static_cast<std::uint32_t>(b)) ^
        static_cast<std::uint32_t>(c);
    p += 3 * block;
    size -= 3 * block;
  }
  return crc;
}

__attribute__((target("sse4.2"))) std::uint32_t crc32c_hw(const unsigned char* p, std::size_t size,
                                                          std::uint32_t crc) {
  std::uint64_t c = crc;
  c = crc_3way(c, p, size, kLongBlock, kShiftLong);
  c = crc_3way(c, p, size, kShortBlock, kShiftShort);
  while (size >= 8) {
    c = crc_word(c, p);
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
