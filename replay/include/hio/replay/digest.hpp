// The hio digest: a 64-bit fingerprint of the canonical event stream (written in
// a journal's trailer and printed at the end of every run), and of raw bytes
// (the scenario digest). Defined byte by byte in docs/journal-format.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "hio/io/event.hpp"

namespace hio::replay {

// hio-digest-1, a streaming 64-bit hash over a byte stream. The stream is cut
// into 8-byte little-endian words w (the last one zero-padded) and
//   h = 0x27D4EB2F165667C5
//   for each word w:  h = rotl64(h ^ (w * 0xC2B2AE3D27D4EB4F), 31) * 0x9E3779B185EBCA87
//   digest = mix64(h ^ n)      (n = number of bytes; mix64 = hio::mix64, SplitMix64's finaliser)
// It is a fingerprint to compare runs, not a cryptographic hash. How the input
// is split over update() calls never changes the result. A value type.
class Hasher64 {
 public:
  void update(const void* data, std::size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  void update_u8(std::uint8_t v) { update(&v, 1); }
  void update_u32(std::uint32_t v);  // little-endian
  void update_u64(std::uint64_t v);  // little-endian
  // The digest of everything so far; the hasher can keep going afterwards.
  [[nodiscard]] std::uint64_t digest() const;
  std::uint64_t size() const { return size_; }

 private:
  friend class EventDigest;  // hashes small events without copying them twice

#ifdef HIO_DIGEST_LANES_PROTOTYPE
  // PROTOTYPE, not hio-digest-1 (docs/performance.md, Journal, session 7):
  // four lanes; word i of the stream goes to lane i mod 4, the lanes are
  // combined in digest(). Only built with -DHIO_DIGEST_LANES_PROTOTYPE, to
  // measure; every digest differs from hio-digest-1's.
  static constexpr std::size_t kLanes = 4;
  std::uint64_t h_[kLanes] = {0x27D4EB2F165667C5u, 0x27D4EB2F165667C5u + 0x9E3779B185EBCA87u,
                              0x27D4EB2F165667C5u + 2 * 0x9E3779B185EBCA87u,
                              0x27D4EB2F165667C5u + 3 * 0x9E3779B185EBCA87u};
#else
  std::uint64_t h_ = 0x27D4EB2F165667C5u;
#endif
  std::uint64_t size_ = 0;
  unsigned char pending_[8] = {};
  std::size_t pending_size_ = 0;
};

// The canonical encoding of one event, appended to `out` (little-endian):
//   u8 kind, u8 who, u8 noise, u8 channel_kind, u32 channel, u32 accepted,
//   i64 tyme_ns, then u32 length + the bytes of `bytes`, `peer` and `text`.
// seq is left out: it is the event's position in the stream, which the stream's
// order already says, so a stream recorded from its middle digests the same.
void append_canonical(std::string& out, const ChannelEvent& event);

// The digest of an event stream: hio-digest-1 over the concatenated canonical
// encodings of its events, in order. An empty stream has a digest too.
class EventDigest {
 public:
  void add(const ChannelEvent& event);
  [[nodiscard]] std::uint64_t value() const { return hasher_.digest(); }
  std::uint64_t events() const { return events_; }

 private:
  Hasher64 hasher_;
  std::uint64_t events_ = 0;
};

// The digest of a run without a journal: add it to the IoHub (add_sink) and
// read value() at the end - the same value a journal of the run would carry.
class DigestSink final : public EventSink {
 public:
  void on_event(const ChannelEvent& event) override { digest_.add(event); }
  std::uint64_t value() const { return digest_.value(); }
  std::uint64_t events() const { return digest_.events(); }

 private:
  EventDigest digest_;
};

[[nodiscard]] std::uint64_t digest_events(std::span<const ChannelEvent> events);
// hio-digest-1 of raw bytes (a journal header's scenario digest).
[[nodiscard]] std::uint64_t digest_bytes(std::string_view bytes);
// 16 lower-case hex digits, as runs print it: "9ae16a3b2f90404f".
std::string format_digest(std::uint64_t digest);

}  // namespace hio::replay
