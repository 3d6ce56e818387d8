// Replayer: replays a journal into a rebuilt run. Every channel the doers make
// gets a replay transport bound to its recorded channel; recorded inputs are
// delivered at their recorded pass and place, every tx the doers make is
// compared with the recorded tx, and the first mismatch is a divergence.
// Optionally a seeded noise model perturbs the recorded rx.
#pragma once

#include <cstdint>
#include <exception>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hio/engine/doist.hpp"
#include "hio/engine/random.hpp"
#include "hio/engine/reactor.hpp"
#include "hio/io/hub.hpp"
#include "hio/io/transport.hpp"
#include "hio/replay/digest.hpp"
#include "hio/replay/error.hpp"
#include "hio/replay/noise.hpp"
#include "hio/replay/out_of_memory.hpp"
#include "hio/replay/reader.hpp"
#include "hio/replay/types.hpp"

namespace hio::replay {

class Journal;
class JournalWriter;

// The numeric values are not journaled; the names are printed.
enum class DivergenceKind : std::uint8_t {
  tx_differs,     // a tx carried other bytes (or another peer) than recorded
  tx_missing,     // a recorded tx was not made (whole, or only a prefix of it) by its pass's end
  tx_extra,       // tx bytes were written that the journal never sent
  event_differs,  // another event (open, close, log, ...) differs from the recorded one
  event_missing,  // a recorded event (not tx) did not happen by its pass's end
  event_extra,    // an event happened that the journal does not have there
  undeliverable,  // a recorded input could not be delivered (no such channel, rx full)
  end_differs,    // the run ended otherwise: the recorded run's doers threw here and the
                  // replay's did not, or the replay's threw (another text, another pass)
};
const char* to_string(DivergenceKind kind);

// The first place where a replay differs from its journal.
struct ReplayDivergence {
  DivergenceKind kind = DivergenceKind::tx_differs;
  std::uint64_t pass = 0;  // tyme / tock
  Tyme tyme{};
  Tock tock{1};  // the journal's
  std::uint32_t channel = 0;
  std::string channel_name{};  // "" for channel 0 (log) or an unknown channel
  std::string field{};         // the first differing field, as first_difference() names it
  std::optional<OwnedEvent> expected{};
  std::optional<OwnedEvent> actual{};
  // tx: bytes the channel had sent (and matched) before the expected tx event.
  std::uint64_t tx_offset = 0;
  std::string detail{};  // one more sentence where it helps ("3 of 6 bytes sent")

