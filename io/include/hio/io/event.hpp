// ChannelEvent and EventSink: the record of everything that happens to a
// channel's buffers, as it passes the IoHub's one choke point, and the
// interface of whoever listens there (the journal, tests, monitors).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hio/engine/tyme.hpp"

namespace hio {

// The numeric values of these enums are journaled: append only, never renumber.

enum class EventKind : std::uint8_t {
  open = 0,     // a channel was created, or starts a new attempt to open (reconnect)
  connect = 1,  // a channel is connected (a listener: it is listening)
  accept = 2,   // a listener accepted a remote; `accepted` is the new channel's id
  rx = 3,       // bytes arrived into the rx buffer (datagrams: from `peer`)
  tx = 4,       // bytes were taken from the tx buffer and handed to the transport
  close = 5,    // the channel closed; `who` closed it, `text` says why
  error = 6,    // something failed; `text` says what. The state may be failed.
  noise = 7,    // simulated noise acted on a message (`noise` says how)
  log = 8,      // a doer's log record (channel 0), so logs are journaled too
  rx_end = 9,   // a stream's peer finished sending (TCP FIN, TLS close_notify):
                // no more rx on this connection; it stays connected for tx
};

// Who ended a connection.
enum class CloseWho : std::uint8_t {
  local = 0,   // a doer (or the hub) closed it
  remote = 1,  // the peer closed or reset it, or the network did
};

// What simulated noise did to a message.
enum class NoiseKind : std::uint8_t {
  none = 0,
  drop = 1,
  delay = 2,
  duplicate = 3,
  corrupt = 4,
  reorder = 5,
};

// The channel kinds; see Channel.
enum class ChannelKind : std::uint8_t {
  stream = 0,    // bytes in order (TCP, TLS, serial)
  datagram = 1,  // (peer, bytes) messages (UDP)
  listener = 2,  // accepts stream channels; has no buffers of its own
};

const char* to_string(EventKind kind);
const char* to_string(CloseWho who);
const char* to_string(NoiseKind kind);
const char* to_string(ChannelKind kind);

// One event. The views point into the hub's and the channel's storage and are
// valid only during EventSink::on_event: a sink that keeps them copies them.
//
// Fields per kind (unlisted ones are empty / zero):
//   open:    text = channel name, peer = address (canonical URL), channel_kind
//   connect: peer = remote endpoint ("" for a listener), text = local endpoint
//   accept:  accepted = new channel id, peer = its remote endpoint
//   rx:      bytes; datagrams: peer = sender
//   tx:      bytes; datagrams: peer = destination
//   rx_end:  (nothing: the channel says it all)
//   close:   who, text = why, bytes = tx bytes never handed to the transport,
//            discarded because the connection ended
//   error:   text = reason; bytes = discarded tx bytes if it ended a connection
//   noise:   noise, bytes = the message affected, peer, text = detail;
//            channel = 0 when neither end's channel is open (IoHub::noise)
//   log:     channel = 0, text = the formatted record
struct ChannelEvent {
  EventKind kind = EventKind::open;
  std::uint32_t channel = 0;  // channel ids start at 1
  Tyme tyme{};                // stamped by the hub: the pass's tyme
  std::uint64_t seq = 0;      // stamped by the hub: order of occurrence, from 0
  std::string_view bytes{};
  std::string_view peer{};
  std::string_view text{};
  std::uint32_t accepted = 0;
  CloseWho who = CloseWho::local;
  NoiseKind noise = NoiseKind::none;
  ChannelKind channel_kind = ChannelKind::stream;
};

// One line for people and tests, without bytes beyond a short prefix:
// "0.5 #3 rx 5 bytes \"hello\"".
std::string describe(const ChannelEvent& event);

class IoHub;

// Receives every event of a hub, in order of occurrence. Not owned by the hub;
// added to one hub at a time (IoHub::add_sink). A sink destroyed while added
// removes itself (destroying it from inside an on_event is a bug, checked),
// and a hub destroyed first leaves it removed; a copy is added nowhere.
// on_event must not call back into the hub in a way that makes events
// (checked); it may read channels. An exception from on_event propagates to
// whatever caused the event (a doer's call, or the hub's poll()), so a
// failing journal stops the run instead of losing events.
class EventSink {
 public:
  EventSink() = default;
  EventSink(const EventSink&) noexcept {}
  EventSink& operator=(const EventSink&) noexcept { return *this; }
  virtual ~EventSink();
  virtual void on_event(const ChannelEvent& event) = 0;

  // The hub it is added to, or nullptr.
  IoHub* sink_of() const { return hub_; }

 private:
  friend class IoHub;
  IoHub* hub_ = nullptr;
};

}  // namespace hio
