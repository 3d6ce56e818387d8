// Where a replay's recorded inputs may arrive (xrep10 findings 3, 4 and 10):
// never on a channel after its close (a datagram no more than a stream's
// bytes, in a noise replay or a strict one); with an overrun, the inputs
// recorded at the end tyme at their recorded tyme, not at the new end; and
// after a stop before the recorded end (a limit), none among the doers'
// exit closes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/replay/replay.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace replay_inputs_test {

using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms
constexpr Tock kEvery{5'000'000};
constexpr Tyme kRunEnd{Tock{1'000'000'000}};

// Sends "ping <i>" to server:7 every 5 ms and reads the answers; closes its
// channel at `close_at` (kTymeNever: never).
class Pinger final : public UdpPeerDoer {
 public:
  Pinger(IoHub& io, Tyme close_at)
      : UdpPeerDoer(io, "sim://client:5", {}, "pinger"), at_(close_at) {}

 protected:
  void serve(Channel& channel) override {
    while (channel.receive()) {
    }
    if (!channel.open()) return;
    if (tyme() >= at_) {
      channel.close("done");
      return;
    }
    if (tyme() >= Tyme{kEvery * sent_} && channel.send("server:7", "ping " + std::to_string(sent_)))
      ++sent_;
    rerun();
  }

 private:
  Tyme at_;
  int sent_ = 0;
};

class Echo final : public UdpPeerDoer {
 public:
  explicit Echo(IoHub& io) : UdpPeerDoer(io, "sim://server:7", {}, "echo") {}

 protected:
  void serve(Channel& channel) override {
    while (std::optional<Datagram> d = channel.receive())
      (void)channel.send(d->peer, d->bytes);
  }
};

class PingScene {
 public:
  explicit PingScene(IoHub& io, Tyme close_at = kTymeNever) : echo_(io), pinger_(io, close_at) {}
  std::vector<Doer*> doers() { return {&echo_, &pinger_}; }

 private:
  Echo echo_;
  Pinger pinger_;
};

// Ends the run at the pass at `at`, as a signal during that pass's wait does
// in real time (JournalTrailer::ended_at_pass).
class StopAtPass final : public PassObserver {
 public:
  StopAtPass(Doist& doist, Tyme at) : doist_(doist), at_(at) { doist_.add_observer(*this); }
  ~StopAtPass() override { doist_.remove_observer(*this); }
  StopAtPass(const StopAtPass&) = delete;
  StopAtPass& operator=(const StopAtPass&) = delete;
  void pass_ended(Tyme tyme) override {
    if (tyme == at_) doist_.request_stop_at_pass();
  }

 private:
  Doist& doist_;
  Tyme at_;
};

LinkParams ping_link() {
  LinkParams link;
  link.latency = Tock{20'000'000};
  return link;
}

// 1 s of a PingScene (or `Scene`) over a 20 ms link each way (or `link`), on
// SimNet; with `stop_at` the run ends at that pass instead.
template <class Scene = PingScene>
JournalTrailer capture(const std::string& path, Tyme close_at,
                       std::optional<Tyme> stop_at = std::nullopt,
                       const LinkParams& link = ping_link()) {
  test::SimRecordRig rig(kTock, 3, link);
  JournalHeader header;
  header.scenario = "pings";
  Journal journal(rig.doist, rig.io, path, header);
  std::optional<StopAtPass> stop;
  if (stop_at) stop.emplace(rig.doist, *stop_at);
  Scene scene(rig.io, close_at);
  journal.run(scene.doers(), kRunEnd - Tyme{});
  return *journal.trailer();
}

template <class Scene = PingScene>
ReplayResult replay(const std::string& path, const std::string& spec, const std::string& out,
                    Tyme close_at = kTymeNever, std::optional<Tock> overrun = std::nullopt,
                    Tock limit = Tock{0}) {
  ReplayOptions options;
  if (!spec.empty()) options.noise = parse_noise_spec(spec);
  options.noise_seed = 1;
  options.overrun = overrun;
  test::ReplayRig rig(path, options, limit);
  Journal journal(rig.doist, rig.io, out, rig.replayer.output_header());
  Scene scene(rig.io, close_at);
  return rig.replayer.run(scene.doers(), &journal);
}

std::uint64_t pass_of(const OwnedEvent& e) {
  return static_cast<std::uint64_t>(e.tyme.time_since_epoch() / kTock);
}

std::uint32_t channel_named(const JournalContents& j, const std::string& name) {
  for (const PassRecord& p : j.frames)
    for (const OwnedEvent& e : p.events)
      if (e.kind == EventKind::open && e.text == name) return e.channel;
  ADD_FAILURE() << "no channel " << name;
  return 0;
}

// Writes `j`'s events with `extra` added before the event at `before` (its
// frame and index), renumbering the seqs, under j's trailer summary.
void write_with(const JournalContents& j, const std::string& path, OwnedEvent extra,
                std::size_t frame, std::size_t before) {
  JournalWriter writer(path);
  writer.write_header(*j.header);
  std::uint64_t seq = j.frames.front().events.front().seq;
  for (std::size_t f = 0; f < j.frames.size(); ++f) {
    std::vector<OwnedEvent> events = j.frames[f].events;
    if (f == frame) {
      extra.tyme = j.frames[f].tyme;
      events.insert(events.begin() + static_cast<std::ptrdiff_t>(before), extra);
    }
    for (OwnedEvent& e : events)
      e.seq = seq++;
    std::vector<ChannelEvent> views;
    for (const OwnedEvent& e : events)
      views.push_back(e.view());
    writer.write_pass(j.frames[f].tyme, views, j.frames[f].exit);
  }
  RunSummary summary;
  summary.passes = j.trailer->passes;
  summary.end_tyme = j.trailer->end_tyme;
  summary.end = j.trailer->end;
  summary.ended_at_pass = j.trailer->ended_at_pass;
  writer.finish(summary);
}

// A channel's events in a journal after its close: none may be.
std::vector<OwnedEvent> after_close(const JournalContents& j) {
  std::set<std::uint32_t> closed;
  std::vector<OwnedEvent> after;
  for (const PassRecord& p : j.frames) {
    for (const OwnedEvent& e : p.events) {
      if (closed.count(e.channel) != 0) after.push_back(e);
      if (e.kind == EventKind::close) closed.insert(e.channel);
    }
  }
  return after;
}

// xrep10 finding 3: a noise replay delivered datagrams to a channel its doer
// had closed (journaled as rx after the close, counted delivered), and a
// strict replay of such a journal called it identical.
TEST(ReplayInputs, NoDatagramReachesAClosedChannel) {
  TempDir dir;
  const Tyme close_at{Tock{300'000'000}};
  capture(dir.file("pings.hioj"), close_at);
  const JournalContents recorded = read_journal(dir.file("pings.hioj"));
  const std::uint32_t pinger = channel_named(recorded, "sim://client:5");
  std::uint64_t pinger_rx = 0;
  for (const PassRecord& p : recorded.frames)
    for (const OwnedEvent& e : p.events)
      pinger_rx += e.kind == EventKind::rx && e.channel == pinger ? 1u : 0u;
  ASSERT_GT(pinger_rx, 20u);

  // Every answer 100 ms late: those due after the close are undelivered.
  const ReplayResult r =
      replay(dir.file("pings.hioj"), "delay=100ms", dir.file("late.hioj"), close_at);
  const JournalContents late = read_journal(dir.file("late.hioj"));
  const std::vector<OwnedEvent> after = after_close(late);
  EXPECT_TRUE(after.empty()) << after.size() << " events after a close, the first: "
                             << format_event(after.front().view(), pass_of(after.front()));
  std::uint64_t delivered = 0;
  for (const PassRecord& p : late.frames)
    for (const OwnedEvent& e : p.events)
      delivered += e.kind == EventKind::rx && e.channel == pinger ? 1u : 0u;
  EXPECT_GT(r.noise.undelivered, 0u) << format_noise_stats(r.noise);
  EXPECT_EQ(delivered + r.noise.undelivered, pinger_rx) << format_noise_stats(r.noise);

  // A journal that has one (what such a replay wrote): its strict replay
  // cannot deliver it, and says so.
  std::size_t frame = 0;
  OwnedEvent rx;
  for (std::size_t f = 0; f < recorded.frames.size() && frame == 0; ++f) {
    const std::vector<OwnedEvent>& events = recorded.frames[f].events;
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i].channel != pinger) continue;
      if (events[i].kind == EventKind::rx) rx = events[i];
      if (events[i].kind == EventKind::close) {
        frame = f + 1;  // the frame after the close's
        break;
      }
    }
  }
  ASSERT_LT(frame, recorded.frames.size());
  ASSERT_FALSE(recorded.frames[frame].exit);
  write_with(recorded, dir.file("rx_after_close.hioj"), rx, frame, 0);
  const ReplayResult strict =
      replay(dir.file("rx_after_close.hioj"), "", dir.file("s.hioj"), close_at);
  ASSERT_TRUE(strict.divergence);
  EXPECT_EQ(strict.divergence->kind, DivergenceKind::undeliverable)
      << format_divergence(*strict.divergence);
  EXPECT_NE(strict.divergence->detail.find("is already closed"), std::string::npos)
      << format_divergence(*strict.divergence);
  EXPECT_EQ(strict.divergence->tyme, recorded.frames[frame].tyme);
}

