// Damaged journals: every single-bit flip, truncation at every offset, wrong
// magic, a future version, absurd lengths, frames out of order, a lying
// trailer, garbage with a valid CRC. Each read ends with a precise error at
// the right byte offset, after giving back exactly the intact frames before
// it; none crashes or hangs.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../io/unix_socket_file.hpp"
#include "hio/engine/doist.hpp"
#include "hio/engine/random.hpp"
#include "hio/replay/replay.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace corruption_test {

using test::TempDir;

struct Frame {
  std::size_t offset;
  std::size_t size;  // 8 + payload
};

std::uint32_t le32(const std::string& b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24);
}

void put_le32(std::string& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    b[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// Frame boundaries of an intact journal (its first frame is the header, the
// last the trailer).
std::vector<Frame> frames_of(const std::string& bytes) {
  std::vector<Frame> out;
  std::size_t at = 16;
  while (at < bytes.size()) {
    const std::size_t size = 8 + le32(bytes, at);
    out.push_back(Frame{at, size});
    at += size;
  }
  return out;
}

// A frame around `payload`, with a correct CRC.
std::string frame_with(const std::string& payload) {
  std::string out(8, '\0');
  put_le32(out, 0, static_cast<std::uint32_t>(payload.size()));
  put_le32(out, 4, crc32c(payload));
  return out + payload;
}

class Corruption : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_sample(dir_.file("sample.hioj"));
    bytes_ = test::read_file(dir_.file("sample.hioj"));
    frames_ = frames_of(bytes_);
    ASSERT_EQ(frames_.size(), test::sample_passes().size() + 2);
    ASSERT_EQ(frames_.back().offset + frames_.back().size, bytes_.size());
  }

  // Index of the frame holding byte `at` (-1: the preamble).
  int frame_at(std::size_t at) const {
    for (std::size_t i = 0; i < frames_.size(); ++i)
      if (at >= frames_[i].offset && at < frames_[i].offset + frames_[i].size)
        return static_cast<int>(i);
    return -1;
  }

  // The pass frames intact before frame index k (frame 0 is the header).
  std::vector<PassRecord> passes_before(int k) const {
    std::vector<PassRecord> out;
    const auto passes = test::sample_passes();
    for (int i = 1; i < k && i <= static_cast<int>(passes.size()); ++i) {
      const auto& p = passes[static_cast<std::size_t>(i - 1)];
      out.push_back(
          PassRecord{static_cast<std::uint64_t>(p.tyme.time_since_epoch() / test::kSampleTock),
                     p.tyme, 0, p.events});
    }
    return out;
  }

  TempDir dir_;
  std::string bytes_;
  std::vector<Frame> frames_;
};

TEST_F(Corruption, EverySingleBitFlipIsCaughtWhereItIs) {
  std::size_t checked = 0;
  for (std::size_t at = 0; at < bytes_.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes_;
      damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit));
      JournalContents read = read_journal_memory(damaged);
      // No byte is ignorable: preamble fields, lengths and CRCs are checked,
      // and CRC32C catches every single-bit error in a payload.
      ASSERT_TRUE(read.error) << "flip of bit " << bit << " at byte " << at << " went unnoticed";
      const int k = frame_at(at);
      if (k < 0) {
        EXPECT_LE(read.error->offset, 12u);
        EXPECT_FALSE(read.header);
        continue;
      }
      ASSERT_EQ(read.error->offset, frames_[static_cast<std::size_t>(k)].offset)
          << "bit " << bit << " at byte " << at << ": " << read.error->describe();
      EXPECT_EQ(read.valid_bytes, read.error->offset);
      EXPECT_EQ(read.frames, passes_before(k)) << "at byte " << at;
      EXPECT_EQ(read.header.has_value(), k > 0);
      ++checked;
    }
  }
  EXPECT_EQ(checked, (bytes_.size() - 16) * 8);
}

