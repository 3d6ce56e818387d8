// Replay (issue 6 phase 2): a real-time capture over loopback TCP replayed in
// virtual time byte for byte; simulated runs replayed with time skipping on
// and off; divergences found where they are (changed doer, missing tx); noise
// on replay reproducible by seed; noise specs refused with precise errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/replay/replay.hpp"
#include "hio/testkit/echo_scene.hpp"
#include "io_run.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace replay_test {

using test::EchoScene;
using test::EchoSceneOptions;
using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms

// Records the echo scene on real loopback TCP, in real time, for `limit`.
JournalTrailer capture_real(const std::string& path, const EchoSceneOptions& o, Tock limit) {
  test::RecordRig rig(kTock, /*real=*/true);
  JournalHeader header;
  header.mode = Mode::real;
  header.seed = 5;
  header.scenario = "echo scene, real";
  Journal journal(rig.doist, rig.io, path, header);
  EchoScene scene(rig.io, o);
  const RunEnd end = journal.run(scene.doers(), limit);
  EXPECT_EQ(end, RunEnd::limit);
  EXPECT_TRUE(scene.done()) << "the capture did not echo everything in time";
  return *journal.trailer();
}

EchoSceneOptions sim_scene() {
  EchoSceneOptions o;
  o.listen = "sim://server:7";
  o.connect = "sim://server:7";
  o.clients = 3;
  o.lines = 10;
  o.every = Tock{7'000'000};
  return o;
}

// A link with `latency` and `jitter`, for client_server.
LinkParams link_of(Tock latency, Tock jitter = Tock{0}) {
  LinkParams link;
  link.latency = latency;
  link.jitter = jitter;
  return link;
}

// Records the echo scene on SimNet (latency, jitter) in virtual time; with
// `retock`, the Doist's tock is set to it after the Journal is made.
JournalTrailer capture_sim(const std::string& path, bool skip,
                           std::optional<Tock> retock = std::nullopt) {
  test::SimRecordRig rig(kTock, 11, link_of(Tock{3'000'000}, Tock{2'000'000}));
  rig.doist.set_skip(skip);
  JournalHeader header;
  header.seed = 11;
  header.scenario = "echo scene, sim";
  Journal journal(rig.doist, rig.io, path, header);
  if (retock) rig.doist.set_tock(*retock);
  EchoScene scene(rig.io, sim_scene());
  journal.run(scene.doers(), seconds(1));
  EXPECT_TRUE(scene.done());
  return *journal.trailer();
}

struct Replayed {
  ReplayResult result;
  std::string text;  // format_divergence, if diverged
  std::uint64_t executed_passes = 0;
};

// Bounds a run: stops it after `max` executed passes, however far apart.
class PassBound final : public PassObserver {
 public:
  PassBound(Doist& doist, std::uint64_t max) : doist_(doist), max_(max) {
    doist_.add_observer(*this);
  }
  ~PassBound() override { doist_.remove_observer(*this); }
  PassBound(const PassBound&) = delete;
  PassBound& operator=(const PassBound&) = delete;
  void pass_ended(Tyme) override {
    if (++passes_ >= max_) doist_.request_stop();
  }

 private:
  Doist& doist_;
  std::uint64_t max_;
  std::uint64_t passes_ = 0;
};

struct ReplayRun {
  std::string out;  // journal the replay here ("" = no)
  ReplayOptions options;
  bool skip = true;
  std::uint64_t executed_passes_max = 50'000'000;
  Tock limit{0};  // the replay's Doist's limit (0: none)
};

// What `hio replay` does: header -> Doist -> hub -> replayer -> (journal) ->
// doers (Scene(io, args...)) -> run.
template <class Scene, class... Args>
Replayed replay_scene(const std::string& path, const ReplayRun& how, Args&&... args) {
  test::ReplayRig rig(path, how.options, how.limit);
  rig.doist.set_skip(how.skip);
  PassBound bound(rig.doist, how.executed_passes_max);
  std::optional<Journal> journal;
  if (!how.out.empty()) journal.emplace(rig.doist, rig.io, how.out, rig.replayer.output_header());
  Scene scene(rig.io, std::forward<Args>(args)...);
  Replayed r;
  r.result = rig.replayer.run(scene.doers(), journal ? &*journal : nullptr);
  if (r.result.divergence) r.text = format_divergence(*r.result.divergence);
  r.executed_passes = rig.doist.executed_passes();
  return r;
}

Replayed replay(const std::string& path, EchoSceneOptions o, const std::string& out = "",
                ReplayOptions options = {}, bool skip = true) {
  ReplayRun how;
  how.out = out;
  how.options = std::move(options);
  how.skip = skip;
  return replay_scene<EchoScene>(path, how, o);
}

// ---- capture real, replay virtual -----------------------------------------------

TEST(Replay, RealCaptureReplaysByteForByteInVirtualTime) {
  TempDir dir;
  EchoSceneOptions o;  // 3 clients, a line each every 90 ms, 20 lines, for 2 s
  const JournalTrailer captured = capture_real(dir.file("capture.hioj"), o, seconds(2));
  EXPECT_GE(captured.passes, 2000u);

  const Replayed r = replay(dir.file("capture.hioj"), o, dir.file("replayed.hioj"));
  ASSERT_TRUE(r.result.identical()) << r.text;
  EXPECT_EQ(r.result.recorded_events, captured.events);
  EXPECT_EQ(r.result.events, captured.events);
  EXPECT_EQ(r.result.digest, captured.digest);
  EXPECT_EQ(r.result.passes, captured.passes);

  // Every tx of the capture is in the replay's journal, at the same pass.
  const JournalContents a = read_journal(dir.file("capture.hioj"));
  const JournalContents b = read_journal(dir.file("replayed.hioj"));
  ASSERT_TRUE(b.complete());
  EXPECT_EQ(b.header->mode, Mode::replay);
  EXPECT_EQ(b.header->scenario, "echo scene, real");
  EXPECT_TRUE(b.header->wall_clock.empty());
  EXPECT_EQ(b.trailer->digest, captured.digest);  // re-recording gives the same digest
  // The channels at the first pass: those of the doers' build, not the
  // remotes the capture's server accepted in that pass.
  const auto table = [](const JournalContents& c) {
    std::vector<std::string> out;
    for (const ChannelInfo& info : c.header->channels)
      out.push_back("#" + std::to_string(info.id) + " " + info.name + " " + info.address);
    return out;
  };
  EXPECT_EQ(table(b), table(a));
  std::vector<std::pair<std::uint64_t, std::string>> tx_a, tx_b;
  for (const PassRecord& p : a.frames)
    for (const OwnedEvent& e : p.events)
      if (e.kind == EventKind::tx) tx_a.emplace_back(p.pass, e.bytes);
  for (const PassRecord& p : b.frames)
    for (const OwnedEvent& e : p.events)
      if (e.kind == EventKind::tx) tx_b.emplace_back(p.pass, e.bytes);
  EXPECT_EQ(tx_a.size(), 3u * 20u * 2u);  // each line out and echoed back
  EXPECT_EQ(tx_a, tx_b);
}

// ---- simulated runs -------------------------------------------------------------

TEST(Replay, SimulatedRunReplaysIdenticallyWithAndWithoutSkipping) {
  TempDir dir;
  const JournalTrailer captured = capture_sim(dir.file("sim.hioj"), true);
  const JournalTrailer no_skip = capture_sim(dir.file("sim-noskip.hioj"), false);
  EXPECT_EQ(test::read_file(dir.file("sim.hioj")), test::read_file(dir.file("sim-noskip.hioj")));
  EXPECT_EQ(captured.digest, no_skip.digest);

  const Replayed on = replay(dir.file("sim.hioj"), sim_scene(), dir.file("on.hioj"), {}, true);
  const Replayed off = replay(dir.file("sim.hioj"), sim_scene(), dir.file("off.hioj"), {}, false);
  ASSERT_TRUE(on.result.identical()) << on.text;
  ASSERT_TRUE(off.result.identical()) << off.text;
  EXPECT_EQ(on.result.digest, captured.digest);
  EXPECT_EQ(off.result.digest, captured.digest);
  EXPECT_EQ(read_journal(dir.file("on.hioj")).trailer->digest, captured.digest);
  EXPECT_EQ(test::read_file(dir.file("on.hioj")), test::read_file(dir.file("off.hioj")));
  // The replay's journal holds the recorded event stream exactly.
  JournalReader recorded(dir.file("sim.hioj"));
  JournalReader replayed(dir.file("on.hioj"));
  const DiffResult d = diff_journals(recorded, replayed);
  EXPECT_TRUE(d.same()) << (d.divergence ? d.divergence->describe() : "damage");
}

TEST(Replay, ACutJournalReplaysItsValidPrefix) {
  TempDir dir;
  capture_sim(dir.file("sim.hioj"), true);
  const std::string bytes = test::read_file(dir.file("sim.hioj"));
  test::write_file(dir.file("cut.hioj"), bytes.substr(0, bytes.size() * 2 / 3));
  const JournalContents cut = read_journal(dir.file("cut.hioj"));
  ASSERT_TRUE(cut.error);
  const Replayed r = replay(dir.file("cut.hioj"), sim_scene());
  EXPECT_TRUE(r.result.identical()) << r.text;
  ASSERT_TRUE(r.result.journal_error);
  EXPECT_EQ(r.result.journal_error->kind, cut.error->kind);
  std::uint64_t events = 0;
  for (const PassRecord& p : cut.frames)
    events += p.events.size();
  EXPECT_EQ(r.result.recorded_events, events);
  // It stopped after the last intact pass.
  EXPECT_EQ(r.result.passes, cut.frames.back().pass + 1);

  // Salvaged, it has a trailer with an unknown end after its last pass:
  // replayed the same, whole and identical.
  (void)salvage_journal(dir.file("cut.hioj"), dir.file("salvaged.hioj"));
  const JournalContents salvaged = read_journal(dir.file("salvaged.hioj"));
  ASSERT_TRUE(salvaged.complete());
  EXPECT_EQ(salvaged.trailer->passes, cut.frames.back().pass + 1);
  EXPECT_EQ(salvaged.trailer->end_tyme, Tyme{kTock * (cut.frames.back().pass + 1)});
  const Replayed s = replay(dir.file("salvaged.hioj"), sim_scene());
  EXPECT_TRUE(s.result.identical()) << s.text;
  EXPECT_FALSE(s.result.journal_error);
  EXPECT_EQ(s.result.recorded_events, events);
  EXPECT_EQ(s.result.passes, cut.frames.back().pass + 1);
}

// A Doist's limit before the recorded end (hio replay --set run.limit):
// the replay is the journal's prefix up to it; the doers' exit closes at the
// limit, and the recorded events from there on, are not compared.
TEST(Replay, ALimitBeforeTheRecordedEndReplaysThePrefixUpToIt) {
  TempDir dir;
  const JournalTrailer captured = capture_sim(dir.file("sim.hioj"), true);
  // A limit in the middle of the traffic: at a recorded pass with events.
  const JournalContents recorded = read_journal(dir.file("sim.hioj"));
  ASSERT_GT(recorded.frames.size(), 4u);
  const std::uint64_t limit_pass = recorded.frames[recorded.frames.size() / 2].pass;
  std::uint64_t before = 0;   // recorded events before the limit
  EventDigest before_digest;  // and their digest
  for (const PassRecord& p : recorded.frames) {
    if (p.pass >= limit_pass) continue;
    before += p.events.size();
    for (const OwnedEvent& e : p.events)
      before_digest.add(e.view());
  }
  ASSERT_LT(before, captured.events);

  ReplayRun how;
  how.limit = kTock * static_cast<std::int64_t>(limit_pass);
  how.out = dir.file("limited.hioj");
  const Replayed r = replay_scene<EchoScene>(dir.file("sim.hioj"), how, sim_scene());
  EXPECT_TRUE(r.result.identical()) << r.text;
  EXPECT_EQ(r.result.end, RunEnd::limit);
  EXPECT_EQ(r.result.passes, limit_pass);
  EXPECT_NE(r.result.digest, captured.digest);
  // The journal's side of the result is what was replayed: its events before
  // the limit, not the pass read ahead past it.
  EXPECT_TRUE(r.result.recorded_before_stop);
  EXPECT_EQ(r.result.recorded_events, before);
  EXPECT_EQ(r.result.recorded_digest, before_digest.value());
  EXPECT_NE(format_replay_result(r.result).find(" events before the stop, digest "),
            std::string::npos)
      << format_replay_result(r.result);
  // Its journal is the recording up to the limit, then the doers' exit
  // closes at the limit, which the recording does not have there.
  const JournalContents limited = read_journal(dir.file("limited.hioj"));
  ASSERT_TRUE(limited.complete());
  EXPECT_EQ(limited.trailer->end, RunOutcome::limit);
  EXPECT_EQ(limited.trailer->end_tyme, Tyme{kTock * static_cast<std::int64_t>(limit_pass)});
  JournalReader a(dir.file("sim.hioj"));
  JournalReader b(dir.file("limited.hioj"));
  const DiffResult d = diff_journals(a, b);
  ASSERT_TRUE(d.divergence);
  EXPECT_EQ(d.divergence->index, before);
  EXPECT_EQ(d.divergence->tyme, Tyme{kTock * static_cast<std::int64_t>(limit_pass)});
}

