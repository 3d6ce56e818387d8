// JournalReader: reads a journal file frame by frame with bounded memory,
// validating everything (magic, version, lengths, CRC32C, Cap'n Proto limits,
// frame order, trailer), and on damage says where and why it stopped, after
// giving back every intact frame before it (the valid prefix).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hio/io/event.hpp"
#include "hio/replay/error.hpp"
#include "hio/replay/types.hpp"

namespace hio::replay {

struct ReaderOptions {
  // A frame whose length field exceeds this (packed bytes) is refused before
  // anything is allocated for it. Capped at kFrameBytesLimit.
  std::uint32_t frame_bytes_max = kFrameBytesMaxDefault;
  // The unpacked message of a frame may not exceed this.
  std::uint64_t message_bytes_max = kMessageBytesMaxDefault;
  // An event too large for one frame is written in pieces over several
  // frames (docs/journal-format.md) and read joined: its strings (bytes, peer
  // and text together) may not exceed this. The default covers the largest
  // buffer hio run allows (256 MiB); raise it for channels whose buffers are
  // larger.
  std::uint64_t event_bytes_max = kEventBytesMaxDefault;
  // Cap'n Proto limits, set for every frame: traversal = traversal_factor x
  // the frame's unpacked words (+64), nesting = nesting_limit. The schema nests
  // 4 deep; the factor leaves room for nothing but honest reading.
  std::uint32_t traversal_factor = 2;
  int nesting_limit = 16;
  // Check the trailer's digest against the events read (costs a hash per byte).
  bool verify_digest = true;
  // Read past damage: after a frame that is bad (length, CRC, message, order,
  // cut), scan forward byte by byte for the next frame that validates - its
  // length within the limits and within the input, its CRC32C, its message,
  // and its place in the journal (a pass frame later than the last one read,
  // its seqs after the last seq; or the trailer) - and go on from there; and
  // read past frames marked holeBefore (a salvage's holes) and frames after a
  // gap in the seqs or parts (frames missing whole). Every region skipped is
  // in holes(). Off: the reader stops at the first damage, and at
  // a frame marked holeBefore (error `hole`). See docs/journal-format.md.
  bool resync = false;
  // Asked before each read of a file (a block, 256 KiB): true ends
  // the reading there, as a read that failed with EINTR (an io error). A
  // command's Ctrl-C needs it: read_unless_stopped reads what is there
  // whatever signal was caught (a regular file's always is), so a large
  // file would be read to its end. Unset: read to the end.
  std::function<bool()> stop{};
};

// A region a resyncing reader skipped (ReaderOptions::resync).
struct JournalHole {
  // Bytes [offset, end) of the file were skipped: offset is where the damage
  // starts (the bad frame; or the first piece of an event in pieces that the
  // damage cut, which is lost with it), end where the frame read after it
  // starts. A hole
  // a salvage marked (holeBefore) skips nothing in this file: offset == end,
  // the marked frame's offset, and why.kind == hole. Nor does one before a
  // frame that follows a gap in the seqs or parts with no damage read (frames
  // removed whole, or out of place): offset == end, that frame's offset, and
  // why.kind == bad_order (what a reader without resync stops at).
  std::uint64_t offset = 0;
  std::uint64_t end = 0;
  // The damage at `offset` as a reader that stops there reports it (last_pass
  // and last_tyme: the last pass frame before the hole).
  JournalError why{};
  // Events of the run are missing here: the seqs either side of the hole are
  // not consecutive (hio numbers a run's events 0, 1, 2, ...), or before a
  // trailer, its counts disagree. False: the bytes skipped were foreign
  // (garbage between two frames).
  bool lost = true;
};

// One pass frame as read: the pass, or one part of it (see docs/journal-format.md:
// a pass with very many events is split over consecutive frames with the same
// pass and tyme and parts 0, 1, ...). The events' string views point into the
// reader: valid until the reader's next call to next() or peek() that reads a
// new frame, or its destruction.
struct FrameView {
  std::uint64_t pass = 0;
  Tyme tyme{};
  std::uint32_t part = 0;
  // Byte offset of the frame in the file, and its size (8 + payload). For the
  // frame that ends an event written in pieces (docs/journal-format.md), the
  // first piece's offset and the size of all of their frames.
  std::uint64_t offset = 0;
  std::uint64_t size_bytes = 0;
  std::span<const ChannelEvent> events{};  // non-empty; each event.tyme == tyme
  // (A part of) the run's exit: its events happened after the last pass, at
  // the end tyme (JournalHeader::exit_marked journals only).
  bool exit = false;
  // Events are missing just before this one: a resyncing reader skipped
  // damage that held some (holes().back() says which bytes), or the frame is
  // marked so (PassFrame.holeBefore).
  bool hole_before = false;
  // The frames of the file it spans: 1, or for an event written in pieces the
  // number of its frames (each a frame of the file, as the trailer counts them).
  std::uint64_t frames = 1;
};

// Usage (the tests compile this as written: consumer_header_usage):
//
// <!-- consumer: reader_usage.cpp -->
// ```cpp
// #include <cstdio>
// #include <string>
//
// #include <hio/replay/reader.hpp>
//
// // Prints a journal's events, a line each; false if it is damaged or cut.
// bool print_events(const std::string& path) {
//   hio::replay::JournalReader reader(path);
//   if (!reader.header()) {  // not a journal, or damaged before its header's end
//     std::fprintf(stderr, "%s\n", reader.error()->describe().c_str());
//     return false;
//   }
//   while (const hio::replay::FrameView* frame = reader.next()) {
//     for (const hio::ChannelEvent& e : frame->events) {
//       std::printf("%s\n", hio::describe(e).c_str());
//     }
//   }
//   if (!reader.complete()) {  // damaged or cut: what was read is still good
//     std::fprintf(stderr, "%s\n", reader.error()->describe().c_str());
//     return false;
//   }
//   return true;
// }
// ```
//
// Never throws for anything in the file or for a file that cannot be opened or
// read: those end the reading, and error() says where and why. Out of memory
// is no damage: std::bad_alloc is thrown (it read as a frame that could not
// be decoded). It reads no
// further than the input, so it always ends (no hang). Memory: one frame (its
// packed bytes, unpacked words and event views) plus a 256 KiB read buffer
// (the size of a frame larger than that, where one is; a file smaller than
// that: its size; never more, however frames fall across its reads),
// and an event written in pieces, which it gives joined: its strings are at
// most ReaderOptions::event_bytes_max, but grow by doubling as its pieces are
// read, so they take up to twice that until the reader reads the frame after
// the one that gives it (then they are freed).
// Not copyable; movable. A moved-from reader reads nothing: header(),
// next() and peek() give nullptr, and error() says it was moved from.
class JournalReader {
 public:
  // Opens `path` and reads the preamble and the header frame. The path "-" is
  // the standard input, read once as it comes (a file named "-": "./-").
  explicit JournalReader(const std::string& path, ReaderOptions options = {});
  // Reads `bytes`, which are not copied and must outlive the reader.
  static JournalReader from_memory(std::string_view bytes, ReaderOptions options = {});
  ~JournalReader();
  JournalReader(JournalReader&&) noexcept;
  JournalReader& operator=(JournalReader&&) noexcept;

