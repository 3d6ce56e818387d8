#include "hio/replay/writer.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "codec.hpp"
#include "engine_era.hpp"
#include "file_out.hpp"
#include "format.hpp"
#include "hio/engine/report.hpp"
#include "hio/replay/crc32c.hpp"
#include "hio/replay/digest.hpp"
#include "hio/replay/event_batch.hpp"
#include "le.hpp"
#include "packed.hpp"

namespace hio::replay {

namespace {

// Output buffer room beyond buffer_bytes (see the constructor).
constexpr std::size_t kBufferSlack = 16 * 1024;

// The strings of an event, which a large one has split into pieces.
std::size_t string_bytes(const ChannelEvent& e) {
  return e.bytes.size() + e.peer.size() + e.text.size();
}

// The digest holds a string's length in 32 bits (docs/journal-format.md):
// a longer one would digest as other events do. No run makes one (hio run's
// buffers are at most 256 MiB, a reader joins at most 1 GiB by default).
constexpr std::uint64_t kStringBytesLimit = std::uint64_t{1} << 32;

// The part of `field`, which starts at byte `field_at` of an event's strings
// (bytes, then peer, then text), that lies in [from, to).
std::string_view slice(std::string_view field, std::size_t field_at, std::size_t from,
                       std::size_t to) {
  const std::size_t begin = std::clamp(from, field_at, field_at + field.size());
  const std::size_t end = std::clamp(to, field_at, field_at + field.size());
  return field.substr(begin - field_at, end - begin);
}

// `event` with only its strings' bytes [from, to) (bytes, then peer, then text).
ChannelEvent strings_between(const ChannelEvent& event, std::size_t from, std::size_t to) {
  ChannelEvent cut = event;
  cut.bytes = slice(event.bytes, 0, from, to);
  cut.peer = slice(event.peer, event.bytes.size(), from, to);
  cut.text = slice(event.text, event.bytes.size() + event.peer.size(), from, to);
  return cut;
}

}  // namespace

struct JournalWriter::Impl {
  Impl(const std::string& path, WriterOptions opts)
      : options(opts), file(path, opts.name, opts.fd) {}

  WriterOptions options;
  detail::FileOut file;
  detail::FrameEncoder encoder;
  std::optional<JournalHeader> header;
  std::optional<JournalTrailer> trailer;
  EventDigest digest;
  std::uint64_t frames = 0;
  std::optional<Tyme> last_tyme;
  std::uint32_t last_part = 0;
  bool last_exit = false;
  bool hole_next = false;  // mark_hole(): the next pass frame is marked holeBefore
  std::optional<std::uint64_t> last_seq;
  std::string failure;  // non-empty once the file failed
  // Non-empty once a pass was written in part (a frame of a split pass
  // failed after others): the writer takes nothing more, but what it wrote
  // is flushed as a cut journal, which reads up to that pass.
  std::string broken;

  [[noreturn]] void refuse(const std::string& why) const {
    throw std::logic_error("journal writer '" + file.path() + "': " + why);
  }

  // Refuses an event with a string of 4 GiB or more, before anything is
  // written (the writer stays usable). Asked of every event: one test here
  // (the limit is a power of two, so a size at or over it has a bit the OR
  // keeps), the refusal and its message out of line. As one call per event
  // it cost ~50 instructions, 6% of journaling a short event.
  void refuse_too_long(const ChannelEvent& e) const {
    static_assert((kStringBytesLimit & (kStringBytesLimit - 1)) == 0);
    if ((e.bytes.size() | e.peer.size() | e.text.size()) >= kStringBytesLimit) [[unlikely]] {
      refuse_long_string(e);
    }
  }
  [[noreturn, gnu::noinline, gnu::cold]] void refuse_long_string(const ChannelEvent& e) const {
    const std::pair<const char*, std::size_t> fields[] = {
        {"bytes", e.bytes.size()}, {"peer", e.peer.size()}, {"text", e.text.size()}};
    for (const auto& [name, size] : fields) {
      if (size < kStringBytesLimit) continue;
      throw std::length_error(
          "journal writer '" + file.path() + "': event seq " + std::to_string(e.seq) + " has " +
          std::to_string(size) + " bytes of " + name +
          ": a journal holds strings of less than 4 GiB (" + std::to_string(kStringBytesLimit) +
          " bytes; its digest holds their lengths in 32 bits)");
    }
    throw std::logic_error("journal writer: refuse_long_string with no long string");
  }

