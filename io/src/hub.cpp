#include "hio/io/hub.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "asio_core.hpp"
#include "hio/engine/check.hpp"
#include "hio/engine/doist.hpp"
#include "hio/engine/flag_scope.hpp"
#include "hio/io/log.hpp"
#include "hub_wait.hpp"
#include "serial_transport.hpp"
#include "tcp_stream.hpp"
#include "tcp_transport.hpp"
#include "udp_transport.hpp"

namespace hio {

struct IoHub::Impl {
  // Declared first so it is destroyed last (the factories refer to it).
  detail::AsioCore core;
  detail::TcpFactory tcp{core};  // tcp:// and tls://
  detail::UdpFactory udp{core};
  detail::SerialFactory serial{core};
  detail::HubWait waiting{core.context};  // wait_until(), finish_closing()
};

namespace detail {
void set_next_channel_id(IoHub& hub, std::uint32_t next) {
  hub.next_id_ = next;
}

AsioCore& asio_core(IoHub& hub) {
  return hub.impl_->core;
}
}  // namespace detail

namespace {

std::size_t scheme_index(Scheme scheme) {
  return static_cast<std::size_t>(scheme);
}

}  // namespace

IoHub::IoHub(Tymth tymth) : Tymee(tymth), impl_(std::make_unique<Impl>()) {
  watch(tymth);
}

IoHub::~IoHub() {
  HIO_CHECK(!polling_,
            "IoHub destroyed inside its own poll() or wait_until() (by an IO "
            "completion it ran); destroy it after the run");
  const Doist* doist = attached_to();
  HIO_CHECK(doist == nullptr || !doist->running_or_passing(),
            "IoHub destroyed during a run or a pass (recur()) of the Doist it is attached to "
            "(by a doer, an EventSink or an observer); its doers and SimNet would go on using "
            "it: destroy it after the run");
  // ~Reactor then detaches it from its Doist, if any; its sinks outlive it freely.
  for (EventSink* sink : sinks_)
    sink->hub_ = nullptr;
  for (Log* log : logs_)
    log->hub_ = nullptr;
  // Transports first, silently, while the event loop they use still exists.
  channels_.clear();
  // Closed streams still delivering (finish_closing was not called): a write
  // still in flight is reset, so the peer learns its data was cut, rather
  // than a FIN when the event loop goes, which it would take for the end of
  // complete data. A TCP/TLS stream that handed every byte to the kernel and
  // waits for the peer's acknowledgement closes (close(2): its FIN is
  // queued after them), as it would have without that wait. Not waited for:
  // a destructor that blocked for close_linger of wall time would surprise;
  // finish_closing is the wait.
  detail::release_lingering(impl_->core);
  // Then the factories that keep the hub (a SimNet) forget it. Only those
  // that asked: a test's or a user's factory may be destroyed before the hub.
  std::vector<TransportFactory*> told;
  told.swap(told_when_destroyed_);
  for (TransportFactory* factory : told)
    factory->hub_destroyed(*this);
}

void IoHub::tell_when_destroyed(TransportFactory& factory) {
  if (std::find(told_when_destroyed_.begin(), told_when_destroyed_.end(), &factory) ==
      told_when_destroyed_.end()) {
    told_when_destroyed_.push_back(&factory);
  }
}

void IoHub::stop_telling(TransportFactory& factory) {
  std::erase(told_when_destroyed_, &factory);
}

// ---- channels ---------------------------------------------------------------

Channel& IoHub::connect(const Address& address, ChannelOptions options) {
  return create(address, ChannelRole::connect, std::move(options));
}
Channel& IoHub::connect(std::string_view address, ChannelOptions options) {
  return connect(parse_address_or_throw(address), std::move(options));
}
Channel& IoHub::listen(const Address& address, ChannelOptions options) {
  return create(address, ChannelRole::listen, std::move(options));
}
Channel& IoHub::listen(std::string_view address, ChannelOptions options) {
  return listen(parse_address_or_throw(address), std::move(options));
}
Channel& IoHub::bind(const Address& address, ChannelOptions options) {
  return create(address, ChannelRole::bind, std::move(options));
}
Channel& IoHub::bind(std::string_view address, ChannelOptions options) {
  return bind(parse_address_or_throw(address), std::move(options));
}

TransportFactory& IoHub::factory_for(Scheme scheme) const {
  if (override_ != nullptr) return *override_;
  if (TransportFactory* factory = factories_[scheme_index(scheme)]) return *factory;
  return builtin_factory(scheme);
}

TransportFactory& IoHub::builtin_factory(Scheme scheme) const {
  switch (scheme) {
    case Scheme::tcp:
    case Scheme::tls:
      return impl_->tcp;
    case Scheme::udp:
      return impl_->udp;
    case Scheme::serial:
      return impl_->serial;
    case Scheme::sim:
    case Scheme::sim_serial:
      break;
  }
  throw std::invalid_argument(std::string("no transport for ") + to_string(scheme) +
                              ":// addresses; install a SimNet on this hub");
}

namespace {

// Options with which no channel of `role` could work, whatever its
// transport: refused here, once for all of them, so a real and a simulated
// channel refuse the same options in the same words (a scenario moves
// between them by its addresses and its [net]; docs/simulation.md lists
// what the model shows otherwise).
void refuse_impossible_options(const Address& address, ChannelRole role,
                               const ChannelOptions& options) {
  const std::string where = std::string(role == ChannelRole::connect  ? "client "
                                        : role == ChannelRole::listen ? "listener "
                                                                      : "datagram endpoint ") +
                            address.text() + ": ";
  auto refuse = [&](const std::string& what) { throw std::invalid_argument(where + what); };
  for (const auto& [name, tock] :
       {std::pair{"retry", options.retry}, std::pair{"connect_timeout", options.connect_timeout},
        std::pair{"close_linger", options.close_linger},
        std::pair{"tls.handshake_timeout", options.tls.handshake_timeout}}) {
    if (tock < Tock{0}) refuse(std::string(name) + " must be >= 0");
  }
  if (role == ChannelRole::listen && options.remotes_max == 0) refuse("remotes_max must be > 0");
  if (role != ChannelRole::bind) {
    // A stream's (or an accepted remote's) reader waits for room: with
    // none, the peer's bytes would wait for ever.
    if (options.rx_bytes_max == 0) refuse("rx_bytes_max is 0: nothing could ever be received");
    return;
  }
  if (options.datagrams_max == 0) refuse("datagrams_max is 0: no datagram could ever be queued");
  for (const auto& [name, bytes] : {std::pair{"rx_bytes_max", options.rx_bytes_max},
                                    std::pair{"tx_bytes_max", options.tx_bytes_max}}) {
    if (options.datagram_bytes_max > bytes) {
      refuse("datagram_bytes_max (" + std::to_string(options.datagram_bytes_max) + ") exceeds " +
             name + " (" + std::to_string(bytes) + "): such a datagram could never be queued");
    }
  }
}

}  // namespace

Channel& IoHub::create(const Address& address, ChannelRole role, ChannelOptions options) {
  HIO_CHECK(!emitting_, "a channel was created from inside an EventSink");
  check_clock_live("a channel for " + address.text());
  refuse_impossible_options(address, role, options);
  if (next_id_ == 0) throw std::runtime_error(ids_exhausted("no channel for " + address.text()));
  // A replay's override makes every transport: the scheme's own factory
  // (built in, or installed: a SimNet on the replay's hub) still refuses
  // what it refused in the recorded run (xsvr16 finding 9).
  if (override_ != nullptr) {
    if (const TransportFactory* own = factories_[scheme_index(address.scheme)]) {
      own->check(address, role, options);
    } else if (address.scheme != Scheme::sim && address.scheme != Scheme::sim_serial) {
      builtin_factory(address.scheme).check(address, role, options);
    }
  }
  std::unique_ptr<Transport> transport = factory_for(address.scheme).make(address, role, options);
  if (transport == nullptr) {
    throw std::logic_error(std::string("the transport factory for ") + to_string(address.scheme) +
                           ":// made no transport");
  }
  ChannelKind kind = role == ChannelRole::connect  ? ChannelKind::stream
                     : role == ChannelRole::listen ? ChannelKind::listener
                                                   : ChannelKind::datagram;
  std::string name = options.name.empty() ? address.text() : options.name;
  return add_channel(std::move(name), address, kind, std::move(options), std::move(transport),
                     role == ChannelRole::connect);
}

Channel& IoHub::add_channel(std::string name, const Address& address, ChannelKind kind,
                            ChannelOptions options, std::unique_ptr<Transport> transport,
                            bool client) {
  HIO_CHECK(next_id_ != 0, "channel ids are exhausted");
  std::uint32_t id = next_id_++;
  options.name = name;
  auto owned = std::unique_ptr<Channel>(
      new Channel(*this, id, std::move(name), address, kind, std::move(options)));
  Channel& channel = *owned;
  channels_.emplace(id, std::move(owned));
  channel.transport_ = std::move(transport);
  if (client && channel.options_.retry > Tock{0})
    channel.retry_ = RetryGrid(tymth(), channel.options_.retry);
  try {
    emit_open(channel);
  } catch (...) {
    // A sink threw on the open event: the channel is not made. Nothing knows
    // it yet and its transport never started (a half-made SimNet remote
    // would be reached later through an empty port): destroyed silently, as
    // a destroyed hub's channels are, which unlinks the transport.
    channels_.erase(id);
    throw;
  }
  channel.transport_->start(ChannelPort(channel));
  return channel;
}

std::string IoHub::ids_exhausted(std::string_view refused) {
  return "channel ids are exhausted: this hub has made 4294967295 channels, the most one run "
         "can number (ids are 32-bit and never reused); " +
         std::string(refused);
}

Channel* IoHub::find(std::uint32_t id) const {
  auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : it->second.get();
}

std::vector<std::uint32_t> IoHub::channel_ids() const {
  std::vector<std::uint32_t> ids;
  ids.reserve(channels_.size());
  for (const auto& [id, channel] : channels_)
    ids.push_back(id);
  return ids;
}

void IoHub::release(Channel& channel) {
  HIO_CHECK(!emitting_, "a channel was released from inside an EventSink");
  HIO_CHECK(find(channel.id()) == &channel,
            "release of channel #" + std::to_string(channel.id()) + " that this hub does not own");
  if (Doer* driver = channel.driver()) {
    // Its driver (a server doer, a ChannelDoer) holds it and would service
    // it after this; a driver releases what it drives itself.
    throw std::logic_error("IoHub::release: channel #" + std::to_string(channel.id()) + " '" +
                           channel.name() + "' is driven by doer '" + driver->name() +
                           "'; close() it instead (a server doer then releases it), or clear "
                           "its driver (set_driver(nullptr)) first");
  }
  if (channel.open()) channel.close("released");
  // Its destructor takes it out of a listener's queue of accepted channels.
  channels_.erase(channel.id());
}

void IoHub::set_factory(Scheme scheme, TransportFactory* factory) {
  factories_[scheme_index(scheme)] = factory;
}

TransportFactory* IoHub::factory(Scheme scheme) const {
  return factories_[scheme_index(scheme)];
}

// ---- the choke point --------------------------------------------------------

void IoHub::add_sink(EventSink& sink) {
  HIO_CHECK(!emitting_, "a sink was added from inside an EventSink");
  if (sink.hub_ != nullptr) {
    throw std::logic_error(sink.hub_ == this
                               ? "IoHub::add_sink: the sink was added to this hub already"
                               : "IoHub::add_sink: the sink is added to another hub; remove it "
                                 "there first");
  }
  sinks_.push_back(&sink);
  sink.hub_ = this;
}

void IoHub::remove_sink(EventSink& sink) {
  if (sink.hub_ != this) return;
  HIO_CHECK(!emitting_, "a sink was removed (or destroyed) from inside an EventSink");
  sinks_.erase(std::remove(sinks_.begin(), sinks_.end(), &sink), sinks_.end());
  sink.hub_ = nullptr;
}

EventSink::~EventSink() {
  if (hub_ != nullptr) hub_->remove_sink(*this);
}

void IoHub::check_clock_live(std::string_view what) const {
  if (!clock_gone_) return;
  throw std::logic_error("IoHub: " + std::string(what) +
                         " after the Doist or Tymist whose tyme the hub reads was destroyed; a hub "
                         "is used within its clock's life (make a new IoHub on the tymth() of a "
                         "live Doist or Tymist)");
}

void IoHub::emit(ChannelEvent& event) {
  HIO_CHECK(!emitting_, "an event was emitted from inside an EventSink (" +
                            std::string(to_string(event.kind)) + " on channel #" +
                            std::to_string(event.channel) + ")");
  if (clock_gone_ && polling_) {
    // An IO completion after the clock went (finish_closing, a poll() of the
    // embedder's): nothing can stamp it, and a throw would leave its handler
    // half-run and escape the event loop. The channel takes the change (rx
    // bytes, a remote close); the event is dropped, and counted.
    ++events_dropped_;
    return;
  }
  // The message is built only when it is thrown: emit is on every event's path.
  if (clock_gone_) [[unlikely]] {
    check_clock_live(std::string("an event (") + to_string(event.kind) + " on channel #" +
                     std::to_string(event.channel) + ")");
  }
  // Between a real-time run's passes the tyme is the last pass's, but what
  // comes in belongs to the next pass (or to the run's end, if a stop comes
  // first): held, and stamped when the hub is next polled.
  const Doist* doist = attached_to();
  if (doist != nullptr && doist->waiting() && !sinks_.empty()) {
    HeldEvent& held = held_.emplace_back();
    held.event = event;
    held.bytes = event.bytes;
    held.peer = event.peer;
    held.text = event.text;
    return;
  }
  release_held();
  send(event);
}

void IoHub::send(ChannelEvent& event) {
  event.tyme = tyme();
  event.seq = seq_++;
  FlagScope scope(emitting_);
  for (EventSink* sink : sinks_)
    sink->on_event(event);
}

void IoHub::release_held() {
  if (held_.empty()) return;
  // Taken first: a sink's exception leaves no half-released queue behind.
  std::vector<HeldEvent> held;
  held.swap(held_);
  for (HeldEvent& h : held) {
    h.event.bytes = h.bytes;
    h.event.peer = h.peer;
    h.event.text = h.text;
    send(h.event);
  }
}

void IoHub::emit_open(const Channel& channel) {
  std::string address = channel.address().text();
  ChannelEvent event;
  event.kind = EventKind::open;
  event.channel = channel.id();
  event.text = channel.name();
  event.peer = address;
  event.channel_kind = channel.kind();
  emit(event);
}

void IoHub::log(std::string_view record) {
  ChannelEvent event;
  event.kind = EventKind::log;
  event.text = record;
  emit(event);
}

void IoHub::noise(NoiseKey, NoiseKind kind, std::string_view bytes, std::string_view peer,
                  std::string_view detail) {
  ChannelEvent event;
  event.kind = EventKind::noise;
  event.noise = kind;
  event.bytes = bytes;
  event.peer = peer;
  event.text = detail;
  emit(event);
}

// ---- hio::Reactor -----------------------------------------------------------

namespace {

// Lookups with no thread (none could be started): a thread is tried again
// (at most every LookupWorker::kRetryEvery), and they fail after
// LookupWorker::kUnservedMax. Wall time, as the linger's: only real channels
// look names up, and no journal holds when. Returns by when a wait must end
// for the next try (the clock's end if none is needed).
std::chrono::steady_clock::time_point retry_lookups(detail::AsioCore& core) {
  using Clock = std::chrono::steady_clock;
  if (!core.lookups.unserved()) return Clock::time_point::max();
  const Clock::time_point now = Clock::now();
  core.lookups.retry(now);
  return core.lookups.unserved() ? now + detail::LookupWorker::kRetryEvery
                                 : Clock::time_point::max();
}

}  // namespace

void IoHub::poll() {
  FlagScope scope(polling_);
  const Doist* doist = attached_to();
  if (doist == nullptr) polled_by_hand_ = true;
  const bool at_pass = doist == nullptr || !doist->waiting();
  if (at_pass) release_held();
  impl_->core.context.poll();
  if (!impl_->core.lingering.empty())
    detail::expire_lingering(impl_->core, std::chrono::steady_clock::now());
  retry_lookups(impl_->core);
  if (at_pass && !undriven_.empty()) check_undriven();
}

void IoHub::watch_undriven(Channel& channel) {
  channel.undriven_watched_ = true;
  undriven_.push_back(Undriven{channel.id(), 0});
}

namespace {

// Bytes or datagrams wait in the channel's tx.
bool tx_waits(const Channel& channel) {
  return channel.kind() == ChannelKind::datagram ? channel.tx_count() > 0 : channel.tx_size() > 0;
}

}  // namespace

Tyme IoHub::next_tyme() const {
  for (const Undriven& entry : undriven_) {
    const Channel* channel = find(entry.id);
    if (channel != nullptr && channel->driver() == nullptr && !channel->serviced_ &&
        tx_waits(*channel))
      return tyme();
  }
  return kTymeNever;
}

bool IoHub::holds_past_end_of_tyme() const {
  // Asked only when a run stalls: a look at every channel is fine then.
  return std::any_of(channels_.begin(), channels_.end(),
                     [](const auto& entry) { return entry.second->retries_past_end_of_tyme(); });
}

void IoHub::check_polled(const Channel& channel) const {
  // Real IO completes only in this hub's poll() and wait_until(), which the
  // Doist it is attached to calls each pass. A doer that runs, services a
  // channel and parks waits for completions that never come: the run idled
  // to its limit with no error (a tcp:// client stuck in opening), while the
  // same program over sim:// works (the SimNet is attached by itself). A hub
  // polled by hand (a Reactor of the embedder's, an observer, a loop around
  // recur()) moves, once it has been polled before a doer needs it.
  if (attached_to() != nullptr || polled_by_hand_ || !busy()) return;
  const Doer* doer = channel.driver() != nullptr ? channel.driver() : channel.waiter();
  if (doer == nullptr || !doer->scheduled()) return;  // a channel driven by hand
  throw std::logic_error(
      "IoHub: channel #" + std::to_string(channel.id()) + " '" + channel.name() +
      "' is serviced in a run (doer '" + doer->name() + "' " +
      (doer == channel.driver() ? "drives" : "waits on") +
      " it), but its hub is attached to no Doist and was never polled: its real IO in flight (" +
      impl_->core.pending.describe() +
      ") would never complete and the run would idle to its end. "
      "Call doist.attach(io) before the run (a hub you poll yourself: io.poll() before its "
      "doers first run)");
}

void IoHub::check_undriven() {
  // Only transports move tx, and only when a doer services the channel (its
  // driver). Bytes written to a channel nothing has ever serviced wait until
  // something does: said once, when they have waited a whole pass (two
  // polls) with no service(). A channel serviced once is a doer's, whatever
  // its tock (it may service it every 10 passes): never noted.
  std::vector<Undriven> watched;
  watched.swap(undriven_);
  for (Undriven& entry : watched) {
    Channel* channel = find(entry.id);
    if (channel == nullptr) continue;
    // Driven now, serviced by a doer of its own, or nothing waits: watched
    // again if written to while still undriven and never serviced.
    if (channel->driver() != nullptr || channel->serviced_ || !tx_waits(*channel)) {
      channel->undriven_watched_ = false;
      continue;
    }
    if (++entry.polls >= 2) {
      const std::string what = channel->kind() == ChannelKind::datagram
                                   ? std::to_string(channel->tx_count()) + " datagrams"
                                   : std::to_string(channel->tx_size()) + " bytes";
      const std::string note = "channel #" + std::to_string(entry.id) + " '" + channel->name() +
                               "': " + what +
                               " wait in tx and no doer drives or has serviced the channel: "
                               "they are not sent until one does (give it a ChannelDoer, or a "
                               "doer that is its driver and calls service())";
      log(format_record(tyme(), LogLevel::warn, "hub", note));
      continue;  // said once: stays watched, so never again
    }
    undriven_.push_back(entry);
  }
}

void IoHub::wait_until(std::chrono::steady_clock::time_point deadline) {
  FlagScope scope(polling_);
  if (attached_to() == nullptr) polled_by_hand_ = true;
  // A lookup waiting for a thread is tried again during a real-time run's
  // waits too, not only at its passes (a tock of 1 s tried once a second,
  // and failed it up to a tock late): the wait ends by the next try, which
  // the Reactor contract allows (the Doist waits again).
  deadline = std::min(deadline, retry_lookups(impl_->core));
  impl_->waiting.wait_until(deadline, stop_wakes());
  retry_lookups(impl_->core);
}

bool IoHub::busy() const {
  return impl_->core.pending.total() > 0;
}

void IoHub::check_clock(const Doist& doist) const {
  require_clock_of(doist, "Doist::attach");
}

void IoHub::require_clock_of(const Doist& doist, std::string_view caller) const {
  if (clock_gone_) {
    throw std::logic_error(
        std::string(caller) +
        ": this IoHub read the tyme of a Doist or Tymist that was destroyed; a hub "
        "keeps the clock it was made on: make a new IoHub with this Doist's "
        "tymth()");
  }
  if (tymth() == doist.tymth()) return;
  throw std::logic_error(std::string(caller) + ": this IoHub " +
                         (tymth().bound() ? "reads another clock (made on the tymth() of another "
                                            "Doist or Tymist)"
                                          : "reads no clock (made without a tymth)") +
                         ", so its events would not carry this Doist's tyme; make it with "
                         "IoHub(doist.tymth()) of the Doist that runs it");
}

void IoHub::tymist_destroyed() noexcept {
  // Nothing may read the freed tyme: the hub and its channels' retry timers
  // read none from now on, and what would stamp an event is refused.
  clock_gone_ = true;
  wind(Tymth{});
  for (auto& [id, channel] : channels_)
    channel->retry_.wind(Tymth{});
}

void IoHub::wind(Tymth tymth) {
  Tymee::wind(tymth);
  watch(tymth);
}

std::vector<IoHub::DroppedDatagrams> IoHub::dropped_datagrams() const {
  std::vector<DroppedDatagrams> dropped;
  for (const auto& [id, drops] : impl_->core.datagram_drops) {
    std::uint64_t datagrams = drops.closed;
    if (const std::shared_ptr<detail::DropCounting> open = drops.open.lock())
      datagrams += open->kernel_drops();
    if (datagrams > 0) dropped.push_back({id, drops.name, drops.local, datagrams});
  }
  return dropped;
}

std::size_t IoHub::closing() const {
  std::size_t n = 0;
  for (const detail::Lingering& entry : impl_->core.lingering) {
    const std::shared_ptr<detail::Draining> stream = entry.stream.lock();
    if (stream && stream->draining()) ++n;
  }
  return n;
}

std::size_t IoHub::finish_closing(const std::function<bool()>& stop) {
  HIO_CHECK(!polling_, "IoHub::finish_closing called from one of its own completions");
  const Doist* doist = attached_to();
  HIO_CHECK(doist == nullptr || !doist->running_or_passing(),
            "IoHub::finish_closing called during a run of the Doist it is attached to");
  using Clock = std::chrono::steady_clock;
  constexpr Clock::duration kAskEvery = std::chrono::milliseconds(20);
  detail::AsioCore& core = impl_->core;
  FlagScope scope(polling_);
  std::size_t reset = 0;
  for (;;) {
    core.context.poll();
    reset += detail::expire_lingering(core, Clock::now());
    if (core.lingering.empty()) return reset;
    if (stop && stop()) {
      reset += detail::abort_lingering(core);
      core.context.poll();  // the aborted writes' handlers end
      return reset;
    }
    Clock::time_point wake = Clock::now() + kAskEvery;
    for (const detail::Lingering& entry : core.lingering)
      wake = std::min(wake, entry.due);
    // Not core.context.run_one_until(wake): it rounds the wait up to whole
    // milliseconds (as the passes' waits did), so a linger ended up to 1 ms
    // late. The passes' wait, to the timer's resolution.
    impl_->waiting.run_one_until(wake);
  }
}

}  // namespace hio
