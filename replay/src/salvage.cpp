#include "hio/replay/salvage.hpp"

#include "engine_era.hpp"
#include "hio/engine/counted.hpp"
#include "hio/replay/recorder.hpp"
#include "hio/replay/writer.hpp"
#include "hio/version.hpp"

namespace hio::replay {

// "2 holes: bytes 1200-1710 (after pass 4: bad_crc), bytes 9000-9000 (after
// pass 70: hole)": what the trailer's end text and the CLI say of the holes.
std::string describe_holes(const std::vector<JournalHole>& holes) {
  if (holes.empty()) return "";
  std::string out = counted(holes.size(), "hole") + ": ";
  for (std::size_t i = 0; i < holes.size(); ++i) {
    const JournalHole& h = holes[i];
    out += (i == 0 ? "" : ", ") + std::string("bytes ") + std::to_string(h.offset) + "-" +
           std::to_string(h.end) + " (" +
           (h.why.last_pass ? "after pass " + std::to_string(*h.why.last_pass)
                            : std::string("before any pass")) +
           ": " + to_string(h.why.kind) + ")";
  }
  return out;
}

std::string describe_hole(const JournalHole& h) {
  return "bytes " + std::to_string(h.offset) + "-" + std::to_string(h.end) + " (" +
         counted(h.end - h.offset, "byte") + ", " + (h.lost ? "events lost" : "no event lost") +
         "): " + h.why.describe();
}

SalvageResult salvage_journal(const std::string& input, const std::string& output,
                              ReaderOptions options) {
  SalvageOptions salvage;
  salvage.reader = options;
  return salvage_journal(input, output, salvage);
}

SalvageResult salvage_journal(const std::string& input, const std::string& output,
                              const SalvageOptions& options) {
  JournalReader reader = open_salvage_input(input, options.reader);
  return salvage_journal(reader, output, options);
}

JournalReader open_salvage_input(const std::string& input, ReaderOptions options) {
  JournalReader reader(input, options);
  if (reader.header() == nullptr) {
    JournalError error = reader.error().value_or(
        JournalError{JournalErrorKind::truncated, 0, std::nullopt, std::nullopt, "no header"});
    error.message = "nothing to salvage: " + error.message;
    throw JournalException(std::move(error));
  }
  return reader;
}

SalvageResult salvage_journal(JournalReader& reader, const std::string& output,
                              const SalvageOptions& options) {
  WriterOptions writer_options;
  writer_options.name = options.output_name;
  writer_options.fd = options.output_fd;
  JournalWriter writer(output, writer_options);
  writer.write_header(*reader.header());
  SalvageResult result;
  result.engine_version = reader.header()->engine_version;
  if (const std::string& engine = reader.header()->engine_version;
      detail::engine_after(engine, HIO_VERSION_MAJOR, HIO_VERSION_MINOR)) {
    result.newer_engine = engine;
  }
  bool last_exit = false;
  std::optional<Tyme> last_pass;  // the last frame that is not the exit's
  // The last frame kept is a later part of its pass, or as full as hio's
  // recorder makes a part: more parts of that pass may have followed it
  // (unless the reader read a frame of a later pass: pieces damage cut off).
  bool last_frame_may_continue = false;
  for (;;) {
    if (options.stop && options.stop()) {
      result.stopped = true;
      return result;  // the writer closes `output` without a trailer
    }
    const FrameView* frame = reader.next();
    if (frame == nullptr) break;
    // The frames of a hole are lost: the next frame written says so, so that
    // a reader of the salvaged journal stops there (or reads past it, saying
    // where), rather than take the gap for passes without events.
    if (frame->hole_before) {
      writer.mark_hole();
      ++result.marked;
    }
    writer.write_pass(frame->tyme, frame->events, frame->exit);
    last_exit = frame->exit;
    if (!frame->exit) last_pass = frame->tyme;
    result.frames += frame->frames;  // an event in pieces: each of its frames
    result.events += frame->events.size();
    result.last_pass = frame->pass;
    last_frame_may_continue =
        frame->part > 0 || frame->events.size() >= RecorderOptions{}.frame_events_max;
  }
  result.holes = reader.holes();
  if (reader.trailer()) result.input_trailer = *reader.trailer();
  RunSummary summary;
  if (reader.trailer_agrees()) {
    // Every frame is here (holes, if any, held foreign bytes, not frames:
    // the trailer's counts and digest agree), and so is how the run ended -
    // also when bytes follow the trailer: they damage the file, not the
    // recorded run (result.damage says where they start, trailing_data).
    const JournalTrailer& t = *reader.trailer();
    summary = RunSummary{t.passes,      t.end_tyme,      t.end,       t.end_text,
                         t.stop_signal, t.ended_at_pass, t.end_by_hio};
    result.damage = reader.error();
    result.trailer_kept = true;
  } else if (last_frame_may_continue && reader.read_tyme() == reader.last_tyme()) {
    // The input ends (damaged or cut) right after a frame that more parts of
    // its pass may follow: that pass may be incomplete, and no trailer may
    // say the run ended after it - a replay would run the whole pass and
    // compare only its kept events, and say `identical`. Without a trailer
    // the copy reads, as the input did, as cut after its last frame: every
    // event kept is readable, and a replay says "identical up to the damage"
    // (docs/journal-format.md, Errors and salvage).
    result.damage = reader.error();
    result.last_pass_cut = true;
    writer.flush();
    result.bytes = writer.size_bytes();
    result.cut_seen = writer.cut_seen();
    return result;  // the writer closes `output` without a trailer
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
    summary.end_text = "salvaged: ";
    if (!result.holes.empty()) {
      summary.end_text += "frames are missing in " + describe_holes(result.holes) + "; then ";
    }
    summary.end_text += result.damage ? result.damage->describe() : std::string("?");
  }
  result.trailer = writer.finish(summary);
  result.bytes = writer.size_bytes();
  result.cut_seen = writer.cut_seen();
  return result;
}

}  // namespace hio::replay
