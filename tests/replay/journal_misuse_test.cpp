// What an embedding program can get wrong with a Journal or a Replayer, each
// refused precisely: a hub made on another Doist's clock (its events would
// carry that tyme), and the journal or replayer destroyed by a doer of its
// own run (run() would go on to finish it). And their Doist destroyed first,
// which they watch: they read it no more; and a Journal's hub destroyed first,
// which removes its recorder: the Journal touches it no more.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/replay/replay.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace journal_misuse_test {

using test::TempDir;

constexpr Tock kTock{1'000'000};

const char* const kOtherClock =
    ": this IoHub reads another clock (made on the tymth() of another Doist or Tymist), so its "
    "events would not carry this Doist's tyme; make it with IoHub(doist.tymth()) of the Doist "
    "that runs it";

// Runs `passes` passes, then calls `then` once and runs on.
class CallAfter final : public Doer {
 public:
  CallAfter(int passes, std::function<void()> then)
      : Doer("caller"), passes_(passes), then_(std::move(then)) {}

 protected:
  bool recur(Tyme) override {
    if (++n_ == passes_) then_();
    return n_ > passes_ + 2;
  }

 private:
  int passes_;
  std::function<void()> then_;
  int n_ = 0;
};

// A Doist, its hub and a Journal of its run at `path`.
struct Journaled {
  explicit Journaled(const std::string& path) : journal(doist, io, path, JournalHeader{}) {
    doist.set_handle_sigint(false);
    doist.attach(io);
  }
  Doist doist{kTock};
  IoHub io{doist.tymth()};
  Journal journal;
};

// A short journal of a run with nothing on it.
void write_idle_journal(const std::string& path) {
  Journaled scene(path);
  CallAfter idle(1, [] {});
  scene.journal.run({&idle});
}

// A Journal records one run: run() once it is finished is refused before its
// Doist runs anything. Before, the doers ran to the limit unrecorded (the
// journal had detached), and then run() threw "finish called twice".
TEST(JournalMisuse, ASecondRunOfAFinishedJournalIsRefusedBeforeAnyDoerRuns) {
  TempDir dir;
  const std::string path = dir.file("j.hioj");
  Journaled scene(path);
  Doist& doist = scene.doist;
  Journal& journal = scene.journal;
  int runs = 0;
  CallAfter counter(100, [] {});
  journal.run({&counter}, kTock * 3);
  ASSERT_TRUE(journal.finished());
  const Tyme ended = doist.tyme();
  CallAfter second(1, [&runs] { ++runs; });
  try {
    journal.run({&second}, kTock * 3);
    ADD_FAILURE() << "a second run() of a finished journal was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "journal '" + path +
                  "': run() after the journal was finished: a Journal records one run; journal "
                  "another run with a new Journal on a fresh Doist");
  }
  EXPECT_EQ(runs, 0);
  EXPECT_FALSE(second.done().has_value());  // never entered
  EXPECT_EQ(doist.tyme(), ended);
  EXPECT_EQ(journal.trailer()->passes, 3U);
}

TEST(JournalMisuse, AJournalIsRefusedAHubOfAnotherDoistsClock) {
  TempDir dir;
  Doist first(kTock);
  Doist second(kTock);
  IoHub io(first.tymth());
  try {
    Journal journal(second, io, dir.file("w.hioj"), JournalHeader{});
    ADD_FAILURE() << "a journal of a hub on another clock was accepted";
  } catch (const std::logic_error& e) {
    // Before, accepted: the closes at the run's end were stamped 0.
    EXPECT_EQ(std::string(e.what()), std::string("journal") + kOtherClock);
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("w.hioj")));
}

TEST(JournalMisuse, AReplayerIsRefusedAHubOfAnotherDoistsClock) {
  TempDir dir;
  write_idle_journal(dir.file("r.hioj"));
  Replayer replayer(dir.file("r.hioj"));
  Doist first(kTock);
  Doist second(kTock);
  IoHub io(first.tymth());
  try {
    replayer.attach(second, io);
    ADD_FAILURE() << "a replay on a hub of another clock was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_EQ(std::string(e.what()), std::string("Replayer::attach") + kOtherClock);
  }
  EXPECT_EQ(replayer.attached_to(), nullptr);
}

// What goes before the Journal is finished: its Doist or its IoHub.
enum class Goes { doist, hub };

