// A strict replay's recorded inputs held to the limits of the doers'
// channels: a --scenario may lower a limit that shapes what a transport
// delivers (remotes_max, datagram_bytes_max), and an input the recorded run
// received under the higher one could not have come under the lower.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "hio/engine/counted.hpp"
#include "replay_feed.hpp"
#include "replay_transport.hpp"

namespace hio::replay {

void Replayer::Feed::note_remote_ends(const ChannelEvent& e) {
  if (e.kind == EventKind::accept) {
    accepted_by[e.accepted] = e.channel;
    ++remotes_alive[e.channel];
    return;
  }
  if (e.kind != EventKind::close && e.kind != EventKind::error) return;
  auto it = accepted_by.find(e.channel);
  if (it == accepted_by.end()) return;
  // An error ends a stream only when it failed it (its state says so, set
  // before its event); a transport frees the listener's place then (TCP:
  // AcceptGate::release, at the stream's end or its local close).
  const Channel* c = hub != nullptr ? hub->find(e.channel) : nullptr;
  if (c != nullptr && c->open()) return;
  --remotes_alive[it->second];
  accepted_by.erase(it);
}

std::optional<std::string> Replayer::Feed::beyond_limits(const OwnedEvent& e) const {
  if (!limits_hold) return std::nullopt;
  const ReplayTransport* t = transport(e.channel);
  if (t == nullptr) return std::nullopt;  // undeliverable_reason says why
  const Channel& c = t->port().channel();
  const std::string channel = "#" + std::to_string(e.channel);
  if (e.kind == EventKind::accept && c.kind() == ChannelKind::listener) {
    // A listener accepts while fewer than remotes_max of its remotes are
    // alive (TcpAcceptor::accept_next; SimNet frees a place later still, at
    // its next event after the close): one accepted with that many alive
    // came under a higher limit.
    auto alive = remotes_alive.find(e.channel);
    const std::size_t n = alive == remotes_alive.end() ? 0 : alive->second;
    const std::size_t max = c.options().remotes_max;
    if (n < max) return std::nullopt;
    return "channel " + channel + " has " + counted(n, "accepted remote") + " alive, its " +
           "remotes_max (" + std::to_string(max) +
           "): the recorded run accepted it, a listener at this remotes_max accepts no more "
           "until one of them ends";
  }
  if (e.kind == EventKind::rx && c.kind() == ChannelKind::datagram &&
      e.bytes.size() > c.options().datagram_bytes_max) {
    return "its datagram of " + counted(e.bytes.size(), "byte") +
           " exceeds the datagram_bytes_max (" + std::to_string(c.options().datagram_bytes_max) +
           ") of channel " + channel +
           ": the recorded run received it, a transport at this limit discards it as it "
           "arrives";
  }
  return std::nullopt;
}

}  // namespace hio::replay
