#include "hio/replay/replayer.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <new>
#include <set>
#include <stdexcept>
#include <utility>

#include "hio/engine/check.hpp"
#include "hio/engine/counted.hpp"
#include "hio/engine/flag_scope.hpp"
#include "hio/io/address.hpp"
#include "hio/replay/diff.hpp"
#include "hio/replay/escape.hpp"
#include "hio/replay/inspect.hpp"
#include "hio/replay/journal.hpp"
#include "run_start.hpp"
#include "stream_tx.hpp"

namespace hio::replay {

namespace {

class ReplayTransport;

std::string quoted_text(std::string_view text) {
  std::string out;
  append_quoted_text(out, text);
  return out;
}

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
bool is_net_noise(const OwnedEvent& e) {
  return e.kind == EventKind::noise && e.channel == 0;
}

// The other end a noise replay's noise event on channel `c` names: the
// recorded rx's (a datagram's sender), else the channel's peer (a stream's,
// from its connect: an rx on a stream names none).
std::string_view noise_peer(const Channel& c, std::string_view recorded) {
  return recorded.empty() ? std::string_view(c.peer()) : recorded;
}

std::string not_from_zero_text(const std::string& why) {
  return "replay: " + why +
         "; a journal's run starts at tyme 0, and so does its replay: replay "
         "on a fresh Doist, without a start tyme";
}

}  // namespace

// A recorded rx held back by noise (delay, reorder).
struct Held {
  std::uint32_t channel = 0;
  std::string bytes;
  std::string peer;
  std::uint64_t arrival = 0;  // its place among the channel's recorded rx (1, 2, ...)
  Tyme due{};                 // not delivered before
  Tyme recorded{};            // its recorded tyme
};

// A noise replay's stream end (rx_end, remote close, error) waiting for the
// rx noise holds on its channel: once the last of them is delivered, each
// event follows it as far after as it followed that rx in the recording
// (`shift`: how late that rx came).
// A noise replay's recorded inputs of one channel held up behind an rx that
// does not fit its full rx buffer, in recorded order, and their rx bytes.
struct Stalled {
  std::deque<OwnedEvent> inputs;
  std::size_t bytes = 0;
};

struct Deferred {
  std::deque<OwnedEvent> events;
  std::optional<Tock> shift;  // set when the channel's held rx are all delivered
  Tyme due() const { return tyme_after(events.front().tyme, *shift); }
};

// A noise replay's tx of one datagram channel: the recorded datagrams and the
// replay's, not yet compared. Compared datagram by datagram, so that one
// datagram more or less (a duplicated or dropped request answered or not) is
// one difference and the datagrams after it still match.
struct DatagramTx {
  std::deque<Datagram> expected;
  std::deque<Datagram> actual;
  std::size_t expected_bytes = 0;  // of the datagrams kept, for the bound
  std::size_t actual_bytes = 0;
  std::uint64_t offset = 0;  // bytes of the datagrams compared (as tx_offset)
};

// How far a noise replay looks for a datagram's counterpart on the other side
// (datagrams duplicated or dropped in a row).
constexpr std::size_t kDatagramWindow = 16;

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
  bool overrunning() const { return noisy && options.overrun > Tock{0}; }
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
  void pump_noisy(Tyme now);
  bool take_recorded_tx(const OwnedEvent& e);
  // Delivers a recorded input (rx without noise); false if it cannot be now.
  bool deliver_input(const OwnedEvent& e);
  std::string undeliverable_reason(const OwnedEvent& e) const;
  bool deliver_rx(Channel& c, ChannelPort port, std::string_view bytes, std::string_view peer);
  bool rx_fits(const Channel& c, std::size_t size) const;
  bool noisy_rx(const OwnedEvent& e, Tyme now);
  // Noise: one recorded input of a channel the doers have made; false when
  // it is an rx that does not fit the channel's rx yet (nothing drawn).
  bool noisy_input(const OwnedEvent& e, Tyme now);
  // Noise: queues a recorded input of a channel in `stalled`, or drops it
  // (undelivered, and journaled as a drop) past stalled_bound.
  void stall(Stalled& waiting_inputs, const OwnedEvent& e);
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
  void hold(Held held);
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
  };
  void note_first_tx(std::uint32_t channel, std::optional<TxSide> expected,
                     std::optional<TxSide> actual, std::uint64_t offset);
  // Noise: the tx bytes a close or error discarded unsent, of the recording
  // or of the replay. A stream's are the end of what its doers wrote, compared
  // with the rest of its tx (settle_tx): bytes the tx credit held back until
  // the close pair with the recording's bytes, once, as if sent.
  void note_unsent(const ChannelEvent& e, bool recorded);
  // Noise: a recorded tx of this pass on `channel` the doers have not sent yet.
  bool tx_owed(std::uint32_t channel, Tyme now) const {
    if (draining) return false;
    auto at = tx_recorded_at.find(channel);
    if (at == tx_recorded_at.end() || at->second != now) return false;
    auto streams = tx.find(channel);
    auto datagrams = datagram_tx.find(channel);
    return (streams != tx.end() && streams->second.owed()) ||
           (datagrams != datagram_tx.end() && !datagrams->second.expected.empty());
  }
  void strict_event(const ChannelEvent& actual);
  void pass_end(Tyme tyme);
  Tyme next_due();
  void final_checks();
  void note_tx_left(Tyme tyme);
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
  void note_local(std::string_view address, std::uint32_t channel) {
    if (locals.find(address) != locals.end()) return;  // the first channel's
    locals.emplace(std::string(address), channel);
    local_of[channel] = std::string(address);
    const auto [first, last] = peers_at(address);
    for (auto it = first; it != last; ++it)
      if (it->second != channel) both_ends = true;
  }
  void note_peer(std::string_view address, std::uint32_t channel) {
    if (!peers.emplace(std::string(address), channel).second) return;
    peers_of.emplace(channel, std::string(address));
    auto it = locals.find(address);
    if (it != locals.end() && it->second != channel) both_ends = true;
  }
  // A channel finished with: its local address and the peers it talked to.
  void forget_addresses(std::uint32_t channel) {
    if (auto local = local_of.find(channel); local != local_of.end()) {
      if (auto it = locals.find(local->second); it != locals.end() && it->second == channel)
        locals.erase(it);
      local_of.erase(local);
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
  bool attached = false;
  bool pumping = false;
  bool ended = false;  // the recorded run's end tyme was reached
  // A signal or the Doist's limit stopped the run before the recorded end:
  // what the doers do as they close, and what the journal holds after, is
  // not compared.
  bool stopped_early = false;
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
  std::map<std::uint32_t, std::string> local_of;             // channel -> its key in locals
  std::set<std::pair<std::string, std::uint32_t>> peers;     // (peer, channel)
  std::set<std::pair<std::uint32_t, std::string>> peers_of;  // (channel, peer): forget_addresses
  bool both_ends = false;                                    // doers_on_both_ends
  std::map<std::uint32_t, std::uint64_t> tx_matched;         // strict: tx bytes matched so far
  // strict: per channel, what its tx held at the end of the first pass since
  // the last recorded tx that left it unsent (a tx event at that pass's tyme).
  std::map<std::uint32_t, OwnedEvent> tx_left;
  EventDigest digest;
  std::optional<ReplayDivergence> divergence;
  // The replay's doers threw (Replayer::threw): the text and the pass's tyme.
  std::optional<std::string> thrown;
  Tyme thrown_at{};
  // noise
  RandomStream drop, dup, corrupt, reorder, delay;
  std::map<std::pair<std::int64_t, std::uint64_t>, Held> held;  // by (due ns, order)
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
  // noise: the run's closing pass (run_ending at the recorded end): no doer
  // runs again, so held rx stay held (undelivered) rather than be delivered
  // into a buffer nobody reads.
  bool closing = false;
  NoiseStats stats;
};

namespace {

// The transport every channel of a replayed run gets. Inert (reports only
// local closes) once its feed is gone or detached.
class ReplayTransport final : public Transport {
 public:
  explicit ReplayTransport(Replayer::Feed& feed) : feed_(&feed) {}
  ~ReplayTransport() override {
    if (feed_ == nullptr || !port_) return;
    feed_->transports.erase(id_);
    // Released: the hub never makes a channel with this id again.
    try {
      feed_->finishing.insert(id_);
    } catch (const std::bad_alloc&) {
      // Not forgotten then: it costs memory, never a result.
    }
  }
  ReplayTransport(const ReplayTransport&) = delete;
  ReplayTransport& operator=(const ReplayTransport&) = delete;

  void start(ChannelPort port) override {
    port_ = port;
    id_ = port_.channel().id();
    if (feed_ == nullptr) return;
    feed_->transports[id_] = this;
    feed_->replay_max = std::max(feed_->replay_max, id_);
    feed_->pump();
  }
  void service() override {
    if (feed_ == nullptr) return;
    // Noise replays send what the doers write, as a real transport would -
    // a stream as far as the recording had sent on it by now (its credit:
    // the recorded tx reached so far), so a peer that read slowly holds the
    // doers back as it did; strict replays cut tx as the journal did
    // (Feed::take_recorded_tx).
    if (feed_->noisy && feed_->attached) {
      std::string out;
      if (port_.channel().kind() == ChannelKind::stream && port_.channel().connected()) {
        feed_->pump();  // this pass's recorded tx so far: their credit
        std::uint64_t& credit = feed_->tx_credit[id_];
        // After the peer's FIN the credit no longer holds: a doer that
        // answers more than recorded (dup) sends the rest, and can finish.
        const bool free = feed_->credit_free.count(id_) != 0;
        const auto n = static_cast<std::size_t>(
            free ? port_.tx_size() : std::min<std::uint64_t>(port_.tx_size(), credit));
        if (free && n > credit) feed_->stats.tx_credit_released_bytes += n - credit;
        credit -= std::min<std::uint64_t>(credit, n);
        if (n > 0) port_.take_tx(out, n);
      } else if (port_.channel().kind() == ChannelKind::datagram) {
        while (port_.take_datagram()) {
        }
      }
    }
    feed_->pump();
  }
  void close(std::string_view why) override {
    if (feed_ != nullptr) feed_->drop_pending_rx(port_);
    port_.closed(CloseWho::local, why);
    if (feed_ != nullptr) feed_->pump();
  }
  void reopen() override {
    port_.opening();
    if (feed_ != nullptr) feed_->pump();
  }

  ChannelPort port() const { return port_; }
  void orphan() { feed_ = nullptr; }

 private:
  Replayer::Feed* feed_;
  ChannelPort port_;
  std::uint32_t id_ = 0;
};

}  // namespace

Replayer::Feed::~Feed() {
  for (auto& [id, t] : transports)
    t->orphan();
}

std::unique_ptr<Transport> Replayer::Feed::make(const Address&, ChannelRole,
                                                const ChannelOptions&) {
  return std::make_unique<ReplayTransport>(*this);
}

void Replayer::Feed::fill(Tyme upto) {
  for (const FrameView* f = reader.peek(); f != nullptr && f->tyme <= upto; f = reader.peek()) {
    for (const ChannelEvent& e : read_frame()->events)
      queue.push_back(OwnedEvent::from(e));
  }
}

const FrameView* Replayer::Feed::read_frame() {
  const FrameView* f = reader.next();
  if (f == nullptr) return nullptr;
  trailer_offset = f->offset + f->size_bytes;
  if (last_recorded_tyme != f->tyme) taken_before_last_tyme = taken;
  taken = {reader.events_read(), reader.digest()};
  last_frame_exit = f->exit;
  if (!f->exit) last_pass_tyme = f->tyme;
  if (f->exit && !exit_seq && !f->events.empty()) exit_seq = f->events.front().seq;
  if (last_recorded_tyme != f->tyme) last_pass_closes = last_pass_outputs = false;
  const JournalHeader* h = reader.header();
  const bool guess_exit = h == nullptr || !h->exit_marked;  // end_tyme's recorded_open
  for (const ChannelEvent& e : f->events) {
    note_addresses(e);
    if (e.kind == EventKind::open) {
      RecordedChannel& r = recorded_channels[e.channel];
      r.name = std::string(e.text);
      r.kind = e.channel_kind;
      r.live = r.opening = true;
      recorded_max = std::max(recorded_max, e.channel);
      if (guess_exit) recorded_open.insert(e.channel);
    } else if (e.kind == EventKind::close) {
      if (guess_exit) recorded_open.erase(e.channel);
    }
    // Its state as deliver_input makes it: an error fails a stream, or a
    // channel still opening.
    if (auto r = recorded_channels.find(e.channel); r != recorded_channels.end()) {
      if (e.kind == EventKind::connect) r->second.opening = false;
      if (e.kind == EventKind::close ||
          (e.kind == EventKind::error &&
           (r->second.kind == ChannelKind::stream || r->second.opening))) {
        r->second.live = r->second.opening = false;
      }
    }
    if (e.kind == EventKind::close && e.who == CloseWho::local) {
      last_pass_closes = true;
    } else if (!is_input(e)) {
      last_pass_outputs = true;
    }
  }
  last_recorded_tyme = f->tyme;
  return f;
}

void Replayer::Feed::pop() {
  // The event may be the one the hub is giving its sinks right now (an input
  // delivered from it, whose views the event holds): it stays in place until
  // retire(), called where no event is in flight.
  const OwnedEvent& e = queue[head];
  if (e.kind == EventKind::close || e.kind == EventKind::error) finishing.insert(e.channel);
  ++head;
  ++consumed;
}

void Replayer::Feed::retire() {
  queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(head));
  head = 0;
}