// A journal of two passes (a log at tyme 0, and one after the run, buffered
// in the exit's frame), left with its Doist or its hub destroyed before it is
// finished. `after` gets the Journal then, and destroys it.
void journal_outliving(Goes goes, const std::string& path,
                       const std::function<void(std::unique_ptr<Journal>&)>& after) {
  auto doist = std::make_unique<Doist>(kTock);
  doist->set_handle_sigint(false);
  auto io = std::make_unique<IoHub>(doist->tymth());
  doist->attach(*io);
  auto journal = std::make_unique<Journal>(*doist, *io, path, JournalHeader{});
  CallAfter logger(1, [&io] { io->log("in the run"); });
  EXPECT_EQ(doist->run({&logger}), RunEnd::done);
  io->log("after the run");  // buffered: the last pass, not yet written
  if (goes == Goes::doist) {
    doist.reset();
  } else {
    io.reset();
  }
  after(journal);
  EXPECT_EQ(journal, nullptr);
}

// What a Journal left unfinished wrote: both passes' events, no trailer.
void expect_unfinished(const std::string& path) {
  JournalReader reader(path);
  int frames = 0;
  while (reader.next() != nullptr)
    ++frames;
  EXPECT_EQ(frames, 2);
  EXPECT_EQ(reader.events_read(), 2u);
  EXPECT_EQ(reader.trailer(), nullptr);
  ASSERT_TRUE(reader.error().has_value());
  EXPECT_EQ(reader.error()->kind, JournalErrorKind::truncated);
}

TEST(JournalMisuse, AJournalDestroyedAfterItsDoistWritesItsLastPassWithoutATrailer) {
  TempDir dir;
  const std::string path = dir.file("j.hioj");
  // Before, ~Journal called remove_observer on the freed Doist: undefined
  // behaviour that happened to read nothing of it (the observer's own link,
  // cleared by ~Doist, stopped it), so ASan was silent; finish() read it
  // (the test below). Now it does not touch the Doist at all.
  journal_outliving(Goes::doist, path, [](std::unique_ptr<Journal>& journal) { journal.reset(); });
  expect_unfinished(path);
}

TEST(JournalMisuse, AJournalFinishedAfterItsDoistWasDestroyedRefusesAndWritesNoTrailer) {
  TempDir dir;
  const std::string path = dir.file("j.hioj");
  const std::string refusal =
      "journal '" + path +
      "': finish() after its Doist was destroyed (the run's passes and end went with it): the "
      "journal is left without a trailer; finish it before the Doist goes";
  // Before: ASan heap-use-after-free in finish(), which read the freed
  // Doist's passes and end.
  journal_outliving(Goes::doist, path, [&](std::unique_ptr<Journal>& journal) {
    for (int twice = 0; twice < 2; ++twice) {  // the same refusal each time
      try {
        journal->finish(RunEnd::done);
        ADD_FAILURE() << "finish() after the Doist went was accepted";
      } catch (const std::logic_error& e) {
        EXPECT_EQ(std::string(e.what()), refusal);
      }
    }
    EXPECT_FALSE(journal->finished());
    EXPECT_THROW(journal->run({}), std::logic_error);
    journal.reset();
  });
  expect_unfinished(path);
}

// The hub may go first too, as any EventSink's (embedding.md, "Destroying
// things in any order"): the Journal's recorder is removed with it, and the
// Journal touches the hub no more. Before, ~Journal and finish() called
// remove_sink on the freed hub (ASan heap-use-after-free in Journal::detach;
// a release build happened not to show it: these two tests need ASan to fail
// without the fix, the third fails in any build).
TEST(JournalMisuse, AJournalDestroyedAfterItsHubWritesItsLastPassWithoutATrailer) {
  TempDir dir;
  const std::string path = dir.file("j.hioj");
  journal_outliving(Goes::hub, path, [](std::unique_ptr<Journal>& journal) { journal.reset(); });
  expect_unfinished(path);
}

TEST(JournalMisuse, AJournalFinishedAfterItsHubWasDestroyedHasItsTrailer) {
  TempDir dir;
  const std::string path = dir.file("j.hioj");
  journal_outliving(Goes::hub, path, [](std::unique_ptr<Journal>& journal) {
    const JournalTrailer& trailer = journal->finish(RunEnd::done);
    EXPECT_EQ(trailer.events, 2u);
    journal.reset();
  });
  JournalReader reader(path);
  while (reader.next() != nullptr) {
  }
  EXPECT_TRUE(reader.complete());
  EXPECT_EQ(reader.events_read(), 2u);
}

