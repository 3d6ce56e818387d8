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

void StreamTx::settle(Settled& settled) {
  for (;;) {
    if (apart_) {
      // A try that found nothing is tried again once the bytes at hand grew
      // by an eighth: streams that stay apart cost O(bytes) tries in all.
      const std::uint64_t at_hand = expected_.end() + actual_.end();
      if (at_hand < retry_at_) return;
      if (!realign()) {
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
    ++settled.mismatches;
    if (!settled.first) {
      settled.first = StreamMismatch{std::string(e.substr(0, n)), std::string(a.substr(0, n)),
                                     expected_.front()};
    }
    apart_ = true;
    matched_ = 0;
  }
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

bool StreamTx::realign() {
  const std::string_view e = expected_.view();
  const std::string_view a = actual_.view();
  const std::uint64_t front = expected_.front();
  // The best meeting so far: (s, q) by fewest bytes one side has more
  // (|s - q|), then nearest (s + q).
  std::optional<std::pair<std::size_t, std::size_t>> best;
  const auto better = [&best](std::size_t s, std::size_t q) {
    if (!best) return true;
    const auto shift = [](std::size_t x, std::size_t y) { return x > y ? x - y : y - x; };
    const std::size_t d = shift(s, q), best_d = shift(best->first, best->second);
    return d != best_d ? d < best_d : s + q < best->first + best->second;
  };
  std::size_t work = 0;  // bytes compared: bounded per try (periodic bytes match often)
  // Whether the streams meet at (s, q): the bytes both have from there agree
  // over the recorded chunk at s whole (or kVerifyBytes), and either the
  // doers' bytes cover the recording's from there or they agree over
  // kConfirmBytes at least (so a meeting is not taken before the bytes that
  // would show a better one are there).
  const auto meets = [&](std::size_t s, std::size_t q, std::size_t needed) {
    const std::size_t n = std::min({e.size() - s, a.size() - q, kVerifyBytes});
    if (n < needed) return false;
    if (a.size() - q < e.size() - s && n < kConfirmBytes) return false;
    work += n;
    return e.substr(s, n) == a.substr(q, n);
  };
  // The front (where the streams parted, or where the bytes passed over
  // end), then the recorded chunk starts after it.
  for (std::size_t k = 0; k <= std::min(chunks_.size(), kRealignChunks); ++k) {
    const std::size_t s = k == 0 ? 0 : static_cast<std::size_t>(chunks_[k - 1] - front);
    if (s >= e.size() || work > kRealignWork) break;
    // The chunk (from the front: the rest of its chunk) must be there whole.
    const std::size_t chunk_end =
        k < chunks_.size() ? static_cast<std::size_t>(chunks_[k] - front) : e.size();
    const std::size_t needed = std::min(std::min(chunk_end, e.size()) - s, kVerifyBytes);
    // Where the streams differ at once (the front) they meet further on;
    // elsewhere at the same offset first: the bytes between differ, no side
    // has more.
    if (k > 0 && s < a.size() && meets(s, s, needed)) {
      if (better(s, s)) best = std::pair{s, s};
      continue;
    }
    const std::string_view anchor = e.substr(s, kAnchorBytes);
    for (std::size_t q = a.find(anchor, k == 0 ? 1 : 0);
         q != std::string_view::npos && work <= kRealignWork; q = a.find(anchor, q + 1)) {
      if (!better(s, q) && q > s) break;  // further on, only worse
      if (q == s || !better(s, q)) continue;
      if (meets(s, q, needed)) best = std::pair{s, q};
    }
  }
  if (!best) return false;
  apart_expected_ += best->first;
  apart_actual_ += best->second;
  const std::uint64_t paired = std::min(apart_expected_, apart_actual_);
  missing_ += apart_expected_ - paired;
  extra_ += apart_actual_ - paired;
  apart_expected_ = apart_actual_ = 0;
  expected_.consume(best->first);
  actual_.consume(best->second);
  drop_chunks_before_front();
  apart_ = false;
  matched_ = 0;
  return true;
}

void StreamTx::bound_apart() {
  if (expected_.size() > kRealignBytes) {
    apart_expected_ += expected_.size() - kRealignBytes;
    expected_.consume(expected_.size() - kRealignBytes);
    drop_chunks_before_front();
  }
  if (actual_.size() > kRealignBytes) {
    apart_actual_ += actual_.size() - kRealignBytes;
    actual_.consume(actual_.size() - kRealignBytes);
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