void Replayer::Feed::forget_finished() {
  if (finishing.empty()) return;
  std::set<std::uint32_t> queued;  // recorded events read and not handled yet
  for (std::size_t i = head; i < queue.size(); ++i)
    queued.insert(queue[i].channel);
  for (auto it = finishing.begin(); it != finishing.end();) {
    const Finish state = finish_state(*it, queued);
    if (state == Finish::waiting) {
      ++it;
      continue;
    }
    if (state == Finish::done) forget(*it);
    it = finishing.erase(it);
  }
}

Finish Replayer::Feed::finish_state(std::uint32_t id, const std::set<std::uint32_t>& queued) const {
  // The replay's side: released (channel ids are never used twice), not
  // merely closed - its doer could reopen it.
  if (transports.count(id) != 0 || id > replay_max) return Finish::not_ended;
  // The recording's: closed or failed (a reopen would be an open again, read
  // before any other event of it). A channel the recording did not open
  // while it opened later ones never had recorded state.
  const auto r = recorded_channels.find(id);
  if (r != recorded_channels.end() ? r->second.live : id > recorded_max) return Finish::not_ended;
  // Things that may still count (held rx are counted undelivered when due).
  if (queued.count(id) != 0 || stalled.count(id) != 0 || deferred.count(id) != 0)
    return Finish::waiting;
  const auto noise = channel_noise.find(id);
  if (noise != channel_noise.end()) {
    std::size_t waiting_n = 0;  // reordered rx waiting for the next rx: never now
    for (auto w = waiting.lower_bound(std::pair{id, std::uint64_t{0}});
         w != waiting.end() && w->first.first == id; ++w)
      ++waiting_n;
    if (noise->second.held > waiting_n) return Finish::waiting;
  }
  // Kept to the end: bytes left unsent that the end judges (strict), and
  // datagrams on both sides that the end still pairs.
  if (tx_left.count(id) != 0) return Finish::not_ended;
  const auto d = datagram_tx.find(id);
  if (d != datagram_tx.end() && !d->second.expected.empty() && !d->second.actual.empty())
    return Finish::not_ended;
  return Finish::done;
}

void Replayer::Feed::forget(std::uint32_t id) {
  tally_channel(id, retired);
  forget_addresses(id);
  recorded_open_forgotten += recorded_open.erase(id);
  recorded_channels.erase(id);
  tx_matched.erase(id);
  channel_noise.erase(id);
  credit_free.erase(id);
  tx_credit.erase(id);
  tx_recorded_at.erase(id);
}

void Replayer::Feed::tally_channel(std::uint32_t id, NoiseStats& into) {
  // What is left of a channel at the end of a noise replay, or when it is
  // forgotten earlier (Feed::forget; the same counts): counted into `into`
  // and dropped.
  if (auto t = tx.find(id); t != tx.end()) {
    // The streams ended: meetings left undecided for want of bytes are taken.
    note_stream_settled(id, t->second.finish());
    into.tx_missing_bytes += t->second.missing_bytes();
    into.tx_extra_bytes += t->second.extra_bytes();
    tx.erase(t);
  }
  if (auto d = datagram_tx.find(id); d != datagram_tx.end()) {
    settle_datagrams(id, /*final=*/true, into);
    datagram_tx.erase(d);
  }
  // Reordered rx waiting for a next rx of the channel that never came.
  for (auto w = waiting.lower_bound(std::pair{id, std::uint64_t{0}});
       w != waiting.end() && w->first.first == id;) {
    ++into.undelivered;
    w = waiting.erase(w);
  }
}

std::size_t Replayer::Feed::channels_kept() const {
  std::set<std::uint32_t> ids;
  const auto add = [&ids](const auto& per_channel) {
    for (const auto& entry : per_channel)
      ids.insert(entry.first);
  };
  add(recorded_channels);
  add(tx_matched);
  add(tx_left);
  add(channel_noise);
  add(deferred);
  add(stalled);
  add(tx);
  add(datagram_tx);
  add(tx_credit);
  add(tx_recorded_at);
  add(transports);
  for (const std::uint32_t id : credit_free)
    ids.insert(id);
  for (const std::uint32_t id : recorded_open)
    ids.insert(id);
  return ids.size() + locals.size() + peers.size();
}

void Replayer::Feed::read_ahead() {
  // The next recorded pass (all its parts), so that its tyme is known and, if
  // it is the last, the trailer behind it is read too. Memory: one pass.
  if (!none()) return;
  if (const FrameView* f = reader.peek()) fill(f->tyme);
}