  void require_open(const char* call) const {
    if (!failure.empty()) refuse(std::string(call) + " after the file failed: " + failure);
    if (!broken.empty()) refuse(std::string(call) + " after " + broken);
    if (trailer) refuse(std::string(call) + " after finish()");
  }

  // Runs an operation on the file; a system error makes the writer unusable.
  template <typename Fn>
  void on_file(Fn&& fn) {
    try {
      fn();
    } catch (const std::system_error& e) {
      failure = e.what();
      throw;
    }
  }

  void flush_out() {
    on_file([&] {
      file.flush();
      if (options.sync) file.sync();
    });
  }

  std::uint64_t pass_of(Tyme tyme) const { return pass_number(tyme, header->tock); }

  // write_pass's checks and bookkeeping around `encode(out, pass, part,
  // marks)`, which appends the frame's packed message for `events` and
  // returns its size. An event whose strings exceed piece_bytes() is written
  // in pieces (piece_frames), in frames of its own.
  template <typename Encode>
  void pass(Tyme tyme, std::span<const ChannelEvent> events, bool exit, Encode&& encode);

  // The most string bytes (bytes, peer and text) of an event that a frame
  // takes whole: half what the frame limits allow, so that the frame's other
  // words and the packing's worst case (10 bytes per 8) stay within them.
  std::size_t piece_bytes() const {
    const std::uint64_t limit = std::min<std::uint64_t>(
        {options.frame_bytes_max, kFrameBytesLimit, options.message_bytes_max});
    return static_cast<std::size_t>(std::max<std::uint64_t>(limit / 2, 1));
  }

  // One pass frame at `tyme` (the next part if the last frame had that tyme):
  // its marks, the frame, and the bookkeeping of frames and parts.
  template <typename Encode>
  void pass_frame(Tyme tyme, bool exit, bool continued, Encode&& encode) {
    const bool same_pass = last_tyme && *last_tyme == tyme;
    const std::uint32_t part = same_pass ? last_part + 1 : 0;
    const detail::PassMarks marks{exit, hole_next, continued};
    frame([&](detail::ByteBuffer& out) { return encode(out, pass_of(tyme), part, marks); });
    ++frames;
    last_tyme = tyme;
    last_part = part;
    hole_next = false;
  }

  // pass_frame, or false (and nothing written) if the frame would exceed a
  // limit (std::length_error): then the caller writes the events in parts.
  template <typename Encode>
  bool try_pass_frame(Tyme tyme, bool exit, Encode&& encode) {
    try {
      pass_frame(tyme, exit, false, encode);
      return true;
    } catch (const std::length_error&) {
      return false;
    }
  }

  // The frames of events some of which are too large for one frame: the
  // others in frames as they come (small_frames), each large one in frames
  // of its own.
  void split_frames(Tyme tyme, std::span<const ChannelEvent> events, bool exit);
  // Events none of which is too large for a frame: in one frame if it fits,
  // else in consecutive parts (part_frames).
  void small_frames(Tyme tyme, std::span<const ChannelEvent> events, bool exit);
  // The same events in parts, each as many events as surely fit the limits
  // (fits()), at least one: frames smaller than the recorder's parts cut
  // its batch into parts of the pass, as the format has always allowed.
  void part_frames(Tyme tyme, std::span<const ChannelEvent> events, bool exit);
  // Whether a pass frame of `event_words` words of events (detail::event_words)
  // is sure to fit the frame limits however it packs: its segment table and
  // head (plus room for the far pointers and segment tables of a message
  // that outgrows one segment), at packed_bytes_max's 10 bytes per word.
  bool fits(std::size_t event_words) const {
    constexpr std::size_t kSegmentsSlackWords = 256;
    std::uint64_t words = 1 + detail::pass_head_words + event_words;
    if (words > detail::first_segment_words) words += kSegmentsSlackWords;
    const std::uint64_t limit = std::min(options.frame_bytes_max, kFrameBytesLimit);
    return detail::packed_bytes_max(words) <= limit && words * 8 <= options.message_bytes_max;
  }
  // One large event: pieces (kPieceKind) of piece_bytes() of its strings
  // each, the last with the rest, each in a frame of its own, every frame
  // after the first `continued`, the last `pieceEnd` (docs/journal-format.md).
  void piece_frames(Tyme tyme, const ChannelEvent& event, bool exit);

