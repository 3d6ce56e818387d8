// The one switch: Journal on a Doist and an IoHub. Virtual-time runs give
// byte-identical journals (again, and with time skipping off), the journal
// holds exactly the events of the choke point, and the header/trailer tell
// the run; a real-time capture over loopback TCP reads back.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/replay/replay.hpp"
#include "hio/testkit/echo_scene.hpp"
#include "io_run.hpp"
#include "loop_net.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace journal_test {

using test::TempDir;

// Keeps a copy of every event, to compare with what the journal holds.
class CopySink final : public EventSink {
 public:
  void on_event(const ChannelEvent& e) override { events.push_back(OwnedEvent::from(e)); }
  std::vector<OwnedEvent> events;
};

// Logs on a grid of tyme, so passes with only log events exist too.
class Ticker final : public Doer {
 public:
  Ticker(IoHub& hub, Tock tock, int count) : Doer("ticker", tock), hub_(hub), count_(count) {}

 protected:
  bool recur(Tyme tyme) override {
    hub_.log("tick " + std::to_string(n_) + " at " + format_seconds(tyme));
    return ++n_ >= count_;
  }

 private:
  IoHub& hub_;
  int count_;
  int n_ = 0;
};

struct SimRunResult {
  RunEnd end;
  JournalTrailer trailer;
  std::vector<OwnedEvent> events;  // from the choke point
  std::uint64_t executed_passes;
};

SimRunResult sim_run(const std::string& path, bool skip, JournalOptions options = {}) {
  test::RecordRig rig(Tock{31'250'000});
  rig.doist.set_skip(skip);
  test::LoopFactory loop;
  rig.io.set_factory(Scheme::sim, &loop);
  CopySink copy;
  rig.io.add_sink(copy);
  JournalHeader header;
  header.seed = 99;
  header.scenario = "chatter x3";
  Journal journal(rig.doist, rig.io, path, header, options);
  test::Chatter a(rig.io, "alice", Tock{31'250'000 * 3}, 5);
  test::Chatter b(rig.io, "bob", Tock{31'250'000 * 7}, 3);
  Ticker ticker(rig.io, Tock{31'250'000 * 10}, 4);
  SimRunResult r;
  r.end = journal.run({&a, &b, &ticker}, seconds(60));
  r.trailer = *journal.trailer();
  r.events = copy.events;
  r.executed_passes = rig.doist.executed_passes();
  rig.io.remove_sink(copy);
  return r;
}

TEST(Journal, SimulatedRunsAreByteIdenticalWithAndWithoutSkipping) {
  TempDir dir;
  SimRunResult first = sim_run(dir.file("a.hioj"), true);
  SimRunResult again = sim_run(dir.file("b.hioj"), true);
  SimRunResult no_skip = sim_run(dir.file("c.hioj"), false);
  EXPECT_EQ(first.end, RunEnd::done);
  EXPECT_LT(first.executed_passes, no_skip.executed_passes);  // skipping did skip
  const std::string a = test::read_file(dir.file("a.hioj"));
  EXPECT_EQ(a, test::read_file(dir.file("b.hioj")));
  EXPECT_EQ(a, test::read_file(dir.file("c.hioj")));
  EXPECT_EQ(first.trailer, no_skip.trailer);
}

