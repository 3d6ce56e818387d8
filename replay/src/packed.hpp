// Cap'n Proto's packed encoding: unpacking into an aligned word buffer, with a
// hard bound on the output (packed data can expand ~1000x: a 2-byte run of
// zero words), checked before every write, never after; and packing, byte for
// byte as Cap'n Proto's own packer does it, for the writer's fast path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace hio::replay::detail {

// 8-byte aligned words, reused between frames. Grows on demand.
class WordBuffer {
 public:
  const std::uint64_t* data() const { return data_.get(); }
  std::size_t capacity() const { return capacity_; }
  // At least `words` of capacity, keeping the first `keep` words.
  void reserve(std::size_t words, std::size_t keep = 0);
  std::uint64_t* data() { return data_.get(); }

 private:
  std::unique_ptr<std::uint64_t[]> data_;
  std::size_t capacity_ = 0;
};

// Unpacks `packed` into `out` and returns the number of words, at most
// `words_max`. Throws DecodeError (codec.hpp) saying what is wrong: the data
// ends inside a word or a run, or it unpacks to more than words_max words.
std::size_t unpack(std::string_view packed, WordBuffer& out, std::size_t words_max);

// The most bytes pack() writes for `words` words: a word with no zero byte
// costs a tag, 8 bytes and a run count.
constexpr std::size_t packed_bytes_max(std::size_t words) {
  return words * 10;
}

// Packs words[0, count) into `out` (room for packed_bytes_max(count) bytes)
// and returns the number of bytes written. The output is what
// capnp::PackedOutputStream writes for one write() of the same words (runs
// never cross the end of `words`), including its run rules: a zero word is
// followed by the count (<= 255) of further zero words; a word without zero
// bytes by the count (<= 255) of further words with at most one zero byte,
// copied as they are. The words' in-memory bytes are packed, so the caller
// stores them little-endian.
// Uses SSSE3's pshufb where the CPU has it (checked at run time).
std::size_t pack(const std::uint64_t* words, std::size_t count, unsigned char* out);
// The same without SIMD, whatever the CPU (tests compare the two).
std::size_t pack_portable(const std::uint64_t* words, std::size_t count, unsigned char* out);

}  // namespace hio::replay::detail