  // Appends one frame: length and CRC32C in front of the packed message that
  // `encode` appends. On any error the buffer is as before.
  template <typename Encode>
  void frame(Encode&& encode) {
    detail::ByteBuffer& buf = file.buffer();
    const std::size_t start = buf.size();
    buf.reserve_spare(detail::kFrameHeaderSize);
    buf.commit(detail::kFrameHeaderSize);
    std::size_t size = 0;
    try {
      size = encode(buf);
    } catch (...) {
      buf.truncate(start);
      throw;
    }
    const std::uint32_t limit = std::min(options.frame_bytes_max, kFrameBytesLimit);
    if (size > limit) {
      buf.truncate(start);
      throw std::length_error("journal writer '" + file.path() + "': a frame of " +
                              std::to_string(size) + " bytes exceeds the limit of " +
                              std::to_string(limit));
    }
    unsigned char* head = buf.data() + start;
    detail::store_le32(head, static_cast<std::uint32_t>(size));
    detail::store_le32(head + 4, crc32c(head + detail::kFrameHeaderSize, size));
    if (options.flush_each_frame || buf.size() >= options.buffer_bytes) flush_out();
  }
};

JournalWriter::JournalWriter(const std::string& path, WriterOptions options)
    : impl_(std::make_unique<Impl>(path, options)) {
  unsigned char preamble[detail::kPreambleSize] = {};
  std::copy(detail::kMagic.begin(), detail::kMagic.end(), preamble);
  detail::store_le32(preamble + 8, kFormatVersion);
  detail::store_le32(preamble + 12, 0);  // flags: none defined
  // Room for a full buffer and a typical frame beyond it: the buffer grows
  // only for a bigger frame.
  impl_->file.buffer().reserve_spare(options.buffer_bytes + kBufferSlack);
  impl_->file.buffer().append(preamble, sizeof preamble);
}

JournalWriter::~JournalWriter() {
  if (impl_->trailer || !impl_->failure.empty()) return;
  // Without a header there is no journal to leave: its preamble alone would
  // read as one cut before its header, and on a pipe or a device (whose
  // writes cannot be taken back) its write could fail with a message about
  // frames that never were. Nothing is written (writer.hpp).
  if (!impl_->header) return;
  try {
    impl_->file.flush();
  } catch (const std::exception& e) {
    // A destructor cannot throw; the journal reads as truncated either way.
    report({"journal '", impl_->file.path(),
            "' was not finished and its last frames were lost: ", e.what()});
  }
}

void JournalWriter::write_header(JournalHeader header) {
  Impl& m = *impl_;
  m.require_open("write_header");
  if (m.header) m.refuse("write_header called twice");
  if (header.tock <= Tock{0}) {
    m.refuse("the header's tock must be > 0, got " + format_seconds(header.tock) + " s");
  }
  header.format_version = kFormatVersion;
  if (header.engine_version.empty()) header.engine_version = engine_version();
  header.scenario_digest = digest_bytes(header.scenario);
  m.frame([&](detail::ByteBuffer& out) {
    return m.encoder.header(out, header, m.options.message_bytes_max);
  });
  m.header = std::move(header);
}

void JournalWriter::write_pass(Tyme tyme, std::span<const ChannelEvent> events, bool exit) {
  impl_->pass(tyme, events, exit,
              [&](detail::ByteBuffer& out, std::uint64_t pass, std::uint32_t part,
                  detail::PassMarks marks) {
                return impl_->encoder.pass(out, pass, tyme, part, marks, events,
                                           impl_->options.message_bytes_max);
              });
}

void JournalWriter::write_pass(Tyme tyme, EventBatch& batch, bool exit) {
  const std::span<const ChannelEvent> events = batch.events();
  impl_->pass(tyme, events, exit,
              [&](detail::ByteBuffer& out, std::uint64_t pass, std::uint32_t part,
                  detail::PassMarks marks) {
                const EventBatch::FrameLayout at = batch.frame_layout();
                return impl_->encoder.pass_around(out, pass, tyme, part, marks, events, at.blobs,
                                                  at.blob_words, at.room_words,
                                                  impl_->options.message_bytes_max);
              });
}

template <typename Encode>
void JournalWriter::Impl::pass(Tyme tyme, std::span<const ChannelEvent> events, bool exit,
                               Encode&& encode) {
  Impl& m = *this;
  m.require_open("write_pass");
  if (!m.header) m.refuse("write_pass before write_header");
  if (events.empty()) m.refuse("write_pass with no events (passes without events have no frame)");
  if (tyme < Tyme{}) m.refuse("negative tyme " + format_seconds(tyme) + " s");
  if (m.last_tyme && tyme < *m.last_tyme) {
    m.refuse("tyme went back from " + format_seconds(*m.last_tyme) + " s to " +
             format_seconds(tyme) + " s");
  }
  if (exit && !m.header->exit_marked) {
    m.refuse("an exit frame in a journal whose header does not mark exits (exit_marked)");
  }
  if (m.last_exit && (!exit || tyme != *m.last_tyme)) {
    m.refuse("a frame at tyme " + format_seconds(tyme) + " s after the run's exit at " +
             format_seconds(*m.last_tyme) + " s (only more of the exit may follow it)");
  }
  std::optional<std::uint64_t> seq = m.last_seq;
  for (const ChannelEvent& e : events) {
    if (e.tyme != tyme) {
      m.refuse("an event at tyme " + format_seconds(e.tyme) + " s in the frame of tyme " +
               format_seconds(tyme) + " s");
    }
    if (seq && e.seq <= *seq) {
      m.refuse("event seq " + std::to_string(e.seq) + " after seq " + std::to_string(*seq));
    }
    // A gap reads as frames lost (the reader's damage), unless the frame
    // after it is marked as after a hole (mark_hole(), a salvage's). The
    // first seq of a journal of hio before 0.16 (a salvage's copy) may be
    // other than 0, as the reader takes it (engine_era.hpp).
    const bool late_first = !seq && detail::first_seq_may_be_late(m.header->engine_version);
    if (e.seq != (seq ? *seq + 1 : 0) && !late_first && !(m.hole_next && &e == &events.front())) {
      m.refuse("event seq " + std::to_string(e.seq) +
               (seq ? " after seq " + std::to_string(*seq) : std::string(" first")) +
               ": seqs are consecutive from 0 (hio numbers a run's events 0, 1, 2, ...; a "
               "reader takes a gap for frames lost), unless mark_hole() says events are "
               "missing");
    }
    seq = e.seq;
    m.refuse_too_long(e);
  }
  const std::size_t piece = m.piece_bytes();
  const bool whole = std::none_of(events.begin(), events.end(), [piece](const ChannelEvent& e) {
    return string_bytes(e) > piece;
  });
  if (!whole || !m.try_pass_frame(tyme, exit, encode)) {
    // Several frames: one that fails after others were written leaves the
    // journal with part of the pass; the writer takes no more. One that
    // fails first wrote nothing: the writer stays usable (writer.hpp).
    const std::uint64_t frames_before = m.frames;
    try {
      if (whole) {
        m.part_frames(tyme, events, exit);  // one frame was tried: too large
      } else {
        m.split_frames(tyme, events, exit);
      }
    } catch (const std::system_error&) {
      throw;  // the file failed (on_file)
    } catch (const std::exception& e) {
      if (m.frames != frames_before)
        m.broken = std::string("a pass was written in part: ") + e.what();
      throw;
    }
  }
  for (const ChannelEvent& e : events)
    m.digest.add(e);
  m.last_exit = exit;
  m.last_seq = seq;
}

void JournalWriter::Impl::split_frames(Tyme tyme, std::span<const ChannelEvent> events, bool exit) {
  const std::size_t piece = piece_bytes();
  std::size_t start = 0;  // of the events not yet written
  auto flush_until = [&](std::size_t end) {
    if (end > start) small_frames(tyme, events.subspan(start, end - start), exit);
  };
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (string_bytes(events[i]) <= piece) continue;
    flush_until(i);
    piece_frames(tyme, events[i], exit);
    start = i + 1;
  }
  flush_until(events.size());
}

