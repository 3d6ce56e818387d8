#include "hio/io/buffer.hpp"

#include <algorithm>
#include <stdexcept>

namespace hio {

std::size_t StreamBuffer::append(std::string_view bytes) {
  std::size_t n = std::min(bytes.size(), space());
  if (n == 0) return 0;
  // Reclaim the consumed prefix before growing: the string then never holds
  // more than capacity plus what is being appended.
  if (head_ > 0 && data_.size() + n > data_.capacity()) {
    data_.erase(0, head_);
    head_ = 0;
  }
  data_.append(bytes.data(), n);
  return n;
}

void StreamBuffer::consume(std::size_t n) {
  if (n > size()) {
    throw std::out_of_range("StreamBuffer::consume(" + std::to_string(n) + ") with only " +
                            std::to_string(size()) + " bytes buffered");
  }
  head_ += n;
  if (head_ == data_.size()) {
    data_.clear();
    head_ = 0;
  }
}

std::size_t StreamBuffer::move_to(std::string& out, std::size_t n) {
  n = std::min(n, size());
  if (n > 0 && n == data_.size() && out.empty() && data_.capacity() / 2 <= n) {
    // Everything, into an empty string: hand over the storage instead of
    // copying it (and keep out's for the next bytes) — unless the storage is
    // mostly unused, which `out` would then carry around.
    out.swap(data_);
    data_.clear();
    head_ = 0;
    return n;
  }
  out.append(data_, head_, n);
  consume(n);
  return n;
}

void StreamBuffer::clear() {
  data_.clear();
  head_ = 0;
}

bool DatagramBuffer::push(std::string_view peer, std::string_view bytes) {
  if (!fits(bytes.size())) return false;
  queue_.push_back(Datagram{std::string(peer), Bytes(bytes)});
  bytes_ += bytes.size();
  return true;
}

std::optional<Datagram> DatagramBuffer::pop() {
  if (queue_.empty()) return std::nullopt;
  Datagram front = std::move(queue_.front());
  queue_.pop_front();
  bytes_ -= front.bytes.size();
  return front;
}

void DatagramBuffer::clear() {
  queue_.clear();
  bytes_ = 0;
}

}  // namespace hio