// Read past damage (ReaderOptions::resync): a flip in pass frame k loses
// exactly that frame - one hole, its bytes - and every other frame is read; a
// flip in the preamble or the header still stops everything; one in the
// trailer loses nothing but the trailer.
TEST_F(Corruption, EverySingleBitFlipWithResyncLosesOnlyItsFrame) {
  ReaderOptions resync;
  resync.resync = true;
  const std::size_t passes = test::sample_passes().size();
  for (std::size_t at = 0; at < bytes_.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes_;
      damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit));
      JournalReader reader = JournalReader::from_memory(damaged, resync);
      std::size_t frames = 0;
      while (reader.next() != nullptr)
        ++frames;
      ASSERT_TRUE(reader.error()) << "bit " << bit << " at byte " << at;
      const int k = frame_at(at);
      if (k <= 0) {  // preamble or header: nothing to resync from
        EXPECT_FALSE(reader.header());
        EXPECT_TRUE(reader.holes().empty());
        continue;
      }
      const auto ku = static_cast<std::size_t>(k);
      if (ku == frames_.size() - 1) {  // the trailer
        EXPECT_EQ(frames, passes);
        EXPECT_EQ(reader.error()->offset, frames_[ku].offset) << reader.error()->describe();
        EXPECT_TRUE(reader.holes().empty());
        continue;
      }
      EXPECT_EQ(frames, passes - 1) << "bit " << bit << " at byte " << at;
      ASSERT_EQ(reader.holes().size(), 1u) << "bit " << bit << " at byte " << at;
      EXPECT_EQ(reader.holes()[0].offset, frames_[ku].offset);
      EXPECT_EQ(reader.holes()[0].end, frames_[ku + 1].offset);
      EXPECT_TRUE(reader.holes()[0].lost);
      EXPECT_EQ(reader.error()->kind, JournalErrorKind::bad_trailer);
    }
  }
}

// Resync and salvage of every cut: never a hole (a cut is where the input
// ends), the same frames as without resync, and a salvage that reads back
// whole.
TEST_F(Corruption, TruncationWithResyncAndSalvage) {
  ReaderOptions resync;
  resync.resync = true;
  const std::string path = dir_.file("cut.hioj");
  const std::string out = dir_.file("saved.hioj");
  for (std::size_t cut = 0; cut < bytes_.size(); ++cut) {
    const std::string bytes = bytes_.substr(0, cut);
    JournalReader reader = JournalReader::from_memory(bytes, resync);
    std::size_t frames = 0;
    while (reader.next() != nullptr)
      ++frames;
    EXPECT_TRUE(reader.holes().empty()) << "cut at " << cut;
    EXPECT_EQ(frames, read_journal_memory(bytes).frames.size()) << "cut at " << cut;
    if (cut % 7 != 0) continue;  // salvage one cut in seven: real files
    test::write_file(path, bytes);
    if (reader.header() == nullptr) {
      EXPECT_THROW((void)salvage_journal(path, out, resync), JournalException);
      continue;
    }
    SalvageResult r = salvage_journal(path, out, resync);
    EXPECT_EQ(r.frames, frames);
    EXPECT_TRUE(read_journal(out).complete()) << "cut at " << cut;
    EXPECT_EQ(r.bytes, std::filesystem::file_size(out)) << "cut at " << cut;
  }
}

TEST_F(Corruption, TruncationAtEveryOffsetOfARealFile) {
  const std::string path = dir_.file("cut.hioj");
  for (std::size_t cut = 0; cut < bytes_.size(); ++cut) {
    test::write_file(path, bytes_.substr(0, cut));
    JournalContents read = read_journal(path);
    ASSERT_TRUE(read.error) << "cut at " << cut;
    EXPECT_EQ(read.error->kind, JournalErrorKind::truncated) << read.error->describe();
    // The damage starts at the last frame boundary at or before the cut.
    std::size_t boundary = cut < 16 ? 0 : 16;
    int complete_frames = 0;
    for (const Frame& f : frames_) {
      if (f.offset + f.size <= cut) {
        boundary = f.offset + f.size;
        ++complete_frames;
      }
    }
    ASSERT_EQ(read.error->offset, boundary) << "cut at " << cut << ": " << read.error->describe();
    EXPECT_EQ(read.valid_bytes, boundary);
    EXPECT_EQ(read.frames, passes_before(complete_frames)) << "cut at " << cut;
    if (complete_frames >= 2) {
      EXPECT_EQ(read.error->last_pass, read.frames.back().pass);
      EXPECT_EQ(read.error->last_tyme, read.frames.back().tyme);
    } else {
      EXPECT_FALSE(read.error->last_pass);
    }
  }
  // And the whole file is fine.
  test::write_file(path, bytes_);
  EXPECT_TRUE(read_journal(path).complete());
}

