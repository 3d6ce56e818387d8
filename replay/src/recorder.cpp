#include "hio/replay/recorder.hpp"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <stdexcept>

namespace hio::replay {

Recorder::Recorder(JournalWriter& writer, RecorderOptions options)
    : writer_(writer), options_(options) {
  if (options_.frame_events_max == 0 || options_.frame_bytes_max == 0) {
    throw std::invalid_argument(
        "RecorderOptions: frame_events_max and frame_bytes_max must be > 0");
  }
}

void Recorder::on_event(const ChannelEvent& e) {
  if (e.bytes.size() > kFrameBytesLimit || e.peer.size() > kFrameBytesLimit ||
      e.text.size() > kFrameBytesLimit) {
    throw std::length_error("journal recorder: an event of more than " +
                            std::to_string(kFrameBytesLimit) + " bytes cannot be journaled");
  }
  const std::size_t strings = e.bytes.size() + e.peer.size() + e.text.size();
  if (!events_.empty()) {
    if (e.tyme < tyme_) {
      throw std::logic_error("journal recorder: an event at tyme " + format_seconds(e.tyme) +
                             " s after events at " + format_seconds(tyme_) + " s");
    }
    if (e.tyme > tyme_) {
      end_pass();
    } else if (events_.size() >= options_.frame_events_max ||
               arena_used_ + strings > options_.frame_bytes_max) {
      write_frame();  // a part: the pass goes on
    }
  }
  tyme_ = e.tyme;
  char* at = strings > 0 ? reserve(strings) : nullptr;
  ChannelEvent& stored = events_.emplace_back(e);
  auto copy = [&at](std::string_view value) -> std::string_view {
    if (value.empty()) return {};
    std::memcpy(at, value.data(), value.size());
    at += value.size();
    return std::string_view(at - value.size(), value.size());
  };
  stored.bytes = copy(e.bytes);
  stored.peer = copy(e.peer);
  stored.text = copy(e.text);
  arena_used_ += strings;
}

char* Recorder::reserve(std::size_t n) {
  if (n <= arena_capacity_ - arena_used_) return arena_.get() + arena_used_;
  const std::size_t capacity = std::max({arena_capacity_ * 2, arena_used_ + n, std::size_t{4096}});
  auto grown = std::make_unique_for_overwrite<char[]>(capacity);
  if (arena_used_ > 0) std::memcpy(grown.get(), arena_.get(), arena_used_);
  const char* const old = arena_.get();
  for (ChannelEvent& e : events_) {
    for (std::string_view* v : {&e.bytes, &e.peer, &e.text}) {
      if (!v->empty()) *v = std::string_view(grown.get() + (v->data() - old), v->size());
    }
  }
  arena_ = std::move(grown);
  arena_capacity_ = capacity;
  return arena_.get() + arena_used_;
}

void Recorder::end_pass() {
  if (!events_.empty()) write_frame();
}

void Recorder::write_frame() {
  if (!wrote_) {
    if (before_first_frame_) before_first_frame_();
    wrote_ = true;
  }
  writer_.write_pass(tyme_, events_);
  events_.clear();
  arena_used_ = 0;
  // A huge pass may have grown the arena; do not keep that memory for good.
  if (arena_capacity_ > 4 * options_.frame_bytes_max) {
    arena_.reset();
    arena_capacity_ = 0;
  }
}

}  // namespace hio::replay
