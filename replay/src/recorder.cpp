#include "hio/replay/recorder.hpp"

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
  if (!stored_.empty()) {
    if (e.tyme < tyme_) {
      throw std::logic_error("journal recorder: an event at tyme " + format_seconds(e.tyme) +
                             " s after events at " + format_seconds(tyme_) + " s");
    }
    const std::size_t strings = e.bytes.size() + e.peer.size() + e.text.size();
    if (e.tyme > tyme_) {
      end_pass();
    } else if (stored_.size() >= options_.frame_events_max ||
               arena_.size() + strings > options_.frame_bytes_max) {
      write_frame();  // a part: the pass goes on
    }
  }
  tyme_ = e.tyme;
  Stored s{e.kind,
           e.who,
           e.noise,
           e.channel_kind,
           e.channel,
           e.accepted,
           e.seq,
           arena_.size(),
           arena_.size() + e.bytes.size(),
           arena_.size() + e.bytes.size() + e.peer.size(),
           static_cast<std::uint32_t>(e.bytes.size()),
           static_cast<std::uint32_t>(e.peer.size()),
           static_cast<std::uint32_t>(e.text.size())};
  arena_.append(e.bytes);
  arena_.append(e.peer);
  arena_.append(e.text);
  stored_.push_back(s);
}

void Recorder::end_pass() {
  if (!stored_.empty()) write_frame();
}

void Recorder::write_frame() {
  if (!wrote_) {
    if (before_first_frame_) before_first_frame_();
    wrote_ = true;
  }
  views_.clear();
  views_.reserve(stored_.size());
  const std::string_view arena = arena_;
  for (const Stored& s : stored_) {
    ChannelEvent e;
    e.kind = s.kind;
    e.channel = s.channel;
    e.tyme = tyme_;
    e.seq = s.seq;
    e.bytes = arena.substr(s.bytes_at, s.bytes_size);
    e.peer = arena.substr(s.peer_at, s.peer_size);
    e.text = arena.substr(s.text_at, s.text_size);
    e.accepted = s.accepted;
    e.who = s.who;
    e.noise = s.noise;
    e.channel_kind = s.channel_kind;
    views_.push_back(e);
  }
  writer_.write_pass(tyme_, views_);
  stored_.clear();
  arena_.clear();
  // A huge pass may have grown the arena; do not keep that memory for good.
  if (arena_.capacity() > 4 * options_.frame_bytes_max) arena_.shrink_to_fit();
}

}  // namespace hio::replay
