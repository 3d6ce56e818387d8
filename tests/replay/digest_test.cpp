// The hio digest: documented test vectors (also computed by an independent
// reference implementation from docs/journal-format.md), the canonical
// encoding, and independence from how the input is split.
#include "hio/replay/digest.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "hio/replay/types.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace digest_test {

TEST(Digest, RawBytesVectors) {
  EXPECT_EQ(digest_bytes(""), 0x323def0871273387u);
  EXPECT_EQ(digest_bytes("123456789"), 0xd8d3e940d5defe4cu);
}

// The test vector of docs/journal-format.md, section "Digest".
std::vector<OwnedEvent> vector_events() {
  constexpr Tock kTock{31'250'000};
  std::vector<OwnedEvent> events(3);
  events[0].kind = EventKind::open;
  events[0].channel = 1;
  events[0].tyme = Tyme{};
  events[0].peer = "tcp://127.0.0.1:4000";
  events[0].text = "client";
  events[1].kind = EventKind::tx;
  events[1].channel = 1;
  events[1].tyme = Tyme{kTock};
  events[1].seq = 1;
  events[1].bytes = "hello\n";
  events[2].kind = EventKind::close;
  events[2].channel = 1;
  events[2].tyme = Tyme{2 * kTock};
  events[2].seq = 2;
  events[2].text = "closed by doer";
  return events;
}

TEST(Digest, EventStreamVector) {
  const auto events = vector_events();
  EXPECT_EQ(digest_events(test::views(events)), 0x3e98994926d8593bu);
  EXPECT_EQ(format_digest(digest_events(test::views(events))), "3e98994926d8593b");
  EXPECT_EQ(digest_events({}), 0x323def0871273387u);  // an empty stream
}

TEST(Digest, CanonicalEncodingIsDocumentedLayout) {
  const auto events = vector_events();
  std::string canonical;
  for (const OwnedEvent& e : events)
    append_canonical(canonical, e.view());
  EXPECT_EQ(canonical.size(), 142u);
  EXPECT_EQ(digest_bytes(canonical), 0x3e98994926d8593bu);
  // The tx event: kind 4, who 0, noise 0, channel_kind 0, channel 1, accepted
  // 0, tyme 31250000 ns, then bytes "hello\n", empty peer and text.
  std::string tx;
  append_canonical(tx, events[1].view());
  const std::string expected(
      "\x04\x00\x00\x00"
      "\x01\x00\x00\x00"
      "\x00\x00\x00\x00"
      "\x50\xd6\xdc\x01\x00\x00\x00\x00"
      "\x06\x00\x00\x00hello\n"
      "\x00\x00\x00\x00"
      "\x00\x00\x00\x00",
      38);
  EXPECT_EQ(tx, expected);
}

TEST(Digest, SeqIsNotPartOfIt) {
  auto events = vector_events();
  const std::uint64_t before = digest_events(test::views(events));
  for (OwnedEvent& e : events)
    e.seq += 1000;
  EXPECT_EQ(digest_events(test::views(events)), before);
}

