#include "hio/replay/salvage.hpp"

#include "hio/replay/writer.hpp"

namespace hio::replay {

SalvageResult salvage_journal(const std::string& input, const std::string& output,
                              ReaderOptions options) {
  JournalReader reader(input, options);
  if (reader.header() == nullptr) {
    JournalError error = reader.error().value_or(
        JournalError{JournalErrorKind::truncated, 0, std::nullopt, std::nullopt, "no header"});
    error.message = "nothing to salvage: " + error.message;
    throw JournalException(std::move(error));
  }
  JournalWriter writer(output);
  writer.write_header(*reader.header());
  SalvageResult result;
  bool last_exit = false;
  std::optional<Tyme> last_pass;  // the last frame that is not the exit's
  while (const FrameView* frame = reader.next()) {
    writer.write_pass(frame->tyme, frame->events, frame->exit);
    last_exit = frame->exit;
    if (!frame->exit) last_pass = frame->tyme;
    ++result.frames;
    result.events += frame->events.size();
  }
  RunSummary summary;
  if (reader.complete()) {
    const JournalTrailer& t = *reader.trailer();
    summary = RunSummary{t.passes, t.end_tyme, t.end, t.end_text, t.stop_signal, t.ended_at_pass};
  } else {
    result.damage = reader.error();
    // How the run ended is unknown, but not when, if its last frame is its
    // exit: the run ended at that tyme. Otherwise it ran at least its last
    // pass: the end is the earliest it can have been, after that pass. Either
    // way passes x tock = end tyme, as a Doist keeps them (and a replay
    // checks), so the trailer is consistent.
    if (const std::optional<Tyme> last = reader.last_tyme()) {
      summary.end_tyme = last_exit ? *last : tyme_after(*last, reader.header()->tock);
      // An exit at the tyme of a pass: a stop cut that pass's tock short.
      summary.ended_at_pass = last_exit && last_pass == *last;
    }
    summary.passes = passes_at(summary.end_tyme, reader.header()->tock);
    summary.end = RunOutcome::unknown;
    summary.end_text =
        "salvaged: " + (result.damage ? result.damage->describe() : std::string("?"));
  }
  result.trailer = writer.finish(summary);
  return result;
}

}  // namespace hio::replay
