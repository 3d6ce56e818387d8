#include "hio/replay/reader.hpp"

#include <algorithm>
#include <cstdio>
#include <new>
#include <system_error>
#include <utility>

#include "codec.hpp"
#include "engine_era.hpp"
#include "format.hpp"
#include "hio/engine/counted.hpp"
#include "hio/io/input_file.hpp"
#include "hio/io/lookup_out_of_memory.hpp"
#include "hio/replay/crc32c.hpp"
#include "hio/replay/digest.hpp"
#include "hio/replay/out_of_memory.hpp"
#include "le.hpp"
#include "packed.hpp"
#include "source.hpp"

namespace hio::replay {

namespace {

std::string hex32(std::uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", v);
  return text;
}

std::string hex_bytes(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    char text[4];
    std::snprintf(text, sizeof text, "%s%02x", out.empty() ? "" : " ",
                  static_cast<unsigned>(static_cast<unsigned char>(c)));
    out += text;
  }
  return out;
}

}  // namespace

namespace {

// An event too large for one frame, read so far (JournalReader::Impl::pieces).
// At namespace scope: clang cannot default-construct a nested struct with
// member initializers inside its enclosing class (optional::emplace).
struct EventPieces {
  std::uint64_t offset = 0;  // of its first frame
  std::uint32_t channel = 0;
  std::uint64_t seq = 0;
  bool hole_before = false;  // a hole before its first frame
  bool exit = false;         // its frames' exit flag (the first one's; the rest must match)
  std::uint64_t frames = 0;  // read so far
  std::string bytes, peer, text;
};

}  // namespace

struct JournalReader::Impl {
  ReaderOptions options;
  std::unique_ptr<detail::Source> source;
  std::uint64_t offset = 0;  // end of the last intact frame

  std::optional<JournalHeader> header;
  std::optional<JournalTrailer> trailer;
  std::optional<JournalError> error;
  bool complete = false;

  detail::WordBuffer words;
  detail::DecodedFrame frame;
  FrameView view;
  bool loaded = false;  // `view` holds a frame next() has not returned yet

  EventDigest digest;
  // Pass frames of the events given (an event in pieces counts its frames
  // once it is whole): what a salvage keeps.
  std::uint64_t frames = 0;
  // The pass and tyme of the last frame given (what errors and last_pass()
  // report: the end of the intact prefix), and those of the last frame read,
  // a piece of an event not yet whole included (what the order of the next
  // frame is checked against).
  std::optional<std::uint64_t> last_pass;
  std::optional<Tyme> last_tyme;
  std::optional<Tyme> read_tyme;
  std::uint32_t last_part = 0;
  bool last_exit = false;  // the last pass frame read was (a part of) the run's exit
  std::optional<std::uint64_t> last_seq;
  // An event too large for one frame, in pieces (kPieceKind frames) read so
  // far: its strings, until the frame that ends it (PassFrame.continued);
  // and the joined strings of the last event read whole that way.
  std::optional<EventPieces> pieces;
  std::string joined_bytes, joined_peer, joined_text;
  // options.resync: the regions skipped, and the damage a scan is past (its
  // hole is recorded with the frame the scan takes next).
  std::vector<JournalHole> holes;
  std::optional<JournalError> scanned_past;
  // The frame being accepted follows frames the file does not hold
  // (missing_before()): the hole it is recorded with.
  std::optional<JournalError> missing;
  // Where the hole of the scan starts when it is before the damage: at the
  // first of the pieces it dropped (drop_scanned_pieces()).
  std::optional<std::uint64_t> hole_from;
  // Payload bytes whose CRC32C was computed (checked_bytes()), and of those,
  // with resync, the bytes of frames then not taken (a CRC that does not
  // match, a message that does not decode, a frame with no place): the work
  // damage cost, which affordable() bounds.
  std::uint64_t checked = 0;
  std::uint64_t wasted = 0;

  bool stopped() const { return complete || error.has_value(); }

  // The end of the intact prefix: before an event whose pieces were read but
  // not the frame that ends it.
  std::uint64_t valid_bytes() const { return pieces ? pieces->offset : offset; }

  // The error's offset is where the damage is; the intact prefix ends there
  // too, unless the damage cuts off an event in pieces: then it ends before
  // the event's first piece, which the message says. (With resync a frame
  // found later may continue the pieces: resync() says it when none does.)
  void fail(JournalErrorKind kind, std::uint64_t at, std::string message) {
    if (!options.resync || !resyncable(kind)) message += pieces_cut_off();
    error = JournalError{kind, at, last_pass, last_tyme, std::move(message)};
    loaded = false;
  }

  std::string pieces_cut_off() const {
    if (!pieces) return {};
    const std::string first = std::to_string(pieces->offset);
    return "; it cuts off an event in pieces (seq " + std::to_string(pieces->seq) + ", channel " +
           std::to_string(pieces->channel) + ": " + counted(pieces->frames, "frame") +
           " from byte " + first +
           "), which is lost: the intact prefix, which a salvage keeps, ends at byte " + first;
  }

