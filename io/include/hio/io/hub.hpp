// IoHub: owns a run's channels and their ids, the one choke point every
// buffer event passes (forwarding to EventSinks), the transport factories per
// scheme, and the real-IO event loop behind a hio::Reactor.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hio/engine/reactor.hpp"
#include "hio/engine/tymist.hpp"
#include "hio/io/address.hpp"
#include "hio/io/channel.hpp"
#include "hio/io/event.hpp"
#include "hio/io/transport.hpp"

namespace hio {

namespace detail {
struct AsioCore;  // io/src only: the Asio context and its bookkeeping
AsioCore& asio_core(IoHub& hub);
// Tests only: the id the hub's next channel gets, so
// that a test reaches the end of the ids without 4 billion channels.
void set_next_channel_id(IoHub& hub, std::uint32_t next);
}  // namespace detail

// Usage (the tests compile this as written: consumer_header_usage):
//
// <!-- consumer: hub_usage.cpp -->
// ```cpp
// #include <string>
//
// #include <hio/io/io.hpp>
//
// // A real-time run of one client: the hub is the Doist's reactor, made
// // before the channels it owns and destroyed after them.
// hio::RunEnd connect_once(const std::string& address, hio::Tock tock, hio::Tock limit) {
//   hio::Doist doist(tock, /*real=*/true);
//   hio::IoHub io(doist.tymth());
//   doist.attach(io);
//   hio::TcpClientDoer client(io, address);  // its channel: io.connect(address)
//   return doist.run({&client}, limit);
// }
// ```
//
// Ids: channels get 1, 2, 3, ... in creation order (accepted channels when
// they are accepted); an id is never reused, even after release().
//
// Events: every event of every channel is stamped with the tyme read through
// this hub's tymth and a sequence number, then given to each sink in the
// order the sinks were added. Within a pass, events are in order of
// occurrence: first what poll() delivers, then what doers cause, in the
// Doist's order. IO that completes while a real-time Doist waits between
// passes (Doist::waiting()) belongs to the next pass: the hub holds those
// events (copied) and stamps them when it is next polled, at the start of
// that pass - or, if a stop ends the run first, at the run's end tyme, where
// the Doist polls it once more before the doers close.
//
// Real IO runs on one thread, the Doist's: completions are handled only in
// poll() and wait_until(). Run real IO with a real-time Doist; a virtual-time
// Doist works too but spins (it cannot skip tyme while IO is in flight). A
// hub attached to no Doist and never polled whose channel a doer in a run
// services first while real IO is in flight throws std::logic_error there
// (doist.attach(io) forgotten: see check_polled).
//
// Ownership: the hub owns its channels (and so their transports). Sinks and
// factories are not owned. A sink destroyed while added removes itself (see
// EventSink); a factory must outlive its installation. The hub must
// outlive the doers' use of its channels and the Doist's runs it is attached
// to. Destroying the hub destroys the channels without events: close them
// first (driver doers do, in exit) if a journal should see the closes. Logs
// attached to the hub (Log::attach) are detached when it goes. A hub
// destroyed while attached to a Doist detaches itself (Reactor), so it may
// go before its Doist; destroying it from inside its own poll() or
// wait_until() (an IO completion), or during a run of the Doist it is
// attached to (a doer, a sink, an observer), is a bug and aborts (HIO_CHECK).
//
// Clock: the hub stamps with the tymth it was made on, for life.
// Doist::attach refuses (std::logic_error) a hub made on another clock (a
// tymth() of another Doist or Tymist, or none). The hub watches the Tymist
// (or Doist) whose tyme it reads (TymistWatcher), attached or not: once that
// is destroyed the hub reads no tyme and is without a clock (clock_gone()),
// whether it was attached to that Doist then, detached from it
// (Doist::detach), never attached, or made on a plain Tymist. From then on
// whatever a caller does that would emit an event (connect, listen, bind, a
// channel's close or reopen, a service() that moves bytes) and attaching it
// to any Doist throw std::logic_error; destroying it, finish_closing() and
// reading its channels stay fine. IO that completes then (a read, a remote
// close, run by finish_closing() or poll()) still changes its channel, but
// its event is dropped and counted (events_dropped()).
class Log;

class IoHub final : public Reactor, public Tymee, public TymistWatcher {
 public:
  explicit IoHub(Tymth tymth = {});
  ~IoHub() override;
  IoHub(const IoHub&) = delete;
  IoHub& operator=(const IoHub&) = delete;

