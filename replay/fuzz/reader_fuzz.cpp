// libFuzzer target for the journal reader: any bytes must give either valid
// frames or a precise error, never a crash, a hang, a leak or an allocation
// beyond the limits. Build with -DHIO_FUZZ=ON and clang; run as in
// docs/journal-format.md ("Fuzzing the reader").
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hio/replay/replay.hpp"

namespace {

using hio::replay::format_event;
using hio::replay::format_header;
using hio::replay::format_trailer;
using hio::replay::FormatOptions;
using hio::replay::FrameView;
using hio::replay::JournalReader;
using hio::replay::LineFormat;
using hio::replay::ReaderOptions;

// Small limits, so that the fuzzer's memory limit is never what stops it.
ReaderOptions options() {
  ReaderOptions o;
  o.frame_bytes_max = 1 << 20;
  o.message_bytes_max = 4 << 20;
  return o;
}

volatile std::size_t g_sink = 0;

void check(bool invariant) {
  if (!invariant) __builtin_trap();
}

// The same bytes with every frame's CRC32C made right, so that mutations reach
// the Cap'n Proto decoding and the validation behind the checksum (CRC32C
// guards against damage, not against a hostile writer).
std::string with_fixed_crcs(std::string_view bytes) {
  std::string out(bytes);
  auto le32 = [&out](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i)
      v |= static_cast<std::uint32_t>(static_cast<unsigned char>(out[at + i])) << (8 * i);
    return v;
  };
  std::size_t at = 16;
  while (at + 8 <= out.size()) {
    const std::size_t length = le32(at);
    if (length > out.size() - at - 8) break;
    const std::uint32_t crc = hio::replay::crc32c(std::string_view(out).substr(at + 8, length));
    for (std::size_t i = 0; i < 4; ++i)
      out[at + 4 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
    at += 8 + length;
  }
  return out;
}

std::size_t read_all(std::string_view bytes) {
  const std::size_t size = bytes.size();
  JournalReader reader = JournalReader::from_memory(bytes, options());
  const FormatOptions json{.format = LineFormat::json};
  std::size_t sink = 0;
  if (reader.header() != nullptr) sink += format_header(*reader.header(), json).size();
  std::uint64_t previous_end = reader.valid_bytes();
  while (const FrameView* frame = reader.next()) {
    check(frame->offset >= previous_end && frame->offset + frame->size_bytes <= size);
    previous_end = frame->offset + frame->size_bytes;
    for (const hio::ChannelEvent& e : frame->events) {
      check(e.tyme == frame->tyme);
      sink += format_event(e, frame->pass, json).size() + format_event(e, frame->pass).size();
    }
  }
  check(reader.valid_bytes() <= size);
  check(reader.complete() != reader.error().has_value());
  if (reader.complete()) check(reader.valid_bytes() == size);
  if (reader.error()) {
    check(reader.error()->offset <= size);
    sink += reader.error()->describe().size();
  }
  if (reader.trailer() != nullptr) sink += format_trailer(*reader.trailer()).size();

  // A journal never diverges from itself, damaged or not.
  JournalReader a = JournalReader::from_memory(bytes, options());
  JournalReader b = JournalReader::from_memory(bytes, options());
  check(!hio::replay::diff_journals(a, b).divergence.has_value());
  return sink;
}

// The same bytes read past damage (ReaderOptions::resync): frames in file
// order and never inside a hole, seqs increasing across holes, holes in order
// and within the input, complete() xor error().
std::size_t read_resync(std::string_view bytes) {
  const std::size_t size = bytes.size();
  ReaderOptions o = options();
  o.resync = true;
  JournalReader reader = JournalReader::from_memory(bytes, o);
  std::size_t sink = 0;
  std::uint64_t previous_end = reader.valid_bytes();
  bool seen = false;
  std::uint64_t last_seq = 0;
  while (const FrameView* frame = reader.next()) {
    check(frame->offset >= previous_end && frame->offset + frame->size_bytes <= size);
    previous_end = frame->offset + frame->size_bytes;
    for (const hio::ChannelEvent& e : frame->events) {
      check(!seen || e.seq > last_seq);
      seen = true;
      last_seq = e.seq;
      sink += e.bytes.size();
    }
  }
  check(reader.complete() != reader.error().has_value());
  std::uint64_t hole_end = 0;
  for (const hio::replay::JournalHole& h : reader.holes()) {
    check(h.offset >= hole_end && h.end >= h.offset && h.end <= size);
    hole_end = h.end;
    sink += h.why.describe().size();
  }
  return sink;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Stored so that the formatting is not optimised away.
  const std::string fixed = with_fixed_crcs(bytes);
  g_sink = read_all(bytes) + read_all(fixed) + read_resync(bytes) + read_resync(fixed);
  return 0;
}
