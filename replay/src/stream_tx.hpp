// A noise replay's comparison of one stream channel's tx: the bytes the
// recording sent, in its tx chunks, against the bytes the replay's doers send.
// A difference is one mismatch, and the comparison then realigns the two
// streams at a recorded chunk (docs/replay.md, "Stream tx under noise").
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace hio::replay::detail {

// Bytes not yet compared, of one side of one channel: appended at the back
// and compared away from the front. Consuming moves an offset (the bytes
// compared are dropped once they are at least half the buffer), so comparing
// costs O(bytes) in all, not O(bytes left) per chunk. At most a bound is kept
// (trim): the bytes beyond it, at the front, are dropped and only counted
// (skipped), and are passed over uncompared.
class ByteFifo {
 public:
  std::size_t size() const { return bytes_.size() - head_; }
  // Bytes not yet compared, kept or not.
  std::uint64_t pending() const { return size() + skipped; }
  // The stream position of the first byte kept (bytes before it were
  // compared, passed over or trimmed).
  std::uint64_t front() const { return appended_ - size(); }
  // The stream position after the last byte appended.
  std::uint64_t end() const { return appended_; }
  std::string_view view() const { return std::string_view(bytes_).substr(head_); }
  void append(std::string_view b) {
    bytes_ += b;
    appended_ += b.size();
  }
  void trim(std::size_t keep);
  void consume(std::size_t n);

 private:
  std::string bytes_;
  std::size_t head_ = 0;
  std::uint64_t appended_ = 0;

 public:
  std::uint64_t skipped = 0;  // dropped uncompared from the front (trim)
};

// Where the streams first part: the bytes both sides hold from the start of
// the recorded chunk the difference is in (as many on each side), and that
// start's stream position.
struct StreamMismatch {
  std::string expected;
  std::string actual;
  std::uint64_t offset = 0;
};

// The two streams of one channel. While they are in step, bytes are compared
// as they come on both sides. At the first byte that differs they part: one
// mismatch, at the recorded chunk the difference is in. Apart, the streams
// meet again at a recorded chunk start: the start of the chunk the difference
// is in (further on in the doers' bytes), or one of the next kRealignChunks
// within kRealignWindow bytes, where the recording's bytes from there agree
// with the doers' from some place (within kRealignWindow too) over the whole
// chunk, at least kMinAgreeBytes, at most kVerifyBytes. Of the meetings, the
// one with the fewest bytes one side has more, then the nearest, realigns
// them. It is taken only once the bytes at hand show that no meeting that
// would rank before it can exist (both sides hold the bytes that decide
// each), or at the end of the streams (finish), so the counts and the first
// offset do not depend on which side's bytes come first (within the bounds:
// kept_bytes, the work per try); the bytes a StreamMismatch shows are what
// both sides held when the streams parted, and may. Of the bytes passed over,
// as many as both sides have are the mismatch's own, and the rest of the
// longer side is missing (the recording's) or extra (the doers'). So an rx
// chunk dropped before an echo, which the echo never sends, is one mismatch
// and its bytes missing, not every later chunk a mismatch (their byte offsets
// shifted); a corrupted chunk is one mismatch, nothing missing.
class StreamTx {
 public:
  static constexpr std::size_t kAnchorBytes = 64;
  static constexpr std::size_t kRealignChunks = 64;
  static constexpr std::size_t kVerifyBytes = 4096;
  // A meeting agrees over this many bytes at least, even on a recorded chunk
  // shorter (a serial line records single bytes).
  static constexpr std::size_t kMinAgreeBytes = 32;
  // Bytes compared per try to realign, at most (then it waits for more).
  static constexpr std::size_t kRealignWork = std::size_t{1} << 20;
  // Meetings are looked for this far on each side. Where none is, the
  // streams are passed over to the last chunk looked at, and looked again.
  // Past a whole 64 KiB chunk (TCP records its reads so): the next chunk's
  // start, 64 KiB after the start of the chunk a difference is in, is a
  // meeting within reach. At 60 KiB (before session 29) it was not, and two
  // bytes changed in one such chunk of a repeated byte, or 70,000 bytes
  // changed, met again only at the granularity of a pass-over: 29,080 and
  // 4,464 bytes missing and as many extra where none were (xtcp26 LOW 3).
  static constexpr std::size_t kRealignWindow = 64 * 1024 + 1;
  // Apart, each side keeps at least this many bytes to realign in (the bytes
  // that decide a meeting, kVerifyBytes past the window; the side ahead at
  // most kept_bytes more; beyond, its first bytes are passed over, counted
  // with the mismatch).
  static constexpr std::size_t kRealignBytes = kRealignWindow + kVerifyBytes;

  // `kept_bytes`: in step, the side that runs ahead keeps at most this many
  // bytes (ReplayOptions::noise_tx_kept_bytes); those beyond are passed over
  // on both sides, counted but not compared.
  explicit StreamTx(std::size_t kept_bytes) : kept_(kept_bytes) {}

  struct Settled {
    std::uint64_t mismatches = 0;           // the streams parted this many times
    std::optional<StreamMismatch> first{};  // where they parted first
  };
  // A recorded tx chunk (recorded) or bytes the doers sent (not recorded),
  // and what comparing it with the other side found.
  Settled add(bool recorded, std::string_view bytes);
  // Both streams ended: the meetings their bytes show are taken (with fewer
  // bytes to agree over where a stream ends), and what comparing on found.
  Settled finish();

  // The recording has sent more than the doers so far.
  bool owed() const { return expected_.pending() > actual_.pending(); }
  // The stream positions the recorded bytes and the doers' have reached.
  std::uint64_t expected_end() const { return expected_.end(); }
  std::uint64_t actual_end() const { return actual_.end(); }
  // What is left, as if the streams ended now: bytes the recording sent and
  // the doers did not (missing), and the other way (extra), with those of
  // the mismatches realigned so far.
  std::uint64_t missing_bytes() const;
  std::uint64_t extra_bytes() const;

 private:
  void settle(Settled& settled);
  void pass_over_skipped();
  // In step: drops the compared bytes of the chunks both sides have whole
  // (the current chunk's compared bytes stay: a difference further in it
  // parts the streams from its start).
  void release_matched();
  enum class Realigned { met, passed_over, wait };
  // Apart: meets the streams again if their bytes show where, passes over
  // the bytes where none is, or waits for more.
  Realigned realign();
  // In step: the streams differ at `at` (from the front): they part at the
  // start of the recorded chunk it is in.
  void part(std::size_t at, Settled& settled);
  void bound_apart();
  void drop_chunks_before_front();
  void consume_both(std::size_t n);

  std::size_t kept_;
  ByteFifo expected_;
  ByteFifo actual_;
  std::deque<std::uint64_t> chunks_;  // stream positions of recorded chunk starts after the front
  std::size_t matched_ = 0;           // in step: bytes at both fronts compared equal
  bool apart_ = false;
  bool ended_ = false;  // finish(): no more bytes come
  // Apart: bytes passed over since the streams parted, on each side.
  std::uint64_t apart_expected_ = 0;
  std::uint64_t apart_actual_ = 0;
  // Apart: the stream positions of the first byte that differed, in the
  // recording's bytes and in the doers'.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> parted_at_;
  // Apart: no realignment is tried before the bytes appended on both sides
  // reach this (a try found nothing).
  std::uint64_t retry_at_ = 0;
  // Of the mismatches realigned: bytes one side had more.
  std::uint64_t missing_ = 0;
  std::uint64_t extra_ = 0;
};

}  // namespace hio::replay::detail
