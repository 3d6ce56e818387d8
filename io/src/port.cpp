// ChannelPort and the Transport defaults: the transport's side of a channel,
// where every change becomes an event at the hub's choke point.
#include <limits>
#include <stdexcept>

#include "datagram_text.hpp"
#include "hio/engine/check.hpp"
#include "hio/io/hub.hpp"
#include "hio/io/transport.hpp"

namespace hio {

const char* to_string(ChannelRole role) {
  switch (role) {
    case ChannelRole::connect:
      return "connect";
    case ChannelRole::listen:
      return "listen";
    case ChannelRole::bind:
      return "bind";
  }
  return "?";
}

void Transport::reopen() {
  throw std::logic_error("this transport cannot reopen its channel");
}

Channel& ChannelPort::channel() const {
  HIO_CHECK(channel_ != nullptr, "a transport used an empty ChannelPort");
  return *channel_;
}

IoHub& ChannelPort::hub() const {
  return channel().hub();
}

Tyme ChannelPort::tyme() const {
  return hub().tyme();
}

Tymth ChannelPort::tymth() const {
  return hub().tymth();
}

namespace {

ChannelEvent event_of(EventKind kind, const Channel& channel) {
  ChannelEvent event;
  event.kind = kind;
  event.channel = channel.id();
  return event;
}

// Takes everything still queued for sending out of the channel: a stream's
// bytes, returned for the event to carry; a datagram channel's datagrams,
// which no event carries (they may go to many peers), counted in `reason`
// (" (N unsent datagrams discarded)"). The same for a close and an error.
std::string discard_tx(StreamBuffer& tx, DatagramBuffer& datagrams, std::string& reason) {
  std::string discarded;
  tx.move_to(discarded, std::numeric_limits<std::size_t>::max());
  if (!datagrams.empty()) {
    reason += " (" + std::to_string(datagrams.count()) + " unsent datagrams discarded)";
    datagrams.clear();
  }
  return discarded;
}

}  // namespace

// ---- state ------------------------------------------------------------------

void ChannelPort::opening() {
  Channel& c = channel();
  c.state_ = ChannelState::opening;
  c.rx_ended_ = false;
  c.reason_.clear();
  c.local_.clear();
  c.peer_.clear();
  c.hub_->emit_open(c);
  c.wake_both();
}

void ChannelPort::connected(std::string_view local, std::string_view peer) {
  Channel& c = channel();
  c.state_ = ChannelState::connected;
  c.rx_ended_ = false;
  c.reason_.clear();
  c.local_ = std::string(local);
  c.peer_ = std::string(peer);
  ++c.connects_;
  ChannelEvent event = event_of(EventKind::connect, c);
  event.text = c.local_;
  event.peer = c.peer_;
  c.hub_->emit(event);
  c.wake_both();
}

void ChannelPort::closed(CloseWho who, std::string_view why) {
  Channel& c = channel();
  HIO_CHECK(c.state_ != ChannelState::closed,
            "transport of channel #" + std::to_string(c.id_) + " reported a second close");
  std::string reason(why);
  std::string discarded = discard_tx(c.tx_, c.tx_datagrams_, reason);
  c.state_ = ChannelState::closed;
  c.peer_ended_ = who == CloseWho::remote || c.rx_ended_;
  c.reason_ = std::move(reason);
  ChannelEvent event = event_of(EventKind::close, c);
  event.who = who;
  event.text = c.reason_;
  event.bytes = discarded;
  c.hub_->emit(event);
  c.wake_both();
}

void ChannelPort::failed(std::string_view reason) {
  Channel& c = channel();
  // A failed attempt to open keeps what was written for the next attempt;
  // a failure of a live connection ends what was queued for it.
  std::string discarded;
  std::string text(reason);
  if (c.state_ == ChannelState::connected) discarded = discard_tx(c.tx_, c.tx_datagrams_, text);
  c.state_ = ChannelState::failed;
  c.reason_ = std::move(text);
  ChannelEvent event = event_of(EventKind::error, c);
  event.text = c.reason_;
  event.bytes = discarded;
  c.hub_->emit(event);
  c.wake_both();
}

void ChannelPort::rx_ended() {
  Channel& c = channel();
  HIO_CHECK(c.kind_ == ChannelKind::stream && c.state_ == ChannelState::connected && !c.rx_ended_,
            "transport of channel #" + std::to_string(c.id_) +
                " reported the end of rx of a channel that is no connected stream, or twice");
  c.rx_ended_ = true;
  ChannelEvent event = event_of(EventKind::rx_end, c);
  c.hub_->emit(event);
  c.wake_both();
}

void ChannelPort::error(std::string_view reason) {
  Channel& c = channel();
  ChannelEvent event = event_of(EventKind::error, c);
  event.text = reason;
  c.hub_->emit(event);
  c.wake_both();
}

// ---- streams ----------------------------------------------------------------

std::size_t ChannelPort::rx_space() const {
  return channel().rx_.space();
}

void ChannelPort::deliver(std::string_view bytes) {
  Channel& c = channel();
  HIO_CHECK(c.kind_ == ChannelKind::stream,
            "stream bytes delivered to channel #" + std::to_string(c.id_));
  HIO_CHECK(bytes.size() <= c.rx_.space(), "transport delivered " + std::to_string(bytes.size()) +
                                               " bytes to channel #" + std::to_string(c.id_) +
                                               " with room for " + std::to_string(c.rx_.space()));
  if (bytes.empty()) return;
  c.rx_.append(bytes);
  ChannelEvent event = event_of(EventKind::rx, c);
  event.bytes = bytes;
  c.hub_->emit(event);
  c.wake_waiter();
}

std::size_t ChannelPort::tx_size() const {
  return channel().tx_.size();
}

std::string_view ChannelPort::tx_view() const {
  return channel().tx_.view();
}

std::size_t ChannelPort::take_tx(std::string& out, std::size_t max) {
  Channel& c = channel();
  std::size_t start = out.size();
  std::size_t n = c.tx_.move_to(out, max);
  if (n == 0) return 0;
  ChannelEvent event = event_of(EventKind::tx, c);
  event.bytes = std::string_view(out).substr(start, n);
  c.hub_->emit(event);
  c.wake_waiter();
  return n;
}

// ---- datagrams --------------------------------------------------------------

bool ChannelPort::rx_fits(std::size_t size) const {
  return channel().rx_datagrams_.fits(size);
}

bool ChannelPort::receivable(std::string_view peer, std::size_t size) {
  const std::size_t max = channel().options_.datagram_bytes_max;
  if (size <= max) return true;
  error(detail::oversized_datagram_text(size, peer,
                                        "datagram_bytes_max (" + std::to_string(max) + ")"));
  return false;
}

void ChannelPort::deliver(std::string_view peer, std::string_view bytes) {
  Channel& c = channel();
  HIO_CHECK(c.kind_ == ChannelKind::datagram,
            "a datagram delivered to channel #" + std::to_string(c.id_));
  HIO_CHECK(c.rx_datagrams_.push(peer, bytes),
            "transport delivered a datagram of " + std::to_string(bytes.size()) +
                " bytes that does not fit channel #" + std::to_string(c.id_));
  ChannelEvent event = event_of(EventKind::rx, c);
  event.bytes = bytes;
  event.peer = peer;
  c.hub_->emit(event);
  c.wake_waiter();
}

std::optional<Datagram> ChannelPort::take_datagram() {
  Channel& c = channel();
  std::optional<Datagram> datagram = c.tx_datagrams_.pop();
  if (!datagram) return datagram;
  ChannelEvent event = event_of(EventKind::tx, c);
  event.bytes = datagram->bytes;
  event.peer = datagram->peer;
  c.hub_->emit(event);
  c.wake_waiter();
  return datagram;
}

const Datagram* ChannelPort::tx_front() const {
  return channel().tx_datagrams_.front();
}

// ---- listeners --------------------------------------------------------------

Channel* ChannelPort::accept(std::unique_ptr<Transport> transport, const Address& address,
                             std::string_view peer) {
  Channel& listener = channel();
  HIO_CHECK(listener.kind_ == ChannelKind::listener,
            "accept on channel #" + std::to_string(listener.id_) + " which is no listener");
  IoHub& hub = *listener.hub_;
  if (hub.next_id_ == 0) {
    error(IoHub::ids_exhausted("the connection from " + std::string(peer) + " is refused"));
    return nullptr;  // its transport, never started, goes: the connection with it
  }
  ChannelEvent event = event_of(EventKind::accept, listener);
  event.accepted = hub.next_id_;  // the id add_channel gives it
  event.peer = peer;
  hub.emit(event);
  ChannelOptions options = listener.options_;
  options.name.clear();
  Channel& remote = hub.add_channel(listener.name_ + "/" + std::to_string(hub.next_id_), address,
                                    ChannelKind::stream, std::move(options), std::move(transport));
  listener.accepted_.push_back(&remote);
  remote.queued_in_ = &listener;
  listener.wake_waiter();
  return &remote;
}

// ---- noise and waking -------------------------------------------------------

void ChannelPort::noise(NoiseKind kind, std::string_view bytes, std::string_view peer,
                        std::string_view detail) {
  Channel& c = channel();
  ChannelEvent event = event_of(EventKind::noise, c);
  event.noise = kind;
  event.bytes = bytes;
  event.peer = peer;
  event.text = detail;
  c.hub_->emit(event);
}

void ChannelPort::request_service() {
  channel().wake_driver();
}

void ChannelPort::notify() {
  channel().wake_waiter();
}

}  // namespace hio