Tyme Replayer::Feed::end_tyme() {
  if (end) return *end;
  if (!reader_done()) return kTymeNever;  // known once the trailer is read
  // Without a trustworthy trailer the run ends after the last recorded pass
  // - unless the last frame is the recorded run's exit (a journal cut exactly
  // where its trailer starts, or salvaged from one): then the replay ends at
  // its tyme, and its doers' exit closes land on those closes. A journal
  // that marks its exit frames says so; in an older one the exit is guessed:
  // only local closes (and inputs) at a tyme after the first pass, closing
  // every channel still open - which a run whose doers closed their last
  // channels in a normal pass and ended looks like too (then the replay ends
  // a tock early: the guess is kept for those journals only).
  const std::optional<Tyme> recorded = trusted_end();
  end_recorded = recorded.has_value();
  const Tyme last = last_recorded_tyme.value_or(Tyme{});
  const bool exit_left = reader.header()->exit_marked
                             ? last_frame_exit
                             : last > Tyme{} && last_pass_closes && !last_pass_outputs &&
                                   recorded_open.empty() && recorded_open_forgotten == 0;
  end = recorded.value_or(exit_left ? last : tyme_after(last, header_tock));
  // Without a trusted trailer: an exit at the tyme of a pass ended there.
  end_at_pass = recorded ? reader.trailer()->ended_at_pass
                         : exit_left && reader.header()->exit_marked && last_pass_tyme == last;
  // A run ended by an exception: the trailer's end tyme is the tyme of the
  // pass that threw (its passes count the passes completed, so passes x tock
  // is that tyme still), and its exit's closes are stamped with it. That pass
  // ran: the replay runs it too, so that its doers meet what made them throw.
  const JournalTrailer* t = reader.trailer();
  if (end_recorded && t != nullptr && ended_by_exception(*t) && *end != kTymeNever) {
    end = tyme_after(*end, header_tock);
  }
  if (overrunning()) end = tyme_after(*end, options.overrun);
  return *end;
}

std::optional<Tyme> Replayer::Feed::trusted_end() {
  const JournalTrailer* t = reader.trailer();
  // A cut or damaged journal (reader.error()), or a salvaged one (end
  // unknown: its end tyme is what its frames say, see salvage_journal).
  // Bytes after a whole, checked trailer damage the file, not the recorded
  // run: its end is known (the damage is still reported).
  if (!reader.trailer_agrees() || t == nullptr || t->end == RunOutcome::unknown)
    return std::nullopt;
  // The recorded run's doers closed at its end tyme (exit), after its last
  // pass: the replay must end there too. But the trailer is only a claim:
  // a Doist's tyme is always passes x tock, and every pass is before the end
  // - except at the end of tyme, where the tick saturates (tyme_after): the
  // tyme is kTymeNever and the passes one more than the last pass's number.
  const Tyme last = last_recorded_tyme.value_or(Tyme{});
  const std::int64_t tock = header_tock.count();
  const std::int64_t end_ns = t->end_tyme.time_since_epoch().count();
  const std::uint64_t passes = passes_at(t->end_tyme, header_tock);
  const bool consistent = end_ns >= last.time_since_epoch().count() &&
                          (end_ns % tock == 0 || t->end_tyme == kTymeNever) && passes == t->passes;
  if (consistent) return t->end_tyme;
  JournalError e;
  e.kind = JournalErrorKind::bad_trailer;
  e.offset = trailer_offset;
  e.last_pass = reader.last_pass();
  e.last_tyme = reader.last_tyme();
  e.message = "the trailer's end tyme " + format_seconds(t->end_tyme) + " s cannot be true: " +
              (end_ns < last.time_since_epoch().count()
                   ? "the last pass is at " + format_seconds(last) + " s"
                   : "it does not agree with its " + counted(t->passes, "pass", "passes") + " of " +
                         format_seconds(header_tock) + " s");
  trailer_error = std::move(e);
  return std::nullopt;
}

void Replayer::Feed::pump() {
  // After a stop before the recorded end (a signal, the Doist's limit) the
  // doers close: no recorded input is delivered among their closes.
  if (!attached || doist == nullptr || pumping || stopped_early || (divergence && !noisy)) return;
  pumping = true;
  struct Lower {
    bool& flag;
    ~Lower() { flag = false; }
  } lower{pumping};
  retire();
  const Tyme now = doist->tyme();
  if (noisy) {
    pump_noisy(now);
  } else {
    pump_strict(now);
  }
}

// ---- strict replay ------------------------------------------------------------

