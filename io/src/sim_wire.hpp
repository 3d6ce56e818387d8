// WireQueue: bytes waiting for, or on, a wire that sends one message at a
// time (a link at its bandwidth, a serial line at its baud rate). It says
// when each message leaves and how many bytes are still queued at a tyme.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>

#include "hio/engine/tyme.hpp"

namespace hio::detail {

// Exact serialisation time: ceil(bytes * 8 * 1e9 / bits_per_s) ns, in 128-bit
// integer arithmetic (no overflow for any size and rate). 0 bps = unlimited.
Tock serialisation_time(std::size_t bytes, std::uint64_t bits_per_s);
// A UART byte is 10 bit times (start, 8 data, stop): ceil(bytes * 10 * 1e9 / baud).
Tock uart_time(std::size_t bytes, std::uint32_t baud);

class WireQueue {
 public:
  // Bytes queued or on the wire at `now` (a message counts until its last
  // bit has left). An empty message counts as one byte, so a queue limit
  // bounds the number of messages too.
  std::size_t backlog(Tyme now) {
    drain(now);
    return bytes_;
  }
  // Queues a message that takes `duration` on the wire, after those already
  // queued; returns when its last bit leaves.
  Tyme push(Tyme now, std::size_t size, Tock duration) {
    drain(now);
    const Tyme start = std::max(now, busy_until_);
    busy_until_ = tyme_after(start, duration);
    const std::size_t counted = std::max<std::size_t>(size, 1);
    items_.push_back(Item{busy_until_, counted});
    bytes_ += counted;
    return busy_until_;
  }
  // When the oldest queued message leaves (room appears); kTymeNever if empty.
  Tyme next_leave() const { return items_.empty() ? kTymeNever : items_.front().leaves; }

 private:
  struct Item {
    Tyme leaves;
    std::size_t bytes;
  };
  void drain(Tyme now) {
    while (!items_.empty() && items_.front().leaves <= now) {
      bytes_ -= items_.front().bytes;
      items_.pop_front();
    }
  }

  std::deque<Item> items_;  // bounded by the owner's byte limit
  std::size_t bytes_ = 0;
  Tyme busy_until_{};
};

}  // namespace hio::detail
