// The replay's feed (Replayer::Feed): the journal walked pass by pass, its
// recorded inputs delivered to the replay transports, the doers' events
// compared with it, and noise on replay. Private to hio::replay.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "datagram_diff.hpp"
#include "first_fit_queue.hpp"
#include "held_rx.hpp"
#include "hio/io/ip_text.hpp"
#include "hio/replay/replayer.hpp"
#include "hio/replay/writer.hpp"
#include "stream_tx.hpp"

namespace hio::replay {

class ReplayTransport;

// A text quoted and escaped as inspect does (replay_text.cpp).
std::string quoted_text(std::string_view text);

// For OwnedEvent and ChannelEvent alike.
template <class Event>
bool is_input(const Event& e) {
  switch (e.kind) {
    case EventKind::connect:
    case EventKind::accept:
    case EventKind::rx:
    case EventKind::rx_end:
    case EventKind::error:
    case EventKind::noise:
      return true;
    case EventKind::close:
      return e.who == CloseWho::remote;
    case EventKind::open:
    case EventKind::tx:
    case EventKind::log:
      return false;
  }
  return false;
}

// A decision of the simulated network that no channel was left to carry
// (IoHub::noise): an input that belongs to no channel.
inline bool is_net_noise(const OwnedEvent& e) {
  return e.kind == EventKind::noise && e.channel == 0;
}

// A recorded rx held back by noise (delay, reorder).
struct Held {
  std::uint32_t channel = 0;
  std::string bytes;
  std::string peer;
  std::uint64_t arrival = 0;  // its place among the channel's recorded rx (1, 2, ...)
  Tyme due{};                 // not delivered before
  Tyme recorded{};            // its recorded tyme
};

// What the noise does to one recorded rx. Drawn from each kind's stream
// (Feed::decide_rx_noise) when the feed reaches the rx, in recorded order,
// whatever then happens to it (it waits for room, its channel is gone, a drop
// loses it), and acted on when it is delivered: so one kind never moves
// another kind's decisions to other rx.
struct RxNoise {
  bool dropped = false;
  bool duplicated = false;
  bool reordered = false;
  std::optional<std::pair<std::size_t, int>> flip;  // corrupt: the byte and its bit
  Tock delayed{0};
};

// A noise replay's recorded inputs of one channel held up behind an rx that
// does not fit its full rx buffer, in recorded order, and their rx bytes.
struct Stalled {
  std::deque<OwnedEvent> inputs;
  std::size_t bytes = 0;    // of the rx that take room (not the dropped ones)
  std::size_t dropped = 0;  // rx in `inputs` that noise drops (Feed::drop_behind_room_wait)
  // Per rx in `inputs`, in order: its noise, decided when the feed reached it.
  std::deque<RxNoise> rx_noise;
  // Per network decision in `inputs`, in order: the channel's recorded sends
  // read up to it (Feed::sends_read), which the doers' must reach first.
  std::deque<std::uint64_t> sends_before;
};

// A noise replay's stream end (rx_end, remote close, error) waiting for the
// rx noise holds on its channel: once the last of them is delivered, each
// event follows it as far after as it followed that rx in the recording
// (`shift`: how late that rx came).
struct Deferred {
  std::deque<OwnedEvent> events;
  std::optional<Tock> shift;  // set when the channel's held rx are all delivered
  Tyme due() const { return tyme_after(events.front().tyme, *shift); }
};

// A noise replay's tx of one datagram channel: the recorded datagrams and the
// replay's, not yet compared. Counted by `diff` (the fewest differences:
// datagram_diff.hpp). The pairing of session 28 still runs beside it on the
// same datagrams (`expected`, `actual`): what it has settled of the recorded
// ones (expected_settled) paces the network's decisions that wait for the
// doers' send (tx_owed), which shapes what a noise replay records; counted
// the new way, it would change that.
struct DatagramTx {
  explicit DatagramTx(std::size_t kept_bytes) : diff(kept_bytes) {}
  using Sent = std::shared_ptr<const detail::SentDatagram>;
  std::deque<Sent> expected;
  std::deque<Sent> actual;
  std::size_t expected_bytes = 0;  // of the datagrams kept, for the bound
  std::size_t actual_bytes = 0;
  std::uint64_t expected_read = 0;     // recorded datagrams read so far
  std::uint64_t expected_settled = 0;  // of them, paired (or found missing)
  detail::DatagramDiff diff;
};

// Per channel, what noise holds of it.
struct ChannelNoise {
  std::uint64_t arrivals = 0;  // recorded rx that reached the noise model
  std::size_t held = 0;        // of them, held (timed or waiting)
  Tyme last_due{};             // a stream's: the latest due of its held chunks
  // The recorded rx bytes of the channel in the pass `rx_pass` (the latest
  // reached), and the most of any pass so far: for stalled_bound.
  Tyme rx_pass{};
  std::size_t rx_pass_bytes = 0;
  std::size_t rx_pass_max = 0;
};

// What the recording says of one of its channels (from its events, as read).
struct RecordedChannel {
  std::string name;  // its open's
  ChannelKind kind = ChannelKind::stream;
  bool live = false;     // opened (or reopened), not closed or failed since
  bool opening = false;  // opened, not connected yet (an error then fails it)
};

// How far a channel is from being finished with (Feed::finish_state).
enum class Finish : std::uint8_t {
  not_ended,  // open on a side, or kept until the end: not a candidate now
  waiting,    // ended on both sides; something of it is still due
  done,       // nothing of it can change a result any more: forget it
};

struct Replayer::Feed final : public TransportFactory, public TymistWatcher {
  Feed(const std::string& path, ReplayOptions opts)
      : reader(path, opts.reader),
        options(std::move(opts)),
        noisy(!options.noise.empty()),
        drop(options.noise_seed, kNoiseStreamDrop),
        dup(options.noise_seed, kNoiseStreamDup),
        corrupt(options.noise_seed, kNoiseStreamCorrupt),
        reorder(options.noise_seed, kNoiseStreamReorder),
        delay(options.noise_seed, kNoiseStreamDelay) {
    // Where the trailer starts if no pass frame comes before it.
    trailer_offset = reader.valid_bytes();
  }
  ~Feed() override;