  void start() {
    try {
      if (read_preamble() && read_frame() && !header) {
        fail(JournalErrorKind::bad_order, detail::kPreambleSize, "the first frame is not a header");
      }
    } catch (const std::system_error& e) {
      fail(JournalErrorKind::io, offset, e.what());
    }
  }

  bool read_preamble() {
    std::string_view pre = source->get(detail::kPreambleSize);
    const std::size_t magic_seen = std::min(pre.size(), detail::kMagic.size());
    if (!std::equal(pre.begin(), pre.begin() + static_cast<std::ptrdiff_t>(magic_seen),
                    detail::kMagic.begin(),
                    [](char a, unsigned char b) { return static_cast<unsigned char>(a) == b; })) {
      fail(JournalErrorKind::bad_magic, 0,
           "not a hio journal: it starts with " + hex_bytes(pre.substr(0, magic_seen)) +
               ", a journal with 89 48 49 4f 4a 0d 0a 1a");
      return false;
    }
    if (pre.size() < detail::kPreambleSize) {
      fail(JournalErrorKind::truncated, 0,
           "the file ends inside the 16-byte preamble, after " + counted(pre.size(), "byte"));
      return false;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(pre.data());
    const std::uint32_t version = detail::load_le32(p + 8);
    const std::uint32_t flags = detail::load_le32(p + 12);
    if (version > kFormatVersion) {
      fail(JournalErrorKind::future_version, 8,
           "format version " + std::to_string(version) + " is newer than this reader's (" +
               std::to_string(kFormatVersion) + "): read it with a newer hio");
      return false;
    }
    if (version == 0) {
      fail(JournalErrorKind::bad_preamble, 8, "format version 0 does not exist");
      return false;
    }
    if (flags != 0) {
      fail(JournalErrorKind::bad_preamble, 12,
           "unknown preamble flags " + hex32(flags) + " (format version " +
               std::to_string(version) + " defines none)");
      return false;
    }
    source->advance(detail::kPreambleSize);
    offset = detail::kPreambleSize;
    return true;
  }

  // Reads, checks and decodes the frame at `offset`; header and trailer are
  // taken in, a pass frame is left in `view`. False when reading has stopped
  // (an error, or the end of the input at a frame boundary).
  bool read_frame() {
    const std::uint64_t at = offset;
    const bool after_hole = scanned_past.has_value();
    std::string_view head = source->get(detail::kFrameHeaderSize);
    if (head.empty()) {
      fail(JournalErrorKind::truncated, at,
           header ? "the journal ends after " + counted(frames, "pass frame") +
                        " without a trailer (the run did not finish)"
                  : std::string("the journal ends before its header frame"));
      return false;
    }
    if (head.size() < detail::kFrameHeaderSize) {
      fail(JournalErrorKind::truncated, at,
           "the file ends inside a frame's 8-byte length and CRC, after " +
               counted(head.size(), "byte"));
      return false;
    }
    const auto* hp = reinterpret_cast<const unsigned char*>(head.data());
    const std::uint32_t length = detail::load_le32(hp);
    const std::uint32_t stored_crc = detail::load_le32(hp + 4);
    const std::uint32_t limit = std::min(options.frame_bytes_max, kFrameBytesLimit);
    if (length == 0) {
      fail(JournalErrorKind::bad_length, at, "a frame length of 0 (a frame holds a message)");
      return false;
    }
    if (length > kFrameBytesLimit) {
      fail(JournalErrorKind::bad_length, at,
           "a frame length of " + std::to_string(length) + " bytes exceeds the format's limit of " +
               std::to_string(kFrameBytesLimit) + " (2^30): no journal holds such a frame");
      return false;
    }
    if (length > limit) {
      // A valid journal may hold it (a writer's frame_bytes_max raised), or
      // damage made the length: not known here, so both are said.
      fail(JournalErrorKind::bad_length, at,
           "a frame length of " + std::to_string(length) +
               " bytes exceeds this reader's limit of " + std::to_string(limit) +
               " (ReaderOptions::frame_bytes_max; the hio commands read frames of up to " +
               std::to_string(kFrameBytesMaxDefault) +
               ", as hio writes them): damage, or a frame of a writer whose "
               "WriterOptions::frame_bytes_max was raised");
      return false;
    }
    if (!affordable(at, length)) {
      fail(JournalErrorKind::bad_length, at,
           "a frame length of " + std::to_string(length) +
               " bytes, not checked: reading past damage has spent the checks the bytes before "
               "it allow (ReaderOptions::resync)");
      return false;
    }
    const std::size_t total = detail::kFrameHeaderSize + length;
    std::string_view whole = source->get(total);
    if (whole.size() < total) {
      fail(JournalErrorKind::truncated, at,
           "the file ends inside a frame of " + counted(length, "byte") + ", after " +
               std::to_string(whole.size() - detail::kFrameHeaderSize) + " of them");
      return false;
    }
    std::string_view payload = whole.substr(detail::kFrameHeaderSize);
    const std::uint32_t crc = crc32c(payload);
    checked += length;
    wasted += length;  // until the frame is taken, below
    if (crc != stored_crc) {
      fail(JournalErrorKind::bad_crc, at,
           "frame CRC32C mismatch: stored " + hex32(stored_crc) + ", computed " + hex32(crc) +
               " over " + counted(length, "byte"));
      return false;
    }
    try {
      const std::size_t count =
          detail::unpack(payload, words, static_cast<std::size_t>(options.message_bytes_max / 8));
      detail::DecodeLimits limits;
      limits.traversal_words = std::uint64_t{options.traversal_factor} * count + 64;
      limits.nesting_limit = options.nesting_limit;
      detail::decode_frame(words.data(), count, limits, frame);
    } catch (const detail::DecodeError& e) {
      fail(JournalErrorKind::bad_message, at, e.what());
      return false;
    } catch (const std::exception& e) {
      // Out of memory is the reader's, not damage of the file; any other
      // exception of the decoding is the frame's (is_out_of_memory).
      if (is_out_of_memory(e)) throw;
      fail(JournalErrorKind::bad_message, at, std::string("cannot decode the frame: ") + e.what());
      return false;
    }
    if (!accept(at, total, after_hole)) return false;
    wasted -= length;
    source->advance(total);
    offset = at + total;
    return true;
  }

  // Checks a decoded frame against everything before it.
  bool accept(std::uint64_t at, std::size_t total, bool after_hole) {
    switch (frame.type) {
      case detail::DecodedFrame::Type::header:
        return accept_header(at);
      case detail::DecodedFrame::Type::pass:
        return accept_pass(at, total, after_hole);
      case detail::DecodedFrame::Type::trailer:
        return accept_trailer(at, total);
    }
    return false;
  }

  bool accept_header(std::uint64_t at) {
    const JournalHeader& h = frame.header;
    if (header) {
      fail(JournalErrorKind::bad_order, at, "a second header frame");
      return false;
    }
    if (h.format_version != kFormatVersion) {
      fail(JournalErrorKind::bad_message, at,
           "the header says format version " + std::to_string(h.format_version) +
               ", the preamble " + std::to_string(kFormatVersion));
      return false;
    }
    if (h.tock <= Tock{0}) {
      fail(JournalErrorKind::bad_message, at,
           "the header's tock is " + std::to_string(h.tock.count()) + " ns; it must be > 0");
      return false;
    }
    const std::uint64_t scenario_digest = digest_bytes(h.scenario);
    if (h.scenario_digest != scenario_digest) {
      fail(JournalErrorKind::bad_message, at,
           "the header's scenario digest " + format_digest(h.scenario_digest) +
               " does not match its scenario text (" + format_digest(scenario_digest) + ")");
      return false;
    }
    header = h;
    return true;
  }

  bool accept_pass(std::uint64_t at, std::size_t total, bool after_hole) {
    if (!header) {
      fail(JournalErrorKind::bad_order, at, "a pass frame before the header");
      return false;
    }
    if (frame.hole_before && !options.resync) {
      fail(JournalErrorKind::hole, at,
           "frames of the recorded run are missing before this one: the journal was salvaged "
           "around damage (hio salvage --resync); what follows is read only past holes");
      return false;
    }
    after_hole = after_hole || frame.hole_before;
    const Tyme tyme = frame.tyme;
    const std::string where = "pass frame (pass " + std::to_string(frame.pass) + ", tyme " +
                              std::to_string(tyme.time_since_epoch().count()) + " ns, part " +
                              std::to_string(frame.part) + ")";
    if (frame.events.empty()) {
      fail(JournalErrorKind::bad_message, at, where + " has no events");
      return false;
    }
    if (tyme < Tyme{}) {
      fail(JournalErrorKind::bad_message, at, where + " has a negative tyme");
      return false;
    }
    // At the saturated end of tyme an older writer numbered the exit's
    // frames tyme / tock, one less: they read as numbered now.
    const std::uint64_t pass = pass_number(tyme, header->tock);
    const bool older_end = tyme == kTymeNever && frame.pass + 1 == pass;
    if (frame.pass != pass && !older_end) {
      fail(JournalErrorKind::bad_message, at,
           where + ": its tyme is pass " + std::to_string(pass) + " at this tock");
      return false;
    }
    if (read_tyme && tyme < *read_tyme) {
      fail(JournalErrorKind::bad_order, at, where + " goes back in tyme");
      return false;
    }
    const bool same_pass = read_tyme && tyme == *read_tyme;
    std::uint32_t part = same_pass ? last_part + 1 : 0;
    // After a hole the parts between are lost: a later part of the same pass,
    // or any part of a later one.
    if (after_hole && (same_pass ? frame.part > last_part : true)) part = frame.part;
    if (frame.part < part) {
      fail(JournalErrorKind::bad_order, at,
           where + ": expected part " + std::to_string(part) + (after_hole ? " or later" : ""));
      return false;
    }
    if (!missing_before(at, where, part)) return false;
    part = frame.part;  // the next, or a later one after a hole
    if (frame.exit && !header->exit_marked) {
      fail(JournalErrorKind::bad_message, at,
           where + " is marked as the run's exit in a journal whose header does not mark exits");
      return false;
    }
    if (!same_exit_as_pieces(at, where)) return false;
    if (last_exit && (!frame.exit || !same_pass)) {
      fail(JournalErrorKind::bad_order, at, where + " follows the run's exit");
      return false;
    }
    if (!accept_pieces(at, where, same_pass)) return false;
    const bool drop = drops_scanned_pieces(same_pass);
    // A continued frame holds a piece of the event its pieces began.
    std::optional<std::uint64_t> seq = frame.continued ? pieces->seq : last_seq;
    for (std::size_t i = frame.continued ? 1 : 0; i < frame.events.size(); ++i) {
      const ChannelEvent& e = frame.events[i];
      if (seq && e.seq <= *seq) {
        fail(JournalErrorKind::bad_order, at,
             where + ": event seq " + std::to_string(e.seq) + " after seq " + std::to_string(*seq));
        return false;
      }
      seq = e.seq;
    }
    if (drop) drop_scanned_pieces();  // the frame is taken
    const bool hole_marked =
        frame.hole_before || missing.has_value() || (pieces && pieces->hole_before);
    if (frame.events.front().kind == detail::kPieceKind) take_piece(at);
    if (frame.events.front().kind == detail::kPieceKind && !frame.piece_end) {
      // A piece: kept until the frame that ends its event; nothing to give.
      // Its frame is counted with the event (pieces that damage cuts off are
      // lost with it, and no count says they were read), and its pass is the
      // last given only then.
      read_tyme = tyme;
      last_part = part;
      last_exit = frame.exit;
      return true;
    }
    const std::uint64_t view_at = pieces ? pieces->offset : at;
    const std::uint64_t view_frames = pieces ? pieces->frames : 1;
    if (frame.piece_end) join_pieces();
    if (options.verify_digest) {
      for (const ChannelEvent& e : frame.events)
        digest.add(e);
    }
    const bool gap = note_marked_hole(at);
    // Events were lost in a hole unless the seqs either side are consecutive
    // (hio's hub numbers its events 0, 1, 2, ...; every frame has one). The
    // hole before an event in pieces was taken at its first piece.
    const bool lost = gap || lost_before(frame.events.front().seq);
    const bool scanned = scanned_past.has_value();
    take_hole(at, lost);
    events_read += frame.events.size();
    frames += view_frames;
    last_pass = pass;
    last_tyme = tyme;
    read_tyme = tyme;
    last_part = part;
    last_exit = frame.exit;
    last_seq = seq;
    view = FrameView{pass,
                     tyme,
                     part,
                     view_at,
                     at + total - view_at,
                     frame.events,
                     frame.exit,
                     (scanned && lost) || hole_marked,
                     view_frames};
    loaded = true;
    return true;
  }

  // A frame marked holeBefore (options.resync: it is read), or one that
  // frames are missing before (missing_before()), is a hole of its own, of
  // no bytes: true if it is one.
  bool note_marked_hole(std::uint64_t at) {
    std::optional<JournalError> why = std::move(missing);
    missing.reset();
    if (frame.hole_before) {
      why = JournalError{JournalErrorKind::hole, at, last_pass, last_tyme,
                         "frames of the recorded run are missing before this one (marked by a "
                         "salvage that skipped damage there)"};
    }
    if (!why) return false;
    holes.push_back(JournalHole{at, at, std::move(*why), true});
    return true;
  }

  // Frames the file does not hold right before an intact frame, with no
  // damage read there (a frame removed whole, or out of its place): a later
  // part than the next, or a first event whose seq is not the next one (hio
  // numbers a run's events 0, 1, 2, ...; every frame has one, so a frame
  // missing anywhere, the first included, leaves a gap). The journal's first
  // seq may be other than 0 if hio before 0.16 wrote it (engine_era.hpp). Damage without
  // resync (bad_order, at the frame); with it the frame is taken, after a
  // hole of no bytes that lost events (`missing`, taken by
  // note_marked_hole), unless it is read among an event's pieces: their
  // frames between are lost, and so is the event (damage: the scan drops the
  // pieces). After a hole already, checked there.
  bool missing_before(std::uint64_t at, const std::string& where, std::uint32_t part) {
    missing.reset();
    if (scanned_past || frame.hole_before) return true;
    const std::uint64_t seq = frame.events.front().seq;
    const bool part_gap = frame.part > part;
    const bool seq_gap =
        !frame.continued &&
        (last_seq ? seq > *last_seq + 1
                  : seq != 0 && !detail::first_seq_may_be_late(header->engine_version));
    if (!part_gap && !seq_gap) return true;
    std::string why = where + ":";
    if (part_gap) why += " expected part " + std::to_string(part) + ";";
    if (seq_gap) {
      why += " its first event has seq " + std::to_string(seq) +
             (last_seq ? ", after seq " + std::to_string(*last_seq) : ", the journal's first") +
             " (hio numbers a run's events 0, 1, 2, ...);";
    }
    why += " frames of the recorded run are missing before it";
    if (!options.resync || pieces) {
      fail(JournalErrorKind::bad_order, at, std::move(why));
      return false;
    }
    missing = JournalError{JournalErrorKind::bad_order, at, last_pass, last_tyme, std::move(why)};
    return true;
  }

  // Every frame of an event in pieces has the exit flag of its first: the
  // event is the exit's or not, whole. Checked before the exit's own order
  // (after a marked piece, an unmarked one would read as "follows the run's
  // exit"), so the error names the pieces. After a scan the frame found is
  // not theirs if its flag differs (accept_pieces drops them).
  bool same_exit_as_pieces(std::uint64_t at, const std::string& where) {
    if (!frame.continued || !pieces || scanned_past || frame.exit == pieces->exit) return true;
    fail(JournalErrorKind::bad_order, at,
         where + (frame.exit ? " is" : " is not") +
             " marked as the run's exit, but continues an event in pieces (seq " +
             std::to_string(pieces->seq) + ", first frame at byte " +
             std::to_string(pieces->offset) + ") whose first frame " +
             (pieces->exit ? "is" : "is not") + " (every frame of the event has the same flag)");
    return false;
  }

  bool lost_before(std::uint64_t seq) const { return seq != (last_seq ? *last_seq + 1 : 0); }

  // The first frame after damage among pieces joins them if it is their next
  // part; else they are lost with the damage, once the frame is taken (one
  // with no place is skipped, and the pieces wait for the next frame found).
  bool drops_scanned_pieces(bool same_pass) const {
    if (!pieces || !scanned_past) return false;
    const ChannelEvent& e = frame.events.front();
    const bool next = frame.continued && e.kind == detail::kPieceKind && frame.events.size() == 1 &&
                      same_pass && frame.part == last_part + 1 && e.channel == pieces->channel &&
                      e.seq == pieces->seq && frame.exit == pieces->exit;
    return !next;
  }

  // The rules of an event in pieces (docs/journal-format.md): a piece is
  // alone in its frame; a `continued` frame follows a piece, in the same
  // pass, and holds the next piece of the same event (channel and seq); a
  // frame after a piece is `continued`; only a `continued` piece is marked
  // `pieceEnd`; the joined strings stay within options.event_bytes_max.
  bool accept_pieces(std::uint64_t at, const std::string& where, bool same_pass) {
    const std::size_t n = frame.events.size();
    const bool piece = frame.events.front().kind == detail::kPieceKind;
    // The pieces this frame is checked against: none if it would drop them.
    const EventPieces* open = drops_scanned_pieces(same_pass) || !pieces ? nullptr : &*pieces;
    for (const ChannelEvent& e : frame.events) {
      if (e.kind == detail::kPieceKind && n != 1) {
        fail(JournalErrorKind::bad_message, at,
             where + " holds a piece of an event and other events (a piece is alone in its frame)");
        return false;
      }
    }
    if (frame.piece_end && (!piece || !frame.continued)) {
      fail(JournalErrorKind::bad_message, at,
           where + " is marked as the end of an event in pieces but does not continue one");
      return false;
    }
    if (frame.continued && !piece) {
      fail(JournalErrorKind::bad_message, at,
           where + " continues an event in pieces with an event that is not a piece");
      return false;
    }
    if (!frame.continued) {
      if (!open) return true;
      fail(JournalErrorKind::bad_order, at,
           where + " does not continue the event (seq " + std::to_string(open->seq) +
               ") whose pieces end the frames before it");
      return false;
    }
    if (!open) {
      fail(JournalErrorKind::bad_order, at,
           where + " continues an event whose pieces were not read before it");
      return false;
    }
    const ChannelEvent& first = frame.events.front();
    if (!same_pass || first.channel != open->channel || first.seq != open->seq) {
      fail(JournalErrorKind::bad_order, at,
           where + " continues another event than the one in pieces before it (seq " +
               std::to_string(open->seq) + ", channel " + std::to_string(open->channel) +
               ", tyme " + std::to_string(read_tyme->time_since_epoch().count()) + " ns)");
      return false;
    }
    const std::uint64_t size = open->bytes.size() + open->peer.size() + open->text.size() +
                               first.bytes.size() + first.peer.size() + first.text.size();
    if (size > options.event_bytes_max) {
      fail(JournalErrorKind::bad_message, at,
           where + " makes an event of more than " + std::to_string(options.event_bytes_max) +
               " bytes (ReaderOptions::event_bytes_max)");
      return false;
    }
    return true;
  }

  // The frame of one piece was accepted: its strings are kept (the last one's
  // too: join_pieces() gives them).
  void take_piece(std::uint64_t at) {
    const ChannelEvent& e = frame.events.front();
    if (frame.continued) {
      take_hole(at, false);  // the scan found the pieces' next part: nothing lost
    } else {
      const bool gap = note_marked_hole(at);
      const bool lost = gap || lost_before(e.seq);
      const bool scanned = scanned_past.has_value();
      take_hole(at, lost);
      pieces.emplace();
      pieces->offset = at;
      pieces->channel = e.channel;
      pieces->seq = e.seq;
      pieces->hole_before = (scanned && lost) || gap;
      pieces->exit = frame.exit;
    }
    ++pieces->frames;
    pieces->bytes.append(e.bytes);
    pieces->peer.append(e.peer);
    pieces->text.append(e.text);
  }

  // The joined strings of the event last given, once the caller is done with
  // it (it reads another frame): an event in pieces holds up to
  // event_bytes_max, grown by doubling, which is not kept for the next.
  void release_joined() {
    if (joined_bytes.capacity() + joined_peer.capacity() + joined_text.capacity() == 0) return;
    std::string().swap(joined_bytes);
    std::string().swap(joined_peer);
    std::string().swap(joined_text);
  }

  // The frame that ends an event in pieces (pieceEnd): its piece becomes the
  // event, of the kind the frame names, with the whole strings.
  void join_pieces() {
    ChannelEvent& e = frame.events.front();
    e.kind = frame.piece_kind;
    joined_bytes = std::move(pieces->bytes);
    joined_peer = std::move(pieces->peer);
    joined_text = std::move(pieces->text);
    e.bytes = joined_bytes;
    e.peer = joined_peer;
    e.text = joined_text;
    pieces.reset();
  }

  bool accept_trailer(std::uint64_t at, std::size_t total) {
    if (!header) {
      fail(JournalErrorKind::bad_order, at, "a trailer before the header");
      return false;
    }
    if (pieces && scanned_past) drop_scanned_pieces();
    if (pieces) {
      fail(JournalErrorKind::bad_order, at,
           "the trailer follows pieces of an event (seq " + std::to_string(pieces->seq) +
               ") without the frame that ends it");
      return false;
    }
    trailer = frame.trailer;
    // A journal of hio before 0.18 says hio's own failure by its end text
    // only; from 0.18 the field alone does (a doer may throw that text).
    if (detail::end_by_hio_unwritten(header->engine_version) && trailer->end == RunOutcome::error &&
        trailer->end_text == HostLookupOutOfMemory::kWhat)
      trailer->end_by_hio = true;
    take_hole(at, frame.trailer.frames != frames || frame.trailer.events != events_read);
    const JournalTrailer& t = *trailer;
    std::string wrong;
    auto compare = [&wrong](const char* what, const std::string& says, const std::string& read) {
      if (says != read)
        wrong += std::string(wrong.empty() ? "" : "; ") + what + " " + says + " in the trailer, " +
                 read + " read";
    };
    compare("frames", std::to_string(t.frames), std::to_string(frames));
    compare("events", std::to_string(t.events), std::to_string(events_read));
    if (options.verify_digest)
      compare("digest", format_digest(t.digest), format_digest(digest.value()));
    if (!wrong.empty()) {
      if (!holes.empty()) {
        wrong += " (the frames of " + std::to_string(holes.size()) +
                 (holes.size() == 1 ? " hole were" : " holes were") + " not read)";
      }
      fail(JournalErrorKind::bad_trailer, at, "the trailer disagrees with the journal: " + wrong);
      return false;
    }
    offset = at + total;
    source->advance(total);
    std::string_view rest = source->get(1);
    if (!rest.empty()) {
      fail(JournalErrorKind::trailing_data, offset, "bytes follow the trailer");
      return false;
    }
    complete = true;
    return false;  // nothing more to read
  }

  // The scan past `scanned_past` took the frame at `at`: the bytes between
  // are a hole.
  void take_hole(std::uint64_t at, bool lost) {
    if (!scanned_past) return;
    holes.push_back(
        JournalHole{hole_from.value_or(scanned_past->offset), at, std::move(*scanned_past), lost});
    scanned_past.reset();
    hole_from.reset();
  }

  // Pieces read before the damage a scan is past, which the frame it found
  // does not continue: lost with it, the hole starts at the first of them.
  // Holes taken among them (damage before a piece the scan found) lie in it:
  // they become this one, whose damage is the first of theirs.
  void drop_scanned_pieces() {
    const std::uint64_t from = pieces->offset;
    hole_from = from;
    auto inside = std::find_if(holes.begin(), holes.end(),
                               [from](const JournalHole& h) { return h.offset >= from; });
    if (inside != holes.end()) {
      scanned_past = std::move(inside->why);
      holes.erase(inside, holes.end());
    }
    pieces.reset();
  }

  // Whether the CRC32C of a frame of `length` bytes at `at` may be computed.
  // Without resync, always: the reading stops at the first frame that fails.
  // With it, damage could cost a CRC at every byte: a crafted region whose
  // bytes every few offsets claim a frame of megabytes, which every check
  // below passes, would cost time quadratic in its size. So the bytes checked
  // and not taken may not exceed kCheckFactor x the bytes before the frame +
  // frame_bytes_max: the work is linear in the input. Real damage never comes
  // near it (a frame that fails its check is one per damaged frame and about
  // one per 10^9 offsets of random bytes); past it a candidate is passed over
  // as bytes of the hole, and the scan goes on.
  static constexpr std::uint64_t kCheckFactor = 4;
  bool affordable(std::uint64_t at, std::uint32_t length) const {
    if (!options.resync) return true;
    const std::uint64_t limit = std::min(options.frame_bytes_max, kFrameBytesLimit);
    return wasted + length <= kCheckFactor * at + limit;
  }

  static bool resyncable(JournalErrorKind kind) {
    switch (kind) {
      case JournalErrorKind::truncated:  // a length past the end may be garbage's
      case JournalErrorKind::bad_length:
      case JournalErrorKind::bad_crc:
      case JournalErrorKind::bad_message:
      case JournalErrorKind::bad_order:
        return true;
      default:
        return false;
    }
  }

  // Whether a frame can start at `p` (at least 9 bytes): a length within the
  // limits, and a first packed byte that can start a message's segment table
  // (at most 2^16 segments, a first segment that is not empty: the tag's bits
  // 2 and 3 clear, one of 4-7 set). Random bytes pass about 1 time in 270.
  bool plausible_head(const unsigned char* p) const {
    const std::uint32_t length = detail::load_le32(p);
    const unsigned char tag = p[detail::kFrameHeaderSize];
    return length != 0 && length <= std::min(options.frame_bytes_max, kFrameBytesLimit) &&
           (tag & 0x0C) == 0 && (tag & 0xF0) != 0;
  }

  // Whether a packed payload can begin a message whose root is a struct like
  // Frame: it unpacks the segment table and the root pointer (a struct
  // pointer, 1 to 16 data words and 1 to 16 pointers; Frame has 1 and 1).
  // At most 60 segments (the table and the root pointer fit kWords): hio's
  // writer uses one, Cap'n Proto's builder a few that grow geometrically.
  // Random bytes pass about 1 time in 10^7 (a struct pointer with such
  // sections: 2^-2 x 2^-12 x 2^-12), so the CRC32C - which garbage's
  // lengths of up to frame_bytes_max would make cost seconds per megabyte
  // scanned - is computed almost only over frames. Crafted bytes pass at
  // will: affordable() bounds what they cost.
  static bool plausible_message(std::string_view payload) {
    constexpr std::size_t kWords = 32;
    std::uint64_t words[kWords] = {};
    std::size_t got = 0;
    std::size_t i = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(payload.data());
    const std::size_t n = payload.size();
    while (got < kWords && i < n) {
      const unsigned char tag = p[i++];
      unsigned char word[8] = {};
      for (int bit = 0; bit < 8; ++bit) {
        if ((tag & (1U << bit)) == 0) continue;
        if (i >= n) return false;
        word[bit] = p[i++];
      }
      words[got++] = detail::load_le64(word);
      if (tag != 0x00 && tag != 0xFF) continue;
      if (i >= n) return false;
      const std::size_t run = p[i++];  // more zero words, or words copied as is
      for (std::size_t k = 0; k < run && got < kWords; ++k) {
        if (tag == 0xFF) {
          if (i + 8 > n) return false;
          words[got] = detail::load_le64(p + i);
          i += 8;
        }
        ++got;
      }
    }
    const std::uint64_t segments = (words[0] & 0xFFFFFFFF) + 1;
    const std::size_t table_words = static_cast<std::size_t>(segments + 2) / 2;
    if (table_words >= got) return false;
    const std::uint64_t root = words[table_words];
    const std::uint64_t data_words = (root >> 32) & 0xFFFF;
    const std::uint64_t pointers = root >> 48;
    return (root & 3) == 0 && data_words >= 1 && data_words <= 16 && pointers >= 1 &&
           pointers <= 16;
  }

  // Whether the bytes at the source's position are a frame: a plausible head
  // and message, a frame the input holds whole, and its CRC32C.
  bool candidate(std::uint64_t at) {
    constexpr std::size_t head_bytes = detail::kFrameHeaderSize + 1;
    std::string_view head = source->get(head_bytes);
    if (head.size() < head_bytes) return false;
    const auto* hp = reinterpret_cast<const unsigned char*>(head.data());
    if (!plausible_head(hp)) return false;
    const std::uint32_t length = detail::load_le32(hp);
    const std::uint32_t stored_crc = detail::load_le32(hp + 4);
    constexpr std::size_t kPeek = 32 * 10;  // packed bytes enough for 32 words
    std::string_view start =
        source->get(detail::kFrameHeaderSize + std::min<std::size_t>(length, kPeek));
    if (!plausible_message(start.substr(detail::kFrameHeaderSize))) return false;
    if (!affordable(at, length)) return false;
    const std::size_t total = detail::kFrameHeaderSize + length;
    std::string_view whole = source->get(total);
    if (whole.size() < total) return false;
    checked += length;
    if (crc32c(whole.substr(detail::kFrameHeaderSize)) == stored_crc) return true;
    wasted += length;
    return false;
  }

  // options.resync, after damage (error()) at `offset`: scans forward for the
  // next frame that validates and takes its place in the journal (read_frame
  // checks it as any frame, parts after a hole excepted), and goes on from
  // it. A frame that validates but has no place (a second header, a pass
  // frame that is not later, seqs that go back) is skipped like garbage. A
  // trailer ends the scan. Nothing found: the damage stands (the input ends
  // in it), and valid_bytes() is where it starts.
  void resync() {
    while (options.resync && header && !trailer && error && resyncable(error->kind)) {
      // Pieces read so far are kept: the frame the scan finds joins them if
      // it is their next part (accept_pieces), else they are lost. If
      // nothing is found, the intact prefix ends before them.
      const std::uint64_t valid_at = valid_bytes();
      scanned_past = std::move(error);
      error.reset();
      std::uint64_t at = offset;
      for (;;) {
        if (source->get(1).empty()) {
          error = std::move(scanned_past);
          error->message += pieces_cut_off();
          scanned_past.reset();
          hole_from.reset();
          pieces.reset();
          offset = valid_at;
          return;
        }
        source->advance(1);
        ++at;
        if (!candidate(at)) continue;
        offset = at;
        if (read_frame()) return;  // a pass frame, after the hole
        if (trailer) break;        // the trailer: complete, or disagreeing (final)
        error.reset();             // valid bytes with no place here: skipped
        offset = at;
      }
    }
  }

  // Loads the next pass frame into `view`, or stops.
  void load() {
    if (!loaded) release_joined();
    try {
      // A second header or a trailer never leaves a frame loaded; a piece of
      // an event leaves the rest of it to read.
      while (!loaded && !stopped()) {
        read_frame();
        resync();
      }
    } catch (const std::system_error& e) {
      fail(JournalErrorKind::io, offset, e.what());
    }
  }

  std::uint64_t events_read = 0;
};

JournalReader::JournalReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->start();
}

