// StreamBuffer and DatagramBuffer: bounded, partial accepts for bytes,
// all-or-nothing for datagrams, nothing ever dropped.
#include "hio/io/buffer.hpp"

#include <gtest/gtest.h>

namespace hio::test {
namespace {
namespace buffer_test {

TEST(IoBuffer, StreamAcceptsWhatFitsAndRefusesTheRest) {
  StreamBuffer buffer(8);
  EXPECT_EQ(buffer.append("hello"), 5u);
  EXPECT_EQ(buffer.append("world"), 3u);  // partial: backpressure
  EXPECT_TRUE(buffer.full());
  EXPECT_EQ(buffer.append("x"), 0u);
  EXPECT_EQ(buffer.view(), "hellowor");
  buffer.consume(5);
  EXPECT_EQ(buffer.view(), "wor");
  EXPECT_EQ(buffer.space(), 5u);
  EXPECT_EQ(buffer.append("ld!!!!"), 5u);
  EXPECT_EQ(buffer.view(), "world!!!");
}

TEST(IoBuffer, StreamMoveToAndConsumeBounds) {
  StreamBuffer buffer(16);
  EXPECT_EQ(buffer.append("abcdef"), 6u);
  std::string out = ">";
  EXPECT_EQ(buffer.move_to(out, 4), 4u);
  EXPECT_EQ(out, ">abcd");
  EXPECT_EQ(buffer.move_to(out, 100), 2u);
  EXPECT_EQ(out, ">abcdef");
  EXPECT_TRUE(buffer.empty());
  EXPECT_THROW(buffer.consume(1), std::out_of_range);
}

TEST(IoBuffer, StreamKeepsOrderAcrossManyWrapsWithinItsCapacity) {
  StreamBuffer buffer(100);
  std::string written, read;
  std::uint32_t counter = 0;
  for (int round = 0; round < 1000; ++round) {
    std::string chunk;
    for (int i = 0; i < 37; ++i)
      chunk += static_cast<char>('a' + (counter++ % 26));
    std::size_t n = buffer.append(chunk);
    written += chunk.substr(0, n);
    counter -= static_cast<std::uint32_t>(chunk.size() - n);  // refused bytes are offered again
    buffer.move_to(read, 29);
    ASSERT_LE(buffer.size(), buffer.capacity());
  }
  buffer.move_to(read, buffer.size());
  EXPECT_EQ(read, written);
  EXPECT_GT(read.size(), 20'000u);
}

TEST(IoBuffer, BinaryBytesSurvive) {
  StreamBuffer buffer(4);
  std::string bytes("\0\xff\x80\n", 4);
  EXPECT_EQ(buffer.append(bytes), 4u);
  EXPECT_EQ(buffer.view(), bytes);
}

TEST(IoBuffer, DatagramsAreAllOrNothing) {
  DatagramBuffer buffer(10, 2);
  EXPECT_TRUE(buffer.push("a:1", "12345"));
  EXPECT_FALSE(buffer.push("a:1", "123456"));  // would exceed 10 bytes: nothing taken
  EXPECT_EQ(buffer.bytes(), 5u);
  EXPECT_TRUE(buffer.push("b:2", "12345"));
  EXPECT_FALSE(buffer.push("c:3", ""));  // count limit
  EXPECT_EQ(buffer.count(), 2u);
  auto first = buffer.pop();
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, (Datagram{"a:1", "12345"}));
  EXPECT_TRUE(buffer.fits(5));
  EXPECT_FALSE(buffer.fits(6));
  EXPECT_EQ(buffer.front()->peer, "b:2");
  buffer.clear();
  EXPECT_FALSE(buffer.pop());
  EXPECT_EQ(buffer.bytes(), 0u);
}

TEST(IoStreamBuffer, MovingEverythingIntoAnEmptyStringKeepsBothUsable) {
  // move_to may hand the storage over instead of copying (all bytes, empty
  // out): what either side sees afterwards is the same as with a copy.
  StreamBuffer buffer(64);
  std::string out;
  for (std::size_t round = 0; round < 3; ++round) {
    const std::string bytes(40 + round, static_cast<char>('a' + round));
    EXPECT_EQ(buffer.append(bytes), bytes.size());
    out.clear();
    EXPECT_EQ(buffer.move_to(out, 1000), bytes.size());
    EXPECT_EQ(out, bytes);
    EXPECT_TRUE(buffer.empty());
    EXPECT_EQ(buffer.space(), 64u);
  }
  EXPECT_EQ(buffer.append("after"), 5u);
  EXPECT_EQ(buffer.view(), "after");
  std::string more = "x";
  EXPECT_EQ(buffer.move_to(more, 5), 5u);  // out not empty: appended
  EXPECT_EQ(more, "xafter");
}

}  // namespace buffer_test
}  // namespace
}  // namespace hio::test