  // ---- TransportFactory ----
  std::unique_ptr<Transport> make(const Address&, ChannelRole, const ChannelOptions&) override;
  // The hub went first (it tells us: attach asked it to): the Replayer
  // touches it no more (its override, sink and telling died with it).
  void hub_destroyed(IoHub&) noexcept override { hub_gone = true; }
  // The hub it is attached to, while that lives: to undo the attachment.
  IoHub* live_hub() const { return hub_gone ? nullptr : hub; }

  // ---- the walk over the recorded stream ----
  void fill(Tyme upto);
  // The one place frames are read (fill, and the final checks reading on
  // without keeping): what the end and the trailer's check need is noted here.
  const FrameView* read_frame();
  void read_ahead();
  void pop();
  void retire();
  // Forgets the per-channel state of the channels finished with (in
  // `finishing`, those ended on both sides with nothing of theirs due), so
  // that memory follows the channels open at once, not all the journal's.
  void forget_finished();
  Finish finish_state(std::uint32_t id, const std::set<std::uint32_t>& queued) const;
  void forget(std::uint32_t id);
  void tally_channel(std::uint32_t id, NoiseStats& into);
  // What comparing a stream channel's tx found: its mismatches, the first.
  void note_stream_settled(std::uint32_t channel, const detail::StreamTx::Settled& settled);
  std::size_t channels_kept() const;
  bool none() const { return head == queue.size(); }
  OwnedEvent& front() { return queue[head]; }
  // The next recorded event is due by `now`: the exit's events only once
  // the run closes (closing) - a run that ended at its last pass's tyme
  // (end_at_pass) has them at that pass's tyme, after the pass - unless the
  // replay runs past the recorded end (overrun): then the exit's inputs (what
  // a real-time capture received while it waited out its last tock) come at
  // their recorded tyme as any other, and the doers run on after them.
  // An accept only once a pass has begun (polled): a recorded run accepts
  // in a pass (transports accept in their service, never while the doers are
  // built), so its accepted channels are not in its header's table, which
  // the Journal takes as the first pass starts. Delivered during the build
  // (a channel's start pumps), they would be in the replay's.
  bool due(Tyme now) {
    if (none() || front().tyme > now) return false;
    if (front().kind == EventKind::accept && !polled) return false;
    return closing || overrunning() || !exit_seq || front().seq < *exit_seq;
  }
  bool overrunning() const {
    return noisy && (options.overrun.value_or(Tock{0}) > Tock{0} || ran_on > Tock{0});
  }
  // Noise: at the last pass before the recorded end (of a run that ended by
  // itself or by a signal; ReplayOptions::overrun not set), the rx its delay
  // holds back then, and the inputs recorded at the end tyme, would be cut
  // off: moves the end on until they are due, at most the longest delay and
  // a tock past the recorded end (ran_on says how far).
  void run_on(Tyme tyme);
  void pump();