// xrep10 finding 4: with an overrun, the inputs recorded at the end tyme
// (the exit frame: what a real-time capture received while it waited out
// its last tock) came only at the new end, with the closes - or, delayed,
// never. They come at their recorded tyme, and the doers run on.
TEST(ReplayInputs, AnOverrunDeliversTheExitsInputsAtTheirRecordedTyme) {
  TempDir dir;
  capture(dir.file("pings.hioj"), kTymeNever);
  const JournalContents recorded = read_journal(dir.file("pings.hioj"));
  const std::uint32_t pinger = channel_named(recorded, "sim://client:5");
  std::size_t exit = 0;
  while (exit < recorded.frames.size() && !recorded.frames[exit].exit)
    ++exit;
  ASSERT_LT(exit, recorded.frames.size());
  ASSERT_EQ(recorded.frames[exit].tyme, kRunEnd);
  OwnedEvent rx;
  rx.kind = EventKind::rx;
  rx.channel = pinger;
  rx.channel_kind = ChannelKind::datagram;
  rx.bytes = "received while waiting out the last tock";
  rx.peer = "server:7";
  write_with(recorded, dir.file("exit_rx.hioj"), rx, exit, 0);

  const Tock overrun{100'000'000};
  const ReplayResult r =
      replay(dir.file("exit_rx.hioj"), "delay=0-20ms", dir.file("over.hioj"), kTymeNever, overrun);
  EXPECT_EQ(r.noise.undelivered, 0u) << format_noise_stats(r.noise);
  std::optional<Tyme> at;
  for (const PassRecord& p : read_journal(dir.file("over.hioj")).frames)
    for (const OwnedEvent& e : p.events)
      if (e.kind == EventKind::rx && e.bytes == rx.bytes) at = e.tyme;
  ASSERT_TRUE(at) << "never delivered";
  EXPECT_GE(*at, kRunEnd);
  EXPECT_LE(*at, kRunEnd + Tock{20'000'000});
}