JournalReader::JournalReader(const std::string& path, ReaderOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  if (const std::string kind = path == "-" ? "" : never_read_kind(path); !kind.empty()) {
    impl_->fail(JournalErrorKind::io, 0, "'" + path + "' is " + kind + ", not a journal");
    return;
  }
  try {
    impl_->source = detail::open_file_source(path, options.stop);
  } catch (const std::system_error& e) {
    impl_->fail(JournalErrorKind::io, 0, e.what());
    return;
  }
  impl_->start();
}

JournalReader JournalReader::from_memory(std::string_view bytes, ReaderOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->source = detail::memory_source(bytes);
  return JournalReader(std::move(impl));
}

JournalReader::~JournalReader() = default;

// A moved-from reader has no Impl: its const calls answer from one shared
// Impl that read nothing and says why, as a reader that could not read; its
// next() and peek() give nothing. Moving allocates nothing.
const JournalReader::Impl& JournalReader::state() const {
  struct MovedFrom {
    MovedFrom() {
      impl.fail(JournalErrorKind::io, 0, "this JournalReader was moved from: it reads nothing");
    }
    Impl impl;
  };
  static const MovedFrom moved;
  return impl_ ? *impl_ : moved.impl;
}

JournalReader::JournalReader(JournalReader&& other) noexcept = default;
JournalReader& JournalReader::operator=(JournalReader&& other) noexcept = default;

