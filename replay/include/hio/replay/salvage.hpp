// Salvaging a damaged or cut journal (a killed capture): copy its valid prefix
// into a new journal that ends with a proper trailer, so every tool reads it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hio/replay/error.hpp"
#include "hio/replay/reader.hpp"
#include "hio/replay/types.hpp"
#include "hio/replay/writer.hpp"

namespace hio::replay {

struct SalvageResult {
  // The input's pass frames kept, each frame of an event in pieces counted
  // (FrameView::frames), and their events (an event in pieces once). The new
  // journal holds the same events; its trailer counts its own frames, which
  // differ when its writer's frame limits cut an event into other pieces.
  std::uint64_t frames = 0;
  std::uint64_t events = 0;
  std::optional<std::uint64_t> last_pass{};  // of the frames kept
  std::optional<JournalError> damage{};      // why the input stopped; nullopt if it was complete
  // The input's trailer was reached and agrees with its frames: the new
  // journal keeps it (its outcome, stop signal, end). Also when bytes follow
  // it: then damage is trailing_data, at the byte where they start.
  bool trailer_kept = false;
  // options.resync: the regions skipped before the input stopped (each one
  // marked in the new journal on the frame after it, PassFrame.holeBefore).
  std::vector<JournalHole> holes{};
  // Frames of the new journal marked as after a hole (holeBefore): one per
  // hole that lost events and has a frame after it (a hole at the end, before
  // the trailer or the input's end, has none to mark; the trailer names it).
  std::uint64_t marked = 0;
  std::optional<JournalTrailer> input_trailer{};  // the input's, if it was reached
  JournalTrailer trailer{};                       // the new journal's (none: last_pass_cut)
  // The input stopped (no trailer that agrees) right after a frame that is a
  // later part of its pass (part > 0), or holds as many events as hio's
  // recorder puts in a part (RecorderOptions::frame_events_max), and no frame
  // of a later pass was read (JournalReader::read_tyme): that pass may have
  // had more parts, lost with the damage. The new journal then has no
  // trailer (`trailer` is empty): it reads as cut after its last frame, as the
  // input did, so that a replay compares the kept events and says "identical
  // up to the damage" (exit 2) rather than run the pass as if it were whole.
  bool last_pass_cut = false;
  std::uint64_t bytes = 0;               // of the new journal (0 when stopped)
  std::optional<JournalCut> cut_seen{};  // JournalWriter::cut_seen() of it
  // SalvageOptions::stop said stop: `output` has no trailer and the counts are
  // of the frames written so far; the caller discards it.
  bool stopped = false;
  // The input header's engine_version when it names a hio of a later MINOR
  // than this one, else "": fields that version appended to the format,
  // which this one does not know, are not in the new journal (its frames are
  // written by this hio), though its header keeps that engine_version.
  std::string newer_engine{};
  // The input header's engine_version, whatever it names (the new journal's
  // header keeps it): what `hio salvage --json` gives, with the Journal
  // changes between it and this hio (journal_changes_json).
  std::string engine_version{};
};

struct SalvageOptions {
  ReaderOptions reader{};
  // The output's name in errors, if `output` is a temporary it is written
  // under (replaced over the name once complete, as hio salvage does).
  std::string output_name{};
  // Asked before each frame is read and written: true stops the salvage
  // (SalvageResult::stopped), e.g. a stop signal caught.
  std::function<bool()> stop{};
  // A descriptor open on that temporary, written instead of opening `output`
  // by its name (WriterOptions::fd); -1: `output` is opened.
  int output_fd = -1;
};

// "1 hole: bytes 1200-1710 (after pass 4: bad_crc)"; "" for none.
std::string describe_holes(const std::vector<JournalHole>& holes);
// One hole in full: "bytes 1200-1710 (510 bytes, events lost): <why.describe()>"
// ("no event lost" for foreign bytes between frames).
std::string describe_hole(const JournalHole& hole);

// Reads `input` (a path; "-" is the standard input) up to its first damage -
// or, with options.resync, past every damaged region to the end - and writes
// what was intact to `output`
// (frames re-encoded, same events and digest of them). The new trailer keeps the
// input's outcome if the input was complete; otherwise end = unknown, passes =
// last pass + 1, end_tyme = one tock after the last pass (passes x tock, as in
// every trailer; the exit's tyme if the last frame is the run's exit),
// end_text = "salvaged: <damage>" ("salvaged: frames are missing in N holes:
// ...; then <damage>" with holes). An input whose trailer agrees with its
// frames keeps its trailer (SalvageResult::trailer_kept): a complete one
// (with resync: whatever foreign bytes were skipped), and one with bytes
// after the trailer (damage: trailing_data, where they start; not copied).
// An input cut right after a frame that more parts of its pass may follow
// gets no trailer (SalvageResult::last_pass_cut): its frames are all copied.
// Throws JournalException if the input has no intact header (nothing to keep),
// std::system_error if `output` cannot be written. `output` is created or
// truncated once the header is read, and written as the input is read: hio
// salvage gives it a temporary that replaces OUT once complete, so that an
// existing OUT survives a failure or a stop.
[[nodiscard]] SalvageResult salvage_journal(const std::string& input, const std::string& output,
                                            ReaderOptions options = {});
[[nodiscard]] SalvageResult salvage_journal(const std::string& input, const std::string& output,
                                            const SalvageOptions& options);
// The same in two steps, so that the input is checked before the output is
// made (hio salvage: a bad IN is exit 2 before OUT's directory is looked at,
// as hio run checks its scenario before creating --record):
// open_salvage_input reads `input`'s preamble and header, and throws the
// JournalException above if it has no intact header; salvage_journal then
// copies the reader's frames to `output` (options.reader is the reader's
// already, and not used again).
JournalReader open_salvage_input(const std::string& input, ReaderOptions options = {});
[[nodiscard]] SalvageResult salvage_journal(JournalReader& reader, const std::string& output,
                                            const SalvageOptions& options);

}  // namespace hio::replay
