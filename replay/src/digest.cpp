#include "hio/replay/digest.hpp"

#include <cstring>

#include "hio/engine/random.hpp"
#include "le.hpp"

namespace hio::replay {

namespace {

constexpr std::uint64_t kPrime1 = 0x9E3779B185EBCA87u;
constexpr std::uint64_t kPrime2 = 0xC2B2AE3D27D4EB4Fu;

constexpr std::uint64_t rotl64(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

constexpr std::uint64_t round(std::uint64_t h, std::uint64_t w) {
  return rotl64(h ^ (w * kPrime2), 31) * kPrime1;
}

#ifdef HIO_DIGEST_LANES_PROTOTYPE
// PROTOTYPE (see digest.hpp): `words` whole words at p into the lanes; `done`
// words were hashed before them. Four independent chains run side by side.
inline void absorb(std::uint64_t (&h)[4], std::uint64_t done, const unsigned char* p,
                   std::size_t words) {
  for (; words > 0 && done % 4 != 0; --words, ++done, p += 8)
    h[done % 4] = round(h[done % 4], detail::load_le64(p));
  std::uint64_t a = h[0], b = h[1], c = h[2], d = h[3];
  for (; words >= 4; words -= 4, done += 4, p += 32) {
    a = round(a, detail::load_le64(p));
    b = round(b, detail::load_le64(p + 8));
    c = round(c, detail::load_le64(p + 16));
    d = round(d, detail::load_le64(p + 24));
  }
  h[0] = a, h[1] = b, h[2] = c, h[3] = d;
  for (; words > 0; --words, ++done, p += 8)
    h[done % 4] = round(h[done % 4], detail::load_le64(p));
}

inline std::uint64_t lanes_value(const std::uint64_t (&h)[4], std::uint64_t done,
                                 const unsigned char* last, std::size_t last_size) {
  std::uint64_t l[4] = {h[0], h[1], h[2], h[3]};
  if (last_size > 0) absorb(l, done, last, 1);
  return rotl64(l[0], 1) + rotl64(l[1], 7) + rotl64(l[2], 12) + rotl64(l[3], 18);
}
#else
// `words` whole words at p into the chain (`done` words were hashed before).
inline void absorb(std::uint64_t& h, std::uint64_t /*done*/, const unsigned char* p,
                   std::size_t words) {
  std::uint64_t v = h;  // the hot loop keeps the state in a register
  for (; words > 0; --words, p += 8)
    v = round(v, detail::load_le64(p));
  h = v;
}
#endif

}  // namespace

void Hasher64::update(const void* data, std::size_t size) {
  // An empty string_view may have a null data(): memcpy must not see it.
  if (size == 0) return;
  const auto* p = static_cast<const unsigned char*>(data);
  // Words hashed so far (the pending bytes are not yet).
  std::uint64_t done = (size_ - pending_size_) / 8;
  size_ += size;
  if (pending_size_ > 0) {
    const std::size_t take = std::min(size, 8 - pending_size_);
    std::memcpy(pending_ + pending_size_, p, take);
    pending_size_ += take;
    p += take;
    size -= take;
    if (pending_size_ < 8) return;
    absorb(h_, done++, pending_, 1);
    pending_size_ = 0;
  }
  absorb(h_, done, p, size / 8);
  p += size / 8 * 8;
  size %= 8;
  if (size > 0) {
    std::memcpy(pending_, p, size);
    pending_size_ = size;
  }
}

void Hasher64::update_u32(std::uint32_t v) {
  unsigned char b[4];
  detail::store_le32(b, v);
  update(b, 4);
}

void Hasher64::update_u64(std::uint64_t v) {
  unsigned char b[8];
  detail::store_le64(b, v);
  update(b, 8);
}

std::uint64_t Hasher64::digest() const {
  unsigned char last[8] = {};
  std::memcpy(last, pending_, pending_size_);
#ifdef HIO_DIGEST_LANES_PROTOTYPE
  const std::uint64_t h = lanes_value(h_, (size_ - pending_size_) / 8, last, pending_size_);
#else
  std::uint64_t h = h_;
  if (pending_size_ > 0) absorb(h, 0, last, 1);
#endif
  return mix64(h ^ size_);
}

namespace {

constexpr std::size_t kFixedSize = 20;

// The fixed part of the canonical encoding plus the length of `bytes`.
void encode_fixed(unsigned char* out, const ChannelEvent& e) {
  out[0] = static_cast<unsigned char>(e.kind);
  out[1] = static_cast<unsigned char>(e.who);
  out[2] = static_cast<unsigned char>(e.noise);
  out[3] = static_cast<unsigned char>(e.channel_kind);
  detail::store_le32(out + 4, e.channel);
  detail::store_le32(out + 8, e.accepted);
  detail::store_le64(out + 12, static_cast<std::uint64_t>(e.tyme.time_since_epoch().count()));
  detail::store_le32(out + 20, static_cast<std::uint32_t>(e.bytes.size()));
}

void append_le32(std::string& out, std::size_t v) {
  unsigned char b[4];
  detail::store_le32(b, static_cast<std::uint32_t>(v));
  out.append(reinterpret_cast<const char*>(b), 4);
}

}  // namespace

void append_canonical(std::string& out, const ChannelEvent& e) {
  unsigned char fixed[kFixedSize + 4];
  encode_fixed(fixed, e);
  out.append(reinterpret_cast<const char*>(fixed), sizeof fixed);
  out.append(e.bytes);
  append_le32(out, e.peer.size());
  out.append(e.peer);
  append_le32(out, e.text.size());
  out.append(e.text);
}

void EventDigest::add(const ChannelEvent& e) {
  // Small events (the common case) are encoded into one buffer after the
  // hasher's pending bytes and hashed a word at a time straight from it;
  // larger ones are fed piece by piece. Same bytes either way.
  constexpr std::size_t kSmall = 256;
  const std::size_t total = kFixedSize + 12 + e.bytes.size() + e.peer.size() + e.text.size();
  if (total <= kSmall) {
    Hasher64& hs = hasher_;
    // 8 bytes of room in front for the pending bytes, 8 behind for the word
    // that becomes the new pending bytes.
    unsigned char buf[8 + kSmall + 8];
    std::memcpy(buf, hs.pending_, 8);
    unsigned char* p = buf + hs.pending_size_;
    encode_fixed(p, e);
    p += kFixedSize + 4;
    auto put = [&p](std::string_view value) {
      p = detail::copy_small(p, reinterpret_cast<const unsigned char*>(value.data()), value.size());
    };
    auto put_len = [&p](std::size_t n) {
      detail::store_le32(p, static_cast<std::uint32_t>(n));
      p += 4;
    };
    put(e.bytes);
    put_len(e.peer.size());
    put(e.peer);
    put_len(e.text.size());
    put(e.text);
    const unsigned char* q = buf;
    const auto words = static_cast<std::size_t>(p - q) / 8;
    absorb(hs.h_, (hs.size_ - hs.pending_size_) / 8, q, words);
    q += words * 8;
    std::memcpy(hs.pending_, q, 8);
    hs.pending_size_ = static_cast<std::size_t>(p - q);
    hs.size_ += total;
  } else {
    unsigned char fixed[kFixedSize + 4];
    encode_fixed(fixed, e);
    hasher_.update(fixed, sizeof fixed);
    hasher_.update(e.bytes);
    hasher_.update_u32(static_cast<std::uint32_t>(e.peer.size()));
    hasher_.update(e.peer);
    hasher_.update_u32(static_cast<std::uint32_t>(e.text.size()));
    hasher_.update(e.text);
  }
  ++events_;
}

std::uint64_t digest_events(std::span<const ChannelEvent> events) {
  EventDigest digest;
  for (const ChannelEvent& e : events)
    digest.add(e);
  return digest.value();
}

std::uint64_t digest_bytes(std::string_view bytes) {
  Hasher64 hasher;
  hasher.update(bytes);
  return hasher.digest();
}

std::string format_digest(std::uint64_t digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[digest & 0xFu];
    digest >>= 4;
  }
  return out;
}

}  // namespace hio::replay