TEST_F(Corruption, MessagesNameTheProblem) {
  std::string cut = bytes_.substr(0, frames_[3].offset + 5);
  JournalContents read = read_journal_memory(cut);
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->describe(), "byte " + std::to_string(frames_[3].offset) +
                                        " (after pass 1, tyme 0.03125 s): truncated: the file ends "
                                        "inside a frame's 8-byte length and CRC, after 5 bytes");
  // One byte of the preamble: "1 byte" (it said "after 1 bytes").
  read = read_journal_memory(bytes_.substr(0, 1));
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->message, "the file ends inside the 16-byte preamble, after 1 byte");
  read = read_journal_memory(bytes_.substr(0, 9));
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->message, "the file ends inside the 16-byte preamble, after 9 bytes");
  std::string flipped = bytes_;
  flipped[frames_[2].offset + 20] ^= 0x10;
  read = read_journal_memory(flipped);
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_crc);
  EXPECT_NE(read.error->describe().find("after pass 0, tyme 0 s): bad_crc: frame CRC32C mismatch"),
            std::string::npos)
      << read.error->describe();
}

TEST_F(Corruption, WrongMagic) {
  for (std::string other :
       {std::string("PK\x03\x04 this is a zip file, not a journal"),
        std::string("{\"type\":\"header\"}\n"), std::string("\x89HIOX"), std::string(1, '\0')}) {
    JournalContents read = read_journal_memory(other);
    ASSERT_TRUE(read.error);
    EXPECT_EQ(read.error->kind, JournalErrorKind::bad_magic) << read.error->describe();
    EXPECT_EQ(read.error->offset, 0u);
    EXPECT_NE(read.error->message.find("not a hio journal"), std::string::npos);
  }
  JournalContents empty = read_journal_memory("");
  ASSERT_TRUE(empty.error);
  EXPECT_EQ(empty.error->kind, JournalErrorKind::truncated);
}

TEST_F(Corruption, FutureVersionIsRefusedClearly) {
  std::string future = bytes_;
  put_le32(future, 8, 7);
  JournalContents read = read_journal_memory(future);
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::future_version);
  EXPECT_EQ(read.error->offset, 8u);
  EXPECT_EQ(read.error->message,
            "format version 7 is newer than this reader's (1): read it with a newer hio");
  put_le32(future, 8, 1);
  put_le32(future, 12, 4);  // a flag this version does not define
  read = read_journal_memory(future);
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_preamble);
  EXPECT_EQ(read.error->offset, 12u);
}

TEST_F(Corruption, AbsurdLengthsAreRefusedBeforeReading) {
  for (std::uint32_t length :
       {0xFFFFFFFFu, 0x80000000u, kFrameBytesLimit + 1, kFrameBytesMaxDefault + 1, 0u}) {
    std::string bad = bytes_;
    put_le32(bad, frames_[2].offset, length);
    JournalContents read = read_journal_memory(bad);
    ASSERT_TRUE(read.error);
    EXPECT_EQ(read.error->kind, JournalErrorKind::bad_length) << read.error->describe();
    EXPECT_EQ(read.error->offset, frames_[2].offset);
    EXPECT_EQ(read.frames.size(), 1u);
    // Beyond the format's 2^30 it is damage; beyond the reader's limit a
    // valid journal may hold it, which is said (it read as damage only,
    // naming the option a hio command cannot set).
    if (length > kFrameBytesLimit) {
      EXPECT_EQ(read.error->message,
                "a frame length of " + std::to_string(length) +
                    " bytes exceeds the format's limit of 1073741824 (2^30): no journal holds "
                    "such a frame");
    } else if (length > kFrameBytesMaxDefault) {
      EXPECT_EQ(read.error->message,
                "a frame length of " + std::to_string(length) +
                    " bytes exceeds this reader's limit of 67108864 "
                    "(ReaderOptions::frame_bytes_max; the hio commands read frames of up to "
                    "67108864, as hio writes them): damage, or a frame of a writer whose "
                    "WriterOptions::frame_bytes_max was raised");
    }
  }
  // Under the limit but past the end of the file: truncated, and from a real
  // file without allocating what the length claims.
  std::string bad = bytes_;
  put_le32(bad, frames_[2].offset, 50u << 20);
  test::write_file(dir_.file("long.hioj"), bad);
  JournalContents read = read_journal(dir_.file("long.hioj"));
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::truncated) << read.error->describe();
  EXPECT_EQ(read.error->offset, frames_[2].offset);
  // A reader with a tighter limit refuses it as too long.
  read = read_journal_memory(bad, ReaderOptions{.frame_bytes_max = 1 << 20});
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_length);
  // kFrameBytesLimit itself is a valid length (journal-format.md: N <= 2^30):
  // a reader that allows it reads on and finds the file too short.
  put_le32(bad, frames_[2].offset, kFrameBytesLimit);
  read = read_journal_memory(bad, ReaderOptions{.frame_bytes_max = kFrameBytesLimit});
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::truncated) << read.error->describe();
}

