// Recorded events handed to the replay's channels: a strict replay's pump,
// the recorded tx taken from the doers' channels, the recorded inputs
// delivered (strict and noise replays alike).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "hio/engine/counted.hpp"
#include "hio/io/address.hpp"
#include "replay_feed.hpp"
#include "replay_transport.hpp"

namespace hio::replay {

// ---- strict replay ------------------------------------------------------------

void Replayer::Feed::pump_strict(Tyme now) {
  for (;;) {
    if (divergence) return;
    fill(now);
    if (!due(now)) return;
    const OwnedEvent& e = front();
    const std::uint64_t before = consumed;
    if (is_input(e)) {
      if (const std::optional<std::string> why = beyond_limits(e)) {
        // At once: the input would never come, and the doers' events of
        // this pass after it would be compared with it instead.
        diverge(DivergenceKind::undeliverable, &e, nullptr, "missing", *why);
        return;
      }
      if (!deliver_input(e)) return;
    } else if (e.kind == EventKind::tx) {
      if (!take_recorded_tx(e)) return;
    } else {
      return;  // the doers make it (open, local close, log)
    }
    if (consumed == before) return;  // it did not match: on_event reported it
  }
}

void Replayer::Feed::wake_senders(Tyme now) {
  // A transport takes tx in its driver's service, and the recorded run's
  // driver may have been woken for this pass by nothing on the record (a
  // SimNet peer that read, opening its window, requests service). Taken
  // here while an earlier doer runs, the bytes would wake it only from the
  // next pass (the engine's rule): it would read and answer a pass late.
  // Only SimNet channels: a real transport (TCP, TLS, serial) takes tx in
  // a write's completion during the hub's poll, its driver parked, so a
  // recorded tx there says nothing of a run; waking the driver would add
  // runs the recorded run never had.
  fill(now);
  for (std::size_t i = head; i < queue.size() && queue[i].tyme <= now; ++i) {
    const OwnedEvent& e = queue[i];
    if (e.kind != EventKind::tx) continue;
    ReplayTransport* t = transport(e.channel);
    if (t == nullptr) continue;
    ChannelPort port = t->port();
    const Channel& c = port.channel();
    const Scheme scheme = c.address().scheme;
    if (scheme != Scheme::sim && scheme != Scheme::sim_serial) continue;
    const bool holds = c.kind() == ChannelKind::stream
                           ? port.tx_size() > 0
                           : c.kind() == ChannelKind::datagram && c.tx_count() > 0;
    if (holds) port.request_service();
  }
}

bool Replayer::Feed::take_recorded_tx(const OwnedEvent& e) {
  ReplayTransport* t = transport(e.channel);
  if (t == nullptr) return false;
  ChannelPort port = t->port();
  const Channel& c = port.channel();
  if (c.kind() == ChannelKind::stream) {
    if (port.tx_size() < e.bytes.size()) return false;
    std::string out;
    port.take_tx(out, e.bytes.size());
    return true;
  }
  if (c.kind() == ChannelKind::datagram && c.tx_count() > 0) {
    (void)port.take_datagram();
    return true;
  }
  return false;
}

bool Replayer::Feed::deliver_rx(Channel& c, ChannelPort port, std::string_view bytes,
                                std::string_view peer) {
  // A channel gets rx only while connected: after its close (or before its
  // connect) nothing arrives, a datagram no more than a stream's bytes.
  if (!c.connected()) return false;
  if (c.kind() == ChannelKind::stream) {
    if (port.rx_space() < bytes.size()) return false;
    port.deliver(bytes);
    return true;
  }
  if (c.kind() == ChannelKind::datagram && port.rx_fits(bytes.size())) {
    port.deliver(peer, bytes);
    return true;
  }
  return false;
}

bool Replayer::Feed::deliver_input(const OwnedEvent& e) {
  if (is_net_noise(e)) {
    hub->noise(noise_key(), e.noise, e.bytes, e.peer, e.text);
    return true;
  }
  ReplayTransport* t = transport(e.channel);
  if (t == nullptr) return false;
  ChannelPort port = t->port();
  Channel& c = port.channel();
  switch (e.kind) {
    case EventKind::connect:
      // The attempt it ends must be the doers' (an open, or a reopen on the
      // channel's retry grid): a connect never revives a closed channel.
      if (c.state() != ChannelState::opening) return false;
      port.connected(e.text, e.peer);
      return true;
    case EventKind::accept: {
      if (c.kind() != ChannelKind::listener) return false;
      // The accepted channel's address is in its open event, right after.
      std::string address = c.address().text();
      for (std::size_t i = head; i < queue.size(); ++i) {
        if (queue[i].kind == EventKind::open && queue[i].channel == e.accepted) {
          address = queue[i].peer;
          break;
        }
      }
      AddressResult parsed = parse_address(address);
      port.accept(std::make_unique<ReplayTransport>(*this), parsed ? parsed.value() : c.address(),
                  e.peer);
      return true;
    }
    case EventKind::rx:
      return deliver_rx(c, port, e.bytes, e.peer);
    case EventKind::rx_end:
      if (c.kind() != ChannelKind::stream || !c.connected() || c.rx_ended()) return false;
      if (noisy) credit_free.insert(e.channel);
      port.rx_ended();
      return true;
    case EventKind::close:
      if (c.state() == ChannelState::closed) return false;
      port.closed(CloseWho::remote, e.text);
      return true;
    case EventKind::error:
      // Nothing is reported for a channel after its close (io.md).
      if (c.state() == ChannelState::closed) return false;
      if (c.kind() == ChannelKind::stream || c.state() == ChannelState::opening) {
        port.failed(e.text);
      } else {
        port.error(e.text);
      }
      return true;
    case EventKind::noise:
      if (c.state() == ChannelState::closed) return false;
      port.noise(e.noise, e.bytes, e.peer, e.text);
      return true;
    case EventKind::open:
    case EventKind::tx:
    case EventKind::log:
      break;
  }
  return false;
}

std::string Replayer::Feed::undeliverable_reason(const OwnedEvent& e) const {
  const ReplayTransport* t = transport(e.channel);
  const std::string channel = "#" + std::to_string(e.channel);
  if (t == nullptr) return "channel " + channel + " does not exist";
  const Channel& c = t->port().channel();
  const bool after_close = e.kind == EventKind::rx || e.kind == EventKind::error ||
                           e.kind == EventKind::noise || e.kind == EventKind::close;
  if (after_close && c.state() == ChannelState::closed) {
    return "channel " + channel + " is already closed";
  }
  if (e.kind == EventKind::rx && !c.connected()) return "channel " + channel + " is not connected";
  if (e.kind == EventKind::rx && c.kind() == ChannelKind::stream) {
    return "its " + counted(e.bytes.size(), "byte") + (e.bytes.size() == 1 ? " does" : " do") +
           " not fit the rx buffer of " + channel + " (room for " +
           std::to_string(t->port().rx_space()) + ")";
  }
  if (e.kind == EventKind::rx) return "the datagram does not fit the rx buffer of " + channel;
  if (e.kind == EventKind::accept) return "channel " + channel + " is no listener";
  if (e.kind == EventKind::connect) return "channel " + channel + " is not opening";
  if (e.kind == EventKind::rx_end) {
    return "channel " + channel + " is no connected stream whose rx goes on";
  }
  return "it could not be delivered";
}

}  // namespace hio::replay