void Replayer::Feed::pump_strict(Tyme now) {
  for (;;) {
    if (divergence) return;
    fill(now);
    if (!due(now)) return;
    const OwnedEvent& e = front();
    const std::uint64_t before = consumed;
    if (is_input(e)) {
      if (!deliver_input(e)) return;
    } else if (e.kind == EventKind::tx) {
      if (!take_recorded_tx(e)) return;
    } else {
      return;  // the doers make it (open, local close, log)
    }
    if (consumed == before) return;  // it did not match: on_event reported it
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

bool Replayer::Feed::rx_fits(const Channel& c, std::size_t size) const {
  if (c.kind() == ChannelKind::stream) return c.rx_size() + size <= c.options().rx_bytes_max;
  return c.kind() == ChannelKind::datagram;
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

void Replayer::Feed::strict_event(const ChannelEvent& actual) {
  if (divergence) return;
  fill(actual.tyme);
  // Past the end of a journal that does not say how its run ended (cut,
  // damaged, salvaged, or a trailer that cannot be true): not compared.
  if (none() && end_known() && !end_recorded) return;
  if (none() || front().tyme > actual.tyme) {
    diverge(
        actual.kind == EventKind::tx ? DivergenceKind::tx_extra : DivergenceKind::event_extra,
        none() ? nullptr : &front(), &actual, "extra",
        none() ? "the journal has no more events" : "the journal's next event is at a later pass");
    return;
  }
  const OwnedEvent& expected = front();
  const char* field = first_difference(expected.view(), actual);
  if (field == nullptr) {
    if (actual.kind == EventKind::tx) tx_matched[actual.channel] += actual.bytes.size();
    // A recorded tx took from what was left (the rest, if any, is left
    // again from this pass); a stream's close or error as recorded carried
    // the same unsent bytes in the recorded run (a datagram channel's close
    // carries none, so its datagrams stay left over).
    if (actual.kind == EventKind::tx ||
        (kind_of(actual.channel) == ChannelKind::stream &&
         (actual.kind == EventKind::close || actual.kind == EventKind::error))) {
      tx_left.erase(actual.channel);
    }
    pop();
    return;
  }
  const std::string f = field;
  const bool same_place = expected.kind == actual.kind && expected.channel == actual.channel;
  if (same_place && actual.kind == EventKind::tx && f == "bytes") {
    const bool prefix =
        actual.bytes.size() < expected.bytes.size() &&
        std::string_view(expected.bytes).substr(0, actual.bytes.size()) == actual.bytes;
    if (prefix) {
      diverge(DivergenceKind::tx_missing, &expected, &actual, f,
              "only " + std::to_string(actual.bytes.size()) + " of " +
                  counted(expected.bytes.size(), "byte") +
                  (actual.bytes.size() == 1 ? " was" : " were") + " written by the pass's end");
    } else {
      diverge(DivergenceKind::tx_differs, &expected, &actual, f);
    }
  } else if (same_place && actual.kind == EventKind::tx) {
    diverge(DivergenceKind::tx_differs, &expected, &actual, f);
  } else if (same_place && (actual.kind == EventKind::close || actual.kind == EventKind::error) &&
             f == "bytes" && expected.bytes.size() < actual.bytes.size()) {
    diverge(DivergenceKind::tx_extra, &expected, &actual, f,
            counted(actual.bytes.size(), "byte") + " written " +
                (actual.bytes.size() == 1 ? "was" : "were") +
                " never sent; the connection ended with them");
  } else if (actual.kind == EventKind::tx) {
    diverge(DivergenceKind::tx_extra, &expected, &actual, f);
  } else {
    diverge(DivergenceKind::event_differs, &expected, &actual, f);
  }
}

void Replayer::Feed::pass_end(Tyme tyme) {
  retire();
  if (noisy) {
    draining = true;
    pump();
    // Inputs of this pass whose channel the doers never made are lost.
    fill(tyme);
    while (due(tyme)) {
      const OwnedEvent& e = front();
      if (is_input(e)) ++stats.undelivered;
      pop();
      pump();
    }
  } else if (!divergence) {
    pump();
    fill(tyme);
    const JournalTrailer* error = recorded_error();
    if (!divergence && error != nullptr && tyme >= error->end_tyme) {
      // The pass that threw in the recorded run ended without an exception.
      diverge(DivergenceKind::end_differs, nullptr, nullptr, "end",
              "the recorded run ended at this pass with an error (" + quoted_text(error->end_text) +
                  "); the replay's doers did not throw");
      divergence->tyme = error->end_tyme;
      divergence->pass = pass_of(error->end_tyme);
    } else if (!divergence && due(tyme)) {
      const OwnedEvent e = front();
      std::string why;
      if (e.kind == EventKind::tx) {
        ReplayTransport* t = transport(e.channel);
        if (t != nullptr && t->port().channel().kind() == ChannelKind::stream &&
            t->port().tx_size() > 0) {
          std::string out;
          t->port().take_tx(out, t->port().tx_size());  // on_event classifies it
        }
        if (!divergence) {
          diverge(DivergenceKind::tx_missing, &e, nullptr, "missing",
                  "no bytes for it were written by the pass's end");
        }
      } else if (is_input(e)) {
        why = undeliverable_reason(e);
        diverge(DivergenceKind::undeliverable, &e, nullptr, "missing",
                why.empty() ? "it could not be delivered" : why);
      } else {
        diverge(DivergenceKind::event_missing, &e, nullptr, "missing",
                "the doers did not make it by the pass's end");
      }
    }
    // Not after a divergence at this pass: a stream's recorded tx that took
    // the bytes left here (take_tx above) would have them look sent, and
    // the record of where they were left, which earlier_extra_tx reports,
    // would be lost.
    if (!divergence) note_tx_left(tyme);
  }
  // The last pass is the one before the recorded end (kTymeNever until the
  // trailer is read, and a trusted end is never below the last pass). Read
  // ahead first: when the next recorded frame holds only the exit's events
  // at the end tyme, the trailer behind it says that this pass was the last.
  next_tyme = next_due();
  if ((noisy || !divergence) && options.forget_finished_channels) forget_finished();
  if (tyme >= last_pass()) {
    ended = true;
    if (end_at_pass) {
      doist->request_stop_at_pass();  // the exit at this pass's tyme, as recorded
    } else {
      doist->request_stop();
    }
  }
}

Tyme Replayer::Feed::last_pass() {
  const Tyme end_at = end_tyme();
  return end_at_pass ? end_at : end_at - header_tock;
}

Tyme Replayer::Feed::next_due() {
  // Recorded events still due now (a noise replay's rx waiting for room in
  // `stalled`) keep the next pass; otherwise the Doist may skip to the next recorded
  // pass, a held rx's release, or the last pass before the recorded end
  // (known once the next recorded pass is the last: read_ahead reads the
  // trailer behind it).
  read_ahead();
  Tyme next = none() ? kTymeNever : front().tyme;
  if (!held.empty()) next = std::min(next, Tyme{Tock{held.begin()->first.first}});
  for (const auto& [id, waiting_inputs] : stalled)
    next = std::min(next, waiting_inputs.inputs.front().tyme);
  for (const auto& [id, d] : deferred)
    if (d.shift) next = std::min(next, d.due());
  return std::min(next, last_pass());
}

void Replayer::Feed::final_checks() {
  if (noisy) {
    // Datagrams compared as the run left them, before the rest of the
    // journal is read (it may reopen a channel under another name, which a
    // first mismatch would take); tally_channel counts what is left.
    for (const auto& entry : datagram_tx)
      settle_datagrams(entry.first, /*final=*/true, stats);
    stats.undelivered += held.size();
    for (const auto& [id, waiting_inputs] : stalled)
      stats.undelivered += waiting_inputs.inputs.size();
    for (const auto& [id, d] : deferred)
      stats.undelivered += d.events.size();
    const auto count = [this](const ChannelEvent& e) {
      if (is_input(e)) ++stats.undelivered;
      // Sent or discarded unsent at a close, the rest's bytes are missing.
      if (e.kind == EventKind::tx || e.kind == EventKind::close || e.kind == EventKind::error)
        stats.tx_missing_bytes += e.bytes.size();
    };
    for (std::size_t i = head; i < queue.size(); ++i)
      count(queue[i].view());
    // The rest of the journal, a frame at a time (bounded memory).
    while (const FrameView* f = read_frame())
      for (const ChannelEvent& e : f->events)
        count(e);
    // The channels still kept, then those forgotten on the way: the same
    // counts (tally_channel).
    std::set<std::uint32_t> ids;
    for (const auto& entry : tx)
      ids.insert(entry.first);
    for (const auto& entry : datagram_tx)
      ids.insert(entry.first);
    for (const auto& entry : waiting)
      ids.insert(entry.first.first);
    for (const std::uint32_t id : ids)
      tally_channel(id, stats);
    stats.tx_missing_bytes += retired.tx_missing_bytes;
    stats.tx_extra_bytes += retired.tx_extra_bytes;
    stats.tx_datagrams_missing += retired.tx_datagrams_missing;
    stats.tx_datagrams_extra += retired.tx_datagrams_extra;
    stats.tx_credit_held_bytes += retired.tx_credit_held_bytes;
    stats.undelivered += retired.undelivered;
    return;
  }
  bool ended_before = false;  // the replay ended before the journal's events did
  // A replay that diverged while it ran stops there: the rest of the journal
  // is read only as far as the extra-tx check's budget.
  const bool stopped = divergence.has_value();
  if (!divergence) {
    read_ahead();
    if (!none()) {
      const OwnedEvent e = front();
      diverge(e.kind == EventKind::tx ? DivergenceKind::tx_missing : DivergenceKind::event_missing,
              &e, nullptr, "missing", "the replay ended before it");
      ended_before = true;
    }
  }
  earlier_extra_tx(stopped);
  if (ended_before) {
    // Read the rest (counts, digest, damage) without keeping it.
    while (read_frame() != nullptr) {
    }
  }
}

void Replayer::Feed::note_tx_left(Tyme tyme) {
  // Strict replay cuts tx as the journal did: bytes the doers wrote stay in
  // tx until a recorded tx takes them. Kept per channel from the first pass
  // they are left, for earlier_extra_tx.
  for (const auto& [id, t] : transports) {
    const ChannelPort port = t->port();
    const Channel& c = port.channel();
    const Datagram* datagram = c.kind() == ChannelKind::datagram ? port.tx_front() : nullptr;
    const bool left = c.kind() == ChannelKind::stream ? port.tx_size() > 0 : datagram != nullptr;
    if (!left) {
      tx_left.erase(id);
      continue;
    }
    if (tx_left.count(id) != 0) continue;
    OwnedEvent e;
    e.kind = EventKind::tx;
    e.channel = id;
    e.tyme = tyme;
    e.channel_kind = c.kind();
    if (datagram != nullptr) {
      e.bytes = datagram->bytes;
      e.peer = datagram->peer;
    } else {
      e.bytes = std::string(port.tx_view());
    }
    tx_left.emplace(id, std::move(e));
  }
}

void Replayer::Feed::earlier_extra_tx(bool bounded) {
  // Bytes left unsent since pass P are extra at P (where the changed doer
  // wrote them) unless the journal's next tx on their channel begins with
  // them - or, for a stream, its close or error, which carries the bytes
  // still unsent: then the recorded run held them too. Without this the
  // replay goes on and reports a later consequence (a close or log that now
  // comes later, or not at all) as the first divergence.
  std::map<std::uint32_t, const OwnedEvent*> open;  // channels whose next recorded tx is unknown
  for (const auto& [id, left] : tx_left) {
    if (!divergence || left.tyme < divergence->tyme) open.emplace(id, &left);
  }
  if (open.empty()) return;
  const OwnedEvent* first = nullptr;
  // The journal's next send on first's channel, when it holds other bytes
  // (none: the journal sends nothing more there).
  std::optional<OwnedEvent> first_next;
  // The earliest left bytes, and of those written in one pass the lowest
  // channel (channels are numbered as the doers made them).
  const auto earlier = [&first](const OwnedEvent& left) {
    return first == nullptr || left.tyme < first->tyme ||
           (left.tyme == first->tyme && left.channel < first->channel);
  };
  const auto next_tx = [&](const ChannelEvent& e) {
    auto it = open.find(e.channel);
    if (it == open.end()) return;
    const OwnedEvent& left = *it->second;  // it has the channel's kind (note_tx_left)
    const bool datagram = left.channel_kind == ChannelKind::datagram;
    const bool sends = e.kind == EventKind::tx ||
                       (!datagram && (e.kind == EventKind::close || e.kind == EventKind::error));
    if (!sends) return;
    // A tx may take part of them (the rest stays left); a close or error
    // discards all that is unsent, so it must hold all of them.
    const std::size_t n =
        e.kind == EventKind::tx ? std::min(left.bytes.size(), e.bytes.size()) : left.bytes.size();
    const bool kept = datagram
                          ? left.bytes == e.bytes && left.peer == e.peer
                          : e.bytes.size() >= n && left.bytes.compare(0, n, e.bytes, 0, n) == 0;
    if (!kept && earlier(left)) {
      first = &left;
      first_next = OwnedEvent::from(e);
    }
    open.erase(it);
  };
  for (std::size_t i = head; i < queue.size() && !open.empty(); ++i)
    next_tx(queue[i].view());
  // Read on for the channels' next tx - after a divergence at most
  // options.extra_tx_lookahead_events more events: a channel not resolved by
  // then is not blamed, the divergence noticed stands.
  std::uint64_t budget = options.extra_tx_lookahead_events;
  while (!open.empty() && (!bounded || budget > 0)) {
    const FrameView* f = read_frame();
    if (f == nullptr) break;
    budget -= std::min<std::uint64_t>(budget, f->events.size());
    for (const ChannelEvent& e : f->events)
      next_tx(e);
  }
  // No tx on the channel for the rest of the journal: extra, if the journal
  // says how its run ended (past a cut the recorded run may have sent them).
  if (end_known() && end_recorded) {
    for (const auto& [id, left] : open) {
      if (earlier(*left)) {
        first = left;
        first_next.reset();
      }
    }
  }
  if (first == nullptr) return;
  const ChannelEvent actual = first->view();
  const std::optional<ReplayDivergence> later = std::move(divergence);
  divergence.reset();
  const std::string written = "written at pass " + std::to_string(pass_of(first->tyme)) +
                              " and left unsent; the journal's next ";
  if (!first_next) {
    diverge(
        DivergenceKind::tx_extra, nullptr, &actual, "extra",
        counted(first->bytes.size(), "byte") + " " + written + "tx on the channel does not exist");
  } else {
    // The doers wrote other bytes than the journal's next send on the
    // channel: a tx that differs (both, and the hex diff, say more than an
    // extra tx would) - unless that send is a close whose unsent bytes
    // are only fewer than these (a stream's close carries what was left):
    // then these are more than the recorded run held, extra.
    const std::string_view e = first_next->bytes;
    const std::string_view a = first->bytes;
    const std::size_t n = std::min(e.size(), a.size());
    const bool datagram = first->channel_kind == ChannelKind::datagram;
    const std::string pass = std::to_string(pass_of(first_next->tyme));
    if (first_next->kind == EventKind::tx) {
      // (A datagram: its bytes, or else its peer; the tymes differ.)
      const bool peer = datagram && e == a;
      diverge(DivergenceKind::tx_differs, &*first_next, &actual, peer ? "peer" : "bytes",
              written + "tx on the channel, at pass " + pass + ", is " +
                  (datagram ? "another datagram" : "other bytes"));
    } else {
      const std::string sent = written + "send on the channel is its " +
                               to_string(first_next->kind) + " at pass " + pass + ", which";
      if (e.substr(0, n) == a.substr(0, n)) {
        diverge(DivergenceKind::tx_extra, &*first_next, &actual, "extra",
                counted(a.size(), "byte") + " " + sent + " carried " +
                    (e.empty() ? std::string("none") : "only " + std::to_string(e.size())) +
                    " of them unsent");
      } else {
        diverge(DivergenceKind::tx_differs, &*first_next, &actual, "bytes",
                sent + " carried other bytes unsent");
      }
    }
  }
  if (later)
    divergence->detail += " (first noticed at pass " + std::to_string(later->pass) + ": " +
                          to_string(later->kind) + ")";
}

ReplayDivergence Replayer::Feed::make_divergence(DivergenceKind kind, const OwnedEvent* expected,
                                                 const ChannelEvent* actual, std::string field,
                                                 std::string detail) {
  ReplayDivergence d;
  d.kind = kind;
  d.tock = header_tock;
  // Neither event (an end that differs): the pass running now, no channel.
  d.tyme = expected != nullptr && (actual == nullptr || expected->tyme <= actual->tyme)
               ? expected->tyme
           : actual != nullptr ? actual->tyme
                               : tyme_now();
  d.pass = pass_of(d.tyme);
  d.channel = actual != nullptr ? actual->channel : expected != nullptr ? expected->channel : 0;
  if (const Channel* c = hub != nullptr && d.channel != 0 ? hub->find(d.channel) : nullptr) {
    d.channel_name = c->name();
  } else if (auto it = recorded_channels.find(d.channel); it != recorded_channels.end()) {
    d.channel_name = it->second.name;
  }
  d.field = std::move(field);
  if (expected != nullptr) d.expected = *expected;
  if (actual != nullptr) d.actual = OwnedEvent::from(*actual);
  auto it = tx_matched.find(d.channel);
  d.tx_offset = it == tx_matched.end() ? 0 : it->second;
  d.detail = std::move(detail);
  return d;
}

void Replayer::Feed::diverge(DivergenceKind kind, const OwnedEvent* expected,
                             const ChannelEvent* actual, std::string field, std::string detail) {
  if (divergence) return;
  divergence = make_divergence(kind, expected, actual, std::move(field), std::move(detail));
  if (doist != nullptr) doist->request_stop();
}

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
    } else if (e.kind == EventKind::tx) {
      tx_recorded_at[e.channel] = now;
      record_tx(e.channel, /*recorded=*/true, e.view());
    } else if (is_net_noise(e)) {
      (void)deliver_input(e);
    } else if (e.kind == EventKind::noise && tx_owed(e.channel, now)) {
      // The network's decision about a send recorded before it (a jitter, a
      // drop): after the doers' send in this pass, or at the pass's end.
      return;
    } else if (is_input(e)) {
      if (transport(e.channel) == nullptr) return;  // made later in the pass, or never
      if (e.kind == EventKind::rx) note_recorded_rx(e);
      // An rx that does not fit rx yet holds up its channel's inputs after
      // it, not the feed: the recorded tx further on release the credit the
      // doers need to drain that rx (else a circular wait), and the other
      // channels' inputs come at their recorded passes.
      auto room = stalled.find(e.channel);
      if (room != stalled.end()) {
        stall(room->second, e);
      } else if (!noisy_input(e, now)) {
        stall(stalled[e.channel], e);
      }
    }
    note_unsent(e.view(), /*recorded=*/true);
    pop();
  }
}