TEST(Replay, RefusesARealTimeDoistAnotherTockAndLateAttach) {
  TempDir dir;
  capture_sim(dir.file("sim.hioj"), true);
  Replayer replayer(dir.file("sim.hioj"));
  Doist real(kTock, /*real=*/true);
  IoHub io1(real.tymth());
  EXPECT_THROW(replayer.attach(real, io1), std::invalid_argument);
  Doist other(Tock{2'000'000});
  IoHub io2(other.tymth());
  EXPECT_THROW(replayer.attach(other, io2), std::invalid_argument);
  EXPECT_THROW(Replayer(dir.file("missing.hioj")), JournalException);
}

// The header takes the Doist's tock as the run starts, not as the Journal is
// made: a tock set in between is the run's, and its replay's. (The header
// kept the old one: the journal read as complete and its replay diverged.)
TEST(Replay, ATockSetAfterTheJournalIsMadeIsTheJournals) {
  TempDir dir;
  const Tock tock{2'000'000};
  const JournalTrailer captured = capture_sim(dir.file("sim.hioj"), true, tock);
  const JournalContents j = read_journal(dir.file("sim.hioj"));
  ASSERT_TRUE(j.complete()) << j.error->describe();
  EXPECT_EQ(j.header->tock, tock);
  EXPECT_EQ(captured.end_tyme.time_since_epoch(),
            tock * static_cast<std::int64_t>(captured.passes));
  const Replayed r = replay(dir.file("sim.hioj"), sim_scene());
  EXPECT_TRUE(r.result.identical()) << r.text;
  EXPECT_EQ(r.result.digest, captured.digest);
}

Dog runs_forever(Doer&) {
  for (;;)
    co_yield Tock{0};
}

// A replay runs from tyme 0, as every journal's run did: a Doist that has run
// before is refused (it replayed with a false divergence at pass 0), and so
// is a tock changed after attach.
TEST(Replay, RefusesADoistThatHasRunBeforeOrWhoseTockChanged) {
  TempDir dir;
  capture_sim(dir.file("sim.hioj"), true);
  {
    Replayer replayer(dir.file("sim.hioj"));
    Doist warm(kTock);
    warm.set_handle_sigint(false);
    auto idle = doify(runs_forever, "idle");
    warm.run({idle.get()}, Tock{5'000'000});
    IoHub io(warm.tymth());
    try {
      replayer.attach(warm, io);
      ADD_FAILURE() << "a replay from tyme 0.005 s was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("would start at tyme 0.005 s, not 0"), std::string::npos)
          << e.what();
    }
  }
  test::ReplayRig rig(dir.file("sim.hioj"));
  rig.doist.set_tock(Tock{2'000'000});
  EchoScene scene(rig.io, sim_scene());
  // (void): run() is [[nodiscard]], its result being the only report of a
  // divergence (no exception); -Werror refuses a statement that drops it.
  EXPECT_THROW((void)rig.replayer.run(scene.doers()), std::invalid_argument);
}