  // One line, where and what: `replay diverged at pass 12 (tyme 0.012 s) on
  // channel #3 "tcp://127.0.0.1:0/3": tx differs` (a doer's channel name
  // quoted and escaped). What `hio replay` and `hio sweep` print as the
  // failure, and the end text of a diverged replay's own journal; the first
  // line of format_divergence(), which adds the events and bytes.
  std::string describe() const;
};

enum class ReplayStatus : std::uint8_t {
  identical,  // every recorded event happened, in order, and nothing else
  diverged,   // see ReplayResult::divergence
  perturbed,  // a noise replay ran to the end (tx mismatches are counted, not failed)
};
const char* to_string(ReplayStatus status);

// What noise did and what it changed (noise replays only).
struct NoiseStats {
  std::uint64_t rx_seen = 0;  // recorded rx the model decided on
  std::uint64_t dropped = 0;
  std::uint64_t delayed = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t corrupted = 0;
  std::uint64_t reordered = 0;  // datagrams held for the channel's next one (not streams)
  // Recorded inputs that could not be delivered (their channel is gone or was
  // never made) and held rx still held after the last pass the doers ran
  // (the closing pass at the recorded end releases none: no doer reads it).
  std::uint64_t undelivered = 0;
  // Of undelivered: recorded rx dropped (and journaled as drops) because the
  // recorded inputs waiting behind their channel's full rx were at their
  // bound (ReplayOptions::noise_stalled_kept_bytes: doers that do not read
  // what the recording's read).
  std::uint64_t stalled_dropped = 0;
  // tx compared against the recorded tx: a stream channel's as a byte
  // stream (mismatches: the places where the streams part; after each the
  // comparison realigns them at a recorded tx chunk, docs/replay.md "Stream
  // tx under noise"), a datagram channel's datagram by datagram (mismatches:
  // datagrams whose bytes or peer differ). Missing and extra: of a stream,
  // the bytes one side had more where the streams parted and realigned, and
  // those left over on either side at the end; of datagrams, those missing or
  // extra; and of a stream the bytes its closes discarded unsent beyond
  // (extra) or short of (missing) what the recorded closes discarded.
  std::uint64_t tx_mismatches = 0;
  std::uint64_t tx_missing_bytes = 0;
  std::uint64_t tx_extra_bytes = 0;
  // Datagrams recorded that the replay did not send, and sent that the
  // recording did not have, where the datagrams around them pair up (one
  // duplicated request answered twice is one extra datagram).
  std::uint64_t tx_datagrams_missing = 0;
  std::uint64_t tx_datagrams_extra = 0;
  // Stream tx credit (docs/replay.md): bytes the doers wrote that the credit
  // held back until their channel's close discarded them, and bytes sent
  // beyond the recording's credit once the channel's rx had ended (rx_end).
  std::uint64_t tx_credit_held_bytes = 0;
  std::uint64_t tx_credit_released_bytes = 0;
  // Where the tx first differed, for information, not failure: a mismatch,
  // or a datagram missing (field "missing", only `expected`) or extra
  // ("extra", only `actual`).
  std::optional<ReplayDivergence> first_tx_mismatch{};
};

struct ReplayResult {
  ReplayStatus status = ReplayStatus::identical;
  std::optional<ReplayDivergence> divergence{};  // status diverged
  // How the replay's Doist run ended: interrupted whenever the replayer
  // ended it itself, at the recorded end (whatever ended the recorded run:
  // recorded_trailer->end says that) or after a divergence; done or stalled
  // when the doers ended it first; limit for the Doist's own limit.
  RunEnd end = RunEnd::done;
  std::uint64_t passes = 0;           // nominal passes of the replay run
  std::uint64_t events = 0;           // events the replay made (at its hub)
  std::uint64_t digest = 0;           // hio-digest-1 of those events
  std::uint64_t recorded_events = 0;  // events read from the journal
  std::uint64_t recorded_digest = 0;  // digest of the events read
  // The replay stopped before the recorded end (a signal, the Doist's
  // limit): recorded_events and recorded_digest are of the journal's events
  // before the tyme it stopped at (those it replayed), not of those read
  // ahead past it.
  bool recorded_before_stop = false;
  // The journal's trailer, when the replay read it (how the recorded run ended).
  std::optional<JournalTrailer> recorded_trailer{};
  // The journal was damaged or cut: the replay covered its valid prefix only.
  // Also bad_trailer for an intact trailer whose end tyme cannot be true
  // (before the last pass, or not passes x tock): the replay ended after the
  // last recorded pass instead.
  std::optional<JournalError> journal_error{};
  NoiseStats noise{};
  // The replay's doers threw (the run ended as a recorded end=error does):
  // the exception's text and the tyme of the pass that threw. A strict
  // replay is faithful when the journal's trailer has end=error with the same
  // text at the same tyme; otherwise it is a divergence (end_differs).
  std::optional<std::string> error{};
  Tyme error_tyme{};
  // That exception was the doers' std::bad_alloc (Replayer::threw's
  // out_of_memory; Replayer::doers_out_of_memory): memory ran out in a pass
  // of a noise replay, or of a strict replay whose recorded run ran out there
  // too (reproduced). A sweep of noise replays ends on it
  // (SeedRun::out_of_memory), as hio sweep does.
  bool out_of_memory = false;
  // A noise replay ran on this long past the recorded end by itself, to
  // deliver the rx its delay held there (ReplayOptions::overrun not set); 0
  // when it did not.
  Tock ran_on{0};
  // A channel of the journal talked to an address that is another channel's
  // own (a loopback capture whose both ends are doers of the run, or a
  // SimNet run): noise on one side's inputs does not reach the other side.
  bool doers_on_both_ends = false;
  // The journal header's engine_version: the hio that recorded it. A
  // diverged replay of a journal with a Journal change between its version
  // and this hio's (versions_between) may be the versions' doing:
  // format_replay_result then says so (format_recorded_version), as `hio
  // replay`'s `recorded:` line.
  std::string recorded_engine_version{};
  bool identical() const { return status == ReplayStatus::identical; }
};

struct ReplayOptions {
  ReaderOptions reader{};
  // Noise on the recorded rx; empty = a strict replay.
  NoiseSpec noise{};
  // Root seed of the noise streams (kNoiseStream*).
  std::uint64_t noise_seed = 0;
  // A strict replay that diverged reads on, after the run, at most this many
  // recorded events to find the next tx of channels left with unsent bytes
  // (an extra tx reported at the pass it was written); a channel whose next
  // tx is further is not blamed, and the divergence noticed stands.
  std::uint64_t extra_tx_lookahead_events = 1'000'000;
  // A noise replay compares tx per channel as a byte stream; the side that
  // runs ahead (doers writing more than recorded, or less) keeps at most this
  // many bytes for the comparison. Bytes beyond it are counted (extra or
  // missing, at the end) but not compared byte for byte, nor realigned.
  // (Streams that parted keep at most 64 KiB a side to realign in.)
  std::size_t noise_tx_kept_bytes = std::size_t{1} << 20;
  // A noise replay holds a stream channel's recorded inputs back while its
  // rx is full (only that channel waits); it keeps their rx per channel up
  // to what the channel holds in flight when its doers read as recorded (its
  // rx buffer, and the most rx the recording delivered to it in one pass
  // times the passes the longest delay spans plus one) and this many bytes
  // beyond (always the first). A further rx is dropped, journaled as a
  // `noise` drop and counted undelivered (NoiseStats::stalled_dropped), so
  // doers that never read do not keep the rest of the channel's recording
  // in memory, and delay alone never loses data.
  std::size_t noise_stalled_kept_bytes = std::size_t{1} << 20;
  // A noise replay runs this long past the recorded end (0: ends there): the
  // doers go on with no more recorded inputs, so rx that noise holds past
  // the end is delivered and their timeouts fire. More than 0 only with noise
  // (a strict replay's end is the recorded one): std::invalid_argument
  // otherwise. Not set (the default): a noise replay with `delay` of a run
  // that ended by itself (done, stalled) or by a signal (interrupted) runs on
  // while its noise holds rx back at the recorded end, until they are
  // delivered - at most the longest delay and one tock past that end - so
  // that delay alone never loses the last replies (ReplayResult::ran_on). A
  // run that ended at its limit, or by an error, ends where it did.
  std::optional<Tock> overrun{};
  // A test hook: off, the replay keeps every channel's state to the end
  // instead of forgetting a channel once both sides are finished with it, so
  // its memory grows with the journal's channels. The results are the same
  // either way (tests/replay/churn_replay_test.cpp compares them).
  bool forget_finished_channels = true;
  // A strict replay (no noise, of a journal that had none) diverges at a
  // recorded input the doers' channel could not have received under its
  // options: an accept beyond the listener's remotes_max, a datagram over
  // its datagram_bytes_max ("input not deliverable"). For a replay whose
  // scenario is not the recorded one (`hio replay --scenario` or `--set`
  // turn it on): one that lowers such a limit must not say identical. Off,
  // the record is the truth: a transport of an embedder's own need not
  // hold those limits, and its journals replay as recorded.
  bool hold_channel_limits = false;
};

// Usage (what `hio replay` does; the tests compile this as written:
// consumer_header_usage; docs/replay.md's echo_replay.cpp is a whole program):
//
// <!-- consumer: replayer_usage.cpp -->
// ```cpp
// #include <functional>
// #include <iostream>
// #include <string>
// #include <vector>
//
// #include <hio/replay/replayer.hpp>
//
// // Makes the doers from the journal's scenario, exactly as the recorded run
// // made them (the caller owns them).
// using Build = std::function<std::vector<hio::Doer*>(const std::string&, hio::IoHub&)>;
//
// int replay(const std::string& file, const Build& build) {
//   hio::replay::Replayer replayer(file);                     // throws if no header
//   const hio::replay::JournalHeader& h = replayer.header();  // scenario, seed, tock, channels
//   hio::Doist doist(h.tock);                                 // virtual time
//   hio::IoHub io(doist.tymth());
//   doist.attach(io);
//   replayer.attach(doist, io);  // before any channel exists
//   // optional: hio::replay::Journal out(doist, io, "replayed.hioj", replayer.output_header());
//   const std::vector<hio::Doer*> doers = build(h.scenario, io);
//   const hio::replay::ReplayResult r = replayer.run(doers);  // or run(doers, &out)
//   if (r.status == hio::replay::ReplayStatus::diverged) {    // (a noise replay ends perturbed)
//     std::cerr << hio::replay::format_divergence(*r.divergence);  // only when diverged
//   }
//   return r.identical() ? 0 : 3;
// }
// ```
//
// Binding: channels are bound to recorded channels by id. The hub numbers
// channels 1, 2, 3, ... in creation order, and so did the recorded run's hub,
// so a run rebuilt the same way makes the same channels in the same order;
// each channel's open event is compared with the recorded one (name, address,
// kind), so a different channel in a slot is a divergence at once.
//
// Events: the replay walks the recorded event stream in order. Inputs - connect,
// accept (which makes the accepted channel, with a replay transport), rx,
// close by the remote, error, noise - are delivered by the replayer as soon as
// they are next in the stream: at the start of their pass (the replayer is a
// Reactor), or when a transport is started or serviced (a listener's connect
// right after its open, an accept right after the client's open). Outputs -
// open, tx, close by a doer, log - are made by the doers and compared as they
// pass the hub's choke point. A recorded tx is taken from the channel's tx
// buffer when it is next in the stream and the buffer holds at least as many
// bytes (so a tx is cut as it was recorded, whatever transport recorded it).
// An error event is replayed as ChannelPort::failed on streams and on
// channels still opening, as ChannelPort::error otherwise.
//
// The first mismatch stops the run after the pass it happened in. Recorded
// events of a pass still outstanding at its end are missing; tx bytes still
// unsent when the replay ends are extra, or differ from the journal's next tx
// on their channel (reported at the pass they were first left over). The
// replay ends where the recorded run ended (the trailer's end tyme: it stops
// after the pass before it, so the doers' exit lands there), or after the
// last recorded pass of a journal without a trailer, with an unknown end
// (salvaged), or whose end tyme cannot be true (see
// ReplayResult::journal_error).
//
// Noise (options.noise not empty): recorded rx go through the noise model
// (each kind with its own stream) and every decision is a noise event on the
// channel; the rest of the inputs are delivered as recorded. The doers now see
// other inputs, so outputs are not compared event by event: only tx, as a byte
// stream per stream channel (realigned at a recorded tx chunk after each
// mismatch) or datagram by datagram, and mismatches are counted in
// NoiseStats (status perturbed), not failed. Other outputs are not
// compared. A stream's transport sends only as far as the recording had sent
// by then (each recorded tx reached releases its bytes as credit), so a
// recorded slow reader holds the doers back as it did; what they wrote beyond
// is discarded by their close, and counted against the recorded close's.
//
// Time: the Doist must be virtual (std::invalid_argument otherwise) with the
// journal's tock, and runs as fast as the CPU allows. A Doist with a limit
// (counted from tyme 0) that ends the run before the recorded end replays
// the journal up to there: the doers' exit closes at the limit and the
// journal's events after it are not compared (as after a signal), and a
// strict replay that matched so far is identical. The replayer takes part
// in time skipping as SimNet does: next_tyme() is the next recorded pass (or
// a held rx, or the last pass before the recorded end), so idle stretches of
// the recorded run are skipped in the replay too (with skipping on).
//
// Memory: the journal is read once, streaming: the recorded events of the
// pass in progress and of the next recorded pass, whatever the journal's
// size; per channel a little, until it is finished with (channels_kept), so
// the channels open at once count, not all the journal's; a noise replay
// also its held rx and, per channel, at most noise_tx_kept_bytes of tx not
// yet compared and the bound of rx waiting behind a full rx
// (ReplayOptions::noise_stalled_kept_bytes).
//
// Ownership: the replayer owns its reader and the transports' shared state;
// the Doist and the hub are not owned. The hub must outlive the attachment.
// The Doist may go first: the replayer watches it (TymistWatcher) and reads
// it no more once it is destroyed. finish() then still gives the result
// (final checks included; a divergence they find is stamped with the
// Doist's last tyme), with passes = that tyme in the journal's tocks (what
// passes() of a replay's Doist, run from tyme 0, said); run() throws
// std::logic_error ("Replayer::run after its Doist was destroyed"). The
// hub's channels own their replay transports, which go inert (no events) when
// the replayer is destroyed or detached.
// Thrown out of the Doist's run by the Replayer's poll at the pass where the
// recorded run was ended by hio's own failure (ended_by_hio_failure: the
// error came out of the hub's poll, before the doers' pass): after the
// inputs recorded there before it, the replay ends there as the run did, the
// Doist closing the doers as after any error (their exit closes are compared
// with the recorded ones). what() is the recorded end text. Not the doers':
// Replayer::run takes it as the recorded end, and a program that calls
// doist.run itself catches it and calls finish(RunEnd::interrupted) (not
// threw()). Not thrown in a noise replay with an overrun.
class RecordedHioFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Replayer final : public Reactor, public PassObserver, public EventSink {
 public:
  // Opens the journal and reads its header. Throws JournalException if the
  // file cannot be read or has no intact header.
  explicit Replayer(const std::string& path, ReplayOptions options = {});
  ~Replayer() override;
  Replayer(const Replayer&) = delete;
  Replayer& operator=(const Replayer&) = delete;