// xuser17 finding C: a noise replay with only delay of a run that ended by
// itself or by a signal cut off the rx its delay held past the recorded end
// (undelivered; a client one reply short failed every seed). It runs on until
// they are delivered, at most the longest delay and a tock past that end, and
// stays a pure function of the journal and the noise seed; --overrun 0 (an
// overrun given as 0) ends it at the recorded end as before.
TEST(ReplayInputs, DelayNoiseRunsOnPastTheRecordedEndToDeliverWhatItHeld) {
  TempDir dir;
  const Tyme stop{Tock{500'000'000}};
  const JournalTrailer t = capture(dir.file("pings.hioj"), kTymeNever, stop);
  ASSERT_EQ(t.end, RunOutcome::interrupted);
  ASSERT_EQ(t.end_tyme, stop);

  const Tock longest{20'000'000};
  const ReplayResult cut =
      replay(dir.file("pings.hioj"), "delay=20ms", dir.file("cut.hioj"), kTymeNever, Tock{0});
  EXPECT_GT(cut.noise.undelivered, 0u) << format_noise_stats(cut.noise);
  EXPECT_EQ(cut.ran_on, Tock{0});

  const ReplayResult r =
      replay(dir.file("pings.hioj"), "delay=20ms", dir.file("on.hioj"), kTymeNever);
  EXPECT_EQ(r.noise.undelivered, 0u) << format_noise_stats(r.noise);
  EXPECT_GT(r.ran_on, Tock{0});
  EXPECT_LE(r.ran_on, longest + kTock);
  EXPECT_EQ(r.passes, static_cast<std::uint64_t>((stop - Tyme{} + r.ran_on) / kTock));
  const JournalContents on = read_journal(dir.file("on.hioj"));
  EXPECT_EQ(on.trailer->end_tyme, stop + r.ran_on);
  // The same journal and noise seed: the same replay, byte for byte.
  const ReplayResult again =
      replay(dir.file("pings.hioj"), "delay=20ms", dir.file("again.hioj"), kTymeNever);
  EXPECT_EQ(again.digest, r.digest);
  EXPECT_EQ(again.ran_on, r.ran_on);

  // A run that ended at its limit ends there: the limit would have cut a
  // slower network's replies too.
  capture(dir.file("limit.hioj"), kTymeNever);
  const ReplayResult limited =
      replay(dir.file("limit.hioj"), "delay=20ms", dir.file("limited.hioj"), kTymeNever);
  EXPECT_EQ(limited.ran_on, Tock{0});
  EXPECT_GT(limited.noise.undelivered, 0u) << format_noise_stats(limited.noise);
}

