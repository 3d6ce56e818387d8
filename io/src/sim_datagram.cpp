// Datagrams on SimNet: the endpoint transport, and the network's part —
// a datagram's fate on its link at send, and its arrival.
#include "sim_datagram.hpp"

#include <charconv>
#include <limits>
#include <system_error>

#include "datagram_text.hpp"
#include "hio/engine/check.hpp"

namespace hio::detail {

// ---- the endpoint -----------------------------------------------------------

SimDatagramTransport::SimDatagramTransport(SimCore& core, SimHost& host, std::uint16_t port,
                                           const ChannelOptions& options)
    : SimEndpoint(core),
      hold_(host, port),
      inbound_max_(options.socket_buffer_bytes > 0 ? options.socket_buffer_bytes
                                                   : core.options().receive_buffer_bytes) {}

SimDatagramTransport::~SimDatagramTransport() {
  unbind();
}

void SimDatagramTransport::net_gone() {
  hold_.forget();
  SimEndpoint::net_gone();
}

std::string SimDatagramTransport::peer_problem(std::string_view peer) const {
  if (core_ == nullptr) return {};  // the network is gone: nothing to send on anyway
  SimHost* to = nullptr;
  std::uint16_t port = 0;
  return core_->parse_peer(peer, to, port);
}

void SimDatagramTransport::bind() {
  (void)hold_.take(*core_, this, port_);
}

void SimDatagramTransport::unbind() {
  if (!hold_.bound() || core_ == nullptr) return;
  hold_.give(this);
  inbound_.clear();
  inbound_bytes_ = 0;
}

void SimDatagramTransport::start(ChannelPort port) {
  port_ = port;
  if (core_ == nullptr) {
    port_.failed(kNetGone);
    return;
  }
  bind();
}

void SimDatagramTransport::service() {
  if (core_ == nullptr || !hold_.bound() || !port_.channel().connected()) return;
  while (!inbound_.empty()) {
    Datagram& front = inbound_.front();
    const bool receivable = port_.receivable(front.peer, front.bytes.size());
    if (receivable && !port_.rx_fits(front.bytes.size())) break;
    inbound_bytes_ -= front.bytes.size();
    if (receivable) port_.deliver(front.peer, front.bytes);
    inbound_.pop_front();
  }
  // All of tx, as a strict replay takes a pass's recorded sends where they
  // fall due: a cap (2^20 before, reached with an API datagrams_max above
  // it) would leave the doers less tx room than in the replay, as 4,096
  // segments did for streams (fixsim24). tx holds at most datagrams_max and
  // gains none meanwhile.
  for (;;) {
    std::optional<Datagram> datagram = port_.take_datagram();
    if (!datagram) break;
    core_->send_datagram(*this, datagram->peer, datagram->bytes);
  }
}

void SimDatagramTransport::lose_inbound() {
  std::string detail;
  for (const Datagram& datagram : inbound_) {
    detail.assign("closed: datagram from ");
    detail += datagram.peer;
    detail += " in the receive buffer of ";
    detail += local();
    detail += " lost";
    core_->report(*this, NoiseKind::drop, datagram.bytes, local(), detail);
  }
  inbound_.clear();
  inbound_bytes_ = 0;
}

void SimDatagramTransport::close(std::string_view why) {
  // What waits behind a full rx goes with the socket: said before the close,
  // on this channel (unbind() alone is silent: the hub may be gone).
  if (hold_.bound() && core_ != nullptr) lose_inbound();
  unbind();
  port_.closed(CloseWho::local, why);
}

void SimDatagramTransport::reopen() {
  port_.opening();
  if (core_ == nullptr) {
    port_.failed(kNetGone);
    return;
  }
  bind();
}

bool SimDatagramTransport::arrive(std::string_view from, std::string_view bytes) {
  // Read at once when nothing waits ahead of it. One over datagram_bytes_max
  // is reported and discarded as it is read, as by a UDP socket's read.
  if (inbound_.empty()) {
    if (!port_.receivable(from, bytes.size())) return true;
    if (port_.rx_fits(bytes.size())) {
      port_.deliver(from, bytes);
      return true;
    }
  }
  if (bytes.size() > inbound_max_ - std::min(inbound_max_, inbound_bytes_)) return false;
  inbound_.push_back(Datagram{std::string(from), std::string(bytes)});
  inbound_bytes_ += bytes.size();
  // Room in rx frees up when the doer reads, which wakes the driver; it may
  // be free already (a smaller datagram waits behind a larger one).
  port_.request_service();
  return true;
}

// ---- the network's part -----------------------------------------------------

std::uint32_t SimCore::take_datagram_slot() {
  if (!free_datagrams_.empty()) {
    const std::uint32_t slot = free_datagrams_.back();
    free_datagrams_.pop_back();
    return slot;
  }
  HIO_CHECK(datagrams_.size() < std::numeric_limits<std::uint32_t>::max(),
            "SimNet: too many datagrams in flight");
  datagrams_.emplace_back();
  return static_cast<std::uint32_t>(datagrams_.size() - 1);
}

std::string SimCore::parse_peer(std::string_view peer, SimHost*& to, std::uint16_t& port) const {
  const std::size_t colon = peer.rfind(':');
  if (colon == std::string_view::npos) return "the peer must be host:port";
  to = find_host(peer.substr(0, colon));
  if (to == nullptr) return "unknown host '" + std::string(peer.substr(0, colon)) + "'";
  const std::string_view digits = peer.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc{} || end != digits.data() + digits.size() || value < 1 || value > 65'535) {
    return "the port must be 1..65535";
  }
  port = static_cast<std::uint16_t>(value);
  return {};
}