  // ---- the Doist ----
  // Watched from attach on (TymistWatcher): once it is destroyed, `doist` is
  // nullptr and its last tyme stands in for it (finish() after it went).
  void watch_doist(Doist& d) {
    doist = &d;
    clock = d.tymth();
    watch(clock);
  }
  void tymist_destroyed() noexcept override {
    gone_tyme = clock();  // its Tymist is still whole now, not the rest of it
    clock = Tymth{};
    doist = nullptr;
    doist_gone = true;
  }
  Tyme tyme_now() const { return doist != nullptr ? doist->tyme() : gone_tyme; }
  // Nominal passes: the Doist's, or (gone) its last tyme in tocks, which is
  // what its passes() said: a replay's Doist runs from tyme 0 at the
  // journal's tock.
  std::uint64_t passes() const { return doist != nullptr ? doist->passes() : pass_of(gone_tyme); }
  void pump_strict(Tyme now);
  // At a pass's start: wakes the driver of each channel the recording took tx
  // from in this pass, as the recorded run's transport did.
  void wake_senders(Tyme now);
  void pump_noisy(Tyme now);
  bool take_recorded_tx(const OwnedEvent& e);
  // Delivers a recorded input (rx without noise); false if it cannot be now.
  bool deliver_input(const OwnedEvent& e);
  std::string undeliverable_reason(const OwnedEvent& e) const;
  // Strict: why the recorded input `e` is one the doers' channel, with its
  // limits, could not have received (an accept beyond remotes_max, a
  // datagram over datagram_bytes_max: a --scenario that lowers them), or
  // nothing. Such a replay diverges there (input not deliverable).
  std::optional<std::string> beyond_limits(const OwnedEvent& e) const;
  // Strict: counts the accepted remotes alive per listener from the
  // replay's events (an accept; a close or failure of an accepted channel).
  void note_remote_ends(const ChannelEvent& e);
  bool deliver_rx(Channel& c, ChannelPort port, std::string_view bytes, std::string_view peer);
  bool noisy_rx(const OwnedEvent& e, const RxNoise& noise, Tyme now);
  // Noise: draws every kind's decision about the recorded rx `e`, one from
  // each stream (and corrupt's byte and bit): called once per recorded rx,
  // as the feed reaches it, whatever happens to the rx then.
  RxNoise decide_rx_noise(const OwnedEvent& e);
  // Noise: one recorded input of a channel the doers have made; false when
  // it is an rx that does not fit the channel's rx yet, or the network's
  // decision about a send the doers have not made yet. `noise`: an rx's
  // (decide_rx_noise); `sends_before`: a decision's, see Stalled.
  bool noisy_input(const OwnedEvent& e, const RxNoise& noise, Tyme now, std::uint64_t sends_before);
  // Noise: queues a recorded input of a channel (an rx with its `noise`) in
  // `stalled`, or drops it (undelivered, and journaled as a drop) past
  // stalled_bound.
  void stall(Stalled& waiting_inputs, const OwnedEvent& e, const RxNoise& noise = {});
  // Noise: once `waiting_inputs` waits for room (its first, an rx, does not
  // fit), the rx behind it that noise drops are dropped now, in their order:
  // a dropped rx takes no room, so it never waits for room.
  void drop_behind_room_wait(Stalled& waiting_inputs, Tyme now);
  // Noise: a recorded rx of `e.channel` reached the feed (for stalled_bound).
  void note_recorded_rx(const OwnedEvent& e);
  // Noise: the most rx bytes kept waiting behind the full rx of `channel`:
  // what it can have in flight when its doers read as recorded (its rx
  // buffer, and the recorded rx of the passes a delay spans and one more)
  // and options.noise_stalled_kept_bytes beyond.
  std::size_t stalled_bound(std::uint32_t channel) const;
  // Noise: delivers what waits in `stalled`, each channel as far as its rx
  // has room.
  void release_stalled(Tyme now);
  // Noise: the first of `channel`'s waiting inputs is the network's decision
  // about a send its doers have not made yet in this pass (tx_owed).
  bool waits_for_send(std::uint32_t channel, const Stalled& waiting_inputs, Tyme now) const;
  // Noise: holds `held` back until its due (a stream's chunk, `stream`,
  // behind the channel's chunks held before it).
  void hold(Held held, bool stream);
  void release_held(Tyme now);
  // Noise: the doers close `port`'s channel while rx of it waits (behind its
  // full rx, or held back by delay or reorder) and its stream ends wait for
  // them: each rx is journaled as a drop on the channel, before its close,
  // and counted undelivered with the ends. (At the recorded end, where the
  // doers' exit closes every channel, and after a stop, what is held is
  // counted by final_checks, as before.)
  void drop_pending_rx(ChannelPort port);
  // Noise: a stream's end (rx_end, a remote close, an error) waits for the
  // rx noise holds back on its channel, and is delivered right after it.
  bool ends_stream(const OwnedEvent& e) const {
    const bool ending = e.kind == EventKind::rx_end || e.kind == EventKind::error ||
                        (e.kind == EventKind::close && e.who == CloseWho::remote);
    return ending && kind_of(e.channel) == ChannelKind::stream;
  }
  // The last held rx of `channel` (recorded at `recorded`) was delivered
  // (or lost) now: its deferred end follows, shifted as that rx was.
  void release_deferred(std::uint32_t channel, Tyme recorded, Tyme now);
  void deliver_deferred(Tyme now);
  // An rx of `channel` that arrived `arrival`-th was delivered: the reordered
  // rx that arrived before it and wait for it follow it now.
  void delivered(std::uint32_t channel, std::uint64_t arrival, Tyme now);
  // Noise: compares a stream channel's tx with the recorded tx (after one
  // side grew: `recorded` or the doers'), and counts where they part.
  void settle_tx(std::uint32_t channel, bool recorded, std::string_view bytes);
  // Noise: a datagram channel's tx, compared datagram by datagram; at the
  // end (`final`) what cannot be paired any more is missing or extra.
  void settle_datagrams(std::uint32_t channel, bool final, NoiseStats& into);
  // Noise: moves `d`'s expected_settled as session 28's pairing did (DatagramTx).
  void pace_datagrams(DatagramTx& d, bool final);
  void record_tx(std::uint32_t channel, bool recorded, const ChannelEvent& e);
  void note_tx_mismatch(std::uint32_t channel, std::string_view expected,
                        std::string_view expected_peer, std::string_view actual,
                        std::string_view actual_peer, std::uint64_t offset);
  // The first place the tx differed (NoiseStats::first_tx_mismatch), kept if
  // none is yet: both sides (their bytes or peer differ), or only the
  // recording's (a datagram the doers did not send: "missing") or only the
  // doers' ("extra").
  struct TxSide {
    std::string_view bytes;
    std::string_view peer;
    // When it was sent (a datagram missing or extra), or nothing: the pass
    // running now (a mismatch found as the later side came).
    std::optional<Tyme> tyme = std::nullopt;
  };
  void note_first_tx(std::uint32_t channel, std::optional<TxSide> expected,
                     std::optional<TxSide> actual, std::uint64_t offset);
  // Noise: the tx bytes a close or error discarded unsent, of the recording
  // or of the replay. A stream's are the end of what its doers wrote, compared
  // with the rest of its tx (settle_tx): bytes the tx credit held back until
  // the close pair with the recording's bytes, once, as if sent.
  void note_unsent(const ChannelEvent& e, bool recorded);
  // Noise: how far the recorded sends on `channel` have been read (a
  // stream's bytes, a channel's datagrams).
  std::uint64_t sends_read(std::uint32_t channel) const {
    auto streams = tx.find(channel);
    if (streams != tx.end()) return streams->second.expected_end();
    auto datagrams = datagram_tx.find(channel);
    return datagrams != datagram_tx.end() ? datagrams->second.expected_read : 0;
  }
  // Noise: a recorded tx of this pass on `channel`, among the first
  // `sends_before` read (sends_read), the doers have not sent yet. Only
  // those: the recorded sends read after a decision do not hold it back.
  bool tx_owed(std::uint32_t channel, Tyme now, std::uint64_t sends_before) const {
    if (draining) return false;
    auto at = tx_recorded_at.find(channel);
    if (at == tx_recorded_at.end() || at->second != now) return false;
    auto streams = tx.find(channel);
    if (streams != tx.end()) return streams->second.actual_end() < sends_before;
    auto datagrams = datagram_tx.find(channel);
    return datagrams != datagram_tx.end() && datagrams->second.expected_settled < sends_before;
  }
  void strict_event(const ChannelEvent& actual);
  void pass_end(Tyme tyme);
  Tyme next_due();
  void final_checks();
  void note_tx_left(Tyme tyme);
  // The replay's stream channel `id` failed to open and keeps what was
  // written to it for its next attempt (io.md).
  bool tx_kept_by_failed_open(std::uint32_t id) const {
    const Channel* c = hub != nullptr ? hub->find(id) : nullptr;
    return c != nullptr && c->kind() == ChannelKind::stream && c->state() == ChannelState::failed &&
           c->tx_size() > 0;
  }
  void earlier_extra_tx(bool bounded);
  void diverge(DivergenceKind kind, const OwnedEvent* expected, const ChannelEvent* actual,
               std::string field, std::string detail = {});
  ReplayDivergence make_divergence(DivergenceKind kind, const OwnedEvent* expected,
                                   const ChannelEvent* actual, std::string field,
                                   std::string detail);
  std::uint64_t pass_of(Tyme tyme) const { return pass_number(tyme, header_tock); }
  ReplayTransport* transport(std::uint32_t id) const {
    auto it = transports.find(id);
    return it == transports.end() ? nullptr : it->second;
  }
  // The kind of the replay's channel `id` (events carry it on `open` only);
  // a channel is in the hub while its events are emitted, its close included.
  ChannelKind kind_of(std::uint32_t id) const {
    const Channel* c = hub != nullptr ? hub->find(id) : nullptr;
    return c != nullptr ? c->kind() : ChannelKind::stream;
  }
  ChannelKind kind_of_recorded(std::uint32_t id) const {
    auto it = recorded_channels.find(id);
    return it == recorded_channels.end() ? ChannelKind::stream : it->second.kind;
  }
  bool reader_done() { return reader.peek() == nullptr; }
  // Local addresses of the recorded channels (their connect's, the first
  // channel of each) and the peers they talked to (at most kPeersKept
  // pairs), for ReplayResult::doers_on_both_ends: some channel's peer is
  // another channel's local address, while both are kept. A channel's are
  // forgotten with it (forget_addresses), so what is kept follows the
  // channels open at once: the two ends of a connection, or two datagram
  // channels that talk, are open at the same time. Once it holds, nothing
  // more is kept.
  static constexpr std::size_t kPeersKept = 4096;
  void note_addresses(const ChannelEvent& e) {
    if (both_ends) return;
    if (e.kind == EventKind::connect && !e.text.empty()) note_local(e.text, e.channel);
    const bool talks =
        e.kind == EventKind::connect || e.kind == EventKind::tx || e.kind == EventKind::rx;
    if (talks && !e.peer.empty() && peers.size() < kPeersKept) note_peer(e.peer, e.channel);
    if (both_ends) {
      locals.clear();
      peers.clear();
      local_of.clear();
      peers_of.clear();
    }
  }
  // The peers noted at `address`: [first, last).
  auto peers_at(const std::string_view address) const {
    const std::string key(address);
    return std::pair{peers.lower_bound(std::pair{key, std::uint32_t{0}}),
                     peers.upper_bound(std::pair{key, ~std::uint32_t{0}})};
  }
  // Addresses are compared canonical, and a peer on the loopback reaches
  // the wildcards that cover it (endpoints_reached): over [::] the accepted
  // end records "[::ffff:127.0.0.1]:P" where the client wrote
  // "127.0.0.1:P", and a datagram channel bound at "0.0.0.0:P" is sent to
  // at any of 127.0.0.0/8 ("127.0.0.5:P"), one bound at "[::]:P" at "[::1]:P"
  // too. A peer is kept under each endpoint it reaches; a local address
  // under its own.
  void note_local(std::string_view address, std::uint32_t channel) {
    std::string key = canonical_endpoint(address);
    if (locals.find(key) != locals.end()) return;  // the first channel's
    const auto [first, last] = peers_at(key);
    for (auto it = first; it != last; ++it)
      if (it->second != channel) both_ends = true;
    local_of.emplace(channel, key);
    locals.emplace(std::move(key), channel);
  }
  void note_peer(std::string_view address, std::uint32_t channel) {
    for (std::string& key : endpoints_reached(address)) {
      if (!peers.emplace(key, channel).second) continue;
      auto it = locals.find(key);
      if (it != locals.end() && it->second != channel) both_ends = true;
      peers_of.emplace(channel, std::move(key));
    }
  }
  // A channel finished with: its local address and the peers it talked to.
  void forget_addresses(std::uint32_t channel) {
    for (auto local = local_of.lower_bound(std::pair{channel, std::string()});
         local != local_of.end() && local->first == channel;) {
      if (auto it = locals.find(local->second); it != locals.end() && it->second == channel)
        locals.erase(it);
      local = local_of.erase(local);
    }
    for (auto it = peers_of.lower_bound(std::pair{channel, std::string()});
         it != peers_of.end() && it->first == channel;) {
      peers.erase(std::pair{it->second, channel});
      it = peers_of.erase(it);
    }
  }
  // The recorded run ended with an exception (trailer end=error, trusted):
  // its trailer. Known once the reader is done.
  const JournalTrailer* recorded_error() {
    if (!end_known() || !end_recorded) return nullptr;
    const JournalTrailer* t = reader.trailer();
    return t != nullptr && ended_by_exception(*t) ? t : nullptr;
  }
  // The recorded run was ended by hio's own failure (trailer end=error,
  // ended_by_hio_failure, trusted): its trailer, unless the replay runs past
  // the recorded end (overrun). Known once the reader is done.
  const JournalTrailer* recorded_hio_failure() {
    if (!end_known() || !end_recorded || overrunning()) return nullptr;
    const JournalTrailer* t = reader.trailer();
    return t != nullptr && ended_by_hio_failure(*t) ? t : nullptr;
  }
  // The recorded run ended with the doers' exception `what` at tyme `at`:
  // the replay's doers throwing it there reproduce that end.
  bool recorded_thrown(std::string_view what, Tyme at);
  void compare_thrown();
  Tyme end_tyme();
  // end_tyme() is known (and end_recorded set): the reader is done. Not
  // end_tyme() != kTymeNever, which stands for "not yet" before that and
  // is a real end after (a run whose tick saturated at the end of tyme).
  bool end_known() {
    if (!reader_done()) return false;
    end_tyme();
    return true;
  }
  // The recorded run's last pass: one tock before its end, or at it.
  Tyme last_pass();
  std::optional<Tyme> trusted_end();