  const JournalHeader& header() const { return header_; }
  // A header for journaling the replay: the recorded one with mode replay and
  // no wall clock or channel table (the Journal fills it).
  JournalHeader output_header() const;

  // Installs the replay transports (IoHub::set_override), the sink, the
  // reactor and the pass observer. Call once, before any channel exists.
  // Throws std::invalid_argument for a real-time Doist, a tock other than the
  // journal's, a Doist that has run before or was made at a start tyme
  // (tyme not 0: a journal's run starts at 0), or a hub that already has
  // channels. A run of the Doist given a start tyme other than 0 after
  // attach (Doist::run's) throws std::logic_error before its doers enter.
  void attach(Doist& doist, IoHub& hub);

  // doist.run(doers) (or journal->run), then finish(). Checks the Doist's
  // tock and tyme again first, as attach() does (std::invalid_argument).
  // Destroying the replayer during its run() (from a doer, a sink or an
  // observer) is a bug and aborts (HIO_CHECK): run() would go on to finish
  // it. A std::bad_alloc is compared as the doers' exception where
  // doers_out_of_memory says so (threw(what, true)); any other is thrown on,
  // not compared.
  // With a journal, watches its writer (watch_output).
  [[nodiscard]] ReplayResult run(std::span<Doer* const> doers, Journal* journal = nullptr);
  [[nodiscard]] ReplayResult run(std::initializer_list<Doer*> doers, Journal* journal = nullptr) {
    return run(std::span<Doer* const>(doers.begin(), doers.size()), journal);
  }
  // The writer of the replay's own journal (its --record), which must
  // outlive the replay's run and finish(). Once its file failed, that
  // stopped the run in a pass the recorded run went on from, as a signal
  // would have: nothing after the failure is compared (the doers' closes,
  // the recorded events left), and the replay did not diverge there
  // (ReplayResult::recorded_before_stop). Only this writer's failure counts:
  // a JournalWriteError of anyone else's (a doer's) is a doer's error.
  void watch_output(const JournalWriter& writer);
  // After doist.run returned `end`: the final checks (recorded events left,
  // tx left unsent), detaches, and gives the result.
  [[nodiscard]] ReplayResult finish(RunEnd end);
  // The doers threw `what` (doist.run threw it; the Doist has closed them):
  // call before finish, which then compares it with the recorded end (run()
  // does this itself, and returns the result rather than the exception).
  // `out_of_memory`: it was a std::bad_alloc (ReplayResult::out_of_memory).
  void threw(std::string_view what, bool out_of_memory = false);
  // Called in the catch of what came out of doist.run (or journal->run), as
  // run() does: takes `error` as the doers' exception (threw, with
  // out_of_memory for one that is_out_of_memory: a subclass such as
  // std::bad_array_new_length is a doer's bug, not out of memory) and
  // returns true; or returns false for the caller to throw it on: the
  // replay's own journal failed (watch_output), or it is out of memory that
  // is hio's (doers_out_of_memory). The one rule for a replay's caller
  // (hio replay's and run()'s). Out of memory is asked of `error` itself,
  // which must be the exception being handled (a reference to what the catch
  // caught); a std::bad_alloc that is not (a copy, another one, none being
  // handled) is std::logic_error, as own_out_of_memory's question of none
  // (until session 29 it was answered for the handled exception, whatever
  // `error` was). After the catch, pass the exception_ptr kept there.
  [[nodiscard]] bool take_thrown(const std::exception& error);
  // The same of the exception `error` holds (one that is no std::exception:
  // false, thrown on, as run() lets it through). None is std::logic_error.
  [[nodiscard]] bool take_thrown(const std::exception_ptr& error);
  // Whether the std::bad_alloc `error` came out of the replayer's own work
  // (the journal reader's, its comparisons', in its poll, observer, sink or
  // transports' calls), which runs inside the doers' passes: not the doers'
  // exception (out of memory is then hio's; a caller of doist.run throws it
  // on rather than call threw()). `error` is by default the exception being
  // handled, taken where this is called: in its catch; after the catch,
  // pass the exception_ptr kept there (std::current_exception()). Called
  // with none (outside a catch, no exception_ptr) it throws
  // std::logic_error: there is no exception to ask of (until session 28 it
  // answered false, so a caller asking after its catch was told "not the
  // replayer's" of the replayer's own). Before session 26 a bad_alloc in a
  // pass could not be told apart; before session 27 one of a doer that had
  // caught the replayer's and gone on was called the replayer's too.
  bool own_out_of_memory(const std::exception_ptr& error = std::current_exception()) const;
  // A std::bad_alloc (`what`; `error` as for own_out_of_memory: in its
  // catch, or its exception_ptr kept there; none is std::logic_error) came
  // out of doist.run: whether it is the doers' exception to call threw(what, true) with, as
  // hio run calls it (exit 5), or hio's to throw on (exit 6). The doers' when it is not the
  // replayer's own (own_out_of_memory) and the replay can compare it: a
  // noise replay (whose doers' exceptions are theirs, as in a run), or a
  // strict replay whose recorded run ended with it at this pass (reproduced)
  // or that diverged before it. Not where a strict replay's recorded run
  // did not run out: out of memory there says nothing of the doers, and
  // the replay has nothing to compare it with (the same replay may succeed
  // with more memory).
  bool doers_out_of_memory(std::string_view what,
                           const std::exception_ptr& error = std::current_exception());
  // A strict replay's first divergence so far. One found while the doers are
  // built (an open that differs) may make the build itself fail (a client
  // naming a listener whose recorded address never came): the divergence is
  // then the cause to report, not the build's error (finish(interrupted)).
  bool diverged() const;
  // The journal's reader has stopped on damage (it reads ahead of the
  // replay: as soon as the doers are built, the first recorded pass). A
  // build that then fails (a client naming a listener whose recorded
  // address is in the damaged frame) has the damage as its cause, to report
  // as any damage (finish(interrupted): ReplayResult::journal_error).
  bool damaged() const;
  // What the replay keeps per channel, as a count: the channels it keeps
  // state for (the recording's and the replay's channels not finished with)
  // plus the addresses kept for ReplayResult::doers_on_both_ends (those of
  // the channels not finished with). A channel
  // is finished with once the replay's doers released it (IoHub::release)
  // and the recording closed it (or it failed), with nothing of it still due;
  // so this follows the channels open at once, not the journal's length.
  std::size_t channels_kept() const;
  // A noise replay's work on the rx it holds back (delay, dup): how many
  // held rx it has looked at, to deliver them or find them still due or
  // without room, so far. It follows the rx held and the passes (a stream
  // whose rx is full is looked at once a pass, not each of its chunks held
  // behind), not their product.
  std::uint64_t noise_held_looked_at() const;
  // A noise replay's work on the held rx of the channels the doers close:
  // how many held rx the closes have looked at to discard their own. It
  // follows the rx held, not the channels times the rx held.
  std::uint64_t noise_close_looked_at() const;
  // A noise replay's work on the recorded inputs that wait (behind an rx
  // without room, or behind the network's decision about a send the doers
  // have not made yet): how many times a channel's waiting inputs were
  // looked at. It follows the passes and the channels whose inputs may go,
  // not the channels times the services of a pass.
  std::uint64_t noise_stalled_looked_at() const;

