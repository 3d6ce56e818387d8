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
  while (const FrameView* frame = reader.next()) {
    writer.write_pass(frame->tyme, frame->events, frame->exit);
    ++result.frames;
    result.events += frame->events.size();
  }
  RunSummary summary;
  if (reader.complete()) {
    const JournalTrailer& t = *reader.trailer();
    summary = RunSummary{t.passes, t.end_tyme, t.end, t.end_text};
  } else {
    result.damage = reader.error();
    summary.passes = reader.last_pass() ? *reader.last_pass() + 1 : 0;
    summary.end_tyme = reader.last_tyme().value_or(Tyme{});
    summary.end = RunOutcome::unknown;
    summary.end_text = "salvaged: " + (result.damage ? result.damage->what() : std::string("?"));
  }
  result.trailer = writer.finish(summary);
  return result;
}

}  // namespace hio::replay