// xrep10 finding 10: a replay stopped by its limit at the tyme of a recorded
// pass (here the last one of a run that ended at it) delivered that pass's
// recorded rx among its doers' exit closes.
TEST(ReplayInputs, ALimitStopDeliversNoInputAmongTheExitCloses) {
  TempDir dir;
  const Tyme stop{Tock{500'000'000}};
  const JournalTrailer t = capture(dir.file("pings.hioj"), kTymeNever, stop);
  ASSERT_TRUE(t.ended_at_pass);
  ASSERT_EQ(t.end_tyme, stop);
  std::uint64_t rx_at_stop = 0;
  for (const PassRecord& p : read_journal(dir.file("pings.hioj")).frames)
    for (const OwnedEvent& e : p.events)
      rx_at_stop += e.kind == EventKind::rx && e.tyme == stop ? 1u : 0u;
  ASSERT_GT(rx_at_stop, 0u);

  const ReplayResult r = replay(dir.file("pings.hioj"), "", dir.file("limited.hioj"), kTymeNever,
                                Tock{0}, stop - Tyme{});
  EXPECT_FALSE(r.divergence) << format_divergence(*r.divergence);
  EXPECT_EQ(r.end, RunEnd::limit);
  const JournalContents limited = read_journal(dir.file("limited.hioj"));
  std::uint64_t closes = 0;
  for (const PassRecord& p : limited.frames) {
    for (const OwnedEvent& e : p.events) {
      if (e.tyme < stop) continue;
      EXPECT_EQ(e.kind, EventKind::close) << format_event(e.view(), pass_of(e));
      ++closes;
    }
  }
  EXPECT_EQ(closes, 2u);
}