TEST(Digest, EveryFieldCounts) {
  const auto base = vector_events();
  const std::uint64_t d0 = digest_events(test::views(base));
  std::vector<std::function<void(OwnedEvent&)>> changes = {
      [](OwnedEvent& e) { e.kind = EventKind::rx; },
      [](OwnedEvent& e) { e.channel = 2; },
      [](OwnedEvent& e) { e.tyme += Tock{1}; },
      [](OwnedEvent& e) { e.bytes += "x"; },
      [](OwnedEvent& e) { e.peer = "p"; },
      [](OwnedEvent& e) { e.text = "t"; },
      [](OwnedEvent& e) { e.accepted = 9; },
      [](OwnedEvent& e) { e.who = CloseWho::remote; },
      [](OwnedEvent& e) { e.noise = NoiseKind::drop; },
      [](OwnedEvent& e) { e.channel_kind = ChannelKind::datagram; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    auto events = base;
    changes[i](events[1]);
    EXPECT_NE(digest_events(test::views(events)), d0) << "change " << i;
  }
  // Moving bytes from one string field to the next must change it too
  // (the length prefixes make the encoding unambiguous).
  auto shifted = base;
  shifted[0].peer = "tcp://127.0.0.1:4000c";
  shifted[0].text = "lient";
  EXPECT_NE(digest_events(test::views(shifted)), d0);
}

TEST(Digest, SplittingTheInputChangesNothing) {
  std::string data;
  for (int i = 0; i < 300; ++i)
    data += static_cast<char>((i * 13 + 5) & 0xFF);
  const std::uint64_t whole = digest_bytes(data);
  for (std::size_t step = 1; step <= 17; ++step) {
    Hasher64 h;
    for (std::size_t i = 0; i < data.size(); i += step)
      h.update(std::string_view(data).substr(i, step));
    EXPECT_EQ(h.digest(), whole) << "step " << step;
  }
  Hasher64 h;
  h.update(std::string_view(data).substr(0, 100));
  EXPECT_EQ(h.digest(), digest_bytes(std::string_view(data).substr(0, 100)));  // peek, go on
  h.update(std::string_view(data).substr(100));
  EXPECT_EQ(h.digest(), whole);
}

TEST(Digest, LargeEventsDigestLikeSmallOnes) {
  // EventDigest hashes small events from one buffer and large ones piece by
  // piece; both must be the documented canonical encoding.
  for (std::size_t size : {0u, 1u, 200u, 231u, 232u, 233u, 5000u}) {
    OwnedEvent e;
    e.kind = EventKind::rx;
    e.bytes = std::string(size, 'b');
    e.peer = "peer";
    e.text = "text";
    std::string canonical;
    append_canonical(canonical, e.view());
    EventDigest d;
    d.add(e.view());
    EXPECT_EQ(d.value(), digest_bytes(canonical)) << size;
  }
}

TEST(Digest, AStreamOfEventsIsItsCanonicalStream) {
  // Events of every length, small and large mixed, so that each starts at
  // every offset within the hasher's 8-byte word.
  std::vector<OwnedEvent> events;
  for (std::size_t i = 0; i < 120; ++i) {
    OwnedEvent e;
    e.kind = static_cast<EventKind>(i % 9);
    e.channel = static_cast<std::uint32_t>(i * 7);
    e.tyme = Tyme{Tock{static_cast<std::int64_t>(i) * 1000}};
    e.bytes = std::string(i % 3 == 0 ? i * 3 : i % 11, static_cast<char>('a' + i % 26));
    e.peer = std::string(i % 5, 'p');
    e.text = std::string(i % 7 == 0 ? 250 : i % 4, 't');
    events.push_back(std::move(e));
  }
  std::string canonical;
  EventDigest d;
  for (const OwnedEvent& e : events) {
    append_canonical(canonical, e.view());
    d.add(e.view());
    ASSERT_EQ(d.value(), digest_bytes(canonical)) << "after " << d.events() << " events";
  }
}

TEST(Digest, DigestSinkIsTheJournalsDigest) {
  DigestSink sink;
  for (const OwnedEvent& e : test::sample_events())
    sink.on_event(e.view());
  EXPECT_EQ(sink.value(), digest_events(test::views(test::sample_events())));
  EXPECT_EQ(sink.events(), test::sample_events().size());
}

TEST(Digest, EventDigestMatchesOneShot) {
  const auto events = test::sample_events();
  EventDigest d;
  for (const OwnedEvent& e : events)
    d.add(e.view());
  EXPECT_EQ(d.value(), digest_events(test::views(events)));
  EXPECT_EQ(d.events(), events.size());
}

// Events with empty views (data() == nullptr) digest like empty strings,
// with no memcpy from a null pointer (UBSan caught it on real TCP events).
TEST(Digest, EmptyViewsWithNullData) {
  Hasher64 a;
  a.update_u8(1);
  a.update(std::string_view{});
  a.update(nullptr, 0);
  Hasher64 b;
  b.update_u8(1);
  EXPECT_EQ(a.digest(), b.digest());
}

}  // namespace digest_test
}  // namespace
}  // namespace hio::replay
