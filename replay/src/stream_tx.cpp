#include "stream_tx.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace hio::replay::detail {

void ByteFifo::trim(std::size_t keep) {
  if (size() <= keep) return;
  skipped += size() - keep;
  consume(size() - keep);
}

void ByteFifo::consume(std::size_t n) {
  head_ += std::min(n, size());
  if (head_ == bytes_.size()) {
    bytes_.clear();
    head_ = 0;
  } else if (head_ >= bytes_.size() / 2) {
    bytes_.erase(0, head_);
    head_ = 0;
  }
}

StreamTx::Settled StreamTx::add(bool recorded, std::string_view bytes) {
  Settled settled;
  if (bytes.empty()) return settled;
  if (recorded) chunks_.push_back(expected_.end());
  (recorded ? expected_ : actual_).append(bytes);
  settle(settled);
  if (apart_) {
    bound_apart();
    return settled;
  }
  // In step, the side that runs ahead keeps a bounded surplus.
  ByteFifo& side = recorded ? expected_ : actual_;
  if (side.size() > kept_) {
    consume_both(matched_);
    side.trim(kept_);
    drop_chunks_before_front();
  }
  return settled;
}

StreamTx::Settled StreamTx::finish() {
  Settled settled;
  ended_ = true;
  retry_at_ = 0;
  settle(settled);
  return settled;
}

void StreamTx::settle(Settled& settled) {
  for (;;) {
    if (apart_) {
      // A try that found nothing is tried again once the bytes at hand grew
      // by an eighth: streams that stay apart cost O(bytes) tries in all.
      const std::uint64_t at_hand = expected_.end() + actual_.end();
      if (at_hand < retry_at_ && !ended_) return;
      switch (realign()) {
        case Realigned::met:
          retry_at_ = 0;
          break;
        case Realigned::passed_over:
          continue;
        case Realigned::wait:
          retry_at_ = at_hand + (expected_.size() + actual_.size()) / 8;
          return;
      }
      continue;
    }
    pass_over_skipped();
    const std::string_view e = expected_.view();
    const std::string_view a = actual_.view();
    const std::size_t n = std::min(e.size(), a.size());
    matched_ = std::min(matched_, n);
    const auto differs = std::mismatch(e.begin() + static_cast<std::ptrdiff_t>(matched_),
                                       e.begin() + static_cast<std::ptrdiff_t>(n),
                                       a.begin() + static_cast<std::ptrdiff_t>(matched_));
    if (differs.first == e.begin() + static_cast<std::ptrdiff_t>(n)) {
      matched_ = n;
      release_matched();
      return;
    }
    part(static_cast<std::size_t>(differs.first - e.begin()), settled);
  }
}

void StreamTx::part(std::size_t at, Settled& settled) {
  // The bytes before the chunk the difference is in agree: compared away, so
  // the front is that chunk's start whichever side's bytes came first.
  const std::uint64_t front = expected_.front();
  const auto after = std::upper_bound(chunks_.begin(), chunks_.end(), front + at);
  consume_both(after == chunks_.begin() ? 0 : static_cast<std::size_t>(*std::prev(after) - front));
  // The byte that differs, by its stream position on each side (the sides'
  // fronts are at the same distance from it now).
  parted_at_ = {front + at, actual_.front() + (front + at - expected_.front())};
  ++settled.mismatches;
  if (!settled.first) {
    const std::size_t n = std::min(expected_.size(), actual_.size());
    settled.first = StreamMismatch{std::string(expected_.view().substr(0, n)),
                                   std::string(actual_.view().substr(0, n)), expected_.front()};
  }
  apart_ = true;
  matched_ = 0;
}

void StreamTx::pass_over_skipped() {
  // Bytes one side passed over (trimmed) are passed over on the other too.
  for (ByteFifo* a : {&expected_, &actual_}) {
    ByteFifo& b = a == &expected_ ? actual_ : expected_;
    const std::uint64_t n = std::min<std::uint64_t>(a->skipped, b.size());
    a->skipped -= n;
    b.consume(static_cast<std::size_t>(n));
  }
  drop_chunks_before_front();
}

void StreamTx::release_matched() {
  // Up to the last chunk start within the compared bytes; all of them once
  // they are more than a realignment keeps anyway.
  const std::uint64_t front = expected_.front();
  const auto after = std::upper_bound(chunks_.begin(), chunks_.end(), front + matched_);
  std::size_t n =
      after == chunks_.begin() ? 0 : static_cast<std::size_t>(*std::prev(after) - front);
  if (matched_ > kRealignBytes) n = matched_;
  consume_both(n);
}

