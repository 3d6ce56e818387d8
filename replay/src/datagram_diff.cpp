// The fewest differences between a channel's recorded datagrams and the
// replay's (datagram_diff.hpp).
#include "datagram_diff.hpp"

#include <algorithm>
#include <utility>

#include "hio/engine/random.hpp"

namespace hio::replay::detail {

SentDatagram::SentDatagram(Datagram sent, Tyme at)
    : datagram(std::move(sent)),
      tyme(at),
      hash(mix64(fnv1a64(datagram.peer)) ^ fnv1a64(datagram.bytes)) {}

DatagramDiff::Scratch& DatagramDiff::scratch() {
  thread_local Scratch s;
  return s;
}

void DatagramDiff::add(bool recorded, std::shared_ptr<const SentDatagram> sent) {
  (recorded ? expected_bytes_ : actual_bytes_) += sent->datagram.bytes.size();
  (recorded ? expected_ : actual_).push_back(std::move(sent));
}

void DatagramDiff::pop(bool recorded) {
  Side& side = recorded ? expected_ : actual_;
  (recorded ? expected_bytes_ : actual_bytes_) -= side.front()->datagram.bytes.size();
  side.pop_front();
}

template <typename Same>
void DatagramDiff::fill(Table& t, std::size_t n, std::size_t m, Same same) {
  for (std::size_t j = 0; j <= m; ++j)
    cell(t, n, j) = 0;
  for (std::size_t i = n; i-- > 0;) {
    cell(t, i, m) = 0;
    for (std::size_t j = m; j-- > 0;) {
      cell(t, i, j) = same(*expected_[i], *actual_[j])
                          ? static_cast<std::uint8_t>(cell(t, i + 1, j + 1) + 1)
                          : std::max(cell(t, i, j + 1), cell(t, i + 1, j));
    }
  }
}

void DatagramDiff::pair_fronts(const Sink& sink) {
  sink(Step::paired, expected_.front().get(), actual_.front().get(), offset_);
  offset_ += actual_.front()->datagram.bytes.size();
  pop(/*recorded=*/true);
  pop(/*recorded=*/false);
}

void DatagramDiff::emit_gap(std::size_t n, std::size_t m, const Sink& sink) {
  // The most pairs to the same peer, walked as the window's pairs are (a
  // tie takes the doers' datagram as extra first).
  Table& peers = scratch().gap_table;
  fill(peers, n, m, [](const SentDatagram& x, const SentDatagram& y) {
    return x.datagram.peer == y.datagram.peer;
  });
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n || j < m) {
    const SentDatagram* x = i < n ? expected_[i].get() : nullptr;
    const SentDatagram* y = j < m ? actual_[j].get() : nullptr;
    if (x != nullptr && y != nullptr && x->datagram.peer == y->datagram.peer) {
      sink(Step::mismatch, x, y, offset_);
      offset_ += y->datagram.bytes.size();
      ++i;
      ++j;
    } else if (y != nullptr && (x == nullptr || cell(peers, i, j + 1) >= cell(peers, i + 1, j))) {
      sink(Step::extra, nullptr, y, offset_);
      offset_ += y->datagram.bytes.size();
      ++j;
    } else {
      sink(Step::missing, x, nullptr, offset_);
      ++i;
    }
  }
  for (std::size_t k = 0; k < n; ++k)
    pop(/*recorded=*/true);
  for (std::size_t k = 0; k < m; ++k)
    pop(/*recorded=*/false);
}

void DatagramDiff::settle(bool final, const Sink& sink) {
  while (!expected_.empty() && !actual_.empty()) {
    if (expected_.front()->same(*actual_.front())) {
      pair_fronts(sink);
      continue;
    }
    // The fronts differ: decided on the next kWindow of each side, all of
    // them held (a datagram still to come is beyond it), at the end, or
    // beyond the bound on what is held.
    const bool bounded = expected_bytes_ > kept_bytes_ || actual_bytes_ > kept_bytes_;
    const bool complete =
        final || bounded || (expected_.size() >= kWindow && actual_.size() >= kWindow);
    if (!complete) break;
    const std::size_t n = std::min(expected_.size(), kWindow);
    const std::size_t m = std::min(actual_.size(), kWindow);
    fill(scratch().table, n, m,
         [](const SentDatagram& x, const SentDatagram& y) { return x.same(y); });
    if (at(0, 0) == 0) {
      emit_gap(1, 1, sink);  // nothing pairs within the window: the fronts go
      continue;
    }
    // The steps of the fewest differences over the window, taken up to its
    // first half (the second is decided again with the datagrams after it),
    // or all of it when it holds all that is left at the end.
    const bool all = final && n == expected_.size() && m == actual_.size();
    const std::size_t half_n = all ? n : std::max<std::size_t>(n / 2, 1);
    const std::size_t half_m = all ? m : std::max<std::size_t>(m / 2, 1);
    std::vector<Segment>& segments = scratch().segments;
    segments.clear();
    std::size_t i = 0;
    std::size_t j = 0;
    std::size_t gap_i = 0;
    std::size_t gap_j = 0;
    while (i < n && j < m) {
      if (expected_[i]->same(*actual_[j])) {
        segments.push_back({i - gap_i, j - gap_j, true});
        gap_i = ++i;
        gap_j = ++j;
        if (i >= half_n || j >= half_m) break;
      } else if (at(i, j + 1) >= at(i + 1, j)) {
        ++j;
      } else {
        ++i;
      }
    }
    if (all && (i < n || j < m)) segments.push_back({n - gap_i, m - gap_j, false});
    for (const Segment& segment : segments) {
      emit_gap(segment.missing_or_mismatched, segment.extra_or_mismatched, sink);
      if (segment.then_paired) pair_fronts(sink);
    }
  }
  // The side that runs ahead alone: compared when the other catches up, or
  // (at the end, or beyond the bound) missing or extra.
  while (!expected_.empty() && (final || expected_bytes_ > kept_bytes_)) {
    sink(Step::missing, expected_.front().get(), nullptr, offset_);
    pop(/*recorded=*/true);
  }
  while (!actual_.empty() && (final || actual_bytes_ > kept_bytes_)) {
    sink(Step::extra, nullptr, actual_.front().get(), offset_);
    offset_ += actual_.front()->datagram.bytes.size();
    pop(/*recorded=*/false);
  }
}

}  // namespace hio::replay::detail
