// Unpacking Cap'n Proto's packed encoding into an aligned word buffer, with a
// hard bound on the output: packed data can expand ~1000x (a 2-byte run of
// zero words), so the bound is checked before every write, never after.
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

}  // namespace hio::replay::detail