// Where the first tx of `channel` at or after `from` is: its frame and index
// (frames.size() for the frame when there is none).
std::pair<std::size_t, std::size_t> first_tx(const JournalContents& j, std::uint32_t channel,
                                             Tyme from) {
  for (std::size_t f = 0; f < j.frames.size(); ++f) {
    if (j.frames[f].tyme < from) continue;
    const std::vector<OwnedEvent>& events = j.frames[f].events;
    for (std::size_t i = 0; i < events.size(); ++i)
      if (events[i].channel == channel && events[i].kind == EventKind::tx) return {f, i};
  }
  return {j.frames.size(), 0};
}

// A recorded datagram for the echo from the pinger.
OwnedEvent rx_for_echo(std::uint32_t echo, const std::string& bytes) {
  OwnedEvent rx;
  rx.kind = EventKind::rx;
  rx.channel = echo;
  rx.channel_kind = ChannelKind::datagram;
  rx.bytes = bytes;
  rx.peer = "client:5";
  return rx;
}

// A recorded decision of the network about a send (here a drop, right after
// the pinger's tx at pass 100) waits in a noise replay for the doers' send on
// that channel, or the pass's end - and held the whole feed meanwhile: an rx of
// another channel recorded behind it in that pass (a datagram to the echo)
// reached the echo after its run, a pass late, though replay.md says the other
// inputs are delivered as recorded. The pinger of the noise replay closes at
// pass 100 and never sends there: the decision waits to the pass's end; the
// echo's rx does not, and the echo answers it in its recorded pass.
TEST(ReplayInputs, ADecisionWaitingForItsSendHoldsUpOnlyItsChannel) {
  TempDir dir;
  capture(dir.file("pings.hioj"), kTymeNever);
  const JournalContents recorded = read_journal(dir.file("pings.hioj"));
  const std::uint32_t pinger = channel_named(recorded, "sim://client:5");
  const std::uint32_t echo = channel_named(recorded, "sim://server:7");
  const Tyme at{Tock{100'000'000}};
  const auto [frame, tx] = first_tx(recorded, pinger, at);
  ASSERT_LT(frame, recorded.frames.size()) << "no tx of the pinger at 0.1 s";
  ASSERT_EQ(recorded.frames[frame].tyme, at) << "no tx of the pinger at 0.1 s";
  OwnedEvent drop = recorded.frames[frame].events[tx];
  drop.kind = EventKind::noise;
  drop.noise = NoiseKind::drop;
  drop.text = "lost";
  write_with(recorded, dir.file("decided.hioj"), drop, frame, tx + 1);
  const OwnedEvent rx = rx_for_echo(echo, "behind the decision");
  write_with(read_journal(dir.file("decided.hioj")), dir.file("behind.hioj"), rx, frame, tx + 2);

  // Noise that changes nothing here (a noise replay all the same).
  const ReplayResult r =
      replay(dir.file("behind.hioj"), "corrupt=0.000001", dir.file("noisy.hioj"), at);
  ASSERT_EQ(r.noise.corrupted, 0u) << format_noise_stats(r.noise);
  EXPECT_FALSE(r.divergence) << format_divergence(*r.divergence);
  std::optional<Tyme> answered;
  for (const PassRecord& p : read_journal(dir.file("noisy.hioj")).frames)
    for (const OwnedEvent& e : p.events)
      if (e.kind == EventKind::tx && e.channel == echo && e.bytes == rx.bytes) answered = e.tyme;
  ASSERT_TRUE(answered) << "never answered";
  EXPECT_EQ(*answered, at);  // was 0.101 s
}

