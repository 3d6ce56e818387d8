// ByteBuffer: a growable byte array that hands out its spare capacity for
// writing in place (Cap'n Proto's packer writes straight into it), which a
// std::vector cannot do without writing past its size.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>

namespace hio::replay::detail {

class ByteBuffer {
 public:
  unsigned char* data() { return data_.get(); }
  const unsigned char* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  unsigned char* tail() { return data_.get() + size_; }
  std::size_t spare() const { return capacity_ - size_; }

  // At least `n` bytes of spare capacity, keeping the contents; growing, at
  // least doubles the capacity (appends cost amortised O(1)).
  void reserve_spare(std::size_t n) {
    if (spare() >= n) return;
    grow_to(std::max(capacity_ * 2, size_ + n));
  }
  // A capacity of at least `capacity`, and no more than that if it grows:
  // for a buffer that must stay within a bound (a reader's block).
  void reserve(std::size_t capacity) {
    if (capacity_ < capacity) grow_to(capacity);
  }
  void append(const void* p, std::size_t n) {
    reserve_spare(n);
    if (n > 0) std::memcpy(tail(), p, n);
    size_ += n;
  }
  // After writing into tail() (at most spare() bytes).
  void commit(std::size_t n) { size_ += n; }
  // Drops everything from `n` on (n <= size()).
  void truncate(std::size_t n) { size_ = std::min(size_, n); }
  void clear() { size_ = 0; }
  // Gives back memory beyond `keep` bytes of capacity, when empty.
  void shrink_if_empty(std::size_t keep) {
    if (size_ == 0 && capacity_ > keep) {
      data_.reset();
      capacity_ = 0;
    }
  }

 private:
  void grow_to(std::size_t capacity) {
    auto grown = std::make_unique_for_overwrite<unsigned char[]>(capacity);
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = capacity;
  }

  std::unique_ptr<unsigned char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace hio::replay::detail
