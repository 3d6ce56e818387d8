// A noise replay's tx: the doers' sends compared with the recorded ones,
// streams byte for byte (detail::StreamTx) and datagrams one by one.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "replay_feed.hpp"

namespace hio::replay {

namespace {

// How far a noise replay looks for a datagram's counterpart on the other side
// (datagrams duplicated or dropped in a row).
constexpr std::size_t kDatagramWindow = 16;

}  // namespace

void Replayer::Feed::settle_tx(std::uint32_t channel, bool recorded, std::string_view bytes) {
  wake_stalled(channel);  // its tx moves: a decision waiting for its send may go
  auto it = tx.find(channel);
  if (it == tx.end()) it = tx.emplace(channel, detail::StreamTx(options.noise_tx_kept_bytes)).first;
  note_stream_settled(channel, it->second.add(recorded, bytes));
}

void Replayer::Feed::note_stream_settled(std::uint32_t channel,
                                         const detail::StreamTx::Settled& settled) {
  if (settled.first) {
    const detail::StreamMismatch& m = *settled.first;
    note_tx_mismatch(channel, m.expected, "", m.actual, "", m.offset);
  }
  if (settled.mismatches > 1) stats.tx_mismatches += settled.mismatches - 1;
}

void Replayer::Feed::note_tx_mismatch(std::uint32_t channel, std::string_view expected,
                                      std::string_view expected_peer, std::string_view actual,
                                      std::string_view actual_peer, std::uint64_t offset) {
  ++stats.tx_mismatches;
  note_first_tx(channel, TxSide{expected, expected_peer}, TxSide{actual, actual_peer}, offset);
}

void Replayer::Feed::note_first_tx(std::uint32_t channel, std::optional<TxSide> expected,
                                   std::optional<TxSide> actual, std::uint64_t offset) {
  if (stats.first_tx_mismatch) return;
  OwnedEvent base;
  base.kind = EventKind::tx;
  base.channel = channel;
  base.channel_kind = hub->find(channel) != nullptr ? kind_of(channel) : kind_of_recorded(channel);
  base.tyme = tyme_now();
  std::optional<OwnedEvent> x;
  if (expected) {
    x = base;
    x->bytes = std::string(expected->bytes);
    x->peer = std::string(expected->peer);
    x->tyme = expected->tyme.value_or(base.tyme);
  }
  std::optional<OwnedEvent> y;
  if (actual) {
    y = base;
    y->bytes = std::string(actual->bytes);
    y->peer = std::string(actual->peer);
    y->tyme = actual->tyme.value_or(base.tyme);
  }
  const char* field = !expected                          ? "extra"
                      : !actual                          ? "missing"
                      : expected->bytes == actual->bytes ? "peer"
                                                         : "bytes";
  std::optional<ChannelEvent> view;
  if (y) view = y->view();
  ReplayDivergence d = make_divergence(DivergenceKind::tx_differs, x ? &*x : nullptr,
                                       view ? &*view : nullptr, field, "");
  d.tx_offset = offset;
  stats.first_tx_mismatch = std::move(d);
}

void Replayer::Feed::note_unsent(const ChannelEvent& e, bool recorded) {
  if ((e.kind != EventKind::close && e.kind != EventKind::error) || e.bytes.empty()) return;
  // Only a stream's tx is discarded with bytes (a datagram channel's close
  // names the datagrams it discarded in its reason).
  const Channel* c = hub->find(e.channel);
  if ((c != nullptr ? c->kind() : kind_of_recorded(e.channel)) != ChannelKind::stream) return;
  if (!recorded) stats.tx_credit_held_bytes += e.bytes.size();
  settle_tx(e.channel, recorded, e.bytes);
}

void Replayer::Feed::record_tx(std::uint32_t channel, bool recorded, const ChannelEvent& e) {
  const Channel* c = hub->find(channel);
  const bool datagram = c != nullptr ? c->kind() == ChannelKind::datagram
                                     : kind_of_recorded(channel) == ChannelKind::datagram;
  if (!datagram) {
    if (recorded) tx_credit[channel] += e.bytes.size();
    settle_tx(channel, recorded, e.bytes);
    return;
  }
  DatagramTx& d = datagram_tx[channel];
  (recorded ? d.expected : d.actual)
      .push_back(DatagramTx::Sent{Datagram{std::string(e.peer), std::string(e.bytes)}, e.tyme});
  (recorded ? d.expected_bytes : d.actual_bytes) += e.bytes.size();
  if (recorded) ++d.expected_read;
  settle_datagrams(channel, /*final=*/false, stats);
}

void Replayer::Feed::settle_datagrams(std::uint32_t channel, bool final, NoiseStats& into) {
  wake_stalled(channel);  // as settle_tx
  DatagramTx& d = datagram_tx[channel];
  std::deque<DatagramTx::Sent>& e = d.expected;
  std::deque<DatagramTx::Sent>& a = d.actual;
  const auto pop = [&d](std::deque<DatagramTx::Sent>& side) {
    (&side == &d.expected ? d.expected_bytes : d.actual_bytes) -=
        side.front().datagram.bytes.size();
    if (&side == &d.expected) ++d.expected_settled;
    side.pop_front();
  };
  const auto missing = [&] {
    const DatagramTx::Sent& m = e.front();
    note_first_tx(channel, TxSide{m.datagram.bytes, m.datagram.peer, m.tyme}, std::nullopt,
                  d.offset);
    ++into.tx_datagrams_missing;
    into.tx_missing_bytes += m.datagram.bytes.size();
    pop(e);
  };
  const auto extra = [&] {
    const DatagramTx::Sent& x = a.front();
    note_first_tx(channel, std::nullopt, TxSide{x.datagram.bytes, x.datagram.peer, x.tyme},
                  d.offset);
    ++into.tx_datagrams_extra;
    into.tx_extra_bytes += x.datagram.bytes.size();
    d.offset += x.datagram.bytes.size();
    pop(a);
  };
  const std::size_t kept_max = options.noise_tx_kept_bytes;
  // Where `d` is among the first datagrams after the front of `side`.
  const auto find = [](const std::deque<DatagramTx::Sent>& side, const Datagram& datagram) {
    for (std::size_t i = 1; i < std::min(side.size(), kDatagramWindow); ++i)
      if (side[i].datagram == datagram) return i;
    return kDatagramWindow;
  };
  while (!e.empty() && !a.empty()) {
    if (e.front().datagram == a.front().datagram) {
      d.offset += a.front().datagram.bytes.size();
      pop(e);
      pop(a);
      continue;
    }
    // Datagrams more on one side (a duplicated request answered twice) or
    // fewer (a dropped one never answered): the fewest that make the fronts
    // pair again are extra (or missing), and the datagrams after them pair.
    // Decided once no fewer can show up (a datagram still to come on the
    // other side would be further), at the end, or beyond the bound. A tie
    // goes to extra, so a choice of missing is sure only while a datagram
    // still to come on the doers' side would be further still: one at the
    // same distance made them extra. Deciding `missing_n <= a.size()` took
    // a recorded answer as missing when the doers had sent only the answer
    // after it (the network's duplicate of a request answered again), and
    // then both as extra (xsim27 L2: 48 missing, 94,649 extra where 94,601
    // were duplicated).
    const std::size_t extra_n = find(a, e.front().datagram);
    const std::size_t missing_n = find(e, a.front().datagram);
    const std::size_t n = std::min(extra_n, missing_n);
    const bool complete = final || (a.size() >= kDatagramWindow && e.size() >= kDatagramWindow) ||
                          d.expected_bytes > kept_max || d.actual_bytes > kept_max;
    const bool sure = extra_n <= missing_n ? extra_n <= e.size() : missing_n < a.size();
    if (n < kDatagramWindow && (sure || complete)) {
      for (std::size_t i = 0; i < n; ++i)
        extra_n <= missing_n ? extra() : missing();
      continue;
    }
    if (!complete) break;  // a datagram to come may still pair them
    const Datagram& expected = e.front().datagram;
    const Datagram& actual = a.front().datagram;
    note_tx_mismatch(channel, expected.bytes, expected.peer, actual.bytes, actual.peer, d.offset);
    d.offset += actual.bytes.size();
    pop(e);
    pop(a);
  }
  // The side that runs ahead alone: compared when the other catches up, or
  // (at the end, or beyond the bound) missing or extra.
  while (!e.empty() && (final || d.expected_bytes > kept_max))
    missing();
  while (!a.empty() && (final || d.actual_bytes > kept_max))
    extra();
}

}  // namespace hio::replay