const JournalHeader* JournalReader::header() const {
  return state().header ? &*state().header : nullptr;
}

const FrameView* JournalReader::next() {
  if (!impl_) return nullptr;
  impl_->load();
  if (!impl_->loaded) return nullptr;
  impl_->loaded = false;
  return &impl_->view;
}

const FrameView* JournalReader::peek() {
  if (!impl_) return nullptr;
  impl_->load();
  return impl_->loaded ? &impl_->view : nullptr;
}

bool JournalReader::complete() const {
  return state().complete;
}
bool JournalReader::trailer_agrees() const {
  // accept_trailer fails trailing_data only after the trailer agreed.
  return state().complete || (state().trailer && state().error &&
                              state().error->kind == JournalErrorKind::trailing_data);
}
const std::optional<JournalError>& JournalReader::error() const {
  return state().error;
}
const JournalTrailer* JournalReader::trailer() const {
  return state().trailer ? &*state().trailer : nullptr;
}
std::uint64_t JournalReader::valid_bytes() const {
  return state().valid_bytes();
}
std::uint64_t JournalReader::checked_bytes() const {
  return state().checked;
}
std::uint64_t JournalReader::frames_read() const {
  return state().frames;
}
std::uint64_t JournalReader::events_read() const {
  return state().events_read;
}
std::uint64_t JournalReader::digest() const {
  return state().digest.value();
}
std::optional<std::uint64_t> JournalReader::last_pass() const {
  return state().last_pass;
}
std::optional<Tyme> JournalReader::last_tyme() const {
  return state().last_tyme;
}
std::optional<Tyme> JournalReader::read_tyme() const {
  return state().read_tyme;
}
const std::vector<JournalHole>& JournalReader::holes() const {
  return state().holes;
}

