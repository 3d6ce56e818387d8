// detail::StreamTx on its own: the same two streams give the same mismatches,
// bytes missing and extra, and first offset whichever side's bytes come
// first, in any interleaving (rev12b findings 1-2: a meeting was taken on the
// bytes of one recorded chunk, even 1 byte, when the recording was behind;
// the first offset named the chunk before when the doers sent first).
#include "stream_tx.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "arrival_order.hpp"
#include "hio/engine/random.hpp"

namespace hio::replay::detail {
namespace {
namespace stream_tx_test {

using Chunks = std::vector<std::string>;

struct Outcome {
  std::uint64_t mismatches = 0;
  std::uint64_t missing = 0;
  std::uint64_t extra = 0;
  // The offset `first tx:` reports (first_tx_mismatch_offset): the first
  // byte that differs of the first mismatch's bytes, from where they start.
  std::uint64_t first = UINT64_MAX;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << o.mismatches << " mismatches, " << o.missing << " missing, " << o.extra
            << " extra, first at " << o.first;
}

using test::Order;

// Feeds the recording's chunks and the doers' in `order` (random: each next
// chunk from either side by `rng`), then ends the streams.
Outcome compare(const Chunks& recorded, const Chunks& sent, Order order,
                RandomStream* rng = nullptr) {
  StreamTx tx(std::size_t{1} << 20);
  Outcome o;
  const auto note = [&o](const StreamTx::Settled& s) {
    o.mismatches += s.mismatches;
    if (s.first && o.first == UINT64_MAX) {
      const std::string& e = s.first->expected;
      const std::string& a = s.first->actual;
      std::size_t i = 0;
      while (i < e.size() && i < a.size() && e[i] == a[i])
        ++i;
      o.first = s.first->offset + i;
    }
  };
  test::feed_in_order(
      recorded, sent, order, rng, [](const std::string& chunk) { return chunk.size(); },
      [&](bool from_recording, const std::string& chunk) { note(tx.add(from_recording, chunk)); });
  note(tx.finish());
  o.missing = tx.missing_bytes();
  o.extra = tx.extra_bytes();
  return o;
}

// The outcome in every order (and several random interleavings): the same.
Outcome in_any_order(const Chunks& recorded, const Chunks& sent) {
  return test::same_in_every_order(
      [&](Order order, RandomStream* rng) { return compare(recorded, sent, order, rng); },
      RandomStream(12, "stream_tx_test.order"));
}

Chunks split(const std::string& bytes, std::size_t chunk) {
  Chunks c;
  for (std::size_t at = 0; at < bytes.size(); at += chunk)
    c.push_back(bytes.substr(at, chunk));
  return c;
}

std::string letters(std::size_t n, RandomStream& rng) {
  std::string s(n, ' ');
  for (char& c : s)
    c = static_cast<char>('a' + rng.uniform(0, 25));
  return s;
}

// A serial line records single bytes: one corrupted byte is one mismatch,
// not a meeting on the next 1-byte chunk found anywhere (8 mismatches, 85
// bytes missing and 85 extra when the doers' bytes came first).
TEST(StreamTx, OneCorruptedByteInOneByteChunksIsOneMismatch) {
  RandomStream rng(1, "stream_tx_test.letters");
  const std::string recorded = letters(20'000, rng);
  std::string sent = recorded;
  sent[5000] = sent[5000] == 'z' ? 'y' : 'z';
  EXPECT_EQ(in_any_order(split(recorded, 1), split(sent, 100)), (Outcome{1, 0, 0, 5000}));
}

// Periodic chunks, one the doers never sent: one mismatch, its 57 bytes
// missing (recording first gave 1767 missing and 1710 extra).
TEST(StreamTx, ADroppedChunkOfPeriodicBytesIsMissing) {
  Chunks recorded, sent;
  for (int i = 0; i < 200; ++i) {
    const std::string c = "hello " + std::to_string(i % 3) + std::string(50, '-');
    recorded.push_back(c);
    if (i != 4) sent.push_back(c);
  }
  EXPECT_EQ(in_any_order(recorded, sent), (Outcome{1, 57, 0, 4 * 57 + 6}));
}

// A byte changed in periodic chunks: one mismatch, at the chunk it is in
// (the doers sending first gave offset 800 for byte 1010 in 200-byte chunks);
// the offset reported is the byte's.
TEST(StreamTx, ACorruptedByteIsOneMismatchAtItsChunk) {
  std::string sent(8000, 'x');
  sent[1010] = 'y';
  EXPECT_EQ(in_any_order(split(std::string(8000, 'x'), 200), split(sent, 200)),
            (Outcome{1, 0, 0, 1010}));
  RandomStream rng(2, "stream_tx_test.letters");
  const std::string recorded = letters(8000, rng);
  sent = recorded;
  sent[1010] = sent[1010] == 'z' ? 'y' : 'z';
  EXPECT_EQ(in_any_order(split(recorded, 200), split(sent, 200)), (Outcome{1, 0, 0, 1010}));
}

// A byte changed deep in a chunk of one repeated byte, as TCP records them
// (64 KiB): one mismatch, nothing missing or extra. A meeting at the start of
// the chunk the difference is in, one byte further on in the doers' bytes,
// agreed over its 4 KiB and then parted again at the same changed byte: one
// mismatch per byte up to it (xtcp26: a capture of 200,000 'y' echoed, one
// bit flipped by --noise corrupt, said 33,568 mismatches, 33,567 bytes
// missing and as many extra).
TEST(StreamTx, AByteChangedDeepInALargeChunkOfOneByteIsOneMismatch) {
  const std::string recorded(200'000, 'y');
  std::string sent = recorded;
  sent[65'536 + 29'069] = 'Y';
  EXPECT_EQ(in_any_order(split(recorded, 65'536), split(sent, 65'536)), (Outcome{1, 0, 0, 94'605}));
  EXPECT_EQ(in_any_order(split(recorded, 65'536), split(sent, 1000)), (Outcome{1, 0, 0, 94'605}));
}

// Two bytes changed close together deep in such a chunk, so the streams do
// not agree right after the first: a meeting at the front that puts the
// doers' changed byte against a recorded byte it differs from is passed over
// (it would part again there, one byte sooner: 24,974 mismatches). The next
// chunk's start, 64 KiB on, is where they meet: one mismatch, nothing
// missing or extra. (With a window of 60 KiB, before session 29, it was out
// of reach; the meeting left was at the front, past the changes in the
// doers' bytes: 29,080 bytes missing and as many extra; xtcp26 LOW 3.)
TEST(StreamTx, TwoBytesChangedDeepInALargeChunkOfOneByteDoNotPartAtEachByte) {
  const std::string recorded(200'000, 'y');
  std::string sent = recorded;
  sent[65'536 + 29'069] = 'Y';
  sent[65'536 + 29'079] = 'Y';
  EXPECT_EQ(in_any_order(split(recorded, 65'536), split(sent, 65'536)), (Outcome{1, 0, 0, 94'605}));
}

// Doers' bytes unlike the recording's for longer than the window, then like
// them: the streams are passed over, and the byte they parted at is behind
// the fronts then, so no meeting is held against it (an early version of the
// rule above read before the bytes there, a crash in a noise replay of a TLS
// capture; caught with AddressSanitizer here). 70,000 bytes changed, as many
// on each side: one mismatch, nothing missing or extra (the streams meet
// again in step). With a window of 60 KiB, before session 29, the
// meeting was found at the pass-over's granularity: 4,464 bytes missing and
// as many extra, the counts of session 25 (xtcp26 LOW 3).
TEST(StreamTx, AMeetingAfterAPassOverIsNotHeldAgainstTheByteThatDiffered) {
  const std::string recorded(200'000, 'a');
  const std::string sent = std::string(70'000, 'b') + std::string(130'000, 'a');
  EXPECT_EQ(in_any_order(split(recorded, 65'536), split(sent, 65'536)), (Outcome{1, 0, 0, 0}));
}

// The same in a periodic stream (bytes repeating every 251, as a test
// pattern does): a meeting one period further on in the doers' bytes parted
// again at the changed byte, one mismatch per period before it.
TEST(StreamTx, AByteChangedDeepInAPeriodicChunkIsOneMismatch) {
  std::string recorded(200'000, ' ');
  for (std::size_t i = 0; i < recorded.size(); ++i)
    recorded[i] = static_cast<char>('0' + (i * 7) % 251 % 64);
  std::string sent = recorded;
  sent[20'000] = static_cast<char>(sent[20'000] ^ 0x40);
  EXPECT_EQ(in_any_order(split(recorded, 65'536), split(sent, 4096)), (Outcome{1, 0, 0, 20'000}));
}

// 1 MB recorded in 1-byte chunks, every 1000th byte changed: one mismatch
// each (differences closer than any fixed confirmation length), nothing
// missing or extra (999,001 mismatches before); linear time.
TEST(StreamTx, ByteChangesInAMegabyteOfOneByteChunks) {
  const Chunks recorded(1'000'000, std::string("a"));
  const Chunks sent(1000, std::string(999, 'a') + "b");
  const Outcome o = compare(recorded, sent, Order::recording_first);
  EXPECT_EQ(o, (Outcome{1000, 0, 0, 999}));
  EXPECT_EQ(compare(recorded, sent, Order::doers_first), o);
  EXPECT_EQ(compare(recorded, sent, Order::in_step), o);
}

// Property: random streams with drops, duplicates and corruptions of random
// chunks, chunked differently on the two sides, give one outcome in every
// order of arrival; and the bytes counted add up.
TEST(StreamTx, TheOutcomeDoesNotDependOnTheOrderOfArrival) {
  RandomStream rng(3, "stream_tx_test.property");
  for (int round = 0; round < 20; ++round) {
    SCOPED_TRACE(round);
    Chunks recorded;
    std::string sent;
    for (int c = 0; c < 60; ++c) {
      const std::string chunk = letters(static_cast<std::size_t>(rng.uniform(1, 80)), rng);
      recorded.push_back(chunk);
      switch (rng.uniform(0, 9)) {
        case 0:
          break;  // dropped
        case 1:
          sent += chunk + chunk;
          break;  // duplicated
        case 2:
          sent += std::string(chunk.size(), '#');
          break;  // corrupted
        default:
          sent += chunk;
      }
    }
    std::string all;
    for (const std::string& c : recorded)
      all += c;
    const Outcome o =
        in_any_order(recorded, split(sent, static_cast<std::size_t>(rng.uniform(1, 50))));
    EXPECT_EQ(all.size() + o.extra, sent.size() + o.missing);
    EXPECT_EQ(o.mismatches == 0, all == sent);
  }
}

}  // namespace stream_tx_test
}  // namespace
}  // namespace hio::replay::detail
