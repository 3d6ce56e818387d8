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
  // The bytes of the events' strings (bytes, peer and text), without padding.
  std::size_t string_bytes() const { return strings_; }

  // Empties it, keeping its memory for the next pass, unless its arena or its
  // event list holds more than `keep_bytes` (after a huge pass): that memory is
  // given back.
  void clear(std::size_t keep_bytes);

  // For the journal writer. The arena holds the strings as a pass frame's
  // Cap'n Proto message lays them out after its events (docs/journal-format.md):
  // in event order, bytes, peer and text, each from a word boundary and
  // zero-padded to whole words, peer and text with a NUL after them, empty ones
  // left out. In front of them is room for `room_words` words: the frame's first
  // words (root, pass, the events' structs) are written there, so the strings
  // are not copied again (see FrameEncoder::pass_around). The room grows, for
  // the next pass, after a pass with more events than it held.
  struct FrameLayout {
    unsigned char* blobs = nullptr;  // the first string's word
    std::size_t blob_words = 0;
    std::size_t room_words = 0;  // writable words just before `blobs`
  };
  FrameLayout frame_layout() {
    if (arena_ == nullptr) return {};
    return {arena_.get() + room_words_ * 8, arena_used_ / 8, room_words_};
  }

 private:
  void add_growing(const ChannelEvent& event, std::size_t need);
  // Appends `event` with its strings laid out at the arena's free end (which
  // has room for the `need` bytes they take).
  void store(const ChannelEvent& event);
  // Room for `n` more arena bytes than there is: a bigger arena, to which the
  // views of the events already added move. Returns the old arena, for the
  // caller to free once nothing it copies points there.
  std::unique_ptr<unsigned char[]> grow(std::size_t n);

  std::vector<ChannelEvent> events_;
  // room_words_ words, then arena_capacity_ bytes for the strings.
  std::unique_ptr<unsigned char[]> arena_;
  std::size_t room_words_ = 8 + 6 * 64;  // the frame's first words for 64 events
  std::size_t arena_capacity_ = 0;
  std::size_t arena_used_ = 0;  // a multiple of 8
  std::size_t strings_ = 0;
};

}  // namespace hio::replay