  // ---- channels ----
  // Each creates a channel in state opening (open event), and starts its
  // transport, which may connect, fail or bind at once. Runtime problems
  // (refused, unresolvable, port in use) are error events and the failed
  // state on the channel, never exceptions. Caller errors throw: a malformed
  // address text (AddressParseError), or a scheme/role no installed factory
  // supports (std::invalid_argument); no channel is created then. Nor when
  // an EventSink throws on the open event (the exception propagates; the
  // channel leaves silently, as an accepted one whose open a sink refused).
  // A channel moves bytes only while a doer drives it (a ChannelDoer, a
  // driver doer): the hub notes, once per channel, tx that waits a pass on a
  // channel with no driver that nothing has ever serviced (a warn log event,
  // channel 0). A doer that calls service() at its own tock is enough.
  // Ids are never reused and are 32-bit (the journal's too): after
  // 4,294,967,295 channels a hub makes no more. Then these throw
  // std::runtime_error (no channel, no event), and a listener refuses what
  // it would accept: an error event on the listener, the connection reset.

  // A stream client (tcp, tls, serial, sim, sim-serial).
  Channel& connect(const Address& address, ChannelOptions options = {});
  Channel& connect(std::string_view address, ChannelOptions options = {});
  // A listener (tcp, tls, sim). When the host is an IP address it binds and
  // listens before returning, so a port-0 listener's local() has its real
  // port (a host name is resolved first, asynchronously).
  Channel& listen(const Address& address, ChannelOptions options = {});
  Channel& listen(std::string_view address, ChannelOptions options = {});
  // A datagram endpoint (udp, sim).
  Channel& bind(const Address& address, ChannelOptions options = {});
  Channel& bind(std::string_view address, ChannelOptions options = {});

  // nullptr if there is no such channel (never created, or released).
  Channel* find(std::uint32_t id) const;
  std::size_t channel_count() const { return channels_.size(); }
  // Live channel ids in ascending (creation) order.
  std::vector<std::uint32_t> channel_ids() const;
  // Closes the channel if open (who = local, why = "released"), then destroys
  // it. References to it dangle afterwards. A channel with a driver
  // (set_driver) is refused with std::logic_error, before anything changes:
  // the driver doer holds it and would use it after this. Close it instead
  // (TcpServerDoer releases a remote that closed), or clear the driver first.
  void release(Channel& channel);
  // Channels created so far, released ones included (the next id - 1).
  std::uint32_t channels_created() const { return next_id_ - 1; }

  // ---- transports ----
  // Installs `factory` for one scheme (nullptr: back to the built-in one;
  // tcp, tls, udp and serial are built in, sim* come with SimNet).
  void set_factory(Scheme scheme, TransportFactory* factory);
  // The factory installed for `scheme`, nullptr for the built-in one (or none).
  TransportFactory* factory(Scheme scheme) const;
  // The built-in factory of tcp, tls, udp or serial, whatever is installed
  // over it: for a factory that wraps it (hio check makes its clients with
  // it but never starts them). std::invalid_argument for sim and sim-serial
  // (none is built in).
  TransportFactory& builtin_factory(Scheme scheme) const;
  // When set, makes every transport whatever the scheme (replay). nullptr clears.
  void set_override(TransportFactory* factory) { override_ = factory; }
  // A factory that keeps this hub (a SimNet) asks to be told when the hub is
  // destroyed (TransportFactory::hub_destroyed), and stops asking if it goes
  // first. Only these are told: other factories may be gone by then.
  void tell_when_destroyed(TransportFactory& factory);
  void stop_telling(TransportFactory& factory);

