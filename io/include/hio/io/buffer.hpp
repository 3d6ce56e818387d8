// Bounded buffers between doers and transports: StreamBuffer holds bytes,
// DatagramBuffer holds (peer, bytes) messages. A full buffer refuses more; it
// never drops what it already holds.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace hio {

// Bytes in hio are held in std::string: any byte value, not text.
using Bytes = std::string;

// A FIFO of at most capacity() bytes, readable as one contiguous view. A value
// type with one owner (its channel).
class StreamBuffer {
 public:
  explicit StreamBuffer(std::size_t capacity = 0) : capacity_(capacity) {}

  std::size_t capacity() const { return capacity_; }
  std::size_t size() const { return data_.size() - head_; }
  std::size_t space() const { return capacity_ - size(); }
  bool empty() const { return size() == 0; }
  bool full() const { return size() == capacity_; }

  // Appends as much of `bytes` as fits and returns how much that was: a
  // partial accept is the backpressure signal.
  std::size_t append(std::string_view bytes);
  // All buffered bytes, oldest first. Valid until the next non-const call.
  std::string_view view() const { return std::string_view(data_).substr(head_); }
  // Drops the first n bytes. Throws std::out_of_range if n > size().
  void consume(std::size_t n);
  // Appends the first min(n, size()) bytes to `out`, consumes them, returns the count.
  std::size_t move_to(std::string& out, std::size_t n);
  void clear();

 private:
  std::string data_;      // bytes [head_, size) are live
  std::size_t head_ = 0;  // consumed prefix, reclaimed lazily so consume is O(1)
  std::size_t capacity_;
};

// One datagram: where it came from (rx) or goes to (tx), and its bytes.
struct Datagram {
  std::string peer{};  // "host:port" of the other side
  Bytes bytes{};
  friend bool operator==(const Datagram&, const Datagram&) = default;
};

// A FIFO of whole datagrams, bounded by a count and by total bytes. Push is
// all or nothing.
class DatagramBuffer {
 public:
  DatagramBuffer(std::size_t bytes_max = 0, std::size_t count_max = 0)
      : bytes_max_(bytes_max), count_max_(count_max) {}

  std::size_t bytes_max() const { return bytes_max_; }
  std::size_t count_max() const { return count_max_; }
  std::size_t bytes() const { return bytes_; }
  std::size_t count() const { return queue_.size(); }
  bool empty() const { return queue_.empty(); }

  // True if a datagram of `size` bytes would be accepted now.
  bool fits(std::size_t size) const {
    return queue_.size() < count_max_ && size <= bytes_max_ - bytes_;
  }
  // Takes the whole datagram, or nothing (returns false) when it does not fit.
  bool push(std::string_view peer, std::string_view bytes);
  const Datagram* front() const { return queue_.empty() ? nullptr : &queue_.front(); }
  std::optional<Datagram> pop();
  void clear();

 private:
  std::deque<Datagram> queue_;
  std::size_t bytes_ = 0;
  std::size_t bytes_max_;
  std::size_t count_max_;
};

}  // namespace hio