void SimCore::send_datagram(SimDatagramTransport& from, std::string_view peer,
                            std::string_view bytes) {
  // Resolve "host:port" once per run of datagrams to the same peer.
  if (from.peer_link == nullptr || peer != from.peer_text) {
    from.peer_link = nullptr;
    SimHost* to = nullptr;
    std::uint16_t port = 0;
    if (std::string problem = parse_peer(peer, to, port); !problem.empty()) {
      from.port().error(unsent_datagram_text(
          bytes.size(), "destination '" + std::string(peer) + "': " + problem));
      return;
    }
    from.peer_text = std::string(peer);
    from.peer_link = &link(from.host(), *to);
    from.peer_port = port;
  }
  // More than UDP carries: the OS refuses the send (EMSGSIZE), as on udp://
  // (datagram_bytes_max may allow it), with a text of its own (not the C
  // library's); nothing is drawn for it.
  if (bytes.size() > kUdpPayloadMax) {
    from.port().error(failed_send_text(bytes.size(), peer, kSimMessageTooLong));
    return;
  }
  SimLink& link = *from.peer_link;
  const Tyme tyme = now();
  // Every decision is drawn before any is acted on (see datagram_fate).
  const DatagramFate fate = link.datagram_fate(bytes.size());
  std::string& detail = detail_;
  if (!from.host().up || !link.to().up || link.cut()) {
    detail.assign(!from.host().up ? "host " + from.host().name + " is down"
                  : link.cut()    ? "partition " + link.name()
                                  : "host " + link.to().name + " is down");
    report(from, NoiseKind::drop, bytes, peer, detail);
    return;
  }
  Tyme leaves;
  if (!link.admit(tyme, bytes.size(), leaves)) {
    detail.assign("queue full on link ");
    detail += link.name();
    report(from, NoiseKind::drop, bytes, peer, detail);
    return;
  }
  if (fate.lost) {
    detail.assign("loss on link ");
    detail += link.name();
    report(from, NoiseKind::drop, bytes, peer, detail);
    return;
  }
  Tyme at = arrival(&from, nullptr, link, leaves, fate.jitter, bytes, peer);
  if (fate.reordered) {
    at = tyme_after(at, link.params().reorder_delay);
    detail.assign("held back ");
    append_number(detail, link.params().reorder_delay.count());
    detail += " ns on link ";
    detail += link.name();
    report(from, NoiseKind::reorder, bytes, peer, detail);
  }
  if (at == kTymeNever) {  // delays summed beyond the end of tyme (~292 years)
    detail.assign(kBeyondEndOfTyme);
    detail += "link ";
    detail += link.name();
    report(from, NoiseKind::drop, bytes, peer, detail);
    return;
  }
  const std::uint32_t slot = take_datagram_slot();
  SimDatagram& message = datagrams_[slot];
  message.bytes.assign(bytes);
  if (fate.bit >= 0) {
    const auto bit = static_cast<std::size_t>(fate.bit);
    message.bytes[bit / 8] =
        static_cast<char>(static_cast<unsigned char>(message.bytes[bit / 8]) ^ (1u << (bit % 8)));
    detail.assign("bit ");
    append_number(detail, fate.bit);
    detail += " flipped on link ";
    detail += link.name();
    report(from, NoiseKind::corrupt, bytes, peer, detail);
  }
  message.from = from.local();
  message.sender = from.endpoint_id();
  message.link = &link;
  message.link_epoch = link.epoch();
  message.to_epoch = link.to().epoch;
  message.to_port = from.peer_port;
  schedule(at, SimEventKind::datagram, slot);
  if (fate.duplicated) {
    const std::uint32_t copy_slot = take_datagram_slot();
    datagrams_[copy_slot] = datagrams_[slot];  // `message` may have moved
    detail.assign("copy arrives +");
    append_number(detail, fate.duplicate_after.count());
    detail += " ns after on link ";
    detail += link.name();
    report(from, NoiseKind::duplicate, bytes, peer, detail);
    schedule(tyme_after(at, fate.duplicate_after), SimEventKind::datagram, copy_slot);
  }
}

void SimCore::arrive_datagram(std::uint64_t slot_id) {
  const auto slot = static_cast<std::uint32_t>(slot_id);
  SimDatagram& message = datagrams_[slot];
  SimLink& link = *message.link;
  SimHost& to = link.to();
  std::string& detail = detail_;
  std::uint64_t receiver = 0;
  const char* why = nullptr;
  if (link.cut() || link.epoch() != message.link_epoch) {
    why = "partition ";
  } else if (!to.up || to.epoch != message.to_epoch) {
    why = "host down ";
  } else {
    SimDatagramTransport* endpoint = to.datagrams.find(message.to_port);
    if (endpoint == nullptr || !endpoint->port().channel().connected()) {
      why = "nobody bound ";
    } else {
      receiver = endpoint->endpoint_id();
      if (!endpoint->arrive(message.from, message.bytes)) why = "receive buffer full ";
    }
  }
  if (why != nullptr) {
    detail.assign(why);
    detail += "at arrival on link ";
    detail += link.name();
    std::string peer = to.name + ":" + std::to_string(message.to_port);
    report(message.sender, receiver, NoiseKind::drop, message.bytes, peer, detail);
  }
  free_datagrams_.push_back(slot);
}

}  // namespace hio::detail