TEST_F(Corruption, BytesAfterTheTrailer) {
  JournalContents read = read_journal_memory(bytes_ + "x");
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::trailing_data);
  EXPECT_EQ(read.error->offset, bytes_.size());
  EXPECT_TRUE(read.trailer);
  EXPECT_EQ(read.frames.size(), test::sample_passes().size());
}

// A pass written in parts and cut inside a later part: a salvage keeps every
// event read, but must not write a trailer saying the run ended after that
// pass (unfixed: it did, and a replay ran the whole pass, compared only the
// kept events and said `identical`, exit 0). Its copy reads as cut after its
// last frame, as the input did.
// A journal whose pass 0 is in 3 parts (frames 1-3), followed by pass 1
// (frame 4), 3 log events each ("event 0" ... "event 11"); returns its bytes.
std::string write_parts_journal(const std::string& path) {
  JournalWriter writer(path);
  writer.write_header(test::sample_header());
  std::uint64_t seq = 0;
  for (const Tyme tyme : {Tyme{}, Tyme{}, Tyme{}, Tyme{test::kSampleTock}}) {
    std::vector<OwnedEvent> part(3);
    for (OwnedEvent& e : part) {
      e.kind = EventKind::log;
      e.tyme = tyme;
      e.seq = seq++;
      e.text = "event " + std::to_string(e.seq);
    }
    writer.write_pass(tyme, test::views(part));
  }
  (void)writer.finish(RunSummary{2, Tyme{test::kSampleTock * 2}, RunOutcome::limit, "", 0, false});
  return test::read_file(path);
}

TEST_F(Corruption, SalvageOfAPassCutBetweenItsPartsWritesNoTrailer) {
  const std::string path = dir_.file("parts.hioj");
  const std::string whole = write_parts_journal(path);
  const std::vector<Frame> frames = frames_of(whole);
  ASSERT_EQ(frames.size(), 6u);  // header, 3 parts of pass 0, pass 1, trailer
  const std::string out = dir_.file("saved.hioj");
  for (const bool resync : {false, true}) {
    // Cut inside pass 0's third part: its first two parts are kept.
    test::write_file(path, whole.substr(0, frames[3].offset + 10));
    SalvageResult r = salvage_journal(path, out, ReaderOptions{.resync = resync});
    EXPECT_TRUE(r.last_pass_cut);
    EXPECT_EQ(r.frames, 2u);
    EXPECT_EQ(r.events, 6u);
    ASSERT_TRUE(r.damage);
    EXPECT_EQ(r.damage->kind, JournalErrorKind::truncated);
    EXPECT_EQ(r.bytes, std::filesystem::file_size(out));
    JournalContents copy = read_journal(out);
    EXPECT_FALSE(copy.trailer);
    ASSERT_TRUE(copy.error);
    EXPECT_EQ(copy.error->kind, JournalErrorKind::truncated);
    ASSERT_EQ(copy.frames.size(), 2u);
    EXPECT_EQ(copy.frames[1].events.size(), 3u);
    EXPECT_EQ(copy.frames[1].events[2].text, "event 5");
    // Cut right after pass 1 (a single frame, with a later tyme than the
    // parts before it): pass 0 is whole, and the copy gets its trailer.
    test::write_file(path, whole.substr(0, frames[5].offset));
    r = salvage_journal(path, out, ReaderOptions{.resync = resync});
    EXPECT_FALSE(r.last_pass_cut);
    EXPECT_TRUE(read_journal(out).complete());
  }
}

