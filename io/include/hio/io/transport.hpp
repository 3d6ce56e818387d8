// Transport: what moves bytes between a channel and the world (real sockets,
// SimNet, a journal being replayed), ChannelPort: the transport's side of a
// channel, and TransportFactory: how the hub makes transports for addresses.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hio/engine/tymist.hpp"
#include "hio/io/address.hpp"
#include "hio/io/buffer.hpp"
#include "hio/io/channel.hpp"
#include "hio/io/event.hpp"

namespace hio {

namespace detail {
class SimCore;
}  // namespace detail

// The right to emit network noise that no channel carries (IoHub::noise): a
// passkey only the network has, so that no doer can make an event a replay
// would deliver again as an input. Made by the simulated network's core and
// by transport factories (SimNet, the replayer), through
// TransportFactory::noise_key(). Empty: passing it costs nothing.
class NoiseKey {
 private:
  NoiseKey() = default;
  friend class TransportFactory;
  friend class detail::SimCore;
};

// The transport's handle on one channel. Every call that changes the channel
// emits its event at the hub's choke point (stamped with the current tyme)
// and wakes the doers that care; nothing reaches a channel's buffers or state
// any other way. A cheap value; valid while its channel lives. Calls on an
// empty port are bugs (checked).
class ChannelPort {
 public:
  ChannelPort() = default;
  explicit ChannelPort(Channel& channel) : channel_(&channel) {}

  explicit operator bool() const { return channel_ != nullptr; }
  Channel& channel() const;
  IoHub& hub() const;
  Tyme tyme() const;
  Tymth tymth() const;

  // ---- state: each wakes waiter and driver ----

  // A new attempt to open starts (a reconnect): open event, state opening.
  // The first open event is the hub's, when it creates the channel.
  void opening();
  // connect event; state connected. `local`/`peer` are endpoints ("" if none).
  void connected(std::string_view local, std::string_view peer);
  // close event; state closed. If a connection ended, unsent tx bytes are
  // discarded and carried by the event.
  void closed(CloseWho who, std::string_view why);
  // error event; state failed. tx is discarded (and carried) only if the
  // channel was connected: a failed attempt to open keeps what was written
  // for the next attempt.
  void failed(std::string_view reason);
  // Streams: rx_end event; the peer finished sending (rx_ended()). The
  // channel must be a connected stream whose rx has not ended (checked); it
  // stays connected: the transport keeps sending tx and stops reading.
  void rx_ended();
  // error event for a problem the channel survives; state unchanged.
  void error(std::string_view reason);

  // ---- streams ----

  std::size_t rx_space() const;
  // rx event; appends to rx and wakes the waiter. bytes.size() must be <=
  // rx_space() (checked): a transport only reads what fits.
  void deliver(std::string_view bytes);
  std::size_t tx_size() const;
  // Moves up to `max` tx bytes to the end of `out` (the transport's own
  // buffer), emits one tx event for them and wakes the waiter (tx space).
  // Returns the count.
  std::size_t take_tx(std::string& out, std::size_t max);
  // The tx bytes not yet taken, oldest first, without taking them (no event).
  // Valid until tx next changes.
  std::string_view tx_view() const;

  // ---- datagrams ----

  bool rx_fits(std::size_t size) const;
  // Whether a datagram of `size` bytes that arrived from `peer` is within
  // the channel's datagram_bytes_max. If not, emits the error event
  // "datagram of N bytes from P exceeds datagram_bytes_max (M); discarded"
  // and returns false: the transport drops it (the channel stays open). Every
  // datagram transport asks this as it reads a datagram, before rx_fits.
  bool receivable(std::string_view peer, std::size_t size);
  // rx event; the datagram must fit (checked).
  void deliver(std::string_view peer, std::string_view bytes);
  // The next datagram to send; emits its tx event. nullopt if none.
  std::optional<Datagram> take_datagram();
  // The next datagram to send, without taking it (no event); nullptr if none.
  // Valid until tx next changes.
  const Datagram* tx_front() const;

  // ---- listeners ----

  // A remote was accepted: creates its stream channel (next id) with
  // `transport`, emits accept on this channel then open on the new one, then
  // calls transport->start(). The listener's waiter is woken. Returns the new
  // channel, also queued for Channel::accept(). nullptr when the hub's ids
  // are exhausted (IoHub::connect): an error event on the listener instead,
  // and `transport`, never started, is destroyed (a transport resets its
  // connection then).
  Channel* accept(std::unique_ptr<Transport> transport, const Address& address,
                  std::string_view peer);

  // ---- noise (SimNet) ----