TEST(Journal, HoldsExactlyTheChokePointsEvents) {
  TempDir dir;
  SimRunResult run = sim_run(dir.file("a.hioj"), true);
  JournalContents read = read_journal(dir.file("a.hioj"));
  ASSERT_TRUE(read.complete()) << read.error->describe();
  std::vector<OwnedEvent> journaled;
  std::vector<Tyme> frame_tymes;
  for (const PassRecord& p : read.frames) {
    frame_tymes.push_back(p.tyme);
    EXPECT_EQ(p.part, 0u);
    EXPECT_EQ(p.pass, static_cast<std::uint64_t>(p.tyme.time_since_epoch() / Tock{31'250'000}));
    journaled.insert(journaled.end(), p.events.begin(), p.events.end());
  }
  EXPECT_EQ(journaled, run.events);
  // One frame per pass that had events.
  for (std::size_t i = 1; i < frame_tymes.size(); ++i)
    EXPECT_LT(frame_tymes[i - 1], frame_tymes[i]);
  std::vector<Tyme> event_tymes;
  for (const OwnedEvent& e : run.events)
    if (event_tymes.empty() || event_tymes.back() != e.tyme) event_tymes.push_back(e.tyme);
  EXPECT_EQ(frame_tymes, event_tymes);

  const JournalHeader& h = *read.header;
  EXPECT_EQ(h.seed, 99u);
  EXPECT_EQ(h.tock, Tock{31'250'000});
  EXPECT_EQ(h.mode, Mode::sim);
  EXPECT_EQ(h.scenario, "chatter x3");
  EXPECT_EQ(h.wall_clock, "");  // nothing from the machine in a simulated journal
  // The channels the run started with (made in the doers' enter).
  ASSERT_EQ(h.channels.size(), 2u);
  EXPECT_EQ(h.channels[0], (ChannelInfo{1, "alice", "sim://alice:1", ChannelKind::stream}));
  EXPECT_EQ(h.channels[1], (ChannelInfo{2, "bob", "sim://bob:1", ChannelKind::stream}));

  const JournalTrailer& t = *read.trailer;
  EXPECT_EQ(t.events, run.events.size());
  EXPECT_EQ(t.digest, digest_events(test::views(run.events)));
  EXPECT_EQ(t.end, RunOutcome::done);
  EXPECT_EQ(t.frames, read.frames.size());
  EXPECT_GT(t.passes, 0u);
}

TEST(Journal, SmallFramesSplitPassesAndReadBackTheSame) {
  TempDir dir;
  JournalOptions tiny;
  tiny.recorder = RecorderOptions{.frame_events_max = 2, .frame_bytes_max = 16};
  SimRunResult split = sim_run(dir.file("split.hioj"), true, tiny);
  SimRunResult whole = sim_run(dir.file("whole.hioj"), true);
  EXPECT_EQ(split.trailer.digest, whole.trailer.digest);
  EXPECT_GT(split.trailer.frames, whole.trailer.frames);
  JournalReader a(dir.file("split.hioj"));
  JournalReader b(dir.file("whole.hioj"));
  EXPECT_TRUE(diff_journals(a, b).same());
}

// Throws on its third run.
class Failing final : public Doer {
 public:
  explicit Failing(IoHub& hub) : Doer("failing", Tock{31'250'000}), hub_(hub) {}

 protected:
  bool recur(Tyme) override {
    hub_.log("run " + std::to_string(runs_));
    if (++runs_ == 3) throw std::runtime_error("doer exploded");
    return false;
  }

 private:
  IoHub& hub_;
  int runs_ = 0;
};

TEST(Journal, AnExceptionEndsTheJournalWithIt) {
  TempDir dir;
  Doist doist;
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  Journal journal(doist, io, dir.file("x.hioj"), JournalHeader{});
  Failing failing(io);
  EXPECT_THROW(journal.run({&failing}, seconds(1)), std::runtime_error);
  ASSERT_TRUE(journal.finished());
  JournalContents read = read_journal(dir.file("x.hioj"));
  ASSERT_TRUE(read.complete()) << read.error->describe();
  EXPECT_EQ(read.trailer->end, RunOutcome::error);
  EXPECT_EQ(read.trailer->end_text, "doer exploded");
  EXPECT_EQ(read.trailer->events, 3u);
}

TEST(Journal, ModeMustMatchTheDoist) {
  TempDir dir;
  Doist doist;
  IoHub io(doist.tymth());
  JournalHeader real;
  real.mode = Mode::real;
  EXPECT_THROW(Journal(doist, io, dir.file("m.hioj"), real), std::invalid_argument);
}

// Done at its first recur.
class Once final : public Doer {
 public:
  Once() : Doer("once") {}

 protected:
  bool recur(Tyme) override { return true; }
};