  // nullptr if the file is damaged before the header frame ended.
  const JournalHeader* header() const;

  // The next pass frame, or nullptr once the trailer was read (complete()) or
  // the reading stopped on damage (error()).
  const FrameView* next();
  // The frame next() will return, without consuming it (for a replay feed that
  // must know when the next recorded pass is due). nullptr as for next().
  const FrameView* peek();

  // True when the trailer was read, agrees with what came before it, and
  // nothing follows it.
  bool complete() const;
  // True when the trailer was read and agrees with every frame before it:
  // complete(), or only bytes after the trailer are bad (error() is
  // trailing_data). The recorded run is whole, whatever follows it in the
  // file: salvage keeps the trailer, a replay trusts its end.
  bool trailer_agrees() const;
  // Why the reading stopped early; nullopt while reading or when complete().
  const std::optional<JournalError>& error() const;
  // The trailer, once read (also when it disagrees: then error() says how).
  const JournalTrailer* trailer() const;

  // Bytes from the start of the file to the end of the last intact frame read:
  // the salvageable prefix once reading has stopped. The frames of an event in
  // pieces that damage cut off are not in it (read intact, but no event): it
  // ends before them, while the error's offset is the damage
  // (JournalError::offset).
  std::uint64_t valid_bytes() const;
  // Payload bytes whose CRC32C was computed: the reading's work. About the
  // input's size; with resync at most that twice (a frame found past damage
  // is checked twice) plus 4 x the input's size + frame_bytes_max over frames
  // that were not taken (docs/journal-format.md: reading past damage).
  std::uint64_t checked_bytes() const;
  // Pass frames of the events read: an event in pieces counts its frames once
  // its last one is read (pieces lost in damage are not counted).
  std::uint64_t frames_read() const;
  std::uint64_t events_read() const;
  // The digest of the events read so far (the whole journal's once complete());
  // that of no events when options.verify_digest is off.
  std::uint64_t digest() const;
  // The pass of the last frame given (next() returned its events: the end of
  // the intact prefix), and its tyme. The frames of an event in pieces count
  // once the event is whole: pieces read and then lost to damage do not.
  std::optional<std::uint64_t> last_pass() const;
  std::optional<Tyme> last_tyme() const;
  // The tyme of the last pass frame read, the pieces of an event that damage
  // then cut off included: later than last_tyme() when a frame of a later pass
  // was read, so the pass of last_tyme() is known to have ended (a salvage
  // then keeps it as whole, SalvageResult::last_pass_cut).
  std::optional<Tyme> read_tyme() const;
  // The regions skipped so far (ReaderOptions::resync; always empty without).
  // A resyncing reader is complete() when the trailer it reached agrees with
  // the frames read: the holes held no frame (foreign bytes between frames).
  // When frames were lost, the trailer disagrees (bad_trailer, naming the
  // holes), or the input ends without one (truncated).
  const std::vector<JournalHole>& holes() const;

