// A replay's per-channel state, forgotten once a channel is finished with on
// both sides (Replayer::channels_kept), so that memory follows the channels
// open at once, not all the journal's.
#include <cstdint>
#include <set>
#include <utility>

#include "replay_feed.hpp"

namespace hio::replay {

void Replayer::Feed::forget_finished() {
  if (finishing.empty()) return;
  std::set<std::uint32_t> queued;  // recorded events read and not handled yet
  for (std::size_t i = head; i < queue.size(); ++i)
    queued.insert(queue[i].channel);
  for (auto it = finishing.begin(); it != finishing.end();) {
    const Finish state = finish_state(*it, queued);
    if (state == Finish::waiting) {
      ++it;
      continue;
    }
    if (state == Finish::done) forget(*it);
    it = finishing.erase(it);
  }
}

Finish Replayer::Feed::finish_state(std::uint32_t id, const std::set<std::uint32_t>& queued) const {
  // The replay's side: released (channel ids are never used twice), not
  // merely closed - its doer could reopen it.
  if (transports.count(id) != 0 || id > replay_max) return Finish::not_ended;
  // The recording's: closed or failed (a reopen would be an open again, read
  // before any other event of it). A channel the recording did not open
  // while it opened later ones never had recorded state.
  const auto r = recorded_channels.find(id);
  if (r != recorded_channels.end() ? r->second.live : id > recorded_max) return Finish::not_ended;
  // Things that may still count (held rx are counted undelivered when due).
  if (queued.count(id) != 0 || stalled.count(id) != 0 || deferred.count(id) != 0)
    return Finish::waiting;
  const auto noise = channel_noise.find(id);
  if (noise != channel_noise.end()) {
    std::size_t waiting_n = 0;  // reordered rx waiting for the next rx: never now
    for (auto w = waiting.lower_bound(std::pair{id, std::uint64_t{0}});
         w != waiting.end() && w->first.first == id; ++w)
      ++waiting_n;
    if (noise->second.held > waiting_n) return Finish::waiting;
  }
  // Kept to the end: bytes left unsent that the end judges (strict), and
  // datagrams on both sides that the end still pairs.
  if (tx_left.count(id) != 0) return Finish::not_ended;
  const auto d = datagram_tx.find(id);
  if (d != datagram_tx.end() && ((!d->second.expected.empty() && !d->second.actual.empty()) ||
                                 d->second.diff.on_both_sides()))
    return Finish::not_ended;
  return Finish::done;
}

void Replayer::Feed::forget(std::uint32_t id) {
  tally_channel(id, retired);
  forget_addresses(id);
  recorded_open_forgotten += recorded_open.erase(id);
  recorded_channels.erase(id);
  tx_matched.erase(id);
  channel_noise.erase(id);
  credit_free.erase(id);
  tx_credit.erase(id);
  tx_recorded_at.erase(id);
}

void Replayer::Feed::tally_channel(std::uint32_t id, NoiseStats& into) {
  // What is left of a channel at the end of a noise replay, or when it is
  // forgotten earlier (Feed::forget; the same counts): counted into `into`
  // and dropped.
  if (auto t = tx.find(id); t != tx.end()) {
    // The streams ended: meetings left undecided for want of bytes are taken.
    note_stream_settled(id, t->second.finish());
    into.tx_missing_bytes += t->second.missing_bytes();
    into.tx_extra_bytes += t->second.extra_bytes();
    tx.erase(t);
  }
  if (auto d = datagram_tx.find(id); d != datagram_tx.end()) {
    settle_datagrams(id, /*final=*/true, into);
    datagram_tx.erase(d);
  }
  // Reordered rx waiting for a next rx of the channel that never came.
  for (auto w = waiting.lower_bound(std::pair{id, std::uint64_t{0}});
       w != waiting.end() && w->first.first == id;) {
    ++into.undelivered;
    w = waiting.erase(w);
  }
}

std::size_t Replayer::Feed::channels_kept() const {
  std::set<std::uint32_t> ids;
  const auto add = [&ids](const auto& per_channel) {
    for (const auto& entry : per_channel)
      ids.insert(entry.first);
  };
  add(recorded_channels);
  add(tx_matched);
  add(tx_left);
  add(channel_noise);
  add(deferred);
  add(stalled);
  add(tx);
  add(datagram_tx);
  add(tx_credit);
  add(tx_recorded_at);
  add(transports);
  for (const std::uint32_t id : credit_free)
    ids.insert(id);
  for (const std::uint32_t id : recorded_open)
    ids.insert(id);
  return ids.size() + locals.size() + peers.size();
}

}  // namespace hio::replay