// A journal's run starts at tyme 0, as its replay's does: a Doist that has
// run before is refused when the Journal is made, before any file. (Such a
// journal was taken, and replayed with a false divergence at pass 0.)
TEST(Journal, IsRefusedOnADoistThatHasRunBefore) {
  TempDir dir;
  Doist doist(Tock{1'000'000});
  doist.set_handle_sigint(false);
  Once once;
  doist.run({&once});
  IoHub io(doist.tymth());
  doist.attach(io);
  try {
    Journal journal(doist, io, dir.file("late.hioj"), JournalHeader{});
    ADD_FAILURE() << "a journal of a run from tyme 0.001 s was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("would start at tyme 0.001 s, not 0"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("late.hioj")));
}

// A start tyme (hio's Doist(tyme=...), do(tyme=...)) is not 0: the run
// cannot be journaled (its replay runs from 0). A Doist made at one is
// refused when the Journal is made, before any file; a run given one, when
// it starts, before its doers enter, and the journal is written no further.
// A start tyme of 0 given to run() is the run from 0 a journal records.
TEST(Journal, IsRefusedForARunFromAStartTymeNot0) {
  TempDir dir;
  {
    Doist made_late(Tock{1'000'000}, false, Tock{0}, Tyme{Tock{2'000'000}});
    IoHub io(made_late.tymth());
    made_late.attach(io);
    try {
      Journal journal(made_late, io, dir.file("made.hioj"), JournalHeader{});
      ADD_FAILURE() << "a journal of a Doist made at tyme 0.002 s was accepted";
    } catch (const std::logic_error& e) {
      EXPECT_STREQ(e.what(),
                   "journal: the Doist's run would start at tyme 0.002 s, not 0 (the Doist was "
                   "made at that tyme); a journal records a run from tyme 0, as its replay runs "
                   "it: journal a run from 0 (no start tyme) on a fresh Doist");
    }
    EXPECT_FALSE(std::filesystem::exists(dir.file("made.hioj")));
  }
  Doist doist(Tock{1'000'000});
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  Journal journal(doist, io, dir.file("given.hioj"), JournalHeader{});
  Ticker ticker(io, Tock{1'000'000}, 3);
  try {
    doist.run({&ticker}, Tock{5'000'000}, Tyme{Tock{3'000'000}});
    ADD_FAILURE() << "a run from 0.003 s was journaled";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(),
                 "journal: the Doist's run would start at tyme 0.003 s, not 0 (a start tyme "
                 "given to Doist::run(), or the Doist's tyme moved by hand); a journal records a "
                 "run from tyme 0, as its replay runs it: journal a run from 0 (no start tyme) on "
                 "a fresh Doist");
  }
  EXPECT_EQ(doist.executed_passes(), 0u);
  EXPECT_FALSE(ticker.done().has_value());  // never entered
  EXPECT_THROW(journal.finish(RunEnd::done), std::logic_error);
  EXPECT_FALSE(read_journal(dir.file("given.hioj")).header);
  // Given 0, the run is one from 0: journaled.
  Doist fresh(Tock{1'000'000});
  fresh.set_handle_sigint(false);
  IoHub io0(fresh.tymth());
  fresh.attach(io0);
  Journal zero(fresh, io0, dir.file("zero.hioj"), JournalHeader{});
  Ticker ticker0(io0, Tock{1'000'000}, 3);
  zero.finish(fresh.run({&ticker0}, Tock{5'000'000}, Tyme{}));
  const JournalContents j = read_journal(dir.file("zero.hioj"));
  ASSERT_TRUE(j.complete());
  EXPECT_EQ(j.trailer->passes, 3u);
}