void JournalWriter::Impl::small_frames(Tyme tyme, std::span<const ChannelEvent> events, bool exit) {
  const bool one = try_pass_frame(tyme, exit,
                                  [&](detail::ByteBuffer& out, std::uint64_t pass,
                                      std::uint32_t part, detail::PassMarks marks) {
                                    return encoder.pass(out, pass, tyme, part, marks, events,
                                                        options.message_bytes_max);
                                  });
  if (!one) part_frames(tyme, events, exit);
}

void JournalWriter::Impl::part_frames(Tyme tyme, std::span<const ChannelEvent> events, bool exit) {
  std::size_t start = 0;  // of the events not yet written
  std::size_t words = 0;  // theirs
  auto flush_until = [&](std::size_t end) {
    const std::span<const ChannelEvent> some = events.subspan(start, end - start);
    pass_frame(tyme, exit, false,
               [&](detail::ByteBuffer& out, std::uint64_t pass, std::uint32_t part,
                   detail::PassMarks marks) {
                 return encoder.pass(out, pass, tyme, part, marks, some, options.message_bytes_max);
               });
    start = end;
    words = 0;
  };
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::size_t w = detail::event_words(events[i]);
    if (i > start && !fits(words + w)) flush_until(i);
    words += w;
  }
  flush_until(events.size());
}

