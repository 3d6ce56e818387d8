#include "hio/replay/recorder.hpp"

#include <stdexcept>

namespace hio::replay {

namespace {

std::size_t strings(const ChannelEvent& e) {
  return e.bytes.size() + e.peer.size() + e.text.size();
}

// Out of line: on_event is on every event's path, and this message built
// inline gave it a stack frame to set up and tear down for every event.
[[noreturn, gnu::noinline, gnu::cold]] void throw_tyme_went_back(Tyme event, Tyme batch) {
  throw std::logic_error("journal recorder: an event at tyme " + format_seconds(event) +
                         " s after events at " + format_seconds(batch) + " s");
}

}  // namespace

Recorder::Recorder(JournalWriter& writer, RecorderOptions options)
    : writer_(writer), options_(options) {
  if (options_.frame_events_max == 0 || options_.frame_bytes_max == 0) {
    throw std::invalid_argument(
        "RecorderOptions: frame_events_max and frame_bytes_max must be > 0");
  }
}

void Recorder::on_event(const ChannelEvent& e) {
  if (!batch_.empty()) {
    if (e.tyme < tyme_) [[unlikely]]
      throw_tyme_went_back(e.tyme, tyme_);
    if (e.tyme > tyme_) {
      end_pass();
    } else if (batch_.size() >= options_.frame_events_max ||
               batch_.string_bytes() + strings(e) > options_.frame_bytes_max) {
      write_frame();  // a part: the pass goes on
    }
  }
  tyme_ = e.tyme;
  batch_.add(e);
}

void Recorder::end_pass() {
  if (!batch_.empty()) write_frame();
}

void Recorder::write_frame() {
  if (!wrote_) {
    if (before_first_frame_) before_first_frame_();
    wrote_ = true;
  }
  writer_.write_pass(tyme_, batch_, exit_);
  // A huge pass may have grown the batch; that memory is not kept for good.
  batch_.clear(4 * options_.frame_bytes_max);
}

}  // namespace hio::replay