// The Doist changed after the Journal was made (its mode, or its tyme):
// the run is refused at its first pass and the journal written no further.
// (A run switched to real time was journaled as sim.)
TEST(Journal, RefusesARunWhoseDoistChangedAfterItWasMade) {
  for (const std::string change : {"mode", "tyme"}) {
    TempDir dir;
    Doist doist(Tock{1'000'000});
    doist.set_handle_sigint(false);
    IoHub io(doist.tymth());
    doist.attach(io);
    Journal journal(doist, io, dir.file("c.hioj"), JournalHeader{});
    if (change == "mode") {
      doist.set_real(true);
    } else {
      doist.tick();
    }
    Ticker ticker(io, Tock{1'000'000}, 3);
    try {
      journal.run({&ticker}, Tock{5'000'000});
      ADD_FAILURE() << change << ": the run was journaled";
    } catch (const std::logic_error& e) {
      const char* why = change == "mode" ? "the Doist's mode changed after the Journal was made"
                                         : "would start at tyme 0.001 s, not 0";
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
    EXPECT_FALSE(journal.finished()) << change;
    EXPECT_THROW(journal.finish(RunEnd::done), std::logic_error) << change;
    EXPECT_FALSE(ticker.scheduled()) << change;
    EXPECT_FALSE(read_journal(dir.file("c.hioj")).header) << change;
  }
}

TEST(Journal, DestroyedWithoutFinishLeavesATruncatedButReadableJournal) {
  TempDir dir;
  {
    test::RecordRig rig;
    Journal journal(rig.doist, rig.io, dir.file("u.hioj"), JournalHeader{});
    Ticker ticker(rig.io, Tock{31'250'000}, 5);
    rig.doist.run({&ticker}, seconds(1));
  }
  JournalContents read = read_journal(dir.file("u.hioj"));
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->kind, JournalErrorKind::truncated);
  EXPECT_EQ(read.frames.size(), 5u);
  EXPECT_EQ(read.error->last_pass, 4u);
}

// A Journal destroyed before its run's first pass (hio run's scenario whose
// doers could not be built) writes nothing, though channels were opened: no
// header and frame of a run that never started (they were written, to end up
// on a FIFO's reader when the file could not be removed).
TEST(Journal, DestroyedBeforeItsRunWritesNothing) {
  TempDir dir;
  {
    test::RecordRig rig;
    Journal journal(rig.doist, rig.io, dir.file("n.hioj"), JournalHeader{});
    rig.io.listen("tcp://127.0.0.1:0");
    EXPECT_FALSE(journal.writer().header_written());
  }
  EXPECT_EQ(std::filesystem::file_size(dir.file("n.hioj")), 0u);
}

// A journal made after a channel would lack that channel's events, and its
// replay could not rebuild the run: refused, before any file is made. (It
// was taken silently.)
TEST(Journal, IsRefusedAfterTheHubHasMadeAChannel) {
  TempDir dir;
  Doist doist;
  IoHub io(doist.tymth());
  doist.attach(io);
  Channel& early = io.listen("tcp://127.0.0.1:0");
  io.release(early);  // a released one counts too: its id is spent
  try {
    Journal journal(doist, io, dir.file("late.hioj"), JournalHeader{});
    ADD_FAILURE() << "a journal after a channel was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "journal: the hub has made 1 channel already, whose events the journal would miss "
              "(its replay could not rebuild the run); create the Journal right after the IoHub, "
              "before any channel or doer that makes one");
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("late.hioj")));
}

// A journal made after the hub emitted an event (a Log's record) would start
// at a later seq than 0, which a reader takes for frames lost before its
// first: refused, before any file is made (xrev16 finding 1: a reader now
// checks the seqs from 0).
TEST(Journal, IsRefusedAfterTheHubHasEmittedAnEvent) {
  TempDir dir;
  Doist doist;
  IoHub io(doist.tymth());
  doist.attach(io);
  io.log("before the journal");
  try {
    Journal journal(doist, io, dir.file("late.hioj"), JournalHeader{});
    ADD_FAILURE() << "a journal after an event was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("journal: the hub has emitted 1 event already"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("late.hioj")));
}

// A JournalError is a value with describe(); the exception that carries one
// has std::exception's what().
TEST(Journal, ErrorsDescribeThemselvesAndTheExceptionSaysTheSame) {
  JournalError error;
  error.kind = JournalErrorKind::truncated;
  error.offset = 12;
  error.message = "cut";
  EXPECT_EQ(error.describe(), "byte 12 (before any pass): truncated: cut");
  const JournalException thrown(error);
  const std::exception& as_std = thrown;
  EXPECT_STREQ(as_std.what(), "journal: byte 12 (before any pass): truncated: cut");
}

// A Journal marks its run's exit as the journal's end: a second run on the
// same Doist cannot be journaled after it.
TEST(Journal, RecordsOneRun) {
  TempDir dir;
  test::RecordRig rig;
  Journal journal(rig.doist, rig.io, dir.file("one.hioj"), JournalHeader{});
  Ticker ticker(rig.io, Tock{31'250'000}, 2);
  rig.doist.run({&ticker}, seconds(1));
  Ticker again(rig.io, Tock{31'250'000}, 2);
  try {
    rig.doist.run({&again}, seconds(1));
    ADD_FAILURE() << "a second run was journaled";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("a Journal records one run"), std::string::npos)
        << e.what();
  }
}

