// What an embedding program can get wrong with a Journal or a Replayer, each
// refused precisely: a hub made on another Doist's clock (its events would
// carry that tyme), and the journal or replayer destroyed by a doer of its
// own run (run() would go on to finish it).
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

// A short journal of a run with nothing on it.
void write_idle_journal(const std::string& path) {
  Doist doist(kTock);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  Journal journal(doist, io, path, JournalHeader{});
  CallAfter idle(1, [] {});
  journal.run({&idle});
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

}  // namespace
}  // namespace hio::replay
