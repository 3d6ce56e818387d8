// The journal's value types: header (with its channel table), trailer, run
// outcome, owned copies of events, and the format's constants and limits. The
// in-memory form of what replay/schema/journal.capnp describes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hio/engine/doist.hpp"
#include "hio/engine/tyme.hpp"
#include "hio/io/event.hpp"

namespace hio::replay {

// The file format version this library writes and the newest it reads. A file
// with a larger version is refused with a clear error (JournalErrorKind::future_version).
inline constexpr std::uint32_t kFormatVersion = 1;

// Frames larger than this (packed payload bytes) are invalid in any journal:
// the reader refuses the length field before allocating anything.
inline constexpr std::uint32_t kFrameBytesLimit = std::uint32_t{1} << 30;
// What the writer produces at most and the reader accepts by default.
inline constexpr std::uint32_t kFrameBytesMaxDefault = std::uint32_t{64} << 20;
// Unpacked Cap'n Proto message size, same idea (packed data can expand a lot).
inline constexpr std::uint64_t kMessageBytesMaxDefault = std::uint64_t{128} << 20;
// The strings of one event that a reader joins from its pieces by default
// (ReaderOptions::event_bytes_max); the writer has no limit.
inline constexpr std::uint64_t kEventBytesMaxDefault = std::uint64_t{1} << 30;

// The numeric values of these enums are journaled: append only, never renumber.
enum class Mode : std::uint8_t {
  sim = 0,     // simulated IO, virtual time
  real = 1,    // real IO paced to the wall clock (a capture)
  replay = 2,  // fed from another journal
};

enum class RunOutcome : std::uint8_t {
  unknown = 0,  // the writer was not told (a salvaged journal, or a run still going)
  done = 1,
  limit = 2,
  interrupted = 3,
  stalled = 4,
  error = 5,  // an exception ended the run; end_text says what
};

// The passes a Doist has executed when its tyme is `end_tyme` (which a Doist
// keeps at passes x tock): end_tyme / tock - except at the end of tyme, where
// the tick saturates (tyme_after) at kTymeNever, no multiple of the tock: one
// more than kTymeNever's pass number. What a trailer's passes must be.
std::uint64_t passes_at(Tyme end_tyme, Tock tock);
// The number of a pass frame at `tyme` (PassFrame.pass): the passes before
// it, passes_at(tyme, tock). That is tyme / tock, but for the exit's frames
// at the saturated end of tyme: there it is the trailer's passes, the number
// the next pass would have had, not the last pass's (two frames at two
// tymes with one number).
std::uint64_t pass_number(Tyme tyme, Tock tock);

const char* to_string(Mode mode);
const char* to_string(RunOutcome outcome);
RunOutcome to_outcome(RunEnd end);

// "hio " and the project's version ("hio 0.29.0", as hio --version prints it):
// what writers put in JournalHeader::engine_version (docs/changes.md, Versions).
const char* engine_version();

// What the hio version that recorded a journal (its header's engine_version)
// says of a replay of it by the hio `this_version` (docs/changes.md,
// "Versions"): determinism holds per version, and only a Journal change, a
// MINOR's, makes the doers of one version act otherwise than another's on
// the same recorded inputs.
struct VersionsBetween {
  // The MINORs ("0.16", "0.17", ...) whose Journal change lies between the
  // journal's version and this_version, oldest first. Empty for the same
  // version, another PATCH of it, or MINORs with none between (0.21 and
  // 0.22). A text not of the form "hio MAJOR.MINOR.PATCH" counts as before
  // them all.
  std::vector<std::string> journal_changes{};
  // The journal's is a later MINOR or MAJOR than this_version: its Journal
  // changes are not known here.
  bool later = false;
  // The journal's text is not of the form "hio MAJOR.MINOR.PATCH" (a
  // program's own capture, a crafted header): it names no hio to replay it
  // with, and counts as before every Journal change.
  bool unparsed = false;
  // The journal's MAJOR.MINOR is this_version's (the same version or another
  // PATCH of it): no scenario rule lies between, since only a MINOR adds one
  // (docs/changes.md, Versions).
  bool same_minor = false;
  // Whether the versions can explain a divergence of the replay.
  bool may_diverge() const { return later || !journal_changes.empty(); }
};
VersionsBetween versions_between(std::string_view recorded_engine_version,
                                 std::string_view this_version = engine_version());

// A journal's engine_version as every message shows it: as it is when of the
// form "hio MAJOR.MINOR.PATCH", else quoted and escaped as a journal's bytes
// ("\"my-capture\""): a text that names no hio reads as a quotation. An
// empty one (a header made by hand: hio always writes one) is
// kNoEngineVersion.
std::string format_engine_version(std::string_view recorded_engine_version);
inline constexpr std::string_view kNoEngineVersion = "an unnamed writer (no version recorded)";

// What a diverged replay says of the journal's version, "" when
// versions_between cannot explain a divergence (a divergence is then not
// the versions': a determinism bug, to report). Otherwise "by hio 0.15.0;
// this is hio 0.29.0: the Journal changes of hio 0.16, 0.17, 0.18, 0.19,
// 0.20 and 0.24 (docs/changes.md) can make the doers act otherwise; replay it with
// hio 0.15.0, or record it again", or for a later version "by hio 0.30.0, a
// later hio than this hio 0.29.0, whose Journal changes this one does not
// know: replay it with hio 0.30.0". The recorded text is quoted (escaped)
// when it is not of the form "hio MAJOR.MINOR.PATCH", and then, naming no
// hio, gets no "replay it with": "by \"x\", which names no hio version; this
// is hio 0.29.0: the Journal changes of ... can make the doers act
// otherwise; record it again".
std::string format_recorded_version(std::string_view recorded_engine_version,
                                    std::string_view this_version = engine_version());

// versions_between's Journal changes as a JSON array, `["0.16","0.17"]`
// (`[]` where none lies between), or `null` where none can be named: no
// recorded version (""), or a later hio's, whose changes are not known here.
// What `hio replay --json`, `hio inspect --json` (its header line) and `hio
// salvage --json` (of IN's version) give as "journal_changes_between".
std::string journal_changes_json(std::string_view recorded_engine_version,
                                 std::string_view this_version = engine_version());

// A channel that existed when the run started.
struct ChannelInfo {
  std::uint32_t id = 0;
  std::string name{};
  std::string address{};  // canonical URL
  ChannelKind kind = ChannelKind::stream;
  friend bool operator==(const ChannelInfo&, const ChannelInfo&) = default;
};

// One noise replay: its spec (as given) and its noise seed.
struct NoiseStep {
  std::string spec{};
  std::uint64_t seed = 0;
  friend bool operator==(const NoiseStep&, const NoiseStep&) = default;
};

struct JournalHeader {
  std::uint32_t format_version = kFormatVersion;  // set by the writer
  std::string engine_version{};                   // set by the writer (engine_version())
  std::uint64_t seed = 0;
  Tock tock = kDefaultTock;  // > 0; pass = tyme / tock
  Mode mode = Mode::sim;
  std::string scenario{};           // full scenario text, may be empty
  std::uint64_t scenario_digest{};  // set by the writer: digest_bytes(scenario)
  std::vector<ChannelInfo> channels{};
  // Informational (ISO 8601 UTC start of a real capture); empty for sim and
  // replay runs, so their journals depend only on scenario, seed and inputs.
  std::string wall_clock{};
  // A noise replay's noise spec (as given) and noise seed; empty and 0 for
  // every other journal (see ReplayOptions).
  std::string noise{};
  std::uint64_t noise_seed = 0;
  // Every noise replay whose perturbation this journal's inputs carry,
  // oldest first (a noise replay's own last: its noise and noise_seed); kept
  // by replays of replays. Empty for every other journal. See
  // noise_chain_of() for journals written before it existed.
  std::vector<NoiseStep> noise_chain{};
  // The writer marks the frames of the run's exit (FrameView::exit). A Journal
  // sets it; false in journals written before it existed, and for a writer
  // whose caller does not mark exits.
  bool exit_marked = false;
  friend bool operator==(const JournalHeader&, const JournalHeader&) = default;
};

// The noise chain of a journal: header.noise_chain, or for a journal written
// before the chain existed, its own noise (if any) as a chain of one.
std::vector<NoiseStep> noise_chain_of(const JournalHeader& header);
// Whether the header's chain says more than its noise and noise_seed (earlier
// noise replays, or a strict replay of a perturbed journal): inspect shows it
// then, and diff compares it then.
bool noise_chain_says_more(const JournalHeader& header);
// A chain as inspect and diff print it: "drop=0.1"@3,"dup=1"@7 (oldest first;
// empty for an empty chain).
std::string describe_noise_chain(const std::vector<NoiseStep>& chain);

// What the caller tells the writer about how the run ended.
struct RunSummary {
  std::uint64_t passes = 0;  // nominal passes (Doist::passes())
  Tyme end_tyme{};
  RunOutcome end = RunOutcome::unknown;
  std::string end_text{};
  // For end = interrupted: SIGINT, SIGTERM or SIGHUP, or SIGUSR1 for hio
  // run's clean stop (its end judged as a run's end); 0 for none.
  int stop_signal = 0;
  // The run ended at the tyme of its last pass, which ran (Doist::ended_at_pass:
  // a stop cut that pass's tock short), not one tock after it.
  bool ended_at_pass = false;
  // For end = error: hio itself failed (out of memory on the thread host
  // names are looked up on, a replay that met the recorded run's such end),
  // not a doer. Journal::run sets it from the exception.
  bool end_by_hio = false;
};

struct JournalTrailer {
  std::uint64_t passes = 0;
  std::uint64_t frames = 0;  // pass frames in the file
  std::uint64_t events = 0;
  std::uint64_t digest = 0;  // of the canonical event stream
  Tyme end_tyme{};
  RunOutcome end = RunOutcome::unknown;
  std::string end_text{};
  // For end = interrupted: the signal that ended the run (Linux's number:
  // journal_signal_name), 0 for none.
  int stop_signal = 0;
  bool ended_at_pass = false;  // the last pass is at end_tyme (RunSummary)
  // end = error by hio's own failure (RunSummary). The reader of a journal
  // of hio before 0.18, which did not write it, sets it from end_text, as
  // those versions told that end (ended_by_hio_failure).
  bool end_by_hio = false;
  friend bool operator==(const JournalTrailer&, const JournalTrailer&) = default;
};

// The name of a trailer's stop_signal, "SIGHUP", "SIGINT", "SIGUSR1" or
// "SIGTERM", from a fixed table of the numbers a journal holds (Linux's: 1,
// 2, 10, 15; the reader reads any other as 0), not strsignal's text, which
// a locale translates and another system numbers differently; nullptr for
// any other number.
const char* journal_signal_name(int stop_signal);

// How a divergence report (format_divergence) starts: also the end_text of
// the journal a diverged replay writes.
inline constexpr std::string_view kDivergedEndPrefix = "replay diverged at ";

// The recorded run ended because a doer threw: end = error, except the end a
// replay gives its own journal when it diverged (end_text "replay diverged
// at ..."): there the replayer stopped the doers, none threw, and a replay of
// that journal ends where it ended.
// Nor is the end of a run that hio itself could not go on with (end = error
// and end_by_hio: out of memory on the thread host names are looked up on,
// end_text HostLookupOutOfMemory::kWhat; hio run exits 6): the doers did not
// throw, and the replay ends at that pass's poll, as the run did
// (RecordedHioFailure), where ended_by_hio_failure is true. The trailer's
// field decides, not its text: a doer may throw any text, hio's own too.
// (For a journal of hio before 0.18 the reader sets end_by_hio from the
// text, the only sign those versions wrote.)
bool ended_by_exception(const JournalTrailer& trailer);
bool ended_by_hio_failure(const JournalTrailer& trailer);

// A ChannelEvent that owns its strings (ChannelEvent's views are only valid
// while the hub or the reader that made them is on the same event or frame).
struct OwnedEvent {
  EventKind kind = EventKind::open;
  std::uint32_t channel = 0;
  Tyme tyme{};
  std::uint64_t seq = 0;
  std::string bytes{};
  std::string peer{};
  std::string text{};
  std::uint32_t accepted = 0;
  CloseWho who = CloseWho::local;
  NoiseKind noise = NoiseKind::none;
  ChannelKind channel_kind = ChannelKind::stream;

  static OwnedEvent from(const ChannelEvent& event);
  // Views into this object: valid while it lives and is not changed.
  ChannelEvent view() const;
  friend bool operator==(const OwnedEvent&, const OwnedEvent&) = default;
};

}  // namespace hio::replay