  // ---- hio::Reactor (the Doist's calls) ----
  void poll() override;
  void wait_until(std::chrono::steady_clock::time_point) override {}
  bool busy() const override;
  Tyme next_tyme() const override;
  // ---- hio::PassObserver ----
  void run_starting(Tyme start) override;
  void pass_ended(Tyme tyme) override;
  void run_ending(Tyme tyme) override;
  // ---- hio::EventSink (the hub's calls) ----
  void on_event(const ChannelEvent& event) override;

  // The replay transports' calls (replay/src only).
  struct Feed;
  Feed& feed() { return *feed_; }

 private:
  // The Doist can run this journal's replay: its tock, a fresh start.
  void check_doist(const Doist& doist) const;

  std::unique_ptr<Feed> feed_;
  JournalHeader header_;
  bool running_ = false;  // inside run(): destroying it there is a bug (checked)
};

// A multi-line report for people (its first line is describe()):
//   replay diverged at pass 12 (tyme 0.012 s) on channel #3 "tcp://127.0.0.1:0/3": tx differs
//     expected: p12 0.012 s40 #3 tx 6 "hello\n"
//     actual:   p12 0.012 s40 #3 tx 6 "HELLO\n"
//   tx stream offset 18
//   first difference at byte 0 (expected 6 bytes, actual 6 bytes)
//   - 00000000  68 65 6c 6c 6f 0a   |hello.|
//   + 00000000  48 45 4c 4c 4f 0a   |HELLO.|
//               ^^ ^^ ^^ ^^ ^^
std::string format_divergence(const ReplayDivergence& divergence);
// Where a noise replay's tx first differed (NoiseStats::first_tx_mismatch),
// as one line: `pass 934 (tyme 0.934 s) on channel #3 "echo": the bytes
// differ from tx stream offset 1000` (a datagram's: "the datagram differs,
// at tx offset N", "the datagram's peer differs, at ...", "a recorded
// datagram was not sent, at ..." or "a datagram the recording did not send
// was sent, at ...").
std::string format_first_tx_mismatch(const ReplayDivergence& mismatch);
// The stream offset of the first byte that differs in it (a datagram's: the
// offset of the datagram, the bytes of the datagrams before it).
std::uint64_t first_tx_mismatch_offset(const ReplayDivergence& mismatch);
// One line: "replay identical: 2001 passes, 1234 events, digest 0123456789abcdef".
// A diverged replay of a journal that versions_between says another version's
// Journal changes may explain ends "; recorded by hio 0.15.0; this is hio
// 0.22.0: the Journal changes of ..." (format_recorded_version).
std::string format_replay_result(const ReplayResult& result);
// How the replay's end compares with a recorded end=error ("; the doers threw
// \"x\" at tyme 0.002 s, as in the recorded run (reproduced)", or that the
// replay did not reproduce it); "" when neither run threw.
std::string format_replay_error_end(const ReplayResult& result);
// "N rx: D dropped, ... undelivered; tx: M mismatches, B bytes missing, E bytes extra"
// (then ", X datagrams missing, Y datagrams extra" when either is not 0).
std::string format_noise_stats(const NoiseStats& stats);

}  // namespace hio::replay