bool Replayer::Feed::noisy_input(const OwnedEvent& e, Tyme now) {
  if (transport(e.channel) == nullptr) {
    ++stats.undelivered;  // its channel is gone while the input waited
    return true;
  }
  if (e.kind == EventKind::rx) return noisy_rx(e, now);
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

void Replayer::Feed::stall(Stalled& waiting_inputs, const OwnedEvent& e) {
  // The first one waits whatever its size; a stream's end or an error (no
  // bytes) always does, so the doers still see it once they read.
  const bool rx = e.kind == EventKind::rx;
  if (rx && !waiting_inputs.inputs.empty()) {
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
  if (rx) waiting_inputs.bytes += e.bytes.size();
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
  for (auto it = stalled.begin(); it != stalled.end();) {
    Stalled& waiting_inputs = it->second;
    while (!waiting_inputs.inputs.empty() && noisy_input(waiting_inputs.inputs.front(), now)) {
      if (waiting_inputs.inputs.front().kind == EventKind::rx) {
        waiting_inputs.bytes -= waiting_inputs.inputs.front().bytes.size();
      }
      waiting_inputs.inputs.pop_front();
    }
    it = waiting_inputs.inputs.empty() ? stalled.erase(it) : std::next(it);
  }
}

bool Replayer::Feed::noisy_rx(const OwnedEvent& e, Tyme now) {
  ReplayTransport* t = transport(e.channel);
  ChannelPort port = t->port();
  Channel& c = port.channel();
  if (!c.connected()) {  // closed (or not yet connected): lost
    ++stats.undelivered;
    return true;
  }
  if (c.kind() == ChannelKind::stream && port.rx_space() < e.bytes.size()) return false;
  const std::string_view peer = noise_peer(c, e.peer);
  const NoiseSpec& spec = options.noise;
  ++stats.rx_seen;
  // One draw from each kind's stream for every rx, whatever happens to it, so
  // one kind's setting never shifts another kind's draws.
  const bool dropped = drop.bernoulli(spec.drop);
  const bool duplicated = dup.bernoulli(spec.dup);
  const bool corrupted = corrupt.bernoulli(spec.corrupt);
  const bool reordered = reorder.bernoulli(spec.reorder);
  Tock delayed{0};
  if (spec.delay) {
    const bool on = delay.bernoulli(spec.delay_p);
    const Tock d = delay.uniform_duration(spec.delay_min, spec.delay_max);
    if (on) delayed = d;
  }
  ChannelNoise& state = channel_noise[e.channel];
  const std::uint64_t arrival = ++state.arrivals;
  if (dropped) {
    ++stats.dropped;
    port.noise(NoiseKind::drop, e.bytes, peer, "replay noise: dropped");
    return true;
  }
  std::string bytes = e.bytes;
  if (corrupted && !bytes.empty()) {
    const auto at =
        static_cast<std::size_t>(corrupt.uniform(0, static_cast<std::int64_t>(bytes.size()) - 1));
    const auto bit = static_cast<int>(corrupt.uniform(0, 7));
    bytes[at] = static_cast<char>(static_cast<unsigned char>(bytes[at]) ^ (1u << bit));
    ++stats.corrupted;
    port.noise(
        NoiseKind::corrupt, e.bytes, peer,
        "replay noise: byte " + std::to_string(at) + " bit " + std::to_string(bit) + " flipped");
  }
  const int copies = duplicated ? 2 : 1;
  if (duplicated) {
    ++stats.duplicated;
    port.noise(NoiseKind::duplicate, bytes, peer, "replay noise: delivered twice");
  }
  Held h{e.channel, bytes, e.peer, arrival, now, e.tyme};
  if (delayed > Tock{0}) {
    ++stats.delayed;
    port.noise(NoiseKind::delay, bytes, peer,
               "replay noise: delayed " + format_seconds(delayed) + " s");
    h.due = tyme_after(now, delayed);
  }
  // A stream delivers in order (TCP, a serial line): a chunk never overtakes
  // one held before it, and a reorder does nothing to it. Datagrams are
  // independent: delays of different lengths reorder them, as jitter does.
  const bool stream = c.kind() == ChannelKind::stream;
  if (stream && state.held > 0) h.due = std::max(h.due, state.last_due);
  // An rx arriving while one waits to be overtaken is that overtaker: it is
  // delivered (reorder=1 swaps the channel's datagrams pairwise).
  const auto first_waiting = waiting.lower_bound(std::pair{e.channel, std::uint64_t{0}});
  const bool overtakes = first_waiting != waiting.end() && first_waiting->first.first == e.channel;
  if (reordered && !stream && !overtakes) {
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
      hold(h);
    } else if (deliver_rx(c, port, bytes, e.peer)) {
      delivered(e.channel, arrival, now);
    } else {
      // A datagram that does not fit rx now waits for room, as a copy does:
      // nothing is lost without a noise event saying so.
      Held later = h;
      later.due = tyme_after(now, header_tock);
      hold(std::move(later));
    }
  }
  return true;
}

void Replayer::Feed::hold(Held h) {
  ChannelNoise& state = channel_noise[h.channel];
  ++state.held;
  state.last_due = std::max(state.last_due, h.due);
  held.emplace(std::pair{h.due.time_since_epoch().count(), held_order++}, std::move(h));
}

void Replayer::Feed::release_held(Tyme now) {
  if (closing) return;
  // A stream chunk that does not fit rx yet keeps the chunks after it back.
  std::set<std::uint32_t> blocked;
  for (auto it = held.begin();
       it != held.end() && it->first.first <= now.time_since_epoch().count();) {
    const std::uint32_t id = it->second.channel;
    if (blocked.count(id) != 0) {
      ++it;
      continue;
    }
    ReplayTransport* t = transport(id);
    if (t == nullptr || !t->port().channel().connected()) {
      ++stats.undelivered;
      --channel_noise[id].held;
      const Tyme recorded = it->second.recorded;
      it = held.erase(it);
      if (channel_noise[id].held == 0) release_deferred(id, recorded, now);
      continue;
    }
    ChannelPort port = t->port();
    if (!deliver_rx(port.channel(), port, it->second.bytes, it->second.peer)) {
      if (port.channel().kind() == ChannelKind::stream) blocked.insert(id);
      ++it;  // no room yet: stays held
      continue;
    }
    const std::uint64_t arrival = it->second.arrival;
    const Tyme recorded = it->second.recorded;
    --channel_noise[id].held;
    it = held.erase(it);
    delivered(id, arrival, now);
    if (channel_noise[id].held == 0) release_deferred(id, recorded, now);
  }
  deliver_deferred(now);
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
  for (auto it = held.begin(); it != held.end();) {
    if (it->second.channel != id) {
      ++it;
      continue;
    }
    lose(it->second.bytes, it->second.peer, "noise held it back");
    --channel_noise[id].held;
    it = held.erase(it);
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
    hold(std::move(h));  // its delay is not over, or no room yet
  }
}

void Replayer::Feed::settle_tx(std::uint32_t channel, bool recorded, std::string_view bytes) {
  auto it = tx.find(channel);
  if (it == tx.end()) it = tx.emplace(channel, detail::StreamTx(options.noise_tx_kept_bytes)).first;
  note_stream_settled(channel, it->second.add(recorded, bytes));
}

void Replayer::Feed::note_stream_settled(std::uint32_t channel,
                                         const detail::StreamTx::Settled& settled) {
  if (settled.first) {
    const detail::StreamMismatch& m = *settled.first;
    note_tx_mismatch(channel, m.expected, "", m.actual, "", m.offset);
  }
  if (settled.mismatches > 1) stats.tx_mismatches += settled.mismatches - 1;
}

void Replayer::Feed::note_tx_mismatch(std::uint32_t channel, std::string_view expected,
                                      std::string_view expected_peer, std::string_view actual,
                                      std::string_view actual_peer, std::uint64_t offset) {
  ++stats.tx_mismatches;
  note_first_tx(channel, TxSide{expected, expected_peer}, TxSide{actual, actual_peer}, offset);
}

void Replayer::Feed::note_first_tx(std::uint32_t channel, std::optional<TxSide> expected,
                                   std::optional<TxSide> actual, std::uint64_t offset) {
  if (stats.first_tx_mismatch) return;
  OwnedEvent base;
  base.kind = EventKind::tx;
  base.channel = channel;
  base.channel_kind = hub->find(channel) != nullptr ? kind_of(channel) : kind_of_recorded(channel);
  base.tyme = tyme_now();
  std::optional<OwnedEvent> x;
  if (expected) {
    x = base;
    x->bytes = std::string(expected->bytes);
    x->peer = std::string(expected->peer);
  }
  std::optional<OwnedEvent> y;
  if (actual) {
    y = base;
    y->bytes = std::string(actual->bytes);
    y->peer = std::string(actual->peer);
  }
  const char* field = !expected                          ? "extra"
                      : !actual                          ? "missing"
                      : expected->bytes == actual->bytes ? "peer"
                                                         : "bytes";
  std::optional<ChannelEvent> view;
  if (y) view = y->view();
  ReplayDivergence d = make_divergence(DivergenceKind::tx_differs, x ? &*x : nullptr,
                                       view ? &*view : nullptr, field, "");
  d.tx_offset = offset;
  stats.first_tx_mismatch = std::move(d);
}

void Replayer::Feed::note_unsent(const ChannelEvent& e, bool recorded) {
  if ((e.kind != EventKind::close && e.kind != EventKind::error) || e.bytes.empty()) return;
  // Only a stream's tx is discarded with bytes (a datagram channel's close
  // names the datagrams it discarded in its reason).
  const Channel* c = hub->find(e.channel);
  if ((c != nullptr ? c->kind() : kind_of_recorded(e.channel)) != ChannelKind::stream) return;
  if (!recorded) stats.tx_credit_held_bytes += e.bytes.size();
  settle_tx(e.channel, recorded, e.bytes);
}

void Replayer::Feed::record_tx(std::uint32_t channel, bool recorded, const ChannelEvent& e) {
  const Channel* c = hub->find(channel);
  const bool datagram = c != nullptr ? c->kind() == ChannelKind::datagram
                                     : kind_of_recorded(channel) == ChannelKind::datagram;
  if (!datagram) {
    if (recorded) tx_credit[channel] += e.bytes.size();
    settle_tx(channel, recorded, e.bytes);
    return;
  }
  DatagramTx& d = datagram_tx[channel];
  (recorded ? d.expected : d.actual).push_back(Datagram{std::string(e.peer), std::string(e.bytes)});
  (recorded ? d.expected_bytes : d.actual_bytes) += e.bytes.size();
  settle_datagrams(channel, /*final=*/false, stats);
}

void Replayer::Feed::settle_datagrams(std::uint32_t channel, bool final, NoiseStats& into) {
  DatagramTx& d = datagram_tx[channel];
  std::deque<Datagram>& e = d.expected;
  std::deque<Datagram>& a = d.actual;
  const auto pop = [&d](std::deque<Datagram>& side) {
    (&side == &d.expected ? d.expected_bytes : d.actual_bytes) -= side.front().bytes.size();
    side.pop_front();
  };
  const auto missing = [&] {
    note_first_tx(channel, TxSide{e.front().bytes, e.front().peer}, std::nullopt, d.offset);
    ++into.tx_datagrams_missing;
    into.tx_missing_bytes += e.front().bytes.size();
    pop(e);
  };
  const auto extra = [&] {
    note_first_tx(channel, std::nullopt, TxSide{a.front().bytes, a.front().peer}, d.offset);
    ++into.tx_datagrams_extra;
    into.tx_extra_bytes += a.front().bytes.size();
    d.offset += a.front().bytes.size();
    pop(a);
  };
  const std::size_t kept_max = options.noise_tx_kept_bytes;
  // Where `d` is among the first datagrams after the front of `side`.
  const auto find = [](const std::deque<Datagram>& side, const Datagram& datagram) {
    for (std::size_t i = 1; i < std::min(side.size(), kDatagramWindow); ++i)
      if (side[i] == datagram) return i;
    return kDatagramWindow;
  };
  while (!e.empty() && !a.empty()) {
    if (e.front() == a.front()) {
      d.offset += a.front().bytes.size();
      pop(e);
      pop(a);
      continue;
    }
    // Datagrams more on one side (a duplicated request answered twice) or
    // fewer (a dropped one never answered): the fewest that make the fronts
    // pair again are extra (or missing), and the datagrams after them pair.
    // Decided once no fewer can show up (a datagram still to come on the
    // other side would be further), at the end, or beyond the bound.
    const std::size_t extra_n = find(a, e.front());
    const std::size_t missing_n = find(e, a.front());
    const std::size_t n = std::min(extra_n, missing_n);
    const bool complete = final || (a.size() >= kDatagramWindow && e.size() >= kDatagramWindow) ||
                          d.expected_bytes > kept_max || d.actual_bytes > kept_max;
    if (n < kDatagramWindow && (n <= std::min(a.size(), e.size()) || complete)) {
      for (std::size_t i = 0; i < n; ++i)
        extra_n <= missing_n ? extra() : missing();
      continue;
    }
    if (!complete) break;  // a datagram to come may still pair them
    note_tx_mismatch(channel, e.front().bytes, e.front().peer, a.front().bytes, a.front().peer,
                     d.offset);
    d.offset += a.front().bytes.size();
    pop(e);
    pop(a);
  }
  // The side that runs ahead alone: compared when the other catches up, or
  // (at the end, or beyond the bound) missing or extra.
  while (!e.empty() && (final || d.expected_bytes > kept_max))
    missing();
  while (!a.empty() && (final || d.actual_bytes > kept_max))
    extra();
}

// ---- Replayer -------------------------------------------------------------------

Replayer::Replayer(const std::string& path, ReplayOptions options)
    : feed_(std::make_unique<Feed>(path, std::move(options))) {
  const JournalHeader* h = feed_->reader.header();
  if (h == nullptr) {
    if (feed_->reader.error()) throw JournalException(*feed_->reader.error());
    throw std::runtime_error("replay: journal '" + path + "' has no header");
  }
  header_ = *h;
  feed_->header_tock = header_.tock;
  if (feed_->options.overrun > Tock{0} && !feed_->noisy) {
    throw std::invalid_argument(
        "replay: an overrun needs noise (a strict replay ends where the recorded run did)");
  }
}

Replayer::~Replayer() {
  HIO_CHECK(!running_,
            "Replayer destroyed during its own run() (by a doer, an EventSink or an observer); "
            "run() would go on to finish it: end the run first (request_stop())");
}

JournalHeader Replayer::output_header() const {
  JournalHeader h = header_;
  h.mode = Mode::replay;
  h.wall_clock.clear();
  h.channels.clear();
  // This replay's own noise, not the recorded run's (a noise replay of a
  // noise replay perturbs the already perturbed inputs).
  const NoiseSpec& noise = feed_->options.noise;
  h.noise = noise.empty() ? std::string() : noise.text;
  h.noise_seed = noise.empty() ? 0 : feed_->options.noise_seed;
  // The inputs carry every noise the replayed journal's did, and this one's.
  h.noise_chain = noise_chain_of(header_);
  if (!noise.empty()) h.noise_chain.push_back(NoiseStep{h.noise, h.noise_seed});
  return h;
}

void Replayer::check_doist(const Doist& doist) const {
  if (doist.tock() != header_.tock) {
    throw std::invalid_argument("replay: the Doist's tock " + format_seconds(doist.tock()) +
                                " s is not the journal's " + format_seconds(header_.tock) + " s");
  }
  // A journal records a run from tyme 0 (Journal refuses any other), and the
  // replay must run it from there too.
  if (auto why = detail::not_from_zero(doist, doist.tyme(), detail::StartCheck::attach)) {
    throw std::invalid_argument(not_from_zero_text(*why));
  }
}

void Replayer::run_starting(Tyme start) {
  // A run given a start tyme (Doist::run's) after attach: refused before
  // its doers enter, as at attach.
  if (auto why = detail::not_from_zero(*feed_->doist, start, detail::StartCheck::run)) {
    throw std::logic_error(not_from_zero_text(*why));
  }
}

void Replayer::attach(Doist& doist, IoHub& hub) {
  if (feed_->attached || feed_->doist != nullptr || feed_->doist_gone) {
    throw std::logic_error("Replayer::attach called twice");
  }
  if (doist.real()) {
    throw std::invalid_argument(
        "replay: the Doist must run in virtual time (replay runs as fast "
        "as it can, whatever mode recorded the journal)");
  }
  check_doist(doist);
  hub.require_clock_of(doist, "Replayer::attach");
  if (hub.channel_count() != 0) {
    throw std::invalid_argument(
        "replay: attach the replayer before any channel exists (the hub has " +
        std::to_string(hub.channel_count()) + ")");
  }
  feed_->watch_doist(doist);
  feed_->hub = &hub;
  hub.set_override(feed_.get());
  hub.add_sink(*this);
  doist.attach(*this);
  doist.add_observer(*this);
  feed_->attached = true;
}

ReplayResult Replayer::run(std::span<Doer* const> doers, Journal* journal) {
  if (feed_->doist == nullptr) {
    throw std::logic_error(feed_->doist_gone ? "Replayer::run after its Doist was destroyed"
                                             : "Replayer::run before attach");
  }
  check_doist(*feed_->doist);  // its tock may have changed since attach
  const FlagScope running(running_);
  RunEnd end = RunEnd::interrupted;
  try {
    end = journal != nullptr ? journal->run(doers) : feed_->doist->run(doers);
  } catch (const JournalWriteError&) {
    throw;  // the replay's own journal failed: not the doers
  } catch (const std::bad_alloc&) {
    throw;  // out of memory (the doers', the reader's): no result to compare
  } catch (const std::exception& e) {
    threw(e.what());  // the journal, if any, was finished with end=error
  }
  return finish(end);
}

void Replayer::threw(std::string_view what) {
  Feed& f = *feed_;
  if (f.thrown) return;
  f.thrown = std::string(what);
  f.thrown_at = f.tyme_now();
}

void Replayer::Feed::compare_thrown() {
  // The replay's doers threw: faithful if the recorded run threw the same at
  // the same pass. Otherwise the end differs - and a divergence found in this
  // pass (the doers' exit closes, made as the Doist closed them after the
  // exception) is a consequence of it, not the cause.
  const JournalTrailer* error = recorded_error();
  const bool same = error != nullptr && error->end_text == *thrown && error->end_tyme == thrown_at;
  if (same) return;
  if (divergence && divergence->tyme < thrown_at) return;
  divergence.reset();
  std::string detail = "the replay's doers threw " + quoted_text(*thrown) + "; ";
  if (error == nullptr) {
    detail += "the recorded run did not end with an error there";
  } else {
    detail += "the recorded run ended with the error " + quoted_text(error->end_text) +
              " at pass " + std::to_string(pass_of(error->end_tyme)) + " (tyme " +
              format_seconds(error->end_tyme) + " s)";
  }
  diverge(DivergenceKind::end_differs, nullptr, nullptr, "end", std::move(detail));
  divergence->tyme = thrown_at;
  divergence->pass = pass_of(thrown_at);
}

ReplayResult Replayer::finish(RunEnd end) {
  Feed& f = *feed_;
  if (f.doist == nullptr && !f.doist_gone) {
    throw std::logic_error("Replayer::finish before attach");
  }
  ReplayResult r;
  if (f.attached) {
    if (f.thrown && !f.noisy) f.compare_thrown();
    if (!f.stopped_early) f.final_checks();
    f.attached = false;
    f.hub->set_override(nullptr);
    f.hub->remove_sink(*this);
    if (f.doist != nullptr) {  // a Doist destroyed has forgotten both
      f.doist->detach(*this);
      f.doist->remove_observer(*this);
    }
  }
  r.end = end;
  r.passes = f.passes();
  r.events = f.digest.events();
  r.digest = f.digest.value();
  r.recorded_events = f.reader.events_read();
  r.recorded_digest = f.reader.digest();
  if (f.stopped_early) {
    // Frames are read one pass ahead at most: those taken at or past the
    // stop are all of the last tyme read.
    const bool ahead = f.last_recorded_tyme && *f.last_recorded_tyme >= f.tyme_now();
    const Feed::Taken& c = ahead ? f.taken_before_last_tyme : f.taken;
    r.recorded_events = c.events;
    r.recorded_digest = c.digest;
    r.recorded_before_stop = true;
  }
  if (const JournalTrailer* t = f.reader.trailer()) r.recorded_trailer = *t;
  if (f.reader.error()) {
    r.journal_error = f.reader.error();
  } else if (f.trailer_error) {
    r.journal_error = f.trailer_error;
  }
  r.noise = f.stats;
  r.divergence = f.divergence;
  r.error = f.thrown;
  r.error_tyme = f.thrown_at;
  r.doers_on_both_ends = f.both_ends;
  r.status = f.noisy        ? ReplayStatus::perturbed
             : f.divergence ? ReplayStatus::diverged
                            : ReplayStatus::identical;
  return r;
}

std::size_t Replayer::channels_kept() const {
  return feed_->channels_kept();
}

bool Replayer::diverged() const {
  return feed_->divergence.has_value() && !feed_->noisy;
}

bool Replayer::damaged() const {
  return feed_->reader.error().has_value();
}

void Replayer::poll() {
  feed_->draining = false;  // a pass starts
  feed_->polled = true;
  feed_->pump();
}

bool Replayer::busy() const {
  // Nothing is in flight between passes: what is due is in next_tyme().
  return false;
}

Tyme Replayer::next_tyme() const {
  const Feed& f = *feed_;
  return f.attached && !f.ended ? f.next_tyme : kTymeNever;
}

void Replayer::pass_ended(Tyme tyme) {
  Feed& f = *feed_;
  if (!f.attached) return;
  f.pass_end(tyme);
  // A divergence found while the doers were built asked a Doist that had
  // not started its run to stop, and run() starts by clearing that: ask again.
  if (f.divergence && !f.noisy) f.doist->request_stop();
}

void Replayer::run_ending(Tyme tyme) {
  Feed& f = *feed_;
  if (!f.attached) return;
  // At the recorded end: inputs recorded at the end tyme, before the exit's
  // closes (a real-time capture received them while it waited out its last
  // tock), are delivered now, as the recorded run received them.
  if (f.ended) {
    f.closing = true;
    f.pump();
  } else if (f.doist->stop_signal() != 0 ||
             (f.doist->limit() > Tock{0} && tyme >= Tyme{f.doist->limit()})) {
    f.stopped_early = true;
  }
}

void Replayer::on_event(const ChannelEvent& event) {
  Feed& f = *feed_;
  f.digest.add(event);
  if (!f.attached || f.stopped_early) return;
  if (f.noisy) {
    if (event.kind == EventKind::tx && f.transport(event.channel) != nullptr) {
      f.record_tx(event.channel, /*recorded=*/false, event);
    }
    f.note_unsent(event, /*recorded=*/false);
    return;
  }
  f.strict_event(event);
}

// ---- text -------------------------------------------------------------------------

const char* to_string(DivergenceKind kind) {
  switch (kind) {
    case DivergenceKind::tx_differs:
      return "tx differs";
    case DivergenceKind::tx_missing:
      return "tx missing";
    case DivergenceKind::tx_extra:
      return "extra tx";
    case DivergenceKind::event_differs:
      return "event differs";
    case DivergenceKind::event_missing:
      return "event missing";
    case DivergenceKind::event_extra:
      return "extra event";
    case DivergenceKind::undeliverable:
      return "input not deliverable";
    case DivergenceKind::end_differs:
      return "end differs";
  }
  return "?";
}

const char* to_string(ReplayStatus status) {
  switch (status) {
    case ReplayStatus::identical:
      return "identical";
    case ReplayStatus::diverged:
      return "diverged";
    case ReplayStatus::perturbed:
      return "perturbed";
  }
  return "?";
}

std::string format_divergence(const ReplayDivergence& d) {
  std::string out = std::string(kDivergedEndPrefix) + "pass " + std::to_string(d.pass) + " (tyme " +
                    format_seconds(d.tyme) + " s)";
  // An end that differs is the run's, no channel's.
  if (d.kind != DivergenceKind::end_differs) out += " on channel #" + std::to_string(d.channel);
  if (!d.channel_name.empty()) {  // a doer's name: quoted and escaped, as inspect does
    out += ' ';
    append_quoted(out, d.channel_name);
  }
  out += ": " + std::string(to_string(d.kind));
  if (d.field != "missing" && d.field != "extra" && d.field != "end" && !d.field.empty()) {
    out += " (" + d.field + ")";
  }
  out += '\n';
  if (!d.detail.empty()) out += "  " + d.detail + '\n';
  FormatOptions text;
  text.text_bytes_max = 48;
  const auto line = [&](const std::optional<OwnedEvent>& e) {
    if (!e) return std::string("(none)");
    return format_event(e->view(), pass_number(e->tyme, d.tock), text);
  };
  if (d.kind == DivergenceKind::end_differs && !d.expected && !d.actual) return out;
  out += "  expected: " + line(d.expected) + '\n';
  out += "  actual:   " + line(d.actual) + '\n';
  const bool tx = (d.expected && d.expected->kind == EventKind::tx) ||
                  (d.actual && d.actual->kind == EventKind::tx);
  if (tx) out += "  tx stream offset " + std::to_string(d.tx_offset) + '\n';
  const std::string_view expected = d.expected ? std::string_view(d.expected->bytes) : "";
  const std::string_view actual = d.actual ? std::string_view(d.actual->bytes) : "";
  if (d.field == "bytes" || (tx && expected != actual)) out += hex_diff(expected, actual);
  if (d.field == "peer" && d.expected && d.actual)
    out += hex_diff(d.expected->peer, d.actual->peer);
  if (d.field == "text" && d.expected && d.actual)
    out += hex_diff(d.expected->text, d.actual->text);
  return out;
}

namespace {
bool first_tx_is_datagram(const ReplayDivergence& d) {
  const std::optional<OwnedEvent>& e = d.expected ? d.expected : d.actual;
  return e && e->channel_kind == ChannelKind::datagram;
}
}  // namespace

std::uint64_t first_tx_mismatch_offset(const ReplayDivergence& d) {
  const std::string_view e = d.expected ? std::string_view(d.expected->bytes) : "";
  const std::string_view a = d.actual ? std::string_view(d.actual->bytes) : "";
  const std::size_t n = std::min(e.size(), a.size());
  std::size_t i = 0;
  while (i < n && e[i] == a[i])
    ++i;
  // A datagram's: where it starts (it differs as a whole).
  return d.tx_offset + (first_tx_is_datagram(d) ? 0 : i);
}

std::string format_first_tx_mismatch(const ReplayDivergence& d) {
  std::string out = "pass " + std::to_string(d.pass) + " (tyme " + format_seconds(d.tyme) +
                    " s) on channel #" + std::to_string(d.channel);
  if (!d.channel_name.empty()) {
    out += ' ';
    append_quoted(out, d.channel_name);
  }
  const bool datagram = first_tx_is_datagram(d);
  const std::string offset = std::to_string(first_tx_mismatch_offset(d));
  if (d.field == "missing")
    return out + ": a recorded datagram was not sent, at tx offset " + offset;
  if (d.field == "extra") {
    return out + ": a datagram the recording did not send was sent, at tx offset " + offset;
  }
  if (d.field == "peer") return out + ": the datagram's peer differs, at tx offset " + offset;
  if (datagram) return out + ": the datagram differs, at tx offset " + offset;
  return out + ": the bytes differ from tx stream offset " + offset;
}

std::string format_noise_stats(const NoiseStats& n) {
  return std::to_string(n.rx_seen) + " rx: " + std::to_string(n.dropped) + " dropped, " +
         std::to_string(n.delayed) + " delayed, " + std::to_string(n.duplicated) + " duplicated, " +
         std::to_string(n.corrupted) + " corrupted, " + std::to_string(n.reordered) +
         " reordered, " + std::to_string(n.undelivered) + " undelivered" +
         (n.stalled_dropped == 0
              ? std::string()
              : " (" + std::to_string(n.stalled_dropped) + " rx dropped: the backlog behind " +
                    (n.stalled_dropped == 1 ? "its" : "their") +
                    " channel's full rx was at its bound)") +
         "; tx: " + counted(n.tx_mismatches, "mismatch", "mismatches") + ", " +
         counted(n.tx_missing_bytes, "byte") + " missing, " + counted(n.tx_extra_bytes, "byte") +
         " extra" +
         (n.tx_datagrams_missing + n.tx_datagrams_extra == 0
              ? std::string()
              : ", " + counted(n.tx_datagrams_missing, "datagram") + " missing, " +
                    counted(n.tx_datagrams_extra, "datagram") + " extra") +
         (n.tx_credit_held_bytes == 0 ? std::string()
                                      : "; " + counted(n.tx_credit_held_bytes, "byte") +
                                            " held back by the tx credit until the close") +
         (n.tx_credit_released_bytes == 0 ? std::string()
                                          : "; " + counted(n.tx_credit_released_bytes, "byte") +
                                                " sent beyond the credit after the peer's FIN");
}

std::string format_replay_error_end(const ReplayResult& r) {
  const bool recorded = r.recorded_trailer && ended_by_exception(*r.recorded_trailer);
  if (!r.error && !recorded) return "";
  std::string out = "; ";
  if (r.error) {
    out += "the doers threw " + quoted_text(*r.error) + " at tyme " + format_seconds(r.error_tyme) +
           " s";
    if (recorded && r.recorded_trailer->end_text == *r.error &&
        r.recorded_trailer->end_tyme == r.error_tyme) {
      return out + ", as in the recorded run (reproduced)";
    }
    out += ", ";
  }
  if (!recorded) return out + "which the recorded run did not";
  return out + "the recorded run ended with the error " +
         quoted_text(r.recorded_trailer->end_text) + " at tyme " +
         format_seconds(r.recorded_trailer->end_tyme) + " s" +
         (r.error ? "" : ", which the replay did not reproduce");
}

std::string format_replay_result(const ReplayResult& r) {
  std::string out = std::string("replay ") + to_string(r.status) + ": " +
                    counted(r.passes, "pass", "passes") + ", " + counted(r.events, "event") +
                    ", digest " + format_digest(r.digest) +
                    " (journal: " + counted(r.recorded_events, "event") +
                    (r.recorded_before_stop ? " before the stop" : "") + ", digest " +
                    format_digest(r.recorded_digest) + ")";
  if (r.status == ReplayStatus::perturbed) out += "; noise on " + format_noise_stats(r.noise);
  out += format_replay_error_end(r);
  if (r.journal_error) out += "; the journal is damaged: " + r.journal_error->describe();
  return out;
}

}  // namespace hio::replay