 private:
  struct Impl;
  explicit JournalReader(std::unique_ptr<Impl> impl);
  const Impl& state() const;    // impl_, or a shared one that read nothing once moved from
  std::unique_ptr<Impl> impl_;  // null once moved from
};

// A whole journal in memory, for tests and small tools (not bounded memory).
struct PassRecord {
  std::uint64_t pass = 0;
  Tyme tyme{};
  std::uint32_t part = 0;
  std::vector<OwnedEvent> events{};
  bool exit = false;  // FrameView::exit
  friend bool operator==(const PassRecord&, const PassRecord&) = default;
};
struct JournalContents {
  std::optional<JournalHeader> header{};
  std::vector<PassRecord> frames{};
  std::optional<JournalTrailer> trailer{};
  std::optional<JournalError> error{};  // nullopt when complete
  std::uint64_t valid_bytes = 0;
  std::uint64_t digest = 0;  // of the events read
  bool complete() const { return !error.has_value(); }
};
[[nodiscard]] JournalContents read_journal(const std::string& path, ReaderOptions options = {});
[[nodiscard]] JournalContents read_journal_memory(std::string_view bytes,
                                                  ReaderOptions options = {});

// Whether `bytes` (a file's first bytes) start with a journal's magic: for
// tools that take another kind of file to say "that is a journal" rather
// than fail to parse it.
[[nodiscard]] bool is_journal(std::string_view bytes);

}  // namespace hio::replay