  JournalReader reader;
  ReplayOptions options;
  bool noisy;
  Tock header_tock{1};
  Doist* doist = nullptr;  // from attach until it is destroyed (tymist_destroyed)
  Tymth clock;             // the Doist's, as long as it lives
  bool doist_gone = false;
  Tyme gone_tyme{};  // its tyme as it was destroyed
  IoHub* hub = nullptr;
  bool hub_gone = false;    // hub_destroyed
  bool overriding = false;  // the hub's override is this feed (attach until finish)
  bool attached = false;
  bool pumping = false;
  bool ended = false;  // the recorded run's end tyme was reached
  // A signal, the Doist's limit or the failure of the replay's own journal
  // (output_failed: Replayer::on_event, finish) stopped the run before the
  // recorded end: what the doers do as they close, and what the journal
  // holds after, is not compared.
  bool stopped_early = false;
  // The writer of the replay's own journal (Replayer::watch_output), if any.
  const JournalWriter* output = nullptr;
  bool output_failed() const { return output != nullptr && output->failed(); }
  std::map<std::uint32_t, ReplayTransport*> transports;
  std::deque<OwnedEvent> queue;  // recorded events read, not yet matched or delivered
  std::size_t head = 0;          // queue[head] is the next event; those before it are retired
  std::uint64_t consumed = 0;
  std::optional<Tyme> last_recorded_tyme;
  // The journal's events in the frames taken (read_frame), and in those
  // before last_recorded_tyme: a replay stopped early reports the recorded
  // events before its stop, not the pass read ahead past it (nor a frame
  // the reader loaded to peek at; ReplayResult::recorded_before_stop).
  struct Taken {
    std::uint64_t events = 0;
    std::uint64_t digest = EventDigest{}.value();
  };
  Taken taken;
  Taken taken_before_last_tyme;
  // What the frames read say about an exit, for a journal whose end is not
  // known (end_tyme): whether the last frame is marked as the run's exit; in
  // a journal that does not mark exits (older ones), the channels still open
  // after them, and whether the last recorded pass made no output but local
  // closes (at least one).
  bool last_frame_exit = false;
  std::optional<Tyme> last_pass_tyme;     // of the last frame that is not the exit's
  std::optional<std::uint64_t> exit_seq;  // the first recorded event of the exit
  // (Kept for journals that do not mark their exit only: end_tyme's guess.)
  // A channel forgotten while in it (it failed: no close was recorded) is
  // counted instead, so the set follows the channels open at once.
  std::set<std::uint32_t> recorded_open;
  std::uint64_t recorded_open_forgotten = 0;
  bool last_pass_closes = false;
  bool last_pass_outputs = false;
  std::uint64_t trailer_offset = 0;  // where the frame after the last pass frame read starts
  std::optional<Tyme> end;           // when the replay ends, once the reader is done
  Tock ran_on{0};                    // run_on moved `end` this far past the recorded end
  bool end_recorded = false;         // end is the recorded run's (not after its last pass)
  // The recorded run's last pass is at `end` (a stop cut its tock short:
  // JournalTrailer::ended_at_pass), not one tock before it.
  bool end_at_pass = false;
  // The trailer was read intact but cannot be true (its end tyme): reported as
  // the journal's damage, and the replay ends after the last recorded pass.
  std::optional<JournalError> trailer_error;
  Tyme next_tyme = kTymeNever;  // Reactor::next_tyme, as of the last pass's end
  // Per channel, what its recorded events said (open, connect, close, error).
  std::map<std::uint32_t, RecordedChannel> recorded_channels;
  std::uint32_t recorded_max = 0;  // the highest channel id a recorded open had
  std::uint32_t replay_max = 0;    // the highest id of a channel the replay made
  // Channels that ended on one side (the replay released it, or a recorded
  // close or error was handled) since forget_finished last looked, and those
  // ended on both with something still due: forget_finished's candidates.
  std::set<std::uint32_t> finishing;
  // A noise replay's tallies of the channels it has finished with (their
  // state forgotten, Feed::forget; tally_channel's fields only): added to
  // the stats at the end (final_checks), as their state would have been.
  NoiseStats retired;
  std::map<std::string, std::uint32_t, std::less<>> locals;  // note_addresses
  std::set<std::pair<std::uint32_t, std::string>> local_of;  // (channel, its key in locals)
  std::set<std::pair<std::string, std::uint32_t>> peers;     // (peer, channel)
  std::set<std::pair<std::uint32_t, std::string>> peers_of;  // (channel, peer): forget_addresses
  bool both_ends = false;                                    // doers_on_both_ends
  std::map<std::uint32_t, std::uint64_t> tx_matched;         // strict: tx bytes matched so far
  // strict: per channel, what its tx held at the end of the first pass since
  // the last recorded tx that left it unsent (a tx event at that pass's tyme).
  std::map<std::uint32_t, OwnedEvent> tx_left;
  // strict: of those, the streams whose attempt to open failed, keeping them
  // for a next attempt: a release ends them unsent, on no record in either
  // run (their tx_left is dropped then).
  std::set<std::uint32_t> tx_kept;
  EventDigest digest;
  std::optional<ReplayDivergence> divergence;
  // The replay's doers threw (Replayer::threw): the text and the pass's tyme.
  std::optional<std::string> thrown;
  Tyme thrown_at{};
  // That exception was a std::bad_alloc (ReplayResult::out_of_memory).
  bool thrown_out_of_memory = false;
  // The last std::bad_alloc of the replayer's own allocations
  // (Replayer::own_out_of_memory): the journal reader's, the comparisons',
  // in one of its entry points (guarded). They run inside the doers'
  // passes, where a std::bad_alloc cannot tell whose it was. The exception
  // itself, not a mark: a doer that catches it and goes on may later run
  // out of memory itself, which is then the doers' (the replayer's stays
  // alive here, so no later exception can take its place).
  std::exception_ptr own_bad_alloc;
  // Runs `work`, an entry point's (the Doist's, the hub's, a transport's
  // call): a std::bad_alloc out of it is the replayer's own, kept so and
  // thrown on.
  template <class Work>
  decltype(auto) guarded(Work&& work) {
    try {
      return work();
    } catch (const std::bad_alloc&) {
      own_bad_alloc = std::current_exception();
      throw;
    }
  }
  // noise
  RandomStream drop, dup, corrupt, reorder, delay;
  // Held rx by (due ns, order): every held datagram, and of each stream
  // channel only its first held chunk (the next it delivers); the chunks
  // behind it wait in held_behind, in order. A stream's held chunks are
  // delivered in order, their keys ascending (hold), so the first stands for
  // them all: while it does not fit rx, release_held passes over one entry
  // of its channel per pass, not its whole backlog (which grows with a run
  // whose reader is slower than dup and delay make its input).
  // Each channel's are indexed too (HeldRx), for its close.
  using HeldKey = std::pair<std::int64_t, std::uint64_t>;
  HeldRx<HeldKey, Held> held;
  using HeldAt = HeldRx<HeldKey, Held>::iterator;
  // Per stream channel with a chunk in `held`: the chunks behind it.
  std::map<std::uint32_t, std::deque<std::pair<HeldKey, Held>>> held_behind;
  std::uint64_t held_looked_at = 0;   // Replayer::noise_held_looked_at
  std::uint64_t close_looked_at = 0;  // Replayer::noise_close_looked_at
  // Per datagram channel whose held datagrams found no room in its rx when
  // due (a reader slower than dup and delay make its input): the first of
  // them, `blocker`, stays in `held` and stands for the others, which wait in
  // `behind` in key order (each held later than every one before it). When
  // the blocker finds no room, the first of them that fits the channel's rx
  // (a smaller one may) is taken out as the `candidate` and put in `held` at
  // its key, so deliveries keep their order among the channels; once it is
  // delivered, the next that fits; one that finds no room after all (rx
  // filled meanwhile) goes back in its place. Those that do not fit are
  // passed over by FirstFitQueue, never looked at: looking at each one every
  // pass, a backlog that grows with the run made the work grow as its
  // square (of one size, session 17; of mixed sizes, the big ones ahead of
  // the first that fits, session 18).
  struct RoomWait {
    HeldKey blocker{};
    FirstFitQueue<std::pair<HeldKey, Held>> behind{};
    std::optional<HeldKey> candidate{};
  };
  std::map<std::uint32_t, RoomWait> room_wait;
  // release_held's datagram `at` found no room: it waits (see RoomWait).
  // Returns the entry of `held` to look at next.
  HeldAt no_room(HeldAt at, ChannelPort port);
  // Puts the first datagram waiting for room that fits the channel's rx in
  // `held`, as the candidate, if there is one and no candidate yet.
  void look_further(RoomWait& wait, ChannelPort port);
  // release_held's loop over the held rx that are due, and what ends it
  // however that loop ends (`interrupted`: by an exception).
  void release_held_due(Tyme now);
  void unchoose_candidates(bool interrupted) noexcept;
  // The held rx in all (held and held_behind), for the end's counts.
  std::size_t held_count() const;
  // Removes `at` from `held` and puts the channel's next chunk, if any, in
  // its place (its own key): the entry after `at` in key order then.
  HeldAt unhold(HeldAt at);
  // Reordered datagrams waiting for their channel's next rx, by (channel, order).
  std::map<std::pair<std::uint32_t, std::uint64_t>, Held> waiting;
  std::uint64_t held_order = 0;
  std::map<std::uint32_t, ChannelNoise> channel_noise;
  std::map<std::uint32_t, Deferred> deferred;  // noise: ends_stream, in order
  // noise: per channel, the recorded inputs held up by an rx that does not fit
  // its rx buffer yet (the first of them), in recorded order. Only that
  // channel waits: the feed goes on for the others and for the recorded tx,
  // whose credit lets the doers drain the full rx. At most
  // options.noise_stalled_kept_bytes of rx bytes each (past them, doers that
  // do not read would have it grow with the rest of the recording): a further
  // rx is dropped, counted undelivered (stalled_dropped).
  std::map<std::uint32_t, Stalled> stalled;
  // noise: the channels of `stalled` that release_stalled looks at, in id
  // order: every one at a pass's start and once the pass drains, then only
  // those whose first input may go. One whose first input is the network's
  // decision about a send its doers have not made yet (tx_owed) leaves the
  // set until its tx moves (settle_tx, settle_datagrams) or its transport
  // goes, the only things that can release it in the pass: every driver's
  // service pumps the feed, and looking at each such channel at each pump
  // made a pass of n senders over a link with jitter cost n * n (xsim27: a
  // noise replay of 800 requesters took 10 times as long as one of 200).
  std::set<std::uint32_t> stalled_ready;
  std::optional<std::pair<Tyme, bool>> stalled_ready_for;  // the (pass, draining) filled for
  std::uint64_t stalled_looked_at = 0;                     // Replayer::noise_stalled_looked_at
  // Noise: something of `channel` that a decision waiting for its send
  // depends on changed: release_stalled looks at it again.
  // Out of memory for the set, every channel is looked at again at the next
  // pump instead (a transport's destructor calls it).
  void wake_stalled(std::uint32_t channel) noexcept {
    if (stalled.count(channel) == 0) return;
    try {
      stalled_ready.insert(channel);
    } catch (const std::bad_alloc&) {
      stalled_ready_for.reset();
    }
  }
  // noise: stream channels whose rx ended (rx_end delivered): the recording's
  // tx credit no longer holds their doers back (see ReplayTransport::service).
  std::set<std::uint32_t> credit_free;
  std::map<std::uint32_t, detail::StreamTx> tx;     // noise: per stream channel
  std::map<std::uint32_t, DatagramTx> datagram_tx;  // noise: per datagram channel
  // noise: per stream channel, the bytes the recording had sent by now (its
  // tx events reached) that the replay has not sent yet: what it may send.
  std::map<std::uint32_t, std::uint64_t> tx_credit;
  std::map<std::uint32_t, Tyme> tx_recorded_at;  // noise: the pass of the last recorded tx
  // noise: the pass is ending (or the run): inputs wait for no send any more
  bool draining = false;
  bool polled = false;  // a pass has begun (Replayer::poll): see due()
  // A strict replay of a journal whose inputs a network delivered (no noise
  // chain: a noise replay delivers recorded accepts whatever remotes_max
  // says) holds them to the limits of the doers' channels (beyond_limits).
  bool limits_hold = false;
  // Strict (limits_hold): each accepted channel alive and its listener, and
  // how many each listener has alive, counted as the transports count them
  // (note_remote_ends): from its accept to its close or failure.
  std::map<std::uint32_t, std::uint32_t> accepted_by;
  std::map<std::uint32_t, std::size_t> remotes_alive;
  // noise: the run's closing pass (run_ending at the recorded end): no doer
  // runs again, so held rx stay held (undelivered) rather than be delivered
  // into a buffer nobody reads.
  bool closing = false;
  NoiseStats stats;
};

}  // namespace hio::replay