  void noise(NoiseKind kind, std::string_view bytes, std::string_view peer,
             std::string_view detail);

  // Wakes the driver: the transport has more to do at its next service().
  void request_service();
  // Wakes the waiter: something it may wait on changed without an event
  // (the transport's in-flight bytes went out, so Channel::flushed() holds).
  void notify();

 private:
  Channel* channel_ = nullptr;
};

// Moves bytes for one channel. Three kinds implement it: real (Asio, in
// io/src), simulated (SimNet) and replay; it needs nothing but tyme, so a
// transport may be pure computation on tyme.
//
// Who calls what:
//   - the hub calls start() once, right after the channel's open event;
//   - the channel's driver doer calls service() in its turn in the pass; the
//     transport then takes tx bytes (ChannelPort::take_tx), starts reads when
//     rx has room, and retries or times out by tyme (due());
//   - completions (for Asio: handlers run from IoHub::poll() or wait_until()
//     between passes; for SimNet: deliveries due at a tyme) report through
//     the port: deliver, rx_ended, connected, closed, failed. A transport may also take
//     tx from a completion (a write finished, so the next chunk goes now).
//     How tx is cut into tx events is the transport's choice; consumers
//     compare tx as a byte stream per channel.
//   - Channel::close() calls close(); Channel::reopen() calls reopen().
//
// Rules:
//   - never block; never drop: read only what rx has room for
//     (rx_space/rx_fits), and take from tx only what can be sent;
//   - after close() or a reported end (closed/failed), emit nothing more for
//     the connection that ended; late completions are ignored;
//   - the destructor releases world resources silently (no events): it runs
//     when the channel is released or the hub is destroyed.
//
// Ownership: the channel owns its transport. The port a transport gets in
// start() stays valid until the transport is destroyed.
class Transport {
 public:
  virtual ~Transport() = default;

  // Begins opening (connect, bind, listen), now or asynchronously; reports
  // the outcome through `port` (connected or failed). May report at once.
  virtual void start(ChannelPort port) = 0;
  // The driver's turn. Never blocks.
  virtual void service() = 0;
  // A local close: release the world side now and report
  // port.closed(CloseWho::local, why) before returning. Called only while
  // the channel is not closed (it may be failed).
  virtual void close(std::string_view why) = 0;
  // A new attempt after closed or failed: report port.opening() and begin as
  // in start(). Default: throws std::logic_error (cannot reopen).
  virtual void reopen();
  // See Channel::due().
  virtual Tyme due() const { return kTymeNever; }
  // Bytes taken from tx that the world has not yet taken (see Channel::flushed).
  virtual std::size_t in_flight() const { return 0; }
  // Datagram transports: why a datagram to `peer` could not be sent (the
  // peer is malformed or unknown to this network), or empty when it could.
  // What send() would report as an error event, asked ahead of time.
  virtual std::string peer_problem(std::string_view /*peer*/) const { return {}; }
};

// What the hub asks a factory for.
enum class ChannelRole : std::uint8_t {
  connect = 0,  // a stream client
  listen = 1,   // a listener that accepts streams
  bind = 2,     // a datagram endpoint
};
const char* to_string(ChannelRole role);

// Makes transports for the addresses of some schemes. Installed per hub
// (IoHub::set_factory), never globally. Not owned by the hub.
class TransportFactory {
 public:
  virtual ~TransportFactory() = default;
  // Called before the channel exists, so a refusal creates nothing. Throws
  // std::invalid_argument for an address or role it does not support.
  virtual std::unique_ptr<Transport> make(const Address& address, ChannelRole role,
                                          const ChannelOptions& options) = 0;
  // Throws what make() would throw for these, std::invalid_argument, making
  // nothing. A hub with an override factory (a replay) asks the scheme's own
  // factory first, so a replay refuses the opens its recorded run refused
  // and its channels get the recorded ids. Default: refuses nothing.
  virtual void check(const Address& address, ChannelRole role,
                     const ChannelOptions& options) const {
    (void)address;
    (void)role;
    (void)options;
  }

 protected:
  // For IoHub::noise: a factory is (a view of) the network.
  static NoiseKey noise_key() { return NoiseKey{}; }
  // A hub this factory is installed on (set_factory or set_override) is being
  // destroyed, after its channels: a factory that keeps the hub forgets it
  // here (SimNet does). Told only if it asked (IoHub::tell_when_destroyed),
  // once per hub.
  virtual void hub_destroyed(IoHub& hub) noexcept { (void)hub; }

 private:
  friend class IoHub;
};

}  // namespace hio