// ---- real time, real sockets ---------------------------------------------------

using hio::test::StopWhen;

// A real capture's wall_clock is the wall time of its tyme 0, the first
// pass, not of the Journal's making: the CLI builds the scenario in between
// (3.8 s for a million tickers), and wall_clock + tyme was that much off.
// Here 20 ms pass between the two; the stamp falls within the run.
TEST(Journal, ARealCapturesWallClockIsTheTimeOfItsFirstPass) {
  TempDir dir;
  Doist doist(Tock{1'000'000}, /*real=*/true);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  JournalHeader header;
  header.mode = Mode::real;
  Journal journal(doist, io, dir.file("late.hioj"), header);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the build
  const std::string before = wall_clock_utc();
  Doer idle("idle");
  journal.run({&idle}, Tock{3'000'000});
  const std::string after = wall_clock_utc();
  JournalContents read = read_journal(dir.file("late.hioj"));
  ASSERT_TRUE(read.complete()) << read.error->describe();
  // ISO 8601 UTC, fixed width: ordered as text.
  EXPECT_GE(read.header->wall_clock, before);
  EXPECT_LE(read.header->wall_clock, after);
}

TEST(Journal, RealTimeCaptureOverLoopbackTcp) {
  TempDir dir;
  Doist doist(Tock{1'000'000}, /*real=*/true, seconds(8));
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  JournalHeader header;
  header.mode = Mode::real;
  Journal journal(doist, io, dir.file("capture.hioj"), header);
  EchoServerDoer server(io, "tcp://127.0.0.1:0");
  test::PacedClient client(io, "tcp://" + server.listener().local(), "client", Tock{0}, 20);
  StopWhen stop(doist, [&] { return client.done(); });
  const RunEnd end = journal.run({&server, &client, &stop});
  EXPECT_EQ(end, RunEnd::interrupted);  // stopped by StopWhen, not by the limit
  EXPECT_EQ(client.echoed, client.sent);

  JournalContents read = read_journal(dir.file("capture.hioj"));
  ASSERT_TRUE(read.complete()) << read.error->describe();
  EXPECT_EQ(read.header->mode, Mode::real);
  EXPECT_FALSE(read.header->wall_clock.empty());
  EXPECT_EQ(read.header->tock, Tock{1'000'000});
  // What the client's channel sent is what its channel received back, and
  // what the server's remote channel received.
  std::string client_tx, client_rx, remote_rx;
  const std::uint32_t client_id = client.channel().id();
  for (const PassRecord& p : read.frames) {
    for (const OwnedEvent& e : p.events) {
      if (e.kind == EventKind::tx && e.channel == client_id) client_tx += e.bytes;
      if (e.kind == EventKind::rx && e.channel == client_id) client_rx += e.bytes;
      if (e.kind == EventKind::rx && e.channel != client_id) remote_rx += e.bytes;
    }
  }
  EXPECT_EQ(client_tx, client.sent);
  EXPECT_EQ(client_rx, client.sent);
  EXPECT_EQ(remote_rx, client.sent);
  EXPECT_EQ(read.trailer->digest, read.digest);
  EXPECT_EQ(read.trailer->end, RunOutcome::interrupted);
}

}  // namespace journal_test
}  // namespace
}  // namespace hio::replay
