// Recorder: the EventSink at the IoHub's choke point that turns a run's events
// into pass frames: it buffers the events of the pass in progress and writes
// them when the pass ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hio/io/event.hpp"
#include "hio/replay/event_batch.hpp"
#include "hio/replay/writer.hpp"

namespace hio::replay {

struct RecorderOptions {
  // A pass with more buffered events or string bytes than these is written in
  // parts (frames with the same pass and tyme), so memory stays bounded
  // whatever a pass does. Both must be > 0.
  std::size_t frame_events_max = 4096;
  std::size_t frame_bytes_max = 1 << 20;
};

// How the recorder learns that a pass ended: events carry their pass's tyme,
// and tyme only moves between passes, so an event with a later tyme ends the
// buffered pass; end_pass() ends it explicitly (Journal calls it between
// passes, so that a real-time run's frame is written as its pass ends rather
// than when the next event comes); the owner calls end_pass() before
// finishing the writer.
//
// Ownership: the writer is not owned and must outlive the recorder. Errors: an
// exception from the writer (or std::logic_error for an event whose tyme goes
// back) propagates out of on_event to whatever caused the event, so a failing
// journal stops the run instead of losing events; the events buffered stay.
class Recorder final : public EventSink {
 public:
  explicit Recorder(JournalWriter& writer, RecorderOptions options = {});

  // Called once, just before the first frame is written: the place to write
  // the header (the Journal does, with the channel table of the run's start).
  void set_before_first_frame(std::function<void()> fn) { before_first_frame_ = std::move(fn); }

  void on_event(const ChannelEvent& event) override;

  // Writes the buffered events as the last frame of their pass. No effect when
  // nothing is buffered.
  void end_pass();

  // From now on the events are the run's exit (the Doist's run_ending): the
  // frames written from here on are marked so (FrameView::exit). The events
  // buffered are at the exit's tyme (the last pass's frame was ended), so
  // they are part of it. The writer's header must have exit_marked.
  void start_exit() { exit_ = true; }
  bool exiting() const { return exit_; }

  bool pending() const { return !batch_.empty(); }
  Tyme pending_tyme() const { return tyme_; }  // meaningful when pending()
  std::size_t pending_events() const { return batch_.size(); }

 private:
  void write_frame();  // one frame of what is buffered (a part, or the pass's last)

  JournalWriter& writer_;
  RecorderOptions options_;
  std::function<void()> before_first_frame_;
  bool wrote_ = false;
  bool exit_ = false;
  Tyme tyme_{};
  EventBatch batch_;  // the events buffered, handed to the writer whole
};

}  // namespace hio::replay