// A decision waits for the channel's sends recorded before it, not for those
// recorded after it in its pass: the feed reads those too before the doers
// run, and the decision waited until every one was matched - here the echo's
// second datagram, which the replay's echo never sends - so it, and the echo's
// rx recorded behind it, waited for the pass's end, after the pinger's send.
TEST(ReplayInputs, ADecisionWaitsOnlyForTheSendsRecordedBeforeIt) {
  TempDir dir;
  capture(dir.file("pings.hioj"), kTymeNever);
  const JournalContents recorded = read_journal(dir.file("pings.hioj"));
  const std::uint32_t echo = channel_named(recorded, "sim://server:7");
  const auto [frame, tx] = first_tx(recorded, echo, Tyme{Tock{100'000'000}});
  ASSERT_LT(frame, recorded.frames.size()) << "no tx of the echo after 0.1 s";
  const Tyme at = recorded.frames[frame].tyme;
  OwnedEvent jitter = recorded.frames[frame].events[tx];
  jitter.kind = EventKind::noise;
  jitter.noise = NoiseKind::delay;
  jitter.text = "jitter";
  write_with(recorded, dir.file("decided.hioj"), jitter, frame, tx + 1);
  OwnedEvent second = recorded.frames[frame].events[tx];
  second.bytes = "a second datagram the replay's echo never sends";
  write_with(read_journal(dir.file("decided.hioj")), dir.file("second.hioj"), second, frame,
             tx + 2);
  const OwnedEvent rx = rx_for_echo(echo, "behind the decision");
  write_with(read_journal(dir.file("second.hioj")), dir.file("behind.hioj"), rx, frame, tx + 3);

  const ReplayResult r =
      replay(dir.file("behind.hioj"), "corrupt=0.000001", dir.file("noisy.hioj"));
  ASSERT_EQ(r.noise.corrupted, 0u) << format_noise_stats(r.noise);
  // The decision, and the rx behind it, come right after the echo's send (the
  // transports' service that takes it), before the pinger's send of the pass
  // - not at the pass's end, after everything the doers did in it.
  const std::uint32_t pinger = channel_named(recorded, "sim://client:5");
  std::vector<std::string> pass;
  for (const PassRecord& p : read_journal(dir.file("noisy.hioj")).frames) {
    if (p.tyme != at) continue;
    for (const OwnedEvent& e : p.events) {
      if (e.kind == EventKind::noise && e.channel == echo) pass.push_back("decision");
      if (e.kind == EventKind::rx && e.channel == echo && e.bytes == rx.bytes) pass.push_back("rx");
      if (e.kind == EventKind::tx) pass.push_back(e.channel == pinger ? "pinger tx" : "echo tx");
    }
  }
  const std::vector<std::string> expected{"echo tx", "decision", "rx", "pinger tx"};
  EXPECT_EQ(pass, expected);  // was: echo tx, pinger tx, decision, rx
}

// Sends 200 bytes to sim://server:7 every 5 ms, 20 times, and reads what
// comes back.
class Talker final : public TcpClientDoer {
 public:
  explicit Talker(IoHub& io) : TcpClientDoer(io, "sim://server:7", {}, "talker") {}

 protected:
  void serve(Channel& channel) override {
    (void)channel.read();
    if (channel.connected() && sent_ < 20 && tyme() >= Tyme{kEvery * sent_} &&
        channel.write(std::string(200, static_cast<char>('a' + sent_))) == 200) {
      ++sent_;
    }
    rerun();
  }

 private:
  int sent_ = 0;
};

constexpr std::size_t kEchoRxBytes = 4096;

// Echoes what it gets (Reading), or reads and writes nothing: the deaf side.
template <bool Reading>
class MaybeDeafEcho final : public TcpServerDoer {
 public:
  explicit MaybeDeafEcho(IoHub& io)
      : TcpServerDoer(io, "sim://server:7", ChannelOptions{.rx_bytes_max = kEchoRxBytes}, "echo") {}

 protected:
  void serve(Channel& remote) override {
    if (Reading && remote.connected()) remote.consume(remote.write(remote.peek()));
    rerun();
  }
};

template <bool Reading>
struct TalkScene {
  TalkScene(IoHub& io, Tyme) : echo(io), talker(io) {}
  std::vector<Doer*> doers() { return {&echo, &talker}; }
  MaybeDeafEcho<Reading> echo;
  Talker talker;
};

