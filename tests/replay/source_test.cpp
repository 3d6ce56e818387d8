// The journal reader's file source keeps one read buffer of a block (256 KiB,
// docs/replay.md), or of one frame larger than that, however the frames fall
// across blocks: it doubled on a second fill that kept part of a frame.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "replay_test_util.hpp"
#include "source.hpp"

namespace hio::replay::detail {
namespace {
namespace source_test {

using test::TempDir;

// A file of `size` bytes, each its offset mod 251 (so a view read from the
// wrong place differs).
std::string pattern(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<char>(i % 251);
  return bytes;
}

// Reads `bytes` from a file in pieces of `piece` bytes, checking each, and
// returns the largest buffer the source held.
std::size_t largest_buffer(const std::string& bytes, std::size_t piece) {
  TempDir dir;
  const std::string path = dir.file("j.bin");
  test::write_file(path, bytes);
  auto source = open_file_source(path);
  std::size_t largest = 0;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const std::string_view got = source->get(piece);
    const std::size_t want = std::min(piece, bytes.size() - at);
    EXPECT_EQ(got, std::string_view(bytes).substr(at, want)) << "at " << at;
    if (got.size() != want) break;
    source->advance(got.size());
    at += got.size();
    largest = std::max(largest, source->buffer_bytes());
  }
  EXPECT_TRUE(source->get(1).empty());
  return largest;
}

TEST(FileSource, ItsBufferIsOneBlockHoweverTheFramesFallAcrossBlocks) {
  const std::string bytes = pattern(4 * kReadBlockBytes + 12'345);
  // 100,000-byte frames: the third is cut by the first block's end, and each
  // fill keeps the part read (it grew the buffer to 512 KiB).
  for (const std::size_t piece : {std::size_t{1}, std::size_t{4096}, std::size_t{100'000},
                                  kReadBlockBytes - 1, kReadBlockBytes}) {
    EXPECT_EQ(largest_buffer(bytes, piece), kReadBlockBytes) << piece << "-byte pieces";
  }
}

TEST(FileSource, AFrameLargerThanABlockTakesItsOwnSizeNoMore) {
  const std::size_t frame = kReadBlockBytes + 50'000;
  const std::string bytes = pattern(3 * frame);
  EXPECT_EQ(largest_buffer(bytes, frame), frame);
}

TEST(FileSource, AFileSmallerThanABlockTakesItsSize) {
  const std::string bytes = pattern(70'000);
  EXPECT_EQ(largest_buffer(bytes, 30'000), bytes.size());
}

// ReaderOptions::stop is asked before each read of a block: the file is
// read up to the block it said true before, then the reading fails as a
// read interrupted (EINTR), though a regular file has more to give (hio
// inspect's Ctrl-C of a large journal; read_unless_stopped reads it all).
TEST(FileSource, AStopEndsTheReadingAtTheNextBlock) {
  const std::string bytes = pattern(3 * kReadBlockBytes);
  TempDir dir;
  const std::string path = dir.file("j.bin");
  test::write_file(path, bytes);
  int asked = 0;
  auto source = open_file_source(path, [&asked] { return ++asked > 1; });
  EXPECT_EQ(source->get(kReadBlockBytes), std::string_view(bytes).substr(0, kReadBlockBytes));
  source->advance(kReadBlockBytes);
  try {
    source->get(1);
    ADD_FAILURE() << "read on after the stop";
  } catch (const std::system_error& error) {
    EXPECT_EQ(error.code().value(), EINTR) << error.what();
  }
  EXPECT_EQ(asked, 2);
}

}  // namespace source_test
}  // namespace
}  // namespace hio::replay::detail