// A middle part of a pass removed whole: a reader without resync stops at
// the part after the gap, saying which part it expected, after the parts
// before it (every frame intact: only their order tells).
TEST_F(Corruption, APartMissingInsideAPassStopsAReaderWithoutResync) {
  const std::string path = dir_.file("parts.hioj");
  const std::string whole = write_parts_journal(path);
  const std::vector<Frame> frames = frames_of(whole);
  ASSERT_EQ(frames.size(), 6u);
  const std::string gap = whole.substr(0, frames[2].offset) + whole.substr(frames[3].offset);
  JournalContents read = read_journal_memory(gap);
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_order);
  EXPECT_EQ(read.error->offset, frames[2].offset);
  EXPECT_NE(read.error->message.find(": expected part 1; its first event has seq 6, after seq 2 "),
            std::string::npos)
      << read.error->message;
  EXPECT_TRUE(read.error->message.ends_with("; frames of the recorded run are missing before it"))
      << read.error->message;
  ASSERT_EQ(read.frames.size(), 1u);
  EXPECT_EQ(read.frames[0].events.back().text, "event 2");
}

// Bytes after a trailer that agrees damage the file, not the recorded run: a
// salvage (with resync or not) keeps that trailer - how the run ended, its
// signal - and says where the bytes start (unfixed: end = unknown, the
// signal lost, so a replay of the copy judged a run that was cut).
TEST_F(Corruption, SalvageKeepsATrailerFollowedByGarbage) {
  const std::string path = dir_.file("interrupted.hioj");
  JournalTrailer original;
  {
    JournalWriter writer(path);
    writer.write_header(test::sample_header());
    for (const test::SamplePass& p : test::sample_passes())
      writer.write_pass(p.tyme, test::views(p.events));
    original = writer.finish(
        RunSummary{8, Tyme{test::kSampleTock * 8}, RunOutcome::interrupted, "", 2, false});
  }
  const std::string bytes = test::read_file(path);
  test::write_file(path, bytes + std::string(4, '\0'));
  for (const bool resync : {false, true}) {
    const std::string out = dir_.file(resync ? "saved-resync.hioj" : "saved.hioj");
    const SalvageResult r = salvage_journal(path, out, ReaderOptions{.resync = resync});
    EXPECT_TRUE(r.trailer_kept);
    ASSERT_TRUE(r.damage);
    EXPECT_EQ(r.damage->kind, JournalErrorKind::trailing_data);
    EXPECT_EQ(r.damage->offset, bytes.size());
    EXPECT_EQ(r.trailer, original);
    ASSERT_TRUE(r.input_trailer);
    EXPECT_EQ(*r.input_trailer, original);
    EXPECT_EQ(test::read_file(out), bytes) << "resync " << resync;  // copied as is
  }
  // A trailer that disagrees is not kept, garbage after it or not.
  std::string lying = bytes;
  lying[frames_of(bytes)[1].offset + 12] ^= 1;  // a pass frame's payload: bad_crc
  test::write_file(path, lying + std::string(4, '\0'));
  const SalvageResult r =
      salvage_journal(path, dir_.file("lying.hioj"), ReaderOptions{.resync = true});
  EXPECT_FALSE(r.trailer_kept);
  EXPECT_EQ(r.trailer.end, RunOutcome::unknown);
}

TEST_F(Corruption, FramesOutOfOrder) {
  auto frame = [&](std::size_t i) { return bytes_.substr(frames_[i].offset, frames_[i].size); };
  const std::string preamble = bytes_.substr(0, 16);
  // A pass frame twice.
  std::string twice = preamble + frame(0) + frame(1) + frame(2) + frame(2);
  JournalContents read = read_journal_memory(twice);
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_order) << read.error->describe();
  EXPECT_EQ(read.frames.size(), 2u);
  // Passes swapped: the first pass frame read does not start at seq 0 (the
  // frame before it is missing there; before session 16 the error was the
  // next frame's, whose tyme goes back).
  read = read_journal_memory(preamble + frame(0) + frame(2) + frame(1));
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_order);
  EXPECT_EQ(read.error->offset, 16 + frame(0).size());
  EXPECT_NE(read.error->message.find("the journal's first"), std::string::npos)
      << read.error->message;
  // No header.
  read = read_journal_memory(preamble + frame(1));
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_order);
  EXPECT_FALSE(read.header);
  // Two headers.
  read = read_journal_memory(preamble + frame(0) + frame(0));
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_order);
  // A frame left out: the seqs of the frame after it skip its events, damage
  // there (before session 16 the frames read on, and only the trailer's
  // counts and digest disagreed, at its byte; a journal cut before its
  // trailer read as intact).
  read = read_journal_memory(preamble + frame(0) + frame(1) + frame(3) + frame(4) + frame(5) +
                             frame(6));
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_order) << read.error->describe();
  EXPECT_EQ(read.error->offset, 16 + frame(0).size() + frame(1).size());
  EXPECT_NE(read.error->message.find("frames of the recorded run are missing before it"),
            std::string::npos)
      << read.error->message;
  EXPECT_EQ(read.frames.size(), 1u);
}