// A hub gone before the run's first pass: the header's channels cannot be
// listed (before, write_header read the freed hub's channel table), so the
// run and finish() are refused and nothing is written.
TEST(JournalMisuse, AJournalWhoseHubWentBeforeItsRunRefusesIt) {
  TempDir dir;
  const std::string path = dir.file("j.hioj");
  const std::string refusal =
      "journal: its IoHub was destroyed before the run's first pass (the header's channels come "
      "from the hub), so it records nothing: keep the hub until the run ends";
  Doist doist(kTock);
  doist.set_handle_sigint(false);
  auto io = std::make_unique<IoHub>(doist.tymth());
  doist.attach(*io);
  Journal journal(doist, *io, path, JournalHeader{});
  io.reset();
  CallAfter idle(1, [] {});
  try {
    (void)journal.run({&idle});
    ADD_FAILURE() << "a journal ran after its hub went";
  } catch (const std::logic_error& e) {
    EXPECT_EQ(std::string(e.what()), refusal);
  }
  EXPECT_FALSE(journal.finished());
  EXPECT_FALSE(journal.writer().header_written());
  try {
    (void)journal.finish(RunEnd::done);
    ADD_FAILURE() << "a journal was finished after its hub went before its run";
  } catch (const std::logic_error& e) {
    EXPECT_EQ(std::string(e.what()), refusal);
  }
}

TEST(JournalMisuse, AReplayerFinishedAfterItsDoistWasDestroyedGivesItsWholeResult) {
  TempDir dir;
  const std::string path = dir.file("r.hioj");
  write_idle_journal(path);
  Replayer replayer(path);
  auto doist = std::make_unique<Doist>(replayer.header().tock);
  doist->set_handle_sigint(false);
  IoHub io(doist->tymth());
  doist->attach(io);
  replayer.attach(*doist, io);
  CallAfter idle(1, [] {});
  const RunEnd end = doist->run({&idle});
  const std::uint64_t passes = doist->passes();
  doist.reset();
  // Before: ASan heap-use-after-free in finish(), which left the freed
  // Doist and read its passes.
  const ReplayResult r = replayer.finish(end);
  EXPECT_TRUE(r.identical()) << format_replay_result(r);
  EXPECT_EQ(r.end, RunEnd::done);
  EXPECT_EQ(r.passes, passes);
  ASSERT_TRUE(r.recorded_trailer.has_value());
  EXPECT_EQ(r.passes, r.recorded_trailer->passes);
  try {
    (void)replayer.run({&idle});
    ADD_FAILURE() << "a replay run after its Doist went was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_EQ(std::string(e.what()), "Replayer::run after its Doist was destroyed");
  }
}

// Logs a line each pass and ends after `passes` passes.
class Logger final : public Doer {
 public:
  Logger(int passes, IoHub& io) : Doer("logger"), passes_(passes), io_(io) {}

 protected:
  bool recur(Tyme) override {
    io_.log("pass");
    return ++n_ >= passes_;
  }

 private:
  int passes_;
  IoHub& io_;
  int n_ = 0;
};

TEST(JournalMisuse, AReplayerStoppedEarlyAndFinishedAfterItsDoistWasDestroyedGivesItsResult) {
  TempDir dir;
  const std::string path = dir.file("r.hioj");
  {
    Doist doist(kTock);
    doist.set_handle_sigint(false);
    IoHub io(doist.tymth());
    doist.attach(io);
    Journal journal(doist, io, path, JournalHeader{});
    Logger logger(50, io);
    journal.run({&logger});
  }
  Replayer replayer(path);
  // A limit of 10 passes stops the replay before the recorded end.
  auto doist = std::make_unique<Doist>(replayer.header().tock, false, 10 * kTock);
  doist->set_handle_sigint(false);
  IoHub io(doist->tymth());
  doist->attach(io);
  replayer.attach(*doist, io);
  Logger logger(50, io);
  const RunEnd end = doist->run({&logger});
  const std::uint64_t passes = doist->passes();
  doist.reset();
  // Before: ASan SEGV in finish(), which read the destroyed Doist's tyme to
  // count the events recorded before the stop.
  const ReplayResult r = replayer.finish(end);
  EXPECT_EQ(r.passes, passes);
  EXPECT_TRUE(r.recorded_before_stop) << format_replay_result(r);
  EXPECT_EQ(r.events, r.recorded_events) << format_replay_result(r);
  EXPECT_EQ(r.digest, r.recorded_digest) << format_replay_result(r);
}

