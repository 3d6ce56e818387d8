#include "hio/replay/event_batch.hpp"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <string_view>

#include "le.hpp"

namespace hio::replay {

void EventBatch::add(const ChannelEvent& e) {
  const std::size_t strings = e.bytes.size() + e.peer.size() + e.text.size();
  if (strings > arena_capacity_ - arena_used_) [[unlikely]] {
    add_growing(e, strings);
    return;
  }
  store(e, strings);
}

void EventBatch::add_growing(const ChannelEvent& e, std::size_t strings) {
  // `e`'s strings may point into the arena being replaced (an event of this
  // batch added again): the old arena is freed only after they are copied.
  const std::unique_ptr<char[]> old = grow(strings);
  store(e, strings);
}

inline void EventBatch::store(const ChannelEvent& e, std::size_t strings) {
  char* at = arena_.get() + arena_used_;
  // The views first: `e` may be one of events_, which emplace_back can move.
  const std::string_view bytes = e.bytes, peer = e.peer, text = e.text;
  ChannelEvent& stored = events_.emplace_back(e);
  auto copy = [&at](std::string_view value) -> std::string_view {
    if (value.empty()) return {};
    // Most strings are a few bytes: no library call for them.
    at = reinterpret_cast<char*>(
        detail::copy_small(reinterpret_cast<unsigned char*>(at),
                           reinterpret_cast<const unsigned char*>(value.data()), value.size()));
    return std::string_view(at - value.size(), value.size());
  };
  stored.bytes = copy(bytes);
  stored.peer = copy(peer);
  stored.text = copy(text);
  arena_used_ += strings;
}

std::unique_ptr<char[]> EventBatch::grow(std::size_t n) {
  const std::size_t capacity = std::max({arena_capacity_ * 2, arena_used_ + n, std::size_t{4096}});
  auto grown = std::make_unique_for_overwrite<char[]>(capacity);
  if (arena_used_ > 0) std::memcpy(grown.get(), arena_.get(), arena_used_);
  const char* const old = arena_.get();
  for (ChannelEvent& e : events_) {
    for (std::string_view* v : {&e.bytes, &e.peer, &e.text}) {
      if (!v->empty()) *v = std::string_view(grown.get() + (v->data() - old), v->size());
    }
  }
  std::swap(arena_, grown);
  arena_capacity_ = capacity;
  return grown;  // the old arena
}

void EventBatch::clear(std::size_t keep_bytes) {
  events_.clear();
  arena_used_ = 0;
  if (arena_capacity_ > keep_bytes) {
    arena_.reset();
    arena_capacity_ = 0;
  }
  if (events_.capacity() * sizeof(ChannelEvent) > keep_bytes) {
    std::vector<ChannelEvent>().swap(events_);
  }
}

}  // namespace hio::replay