// Exit frames (PassFrame.exit): only in a journal whose header marks exits,
// and nothing but more of the exit after one. The writer refuses to write
// either; the reader names them in a file that has them anyway.
TEST_F(Corruption, ExitFramesAreLastAndOnlyWhereTheHeaderMarksThem) {
  const auto passes = test::sample_passes();
  JournalHeader marked = test::sample_header();
  marked.exit_marked = true;
  {
    JournalWriter w(dir_.file("refused.hioj"));
    w.write_header(test::sample_header());
    EXPECT_THROW(w.write_pass(passes[0].tyme, test::views(passes[0].events), true),
                 std::logic_error);
  }
  {
    JournalWriter w(dir_.file("refused2.hioj"));
    w.write_header(marked);
    w.write_pass(passes[0].tyme, test::views(passes[0].events), true);
    EXPECT_THROW(w.write_pass(passes[1].tyme, test::views(passes[1].events), true),
                 std::logic_error);  // a later tyme
    EXPECT_THROW(w.write_pass(passes[1].tyme, test::views(passes[1].events)), std::logic_error);
  }
  // A marked journal whose first pass is an exit frame and whose second is not.
  std::string marked_bytes;
  {
    JournalWriter w(dir_.file("marked.hioj"));
    w.write_header(marked);
    w.write_pass(passes[0].tyme, test::views(passes[0].events), true);
    w.finish(RunSummary{});
  }
  const std::string m = test::read_file(dir_.file("marked.hioj"));
  const std::vector<Frame> mf = frames_of(m);
  ASSERT_EQ(mf.size(), 3u);
  const std::string exit_frame = m.substr(mf[1].offset, mf[1].size);
  const std::string marked_header = m.substr(mf[0].offset, mf[0].size);
  const std::string preamble = bytes_.substr(0, 16);
  const std::string unmarked_header = bytes_.substr(frames_[0].offset, frames_[0].size);
  const std::string second = bytes_.substr(frames_[2].offset, frames_[2].size);

  JournalContents read = read_journal_memory(preamble + unmarked_header + exit_frame);
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_message) << read.error->describe();
  EXPECT_NE(read.error->message.find("marked as the run's exit in a journal whose header does "
                                     "not mark exits"),
            std::string::npos)
      << read.error->message;
  EXPECT_EQ(read.error->offset, 16 + unmarked_header.size());

  read = read_journal_memory(preamble + marked_header + exit_frame + second);
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_order) << read.error->describe();
  EXPECT_NE(read.error->message.find("follows the run's exit"), std::string::npos)
      << read.error->message;
  ASSERT_EQ(read.frames.size(), 1u);
  EXPECT_TRUE(read.frames[0].exit);
  EXPECT_TRUE(read.header->exit_marked);
}

TEST_F(Corruption, TrailerOfAnotherJournal) {
  {
    JournalWriter w(dir_.file("other.hioj"));
    w.write_header(test::sample_header());
    auto passes = test::sample_passes();
    w.write_pass(passes[0].tyme, test::views(passes[0].events));
    w.finish(RunSummary{});
  }
  const std::string other = test::read_file(dir_.file("other.hioj"));
  const std::vector<Frame> other_frames = frames_of(other);
  std::string spliced =
      bytes_.substr(0, frames_.back().offset) + other.substr(other_frames.back().offset);
  JournalContents read = read_journal_memory(spliced);
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_trailer);
  EXPECT_NE(read.error->message.find("frames 1 in the trailer, 5 read"), std::string::npos)
      << read.error->message;
  EXPECT_EQ(read.frames.size(), test::sample_passes().size());
}

TEST_F(Corruption, GarbageWithAValidCrcIsABadMessage) {
  RandomStream random(42, "corruption/garbage");
  const std::string head = bytes_.substr(0, frames_[1].offset);  // preamble + header
  for (int round = 0; round < 3000; ++round) {
    std::string payload;
    const auto size = static_cast<std::size_t>(random.uniform(1, 200));
    for (std::size_t i = 0; i < size; ++i)
      payload += static_cast<char>(random.uniform(0, 255));
    JournalContents read = read_journal_memory(head + frame_with(payload));
    ASSERT_TRUE(read.error);
    EXPECT_EQ(read.error->offset, frames_[1].offset);
  }
}