namespace {

JournalContents drain(JournalReader& reader) {
  JournalContents out;
  if (reader.header()) out.header = *reader.header();
  while (const FrameView* f = reader.next()) {
    PassRecord record{f->pass, f->tyme, f->part, {}, f->exit};
    record.events.reserve(f->events.size());
    for (const ChannelEvent& e : f->events)
      record.events.push_back(OwnedEvent::from(e));
    out.frames.push_back(std::move(record));
  }
  if (reader.trailer()) out.trailer = *reader.trailer();
  out.error = reader.error();
  out.valid_bytes = reader.valid_bytes();
  out.digest = reader.digest();
  return out;
}

}  // namespace

JournalContents read_journal(const std::string& path, ReaderOptions options) {
  JournalReader reader(path, options);
  return drain(reader);
}

JournalContents read_journal_memory(std::string_view bytes, ReaderOptions options) {
  JournalReader reader = JournalReader::from_memory(bytes, options);
  return drain(reader);
}

bool is_journal(std::string_view bytes) {
  return bytes.size() >= detail::kMagic.size() &&
         std::equal(detail::kMagic.begin(), detail::kMagic.end(), bytes.begin(),
                    [](unsigned char a, char b) { return a == static_cast<unsigned char>(b); });
}

}  // namespace hio::replay
