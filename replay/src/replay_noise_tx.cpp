// A noise replay's tx: the doers' sends compared with the recorded ones,
// streams byte for byte (detail::StreamTx) and datagrams one by one.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "replay_feed.hpp"

namespace hio::replay {

namespace {

// How far the pacing pairing (pace_datagrams) looks for a datagram's
// counterpart on the other side.
constexpr std::size_t kPaceWindow = 16;

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
  DatagramTx& d = datagram_tx.try_emplace(channel, options.noise_tx_kept_bytes).first->second;
  auto sent = std::make_shared<const detail::SentDatagram>(
      Datagram{std::string(e.peer), std::string(e.bytes)}, e.tyme);
  (recorded ? d.expected_bytes : d.actual_bytes) += e.bytes.size();
  (recorded ? d.expected : d.actual).push_back(sent);
  d.diff.add(recorded, std::move(sent));
  if (recorded) ++d.expected_read;
  settle_datagrams(channel, /*final=*/false, stats);
}

void Replayer::Feed::settle_datagrams(std::uint32_t channel, bool final, NoiseStats& into) {
  wake_stalled(channel);  // as settle_tx
  DatagramTx& d = datagram_tx.at(channel);
  d.diff.settle(final, [&](detail::DatagramDiff::Step step, const detail::SentDatagram* x,
                           const detail::SentDatagram* y, std::uint64_t offset) {
    using Step = detail::DatagramDiff::Step;
    if (step == Step::paired) return;
    const auto side = [](const detail::SentDatagram* s) {
      return s != nullptr
                 ? std::optional<TxSide>(TxSide{s->datagram.bytes, s->datagram.peer, s->tyme})
                 : std::nullopt;
    };
    note_first_tx(channel, side(x), side(y), offset);
    if (step == Step::mismatch) {
      ++into.tx_mismatches;
    } else if (step == Step::missing) {
      ++into.tx_datagrams_missing;
      into.tx_missing_bytes += x->datagram.bytes.size();
    } else {
      ++into.tx_datagrams_extra;
      into.tx_extra_bytes += y->datagram.bytes.size();
    }
  });
  pace_datagrams(d, final);
}

void Replayer::Feed::pace_datagrams(DatagramTx& d, bool final) {
  // Session 28's pairing, unchanged but for its counts (DatagramTx).
  std::deque<DatagramTx::Sent>& e = d.expected;
  std::deque<DatagramTx::Sent>& a = d.actual;
  const auto pop = [&d](std::deque<DatagramTx::Sent>& side) {
    (&side == &d.expected ? d.expected_bytes : d.actual_bytes) -=
        side.front()->datagram.bytes.size();
    if (&side == &d.expected) ++d.expected_settled;
    side.pop_front();
  };
  const std::size_t kept_max = options.noise_tx_kept_bytes;
  // Where `d` is among the first datagrams after the front of `side`.
  const auto find = [](const std::deque<DatagramTx::Sent>& side, const Datagram& datagram) {
    for (std::size_t i = 1; i < std::min(side.size(), kPaceWindow); ++i)
      if (side[i]->datagram == datagram) return i;
    return kPaceWindow;
  };
  while (!e.empty() && !a.empty()) {
    if (e.front()->datagram == a.front()->datagram) {
      pop(e);
      pop(a);
      continue;
    }
    // The fewest datagrams that make the fronts pair again are taken as extra
    // (or missing), once no fewer can show up, at the end, or beyond the
    // bound; a tie goes to extra (session 28's rule, fixsim28 and xsim27 L2).
    const std::size_t extra_n = find(a, e.front()->datagram);
    const std::size_t missing_n = find(e, a.front()->datagram);
    const std::size_t n = std::min(extra_n, missing_n);
    const bool complete = final || (a.size() >= kPaceWindow && e.size() >= kPaceWindow) ||
                          d.expected_bytes > kept_max || d.actual_bytes > kept_max;
    const bool sure = extra_n <= missing_n ? extra_n <= e.size() : missing_n < a.size();
    if (n < kPaceWindow && (sure || complete)) {
      for (std::size_t i = 0; i < n; ++i)
        pop(extra_n <= missing_n ? a : e);
      continue;
    }
    if (!complete) break;  // a datagram to come may still pair them
    pop(e);
    pop(a);
  }
  while (!e.empty() && (final || d.expected_bytes > kept_max))
    pop(e);
  while (!a.empty() && (final || d.actual_bytes > kept_max))
    pop(a);
}

}  // namespace hio::replay