TEST_F(Corruption, MutatedPayloadsWithFixedCrcNeverCrash) {
  // CRC32C protects against damage, not against a hostile writer: decode every
  // mutation of every frame's payload, with its CRC recomputed. Each read
  // ends, with an error or with (possibly different) valid data.
  RandomStream random(7, "corruption/mutate");
  for (int round = 0; round < 4000; ++round) {
    std::string mutated = bytes_;
    const auto k =
        static_cast<std::size_t>(random.uniform(0, static_cast<std::int64_t>(frames_.size()) - 1));
    const Frame f = frames_[k];
    const int flips = static_cast<int>(random.uniform(1, 4));
    for (int i = 0; i < flips; ++i) {
      const auto at =
          f.offset + 8 +
          static_cast<std::size_t>(random.uniform(0, static_cast<std::int64_t>(f.size) - 9));
      mutated[at] = static_cast<char>(random.uniform(0, 255));
    }
    const std::string payload = mutated.substr(f.offset + 8, f.size - 8);
    put_le32(mutated, f.offset + 4, crc32c(payload));
    JournalContents read = read_journal_memory(mutated);
    // The frames before the mutated one are intact. The damage may surface in
    // the mutated frame or later (a changed seq or tyme breaks the order of
    // the next frame; a changed byte, the trailer's digest), never earlier.
    const auto before =
        static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, static_cast<std::ptrdiff_t>(k) - 1));
    EXPECT_GE(read.frames.size(), std::min(before, test::sample_passes().size()));
    if (read.error) {
      EXPECT_GE(read.error->offset, f.offset);
      EXPECT_FALSE(read.error->message.empty());
    }
  }
}

TEST(CorruptionLimits, NestingAndTraversalLimitsAreApplied) {
  TempDir dir;
  test::write_sample(dir.file("s.hioj"));
  // With a traversal budget of less than the message itself, decoding fails
  // cleanly instead of reading on.
  JournalContents read = read_journal(dir.file("s.hioj"), ReaderOptions{.traversal_factor = 0});
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_message) << read.error->describe();
  read = read_journal(dir.file("s.hioj"), ReaderOptions{.nesting_limit = 1});
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_message) << read.error->describe();
  read = read_journal(dir.file("s.hioj"), ReaderOptions{.message_bytes_max = 64});
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::bad_message) << read.error->describe();
  EXPECT_NE(read.error->message.find("unpacks to more than 8 words"), std::string::npos);
}

TEST(CorruptionLimits, UnreadableFile) {
  JournalContents read = read_journal("/nonexistent-dir/none.hioj");
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::io);
  EXPECT_NE(read.error->message.find("cannot open"), std::string::npos);
}

// A socket named as the journal is said to be one, in the words hio uses
// for every file it reads (unfixed: "cannot open '...': No such device or
// address", which reads as a missing device).
TEST(CorruptionLimits, ASocketIsSaidToBeOne) {
  TempDir dir;
  const hio::test::UnixSocketFile socket(dir.file("j.sock"));
  JournalContents read = read_journal(socket.path());
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::io);
  EXPECT_EQ(read.error->message, "'" + socket.path() + "' is a socket, not a journal");
}

// A journal FIFO's open waits for a writer; a stop signal caught before the
// open (which it does not interrupt) ends that wait, as an io error. A
// writer comes after 2 s, so that the unfixed open (a plain open(2)) ends
// too, and then reads an empty journal.
TEST(CorruptionLimits, AStopSignalBeforeAJournalFifoIsOpenedEndsTheWaitForAWriter) {
  TempDir dir;
  const std::string fifo = dir.file("j.hioj");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::atomic<bool> done{false};
  std::thread writer([&fifo, &done] {
    for (int waited = 0; waited < 100 && !done; ++waited)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    while (!done) {
      const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0) {
        ::close(fd);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  std::optional<JournalError> error;
  {
    const StopSignalCatch catching;
    std::raise(SIGINT);
    const JournalReader reader(fifo);
    error = reader.error();
  }
  done = true;
  writer.join();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, JournalErrorKind::io) << error->describe();
  EXPECT_EQ(error->message, "cannot open '" + fifo + "': Interrupted system call");
}

}  // namespace corruption_test
}  // namespace
}  // namespace hio::replay
