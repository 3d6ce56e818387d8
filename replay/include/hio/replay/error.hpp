// JournalError: why reading a journal stopped before its end, and exactly where
// (byte offset, last intact pass), so a damaged or cut journal is diagnosed and
// its valid prefix salvaged rather than a crash or a silent loss.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

#include "hio/engine/tyme.hpp"

namespace hio::replay {

enum class JournalErrorKind : std::uint8_t {
  io,              // the file could not be opened or read
  bad_magic,       // not a hio journal
  future_version,  // written by a newer format version than this reader knows
  bad_preamble,    // version 0 or unknown flags
  truncated,       // the file ends inside a frame, or before the trailer
  bad_length,      // a frame length of 0, or over the limit (refused before allocating)
  bad_crc,         // a frame's CRC32C does not match its payload
  bad_message,     // the payload is not a valid Cap'n Proto message of the schema
  bad_order,       // frames out of order (no header first, tyme going back, ...)
  bad_trailer,     // the trailer disagrees with what was read (counts, digest)
  trailing_data,   // bytes after the trailer
  hole,            // a frame marked holeBefore: frames are missing before it (a salvage with
                   // resync skipped damage there); only when not reading past holes
};
const char* to_string(JournalErrorKind kind);

struct JournalError {
  JournalErrorKind kind = JournalErrorKind::io;
  // Where the damage starts: the byte offset of the frame (or preamble) that is
  // bad or cut. Every frame before it is intact and was read; the intact
  // prefix (JournalReader::valid_bytes()) ends here too, unless the damage
  // cuts off an event in pieces: then it ends before the event's first
  // piece, and `message` ends by saying where.
  std::uint64_t offset = 0;
  // The pass of the last frame given before the damage (the end of the
  // intact prefix: what a salvage keeps and a replay replays), and its tyme;
  // nullopt if none was. Pieces of an event that the damage cut off do not
  // count, though their frames were read intact.
  std::optional<std::uint64_t> last_pass{};
  std::optional<Tyme> last_tyme{};
  std::string message{};  // what is wrong, with the values involved

  // "byte 1234 (after pass 17, tyme 0.53125 s): bad_crc: frame CRC32C ...".
  // A value, not an exception, so not what() (which an exception gives as a
  // const char*): JournalException::what() is "journal: " + this.
  std::string describe() const;
};

// Thrown where a journal cannot be used at all and there is no reader to ask
// (salvage_journal of a file without an intact header). Readers never throw it.
// Writing a journal failed (a full disk, EIO, a file size limit, closing):
// the system's reason, and the journal named as the user gave it. Not bad
// input: the command's own output could not be written (hio exits 4).
class JournalWriteError : public std::system_error {
 public:
  using std::system_error::system_error;
  // The same failure with `note` after the system's reason: what() is
  // error.what() + "; " + note.
  JournalWriteError(const JournalWriteError& error, const std::string& note);
  const char* what() const noexcept override;

 private:
  std::shared_ptr<const std::string> noted_;  // what(), when a note was added
};

// A journal that could not be finished for a reason other than its file: the
// writer refused what it was given (a frame over a limit the caller set, a
// misuse). The journal has no trailer; what() says why, and the run's own
// error if it had one. hio exits 4, as for a write error: its output failed.
class JournalUnfinishedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class JournalException : public std::runtime_error {
 public:
  explicit JournalException(JournalError error);
  const JournalError& error() const { return error_; }

 private:
  JournalError error_;
};

}  // namespace hio::replay
