#include "packed.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "codec.hpp"
#include "le.hpp"

namespace hio::replay::detail {

void WordBuffer::reserve(std::size_t words, std::size_t keep) {
  if (words <= capacity_) return;
  auto grown = std::make_unique_for_overwrite<std::uint64_t[]>(words);
  if (keep > 0) std::memcpy(grown.get(), data_.get(), std::min(keep, capacity_) * 8);
  data_ = std::move(grown);
  capacity_ = words;
}

namespace {

[[noreturn]] void too_large(std::size_t words_max) {
  throw DecodeError("packed data unpacks to more than " + std::to_string(words_max) +
                    " words (ReaderOptions::message_bytes_max)");
}

// fn(std::integral_constant<unsigned, i>) for the 8 bytes of a word, unrolled.
template <typename Fn>
inline void each_byte(Fn&& fn) {
  [&]<unsigned... kBits>(std::integer_sequence<unsigned, kBits...>) {
    (fn(std::integral_constant<unsigned, kBits>{}), ...);
  }
  (std::make_integer_sequence<unsigned, 8>{});
}

template <unsigned kBit>
inline void take_byte(unsigned char* word, const unsigned char*& p, unsigned tag) {
  const unsigned present = (tag >> kBit) & 1u;
  word[kBit] = static_cast<unsigned char>(*p & (0u - present));
  p += present;
}

}  // namespace

std::size_t unpack(std::string_view packed, WordBuffer& out, std::size_t words_max) {
  const auto* p = reinterpret_cast<const unsigned char*>(packed.data());
  const auto* const end = p + packed.size();
  // A first guess that fits typical frames (about 2x expansion) without
  // trusting the input: every later growth is checked against words_max.
  std::size_t capacity = std::min(words_max, packed.size() / 4 + 16);
  out.reserve(capacity);
  capacity = out.capacity();
  std::size_t n = 0;
  auto room_for = [&](std::size_t more) {
    if (more > words_max - n) too_large(words_max);
    if (n + more > capacity) {
      out.reserve(std::min(words_max, std::max(n + more, capacity * 2)), n);
      capacity = out.capacity();
    }
  };
  while (p < end) {
    room_for(1);
    const unsigned tag = *p++;
    auto* word = reinterpret_cast<unsigned char*>(out.data() + n);
    if (end - p >= 8) {
      // Enough input for any tag: no bounds check per byte, no branch per bit
      // (a zero byte is written where the tag bit is clear).
      each_byte([&](auto bit) { take_byte<bit>(word, p, tag); });
    } else {
      for (unsigned bit = 0; bit < 8; ++bit) {
        word[bit] = 0;
        if ((tag & (1u << bit)) == 0) continue;
        if (p == end) throw DecodeError("packed data ends inside a word");
        word[bit] = *p++;
      }
    }
    ++n;
    if (tag == 0x00 || tag == 0xFF) {
      if (p == end) throw DecodeError("packed data ends before a run length");
      const std::size_t run = *p++;
      room_for(run);
      if (tag == 0x00) {
        std::memset(out.data() + n, 0, run * 8);
      } else {
        if (static_cast<std::size_t>(end - p) < run * 8) {
          throw DecodeError("packed data ends inside a run of " + std::to_string(run) +
                            " literal words");
        }
        std::memcpy(out.data() + n, p, run * 8);
        p += run * 8;
      }
      n += run;
    }
  }
  return n;
}

namespace {

constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Fu;
constexpr std::uint64_t kHigh = 0x8080808080808080u;

// Bit i set when byte i (in memory order) of the word `w` is non-zero.
inline unsigned nonzero_bytes(std::uint64_t w) {
  const std::uint64_t high = (((w & kLow7) + kLow7) | w) & kHigh;
  // Gathers the eight high bits (bit 8i + 7) into bits 56 + i.
  return static_cast<unsigned>(((high >> 7) * 0x0102040810204080u) >> 56);
}

struct TagTables {
  std::array<std::uint8_t, 256> count{};     // set bits of a tag
  std::array<std::uint64_t, 256> shuffle{};  // byte j: where the j-th non-zero byte is
};

constexpr TagTables make_tag_tables() {
  TagTables t;
  for (unsigned tag = 0; tag < 256; ++tag) {
    std::uint64_t shuffle = ~std::uint64_t{0};  // 0x80 bytes: pshufb writes zeros there
    unsigned j = 0;
    for (unsigned bit = 0; bit < 8; ++bit) {
      if ((tag >> bit) & 1u) {
        shuffle &= ~(std::uint64_t{0xFF} << (8 * j));
        shuffle |= std::uint64_t{bit} << (8 * j);
        ++j;
      }
    }
    t.count[tag] = static_cast<std::uint8_t>(j);
    t.shuffle[tag] = shuffle;
  }
  return t;
}

constexpr TagTables kTags = make_tag_tables();

// Writes the non-zero bytes of `w` (those of `tag`) at `out`, in order, and
// returns the end. Every byte is stored; the output advances past the
// non-zero ones only. Up to 8 bytes at `out` are written.
struct ScalarBytes {
  static unsigned tag(std::uint64_t w) { return nonzero_bytes(w); }
  static unsigned char* put(unsigned char* out, std::uint64_t w, unsigned tag) {
    each_byte([&](auto bit) {
      *out = static_cast<unsigned char>(w >> (8 * bit));
      out += (tag >> bit) & 1u;
    });
    return out;
  }
  // The end of the literal run from `in` (words with at most one zero byte;
  // whole words up to `limit`).
  static const unsigned char* literal_end(const unsigned char* in, const unsigned char* limit) {
    while (in < limit && kTags.count[nonzero_bytes(load_le64(in))] >= 7)
      in += 8;
    return in;
  }
};

// The loop of pack() with `Bytes` writing a word's non-zero bytes.
template <typename Bytes>
inline std::size_t pack_words(const std::uint64_t* words, std::size_t count, unsigned char* out) {
  const auto* in = reinterpret_cast<const unsigned char*>(words);
  const auto* const end = in + count * 8;
  unsigned char* const start = out;
  while (in < end) {
    const std::uint64_t w = load_le64(in);
    const unsigned tag = Bytes::tag(w);
    *out = static_cast<unsigned char>(tag);
    out = Bytes::put(out + 1, w, tag);
    in += 8;
    if (tag == 0x00) {
      const auto* limit = end - in > 255 * 8 ? in + 255 * 8 : end;
      const auto* run = in;
      while (run < limit && load_le64(run) == 0)
        run += 8;
      *out++ = static_cast<unsigned char>((run - in) / 8);
      in = run;
    } else if (tag == 0xFF) {
      // Words with at most one zero byte are copied as they are (packing them
      // would not save a byte); Cap'n Proto stops at the first with two.
      const auto* limit = end - in > 255 * 8 ? in + 255 * 8 : end;
      const auto* run = Bytes::literal_end(in, limit);
      *out++ = static_cast<unsigned char>((run - in) / 8);
      if (run - in > 32) {
        // Bulk payload (long runs of text or random bytes): one copy.
        std::memcpy(out, in, static_cast<std::size_t>(run - in));
        out += run - in;
        in = run;
      } else {
        for (; in < run; in += 8, out += 8)  // short runs: no memcpy call
          std::memcpy(out, in, 8);
      }
    }
  }
  return static_cast<std::size_t>(out - start);
}

// With SSSE3 (checked at run time; only these functions are compiled for it,
// so the build needs no -m flag) a word's non-zero bytes are gathered by one
// pshufb from a table indexed by the tag.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HIO_PACK_SSSE3 1
struct Ssse3Bytes {
  __attribute__((target("ssse3"))) static unsigned tag(std::uint64_t w) {
    const __m128i zero =
        _mm_cmpeq_epi8(_mm_cvtsi64_si128(static_cast<long long>(w)), _mm_setzero_si128());
    return ~static_cast<unsigned>(_mm_movemask_epi8(zero)) & 0xFFu;
  }
  __attribute__((target("ssse3"))) static unsigned char* put(unsigned char* out, std::uint64_t w,
                                                             unsigned tag) {
    const __m128i bytes = _mm_cvtsi64_si128(static_cast<long long>(w));
    const __m128i order = _mm_cvtsi64_si128(static_cast<long long>(kTags.shuffle[tag]));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_shuffle_epi8(bytes, order));
    return out + kTags.count[tag];
  }
  // ScalarBytes::literal_end, two words per compare: the zero bytes of 16
  // bytes as a 16-bit mask, whose halves must have at most one bit each.
  __attribute__((target("ssse3"))) static const unsigned char* literal_end(
      const unsigned char* in, const unsigned char* limit) {
    const __m128i zero = _mm_setzero_si128();
    while (limit - in >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
      const auto zeros = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)));
      if (zeros == 0) {
        in += 16;
        continue;
      }
      const unsigned low = zeros & 0xFFu;
      const unsigned high = zeros >> 8;
      if ((low & (low - 1)) != 0) return in;
      if ((high & (high - 1)) != 0) return in + 8;
      in += 16;
    }
    return ScalarBytes::literal_end(in, limit);
  }
};

__attribute__((target("ssse3"), flatten)) std::size_t pack_ssse3(const std::uint64_t* words,
                                                                 std::size_t count,
                                                                 unsigned char* out) {
  return pack_words<Ssse3Bytes>(words, count, out);
}

const bool kHaveSsse3 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("ssse3") != 0;
}();
#endif

}  // namespace

std::size_t pack(const std::uint64_t* words, std::size_t count, unsigned char* out) {
#ifdef HIO_PACK_SSSE3
  if (kHaveSsse3) return pack_ssse3(words, count, out);
#endif
  return pack_portable(words, count, out);
}

std::size_t pack_portable(const std::uint64_t* words, std::size_t count, unsigned char* out) {
  return pack_words<ScalarBytes>(words, count, out);
}

}  // namespace hio::replay::detail