// A replay runs from tyme 0: a Doist made at a start tyme is refused at
// attach, and a run given one (Doist::run's) after attach when it starts,
// before any doer enters.
TEST(Replay, RefusesARunFromAStartTymeNot0) {
  TempDir dir;
  capture_sim(dir.file("sim.hioj"), true);
  {
    Replayer replayer(dir.file("sim.hioj"));
    Doist late(kTock, false, Tock{0}, Tyme{Tock{5'000'000}});
    IoHub io(late.tymth());
    try {
      replayer.attach(late, io);
      ADD_FAILURE() << "a replay from tyme 0.005 s was accepted";
    } catch (const std::logic_error& e) {
      EXPECT_STREQ(e.what(),
                   "replay: the Doist's run would start at tyme 0.005 s, not 0 (the Doist was "
                   "made at that tyme); a journal's run starts at tyme 0, and so does its "
                   "replay: replay on a fresh Doist, without a start tyme");
    }
  }
  test::ReplayRig rig(dir.file("sim.hioj"));
  EchoScene scene(rig.io, sim_scene());
  try {
    rig.doist.run(scene.doers(), std::nullopt, Tyme{Tock{5'000'000}});
    ADD_FAILURE() << "a replay run from tyme 0.005 s started";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("replay: the Doist's run would start at tyme 0.005 s, "
                                         "not 0 (a start tyme given to Doist::run()"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(rig.doist.executed_passes(), 0u);
  for (const Doer* doer : scene.doers())
    EXPECT_FALSE(doer->done().has_value()) << doer->name();
}

// ---- divergence -------------------------------------------------------------------

// The first tx of a server-side (accepted) channel in a journal.
struct FirstEcho {
  std::uint64_t pass = 0;
  std::uint32_t channel = 0;
  std::string bytes;
};
FirstEcho first_echo(const std::string& path) {
  const JournalContents j = read_journal(path);
  std::vector<std::uint32_t> accepted;
  for (const PassRecord& p : j.frames) {
    for (const OwnedEvent& e : p.events) {
      if (e.kind == EventKind::accept) accepted.push_back(e.accepted);
      if (e.kind == EventKind::tx &&
          std::find(accepted.begin(), accepted.end(), e.channel) != accepted.end()) {
        return {p.pass, e.channel, e.bytes};
      }
    }
  }
  return {};
}

TEST(Replay, AChangedDoerDivergesAtTheFirstDifferingTx) {
  TempDir dir;
  capture_sim(dir.file("sim.hioj"), true);
  const FirstEcho echo = first_echo(dir.file("sim.hioj"));
  ASSERT_NE(echo.channel, 0u);

  EchoSceneOptions upper = sim_scene();
  upper.upper = true;
  const Replayed r = replay(dir.file("sim.hioj"), upper);
  ASSERT_EQ(r.result.status, ReplayStatus::diverged);
  const ReplayDivergence& d = *r.result.divergence;
  EXPECT_EQ(d.kind, DivergenceKind::tx_differs);
  EXPECT_EQ(d.pass, echo.pass);
  EXPECT_EQ(d.channel, echo.channel);
  EXPECT_EQ(d.channel_name, "sim://server:7/" + std::to_string(echo.channel));
  EXPECT_EQ(d.tx_offset, 0u);
  ASSERT_TRUE(d.expected && d.actual);
  EXPECT_EQ(d.expected->bytes, echo.bytes);
  std::string upper_bytes = echo.bytes;
  for (char& c : upper_bytes)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(d.actual->bytes, upper_bytes);
  // The report: where, both events, the hex diff from the first differing byte.
  EXPECT_NE(r.text.find("replay diverged at pass " + std::to_string(echo.pass)), std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("on channel #" + std::to_string(echo.channel) + " \"sim://server:7/"),
            std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("first difference at byte 0"), std::string::npos) << r.text;
  // The replay stopped right after the pass of the divergence.
  EXPECT_EQ(r.result.end, RunEnd::interrupted);
}

// A JournalWriteError that is not the replay's own journal's - here the
// caller's, being handled while the replay runs - stops no comparison
// (unfixed: the Replayer took any JournalWriteError being handled for its
// own journal's failure, compared nothing and said identical).
TEST(Replay, AJournalWriteErrorNotOfItsOwnJournalStopsNoComparison) {
  TempDir dir;
  capture_sim(dir.file("sim.hioj"), true);
  EchoSceneOptions upper = sim_scene();
  upper.upper = true;
  std::optional<Replayed> r;
  try {
    throw JournalWriteError(ENOSPC, std::generic_category(), "the caller's own journal");
  } catch (const JournalWriteError&) {
    r.emplace(replay(dir.file("sim.hioj"), upper));
  }
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result.status, ReplayStatus::diverged);
  EXPECT_FALSE(r->result.recorded_before_stop);
}

// An echo server that reads and never answers: every echo is missing.
class MuteServer final : public TcpServerDoer {
 public:
  using TcpServerDoer::TcpServerDoer;

 protected:
  void serve(Channel& remote) override { (void)remote.read(); }
};

TEST(Replay, ATxNeverMadeIsMissingAtItsPass) {
  TempDir dir;
  capture_sim(dir.file("sim.hioj"), true);
  const FirstEcho echo = first_echo(dir.file("sim.hioj"));
  test::ReplayRig rig(dir.file("sim.hioj"));
  MuteServer server(rig.io, "sim://server:7");
  const EchoSceneOptions o = sim_scene();
  std::vector<std::unique_ptr<test::PacedClient>> clients;
  std::vector<Doer*> doers{&server};
  for (int i = 0; i < o.clients; ++i) {
    clients.push_back(std::make_unique<test::PacedClient>(
        rig.io, o.connect, "c" + std::to_string(i), o.every, o.lines));
    doers.push_back(clients.back().get());
  }
  const ReplayResult r = rig.replayer.run(doers);
  ASSERT_EQ(r.status, ReplayStatus::diverged);
  EXPECT_EQ(r.divergence->kind, DivergenceKind::tx_missing);
  EXPECT_EQ(r.divergence->pass, echo.pass);
  EXPECT_EQ(r.divergence->channel, echo.channel);
  EXPECT_FALSE(r.divergence->actual);
  EXPECT_NE(format_divergence(*r.divergence).find("tx missing"), std::string::npos);
  // describe(): the one line hio replay prints, the report's first line.
  const std::string line = r.divergence->describe();
  EXPECT_EQ(line, "replay diverged at pass " + std::to_string(echo.pass) + " (tyme " +
                      format_seconds(r.divergence->tyme) + " s) on channel #" +
                      std::to_string(echo.channel) + " \"" + r.divergence->channel_name +
                      "\": tx missing");
  EXPECT_EQ(format_divergence(*r.divergence).rfind(line + "\n", 0), 0u);
}

// A scene replayed, then run again once its replay is over (its Replayer
// finished, or destroyed): the channels its doers reopen have replay
// transports that no replay feeds any more. Each fails at once, saying so;
// they sat in `opening` for ever, silently, and the doers waited on them.
TEST(Replay, ChannelsReopenedAfterTheirReplayEndedFailSayingWhy) {
  TempDir dir;
  capture_sim(dir.file("sim.hioj"), true);
  for (const bool destroyed : {false, true}) {
    auto replayer = std::make_unique<Replayer>(dir.file("sim.hioj"));
    Doist doist(replayer->header().tock);
    doist.set_handle_sigint(false);
    IoHub io(doist.tymth());
    doist.attach(io);
    replayer->attach(doist, io);
    EchoScene scene(io, sim_scene());
    const ReplayResult r = replayer->run(scene.doers());
    ASSERT_TRUE(r.identical()) << format_replay_result(r);
    if (destroyed) replayer.reset();
    doist.run(scene.doers(), 5 * doist.tock());
    const std::string why = destroyed ? "whose Replayer is gone" : "that has finished";
    const Channel& listener = scene.server->listener();
    EXPECT_EQ(listener.state(), ChannelState::failed) << destroyed;
    EXPECT_THAT(listener.reason(), ::testing::HasSubstr("this channel was made by a replay " + why))
        << destroyed;
    for (const auto& client : scene.clients) {
      EXPECT_NE(client->channel().state(), ChannelState::opening) << destroyed;
    }
  }
}

TEST(Replay, BytesWrittenButNeverRecordedAreExtraTx) {
  TempDir dir;
  capture_sim(dir.file("sim.hioj"), true);
  EchoSceneOptions more = sim_scene();
  more.lines = 11;  // every client writes one line the journal never sent
  const Replayed r = replay(dir.file("sim.hioj"), more);
  ASSERT_EQ(r.result.status, ReplayStatus::diverged);
  const ReplayDivergence& d = *r.result.divergence;
  EXPECT_EQ(d.kind, DivergenceKind::tx_extra) << r.text;
  ASSERT_TRUE(d.actual);
  // Reported where it was written, not where its channel closed with it at
  // exit: the first client's 11th line, left unsent from pass 70 (a line
  // every 7 ms from 0) on its channel #2.
  EXPECT_EQ(d.pass, 70u) << r.text;
  EXPECT_EQ(d.tyme, Tyme{kTock * 70});
  EXPECT_EQ(d.channel, 2u);
  EXPECT_EQ(d.channel_name, "sim://server:7");
  EXPECT_EQ(d.actual->kind, EventKind::tx);
  EXPECT_EQ(d.actual->bytes, "c0 line 10\n");
  // The journal's next send on the channel: its exit close, with nothing unsent.
  ASSERT_TRUE(d.expected) << r.text;
  EXPECT_EQ(d.expected->kind, EventKind::close);
  EXPECT_NE(r.text.find("replay diverged at pass 70 "), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("extra tx"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("11 bytes written at pass 70 and left unsent; the journal's next send on "
                        "the channel is its close at pass 1000, which carried none of them unsent"),
            std::string::npos)
      << r.text;
}

// 20 ms of a test::Hoarder writing `bytes` (and closing, if it `closes`) to
// a test::DeafServer (seed 1).
void capture_hoard(const std::string& path, const std::string& bytes, bool closes = false) {
  test::SimRecordRig rig(kTock, 1);
  JournalHeader header;
  header.scenario = "hoarder";
  Journal journal(rig.doist, rig.io, path, header);
  test::DeafServer server(rig.io);
  test::Hoarder client(rig.io, bytes, closes);
  EXPECT_EQ(journal.run({&server, &client}, Tock{20'000'000}), RunEnd::limit);
}

Replayed replay_hoard(const std::string& path, const std::string& bytes, bool closes = false) {
  test::ReplayRig rig(path);
  test::DeafServer server(rig.io);
  test::Hoarder client(rig.io, bytes, closes);
  Replayed r;
  r.result = rig.replayer.run({&server, &client});
  if (r.result.divergence) r.text = format_divergence(*r.result.divergence);
  return r;
}

// A tx is compared whole: 200 bytes that differ only at byte 150 differ, and
// the first 100 of them are missing the other 100.
TEST(Replay, ATxDiffersOrIsShortAnywhereInItsBytes) {
  TempDir dir;
  std::string bytes(200, 'a');
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<char>('a' + i % 26);
  capture_hoard(dir.file("hoard.hioj"), bytes);
  ASSERT_TRUE(replay_hoard(dir.file("hoard.hioj"), bytes).result.identical());

  std::string changed = bytes;
  changed[150] = '!';
  const Replayed r = replay_hoard(dir.file("hoard.hioj"), changed);
  ASSERT_EQ(r.result.status, ReplayStatus::diverged);
  EXPECT_EQ(r.result.divergence->kind, DivergenceKind::tx_differs) << r.text;
  EXPECT_EQ(r.result.divergence->field, "bytes") << r.text;
  EXPECT_NE(r.text.find("first difference at byte 150 (expected 200 bytes, actual 200 bytes)"),
            std::string::npos)
      << r.text;

  const Replayed s = replay_hoard(dir.file("hoard.hioj"), bytes.substr(0, 100));
  ASSERT_EQ(s.result.status, ReplayStatus::diverged);
  EXPECT_EQ(s.result.divergence->kind, DivergenceKind::tx_missing) << s.text;
  EXPECT_NE(s.text.find("only 100 of 200 bytes were written by the pass's end"), std::string::npos)
      << s.text;
}

// A close that discards as many unsent bytes as the recorded one, but other
// bytes, differs from it: its bytes are not "written but never sent"
// (tx_extra), which a close with more of them than the recorded one has.
TEST(Replay, ACloseWithOtherUnsentBytesOfTheSameSizeDiffers) {
  TempDir dir;
  capture_hoard(dir.file("hoard.hioj"), "abc", true);
  ASSERT_TRUE(replay_hoard(dir.file("hoard.hioj"), "abc", true).result.identical());
  for (const std::string other : {"xyz", "abcd"}) {
    SCOPED_TRACE(other);
    const Replayed r = replay_hoard(dir.file("hoard.hioj"), other, true);
    ASSERT_EQ(r.result.status, ReplayStatus::diverged);
    const ReplayDivergence& d = *r.result.divergence;
    EXPECT_EQ(d.kind, other.size() == 3 ? DivergenceKind::event_differs : DivergenceKind::tx_extra)
        << r.text;
    EXPECT_EQ(d.field, "bytes") << r.text;
    ASSERT_TRUE(d.expected && d.actual) << r.text;
    EXPECT_EQ(d.expected->bytes, "abc");
    EXPECT_EQ(d.actual->kind, EventKind::close);
    EXPECT_EQ(d.actual->bytes, other);
  }
}

// Sends `count` datagrams ("request <i>"), one every 5 ms, to server:7, and
// closes its channel once as many answers came back (or at 500 ms). A
// `hasty` one (a changed doer) sends its requests after the first 1 ms
// early, as "request #<i>".
class Requester final : public UdpPeerDoer {
 public:
  Requester(IoHub& io, int count, bool hasty = false)
      : UdpPeerDoer(io, "sim://client:5", {}, "requester"), count_(count), hasty_(hasty) {}

 protected:
  void serve(Channel& channel) override {
    while (channel.receive())
      ++answers_;
    if (!channel.open()) return;
    if (answers_ >= count_ || tyme() >= Tyme{Tock{500'000'000}}) {
      channel.close("done");
      return;
    }
    const bool changed = hasty_ && sent_ > 0;
    const Tyme at{Tock{5'000'000} * sent_ - (changed ? Tock{1'000'000} : Tock{0})};
    if (sent_ < count_ && tyme() >= at &&
        channel.send("server:7", (changed ? "request #" : "request ") + std::to_string(sent_))) {
      ++sent_;
    }
    rerun();
  }

 private:
  int count_;
  bool hasty_;
  int sent_ = 0;
  int answers_ = 0;
};

// Answers every datagram with its own bytes.
class UdpEcho final : public UdpPeerDoer {
 public:
  explicit UdpEcho(IoHub& io) : UdpPeerDoer(io, "sim://server:7", {}, "echo") {}

 protected:
  void serve(Channel& channel) override {
    while (std::optional<Datagram> d = channel.receive())
      (void)channel.send(d->peer, d->bytes);
  }
};

class RequestScene {
 public:
  RequestScene(IoHub& io, int count, bool hasty = false)
      : echo_(io), requester_(io, count, hasty) {}
  std::vector<Doer*> doers() { return {&echo_, &requester_}; }

 private:
  UdpEcho echo_;
  Requester requester_;
};

// 1 s of a RequestScene of `count` requests over a 20 ms link (seed 3).
JournalTrailer capture_requests(const std::string& path, int count = 3) {
  test::SimRecordRig rig(kTock, 3, link_of(Tock{20'000'000}));
  JournalHeader header;
  header.scenario = "requests = 3";
  Journal journal(rig.doist, rig.io, path, header);
  RequestScene scene(rig.io, count);
  journal.run(scene.doers(), seconds(1));
  return *journal.trailer();
}

TEST(Replay, AnExtraDatagramIsReportedWhereItWasSentNotWhereItsConsequencesShow) {
  // The `requests` of a scenario raised by one in the journal's header: the
  // extra request is the first divergence, at its pass, although the
  // recorded close (after 3 answers, 20 ms each way) is missing before the
  // replay would notice anything else.
  TempDir dir;
  capture_requests(dir.file("udp.hioj"));
  const Replayed same = replay_scene<RequestScene>(dir.file("udp.hioj"), {}, 3);
  EXPECT_EQ(same.result.status, ReplayStatus::identical) << same.text;

  const Replayed r = replay_scene<RequestScene>(dir.file("udp.hioj"), {}, 4);
  ASSERT_EQ(r.result.status, ReplayStatus::diverged);
  const ReplayDivergence& d = *r.result.divergence;
  EXPECT_EQ(d.kind, DivergenceKind::tx_extra) << r.text;
  EXPECT_EQ(d.pass, 15u) << r.text;
  EXPECT_EQ(d.tyme, Tyme{kTock * 15});
  EXPECT_EQ(d.channel_name, "sim://client:5");
  ASSERT_TRUE(d.actual);
  EXPECT_FALSE(d.expected);
  EXPECT_EQ(d.actual->bytes, "request 3");
  EXPECT_EQ(d.actual->peer, "server:7");
  // What was noticed first, later, is said too.
  EXPECT_NE(r.text.find("first noticed at pass"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("event missing"), std::string::npos) << r.text;
}

TEST(Replay, AChangedTxWrittenBeforeItsRecordedPassDiffersWhereItWasWritten) {
  // Request 1 written at pass 4 as "request #1", recorded at pass 5 as
  // "request 1": the bytes differ - reported as a tx that differs, at the
  // pass it was written, with the recorded tx it stands for and a hex diff
  // (not as an extra tx with nothing expected).
  TempDir dir;
  capture_requests(dir.file("udp.hioj"));
  const Replayed r = replay_scene<RequestScene>(dir.file("udp.hioj"), {}, 3, /*hasty=*/true);
  ASSERT_EQ(r.result.status, ReplayStatus::diverged);
  const ReplayDivergence& d = *r.result.divergence;
  EXPECT_EQ(d.kind, DivergenceKind::tx_differs) << r.text;
  EXPECT_EQ(d.pass, 4u) << r.text;
  EXPECT_EQ(d.channel_name, "sim://client:5");
  EXPECT_EQ(d.field, "bytes");
  ASSERT_TRUE(d.expected && d.actual) << r.text;
  EXPECT_EQ(d.expected->kind, EventKind::tx);
  EXPECT_EQ(d.expected->bytes, "request 1");
  EXPECT_EQ(d.expected->tyme, Tyme{kTock * 5});
  EXPECT_EQ(d.actual->bytes, "request #1");
  EXPECT_EQ(d.actual->tyme, Tyme{kTock * 4});
  EXPECT_EQ(d.tx_offset, 9u);  // bytes: "request 0" went first
  // The whole report, as docs/replay.md shows it.
  EXPECT_EQ(r.text,
            "replay diverged at pass 4 (tyme 0.004 s) on channel #2 \"sim://client:5\": tx "
            "differs (bytes)\n"
            "  written at pass 4 and left unsent; the journal's next tx on the channel, at pass 5, "
            "is another datagram (first noticed at pass 5: tx differs)\n"
            "  expected: p5 0.005 s5 #2 tx 9 \"request 1\" peer=\"server:7\"\n"
            "  actual:   p4 0.004 s0 #2 tx 10 \"request #1\" peer=\"server:7\"\n"
            "  tx stream offset 9\n"
            "first difference at byte 8 (expected 9 bytes, actual 10 bytes)\n"
            "- 00000000  72 65 71 75 65 73 74 20 31                       |request 1|\n"
            "+ 00000000  72 65 71 75 65 73 74 20 23 31                    |request #1|\n"
            "                                    ^^ ^^\n");
}

// The extra-tx check after a divergence reads on for a left channel's next
// tx through the replay's one read path: what it reads counts for the
// trailer's check, and it reads at most
// ReplayOptions::extra_tx_lookahead_events.
TEST(Replay, TheExtraTxCheckReadsOnThroughTheReplaysReadPathBounded) {
  TempDir dir;
  const JournalTrailer recorded = capture_requests(dir.file("udp.hioj"));
  // 100 frames of a log each (0.6 s .. 0.699 s) before the exit's at 1 s.
  const auto edit = [&](const std::string& to, const RunSummary& summary) {
    JournalReader reader(dir.file("udp.hioj"));
    ASSERT_NE(reader.header(), nullptr);
    JournalWriter writer(to);
    writer.write_header(*reader.header());
    bool logged = false;
    std::uint64_t seq = 0;  // renumbered: the writer checks the order
    const auto write = [&](Tyme tyme, std::vector<OwnedEvent> events) {
      std::vector<ChannelEvent> views;
      for (OwnedEvent& e : events) {
        e.seq = seq++;
        views.push_back(e.view());
      }
      writer.write_pass(tyme, views);
    };
    while (const FrameView* f = reader.next()) {
      if (!logged && f->tyme >= Tyme{seconds(1)}) {
        for (int i = 0; i < 100; ++i) {
          OwnedEvent log;
          log.kind = EventKind::log;
          log.tyme = Tyme{kTock * (600 + i)};
          log.text = "later " + std::to_string(i);
          write(log.tyme, {log});
        }
        logged = true;
      }
      std::vector<OwnedEvent> events;
      for (const ChannelEvent& e : f->events)
        events.push_back(OwnedEvent::from(e));
      write(f->tyme, std::move(events));
    }
    ASSERT_TRUE(logged);
    ASSERT_TRUE(reader.complete());
    writer.finish(summary);
  };
  edit(dir.file("logs.hioj"), {recorded.passes, recorded.end_tyme, recorded.end, ""});
  const std::uint64_t events = read_journal(dir.file("logs.hioj")).trailer->events;

  // One request more: diverges (the recorded close missing), and the check
  // reads on to the end for the requester's next tx: there is none, so the
  // request is extra where it was sent.
  const Replayed r = replay_scene<RequestScene>(dir.file("logs.hioj"), {}, 4);
  ASSERT_EQ(r.result.status, ReplayStatus::diverged) << r.text;
  EXPECT_EQ(r.result.divergence->kind, DivergenceKind::tx_extra) << r.text;
  EXPECT_EQ(r.result.divergence->pass, 15u) << r.text;
  EXPECT_EQ(r.result.recorded_events, events);
  EXPECT_FALSE(r.result.journal_error);

  // With a budget of 10 events it stops reading in the logs: the requester
  // is not blamed, the divergence noticed stands.
  ReplayRun bounded;
  bounded.options.extra_tx_lookahead_events = 10;
  const Replayed b = replay_scene<RequestScene>(dir.file("logs.hioj"), bounded, 4);
  ASSERT_EQ(b.result.status, ReplayStatus::diverged) << b.text;
  EXPECT_EQ(b.result.divergence->kind, DivergenceKind::event_missing) << b.text;
  EXPECT_EQ(b.result.divergence->pass, 50u) << b.text;
  EXPECT_LT(b.result.recorded_events, events - 80);

  // A trailer that ends at 0.8 s after 800 passes (consistent in itself) is
  // before the last pass the check read (1 s): it cannot be true, so the
  // journal does not say how its run ended, and the request is not blamed.
  edit(dir.file("early.hioj"), {800, Tyme{kTock * 800}, RunOutcome::limit, ""});
  const Replayed e = replay_scene<RequestScene>(dir.file("early.hioj"), {}, 4);
  ASSERT_EQ(e.result.status, ReplayStatus::diverged) << e.text;
  EXPECT_EQ(e.result.divergence->kind, DivergenceKind::event_missing) << e.text;
  ASSERT_TRUE(e.result.journal_error) << format_replay_result(e.result);
  EXPECT_EQ(e.result.journal_error->kind, JournalErrorKind::bad_trailer);
  EXPECT_NE(e.result.journal_error->describe().find("the last pass is at 1 s"), std::string::npos)
      << e.result.journal_error->describe();
}

// ---- facts of the network ---------------------------------------------------------

// Sends one datagram to `to` once its channel is bound, then closes the
// channel as soon as the datagram has left (so it is closed when it arrives).
class SendOnceAndClose final : public UdpPeerDoer {
 public:
  SendOnceAndClose(IoHub& io, std::string to)
      : UdpPeerDoer(io, "sim://client:5", {}, "sender"), to_(std::move(to)) {}

 protected:
  void serve(Channel& channel) override {
    if (!sent_) {
      sent_ = channel.send(to_, "ping");
    } else if (channel.open() && channel.tx_count() == 0) {
      channel.close("sent");
    }
  }

 private:
  std::string to_;
  bool sent_ = false;
};

// A peer bound on server:7 (it keeps the run going) and a sender whose
// datagram to server:9, where nobody is bound, arrives 200 ms after the
// sender's channel closed: no channel is left to carry the drop.
class ClosedPortScene {
 public:
  explicit ClosedPortScene(IoHub& io)
      : server_(io, "sim://server:7", {}, "server"), sender_(io, "server:9") {}
  std::vector<Doer*> doers() { return {&server_, &sender_}; }

 private:
  UdpPeerDoer server_;
  SendOnceAndClose sender_;
};

struct SimCapture {
  std::uint64_t seed = 0;
  Tock latency{0};  // of the links between client and server
  std::string scenario;
  Tock limit{0};
};

// Records Scene(io, args...) on a SimNet of client_server(link_of(how.latency)) for
// how.limit; returns how the run ended and the journal's trailer.
template <class Scene, class... Args>
std::pair<RunEnd, JournalTrailer> capture_sim_scene(const std::string& path, const SimCapture& how,
                                                    Args&&... args) {
  test::SimRecordRig rig(kTock, how.seed, link_of(how.latency));
  JournalHeader header;
  header.seed = how.seed;
  header.scenario = how.scenario;
  Journal journal(rig.doist, rig.io, path, header);
  Scene scene(rig.io, std::forward<Args>(args)...);
  const RunEnd end = journal.run(scene.doers(), how.limit);
  return {end, *journal.trailer()};
}

JournalTrailer capture_closed_port(const std::string& path) {
  return capture_sim_scene<ClosedPortScene>(path, {3, Tock{200'000'000}, "closed port", seconds(1)})
      .second;
}

TEST(Replay, NetworkNoiseNoChannelCarriesIsReplayedAsAnInput) {
  TempDir dir;
  const JournalTrailer captured = capture_closed_port(dir.file("net.hioj"));
  // The drop at arrival is journaled on channel 0, as a noise event.
  std::vector<OwnedEvent> channel0;
  for (const PassRecord& p : read_journal(dir.file("net.hioj")).frames)
    for (const OwnedEvent& e : p.events)
      if (e.channel == 0) channel0.push_back(e);
  ASSERT_EQ(channel0.size(), 1u);
  EXPECT_EQ(channel0[0].kind, EventKind::noise);
  EXPECT_EQ(channel0[0].noise, NoiseKind::drop);
  EXPECT_EQ(channel0[0].bytes, "ping");
  EXPECT_EQ(channel0[0].peer, "server:9");
  EXPECT_EQ(channel0[0].text, "nobody bound at arrival on link client->server");
  EXPECT_GE(channel0[0].tyme, Tyme{Tock{200'000'000}});

  // A strict replay (no SimNet) delivers it as recorded: identical, and its
  // journal has the same event stream.
  ReplayRun strict;
  strict.out = dir.file("replayed.hioj");
  const Replayed r = replay_scene<ClosedPortScene>(dir.file("net.hioj"), strict);
  ASSERT_TRUE(r.result.identical()) << r.text;
  EXPECT_EQ(r.result.digest, captured.digest);
  EXPECT_EQ(r.result.passes, captured.passes);
  JournalReader recorded(dir.file("net.hioj"));
  JournalReader replayed(dir.file("replayed.hioj"));
  const DiffResult d = diff_journals(recorded, replayed);
  EXPECT_TRUE(d.same()) << (d.divergence ? d.divergence->describe() : "damage");

  // A noise replay delivers it too (it is no rx: noise leaves it alone).
  ReplayRun noisy;
  noisy.options.noise = parse_noise_spec("drop=1");
  noisy.options.noise_seed = 1;
  const Replayed n = replay_scene<ClosedPortScene>(dir.file("net.hioj"), noisy);
  EXPECT_EQ(n.result.status, ReplayStatus::perturbed);
  EXPECT_EQ(n.result.noise.undelivered, 0u);
  EXPECT_EQ(n.result.noise.tx_mismatches + n.result.noise.tx_missing_bytes, 0u);
}

// ---- time skipping and the trailer ----------------------------------------------

constexpr Tock kHour = seconds(3600);

// Logs, sleeps an hour of virtual time, logs again, then waits forever.
class Sleeper final : public Doer {
 public:
  explicit Sleeper(IoHub& io) : Doer("sleeper"), io_(io) {}
  std::vector<Doer*> doers() { return {this}; }

 protected:
  bool recur(Tyme tyme) override {
    io_.log(awake_ ? "awake" : "asleep");
    park(awake_ ? kTymeNever : tyme + kHour);
    awake_ = true;
    return false;
  }

 private:
  IoHub& io_;
  bool awake_ = false;
};

// Two hours of a Sleeper, with time skipping: a few executed passes.
JournalTrailer capture_sleeper(const std::string& path) {
  test::RecordRig rig(kTock);
  JournalHeader header;
  header.scenario = "sleeper";
  Journal journal(rig.doist, rig.io, path, header);
  Sleeper sleeper(rig.io);
  EXPECT_EQ(journal.run(sleeper.doers(), 2 * kHour), RunEnd::limit);
  EXPECT_LE(rig.doist.executed_passes(), 3u);
  return *journal.trailer();
}

TEST(Replay, AnIdleHourIsSkippedAsInTheRecordedRun) {
  TempDir dir;
  const JournalTrailer captured = capture_sleeper(dir.file("sleep.hioj"));
  EXPECT_EQ(captured.passes, 7'200'000u);
  EXPECT_EQ(captured.events, 2u);

  ReplayRun how;
  how.out = dir.file("replayed.hioj");
  how.executed_passes_max = 1000;
  const Replayed r = replay_scene<Sleeper>(dir.file("sleep.hioj"), how);
  ASSERT_TRUE(r.result.identical()) << r.text;
  EXPECT_FALSE(r.result.journal_error);
  EXPECT_EQ(r.result.passes, captured.passes);
  EXPECT_EQ(r.result.digest, captured.digest);
  // Pass 0, the wake after an hour, the last pass before the recorded end.
  EXPECT_EQ(r.executed_passes, 3u);
  EXPECT_EQ(read_journal(dir.file("replayed.hioj")).trailer->end_tyme, Tyme{2 * kHour});
}

// Copies a journal with the writer API, with another trailer summary.
void rewrite_trailer(const std::string& from, const std::string& to, const RunSummary& summary) {
  JournalReader reader(from);
  ASSERT_NE(reader.header(), nullptr);
  JournalWriter writer(to);
  writer.write_header(*reader.header());
  while (const FrameView* f = reader.next())
    writer.write_pass(f->tyme, f->events);
  ASSERT_TRUE(reader.complete());
  writer.finish(summary);
}

// A divergence found while the doers are built (before the Doist runs) must
// stop the replay after its first pass, as any divergence stops it after its
// pass: here the journal says the first client opened another address.
TEST(Replay, ADivergenceWhileTheDoersAreBuiltStopsTheReplay) {
  TempDir dir;
  capture_sim(dir.file("sim.hioj"), true);
  {
    JournalReader reader(dir.file("sim.hioj"));
    ASSERT_NE(reader.header(), nullptr);
    JournalWriter writer(dir.file("edited.hioj"));
    writer.write_header(*reader.header());
    bool edited = false;
    while (const FrameView* f = reader.next()) {
      std::vector<OwnedEvent> owned;
      for (const ChannelEvent& e : f->events)
        owned.push_back(OwnedEvent::from(e));
      for (OwnedEvent& e : owned) {
        if (!edited && e.kind == EventKind::open && e.channel_kind == ChannelKind::stream) {
          e.peer = "sim://server:9";
          edited = true;
        }
      }
      std::vector<ChannelEvent> views;
      for (const OwnedEvent& e : owned)
        views.push_back(e.view());
      writer.write_pass(f->tyme, views);
    }
    ASSERT_TRUE(edited);
    ASSERT_TRUE(reader.complete());
    const JournalTrailer& t = *reader.trailer();
    writer.finish({t.passes, t.end_tyme, t.end, t.end_text});
  }
  ReplayRun bounded;
  bounded.executed_passes_max = 1000;
  const Replayed r = replay_scene<EchoScene>(dir.file("edited.hioj"), bounded, sim_scene());
  ASSERT_EQ(r.result.status, ReplayStatus::diverged) << r.text;
  EXPECT_EQ(r.result.divergence->pass, 0u);
  EXPECT_EQ(r.result.end, RunEnd::interrupted);
  EXPECT_EQ(r.executed_passes, 1u);
}

TEST(Replay, AnAbsurdTrailerEndsPromptlyWithAClearResult) {
  TempDir dir;
  const JournalTrailer t = capture_sleeper(dir.file("sleep.hioj"));
  ReplayRun bounded;
  bounded.executed_passes_max = 1000;
  const Tyme far{Tock{1'000'000'000'000'000'000}};  // about 31.7 years

  // The end tyme edited alone: the trailer cannot be true. The replay ends
  // after the last recorded pass (the wake at 1 h) and says why.
  rewrite_trailer(dir.file("sleep.hioj"), dir.file("far.hioj"), {t.passes, far, t.end, ""});
  const Replayed a = replay_scene<Sleeper>(dir.file("far.hioj"), bounded);
  EXPECT_TRUE(a.result.identical()) << a.text;
  ASSERT_TRUE(a.result.journal_error);
  EXPECT_EQ(a.result.journal_error->kind, JournalErrorKind::bad_trailer);
  EXPECT_NE(a.result.journal_error->describe().find(
                "the trailer's end tyme 1000000000 s cannot be true: it does not agree with its "
                "7200000 passes of 0.001 s"),
            std::string::npos)
      << a.result.journal_error->describe();
  EXPECT_EQ(a.result.passes, 3'600'001u);
  EXPECT_LE(a.executed_passes, 2u);
  EXPECT_NE(format_replay_result(a.result).find("bad_trailer"), std::string::npos);

  // An end before the last recorded pass cannot be true either.
  rewrite_trailer(dir.file("sleep.hioj"), dir.file("early.hioj"),
                  {1000, Tyme{seconds(1)}, t.end, ""});
  const Replayed b = replay_scene<Sleeper>(dir.file("early.hioj"), bounded);
  EXPECT_TRUE(b.result.identical()) << b.text;
  ASSERT_TRUE(b.result.journal_error);
  EXPECT_NE(b.result.journal_error->describe().find("the last pass is at 3600 s"),
            std::string::npos)
      << b.result.journal_error->describe();
  EXPECT_EQ(b.result.passes, 3'600'001u);

  // A consistent one (passes x tock = end tyme) is a run that long: replayed
  // to its end, skipping, in a few passes.
  const std::uint64_t far_passes = 1'000'000'000'000;
  rewrite_trailer(dir.file("sleep.hioj"), dir.file("long.hioj"), {far_passes, far, t.end, ""});
  const Replayed c = replay_scene<Sleeper>(dir.file("long.hioj"), bounded);
  EXPECT_TRUE(c.result.identical()) << c.text;
  EXPECT_FALSE(c.result.journal_error);
  EXPECT_EQ(c.result.passes, far_passes);
  EXPECT_EQ(c.executed_passes, 3u);

  // The last tyme there is, too (no overflow on the way).
  const std::int64_t max_passes = std::numeric_limits<std::int64_t>::max() / kTock.count();
  rewrite_trailer(dir.file("sleep.hioj"), dir.file("max.hioj"),
                  {static_cast<std::uint64_t>(max_passes), Tyme{kTock * max_passes}, t.end, ""});
  const Replayed m = replay_scene<Sleeper>(dir.file("max.hioj"), bounded);
  EXPECT_TRUE(m.result.identical()) << m.text;
  EXPECT_FALSE(m.result.journal_error);
  EXPECT_EQ(m.result.passes, static_cast<std::uint64_t>(max_passes));
  EXPECT_EQ(m.executed_passes, 3u);

  // At the end of tyme the Doist's tick saturates: tyme kTymeNever, one pass
  // more than the last pass's number (kTymeNever is no multiple of 1 ms).
  // That is how a Doist ends there, so it is trusted: the replay stalls there.
  const auto saturated = static_cast<std::uint64_t>(max_passes) + 1;
  rewrite_trailer(dir.file("sleep.hioj"), dir.file("never.hioj"),
                  {saturated, kTymeNever, RunOutcome::stalled, ""});
  const Replayed n = replay_scene<Sleeper>(dir.file("never.hioj"), bounded);
  EXPECT_TRUE(n.result.identical()) << n.text;
  EXPECT_FALSE(n.result.journal_error);
  EXPECT_EQ(n.result.end, RunEnd::stalled);
  EXPECT_EQ(n.result.passes, saturated);
  EXPECT_EQ(n.executed_passes, 3u);
  // Any other count with that end tyme is still a lie.
  rewrite_trailer(dir.file("sleep.hioj"), dir.file("never_lie.hioj"),
                  {saturated + 1, kTymeNever, RunOutcome::stalled, ""});
  const Replayed l = replay_scene<Sleeper>(dir.file("never_lie.hioj"), bounded);
  ASSERT_TRUE(l.result.journal_error);
  EXPECT_EQ(l.result.journal_error->kind, JournalErrorKind::bad_trailer);
}

// ---- a journal cut at its trailer: where the recorded run ended -------------------

// A client alone: it sends one datagram (to a port nobody is bound on), then
// at `finish_at` closes its channel itself ("finished") and is done - in a
// normal pass, so the run ends "done" one tock later with nothing left to
// close. With finish_at never, the run's limit ends it and its exit closes
// the channel ("peer exit").
class FinishingClient final : public UdpPeerDoer {
 public:
  FinishingClient(IoHub& io, Tyme finish_at)
      : UdpPeerDoer(io, "sim://client:5", {}, "sender"), finish_at_(finish_at) {}
  std::vector<Doer*> doers() { return {this}; }

 protected:
  void serve(Channel& channel) override {
    if (!sent_) sent_ = channel.send("server:9", "ping");
  }
  bool recur(Tyme tyme) override {
    UdpPeerDoer::recur(tyme);
    if (tyme >= finish_at_) {
      channel().close("finished");
      return true;
    }
    park(finish_at_);
    return false;
  }

 private:
  Tyme finish_at_;
  bool sent_ = false;
};

struct FinishAt {
  Tyme tyme;
};

class FinishingScene {
 public:
  FinishingScene(IoHub& io, FinishAt at) : client_(io, at.tyme) {}
  std::vector<Doer*> doers() { return client_.doers(); }

 private:
  FinishingClient client_;
};

JournalTrailer capture_finishing(const std::string& path, Tyme finish_at, RunEnd expected) {
  const auto [end, trailer] = capture_sim_scene<FinishingScene>(
      path, {2, Tock{1'000'000}, "finishing client", Tock{5'000'000}}, FinishAt{finish_at});
  EXPECT_EQ(end, expected);
  return trailer;
}

// The journal's bytes up to where its trailer starts (what a process killed
// while writing its trailer leaves).
std::string cut_at_trailer(const std::string& path) {
  JournalReader reader(path);
  std::uint64_t end = 0;
  while (const FrameView* f = reader.next())
    end = f->offset + f->size_bytes;
  EXPECT_TRUE(reader.complete());
  return test::read_file(path).substr(0, end);
}

// Clients that close their channels in a normal pass and end the run: their
// journal's last frame holds only local closes, closing every channel - as an
// exit's would. Cut at its trailer, the replay must still run that pass (the
// client's own close, "finished"), not end the run a tock early with an exit
// close ("peer exit") in its place.
TEST(ReplayEnd, ClientsThatCloseInANormalPassAreNotTakenForAnExit) {
  TempDir dir;
  const JournalTrailer t =
      capture_finishing(dir.file("run.hioj"), Tyme{Tock{3'000'000}}, RunEnd::done);
  EXPECT_EQ(t.passes, 4u);
  EXPECT_EQ(t.end_tyme, Tyme{Tock{4'000'000}});
  const JournalContents run = read_journal(dir.file("run.hioj"));
  ASSERT_FALSE(run.frames.empty());
  const PassRecord& last = run.frames.back();
  EXPECT_EQ(last.tyme, Tyme{Tock{3'000'000}});
  ASSERT_EQ(last.events.size(), 1u);
  EXPECT_EQ(last.events[0].kind, EventKind::close);
  EXPECT_EQ(last.events[0].text, "finished");
  EXPECT_FALSE(last.exit);  // a pass's frame, not the exit's
  EXPECT_TRUE(run.header->exit_marked);

  test::write_file(dir.file("cut.hioj"), cut_at_trailer(dir.file("run.hioj")));
  const Replayed r =
      replay_scene<FinishingScene>(dir.file("cut.hioj"), {}, FinishAt{Tyme{Tock{3'000'000}}});
  EXPECT_TRUE(r.result.identical()) << r.text;
  ASSERT_TRUE(r.result.journal_error);
  EXPECT_EQ(r.result.journal_error->kind, JournalErrorKind::truncated);
  EXPECT_EQ(r.result.passes, t.passes);
  EXPECT_EQ(r.result.digest, t.digest);

  // Salvaged: the same (its trailer's end is unknown, so the frames decide).
  // Its trailer says when the run ended at the earliest - after its last
  // pass, which here is when it did end.
  (void)salvage_journal(dir.file("cut.hioj"), dir.file("salvaged.hioj"));
  const JournalContents salvaged = read_journal(dir.file("salvaged.hioj"));
  ASSERT_TRUE(salvaged.complete());
  EXPECT_EQ(salvaged.trailer->end, RunOutcome::unknown);
  EXPECT_EQ(salvaged.trailer->passes, t.passes);
  EXPECT_EQ(salvaged.trailer->end_tyme, t.end_tyme);
  const Replayed s =
      replay_scene<FinishingScene>(dir.file("salvaged.hioj"), {}, FinishAt{Tyme{Tock{3'000'000}}});
  EXPECT_TRUE(s.result.identical()) << s.text;
  EXPECT_EQ(s.result.passes, t.passes);
}

// The run's exit closes the client's channel: cut at its trailer, the replay
// ends where that exit was, its own exit's close on the recorded one.
TEST(ReplayEnd, AnExitCutFromItsTrailerEndsTheReplayThere) {
  TempDir dir;
  const JournalTrailer t = capture_finishing(dir.file("run.hioj"), kTymeNever, RunEnd::limit);
  EXPECT_EQ(t.end_tyme, Tyme{Tock{5'000'000}});
  const JournalContents run = read_journal(dir.file("run.hioj"));
  ASSERT_FALSE(run.frames.empty());
  EXPECT_EQ(run.frames.back().tyme, t.end_tyme);
  EXPECT_EQ(run.frames.back().events.back().text, "peer exit");
  EXPECT_TRUE(run.frames.back().exit);

  test::write_file(dir.file("cut.hioj"), cut_at_trailer(dir.file("run.hioj")));
  const Replayed r = replay_scene<FinishingScene>(dir.file("cut.hioj"), {}, FinishAt{kTymeNever});
  EXPECT_TRUE(r.result.identical()) << r.text;
  EXPECT_EQ(r.result.passes, t.passes);
  EXPECT_EQ(r.result.digest, t.digest);

  // Salvaged, its trailer ends at the exit's tyme (the exit frame is kept,
  // marked): that of the recorded run, passes included.
  (void)salvage_journal(dir.file("cut.hioj"), dir.file("salvaged.hioj"));
  const JournalContents salvaged = read_journal(dir.file("salvaged.hioj"));
  ASSERT_TRUE(salvaged.complete());
  EXPECT_TRUE(salvaged.frames.back().exit);
  EXPECT_EQ(salvaged.trailer->passes, t.passes);
  EXPECT_EQ(salvaged.trailer->end_tyme, t.end_tyme);
  const Replayed s =
      replay_scene<FinishingScene>(dir.file("salvaged.hioj"), {}, FinishAt{kTymeNever});
  EXPECT_TRUE(s.result.identical()) << s.text;
  EXPECT_EQ(s.result.passes, t.passes);
}

// The same journals as a writer that does not mark exits (journals written
// before exitMarked) writes them: no exit frame, so the replay guesses an
// exit from the last frame - right for the exit, and a tock early for the
// clients that closed in a normal pass (their close "missing"): the reason
// the exit is marked.
TEST(ReplayEnd, AJournalThatDoesNotMarkItsExitKeepsTheGuess) {
  TempDir dir;
  const auto unmarked = [&](const std::string& from, const std::string& to) {
    JournalReader reader(from);
    ASSERT_NE(reader.header(), nullptr);
    EXPECT_TRUE(reader.header()->exit_marked);
    JournalHeader header = *reader.header();
    header.exit_marked = false;
    JournalWriter writer(to);
    writer.write_header(header);
    while (const FrameView* f = reader.next())
      writer.write_pass(f->tyme, f->events);  // and no frame marked
  };
  (void)capture_finishing(dir.file("exit.hioj"), kTymeNever, RunEnd::limit);
  test::write_file(dir.file("exit-cut.hioj"), cut_at_trailer(dir.file("exit.hioj")));
  unmarked(dir.file("exit-cut.hioj"), dir.file("exit-old.hioj"));
  const Replayed e =
      replay_scene<FinishingScene>(dir.file("exit-old.hioj"), {}, FinishAt{kTymeNever});
  EXPECT_TRUE(e.result.identical()) << e.text;
  EXPECT_EQ(e.result.passes, 5u);

  (void)capture_finishing(dir.file("done.hioj"), Tyme{Tock{3'000'000}}, RunEnd::done);
  test::write_file(dir.file("done-cut.hioj"), cut_at_trailer(dir.file("done.hioj")));
  unmarked(dir.file("done-cut.hioj"), dir.file("done-old.hioj"));
  const Replayed d =
      replay_scene<FinishingScene>(dir.file("done-old.hioj"), {}, FinishAt{Tyme{Tock{3'000'000}}});
  ASSERT_EQ(d.result.status, ReplayStatus::diverged);
  EXPECT_NE(d.text.find("peer exit"), std::string::npos) << d.text;
  EXPECT_EQ(d.result.passes, 3u);
}

// ---- retry: reconnects replay at the recorded passes ----------------------------

// A client "c" (ChannelOptions::retry) that says "hi\n" each time it
// connects; with `listen`, a server first: an echo server, or one that hangs
// up on every remote at once (so the client reconnects after a remote close).
class RetryScene {
 public:
  RetryScene(IoHub& io, const std::string& listen, bool hang_up, const std::string& connect,
             Tock retry) {
    if (hang_up) {
      server_ = std::make_unique<HangUpServer>(io, listen);
    } else if (!listen.empty()) {
      server_ = std::make_unique<EchoServerDoer>(io, listen);
    }
    ChannelOptions o;
    o.retry = retry;
    client_ = std::make_unique<Greeter>(
        io, connect.empty() ? "tcp://" + server_->listener().local() : connect, o);
  }
  std::vector<Doer*> doers() const {
    if (server_) return {server_.get(), client_.get()};
    return {client_.get()};
  }

 private:
  class HangUpServer final : public TcpServerDoer {
   public:
    using TcpServerDoer::TcpServerDoer;

   protected:
    void serve(Channel& remote) override {
      if (remote.connected()) remote.close("hang up");
    }
  };
  class Greeter final : public TcpClientDoer {
   public:
    Greeter(IoHub& io, const std::string& address, ChannelOptions o)
        : TcpClientDoer(io, address, std::move(o), "c") {}

   protected:
    void serve(Channel& channel) override {
      (void)channel.read();
      if (channel.connected() && greeted_ < channel.connects()) {
        greeted_ = channel.connects();
        (void)channel.write("hi\n");
      }
    }

   private:
    std::uint64_t greeted_ = 0;
  };

  std::unique_ptr<TcpServerDoer> server_;
  std::unique_ptr<TcpClientDoer> client_;
};

struct RetryRun {
  std::string listen;  // "" = no server
  bool hang_up = false;
  std::string connect;  // "" = the server's endpoint
  Tock retry{0};
};

// Records the retry scene for `limit`: on real loopback TCP in real time, or
// on SimNet (hosts client and server, 5 ms links; `net` adds faults).
JournalTrailer capture_retry(const std::string& path, const RetryRun& run, bool real, Tock limit,
                             const std::function<void(SimNet&)>& faults = {}) {
  test::RecordRig rig(kTock, real);
  std::optional<SimNet> net;
  if (!real) {
    net.emplace(rig.doist, rig.io, SimNetOptions{.seed = 9});
    test::client_server(*net, link_of(Tock{5'000'000}));
    if (faults) faults(*net);
  }
  JournalHeader header;
  header.mode = real ? Mode::real : Mode::sim;
  header.seed = 9;
  header.scenario = "retry scene";
  Journal journal(rig.doist, rig.io, path, header);
  RetryScene scene(rig.io, run.listen, run.hang_up, run.connect, run.retry);
  journal.run(scene.doers(), limit);
  return *journal.trailer();
}

Replayed replay_retry(const std::string& path, const RetryRun& run, ReplayRun how = {}) {
  return replay_scene<RetryScene>(path, how, run.listen, run.hang_up, run.connect, run.retry);
}

// The tymes of channel #id's open events (creation and each reopen).
std::vector<Tyme> opens_of(const std::string& path, std::uint32_t id) {
  std::vector<Tyme> out;
  for (const PassRecord& p : read_journal(path).frames)
    for (const OwnedEvent& e : p.events)
      if (e.kind == EventKind::open && e.channel == id) out.push_back(e.tyme);
  return out;
}

// The recorded run reconnected at opens[1]: a replay whose client retries
// otherwise diverges there (or earlier, where it reopens too soon), and one
// that retries as recorded is identical, its journal the same events.
void expect_retry_replays(const std::string& dir, const std::string& path, const RetryRun& run,
                          std::uint32_t client_id, const JournalTrailer& captured) {
  const std::vector<Tyme> opens = opens_of(path, client_id);
  ASSERT_GE(opens.size(), 2u) << "the capture did not reconnect";
  ReplayRun strict;
  strict.out = dir + "/replayed.hioj";
  const Replayed same = replay_retry(path, run, strict);
  ASSERT_TRUE(same.result.identical()) << same.text;
  EXPECT_EQ(same.result.digest, captured.digest);
  EXPECT_EQ(same.result.passes, captured.passes);
  EXPECT_EQ(opens_of(strict.out, client_id), opens);
  JournalReader recorded(path);
  JournalReader replayed(strict.out);
  const DiffResult d = diff_journals(recorded, replayed);
  EXPECT_TRUE(d.same()) << (d.divergence ? d.divergence->describe() : "damage");

  const auto pass_of = [](Tyme t) {
    return static_cast<std::uint64_t>(t.time_since_epoch() / kTock);
  };
  // No retry: the reopen is missing at its recorded pass.
  RetryRun never = run;
  never.retry = Tock{0};
  const Replayed n = replay_retry(path, never);
  ASSERT_TRUE(n.result.divergence) << "a client that never retries replayed identical";
  EXPECT_EQ(n.result.divergence->kind, DivergenceKind::event_missing) << n.text;
  EXPECT_EQ(n.result.divergence->pass, pass_of(opens[1])) << n.text;
  EXPECT_EQ(n.result.divergence->channel, client_id) << n.text;
  ASSERT_TRUE(n.result.divergence->expected);
  EXPECT_EQ(n.result.divergence->expected->kind, EventKind::open);
  // Three times the retry: the first reopen comes later than recorded.
  RetryRun slower = run;
  slower.retry = run.retry * 3;
  const Replayed s = replay_retry(path, slower);
  ASSERT_TRUE(s.result.divergence) << "a client retrying a third as often replayed identical";
  EXPECT_EQ(s.result.divergence->kind, DivergenceKind::event_missing) << s.text;
  EXPECT_EQ(s.result.divergence->pass, pass_of(opens[1])) << s.text;
  // Half the retry: it reopens before the recorded run did, an extra open.
  RetryRun faster = run;
  faster.retry = run.retry / 2;
  const Replayed f = replay_retry(path, faster);
  ASSERT_TRUE(f.result.divergence) << "a client retrying twice as often replayed identical";
  EXPECT_LT(f.result.divergence->pass, pass_of(opens[1])) << f.text;
  ASSERT_TRUE(f.result.divergence->actual) << f.text;
  EXPECT_EQ(f.result.divergence->actual->kind, EventKind::open) << f.text;
  EXPECT_EQ(f.result.divergence->channel, client_id) << f.text;
}

TEST(ReplayRetry, ASimulatedClientRetryingARefusedConnectReplaysIdentically) {
  TempDir dir;
  const RetryRun run{
      .listen = "", .hang_up = false, .connect = "sim://server:1", .retry = Tock{50'000'000}};
  const JournalTrailer t = capture_retry(dir.file("sim.hioj"), run, false, Tock{300'000'000});
  // Refused (nobody listens), then a new attempt on every grid point.
  EXPECT_EQ(opens_of(dir.file("sim.hioj"), 1),
            (std::vector<Tyme>{Tyme{}, Tyme{Tock{50'000'000}}, Tyme{Tock{100'000'000}},
                               Tyme{Tock{150'000'000}}, Tyme{Tock{200'000'000}},
                               Tyme{Tock{250'000'000}}}));
  expect_retry_replays(dir.path(), dir.file("sim.hioj"), run, 1, t);
}

// An echo server on SimNet whose host is down from 300 to 600 ms, and a
// client retrying every 100 ms: reset (a remote close), then reconnected.
const RetryRun kHostDown{.listen = "sim://server:7",
                         .hang_up = false,
                         .connect = "sim://server:7",
                         .retry = Tock{100'000'000}};

JournalTrailer capture_host_down(const std::string& path) {
  return capture_retry(path, kHostDown, false, seconds(1), [](SimNet& net) {
    net.host_down_at(Tyme{Tock{300'000'000}}, "server");
    net.host_up_at(Tyme{Tock{600'000'000}}, "server");
  });
}

TEST(ReplayRetry, ASimulatedClientReconnectingAfterItsServerWentDownReplaysIdentically) {
  TempDir dir;
  const JournalTrailer t = capture_host_down(dir.file("sim.hioj"));
  // Reset at 300 ms (a remote close), reconnected once the host is up.
  std::uint64_t connects = 0;
  bool reset = false;
  for (const PassRecord& p : read_journal(dir.file("sim.hioj")).frames)
    for (const OwnedEvent& e : p.events) {
      if (e.channel != 2) continue;
      if (e.kind == EventKind::connect) ++connects;
      if (e.kind == EventKind::close && e.who == CloseWho::remote) reset = true;
    }
  EXPECT_TRUE(reset);
  EXPECT_GE(connects, 2u);
  expect_retry_replays(dir.path(), dir.file("sim.hioj"), kHostDown, 2, t);
}

// Records `run` on real loopback TCP, in real time for 200 ms, and replays it.
void expect_real_retry_replays(const RetryRun& run, std::uint32_t client_id) {
  TempDir dir;
  const JournalTrailer t = capture_retry(dir.file("real.hioj"), run, true, Tock{200'000'000});
  expect_retry_replays(dir.path(), dir.file("real.hioj"), run, client_id, t);
}

TEST(ReplayRetry, ARealClientRetryingARefusedConnectReplaysIdentically) {
  // Port 1 on loopback: nobody listens there (a privileged port no test binds).
  expect_real_retry_replays(
      {.listen = "", .hang_up = false, .connect = "tcp://127.0.0.1:1", .retry = Tock{40'000'000}},
      1);
}

TEST(ReplayRetry, ARealClientReconnectingAfterARemoteCloseReplaysIdentically) {
  expect_real_retry_replays(
      {.listen = "tcp://127.0.0.1:0", .hang_up = true, .connect = "", .retry = Tock{40'000'000}},
      2);
}

TEST(ReplayRetry, NoiseOnARetryingClientIsReproducibleBySeed) {
  TempDir dir;
  capture_host_down(dir.file("sim.hioj"));
  ReplayRun noisy;
  noisy.options.noise = parse_noise_spec("drop=0.3,dup=0.2,corrupt=0.2");
  noisy.options.noise_seed = 4;
  noisy.out = dir.file("a.hioj");
  const Replayed a = replay_retry(dir.file("sim.hioj"), kHostDown, noisy);
  noisy.out = dir.file("b.hioj");
  const Replayed b = replay_retry(dir.file("sim.hioj"), kHostDown, noisy);
  EXPECT_EQ(a.result.status, ReplayStatus::perturbed);
  EXPECT_EQ(test::read_file(dir.file("a.hioj")), test::read_file(dir.file("b.hioj")));
  // The reconnects are the recorded ones: the inputs that end and open the
  // connections are delivered as recorded, and the client retries on its grid.
  EXPECT_EQ(opens_of(dir.file("a.hioj"), 2), opens_of(dir.file("sim.hioj"), 2));
  EXPECT_EQ(a.result.noise.undelivered, 0u);
}

// ---- noise ------------------------------------------------------------------------

// A serial line on SimNet (sim-serial://ttyA <-> ttyB, 9600 baud, 1 ms, bit
// errors): a device "device" that echoes what it reads, and a host "host"
// that writes a 40-byte line every 50 ms (10 lines: 42 ms each at 9600 baud)
// and reads the echo. Its rx comes in chunks of the UART FIFO (16 bytes), as
// a serial line's does.
class SerialScene {
 public:
  explicit SerialScene(IoHub& io)
      : device_(io, "sim-serial://ttyB?baud=9600", {}, "device"),
        host_(io, "sim-serial://ttyA?baud=9600", {}, "host") {}
  std::vector<Doer*> doers() { return {&device_, &host_}; }

 private:
  class Echo final : public SerialDoer {
   public:
    using SerialDoer::SerialDoer;

   protected:
    void serve(Channel& line) override {
      line.consume(line.write(line.peek().substr(0, line.tx_space())));
    }
  };
  class Liner final : public SerialDoer {
   public:
    using SerialDoer::SerialDoer;

   protected:
    void serve(Channel& line) override {
      (void)line.read();
      const Tyme due{Tock{50'000'000} * sent_};
      if (line.connected() && sent_ < 10 && tyme() >= due) {
        std::string text = "line " + std::to_string(sent_) + " ";
        text.resize(39, static_cast<char>('a' + sent_));
        text += "\n";
        if (line.tx_space() >= text.size()) {
          (void)line.write(text);
          ++sent_;
        }
      }
      if (sent_ < 10) rerun();
    }

   private:
    int sent_ = 0;
  };

  Echo device_;
  Liner host_;
};

// Records the serial scene for 700 ms: every line echoed by 550 ms, some
// damaged by the line's bit errors (the SimNet's own noise events, replayed
// as inputs).
JournalTrailer capture_serial(const std::string& path) {
  test::RecordRig rig(kTock);
  SimNet net(rig.doist, rig.io, {.seed = 13});
  net.add_serial("ttyA", "ttyB", {.latency = kTock, .bit_error = 0.001});
  JournalHeader header;
  header.seed = 13;
  header.scenario = "serial scene";
  Journal journal(rig.doist, rig.io, path, header);
  SerialScene scene(rig.io);
  journal.run(scene.doers(), Tock{700'000'000});
  return *journal.trailer();
}

// The same journal and noise seed give a byte-identical replay journal,
// another seed another one; every decision is a noise event in it.
// `replay_to(options, out)` replays the recorded journal into a journal at out.
void expect_noise_reproducible_by_seed(
    const TempDir& dir,
    const std::function<Replayed(const ReplayOptions&, const std::string&)>& replay_to) {
  ReplayOptions noisy;
  noisy.noise =
      parse_noise_spec("drop=0.1,delay=0-20ms,delay_p=0.2,dup=0.1,corrupt=0.1,reorder=0.1");
  noisy.noise_seed = 1;
  const Replayed a = replay_to(noisy, dir.file("a.hioj"));
  const Replayed b = replay_to(noisy, dir.file("b.hioj"));
  noisy.noise_seed = 2;
  const Replayed c = replay_to(noisy, dir.file("c.hioj"));

  EXPECT_EQ(a.result.status, ReplayStatus::perturbed);
  const NoiseStats& n = a.result.noise;
  EXPECT_GT(n.rx_seen, 0u);
  EXPECT_GT(n.dropped + n.delayed + n.duplicated + n.corrupted + n.reordered, 0u);
  EXPECT_GT(n.tx_mismatches + n.tx_missing_bytes + n.tx_extra_bytes, 0u);
  EXPECT_EQ(test::read_file(dir.file("a.hioj")), test::read_file(dir.file("b.hioj")));
  EXPECT_NE(test::read_file(dir.file("a.hioj")), test::read_file(dir.file("c.hioj")));
  EXPECT_NE(a.result.digest, c.result.digest);

  // Every decision is a noise event in the replay's journal (besides the
  // SimNet's own noise events, replayed as recorded), and names the other
  // end of the message, as every noise event does: on these stream channels,
  // whose rx names none, the peer of the channel's connect.
  std::uint64_t noise_events = 0;
  std::map<std::uint32_t, std::string> connected_to;
  for (const PassRecord& p : read_journal(dir.file("a.hioj")).frames) {
    for (const OwnedEvent& e : p.events) {
      if (e.kind == EventKind::connect) connected_to[e.channel] = e.peer;
      if (e.kind != EventKind::noise || !e.text.starts_with("replay noise: ")) continue;
      ++noise_events;
      ASSERT_TRUE(connected_to.contains(e.channel)) << "noise on #" << e.channel;
      EXPECT_FALSE(e.peer.empty()) << "noise on #" << e.channel << ": " << e.text;
      EXPECT_EQ(e.peer, connected_to[e.channel]) << "noise on #" << e.channel << ": " << e.text;
    }
  }
  EXPECT_EQ(noise_events, n.dropped + n.delayed + n.duplicated + n.corrupted + n.reordered);
}

TEST(Replay, NoiseIsReproducibleBySeedAndJournaled) {
  TempDir dir;
  capture_sim(dir.file("sim.hioj"), true);
  expect_noise_reproducible_by_seed(dir, [&](const ReplayOptions& o, const std::string& out) {
    return replay(dir.file("sim.hioj"), sim_scene(), out, o);
  });
}

// A corrupt replay's bit flips are pinned for a fixed journal and noise seed
// (as SimNet's golden digest pins its draws): any change to the draws shows
// here (pass, channel and text of the first five). Every bit of a byte is
// flipped, the 8th too.
TEST(Replay, CorruptNoiseFlipsTheGoldenBitsForASeed) {
  TempDir dir;
  capture_sim(dir.file("sim.hioj"), true);
  ReplayOptions noisy;
  noisy.noise = parse_noise_spec("corrupt=0.5");
  noisy.noise_seed = 7;
  const Replayed r = replay(dir.file("sim.hioj"), sim_scene(), dir.file("noisy.hioj"), noisy);
  EXPECT_EQ(r.result.status, ReplayStatus::perturbed);
  std::vector<std::string> flips;
  std::set<char> bits;
  for (const PassRecord& p : read_journal(dir.file("noisy.hioj")).frames) {
    for (const OwnedEvent& e : p.events) {
      if (e.kind != EventKind::noise || !e.text.starts_with("replay noise: ")) continue;
      flips.push_back(std::to_string(p.pass) + " #" + std::to_string(e.channel) + " " +
                      e.text.substr(14));
      bits.insert(e.text.at(e.text.size() - 9));  // "... bit B flipped"
    }
  }
  EXPECT_EQ(flips.size(), r.result.noise.corrupted);
  EXPECT_EQ(bits, (std::set<char>{'0', '1', '2', '3', '4', '5', '6', '7'}));
  ASSERT_GE(flips.size(), 5u);
  EXPECT_EQ(std::vector<std::string>(flips.begin(), flips.begin() + 5),
            (std::vector<std::string>{"10 #5 byte 0 bit 3 flipped", "11 #6 byte 5 bit 6 flipped",
                                      "11 #5 byte 1 bit 6 flipped", "14 #4 byte 0 bit 5 flipped",
                                      "15 #4 byte 4 bit 3 flipped"}));
}

// Noise on replay applies to serial lines as to every channel (a serial line
// is a byte stream: its recorded rx chunks are dropped, delayed, duplicated or
// get a bit flipped, delivered in order, never reordered), reproducibly.
TEST(Replay, NoiseOnASerialLineIsReproducibleBySeedAndJournaled) {
  TempDir dir;
  capture_serial(dir.file("serial.hioj"));
  // The line's own bit errors are in the journal, and the replay without
  // noise is identical.
  std::uint64_t line_noise = 0;
  for (const PassRecord& p : read_journal(dir.file("serial.hioj")).frames)
    for (const OwnedEvent& e : p.events)
      if (e.kind == EventKind::noise) ++line_noise;
  EXPECT_GT(line_noise, 0u);
  const Replayed same = replay_scene<SerialScene>(dir.file("serial.hioj"), {});
  ASSERT_TRUE(same.result.identical()) << same.text;

  const auto replay_to = [&](const ReplayOptions& o, const std::string& out) {
    ReplayRun how;
    how.options = o;
    how.out = out;
    return replay_scene<SerialScene>(dir.file("serial.hioj"), how);
  };
  expect_noise_reproducible_by_seed(dir, replay_to);

  // Each kind on its own reaches the serial channels' rx (#1 the device, #2
  // the host); reorder is drawn and does nothing to a stream.
  for (const char* spec : {"drop=0.2", "dup=0.2", "corrupt=0.2", "delay=0-20ms"}) {
    SCOPED_TRACE(spec);
    ReplayOptions o;
    o.noise = parse_noise_spec(spec);
    o.noise_seed = 3;
    const Replayed r = replay_to(o, dir.file("kind.hioj"));
    const NoiseStats& n = r.result.noise;
    EXPECT_GT(n.dropped + n.duplicated + n.corrupted + n.delayed, 0u) << format_noise_stats(n);
    EXPECT_EQ(n.undelivered, 0u) << format_noise_stats(n);
    std::set<std::uint32_t> channels;
    for (const PassRecord& p : read_journal(dir.file("kind.hioj")).frames)
      for (const OwnedEvent& e : p.events)
        if (e.kind == EventKind::noise && e.text.starts_with("replay noise: "))
          channels.insert(e.channel);
    EXPECT_EQ(channels, (std::set<std::uint32_t>{1, 2}));
  }
  ReplayOptions reorder;
  reorder.noise = parse_noise_spec("reorder=1");
  const Replayed r = replay_to(reorder, dir.file("reorder.hioj"));
  EXPECT_EQ(r.result.noise.reordered, 0u);
  EXPECT_EQ(r.result.digest, same.result.digest);
}

// The side of a channel's tx comparison that runs ahead keeps at most
// noise_tx_kept_bytes (memory bounded whatever the journal's size); what it
// passes over is still counted: the same surplus (bytes extra less bytes
// missing) as when all is kept, and no more mismatches. (Bytes passed over are
// not realigned: a stream's may pair bytes that realigning would call
// missing on one side and extra on the other.)
TEST(Replay, NoiseTxComparisonKeepsABoundedSurplus) {
  TempDir dir;
  capture_sim(dir.file("sim.hioj"), true);
  for (const char* spec : {"dup=1", "drop=1", "dup=0.5,drop=0.3"}) {
    SCOPED_TRACE(spec);
    ReplayOptions all;
    all.noise = parse_noise_spec(spec);
    all.noise_seed = 7;
    ReplayOptions bounded = all;
    bounded.noise_tx_kept_bytes = 4;
    const NoiseStats a = replay(dir.file("sim.hioj"), sim_scene(), "", all).result.noise;
    const NoiseStats b = replay(dir.file("sim.hioj"), sim_scene(), "", bounded).result.noise;
    EXPECT_GT(a.tx_extra_bytes + a.tx_missing_bytes, 4u);
    EXPECT_EQ(b.tx_extra_bytes - b.tx_missing_bytes, a.tx_extra_bytes - a.tx_missing_bytes);
    EXPECT_LE(b.tx_missing_bytes, a.tx_missing_bytes);
    EXPECT_LE(b.tx_mismatches, a.tx_mismatches);
  }
}

// An rx held back by noise whose release falls on the closing pass (the
// recorded end, where no doer runs again) is undelivered: every rx the model
// saw is either read in a pass the doers ran or counted undelivered.
TEST(Replay, NoiseRxHeldUntilTheEndIsUndelivered) {
  TempDir dir;
  const JournalTrailer t = capture_sim(dir.file("sim.hioj"), true);
  // The last rx recorded before the end: delayed to land exactly on it.
  Tyme last_rx{};
  for (const PassRecord& p : read_journal(dir.file("sim.hioj")).frames)
    for (const OwnedEvent& e : p.events)
      if (e.kind == EventKind::rx && e.tyme < t.end_tyme) last_rx = std::max(last_rx, e.tyme);
  const Tock d = t.end_tyme - last_rx;
  ASSERT_GT(d, Tock{0});
  ReplayOptions noisy;
  noisy.noise = parse_noise_spec("delay=" + std::to_string(d.count()) + "ns");
  noisy.noise_seed = 1;
  const Replayed r = replay(dir.file("sim.hioj"), sim_scene(), dir.file("r.hioj"), noisy);
  const NoiseStats& n = r.result.noise;
  EXPECT_EQ(n.delayed, n.rx_seen);
  std::uint64_t read = 0;  // rx delivered at a pass the doers ran
  std::uint64_t at_end = 0;
  for (const PassRecord& p : read_journal(dir.file("r.hioj")).frames)
    for (const OwnedEvent& e : p.events)
      if (e.kind == EventKind::rx) ++(e.tyme < t.end_tyme ? read : at_end);
  EXPECT_EQ(at_end, 0u);
  EXPECT_GT(n.undelivered, 0u);
  EXPECT_EQ(read + n.undelivered, n.rx_seen);
}

TEST(Replay, NoiseComparesDatagramTxDatagramByDatagram) {
  // Every rx delivered twice: the echo answers each of the 10 requests twice.
  // Compared datagram by datagram, that is 10 datagrams extra and nothing
  // else - not a cascade of mismatches over one byte stream.
  TempDir dir;
  capture_requests(dir.file("udp.hioj"), 10);
  ReplayRun dup;
  dup.options.noise = parse_noise_spec("dup=1");
  const Replayed r = replay_scene<RequestScene>(dir.file("udp.hioj"), dup, 10);
  ASSERT_EQ(r.result.status, ReplayStatus::perturbed);
  const NoiseStats& n = r.result.noise;
  // 10 requests to the echo, and 5 answers back: counted twice, they are
  // the 10 the requester waits for, and it closes; the other 5 arrive at a
  // closed channel, undelivered (they used to be delivered there, xrep10
  // finding 3).
  EXPECT_EQ(n.duplicated, 15u);
  EXPECT_EQ(n.undelivered, 5u);
  EXPECT_EQ(n.tx_mismatches, 0u) << format_noise_stats(n);
  EXPECT_EQ(n.tx_datagrams_extra, 10u) << format_noise_stats(n);
  EXPECT_EQ(n.tx_datagrams_missing, 0u) << format_noise_stats(n);
  EXPECT_EQ(n.tx_extra_bytes, 10u * 9u);  // "request <i>"
  EXPECT_EQ(n.tx_missing_bytes, 0u);
  // The first extra datagram is where the tx first differed (it was null:
  // replay.md's `first tx:` line was missing though the tx differed).
  ASSERT_TRUE(n.first_tx_mismatch);
  EXPECT_EQ(n.first_tx_mismatch->field, "extra");
  EXPECT_FALSE(n.first_tx_mismatch->expected);
  ASSERT_TRUE(n.first_tx_mismatch->actual);
  EXPECT_EQ(n.first_tx_mismatch->actual->bytes, "request 0");
  EXPECT_EQ(first_tx_mismatch_offset(*n.first_tx_mismatch), 9u);
  EXPECT_THAT(
      format_first_tx_mismatch(*n.first_tx_mismatch),
      ::testing::EndsWith(": a datagram the recording did not send was sent, at tx offset 9"));
  EXPECT_NE(format_noise_stats(n).find(
                "tx: 0 mismatches, 0 bytes missing, 90 bytes extra, 0 datagrams missing, 10 "
                "datagrams extra"),
            std::string::npos)
      << format_noise_stats(n);

  // Every rx dropped: the echo answers nothing (10 datagrams missing), and
  // the requester, answered by nobody, sends its 10 requests as recorded.
  ReplayRun drop;
  drop.options.noise = parse_noise_spec("drop=1");
  const NoiseStats& m = replay_scene<RequestScene>(dir.file("udp.hioj"), drop, 10).result.noise;
  EXPECT_EQ(m.tx_mismatches, 0u) << format_noise_stats(m);
  EXPECT_EQ(m.tx_datagrams_missing, 10u) << format_noise_stats(m);
  EXPECT_EQ(m.tx_datagrams_extra, 0u) << format_noise_stats(m);
  ASSERT_TRUE(m.first_tx_mismatch);
  EXPECT_EQ(m.first_tx_mismatch->field, "missing");
  ASSERT_TRUE(m.first_tx_mismatch->expected);
  EXPECT_FALSE(m.first_tx_mismatch->actual);
  EXPECT_EQ(m.first_tx_mismatch->expected->bytes, "request 0");
  EXPECT_EQ(first_tx_mismatch_offset(*m.first_tx_mismatch), 0u);
  EXPECT_THAT(format_first_tx_mismatch(*m.first_tx_mismatch),
              ::testing::EndsWith(": a recorded datagram was not sent, at tx offset 0"));
  // Named where the recording sent it: the echo's first answer, one link
  // latency (20 ms) in. It was named where the comparison gave up, the end,
  // since the echo never caught up (xudp25).
  std::optional<Tyme> sent;
  for (const PassRecord& p : read_journal(dir.file("udp.hioj")).frames)
    for (const OwnedEvent& e : p.events)
      if (!sent && e.kind == EventKind::tx && e.channel == m.first_tx_mismatch->channel) {
        sent = e.tyme;
      }
  ASSERT_TRUE(sent);
  EXPECT_EQ(*sent, Tyme{Tock{20'000'000}});
  EXPECT_EQ(m.first_tx_mismatch->tyme, *sent);
  EXPECT_EQ(m.first_tx_mismatch->pass, 20u);
  EXPECT_THAT(format_first_tx_mismatch(*m.first_tx_mismatch),
              ::testing::StartsWith("pass 20 (tyme 0.02 s) on channel "));

  // A datagram that differs is one mismatch: the hasty requester's every
  // request but the first ("request #<i>"), and those after still pair.
  ReplayRun once;
  once.options.noise = parse_noise_spec("corrupt=0.000001");  // a noise replay, in effect none
  const Replayed h = replay_scene<RequestScene>(dir.file("udp.hioj"), once, 10, true);
  const NoiseStats& k = h.result.noise;
  ASSERT_EQ(k.corrupted, 0u);
  EXPECT_EQ(k.tx_mismatches, 9u) << format_noise_stats(k);
  EXPECT_EQ(k.tx_datagrams_missing + k.tx_datagrams_extra, 0u) << format_noise_stats(k);
  ASSERT_TRUE(k.first_tx_mismatch);
  EXPECT_EQ(k.first_tx_mismatch->expected->bytes, "request 1");
  EXPECT_EQ(k.first_tx_mismatch->actual->bytes, "request #1");
}

TEST(Replay, AReplayOfAReplayKeepsTheNoiseChain) {
  // noise of noise: a noise replay's journal replayed with other noise, then
  // that journal replayed strictly. Each header keeps every spec and seed
  // the inputs went through, oldest first; noise and noise_seed stay the
  // replay's own.
  TempDir dir;
  capture_requests(dir.file("udp.hioj"), 10);
  ReplayRun first;
  first.options.noise = parse_noise_spec("dup=0.5");
  first.options.noise_seed = 1;
  first.out = dir.file("a.hioj");
  (void)replay_scene<RequestScene>(dir.file("udp.hioj"), first, 10);
  ReplayRun second;
  second.options.noise = parse_noise_spec("drop=0.2,delay=0-3ms");
  second.options.noise_seed = 2;
  second.out = dir.file("b.hioj");
  (void)replay_scene<RequestScene>(dir.file("a.hioj"), second, 10);
  ReplayRun strict;
  strict.out = dir.file("c.hioj");
  (void)replay_scene<RequestScene>(dir.file("b.hioj"), strict, 10);

  const std::vector<NoiseStep> chain{{"dup=0.5", 1}, {"drop=0.2,delay=0-3ms", 2}};
  const JournalHeader a = *read_journal(dir.file("a.hioj")).header;
  const JournalHeader b = *read_journal(dir.file("b.hioj")).header;
  const JournalHeader c = *read_journal(dir.file("c.hioj")).header;
  EXPECT_EQ(a.noise_chain, std::vector<NoiseStep>{chain[0]});
  EXPECT_EQ(b.noise_chain, chain);
  EXPECT_EQ(b.noise, "drop=0.2,delay=0-3ms");
  EXPECT_EQ(b.noise_seed, 2u);
  EXPECT_EQ(c.noise_chain, chain);  // a strict replay adds none, keeps them
  EXPECT_EQ(c.noise, "");

  // inspect shows the chain where it says more than noise= and noise_seed=.
  const std::string b_line = format_header(b);
  EXPECT_NE(b_line.find(" noise=\"drop=0.2,delay=0-3ms\" noise_seed=2 "
                        "noise_chain=\"dup=0.5\"@1,\"drop=0.2,delay=0-3ms\"@2"),
            std::string::npos)
      << b_line;
  EXPECT_EQ(format_header(a).find("noise_chain"), std::string::npos) << format_header(a);
  EXPECT_NE(format_header(c).find(" noise_chain=\"dup=0.5\"@1,"), std::string::npos)
      << format_header(c);
  const std::string json = format_header(b, {.format = LineFormat::json});
  EXPECT_NE(json.find("\"noise_chain\":[{\"seed\":1,\"spec\":\"dup=0.5\"},{\"seed\":2,"
                      "\"spec\":\"drop=0.2,delay=0-3ms\"}]"),
            std::string::npos)
      << json;

  // A journal written before the chain existed: its own noise is the chain.
  JournalHeader old = b;
  old.noise_chain.clear();
  EXPECT_EQ(noise_chain_of(old), std::vector<NoiseStep>{chain[1]});
}

TEST(Replay, NoNoiseIsAStrictReplay) {
  TempDir dir;
  capture_sim(dir.file("sim.hioj"), true);
  ReplayOptions none;
  none.noise = parse_noise_spec("drop=0,dup=0");
  EXPECT_TRUE(none.noise.empty());
  EXPECT_TRUE(replay(dir.file("sim.hioj"), sim_scene(), "", none).result.identical());
}

TEST(NoiseSpec, ParsesEveryKind) {
  const NoiseSpec s = parse_noise_spec("drop=0.01,delay=0-20ms,dup=0.005,corrupt=0.001,reorder=1");
  EXPECT_EQ(s.drop, Probability::from_ratio(1, 100));
  EXPECT_EQ(s.dup, Probability::from_ratio(5, 1000));
  EXPECT_EQ(s.corrupt, Probability::from_ratio(1, 1000));
  EXPECT_EQ(s.reorder, Probability::always());
  EXPECT_TRUE(s.delay);
  EXPECT_EQ(s.delay_min, Tock{0});
  EXPECT_EQ(s.delay_max, Tock{20'000'000});
  EXPECT_EQ(parse_noise_spec("delay=5us").delay_max, Tock{5'000});
  EXPECT_EQ(parse_noise_spec("delay=1ms-2s").delay_min, Tock{1'000'000});
  EXPECT_TRUE(parse_noise_spec("").empty());
}

std::string spec_error(std::string_view spec) {
  try {
    parse_noise_spec(spec);
  } catch (const NoiseSpecError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(NoiseSpec, BadSpecsSayWhichKeyAndWhere) {
  // A value out of [0, 1] is wrong from its start; a character that cannot
  // be in a decimal is pointed at (both were at either, unsaid which).
  EXPECT_EQ(spec_error("drop=1.5"),
            "noise spec: at offset 5 (key 'drop'): expected a probability in [0, 1] (like 0.01), "
            "got '1.5': more than 1");
  EXPECT_EQ(spec_error("drop=1e-3"),
            "noise spec: at offset 6 (key 'drop'): expected a probability in [0, 1] (like 0.01), "
            "got '1e-3': unexpected 'e'");
  EXPECT_EQ(spec_error("drop=."),
            "noise spec: at offset 5 (key 'drop'): expected a probability in [0, 1] (like 0.01), "
            "got '.': no digits");
  EXPECT_EQ(spec_error("drop=0.\xc3\xa9"),
            "noise spec: at offset 7 (key 'drop'): expected a probability in [0, 1] (like 0.01), "
            "got '0.\xc3\xa9': unexpected '\xc3\xa9'");
  EXPECT_EQ(spec_error("drop=0.01,dup=x"),
            "noise spec: at offset 14 (key 'dup'): expected a probability in [0, 1] (like 0.01), "
            "got 'x': unexpected 'x'");
  EXPECT_EQ(spec_error("drop=0.01,lose=0.1"),
            "noise spec: at offset 10: unknown key 'lose' (known: drop, dup, corrupt, reorder, "
            "delay, delay_p)");
  EXPECT_EQ(spec_error("drop=0.1,drop=0.2"), "noise spec: at offset 9 (key 'drop'): given twice");
  // delay_p is how often the delay applies: without a delay it did nothing.
  EXPECT_EQ(spec_error("drop=0.1,delay_p=0.5"),
            "noise spec: at offset 9 (key 'delay_p'): delay_p without delay does nothing (it is "
            "the probability that an rx gets the delay): give delay=LO-HI too (e.g. "
            "delay=0-20ms), or leave delay_p out");
  EXPECT_EQ(
      spec_error("delay=0-20"),
      "noise spec: at offset 10 (key 'delay'): missing unit (ns, us, ms, s, m or h) after '20'");
  EXPECT_EQ(spec_error("delay=0-20min"),
            "noise spec: at offset 10 (key 'delay'): unknown unit 'min' (ns, us, ms, s, m or "
            "h)");
  EXPECT_EQ(spec_error("delay=30ms-20ms"),
            "noise spec: at offset 6 (key 'delay'): the delay range '30ms-20ms' has its low end "
            "above its high end");
  // A sign is refused as the scenarios' durations refuse it, not read as a range.
  EXPECT_EQ(spec_error("delay=-1ms"),
            "noise spec: at offset 6 (key 'delay'): duration \"-1ms\" is negative");
  EXPECT_EQ(spec_error("delay=-0"),
            "noise spec: at offset 6 (key 'delay'): duration \"-0\" has a "
            "sign; durations have none: write \"0\"");
  EXPECT_EQ(spec_error("delay=-1ms-5ms"),
            "noise spec: at offset 6 (key 'delay'): duration \"-1ms\" is negative");
  EXPECT_EQ(spec_error("delay=5ms--1ms"),
            "noise spec: at offset 10 (key 'delay'): duration \"-1ms\" is negative");
  EXPECT_EQ(spec_error("drop=0.1,"),
            "noise spec: at offset 8: empty item (two commas, or a comma at an end)");
  EXPECT_EQ(spec_error("drop"), "noise spec: at offset 0: expected key=value, got 'drop'");
  EXPECT_EQ(spec_error("dup="), "noise spec: at offset 4 (key 'dup'): missing value");
  // Numbers that would overflow are refused, not wrapped.
  EXPECT_EQ(spec_error("drop=19.000000000000000000"),
            "noise spec: at offset 5 (key 'drop'): expected a probability in [0, 1] (like 0.01), "
            "got '19.000000000000000000': more than 1");
  EXPECT_EQ(spec_error("drop=99999999999999999999999"),
            "noise spec: at offset 5 (key 'drop'): expected a probability in [0, 1] (like 0.01), "
            "got '99999999999999999999999': more than 1");
  EXPECT_EQ(spec_error("drop=1.000000000000000001"),
            "noise spec: at offset 5 (key 'drop'): expected a probability in [0, 1] (like 0.01), "
            "got '1.000000000000000001': more than 1");
  EXPECT_EQ(parse_noise_spec("drop=1.000000000000000000").drop, Probability::from_ratio(1, 1));
  EXPECT_EQ(spec_error("delay=10000000000s"),
            "noise spec: at offset 6 (key 'delay'): delay too large (at most 24 hours)");
  EXPECT_EQ(spec_error("delay=0-99999999999999999999999ns"),
            "noise spec: at offset 8 (key 'delay'): delay too large (at most 24 hours)");
  EXPECT_EQ(parse_noise_spec("delay=24000ms").delay_max, Tock{24'000'000'000});
  EXPECT_EQ(spec_error("corrupt=0.5x"),
            "noise spec: at offset 11 (key 'corrupt'): expected a probability in [0, 1] (like "
            "0.01), got '0.5x': unexpected 'x'");
}

// The delay takes the scenario duration grammar: decimals, minutes and hours.
TEST(NoiseSpec, DelayTakesTheScenarioDurationGrammar) {
  EXPECT_EQ(parse_noise_spec("delay=1.5ms").delay_max, Tock{1'500'000});
  const NoiseSpec range = parse_noise_spec("delay=0.5-2ms");
  EXPECT_EQ(range.delay_min, Tock{500'000});
  EXPECT_EQ(range.delay_max, Tock{2'000'000});
  // A range of one value: every delayed chunk waits exactly that long.
  const NoiseSpec fixed = parse_noise_spec("delay=5ms-5ms");
  EXPECT_EQ(fixed.delay_min, Tock{5'000'000});
  EXPECT_EQ(fixed.delay_max, Tock{5'000'000});
  EXPECT_EQ(parse_noise_spec("delay=1m").delay_max, seconds(60));
  EXPECT_EQ(parse_noise_spec("delay=24h").delay_max, seconds(86'400));
  EXPECT_TRUE(parse_noise_spec("delay=0").empty());
  EXPECT_EQ(spec_error("delay=24.5h"),
            "noise spec: at offset 6 (key 'delay'): delay too large (at most 24 hours)");
  EXPECT_EQ(spec_error("delay=0.5ns"),
            "noise spec: at offset 6 (key 'delay'): delay '0.5ns' is finer than 1 ns");
  EXPECT_EQ(spec_error("delay=1ms-x"),
            "noise spec: at offset 10 (key 'delay'): expected a duration like 20ms (a number and "
            "unit ns, us, ms, s, m or h), got 'x'");
  EXPECT_EQ(spec_error("delay=5-2ms"),
            "noise spec: at offset 6 (key 'delay'): the delay range '5-2ms' has its low end above "
            "its high end");
}

}  // namespace replay_test
}  // namespace
}  // namespace hio::replay
