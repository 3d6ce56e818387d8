// Noise on replay: the recorded rx perturbed (drop, dup, corrupt, reorder,
// delay), held back and released, and what waits behind a full rx.
#include <algorithm>
#include <cstdint>
#include <exception>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "replay_feed.hpp"
#include "replay_transport.hpp"

namespace hio::replay {

namespace {

// The other end a noise replay's noise event on channel `c` names: the
// recorded rx's (a datagram's sender), else the channel's peer (a stream's,
// from its connect: an rx on a stream names none).
std::string_view noise_peer(const Channel& c, std::string_view recorded) {
  return recorded.empty() ? std::string_view(c.peer()) : recorded;
}

// a * b, or the largest size_t where it would not fit.
std::size_t saturating_product(std::size_t a, std::uint64_t b) {
  constexpr std::size_t top = std::numeric_limits<std::size_t>::max();
  if (a != 0 && b > top / a) return top;
  return a * static_cast<std::size_t>(b);
}

std::size_t saturating_sum(std::size_t a, std::size_t b) {
  return b > std::numeric_limits<std::size_t>::max() - a ? std::numeric_limits<std::size_t>::max()
                                                         : a + b;
}

// Whether a channel's waiting inputs wait for room in its rx (the first is
// an rx that did not fit), not for the doers' sends in the pass (the first
// is the network's decision about a send).
bool waits_for_room(const Stalled& waiting_inputs) {
  return !waiting_inputs.inputs.empty() && waiting_inputs.inputs.front().kind == EventKind::rx;
}

}  // namespace

// ---- noise replay -------------------------------------------------------------

void Replayer::Feed::pump_noisy(Tyme now) {
  release_held(now);
  release_stalled(now);
  for (;;) {
    fill(now);
    if (!due(now)) return;
    const OwnedEvent& e = front();
    if (e.kind == EventKind::open) {
      // The doers have not made it (or, a reopen, not reopened it) yet; if
      // they do not by the pass's end, pass_end drops it.
      const Channel* c = hub->find(e.channel);
      if (c == nullptr || c->state() != ChannelState::opening) return;
    } else if (closing && e.kind == EventKind::close && e.who == CloseWho::local &&
               transport(e.channel) != nullptr && transport(e.channel)->port().channel().open()) {
      // The exit's inputs recorded after one of its closes came of it (the
      // network's drop of bytes left on a link once both its ends closed):
      // they wait for the doers' exit to close that channel (the transport's
      // close pumps again), as the recorded run had them. Delivered before
      // the doers' closes, an exit that noise did not touch was journaled in
      // another order than recorded, and its digest differed.
      return;
    } else if (e.kind == EventKind::tx) {
      tx_recorded_at[e.channel] = now;
      record_tx(e.channel, /*recorded=*/true, e.view());
    } else if (is_net_noise(e)) {
      (void)deliver_input(e);
    } else if (e.kind == EventKind::noise && tx_owed(e.channel, now, sends_read(e.channel))) {
      // The network's decision about a send recorded before it (a jitter, a
      // drop): after the doers' send in this pass, or at the pass's end. It
      // holds up its channel's inputs after it, not the feed: held to the
      // pass's end, the other channels' inputs behind it reached their doers
      // after these had run, not at their recorded place. It waits for the
      // channel's sends read up to it, not for those read after it in the
      // pass: the doers that made only the first waited for the pass's end.
      if (transport(e.channel) == nullptr) return;  // its channel may come in this pass
      stall(stalled[e.channel], e);
    } else if (is_input(e) && transport(e.channel) == nullptr && e.channel > replay_max) {
      // A channel not made yet may be made later in the pass (or never: the
      // pass's end drops the input).
      return;
    } else if (is_input(e)) {
      // Every recorded rx's noise is decided here, in recorded order,
      // whatever happens to it next: waiting for room, its channel gone or
      // closed. Drawn at delivery, an rx that waited drew after other
      // channels' rx and one lost drew nothing, so dup (which fills rx) or
      // a doer's close moved the other kinds' decisions to other rx.
      const RxNoise noise = e.kind == EventKind::rx ? decide_rx_noise(e) : RxNoise{};
      if (transport(e.channel) == nullptr) {
        // One the doers made and released (ids are never used twice) never
        // comes back: its input is undelivered now, and the inputs after it
        // come at their place. Held up to the pass's end, they reached their
        // doers after these had run - an accept recorded behind the remote
        // close of a remote the replay had closed came a pass late - which
        // the journal, stamped with the pass, did not say: its strict replay
        // delivered them at their place, and diverged.
        ++stats.undelivered;
      } else {
        if (e.kind == EventKind::rx) note_recorded_rx(e);
        // An rx that does not fit rx yet holds up its channel's inputs after
        // it, not the feed: the recorded tx further on release the credit the
        // doers need to drain that rx (else a circular wait), and the other
        // channels' inputs come at their recorded passes.
        // A dropped rx takes no room: one that comes while its channel
        // waits for room is lost at its place too, not behind the rx that
        // waits (it kept the drop out of the journal and the counts until
        // the doers read, and for ever from a reader that stopped).
        auto room = stalled.find(e.channel);
        if (room != stalled.end() && !(noise.dropped && waits_for_room(room->second))) {
          stall(room->second, e, noise);
        } else if (!noisy_input(e, noise, now, sends_read(e.channel))) {
          stall(stalled[e.channel], e, noise);
        }
      }
    }
    note_unsent(e.view(), /*recorded=*/true);
    pop();
  }
}

bool Replayer::Feed::noisy_input(const OwnedEvent& e, const RxNoise& noise, Tyme now,
                                 std::uint64_t sends_before) {
  if (transport(e.channel) == nullptr) {
    ++stats.undelivered;  // its channel is gone while the input waited
    return true;
  }
  if (e.kind == EventKind::rx) return noisy_rx(e, noise, now);
  if (e.kind == EventKind::noise && tx_owed(e.channel, now, sends_before)) {
    return false;  // see pump_noisy
  }
  if (ends_stream(e) && (channel_noise[e.channel].held > 0 || deferred.count(e.channel) != 0)) {
    // A stream delivers in order: its end (FIN, a remote close - a reset
    // too - or an error) comes after the rx noise holds back, right after
    // the last of them (release_held); delay is not loss.
    deferred[e.channel].events.push_back(e);
  } else if (!deliver_input(e)) {
    ++stats.undelivered;
  }
  return true;
}

void Replayer::Feed::stall(Stalled& waiting_inputs, const OwnedEvent& e, const RxNoise& noise) {
  wake_stalled(e.channel);
  // The first one waits whatever its size; a stream's end or an error (no
  // bytes) always does, so the doers still see it once they read.
  const bool rx = e.kind == EventKind::rx;
  // A dropped rx (one that waits behind a decision waiting for its send)
  // takes no room: it neither counts toward the bound nor is dropped by it.
  const bool takes_room = rx && !noise.dropped;
  if (takes_room && !waiting_inputs.inputs.empty()) {
    const std::size_t bound = stalled_bound(e.channel);
    if (saturating_sum(waiting_inputs.bytes, e.bytes.size()) > bound) {
      ++stats.undelivered;
      ++stats.stalled_dropped;
      // A drop is never silent: journaled as one, on its channel (unless
      // that channel is closed: then nothing more is emitted for it).
      ReplayTransport* t = transport(e.channel);
      if (t != nullptr && t->port().channel().state() != ChannelState::closed) {
        t->port().noise(NoiseKind::drop, e.bytes, noise_peer(t->port().channel(), e.peer),
                        "replay noise: dropped: the backlog behind the channel's full rx was at "
                        "its bound of " +
                            std::to_string(bound) + " bytes");
      }
      return;
    }
  }
  waiting_inputs.inputs.push_back(e);
  if (takes_room) waiting_inputs.bytes += e.bytes.size();
  if (rx && noise.dropped) ++waiting_inputs.dropped;
  if (rx) waiting_inputs.rx_noise.push_back(noise);
  if (e.kind == EventKind::noise) waiting_inputs.sends_before.push_back(sends_read(e.channel));
}

void Replayer::Feed::drop_behind_room_wait(Stalled& waiting_inputs, Tyme now) {
  // Only when there are some: a long backlog behind a full rx is not walked
  // on every pump (a slow reader's replay stays linear in its length).
  if (waiting_inputs.dropped == 0 || !waits_for_room(waiting_inputs)) return;
  // Copies: if a drop's journal write throws, the queue is still whole.
  std::deque<OwnedEvent> kept;
  std::deque<RxNoise> kept_noise;
  std::size_t rx_index = 0;
  for (const OwnedEvent& e : waiting_inputs.inputs) {
    if (e.kind != EventKind::rx) {
      kept.push_back(e);
      continue;
    }
    const RxNoise noise = waiting_inputs.rx_noise[rx_index++];
    // (The first, which waits for room, is not dropped: a drop always fits.)
    if (noise.dropped && !kept.empty()) {
      (void)noisy_input(e, noise, now, 0);  // lost at once (noisy_rx), in their order
      continue;
    }
    kept.push_back(e);
    kept_noise.push_back(noise);
  }
  waiting_inputs.inputs = std::move(kept);
  waiting_inputs.rx_noise = std::move(kept_noise);
  waiting_inputs.dropped = 0;
}

void Replayer::Feed::note_recorded_rx(const OwnedEvent& e) {
  ChannelNoise& state = channel_noise[e.channel];
  if (state.rx_pass != e.tyme) {
    state.rx_pass = e.tyme;
    state.rx_pass_bytes = 0;
  }
  state.rx_pass_bytes = saturating_sum(state.rx_pass_bytes, e.bytes.size());
  state.rx_pass_max = std::max(state.rx_pass_max, state.rx_pass_bytes);
}

std::size_t Replayer::Feed::stalled_bound(std::uint32_t channel) const {
  // Doers that read as recorded have, behind their full rx, what a delay
  // holds back beyond the recording's backlog: up to the rx of the passes
  // it spans (a constant one-pass delay: a pass's rx) and of one more
  // (released held rx fill rx before the pass's recorded rx arrive).
  const NoiseSpec& spec = options.noise;
  std::uint64_t delay_passes = 0;
  if (spec.delay) {
    delay_passes = static_cast<std::uint64_t>(spec.delay_max / header_tock) +
                   (spec.delay_max % header_tock != Tock{0} ? 1 : 0);
  }
  auto state = channel_noise.find(channel);
  const std::size_t pass_max = state == channel_noise.end() ? 0 : state->second.rx_pass_max;
  const Channel* c = hub->find(channel);
  const std::size_t rx_max = c != nullptr ? c->options().rx_bytes_max : 0;
  const std::size_t in_flight =
      saturating_sum(rx_max, saturating_product(pass_max, delay_passes + 1));
  return saturating_sum(in_flight, options.noise_stalled_kept_bytes);
}

void Replayer::Feed::release_stalled(Tyme now) {
  if (closing) return;  // as held rx: no doer would read it
  if (stalled_ready_for != std::pair{now, draining}) {
    stalled_ready.clear();
    for (const auto& entry : stalled)
      stalled_ready.insert(stalled_ready.end(), entry.first);
    stalled_ready_for = std::pair{now, draining};
  }
  // In id order, as `stalled`; a channel stalled during the walk is looked at
  // in it if its id comes later, as in a walk of `stalled` itself.
  for (auto ready = stalled_ready.begin(); ready != stalled_ready.end();) {
    const auto it = stalled.find(*ready);
    if (it == stalled.end()) {
      ready = stalled_ready.erase(ready);
      continue;
    }
    ++stalled_looked_at;
    Stalled& waiting_inputs = it->second;
    std::deque<std::uint64_t>& sends = waiting_inputs.sends_before;
    std::deque<RxNoise>& rx_noise = waiting_inputs.rx_noise;
    while (!waiting_inputs.inputs.empty()) {
      const OwnedEvent& e = waiting_inputs.inputs.front();
      const bool rx = e.kind == EventKind::rx;
      if (!noisy_input(e, rx ? rx_noise.front() : RxNoise{}, now,
                       sends.empty() ? 0 : sends.front())) {
        break;
      }
      if (rx) {
        if (rx_noise.front().dropped) {
          --waiting_inputs.dropped;
        } else {
          waiting_inputs.bytes -= e.bytes.size();
        }
        rx_noise.pop_front();
      }
      if (e.kind == EventKind::noise) sends.pop_front();
      waiting_inputs.inputs.pop_front();
    }
    // Now waiting for room (a decision waiting for its send was ahead of
    // the rx that does not fit): the dropped rx queued behind that decision
    // take no room and wait no more. Before, they waited behind the rx that
    // has no room, as a delivered one does (for ever if the doers had
    // stopped reading), and some were dropped as the backlog's bound.
    drop_behind_room_wait(waiting_inputs, now);
    if (waiting_inputs.inputs.empty()) {
      stalled.erase(it);
      ready = stalled_ready.erase(ready);
    } else if (waits_for_send(it->first, waiting_inputs, now)) {
      ready = stalled_ready.erase(ready);  // until wake_stalled or the next pass
    } else {
      ++ready;
    }
  }
}

bool Replayer::Feed::waits_for_send(std::uint32_t channel, const Stalled& waiting_inputs,
                                    Tyme now) const {
  // What noisy_input answers false for, a decision first: nothing of it
  // changes in the pass but what wakes the channel (wake_stalled).
  const OwnedEvent& e = waiting_inputs.inputs.front();
  return e.kind == EventKind::noise && transport(channel) != nullptr &&
         tx_owed(channel, now,
                 waiting_inputs.sends_before.empty() ? 0 : waiting_inputs.sends_before.front());
}

RxNoise Replayer::Feed::decide_rx_noise(const OwnedEvent& e) {
  // One draw from each kind's stream for every recorded rx, and corrupt's
  // byte and bit whenever it corrupts (a drop too): what one kind decides
  // never changes how many draws another kind's stream gives an rx.
  const NoiseSpec& spec = options.noise;
  ++stats.rx_seen;
  RxNoise noise;
  noise.dropped = drop.bernoulli(spec.drop);
  noise.duplicated = dup.bernoulli(spec.dup);
  if (corrupt.bernoulli(spec.corrupt) && !e.bytes.empty()) {
    const auto at =
        static_cast<std::size_t>(corrupt.uniform(0, static_cast<std::int64_t>(e.bytes.size()) - 1));
    noise.flip = std::pair{at, static_cast<int>(corrupt.uniform(0, 7))};
  }
  noise.reordered = reorder.bernoulli(spec.reorder);
  if (spec.delay) {
    const bool on = delay.bernoulli(spec.delay_p);
    const Tock d = delay.uniform_duration(spec.delay_min, spec.delay_max);
    if (on) noise.delayed = d;
  }
  return noise;
}

bool Replayer::Feed::noisy_rx(const OwnedEvent& e, const RxNoise& noise, Tyme now) {
  ReplayTransport* t = transport(e.channel);
  ChannelPort port = t->port();
  Channel& c = port.channel();
  if (!c.connected()) {  // closed (or not yet connected): lost
    ++stats.undelivered;
    return true;
  }
  const std::string_view peer = noise_peer(c, e.peer);
  ChannelNoise& state = channel_noise[e.channel];
  // Dropped, it needs no room in rx: lost at once, it holds up none of the
  // channel's inputs after it. (Before session 19 it waited for room, as
  // one delivered does: in a full stream rx its drop was journaled only
  // once the doers had read enough, and a FIN or a smaller chunk behind it
  // waited as long.)
  if (noise.dropped) {
    ++state.arrivals;
    ++stats.dropped;
    port.noise(NoiseKind::drop, e.bytes, peer, "replay noise: dropped");
    return true;
  }
  if (c.kind() == ChannelKind::stream && port.rx_space() < e.bytes.size()) return false;
  const std::uint64_t arrival = ++state.arrivals;
  std::string bytes = e.bytes;
  if (noise.flip) {
    const auto [at, bit] = *noise.flip;
    bytes[at] = static_cast<char>(static_cast<unsigned char>(bytes[at]) ^ (1u << bit));
    ++stats.corrupted;
    port.noise(
        NoiseKind::corrupt, e.bytes, peer,
        "replay noise: byte " + std::to_string(at) + " bit " + std::to_string(bit) + " flipped");
  }
  const int copies = noise.duplicated ? 2 : 1;
  if (noise.duplicated) {
    ++stats.duplicated;
    port.noise(NoiseKind::duplicate, bytes, peer, "replay noise: delivered twice");
  }
  Held h{e.channel, bytes, e.peer, arrival, now, e.tyme};
  if (noise.delayed > Tock{0}) {
    ++stats.delayed;
    port.noise(NoiseKind::delay, bytes, peer,
               "replay noise: delayed " + format_seconds(noise.delayed) + " s");
    h.due = tyme_after(now, noise.delayed);
  }
  // A stream delivers in order (TCP, a serial line): a chunk never overtakes
  // one held before it, and a reorder does nothing to it. Datagrams are
  // independent: delays of different lengths reorder them, as jitter does.
  const bool stream = c.kind() == ChannelKind::stream;
  if (stream && state.held > 0) h.due = std::max(h.due, state.last_due);
  // A reordered datagram waits for the channel's next rx that is not
  // reordered itself (delivered: see `delivered`), and follows it: each rx
  // is reordered with the spec's probability, reorder=0.1 moves 10 % of
  // them. (Before session 18 an rx that came while one waited overtook it
  // and its own draw was passed over: 0.1 moved 9.1 %, p/(1+p).)
  if (noise.reordered && !stream) {
    ++stats.reordered;
    port.noise(NoiseKind::reorder, bytes, peer,
               "replay noise: held back until after the channel's next rx");
    for (int i = 0; i < copies; ++i) {
      waiting.emplace(std::pair{e.channel, held_order++}, h);
      ++state.held;
    }
    return true;
  }
  for (int i = 0; i < copies; ++i) {
    if (h.due > now || (stream && state.held > 0)) {
      hold(h, stream);
    } else if (deliver_rx(c, port, bytes, e.peer)) {
      delivered(e.channel, arrival, now);
    } else {
      // A datagram that does not fit rx now waits for room, as a copy does:
      // nothing is lost without a noise event saying so.
      Held later = h;
      later.due = tyme_after(now, header_tock);
      hold(std::move(later), stream);
    }
  }
  return true;
}

void Replayer::Feed::hold(Held h, bool stream) {
  ChannelNoise& state = channel_noise[h.channel];
  ++state.held;
  state.last_due = std::max(state.last_due, h.due);
  const HeldKey key{h.due.time_since_epoch().count(), held_order++};
  if (!stream) {
    held.insert(key, std::move(h));
    return;
  }
  // Behind the channel's first held chunk, if it has one: its key is above
  // every key held for the channel (noisy_rx holds a stream's chunk no
  // earlier than last_due, and held_order grows).
  if (auto behind = held_behind.find(h.channel); behind != held_behind.end()) {
    behind->second.emplace_back(key, std::move(h));
    return;
  }
  held_behind.emplace(h.channel, std::deque<std::pair<HeldKey, Held>>{});
  held.insert(key, std::move(h));
}

std::size_t Replayer::Feed::held_count() const {
  std::size_t n = held.size();
  for (const auto& entry : held_behind)
    n += entry.second.size();
  for (const auto& entry : room_wait)
    n += entry.second.behind.size();
  return n;
}

Replayer::Feed::HeldAt Replayer::Feed::unhold(HeldAt at) {
  const HeldKey key = at->first;
  const std::uint32_t id = at->second.channel;
  held.erase(at);
  if (auto room = room_wait.find(id); room != room_wait.end()) {
    RoomWait& wait = room->second;
    if (wait.candidate == key) {
      wait.candidate.reset();
      wait.behind.forget_taken();
    } else if (wait.blocker == key) {
      if (wait.behind.empty()) {
        room_wait.erase(room);
      } else {
        wait.blocker = wait.behind.front().first;
        held.insert(wait.behind.pop_front());
      }
    }
    // (Else a datagram of a channel whose blocker is another: none waits
    // behind it.)
    return held.upper_bound(key);
  }
  auto behind = held_behind.find(id);
  if (behind != held_behind.end()) {
    if (behind->second.empty()) {
      held_behind.erase(behind);
    } else {
      held.insert(std::move(behind->second.front()));
      behind->second.pop_front();
    }
  }
  return held.upper_bound(key);
}

Replayer::Feed::HeldAt Replayer::Feed::no_room(HeldAt at, ChannelPort port) {
  const HeldKey key = at->first;
  const std::uint32_t id = at->second.channel;
  auto room = room_wait.find(id);
  if (room == room_wait.end()) {
    room_wait.emplace(id, RoomWait{.blocker = key});
    return std::next(at);
  }
  RoomWait& wait = room->second;
  if (key == wait.blocker) {
    look_further(wait, port);
    return std::next(at);
  }
  auto next = std::next(at);
  std::pair<HeldKey, Held> entry = held.take(at);
  if (wait.candidate == key) {
    // It fit when chosen; rx filled since: back in its place, and the next
    // that fits now, which may come before `next`.
    wait.candidate.reset();
    wait.behind.put_back(std::move(entry));
    look_further(wait, port);
    return held.upper_bound(key);
  }
  // Held after every datagram of its channel that waits for room (its due
  // came later): it waits behind them all.
  const std::size_t size = entry.second.bytes.size();
  wait.behind.push(std::move(entry), size);
  return next;
}

void Replayer::Feed::look_further(RoomWait& wait, ChannelPort port) {
  if (wait.candidate) return;
  // None of them fits before the doers read (rx only fills up meanwhile):
  // none is looked at until the next pump.
  std::optional<std::pair<HeldKey, Held>> fits =
      wait.behind.take_first([&port](std::size_t size) { return port.rx_fits(size); });
  if (!fits) return;
  wait.candidate = fits->first;
  held.insert(std::move(*fits));
}

void Replayer::Feed::release_held(Tyme now) {
  if (closing) return;
  {
    // However the loop ends - a journal write that throws in a delivery too
    // - no candidate stays chosen: else look_further never ran again for
    // its channel.
    struct UnchooseCandidates {
      Feed& feed;
      int exceptions = std::uncaught_exceptions();
      ~UnchooseCandidates() { feed.unchoose_candidates(std::uncaught_exceptions() > exceptions); }
    } unchoose{*this};
    release_held_due(now);
  }
  deliver_deferred(now);
}

void Replayer::Feed::release_held_due(Tyme now) {
  // In key order. A stream chunk that does not fit rx yet keeps the chunks
  // after it back: they are behind it (held_behind), not in `held`; so do
  // the datagrams of a channel that waits for room (RoomWait).
  for (auto it = held.begin();
       it != held.end() && it->first.first <= now.time_since_epoch().count();) {
    ++held_looked_at;
    const std::uint32_t id = it->second.channel;
    ReplayTransport* t = transport(id);
    if (t == nullptr || !t->port().channel().connected()) {
      ++stats.undelivered;
      --channel_noise[id].held;
      const Tyme recorded = it->second.recorded;
      it = unhold(it);
      if (channel_noise[id].held == 0) release_deferred(id, recorded, now);
      continue;
    }
    ChannelPort port = t->port();
    if (!deliver_rx(port.channel(), port, it->second.bytes, it->second.peer)) {
      // No room yet: stays held (a stream's chunk, a datagram that stands
      // for those of its channel waiting for room), or waits for room.
      it = port.channel().kind() == ChannelKind::datagram ? no_room(it, port) : std::next(it);
      continue;
    }
    const std::uint64_t arrival = it->second.arrival;
    const Tyme recorded = it->second.recorded;
    const HeldKey key = it->first;
    auto room = room_wait.find(id);
    const bool candidate = room != room_wait.end() && room->second.candidate == key;
    --channel_noise[id].held;
    it = unhold(it);
    if (candidate) {
      look_further(room->second, port);  // the next may come before `it`
      it = held.upper_bound(key);
    }
    delivered(id, arrival, now);
    if (channel_noise[id].held == 0) release_deferred(id, recorded, now);
  }
}

void Replayer::Feed::unchoose_candidates(bool interrupted) noexcept {
  // A finished loop reached every candidate (its key is due) and unchose
  // it; one cut short leaves it in `held`, where it waits as any datagram
  // held after the channel's blocker.
  if (!interrupted) return;
  for (auto& [id, wait] : room_wait) {
    if (!wait.candidate) continue;
    wait.candidate.reset();
    wait.behind.forget_taken();
  }
}

void Replayer::Feed::drop_pending_rx(ChannelPort port) {
  if (!noisy || !attached || closing || stopped_early || !port.channel().open()) return;
  const std::uint32_t id = port.channel().id();
  const auto lose = [&](const std::string& bytes, const std::string& peer, const char* why) {
    ++stats.undelivered;
    port.noise(
        NoiseKind::drop, bytes, noise_peer(port.channel(), peer),
        std::string("replay noise: dropped: undelivered: its channel was closed while ") + why);
  };
  if (auto it = stalled.find(id); it != stalled.end()) {
    for (const OwnedEvent& e : it->second.inputs) {
      if (e.kind == EventKind::rx) {
        lose(e.bytes, e.peer, "it waited for room in the channel's rx buffer");
      } else {
        ++stats.undelivered;  // a stream's end behind it: nothing to journal
      }
    }
    stalled.erase(it);
  }
  // In key order, as release_held; only the channel's own (held's index).
  for (auto it = held.first_of(id); it != held.end();) {
    ++close_looked_at;
    const HeldKey key = it->first;
    lose(it->second.bytes, it->second.peer, "noise held it back");
    --channel_noise[id].held;
    unhold(it);  // a stream's next chunk comes after it, in key order
    it = held.next_of(id, key);
  }
  for (auto w = waiting.lower_bound(std::pair{id, std::uint64_t{0}});
       w != waiting.end() && w->first.first == id;) {
    lose(w->second.bytes, w->second.peer, "noise held it back");
    --channel_noise[id].held;
    w = waiting.erase(w);
  }
  if (auto d = deferred.find(id); d != deferred.end()) {
    stats.undelivered += d->second.events.size();
    deferred.erase(d);
  }
}

void Replayer::Feed::release_deferred(std::uint32_t channel, Tyme recorded, Tyme now) {
  auto it = deferred.find(channel);
  if (it == deferred.end() || it->second.shift) return;
  it->second.shift = now > recorded ? now - recorded : Tock{0};
}

void Replayer::Feed::deliver_deferred(Tyme now) {
  for (auto it = deferred.begin(); it != deferred.end();) {
    Deferred& d = it->second;
    while (d.shift && !d.events.empty() && d.due() <= now) {
      const OwnedEvent e = std::move(d.events.front());
      d.events.pop_front();
      if (!deliver_input(e)) ++stats.undelivered;
    }
    it = d.events.empty() ? deferred.erase(it) : std::next(it);
  }
}

void Replayer::Feed::delivered(std::uint32_t channel, std::uint64_t arrival, Tyme now) {
  if (closing) return;  // what waits stays held: no doer would read it
  for (auto it = waiting.lower_bound(std::pair{channel, std::uint64_t{0}});
       it != waiting.end() && it->first.first == channel && it->second.arrival < arrival;) {
    Held h = std::move(it->second);
    it = waiting.erase(it);
    --channel_noise[channel].held;
    ReplayTransport* t = transport(channel);
    if (t == nullptr) {
      ++stats.undelivered;
      continue;
    }
    ChannelPort port = t->port();
    if (h.due <= now && deliver_rx(port.channel(), port, h.bytes, h.peer)) continue;
    h.due = std::max(h.due, tyme_after(now, header_tock));
    hold(std::move(h), /*stream=*/false);  // its delay is not over, or no room yet
  }
}

}  // namespace hio::replay
