// EventBatch: the events of one pass (or part of a pass) with their strings
// copied into one arena, so they outlive the buffers they came from: what the
// Recorder buffers until the pass ends.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "hio/io/event.hpp"

namespace hio::replay {

class EventBatch {
 public:
  // Copies `event`, its strings into the arena (the copy's views point there).
  // `event` may be one of this batch's own events (its strings in the arena).
  void add(const ChannelEvent& event);

  std::span<const ChannelEvent> events() const { return events_; }
  std::size_t size() const { return events_.size(); }
  bool empty() const { return events_.empty(); }
  std::size_t string_bytes() const { return arena_used_; }

  // Empties it, keeping its memory for the next pass, unless its arena or its
  // event list holds more than `keep_bytes` (after a huge pass): that memory is
  // given back.
  void clear(std::size_t keep_bytes);

 private:
  void add_growing(const ChannelEvent& event, std::size_t strings);
  // Appends `event` with its `strings` bytes copied to the arena's free end
  // (which has room for them).
  void store(const ChannelEvent& event, std::size_t strings);
  // Room for `n` more string bytes than there is: a bigger arena, to which the
  // views of the events already added move. Returns the old arena, for the
  // caller to free once nothing it copies points there.
  std::unique_ptr<char[]> grow(std::size_t n);

  std::vector<ChannelEvent> events_;
  std::unique_ptr<char[]> arena_;
  std::size_t arena_capacity_ = 0;
  std::size_t arena_used_ = 0;
};

}  // namespace hio::replay