// A Replayer destroyed attached, never finished (the doers' build threw,
// say): it gives its hub back its own factories, so the hub's next channel
// is not made by the freed replay (before: a call into the destroyed
// factory, ASan heap-use-after-free), and a channel the replay made fails as
// it reopens, saying why. A hub destroyed first is not touched.
TEST(JournalMisuse, AReplayerDestroyedUnfinishedGivesItsHubBack) {
  TempDir dir;
  const std::string path = dir.file("r.hioj");
  write_idle_journal(path);
  {
    Doist doist(kTock);
    doist.set_handle_sigint(false);
    IoHub io(doist.tymth());
    doist.attach(io);
    auto replayer = std::make_unique<Replayer>(path);
    replayer->attach(doist, io);
    Channel& replayed = io.connect("sim://server:7");
    replayer.reset();
    EXPECT_THROW(io.connect("sim://server:7"), std::invalid_argument);  // no SimNet here
    replayed.close();
    replayed.reopen();
    EXPECT_EQ(replayed.state(), ChannelState::failed);
    EXPECT_NE(replayed.reason().find("made by a replay whose Replayer is gone"), std::string::npos)
        << replayed.reason();
  }
  Replayer replayer(path);
  {
    Doist doist(kTock);
    doist.set_handle_sigint(false);
    IoHub io(doist.tymth());
    doist.attach(io);
    replayer.attach(doist, io);
  }  // the hub and the Doist go first; the replayer then touches neither
}

// The order docs/replay.md and `hio replay` use: the Replayer first, then
// the Doist and the hub, which go before it once run() finished it. Before,
// ~Replayer asked the destroyed hub to stop telling it (ASan
// heap-use-after-free with a hub on the heap; rev24 #8).
TEST(JournalMisuse, AFinishedReplayerOutlivingItsHubLeavesItAlone) {
  TempDir dir;
  const std::string path = dir.file("r.hioj");
  write_idle_journal(path);
  Replayer replayer(path);
  {
    Doist doist(kTock);
    doist.set_handle_sigint(false);
    auto io = std::make_unique<IoHub>(doist.tymth());
    doist.attach(*io);
    replayer.attach(doist, *io);
    CallAfter idle(1, [] {});
    const ReplayResult r = replayer.run({&idle});
    EXPECT_TRUE(r.identical()) << format_replay_result(r);
    io.reset();
  }
}

TEST(JournalMisuseDeathTest, AJournalDestroyedDuringItsOwnRunIsAnInvariantFailure) {
  TempDir dir;
  const std::string path = dir.file("j.hioj");
  // Before: UBSan "member call on address ... which does not point to an
  // object of type 'Journal'" as run() finished the destroyed journal.
  EXPECT_DEATH(
      {
        Doist doist(kTock);
        doist.set_handle_sigint(false);
        IoHub io(doist.tymth());
        doist.attach(io);
        auto journal = std::make_unique<Journal>(doist, io, path, JournalHeader{});
        CallAfter destroyer(3, [&journal] { journal.reset(); });
        Journal* j = journal.get();
        j->run({&destroyer}, 10 * kTock);
      },
      "Journal destroyed during its own run\\(\\)");
}

TEST(JournalMisuseDeathTest, AReplayerDestroyedDuringItsOwnRunIsAnInvariantFailure) {
  TempDir dir;
  const std::string path = dir.file("r.hioj");
  write_idle_journal(path);
  // Before: ASan heap-use-after-free in Replayer::finish.
  EXPECT_DEATH(
      {
        auto replayer = std::make_unique<Replayer>(path);
        Doist doist(replayer->header().tock);
        doist.set_handle_sigint(false);
        IoHub io(doist.tymth());
        doist.attach(io);
        replayer->attach(doist, io);
        CallAfter destroyer(1, [&replayer] { replayer.reset(); });
        Replayer* r = replayer.get();
        (void)r->run({&destroyer});
      },
      "Replayer destroyed during its own run\\(\\)");
}

}  // namespace journal_misuse_test
}  // namespace
}  // namespace hio::replay