void StreamTx::consume_both(std::size_t n) {
  if (n == 0) return;
  expected_.consume(n);
  actual_.consume(n);
  matched_ -= std::min(matched_, n);
  drop_chunks_before_front();
}

void StreamTx::drop_chunks_before_front() {
  while (!chunks_.empty() && chunks_.front() <= expected_.front())
    chunks_.pop_front();
}

StreamTx::Realigned StreamTx::realign() {
  const std::string_view e = expected_.view();
  const std::string_view a = actual_.view();
  const std::uint64_t front = expected_.front();
  // Meetings (s, q) rank by fewest bytes one side has more (|s - q|), then
  // nearest (s + q).
  using Rank = std::pair<std::size_t, std::size_t>;
  const auto rank = [](std::size_t s, std::size_t q) { return Rank{s > q ? s - q : q - s, s + q}; };
  std::optional<std::pair<std::size_t, std::size_t>> best;  // the best meeting shown
  std::optional<Rank> unknown;  // the best rank a meeting not decided yet may have
  const auto bound = [&]() -> std::optional<Rank> {
    if (!best) return unknown;
    const Rank r = rank(best->first, best->second);
    return unknown && *unknown < r ? unknown : r;
  };
  const auto note_unknown = [&](std::size_t s, std::size_t q) {
    if (!unknown || rank(s, q) < *unknown) unknown = rank(s, q);
  };
  // The byte the streams parted at, as far from both fronts (none once it
  // was passed over, or once one side was passed over more than the other).
  std::size_t differs = std::string_view::npos;
  if (parted_at_ && parted_at_->first >= front && parted_at_->second >= actual_.front() &&
      parted_at_->first - front == parted_at_->second - actual_.front()) {
    const std::uint64_t d = parted_at_->first - front;
    if (d < e.size() && d < a.size()) differs = static_cast<std::size_t>(d);
  }
  std::size_t work = 0;  // bytes compared: bounded per try (periodic bytes match often)
  // Right after the byte that differed, if the streams agree from there
  // over the rest of its recorded chunk and kMinAgreeBytes into the next (at
  // most kVerifyBytes): a byte changed and nothing else, as a meeting at the
  // next chunk start would show, which a 64 KiB TCP chunk puts beyond
  // kRealignWindow. Else the meeting found in a stream of one repeated byte
  // (or periodic bytes) was at the front, the changed byte's distance (or a
  // period) on in the doers' bytes: as many bytes missing and extra (xtcp26).
  if (differs != std::string_view::npos && differs + 1 < e.size()) {
    const std::size_t s = differs + 1;
    const auto next = std::upper_bound(chunks_.begin(), chunks_.end(), front + differs);
    const std::size_t rest_end =
        next == chunks_.end() ? e.size() : static_cast<std::size_t>(*next - front);
    const std::size_t need = std::min(kVerifyBytes, rest_end - s + kMinAgreeBytes);
    const std::size_t m = std::min(need, e.size() - s);
    if (m < need && !ended_) {
      note_unknown(s, s);
    } else if (a.size() >= s + m) {
      work += m;
      if (e.substr(s, m) == a.substr(s, m)) best = std::pair{s, s};
    } else if (!ended_) {
      note_unknown(s, s);
    }
  }
  std::size_t last_s = 0;
  bool all_starts = false;  // every chunk start that may meet is at hand
  // The front (where the streams parted, or where the bytes passed over
  // end), then the recorded chunk starts after it.
  for (std::size_t k = 0;; ++k) {
    if (k > std::min(chunks_.size(), kRealignChunks)) {
      all_starts = k > kRealignChunks;
      break;
    }
    const std::size_t s = k == 0 ? 0 : static_cast<std::size_t>(chunks_[k - 1] - front);
    if (s >= kRealignWindow) {
      all_starts = true;
      break;
    }
    if (s >= e.size()) break;  // the front chunk trimmed away whole
    // Every meeting here ranks (0, 2s) or after: no better than the bound.
    if (const auto b = bound(); b && !(Rank{0, 2 * s} < *b)) {
      all_starts = true;
      break;
    }
    last_s = s;
    const std::size_t chunk_end =
        k < chunks_.size() ? static_cast<std::size_t>(chunks_[k] - front) : e.size();
    const std::size_t need =
        std::min(kVerifyBytes, std::max(kMinAgreeBytes, std::min(chunk_end, e.size()) - s));
    // The recording's bytes a meeting here agrees over: `need`, or at the end
    // as many as it has.
    if (e.size() - s < need && !ended_) {
      note_unknown(s, s);  // and every start after: (0, 2s) at best
      break;
    }
    const std::size_t m = std::min(need, e.size() - s);
    const std::size_t q_min = k == 0 ? 1 : 0;
    // The doers' bytes decide a meeting at q once they hold q + m (at the
    // end: those that do not are none).
    const std::size_t q_known = a.size() >= m ? a.size() - m + 1 : 0;  // q < q_known
    if (!ended_ && q_known < kRealignWindow) {
      const std::size_t q_u = std::max({q_known, q_min, std::min(s, kRealignWindow - 1)});
      note_unknown(s, q_u);
    }
    const std::string_view anchor = e.substr(s, std::min(kAnchorBytes, m));
    std::size_t q_end = std::min(q_known, kRealignWindow);  // q < q_end
    std::size_t q = q_min;
    if (const auto b = bound()) {
      q = std::max(q, s > b->first ? s - b->first : 0);
      q_end = std::min(q_end, s + b->first + 1);
    }
    for (q = q < q_end ? a.find(anchor, q) : std::string_view::npos; q < q_end;
         q = a.find(anchor, q + 1)) {
      if (work > kRealignWork) return Realigned::wait;
      if (const auto b = bound(); b && !(rank(s, q) < *b)) {
        if (q > s) break;  // further on, only worse
        continue;
      }
      // A meeting at the front, q bytes on in the doers' bytes, that puts
      // the doers' byte that differed against another recorded one that
      // differs from it too would part again there, q bytes sooner: in a
      // stream of one repeated byte (or periodic bytes), one mismatch per
      // byte (or period) up to the change (xtcp26). Every such meeting is
      // passed over; (0, 0) was one.
      if (k == 0 && differs != std::string_view::npos && q <= differs &&
          e[differs - q] != a[differs])
        continue;
      work += m;
      if (e.substr(s, m) == a.substr(q, m)) {
        best = std::pair{s, q};
        if (q >= s) break;
      }
    }
  }
  // A chunk start not at hand yet may meet at (0, 2 e.size()) at best.
  if (!all_starts && !ended_ && e.size() < kRealignWindow) note_unknown(e.size(), e.size());
  if (best && (!unknown || rank(best->first, best->second) < *unknown)) {
    apart_expected_ += best->first;
    apart_actual_ += best->second;
    const std::uint64_t paired = std::min(apart_expected_, apart_actual_);
    missing_ += apart_expected_ - paired;
    extra_ += apart_actual_ - paired;
    apart_expected_ = apart_actual_ = 0;
    parted_at_.reset();
    expected_.consume(best->first);
    actual_.consume(best->second);
    drop_chunks_before_front();
    apart_ = false;
    matched_ = 0;
    return Realigned::met;
  }
  if (unknown || ended_) return Realigned::wait;
  // No meeting within the window: both sides are passed over as far (to the
  // last chunk start looked at), and looked at again from there.
  const std::size_t n = last_s > 0 ? last_s : kRealignWindow / 2;
  apart_expected_ += n;
  apart_actual_ += n;
  expected_.consume(n);
  actual_.consume(n);
  drop_chunks_before_front();
  return Realigned::passed_over;
}

void StreamTx::bound_apart() {
  // The bytes that decide a meeting fit in kRealignBytes; the side ahead
  // keeps as much as in step.
  const std::size_t keep = std::max(kRealignBytes, kept_);
  if (expected_.size() > keep) {
    apart_expected_ += expected_.size() - keep;
    expected_.consume(expected_.size() - keep);
    drop_chunks_before_front();
  }
  if (actual_.size() > keep) {
    apart_actual_ += actual_.size() - keep;
    actual_.consume(actual_.size() - keep);
  }
}

std::uint64_t StreamTx::missing_bytes() const {
  if (!apart_) return missing_ + expected_.pending() - matched_;
  const std::uint64_t e = apart_expected_ + expected_.pending();
  const std::uint64_t a = apart_actual_ + actual_.pending();
  return missing_ + e - std::min(e, a);
}

std::uint64_t StreamTx::extra_bytes() const {
  if (!apart_) return extra_ + actual_.pending() - matched_;
  const std::uint64_t e = apart_expected_ + expected_.pending();
  const std::uint64_t a = apart_actual_ + actual_.pending();
  return extra_ + a - std::min(e, a);
}

}  // namespace hio::replay::detail