  // ---- the choke point ----
  // A sink is added to one hub at a time: adding one that is added already
  // (here or elsewhere) throws std::logic_error. Removing one that is not
  // here does nothing. Neither from inside an on_event (checked).
  void add_sink(EventSink& sink);
  void remove_sink(EventSink& sink);
  // Events emitted so far (the next event's seq).
  std::uint64_t event_count() const { return seq_; }
  // Emits a log event (channel 0) carrying `record`.
  void log(std::string_view record);
  // Emits a noise event on channel 0: a decision of the simulated network
  // about a message whose sender and receiver channels are both closed or
  // gone (so no channel is left to carry it). It is a fact of the network,
  // not of the doers: a replay delivers it as an input, like noise on a
  // channel. Only the network calls it (NoiseKey: SimNet, the replayer).
  void noise(NoiseKey, NoiseKind kind, std::string_view bytes, std::string_view peer,
             std::string_view detail);

  // ---- hio::Reactor ----
  // Runs every ready completion, without blocking.
  void poll() override;
  // Runs completions as they come until `deadline` (real time), or until
  // the next try to start a thread for a lookup that has none (at most 10 ms
  // later; the Doist waits again).
  void wait_until(std::chrono::steady_clock::time_point deadline) override;
  // True while an asynchronous operation that could wake a doer is
  // outstanding: a channel's lookup, connect, handshake, accept, read or
  // write. What a closed stream still delivers does not count (closing()
  // does).
  bool busy() const override;
  // Now, while a channel no doer drives has tx waiting that the hub has not
  // noted yet (see check_undriven): the passes that note it are not
  // skipped. Otherwise nothing is due (kTymeNever).
  Tyme next_tyme() const override;
  // A client channel waits to open again only at the end of tyme: its
  // `retry` took the next attempt past 2^63-1 ns (the grid saturated
  // there), so a run stalled with it ran out of tyme (Doist::ran_out_of_tyme).
  bool holds_past_end_of_tyme() const override;
  // Refuses a Doist whose clock this hub does not read (see Clock above).
  void check_clock(const Doist& doist) const override;
  // True once the Tymist (or Doist) whose tyme the hub read was destroyed.
  bool clock_gone() const { return clock_gone_; }
  // Events of IO completions that ran after that (in finish_closing(), or a
  // poll() of the embedder's): dropped, since no tyme can stamp them, and
  // counted here. The channels took their changes all the same.
  std::uint64_t events_dropped() const { return events_dropped_; }
  // What check_clock does, for whatever pairs a hub with a Doist (a Journal,
  // a SimNet, a Replayer): throws std::logic_error starting with `caller`
  // unless the hub reads `doist`'s tyme.
  void require_clock_of(const Doist& doist, std::string_view caller) const;

  // ---- what the kernel dropped ----
  // A UDP channel's datagrams that the kernel dropped before hio read them:
  // most often its socket's receive buffer was full (they came faster than
  // the run read them), though the count is every drop at the socket (a bad
  // checksum, memory the kernel lacked). The socket's own count (SO_MEMINFO's drops, the count that
  // SO_RXQ_OVFL reports), not events: no journal holds it (a replay or a
  // SimNet's endpoints never have any).
  struct DroppedDatagrams {
    std::uint32_t channel = 0;  // its id
    std::string name;
    std::string local;  // where it was bound
    std::uint64_t datagrams = 0;
  };
  // The hub's UDP channels that have any, in channel id order: the closed
  // and released ones too, and every socket of a channel that reopened.
  // Asks each open socket (a system call each).
  std::vector<DroppedDatagrams> dropped_datagrams() const;

  // ---- after a run ----
  // Closed channels still sending: TCP/TLS streams and serial lines whose
  // write is still in flight (a local close lets it finish, for up to the
  // channel's close_linger of wall time), and TCP/TLS streams that handed
  // every byte to the kernel but whose peer has not acknowledged them all
  // yet while it may still send (their input is dropped until it has: a
  // close(2) then could reset the connection). One acknowledged since the
  // last poll no longer counts.
  std::size_t closing() const;
  // For the end of a run, before the hub is destroyed (which cuts the writes
  // in flight short: the peer gets less than the journal's tx, and a reset,
  // so it knows; the destructor does not wait, and closes the streams only
  // waiting for an acknowledgement, leaving their bytes to the kernel): runs
  // the IO until every closing stream has finished sending — or was aborted
  // at its close_linger, as poll() does (a reset) — waiting in wall time;
  // close_linger 0 waits as long as the peer keeps the connection without
  // reading. `stop` is asked every 20 ms at most: true aborts the streams
  // left (a reset, so that the peer learns its data was cut). No events:
  // the streams' channels are closed. Not during a run of the Doist the hub
  // is attached to, nor from a completion (checked). Returns how many of
  // those streams it reset (at their close_linger or at `stop`): their peers
  // may have got less than the journal's tx.
  [[nodiscard]] std::size_t finish_closing(const std::function<bool()>& stop = {});

