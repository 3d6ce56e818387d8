// JournalWriter: writes a journal file (docs/journal-format.md) — preamble,
// header, pass frames, trailer — streaming: it holds one frame and one output
// buffer, never the journal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "hio/io/event.hpp"
#include "hio/replay/types.hpp"

namespace hio::replay {

struct WriterOptions {
  // Hand every frame to the OS as soon as it is written (write(2)), instead of
  // when buffer_bytes have gathered. Real-time runs set it, so that a process
  // killed mid-run leaves every frame written so far readable.
  bool flush_each_frame = false;
  // fdatasync after every flush and at finish, and at the first one an fsync
  // of the file's directory (sync_directory_of: the name the file was
  // created under): the journal survives a power loss, at the cost of a
  // disk round trip per flush. Where it does not apply - a pipe, FIFO,
  // socket or terminal, which fdatasync refuses (EINVAL) - nothing is synced.
  bool sync = false;
  // Buffered output is written when it exceeds this. The buffer is allocated
  // once, a little larger; small, so that a new writer maps few fresh pages
  // (a page fault costs more than a write(2) of 64 KiB on some VMs).
  std::size_t buffer_bytes = 64 * 1024;
  // No frame bigger than these is written, so what this writer writes, a
  // reader with default options reads: a pass frame that would be is written
  // as more parts, an event too large for a frame in pieces (write_pass); a
  // header over them throws std::length_error.
  std::uint32_t frame_bytes_max = kFrameBytesMaxDefault;
  std::uint64_t message_bytes_max = kMessageBytesMaxDefault;
  // The file's name in messages, if not the path written: a file written
  // under a temporary name and renamed once complete names where it goes.
  std::string name{};
  // A descriptor open for writing on the file to write, instead of opening
  // `path`: the writer writes through its own duplicate and never opens a
  // name (the caller keeps and closes this one). `path` then only says where
  // the file is (its directory, for `sync`). A temporary created without a
  // name or by mkstemp is written so (hio's --record), so that nobody who
  // can write its directory can swap the name for a link in between. -1:
  // `path` is opened (created or truncated).
  int fd = -1;
};

// Call order: write_header once, write_pass any number of times, finish once.
// A writer destroyed without finish() writes out what it buffered and closes
// the file, which then has no trailer (readers report it as truncated after
// its last frame: a crashed run's journal). One destroyed before
// write_header writes nothing (the preamble waits in its buffer until then,
// unless flush() was called): a pipe or a device it was given gets no bytes,
// a file is left empty.
//
// Errors: caller errors (wrong order, tyme going back, ...) throw
// std::logic_error and write nothing; a frame over the limits (a header; a
// pass frame only with limits too small for a piece of an event) throws
// std::length_error and writes nothing - unless the pass was being written
// in several frames (parts, pieces, below) and some were written: then
// every later call throws std::logic_error ("a pass was written in part"),
// and the file, flushed at destruction, reads as cut; a failing file throws
// JournalWriteError (a std::system_error), after which failed() is true and
// every call throws std::logic_error (the file keeps the frames flushed
// before the failure).
class EventBatch;

// A journal file that another process cut while it was written, seen by
// its writer before a later write (JournalWriter::cut_seen).
struct JournalCut {
  std::uint64_t size = 0;     // the file's size then
  std::uint64_t written = 0;  // the bytes written then: those from `size` on read as zeros
};

class JournalWriter {
 public:
  // Creates or truncates `path` (or writes options.fd) and writes the
  // preamble (into its buffer).
  explicit JournalWriter(const std::string& path, WriterOptions options = {});
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Sets format_version, engine_version (if empty) and scenario_digest, and
  // writes the header frame. Requires header.tock > 0.
  void write_header(JournalHeader header);

  // Writes one pass frame holding `events` (non-empty, in order of
  // occurrence, each with event.tyme == tyme and seq 0, 1, 2, ... over the
  // whole journal, as a hub numbers them: a reader takes a gap for frames
  // lost; only the first event after mark_hole() may follow one). A frame with the same tyme as the
  // previous one is the next part of that pass; otherwise tyme must be later. pass = tyme / tock.
  // `exit` marks a frame of the run's exit (what happened after its last pass, at its end tyme):
  // only in a journal whose header has exit_marked, and only more exit frames of the same tyme may
  // follow it. Events whose frame would exceed a frame limit are written as consecutive parts of
  // the pass (a frame that fits is one frame). An event whose strings exceed half the smallest
  // frame limit is written in pieces, in frames of its own (the events before and after it in
  // frames of theirs), which readers join back (docs/journal-format.md): every event is writable.
  void write_pass(Tyme tyme, std::span<const ChannelEvent> events, bool exit = false);
  // The same frame for the events of `batch` (as the Recorder buffers them):
  // laid out around the strings where the batch keeps them rather than from
  // copies of them. The same bytes either way.
  void write_pass(Tyme tyme, EventBatch& batch, bool exit = false);
  // Marks the next pass frame written (PassFrame.holeBefore): frames of the
  // recorded run are missing before it (a salvage skipped damage there; see
  // docs/journal-format.md, Errors and salvage). Readers stop there unless
  // they read past holes (ReaderOptions::resync). Its first event's seq may
  // skip the seqs of the events lost.
  void mark_hole();

  // Hands everything buffered to the OS (and fdatasyncs with options.sync).
  void flush();

  // Writes the trailer (counts and digest from what was written, the rest from
  // `summary`), flushes, syncs if asked, and closes. Returns the trailer.
  const JournalTrailer& finish(const RunSummary& summary);

  const std::string& path() const;
  const WriterOptions& options() const;
  bool header_written() const;
  const JournalHeader& header() const;  // after write_header
  bool finished() const;
  // The file failed (a JournalWriteError was thrown): nothing more can be written.
  bool failed() const;
  std::uint64_t frames() const;  // pass frames written
  std::uint64_t events() const;
  std::uint64_t digest() const;  // of the events written so far
  // Bytes of the file so far, buffered ones included; once the file failed,
  // the bytes it holds (flushed_bytes: the buffered ones never reach it).
  std::uint64_t size_bytes() const;
  // Of those, the bytes handed to the OS: what reached the file (the rest
  // waits in the buffer, up to buffer_bytes). After a failed write, where
  // the file's intact part ends at most.
  std::uint64_t flushed_bytes() const;
  // A regular file that another process cut while it was written (to fewer
  // bytes than were written then) and that was written on after, as the
  // writer found it before its next write (the first such time): the
  // bytes between the cut and what was written then read as zeros,
  // although the file ends size_bytes() long with its first bytes intact.
  // One fstat(2) per flush. nullopt if not seen (a cut after the last
  // write shows in the file's size; one between the check and its write
  // is missed), and for a pipe or a device.
  std::optional<JournalCut> cut_seen() const;
  std::uint64_t pass_of(Tyme tyme) const;  // pass_number(tyme, tock), after write_header

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hio::replay