// A replay's own noise drops ("replay noise: dropped"): each as its tyme and
// its bytes, in order.
std::vector<std::pair<Tyme, std::string>> noise_drops(const std::string& path) {
  std::vector<std::pair<Tyme, std::string>> drops;
  for (const PassRecord& p : read_journal(path).frames)
    for (const OwnedEvent& e : p.events)
      if (e.kind == EventKind::noise && e.noise == NoiseKind::drop &&
          e.text == "replay noise: dropped")
        drops.emplace_back(e.tyme, e.bytes);
  return drops;
}

// A dropped rx takes no room, even when it came behind the network's decision
// about a send (a jitter, here), which waits for that send: once the decision
// is delivered, an rx before the dropped one that does not fit the deaf
// echo's rx waits for room, and the dropped rx is dropped then, in its pass.
// Before, it waited behind that rx as a delivered one does (for ever: the
// echo never reads), and was counted undelivered, not dropped. The scene: a
// jittered link (every echo's send has its `noise delay` right after its tx),
// and, behind the first of them, rx that the echo's 4 KiB rx cannot take all
// of (three of its size) and small ones behind them, which the noise drops
// about half of. The echo that reads drops the same rx at the same place.
TEST(ReplayInputs, ADroppedRxBehindADecisionWaitingForItsSendWaitsForNoRoom) {
  TempDir dir;
  LinkParams jittered = ping_link();
  jittered.jitter = Tock{3'000'000};
  capture<TalkScene<true>>(dir.file("talk.hioj"), kTymeNever, std::nullopt, jittered);
  JournalContents j = read_journal(dir.file("talk.hioj"));
  const std::uint32_t echo = channel_named(j, "sim://server:7/3");
  const auto [frame, tx] = first_tx(j, echo, Tyme{});
  ASSERT_LT(frame, j.frames.size()) << "the echo never sent";
  ASSERT_LT(tx + 1, j.frames[frame].events.size());
  const OwnedEvent& decision = j.frames[frame].events[tx + 1];
  ASSERT_EQ(decision.kind, EventKind::noise) << format_event(decision.view(), pass_of(decision));
  std::vector<OwnedEvent> behind;
  for (int i = 0; i < 3; ++i) {
    OwnedEvent big = rx_for_echo(echo, std::string(kEchoRxBytes, static_cast<char>('A' + i)));
    big.channel_kind = ChannelKind::stream;
    big.peer.clear();
    behind.push_back(big);
  }
  for (int i = 0; i < 8; ++i) {
    OwnedEvent small = behind.front();
    small.bytes = "behind " + std::to_string(i);
    behind.push_back(small);
  }
  for (std::size_t i = 0; i < behind.size(); ++i) {
    write_with(j, dir.file("edited.hioj"), behind[i], frame, tx + 2 + i);
    j = read_journal(dir.file("edited.hioj"));
  }

  const ReplayResult reading =
      replay<TalkScene<true>>(dir.file("edited.hioj"), "drop=0.5", dir.file("reading.hioj"));
  const ReplayResult deaf =
      replay<TalkScene<false>>(dir.file("edited.hioj"), "drop=0.5", dir.file("deaf.hioj"));
  const auto drops = noise_drops(dir.file("deaf.hioj"));
  // The case is met: a big rx waited for room, with dropped small ones behind it.
  ASSERT_GT(deaf.noise.undelivered, 0u) << format_noise_stats(deaf.noise);
  const auto small_dropped = std::count_if(
      drops.begin(), drops.end(), [](const auto& d) { return d.second.starts_with("behind "); });
  EXPECT_GT(small_dropped, 0) << format_noise_stats(deaf.noise);
  EXPECT_EQ(deaf.noise.dropped, reading.noise.dropped)
      << format_noise_stats(deaf.noise) << "\nreading: " << format_noise_stats(reading.noise);
  EXPECT_EQ(drops.size(), deaf.noise.dropped);
  EXPECT_TRUE(drops == noise_drops(dir.file("reading.hioj")));
}

}  // namespace replay_inputs_test
}  // namespace
}  // namespace hio::replay
