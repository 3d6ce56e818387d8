#include "hio/replay/event_batch.hpp"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <string_view>

#include "le.hpp"

namespace hio::replay {

namespace {

// The words a string takes in a frame's message (as codec.cpp's layout): none
// when empty, else its bytes and, for Text, a NUL, rounded up to words.
constexpr std::size_t blob_bytes(std::size_t size, bool text) {
  return size == 0 ? 0 : (size + (text ? 1 : 0) + 7) / 8 * 8;
}

std::size_t arena_bytes(const ChannelEvent& e) {
  return blob_bytes(e.bytes.size(), false) + blob_bytes(e.peer.size(), true) +
         blob_bytes(e.text.size(), true);
}

// The most events whose frame words the room in front of the strings holds:
// beyond it, a frame is laid out by copying (FrameEncoder::pass).
constexpr std::size_t kRoomEventsMax = 4096;

}  // namespace

void EventBatch::add(const ChannelEvent& e) {
  const std::size_t need = arena_bytes(e);
  if (need > arena_capacity_ - arena_used_ || arena_ == nullptr) [[unlikely]] {
    add_growing(e, need);
    return;
  }
  store(e);
}

void EventBatch::add_growing(const ChannelEvent& e, std::size_t need) {
  // `e`'s strings may point into the arena being replaced (an event of this
  // batch added again): the old arena is freed only after they are copied.
  const std::unique_ptr<unsigned char[]> old = grow(need);
  store(e);
}

inline void EventBatch::store(const ChannelEvent& e) {
  unsigned char* const blobs = arena_.get() + room_words_ * 8;
  unsigned char* at = blobs + arena_used_;
  // The views first: `e` may be one of events_, which emplace_back can move.
  const std::string_view bytes = e.bytes, peer = e.peer, text = e.text;
  ChannelEvent& stored = events_.emplace_back(e);
  auto copy = [&at](std::string_view value, bool is_text) -> std::string_view {
    if (value.empty()) return {};
    const std::size_t size = blob_bytes(value.size(), is_text);
    // The last word zeroed first: the padding (and a Text's NUL) is zeros.
    std::memset(at + size - 8, 0, 8);
    // Most strings are a few bytes: no library call for them.
    detail::copy_small(at, reinterpret_cast<const unsigned char*>(value.data()), value.size());
    const std::string_view copied(reinterpret_cast<const char*>(at), value.size());
    at += size;
    return copied;
  };
  stored.bytes = copy(bytes, false);
  stored.peer = copy(peer, true);
  stored.text = copy(text, true);
  arena_used_ = static_cast<std::size_t>(at - blobs);
  strings_ += bytes.size() + peer.size() + text.size();
}

std::unique_ptr<unsigned char[]> EventBatch::grow(std::size_t n) {
  const std::size_t capacity = std::max({arena_capacity_ * 2, arena_used_ + n, std::size_t{4096}});
  auto grown = std::make_unique_for_overwrite<unsigned char[]>(room_words_ * 8 + capacity);
  unsigned char* const blobs = grown.get() + room_words_ * 8;
  const unsigned char* const old = arena_.get() + room_words_ * 8;
  if (arena_used_ > 0) std::memcpy(blobs, old, arena_used_);
  for (ChannelEvent& e : events_) {
    for (std::string_view* v : {&e.bytes, &e.peer, &e.text}) {
      if (!v->empty()) {
        const auto offset = reinterpret_cast<const unsigned char*>(v->data()) - old;
        *v = std::string_view(reinterpret_cast<const char*>(blobs + offset), v->size());
      }
    }
  }
  std::swap(arena_, grown);
  arena_capacity_ = capacity;
  return grown;  // the old arena
}

void EventBatch::clear(std::size_t keep_bytes) {
  const std::size_t room_needed = 8 + 6 * std::min(events_.size(), kRoomEventsMax);
  events_.clear();
  arena_used_ = 0;
  strings_ = 0;
  if (arena_capacity_ > keep_bytes || room_needed > room_words_) {
    // A new arena (at the next add) with room for this many events' words.
    room_words_ = std::max(room_words_, room_needed);
    arena_.reset();
    arena_capacity_ = 0;
  }
  if (events_.capacity() * sizeof(ChannelEvent) > keep_bytes) {
    std::vector<ChannelEvent>().swap(events_);
  }
}

}  // namespace hio::replay
