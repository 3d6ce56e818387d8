// A noise replay's count of one datagram channel's tx differences: the
// datagrams the recording sent against the ones the replay's doers send, as
// the fewest differences between the two sequences (docs/replay.md,
// "Datagrams are compared one by one").
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "hio/engine/tyme.hpp"
#include "hio/io/buffer.hpp"

namespace hio::replay::detail {

// A datagram sent and the tyme of its pass: one found missing or extra
// (often only at the end, when the other side never caught up) is named at
// that pass, not at the one where the comparison gave up.
struct SentDatagram {
  SentDatagram(Datagram sent, Tyme at);
  Datagram datagram;
  Tyme tyme{};
  std::uint64_t hash = 0;  // of peer and bytes: most datagrams that differ do so in O(1)
  bool same(const SentDatagram& other) const {
    return hash == other.hash && datagram == other.datagram;
  }
};

// The two sides of one channel. The datagrams are paired by the longest
// common subsequence (the most datagrams paired, so a datagram moved, added
// or lost is one difference and the datagrams around it still pair); between
// two pairs, the recorded datagrams left and the doers' left to the same
// peer pair, in order, as mismatches (a datagram changed), and the rest are
// missing (recorded, not sent) or extra (sent, not recorded).
//
// The comparison runs as the datagrams come: fronts that agree pair at once;
// where they differ, the fewest differences over the next kWindow datagrams
// of each side are found, once both sides hold that many (so the order the
// two sides came in does not matter), at the end, or once a side holds more
// than `kept_bytes` (then on what it holds: the bound), and their steps are
// taken up to the window's first half (decided again with the datagrams after
// it: a table of kWindow^2 per kWindow / 2 datagrams, linear in all). Among
// alignments with as many pairs, the one that takes the doers' datagram as
// extra first is taken (a swapped pair is one extra, then one missing).
class DatagramDiff {
 public:
  // How far a datagram's counterpart is looked for on the other side.
  static constexpr std::size_t kWindow = 128;

  enum class Step : std::uint8_t { paired, missing, extra, mismatch };
  // Called for each step in order: `expected` is the recording's datagram
  // (none for extra), `actual` the doers' (none for missing); `offset` the
  // doers' tx bytes compared before it.
  using Sink = std::function<void(Step, const SentDatagram* expected, const SentDatagram* actual,
                                  std::uint64_t offset)>;

  explicit DatagramDiff(std::size_t kept_bytes) : kept_bytes_(kept_bytes) {}

  void add(bool recorded, std::shared_ptr<const SentDatagram> sent);
  // Decides what the datagrams held decide; at the end (`final`) every
  // datagram left is decided.
  void settle(bool final, const Sink& sink);

  // Datagrams are held on both sides: the end may still pair them.
  bool on_both_sides() const { return !expected_.empty() && !actual_.empty(); }

 private:
  using Side = std::deque<std::shared_ptr<const SentDatagram>>;
  // Suffix LCS lengths of expected_[0, n) and actual_[0, m) under `same`.
  using Table = std::vector<std::uint8_t>;
  template <typename Same>
  void fill(Table& t, std::size_t n, std::size_t m, Same same);
  static std::uint8_t& cell(Table& t, std::size_t i, std::size_t j) {
    return t[i * (kWindow + 1) + j];
  }
  static std::uint8_t at(std::size_t i, std::size_t j) { return cell(scratch().table, i, j); }
  void pair_fronts(const Sink& sink);
  // The recorded datagrams expected_[0, n) and the doers' actual_[0, m),
  // none of which pair: mismatches by peer, the rest missing or extra.
  void emit_gap(std::size_t n, std::size_t m, const Sink& sink);
  void pop(bool recorded);

  std::size_t kept_bytes_;
  Side expected_;
  Side actual_;
  std::size_t expected_bytes_ = 0;
  std::size_t actual_bytes_ = 0;
  std::uint64_t offset_ = 0;
  // The window's alignment up to where it is taken: a gap, then a pair.
  struct Segment {
    std::size_t missing_or_mismatched = 0;
    std::size_t extra_or_mismatched = 0;
    bool then_paired = false;
  };
  // Scratch, one per thread, not per channel (a replay of 1,000 channels kept
  // 33 MB of tables): the window's datagrams and a gap's peers (kWindow <=
  // 255, so a length fits a byte).
  struct Scratch {
    Table table = Table((kWindow + 1) * (kWindow + 1));
    Table gap_table = Table((kWindow + 1) * (kWindow + 1));
    std::vector<Segment> segments;
  };
  static Scratch& scratch();
};

}  // namespace hio::replay::detail
