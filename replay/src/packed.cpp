#include "packed.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "codec.hpp"

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
      take_byte<0>(word, p, tag);
      take_byte<1>(word, p, tag);
      take_byte<2>(word, p, tag);
      take_byte<3>(word, p, tag);
      take_byte<4>(word, p, tag);
      take_byte<5>(word, p, tag);
      take_byte<6>(word, p, tag);
      take_byte<7>(word, p, tag);
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

}  // namespace hio::replay::detail