void JournalWriter::Impl::piece_frames(Tyme tyme, const ChannelEvent& event, bool exit) {
  const std::size_t piece = piece_bytes();
  const std::size_t total = string_bytes(event);
  // Every frame holds a piece (an older reader refuses each, so it never
  // takes one for the event): the leading ones piece bytes each and only
  // strings, the last the rest (1 to piece bytes) and the event's other
  // fields, its frame marked pieceEnd with the event's kind.
  const std::size_t last = (total - 1) / piece;
  for (std::size_t i = 0; i <= last; ++i) {
    const std::size_t from = i * piece;
    const std::size_t to = i < last ? from + piece : total;
    ChannelEvent cut = strings_between(event, from, to);
    if (i < last) {
      ChannelEvent lead;
      lead.channel = event.channel;
      lead.tyme = event.tyme;
      lead.seq = event.seq;
      lead.bytes = cut.bytes;
      lead.peer = cut.peer;
      lead.text = cut.text;
      cut = lead;
    }
    cut.kind = detail::kPieceKind;
    pass_frame(tyme, exit, i > 0,
               [&](detail::ByteBuffer& out, std::uint64_t pass, std::uint32_t part,
                   detail::PassMarks marks) {
                 marks.piece_end = i == last;
                 marks.piece_kind = i == last ? event.kind : EventKind{};
                 return encoder.pass(out, pass, tyme, part, marks,
                                     std::span<const ChannelEvent>(&cut, 1),
                                     options.message_bytes_max);
               });
  }
}

void JournalWriter::mark_hole() {
  impl_->require_open("mark_hole");
  impl_->hole_next = true;
}

void JournalWriter::flush() {
  impl_->require_open("flush");
  impl_->flush_out();
}

const JournalTrailer& JournalWriter::finish(const RunSummary& summary) {
  Impl& m = *impl_;
  m.require_open("finish");
  if (!m.header) m.refuse("finish before write_header");
  JournalTrailer trailer;
  trailer.passes = summary.passes;
  trailer.frames = m.frames;
  trailer.events = m.digest.events();
  trailer.digest = m.digest.value();
  trailer.end_tyme = summary.end_tyme;
  trailer.end = summary.end;
  trailer.end_text = summary.end_text;
  trailer.stop_signal = summary.end == RunOutcome::interrupted ? summary.stop_signal : 0;
  trailer.ended_at_pass = summary.ended_at_pass;
  trailer.end_by_hio = summary.end == RunOutcome::error && summary.end_by_hio;
  m.frame([&](detail::ByteBuffer& out) {
    return m.encoder.trailer(out, trailer, m.options.message_bytes_max);
  });
  m.on_file([&] {
    m.file.flush();
    if (m.options.sync) m.file.sync();
    m.file.close();
  });
  m.trailer = std::move(trailer);
  return *m.trailer;
}

const std::string& JournalWriter::path() const {
  return impl_->file.path();
}
const WriterOptions& JournalWriter::options() const {
  return impl_->options;
}
bool JournalWriter::header_written() const {
  return impl_->header.has_value();
}
const JournalHeader& JournalWriter::header() const {
  if (!impl_->header) impl_->refuse("header() before write_header");
  return *impl_->header;
}
bool JournalWriter::finished() const {
  return impl_->trailer.has_value();
}
bool JournalWriter::failed() const {
  return !impl_->failure.empty();
}
std::uint64_t JournalWriter::frames() const {
  return impl_->frames;
}
std::uint64_t JournalWriter::events() const {
  return impl_->digest.events();
}
std::uint64_t JournalWriter::digest() const {
  return impl_->digest.value();
}
std::uint64_t JournalWriter::size_bytes() const {
  // A failed file takes no more: what its buffer holds never reaches it.
  if (!impl_->failure.empty()) return impl_->file.written();
  return impl_->file.written() + impl_->file.buffer().size();
}
std::uint64_t JournalWriter::flushed_bytes() const {
  return impl_->file.written();
}
std::optional<JournalCut> JournalWriter::cut_seen() const {
  const std::optional<std::uint64_t> size = impl_->file.cut_size();
  if (!size) return std::nullopt;
  return JournalCut{*size, impl_->file.cut_written()};
}
std::uint64_t JournalWriter::pass_of(Tyme tyme) const {
  header();  // refuses before write_header
  return impl_->pass_of(tyme);
}

}  // namespace hio::replay