 private:
  friend class Channel;
  friend class ChannelPort;
  friend class Log;  // attach() keeps logs_
  friend detail::AsioCore& detail::asio_core(IoHub& hub);
  friend void detail::set_next_channel_id(IoHub& hub, std::uint32_t next);

  struct Impl;

  Channel& create(const Address& address, ChannelRole role, ChannelOptions options);
  // Why no channel can be made once next_id_ wrapped to 0 (the ids ran out),
  // ending with what was `refused`.
  static std::string ids_exhausted(std::string_view refused);
  // `client`: made by connect(), so options.retry applies (RetryGrid).
  Channel& add_channel(std::string name, const Address& address, ChannelKind kind,
                       ChannelOptions options, std::unique_ptr<Transport> transport,
                       bool client = false);
  TransportFactory& factory_for(Scheme scheme) const;
  // Its clock's Tymist is going: from now on the hub and its channels' retry
  // timers read no tyme, and what would stamp an event is refused.
  void tymist_destroyed() noexcept override;
  // Rebinds the hub and keeps watching the Tymist it reads.
  void wind(Tymth tymth) override;
  // Throws std::logic_error naming `what` once the hub's clock is gone.
  void check_clock_live(std::string_view what) const;
  void emit(ChannelEvent& event);
  void emit_open(const Channel& channel);
  // Stamps `event` and hands it to the sinks.
  void send(ChannelEvent& event);
  // Sends what emit() held while the Doist waited between passes.
  void release_held();
  // A channel's first service(): throws std::logic_error when a doer in a
  // run drives it or waits on it (Doer::scheduled) while this hub has real
  // IO in flight (busy()) that nothing will complete: attached to no Doist
  // and never polled by hand (poll() or wait_until() while attached to none).
  void check_polled(const Channel& channel) const;
  // A channel was written to while no doer drove it: poll() logs it once if
  // its tx still waits, unserviced, a whole pass later (check_undriven).
  void watch_undriven(Channel& channel);
  void check_undriven();

  // An event emitted while the Doist waited, with its strings.
  struct HeldEvent {
    ChannelEvent event;
    std::string bytes;
    std::string peer;
    std::string text;
  };

  // Declared first so it is destroyed last: the channels' real transports
  // must go before the event loop they belong to.
  std::unique_ptr<Impl> impl_;
  std::map<std::uint32_t, std::unique_ptr<Channel>> channels_;
  std::array<TransportFactory*, 6> factories_{};
  TransportFactory* override_ = nullptr;
  std::vector<TransportFactory*> told_when_destroyed_;
  std::vector<EventSink*> sinks_;
  std::vector<Log*> logs_;       // attached (Log::attach); detached when the hub goes
  std::vector<HeldEvent> held_;  // emitted while the Doist waited (emit)
  // Channels written to while undriven (watch_undriven), with the polls
  // their tx has waited since, unserviced.
  struct Undriven {
    std::uint32_t id;
    int polls;
  };
  std::vector<Undriven> undriven_;
  std::uint32_t next_id_ = 1;
  std::uint64_t seq_ = 0;
  std::uint64_t events_dropped_ = 0;  // completions' events after the clock went
  bool emitting_ = false;
  bool polling_ = false;         // inside poll() or wait_until()
  bool polled_by_hand_ = false;  // poll() or wait_until() ran while attached to no Doist
  bool clock_gone_ = false;      // the Tymist whose tyme it read was destroyed
};

}  // namespace hio
