// The writer's own Cap'n Proto packer and pass-frame layout against Cap'n
// Proto's: the journal's bytes must not depend on which of them wrote a frame.
#include <capnp/any.h>
#include <capnp/serialize-packed.h>
#include <gtest/gtest.h>
#include <kj/io.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "byte_buffer.hpp"
#include "codec.hpp"
#include "engine_era.hpp"
#include "format.hpp"
#include "hio/replay/crc32c.hpp"
#include "hio/replay/event_batch.hpp"
#include "hio/replay/reader.hpp"
#include "hio/replay/salvage.hpp"
#include "hio/replay/writer.hpp"
#include "le.hpp"
#include "packed.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace codec_test {

// A seeded SplitMix64 stream: the same words on every run.
class Stream {
 public:
  explicit Stream(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

// A word whose bytes are zero or not by `mask` (bit i: byte i non-zero).
std::uint64_t word_with(unsigned mask, Stream& s) {
  std::uint64_t w = 0;
  for (unsigned i = 0; i < 8; ++i) {
    if ((mask >> i) & 1u) w |= static_cast<std::uint64_t>(1 + s.below(255)) << (8 * i);
  }
  return w;
}

// Words of the kinds the packer treats differently, in runs of every length
// around its 255-word limits.
std::vector<std::uint64_t> words_for(Stream& s) {
  std::vector<std::uint64_t> out;
  const std::size_t runs = 1 + s.below(12);
  for (std::size_t r = 0; r < runs; ++r) {
    const std::size_t lengths[] = {1, 2, 3, 254, 255, 256, 257, 300, 600};
    const std::size_t length = s.below(3) == 0 ? lengths[s.below(9)] : 1 + s.below(8);
    const std::size_t kind = s.below(6);
    for (std::size_t i = 0; i < length; ++i) {
      switch (kind) {
        case 0:
          out.push_back(0);
          break;  // zero words
        case 1:
          out.push_back(word_with(0xFF, s));
          break;  // no zero byte
        case 2:
          out.push_back(word_with(0xFF & ~(1u << s.below(8)), s));
          break;  // one zero
        case 3:
          out.push_back(word_with(static_cast<unsigned>(s.below(256)), s));
          break;
        case 4:
          out.push_back(s.below(2) == 0 ? 0 : word_with(0xFF, s));
          break;  // alternating
        default:
          out.push_back(s.next());
          break;  // anything
      }
    }
  }
  return out;
}

std::string capnp_packed(const std::vector<std::uint64_t>& words) {
  kj::VectorOutputStream stream;
  const kj::ArrayPtr<const capnp::word> segment(reinterpret_cast<const capnp::word*>(words.data()),
                                                words.size());
  capnp::writePackedMessage(stream, kj::arrayPtr(&segment, 1));
  const kj::ArrayPtr<kj::byte> bytes = stream.getArray();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

// The segment table as Cap'n Proto writes it for one segment, then the
// segment, each packed by `pack` (detail::pack or detail::pack_portable).
template <typename Pack>
std::string our_packed(const std::vector<std::uint64_t>& words, Pack pack) {
  const std::uint64_t table = static_cast<std::uint64_t>(words.size()) << 32;
  std::string out(detail::packed_bytes_max(1 + words.size()), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  std::size_t n = pack(&table, 1, p);
  n += pack(words.data(), words.size(), p + n);
  out.resize(n);
  return out;
}

// Both packers against Cap'n Proto's.
void expect_capnp_packing(const std::vector<std::uint64_t>& words, const std::string& what) {
  const std::string expected = capnp_packed(words);
  ASSERT_EQ(our_packed(words, detail::pack), expected) << what;
  ASSERT_EQ(our_packed(words, detail::pack_portable), expected) << what << " (portable)";
}

TEST(JournalCodec, PackIsCapnpPackingOnEveryKindOfWordAndRun) {
  Stream s(0x5EED);
  std::size_t words = 0;
  for (int round = 0; round < 2000; ++round) {
    const std::vector<std::uint64_t> input = words_for(s);
    words += input.size();
    expect_capnp_packing(input, "round " + std::to_string(round));
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(words, 100'000u);
}

// A literal run (after a word without zero bytes, the words with at most one)
// ends at the first word with two zero bytes: at every position, odd and even
// (the SSSE3 packer checks two words per compare), the zero bytes in either
// half, and runs of payload length (copied in one piece).
TEST(JournalCodec, PackEndsLiteralRunsAtEveryWord) {
  Stream s(11);
  for (std::size_t dense = 0; dense <= 40; ++dense) {
    for (unsigned stop_tag : {0x3Fu, 0xFCu, 0x7Eu, 0x00u}) {
      std::vector<std::uint64_t> words{word_with(0xFF, s)};
      for (std::size_t i = 0; i < dense; ++i)
        words.push_back(word_with(i % 2 == 0 ? 0xFF : 0xFF & ~(1u << (i % 8)), s));
      words.push_back(word_with(stop_tag, s));
      for (std::size_t i = 0; i < 5; ++i)
        words.push_back(word_with(0xFF, s));
      expect_capnp_packing(
          words, std::to_string(dense) + " dense words, then tag " + std::to_string(stop_tag));
      if (HasFatalFailure()) return;
    }
  }
}

TEST(JournalCodec, PackHandlesRunsAtAndBeyondTheCountLimit) {
  Stream s(7);
  for (std::size_t n : {1u, 255u, 256u, 257u, 510u, 511u, 512u, 1000u}) {
    expect_capnp_packing(std::vector<std::uint64_t>(n, 0), std::to_string(n) + " zero words");
    std::vector<std::uint64_t> dense;
    for (std::size_t i = 0; i < n; ++i)
      dense.push_back(word_with(i % 3 == 0 ? 0x7F : 0xFF, s));  // none or one zero byte
    expect_capnp_packing(dense, std::to_string(n) + " dense words");
  }
}

// Events like a run's, and unlike: every kind and enum, strings of every
// length around a word, with NULs and 0xFF bytes, empty and not.
std::vector<ChannelEvent> events_for(Stream& s, std::vector<std::string>& strings) {
  const std::size_t n = 1 + s.below(s.below(4) == 0 ? 300 : 20);
  std::vector<ChannelEvent> out;
  auto text = [&]() -> std::string_view {
    const std::size_t lengths[] = {0, 0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 25, 100, 1000};
    std::string value(lengths[s.below(14)], '\0');
    for (char& c : value) {
      const std::size_t pick = s.below(4);
      c = static_cast<char>(pick == 0 ? 0 : pick == 1 ? 0xFF : 'a' + static_cast<int>(s.below(26)));
    }
    strings.push_back(std::move(value));
    return strings.back();
  };
  strings.reserve(strings.size() + 3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    ChannelEvent e;
    e.kind = static_cast<EventKind>(s.below(9));
    e.channel = s.below(3) == 0 ? static_cast<std::uint32_t>(s.next())
                                : 1 + static_cast<std::uint32_t>(s.below(20));
    e.seq = s.below(4) == 0 ? s.next() : i;
    e.bytes = text();
    e.peer = text();
    e.text = text();
    e.accepted = s.below(2) == 0 ? 0 : static_cast<std::uint32_t>(s.next());
    e.who = static_cast<CloseWho>(s.below(2));
    e.noise = static_cast<NoiseKind>(s.below(6));
    e.channel_kind = static_cast<ChannelKind>(s.below(3));
    out.push_back(e);
  }
  return out;
}

std::string encoded(detail::FrameEncoder& encoder, bool builder, std::uint64_t pass,
                    std::int64_t tyme_ns, std::uint32_t part,
                    const std::vector<ChannelEvent>& events, detail::PassMarks marks = {}) {
  detail::ByteBuffer out;
  const Tyme tyme{Tock{tyme_ns}};
  const std::size_t size =
      builder
          ? encoder.pass_with_builder(out, pass, tyme, part, marks, events, std::uint64_t{1} << 30)
          : encoder.pass(out, pass, tyme, part, marks, events, std::uint64_t{1} << 30);
  EXPECT_EQ(size, out.size());
  return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

TEST(JournalCodec, PassFramesAreTheBuildersBytes) {
  Stream s(42);
  detail::FrameEncoder encoder;
  for (int round = 0; round < 1000; ++round) {
    std::vector<std::string> strings;
    std::vector<ChannelEvent> events = events_for(s, strings);
    const std::uint64_t pass = s.below(2) == 0 ? s.below(1000) : s.next() >> 1;
    const auto tyme_ns =
        static_cast<std::int64_t>(s.below(2) == 0 ? s.below(1u << 30) : s.next() >> 1);
    const auto part = static_cast<std::uint32_t>(s.below(2) == 0 ? 0 : s.next());
    const bool exit = s.below(2) == 0;
    const bool hole = s.below(4) == 0;       // PassFrame.holeBefore, the bit after exit
    const bool continued = s.below(4) == 0;  // PassFrame.continued, the bit after holeBefore
    for (ChannelEvent& e : events)
      e.tyme = Tyme{Tock{tyme_ns}};
    detail::PassMarks marks{exit, hole, continued};
    marks.piece_end = s.below(4) == 0;  // PassFrame.pieceEnd, the bit after continued
    // PassFrame.pieceKind: 0 without pieceEnd (a reader refuses another value).
    const auto piece_kind = static_cast<EventKind>(s.below(10));
    if (marks.piece_end) marks.piece_kind = piece_kind;
    const std::string packed = encoded(encoder, false, pass, tyme_ns, part, events, marks);
    ASSERT_EQ(packed, encoded(encoder, true, pass, tyme_ns, part, events, marks))
        << "round " << round;
    // The exit, hole and continued bits (beside part) read back, part intact.
    detail::WordBuffer words;
    const std::size_t count = detail::unpack(packed, words, std::size_t{1} << 24);
    detail::DecodedFrame frame;
    detail::DecodeLimits limits;
    limits.traversal_words = 8 * count + 64;
    detail::decode_frame(words.data(), count, limits, frame);
    ASSERT_EQ(frame.exit, exit) << "round " << round;
    ASSERT_EQ(frame.hole_before, hole) << "round " << round;
    ASSERT_EQ(frame.continued, continued) << "round " << round;
    ASSERT_EQ(frame.piece_end, marks.piece_end) << "round " << round;
    ASSERT_EQ(frame.piece_kind, marks.piece_kind) << "round " << round;
    ASSERT_EQ(frame.part, part) << "round " << round;
  }
}

// The pass frames of a journal file, decoded (each frame's events point
// into its own word buffer).
struct RawPass {
  detail::WordBuffer words;
  detail::DecodedFrame frame;
};
std::vector<RawPass> raw_passes(const std::string& file) {
  std::vector<RawPass> out;
  std::size_t at = detail::kPreambleSize;
  while (at + 8 <= file.size()) {
    const auto* p = reinterpret_cast<const unsigned char*>(file.data() + at);
    const std::size_t size = detail::load_le32(p);
    RawPass raw;
    const std::size_t count = detail::unpack(std::string_view(file).substr(at + 8, size), raw.words,
                                             std::size_t{1} << 24);
    detail::DecodeLimits limits;
    limits.traversal_words = 8 * count + 64;
    detail::decode_frame(raw.words.data(), count, limits, raw.frame);
    if (raw.frame.type == detail::DecodedFrame::Type::pass) out.push_back(std::move(raw));
    at += 8 + size;
  }
  EXPECT_EQ(at, file.size());
  return out;
}

// Every frame of an event in pieces holds a piece, alone: a reader that does
// not know pieces (an older hio) refuses each of them, so it never takes one
// for the event (it sees the event missing: its seq is skipped). Only the
// last is marked pieceEnd, with the event's kind and other fields.
TEST(JournalCodec, EveryFrameOfAnEventInPiecesIsAPiece) {
  test::TempDir dir;
  const std::string path = dir.file("pieces.hioj");
  WriterOptions options;
  options.frame_bytes_max = 1024;
  JournalWriter writer(path, options);
  JournalHeader header;
  header.tock = Tock{1'000'000};
  writer.write_header(header);
  std::string big(4000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>('a' + i % 26);
  std::vector<ChannelEvent> events(3);
  for (std::size_t i = 0; i < events.size(); ++i) {
    events[i].kind = EventKind::rx;
    events[i].channel = 1;
    events[i].tyme = Tyme{Tock{1'000'000}};
    events[i].seq = i;
    events[i].bytes = i == 1 ? std::string_view(big) : std::string_view("small");
  }
  events[1].kind = EventKind::close;
  events[1].who = CloseWho::remote;
  events[1].text = "bye";
  writer.write_pass(events[0].tyme, events);
  RunSummary summary;
  summary.passes = 2;
  summary.end_tyme = Tyme{Tock{2'000'000}};
  writer.finish(summary);

  const std::vector<RawPass> passes = raw_passes(test::read_file(path));
  std::size_t pieces = 0;
  std::string joined;
  for (const RawPass& raw : passes) {
    const detail::DecodedFrame& f = raw.frame;
    const bool of_big = f.events.front().seq == 1;
    for (const ChannelEvent& e : f.events) {
      EXPECT_EQ(e.seq == 1, e.kind == detail::kPieceKind) << "seq " << e.seq;
    }
    if (!of_big) {
      EXPECT_FALSE(f.piece_end || f.continued);
      continue;
    }
    ASSERT_EQ(f.events.size(), 1u);
    EXPECT_EQ(f.continued, pieces > 0);
    joined.append(f.events.front().bytes);
    ++pieces;
    EXPECT_EQ(f.piece_end, joined.size() == big.size());
    if (f.piece_end) {
      EXPECT_EQ(f.piece_kind, EventKind::close);
      EXPECT_EQ(f.events.front().who, CloseWho::remote);
      EXPECT_EQ(f.events.front().text, "bye");
    }
  }
  EXPECT_GT(pieces, 2u);
  EXPECT_EQ(joined, big);

  // Read back: the event whole, in its place.
  JournalReader reader(path);
  std::vector<OwnedEvent> read;
  while (const FrameView* f = reader.next()) {
    for (const ChannelEvent& e : f->events)
      read.push_back(OwnedEvent::from(e));
  }
  ASSERT_TRUE(reader.complete()) << reader.error()->describe();
  ASSERT_EQ(read.size(), 3u);
  EXPECT_EQ(read[1], OwnedEvent::from(events[1]));
}

// The offsets of the pass frames of a journal file, in order.
std::vector<std::size_t> pass_offsets(const std::string& file) {
  std::vector<std::size_t> out;
  std::size_t at = detail::kPreambleSize;
  bool header = true;
  while (at + 8 <= file.size()) {
    const std::size_t size = detail::load_le32(reinterpret_cast<const unsigned char*>(&file[at]));
    if (!header && at + 8 + size < file.size()) out.push_back(at);  // not the trailer
    header = false;
    at += 8 + size;
  }
  return out;
}

// `file` with the pass frame at `at` written again as `edit` changes it
// (its marks, its pass number), its length and CRC32C right.
std::string with_frame_rewritten(
    const std::string& file, std::size_t at,
    const std::function<void(detail::DecodedFrame&, detail::PassMarks&)>& edit) {
  const std::size_t size = detail::load_le32(reinterpret_cast<const unsigned char*>(&file[at]));
  detail::WordBuffer words;
  const std::size_t count =
      detail::unpack(std::string_view(file).substr(at + 8, size), words, std::size_t{1} << 24);
  detail::DecodeLimits limits;
  limits.traversal_words = 8 * count + 64;
  detail::DecodedFrame f;
  detail::decode_frame(words.data(), count, limits, f);
  detail::PassMarks marks(f.exit, f.hole_before, f.continued);
  marks.piece_end = f.piece_end;
  marks.piece_kind = f.piece_kind;
  edit(f, marks);
  detail::ByteBuffer payload;
  detail::FrameEncoder encoder;
  const std::size_t n =
      encoder.pass(payload, f.pass, f.tyme, f.part, marks, f.events, kMessageBytesMaxDefault);
  const std::string bytes(reinterpret_cast<const char*>(payload.data()), n);
  std::string head(8, '\0');
  detail::store_le32(reinterpret_cast<unsigned char*>(head.data()), static_cast<std::uint32_t>(n));
  detail::store_le32(reinterpret_cast<unsigned char*>(head.data()) + 4, crc32c(bytes));
  return file.substr(0, at) + head + bytes + file.substr(at + 8 + size);
}

// `file` with the pass frame at `at` written again with its exit flag
// flipped: a frame hio's writer never writes.
std::string with_exit_flipped(const std::string& file, std::size_t at) {
  return with_frame_rewritten(
      file, at, [](detail::DecodedFrame&, detail::PassMarks& marks) { marks.exit = !marks.exit; });
}

// A frame the writer refuses, with a valid CRC, is damage at its byte: an
// event seq repeated within a frame or from the frame before (the replay
// would feed the event twice), and a pass number its tyme does not give.
TEST(JournalCodec, ARepeatedSeqOrAPassItsTymeDoesNotGiveIsAnError) {
  test::TempDir dir;
  test::write_sample(dir.file("sample.hioj"));
  const std::string file = test::read_file(dir.file("sample.hioj"));
  const std::vector<std::size_t> frames = pass_offsets(file);
  ASSERT_EQ(frames.size(), test::sample_passes().size());
  ASSERT_TRUE(read_journal_memory(file).complete());
  struct Case {
    std::size_t frame;
    std::function<void(detail::DecodedFrame&)> change;
    JournalErrorKind kind;
    const char* message;
  };
  // The sample's first pass has events of seq 0, 1 and 2; its second (pass
  // 1) starts at seq 3.
  const Case cases[] = {
      {0, [](detail::DecodedFrame& f) { f.events[2].seq = 1; }, JournalErrorKind::bad_order,
       "event seq 1 after seq 1"},
      {1, [](detail::DecodedFrame& f) { f.events[0].seq = 2; }, JournalErrorKind::bad_order,
       "event seq 2 after seq 2"},
      {1, [](detail::DecodedFrame& f) { f.pass = 2; }, JournalErrorKind::bad_message,
       "pass frame (pass 2, tyme 31250000 ns, part 0): its tyme is pass 1 at this tock"},
  };
  for (const Case& c : cases) {
    const JournalContents read = read_journal_memory(with_frame_rewritten(
        file, frames[c.frame], [&](detail::DecodedFrame& f, detail::PassMarks&) { c.change(f); }));
    ASSERT_TRUE(read.error) << c.message;
    EXPECT_EQ(read.error->kind, c.kind) << read.error->describe();
    EXPECT_EQ(read.error->offset, frames[c.frame]) << read.error->describe();
    EXPECT_NE(read.error->message.find(c.message), std::string::npos) << read.error->describe();
    EXPECT_EQ(read.frames.size(), c.frame);
  }
}

// A journal whose pass at 1 ms is a small rx (seq 0) and then a 4000-byte
// close (seq 1) in pieces, its frames marked as the run's exit or not.
std::string pieced_journal(const std::string& path, bool exit) {
  WriterOptions options;
  options.frame_bytes_max = 1024;
  JournalWriter writer(path, options);
  JournalHeader header;
  header.tock = Tock{1'000'000};
  header.exit_marked = true;
  writer.write_header(header);
  const std::string big(4000, 'x');
  std::vector<ChannelEvent> events(2);
  for (std::size_t i = 0; i < events.size(); ++i) {
    events[i].kind = i == 0 ? EventKind::rx : EventKind::close;
    events[i].channel = 1;
    events[i].tyme = Tyme{Tock{1'000'000}};
    events[i].seq = i;
    events[i].bytes = i == 0 ? std::string_view("small") : std::string_view(big);
  }
  writer.write_pass(events[0].tyme, events, exit);
  RunSummary summary;
  summary.passes = 1;
  summary.end_tyme = Tyme{Tock{1'000'000}};
  writer.finish(summary);
  return test::read_file(path);
}

// At the end of tyme (the tick saturated at 2^63-1 ns, no multiple of the
// tock) the exit's frame is numbered as the trailer counts: the number the
// next pass would have had (pass_number), not the last pass's, which a frame
// at another tyme has (unfixed: tyme / tock, pass 3 twice here). A journal of
// an older writer, its exit frame numbered tyme / tock there, reads the same.
TEST(JournalCodec, TheExitAtTheEndOfTymeHasTheTrailersPassNumber) {
  test::TempDir dir;
  const Tock tock{2'000'000'000'000'000'000};  // 2 x 10^18 ns: passes at 0, 2, 4, 6, 8 x 10^18
  ASSERT_NE(kTymeNever.time_since_epoch().count() % tock.count(), 0);
  JournalHeader header;
  header.tock = tock;
  header.exit_marked = true;
  std::vector<ChannelEvent> events(2);
  for (std::size_t i = 0; i < events.size(); ++i) {
    events[i].kind = i == 0 ? EventKind::log : EventKind::close;
    events[i].channel = 1;
    events[i].seq = i;
  }
  events[0].tyme = Tyme{tock * 4};
  events[1].tyme = kTymeNever;
  const std::uint64_t passes = passes_at(kTymeNever, tock);
  ASSERT_EQ(passes, 5u);
  {
    JournalWriter writer(dir.file("end.hioj"));
    writer.write_header(header);
    EXPECT_EQ(writer.pass_of(kTymeNever), passes);
    EXPECT_EQ(writer.pass_of(Tyme{tock * 4}), 4u);
    writer.write_pass(events[0].tyme, std::span(events).first(1));
    writer.write_pass(kTymeNever, std::span(events).subspan(1), /*exit=*/true);
    writer.finish(RunSummary{passes, kTymeNever, RunOutcome::stalled, ""});
  }
  const std::string file = test::read_file(dir.file("end.hioj"));
  const JournalContents c = read_journal_memory(file);
  ASSERT_TRUE(c.complete()) << c.error->describe();
  ASSERT_EQ(c.frames.size(), 2u);
  EXPECT_EQ(c.frames[0].pass, 4u);
  EXPECT_EQ(c.frames[1].pass, c.trailer->passes);

  const std::vector<std::size_t> frames = pass_offsets(file);
  ASSERT_EQ(frames.size(), 2u);
  const auto numbered = [&](std::uint64_t pass) {
    return with_frame_rewritten(
        file, frames[1], [pass](detail::DecodedFrame& f, detail::PassMarks&) { f.pass = pass; });
  };
  const JournalContents older = read_journal_memory(numbered(passes - 1));
  ASSERT_TRUE(older.complete()) << older.error->describe();
  EXPECT_EQ(older.frames[1].pass, passes);
  // Any other number is damage, as before.
  const JournalContents wrong = read_journal_memory(numbered(passes + 1));
  ASSERT_FALSE(wrong.complete());
  EXPECT_EQ(wrong.error->kind, JournalErrorKind::bad_message) << wrong.error->describe();
  EXPECT_NE(wrong.error->message.find("its tyme is pass 5 at this tock"), std::string::npos)
      << wrong.error->describe();
}

// The trailer's stopSignal reads back for the signals that end a run: SIGHUP,
// SIGINT, SIGTERM, and SIGUSR1, hio run's clean stop (unfixed: 10 read as
// 0, and a replay said "interrupted" for a stopped run); anything else as 0.
TEST(JournalCodec, TheTrailersStopSignalReadsBackForTheSignalsThatEndARun) {
  test::TempDir dir;
  for (const auto& [written, read] : {std::pair{1, 1}, std::pair{2, 2}, std::pair{10, 10},
                                      std::pair{15, 15}, std::pair{3, 0}, std::pair{12, 0}}) {
    const std::string path = dir.file("stop-" + std::to_string(written) + ".hioj");
    {
      JournalWriter writer(path);
      writer.write_header(JournalHeader{});
      writer.finish(RunSummary{0, Tyme{}, RunOutcome::interrupted, "", written});
    }
    const JournalContents c = read_journal_memory(test::read_file(path));
    ASSERT_TRUE(c.complete()) << c.error->describe();
    EXPECT_EQ(c.trailer->stop_signal, read) << written;
  }
}

// Every frame of an event in pieces has the same exit flag (journal-format.md,
// "Events larger than a frame"): a frame that differs from the first is
// damage at its byte, whichever way it differs; the intact prefix ends before
// the pieces, a resyncing reader loses the event in a hole, and a salvage
// keeps what comes before it.
TEST(JournalCodec, AFrameOfAnEventInPiecesWithAnotherExitFlagIsAnError) {
  test::TempDir dir;
  for (const bool exit : {false, true}) {
    const std::string file = pieced_journal(dir.file("pieces.hioj"), exit);
    const std::vector<std::size_t> frames = pass_offsets(file);
    ASSERT_GE(frames.size(), 4u);  // the rx, then three pieces or more
    const std::size_t first_piece = frames[1];
    ASSERT_TRUE(read_journal_memory(file).complete());
    // The last piece (pieceEnd) unlike the others, and the second like none.
    for (const std::size_t flipped : {frames.back(), frames[2]}) {
      const std::string bad = with_exit_flipped(file, flipped);
      const JournalContents c = read_journal_memory(bad);
      ASSERT_FALSE(c.complete()) << "exit " << exit << ", frame at " << flipped;
      EXPECT_EQ(c.error->kind, JournalErrorKind::bad_order) << c.error->describe();
      EXPECT_EQ(c.error->offset, flipped) << c.error->describe();
      EXPECT_EQ(c.error->last_pass, std::optional<std::uint64_t>{1}) << c.error->describe();
      EXPECT_NE(c.error->message.find("continues an event in pieces (seq 1, first frame at byte " +
                                      std::to_string(first_piece) + ")"),
                std::string::npos)
          << c.error->describe();
      EXPECT_EQ(c.valid_bytes, first_piece);
      ASSERT_EQ(c.frames.size(), 1u);
      EXPECT_EQ(c.frames[0].events.size(), 1u);  // the rx; the close is not given

      ReaderOptions resync;
      resync.resync = true;
      JournalReader r = JournalReader::from_memory(bad, resync);
      std::size_t events = 0;
      while (const FrameView* f = r.next())
        events += f->events.size();
      EXPECT_EQ(events, 1u);  // the close is lost whole, never in part
      ASSERT_EQ(r.holes().size(), 1u) << (r.error() ? r.error()->describe() : "");
      EXPECT_TRUE(r.holes()[0].lost);
      EXPECT_EQ(r.holes()[0].offset, first_piece);

      test::write_file(dir.file("bad.hioj"), bad);
      const SalvageResult plain = salvage_journal(dir.file("bad.hioj"), dir.file("plain.hioj"));
      EXPECT_EQ(plain.events, 1u);
      ASSERT_TRUE(plain.damage);
      EXPECT_EQ(plain.damage->offset, flipped);
      EXPECT_TRUE(read_journal(dir.file("plain.hioj")).complete());
      SalvageOptions past;
      past.reader.resync = true;
      const SalvageResult s =
          salvage_journal(dir.file("bad.hioj"), dir.file("resynced.hioj"), past);
      EXPECT_EQ(s.events, 1u);
      ASSERT_EQ(s.holes.size(), 1u);
      EXPECT_EQ(s.holes[0].offset, first_piece);
      const JournalContents again = read_journal(dir.file("resynced.hioj"), resync);
      EXPECT_TRUE(again.complete()) << again.error->describe();
    }
  }
}

// PassFrame.pieceKind is the kind of the event a pieceEnd frame's pieces
// make: never `piece` (a kind this version defines, so no newer hio is to
// blame), and 0 on every other frame. Each break is bad_message at its frame.
TEST(JournalCodec, APieceKindThatBreaksTheRulesIsRefusedAtItsFrame) {
  test::TempDir dir;
  const std::string file = pieced_journal(dir.file("pieces.hioj"), false);
  const std::vector<std::size_t> frames = pass_offsets(file);
  ASSERT_GE(frames.size(), 4u);  // the rx, then three pieces or more
  struct Case {
    std::size_t at;
    EventKind kind;
    const char* says;
  };
  const Case cases[] = {
      {frames.back(), detail::kPieceKind,
       "pieceKind is piece (10): the pieces of an event make an event of another kind"},
      {frames.back(), static_cast<EventKind>(11),
       "unknown piece kind 11 (written by a newer hio?)"},
      {frames[0], EventKind::close,
       "pieceKind 5 on a frame that does not end an event in pieces (pieceKind is 0 without "
       "pieceEnd)"},
      {frames[2], EventKind::close, "pieceKind 5 on a frame that does not end an event in pieces"},
  };
  for (const Case& c : cases) {
    const std::string bad = with_frame_rewritten(
        file, c.at,
        [&](detail::DecodedFrame&, detail::PassMarks& marks) { marks.piece_kind = c.kind; });
    const JournalContents read = read_journal_memory(bad);
    ASSERT_FALSE(read.complete()) << c.says;
    EXPECT_EQ(read.error->kind, JournalErrorKind::bad_message) << read.error->describe();
    EXPECT_EQ(read.error->offset, c.at) << read.error->describe();
    EXPECT_NE(read.error->message.find(c.says), std::string::npos) << read.error->describe();
  }
}

// A batch whose strings sit in the frame's layout (EventBatch, as the Recorder
// hands its pass over): pass_around writes pass()'s bytes, whether the room in
// front of the strings holds the frame's first words (up to 64 events at
// first, more after a bigger pass) or not (then it lays the frame out by
// copying). Stale bytes of earlier passes in the reused arena must not show.
TEST(JournalCodec, PassFramesAroundABatchAreTheBytesOfPass) {
  Stream s(7);
  detail::FrameEncoder encoder;
  EventBatch batch;
  for (int round = 0; round < 400; ++round) {
    std::vector<std::string> strings;
    const std::vector<ChannelEvent> events = events_for(s, strings);
    for (const ChannelEvent& e : events)
      batch.add(e);
    const EventBatch::FrameLayout at = batch.frame_layout();
    detail::ByteBuffer around;
    encoder.pass_around(around, 9, Tyme{Tock{5}}, 0, false, batch.events(), at.blobs, at.blob_words,
                        at.room_words, std::uint64_t{1} << 30);
    ASSERT_EQ(std::string(reinterpret_cast<const char*>(around.data()), around.size()),
              encoded(encoder, false, 9, 5, 0, events))
        << "round " << round << ", " << events.size() << " events, room " << at.room_words;
    batch.clear(std::size_t{1} << 20);
  }
}

// events_for makes at least one event: the empty list on its own.
TEST(JournalCodec, AnEmptyPassFrameIsTheBuildersBytes) {
  detail::FrameEncoder encoder;
  const std::vector<ChannelEvent> none;
  ASSERT_EQ(encoded(encoder, false, 7, 1'000'000, 0, none),
            encoded(encoder, true, 7, 1'000'000, 0, none));
}

// One event whose bytes fill the builder's first segment (64 Ki words) to the
// last word, or one word less: the hand-written layout is the builder's.
TEST(JournalCodec, PassFramesAtTheFirstSegmentsEdgeAreTheBuildersBytes) {
  detail::FrameEncoder encoder;
  for (std::size_t blob_words : {65536u - 15u, 65536u - 14u}) {
    const std::string bytes(blob_words * 8, 'x');
    ChannelEvent e;
    e.kind = EventKind::rx;
    e.channel = 1;
    e.bytes = bytes;
    const std::vector<ChannelEvent> events{e};
    ASSERT_EQ(encoded(encoder, false, 0, 0, 0, events), encoded(encoder, true, 0, 0, 0, events))
        << blob_words << " words of bytes";
  }
}

// One word more needs a second segment: pass() then leaves the frame to the
// builder (its own layout, far pointers included), which must read back.
TEST(JournalCodec, APassFrameOfTwoSegmentsReadsBack) {
  detail::FrameEncoder encoder;
  const std::string bytes((65536u - 13u) * 8, 'x');
  ChannelEvent e;
  e.kind = EventKind::rx;
  e.channel = 1;
  e.seq = 9;
  e.tyme = Tyme{Tock{5}};
  e.bytes = bytes;
  const std::vector<ChannelEvent> events{e};
  const std::string packed = encoded(encoder, false, 3, 5, 0, events);
  detail::WordBuffer words;
  const std::size_t count = detail::unpack(packed, words, std::size_t{1} << 24);
  // The segment table: two segments.
  ASSERT_GE(count, 1u);
  std::uint32_t segments_minus_one = 0;
  std::memcpy(&segments_minus_one, words.data(), 4);
  EXPECT_EQ(segments_minus_one, 1u);
  detail::DecodedFrame frame;
  detail::DecodeLimits limits;
  limits.traversal_words = 8 * count + 64;
  detail::decode_frame(words.data(), count, limits, frame);
  ASSERT_EQ(frame.events.size(), 1u);
  EXPECT_EQ(frame.pass, 3u);
  EXPECT_EQ(frame.events[0].seq, 9u);
  EXPECT_EQ(frame.events[0].bytes, bytes);
}

TEST(JournalCodec, PassFrameOverTheMessageLimitIsRefusedAndAppendsNothing) {
  detail::FrameEncoder encoder;
  const std::string bytes(4096, 'x');
  ChannelEvent e;
  e.kind = EventKind::tx;
  e.bytes = bytes;
  const std::vector<ChannelEvent> events{e};
  detail::ByteBuffer out;
  out.append("ab", 2);
  EXPECT_THROW((void)encoder.pass(out, 0, Tyme{}, 0, false, events, 4096), std::length_error);
  EXPECT_EQ(out.size(), 2u);
}

// Which engine versions may start a journal at a seq other than 0: those
// before hio 0.16, and any text that is not "hio MAJOR.MINOR.PATCH".
TEST(EngineEra, AFirstSeqOtherThan0IsTakenOnlyBefore0_16) {
  EXPECT_TRUE(detail::first_seq_may_be_late("hio 0.1.0"));
  EXPECT_TRUE(detail::first_seq_may_be_late("hio 0.15.0"));
  EXPECT_TRUE(detail::first_seq_may_be_late("hio 0.15.99"));
  EXPECT_FALSE(detail::first_seq_may_be_late("hio 0.16.0"));
  EXPECT_FALSE(detail::first_seq_may_be_late("hio 0.17.3"));
  EXPECT_FALSE(detail::first_seq_may_be_late("hio 1.0.0"));
  EXPECT_FALSE(detail::first_seq_may_be_late(engine_version()));
  EXPECT_TRUE(detail::first_seq_may_be_late(""));
  EXPECT_TRUE(detail::first_seq_may_be_late("hio 0.16"));
  EXPECT_TRUE(detail::first_seq_may_be_late("hio 0.16.0-dev"));
  EXPECT_TRUE(detail::first_seq_may_be_late("other 1.0.0"));
  EXPECT_TRUE(detail::first_seq_may_be_late("hio x.16.0"));
}

// Which engine versions may have written no Trailer.endByHio (their hio
// failure is told by the end text): those before hio 0.19 - hio 0.18.0 as
// released (commit 71ff301) had no such field, later 0.18.0 builds did - and
// any text not of that form.
TEST(EngineEra, EndByHioIsWrittenFrom0_19) {
  EXPECT_TRUE(detail::end_by_hio_unwritten("hio 0.17.0"));
  EXPECT_TRUE(detail::end_by_hio_unwritten("hio 0.17.9"));
  EXPECT_TRUE(detail::end_by_hio_unwritten("hio 0.18.0"));
  EXPECT_TRUE(detail::end_by_hio_unwritten("hio 0.18.3"));
  EXPECT_FALSE(detail::end_by_hio_unwritten("hio 0.19.0"));
  EXPECT_FALSE(detail::end_by_hio_unwritten("hio 0.19.2"));
  EXPECT_FALSE(detail::end_by_hio_unwritten("hio 1.0.0"));
  EXPECT_TRUE(detail::end_by_hio_unwritten(""));
  EXPECT_TRUE(detail::end_by_hio_unwritten("hio 0.18"));
}

// The trailer's data section (6 words) as the encoder writes it: the
// Frame's one pointer (its union) points at the Trailer.
std::vector<unsigned char> trailer_data(const JournalTrailer& t) {
  detail::FrameEncoder encoder;
  detail::ByteBuffer out;
  encoder.trailer(out, t, std::uint64_t{1} << 30);
  kj::ArrayInputStream in(kj::ArrayPtr<const kj::byte>(out.data(), out.size()));
  capnp::PackedMessageReader message(in);
  const capnp::AnyStruct::Reader trailer =
      message.getRoot<capnp::AnyStruct>().getPointerSection()[0].getAs<capnp::AnyStruct>();
  const kj::ArrayPtr<const kj::byte> data = trailer.getDataSection();
  return std::vector<unsigned char>(data.begin(), data.end());
}

// Trailer.endByHio is bit 17 of the word of `end` (data word 5: byte 42,
// 0x02), beside endedAtPass (bit 16), in what was padding: a trailer
// without it is byte for byte what a writer before it wrote
// (docs/journal-format.md, Trailer).
TEST(JournalCodec, EndByHioIsBit17OfTheTrailersWordOfEnd) {
  JournalTrailer t;
  t.end = RunOutcome::error;
  const std::vector<unsigned char> without = trailer_data(t);
  t.end_by_hio = true;
  const std::vector<unsigned char> with = trailer_data(t);
  ASSERT_EQ(without.size(), 48u);
  ASSERT_EQ(with.size(), 48u);
  for (std::size_t i = 0; i < with.size(); ++i) {
    EXPECT_EQ(with[i], i == 42 ? (without[i] | 0x02) : without[i]) << "byte " << i;
  }
  EXPECT_EQ(without[42], 0x00);
  EXPECT_EQ(without[40], 5);  // end = error, the word's first UInt16
}

}  // namespace codec_test
}  // namespace
}  // namespace hio::replay
