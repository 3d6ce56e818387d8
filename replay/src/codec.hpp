// Conversion between the journal's C++ types and its Cap'n Proto frames (the
// only place besides packed.cpp that knows the schema's generated code).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "byte_buffer.hpp"
#include "hio/io/event.hpp"
#include "hio/replay/types.hpp"

namespace hio::replay::detail {

// The journal's event kind `piece` (journal.capnp): a piece of an event too
// large for one frame. Only the writer makes one and only the
// reader sees one (it joins the pieces into their event): never a
// ChannelEvent outside replay/src.
inline constexpr EventKind kPieceKind = static_cast<EventKind>(10);

// The flags of a pass frame (PassFrame.exit, holeBefore, continued,
// pieceEnd and pieceKind). From a bool: an exit mark alone, as most frames
// are written.
struct PassMarks {
  PassMarks(bool exit_ = false, bool hole_before_ = false,  // NOLINT: implicit from bool
            bool continued_ = false)
      : exit(exit_), hole_before(hole_before_), continued(continued_) {}
  bool exit;
  bool hole_before;
  bool continued;
  bool piece_end = false;
  EventKind piece_kind{};  // of the event the last piece ends (with piece_end)
};

// The words of a pass frame's message in one segment, as FrameEncoder::pass
// lays it out: pass_head_words for the frame, event_words for each event
// (its struct and its strings). The segment table is not counted.
inline constexpr std::size_t pass_head_words = 8;
// A message of more words than this is laid out by Cap'n Proto's builder in
// several segments (its first segment's size), with far pointers.
inline constexpr std::size_t first_segment_words = 64 * 1024;
std::size_t event_words(const ChannelEvent& e);

// Encodes one frame as a packed message appended to `out`. Reuses its scratch
// memory between frames, so steady-state writing allocates nothing.

class FrameEncoder {
 public:
  FrameEncoder();
  ~FrameEncoder();
  FrameEncoder(const FrameEncoder&) = delete;
  FrameEncoder& operator=(const FrameEncoder&) = delete;

  // Each appends the packed message to `out` and returns its size in bytes.
  // Throws std::length_error (and appends nothing) if the unpacked message would
  // exceed message_bytes_max.
  std::size_t header(ByteBuffer& out, const JournalHeader& header, std::uint64_t message_bytes_max);
  // A pass frame is laid out and packed here, without Cap'n Proto's builder
  // and packer, unless it outgrows the builder's first segment (then the
  // builder lays it out in several). The bytes are the same either way.
  std::size_t pass(ByteBuffer& out, std::uint64_t pass, Tyme tyme, std::uint32_t part,
                   PassMarks marks, std::span<const ChannelEvent> events,
                   std::uint64_t message_bytes_max);
  // The same frame for events whose strings are already laid out as the
  // frame's message has them after its events (EventBatch::FrameLayout:
  // `blob_words` words from `blobs`, every non-empty string of `events` among
  // them): the words before them are written into the `room_words` words just
  // before `blobs`, and the message is packed from there, without copying the
  // strings. Falls back to pass() when the room or the first segment is too
  // small. The bytes are pass()'s.
  std::size_t pass_around(ByteBuffer& out, std::uint64_t pass, Tyme tyme, std::uint32_t part,
                          PassMarks marks, std::span<const ChannelEvent> events,
                          unsigned char* blobs, std::size_t blob_area_words, std::size_t room_words,
                          std::uint64_t message_bytes_max);
  // The same frame through Cap'n Proto's builder and packer, always: the
  // reference the fast path is tested against.
  std::size_t pass_with_builder(ByteBuffer& out, std::uint64_t pass, Tyme tyme, std::uint32_t part,
                                PassMarks marks, std::span<const ChannelEvent> events,
                                std::uint64_t message_bytes_max);
  std::size_t trailer(ByteBuffer& out, const JournalTrailer& trailer,
                      std::uint64_t message_bytes_max);

 private:
  struct Scratch;
  std::unique_ptr<Scratch> scratch_;
};

// Why a frame's message could not be decoded.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One decoded frame. For a pass, the events' string views point into the word
// buffer that was decoded, and stay valid while it is unchanged.
struct DecodedFrame {
  enum class Type : std::uint8_t { header, pass, trailer };
  Type type = Type::pass;
  JournalHeader header;
  std::uint64_t pass = 0;
  Tyme tyme{};
  std::uint32_t part = 0;
  bool exit = false;
  bool hole_before = false;
  bool continued = false;            // PassFrame.continued
  bool piece_end = false;            // PassFrame.pieceEnd
  EventKind piece_kind{};            // PassFrame.pieceKind (checked: not a piece)
  std::vector<ChannelEvent> events;  // reused between frames; may hold kPieceKind
  JournalTrailer trailer;
};

struct DecodeLimits {
  std::uint64_t traversal_words = 0;
  int nesting_limit = 16;
};

// Decodes the unpacked message in words[0, count). Throws DecodeError, never
// anything else, whatever the bytes. `out.events` keeps its capacity.
void decode_frame(const void* words, std::size_t count, const DecodeLimits& limits,
                  DecodedFrame& out);

}  // namespace hio::replay::detail
