// Journals across processes and builds: a journal written here is read by a
// separate program, and the checked-in golden journal (written by another
// build) is read here and is byte-identical to what this build writes from
// the same events - whatever the compiler or optimisation level.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/replay/replay.hpp"
#include "hio/replay/replayer.hpp"
#include "hio/replay/salvage.hpp"
#include "replay_test_util.hpp"
#include "run_program.hpp"

namespace hio::replay {
namespace {
namespace process_test {

using test::TempDir;

// The build tree's journal reader, run on PATH (no shell: a checkout or
// $TMPDIR with a space in its path is one argument all the same).
::hio::test::ProgramResult journal_check(const std::string& path) {
  return ::hio::test::run_program({REPLAY_JOURNAL_CHECK, path});
}

TEST(Processes, AnotherProcessReadsTheJournal) {
  TempDir dir;
  const std::string path = dir.file("sample.hioj");
  const JournalTrailer trailer = test::write_sample(path);
  const auto complete = journal_check(path);
  EXPECT_EQ(complete.status, 0) << complete.output;
  EXPECT_EQ(complete.output, "complete frames=5 events=18 digest=" + format_digest(trailer.digest) +
                                 " seed=81985529216486895\n");
  // And a damaged one is reported as such there too.
  std::string bytes = test::read_file(path);
  test::write_file(path, bytes.substr(0, bytes.size() / 2));
  const auto damaged = journal_check(path);
  EXPECT_NE(damaged.status, 0);
  EXPECT_EQ(damaged.output.rfind("damaged frames=", 0), 0u) << damaged.output;
}

const std::string kGolden = std::string(REPLAY_TEST_DATA_DIR) + "/sample_v1.hioj";
// The same sample as the first release wrote it, before the header had the
// noise fields (appended since): a new reader must keep reading it.
const std::string kFirstGolden = std::string(REPLAY_TEST_DATA_DIR) + "/sample_v1_first.hioj";

TEST(Processes, GoldenJournalFromAnotherBuild) {
  TempDir dir;
  // The engine version is pinned, so that a version bump does not change the
  // bytes this test compares.
  JournalHeader header = test::sample_header();
  header.engine_version = "hio 0.1.0";
  test::write_sample(dir.file("sample.hioj"), {}, header);
  const std::string written = test::read_file(dir.file("sample.hioj"));
  if (std::getenv("HIO_REGENERATE_GOLDEN") != nullptr) {
    test::write_file(kGolden, written);
    GTEST_SKIP() << "regenerated " << kGolden;
  }
  // Format version 1 as this build writes it: reading it must keep working,
  // and writing the same events must keep giving the same bytes.
  JournalContents golden = read_journal(kGolden);
  ASSERT_TRUE(golden.complete()) << golden.error->describe();
  std::vector<OwnedEvent> events;
  for (const PassRecord& p : golden.frames)
    events.insert(events.end(), p.events.begin(), p.events.end());
  EXPECT_EQ(events, test::sample_events());
  EXPECT_EQ(golden.header->engine_version, "hio 0.1.0");
  EXPECT_EQ(test::read_file(kGolden), written)
      << "this build writes the sample journal differently from the golden file";
}

TEST(Processes, TheFirstReleasedJournalStillReads) {
  JournalContents first = read_journal(kFirstGolden);
  ASSERT_TRUE(first.complete()) << first.error->describe();
  std::vector<OwnedEvent> events;
  for (const PassRecord& p : first.frames)
    events.insert(events.end(), p.events.begin(), p.events.end());
  EXPECT_EQ(events, test::sample_events());
  // The fields appended since read as their defaults.
  EXPECT_EQ(first.header->noise, "");
  EXPECT_EQ(first.header->noise_seed, 0u);
  EXPECT_EQ(first.header->seed, test::sample_header().seed);
  EXPECT_EQ(first.header->channels, test::sample_header().channels);
}

// Recorded by hio 0.15.0 (a program that logged on its hub, then made a
// Journal, which hio before 0.16 allowed: the journal's first event is seq 1),
// intact: it reads complete, replays and salvages. 0.16 refuses such a hub, so
// its journals starting at a seq other than 0 have lost frames (resync_test).
const std::string kLogFirst = std::string(REPLAY_TEST_DATA_DIR) + "/log_first_v0_15.hioj";

// The recorded program's doer: logs "tick N" five times, one a pass.
class Ticker final : public Doer {
 public:
  explicit Ticker(IoHub& io) : io_(io) {}
  bool recur(Tyme) override {
    io_.log("tick " + std::to_string(n_));
    return ++n_ >= 5;
  }

 private:
  IoHub& io_;
  int n_ = 0;
};

TEST(Processes, AJournalOfAnEarlierVersionMayStartAfterSeq0) {
  JournalContents old = read_journal(kLogFirst);
  ASSERT_TRUE(old.complete()) << old.error->describe();
  EXPECT_EQ(old.header->engine_version, "hio 0.15.0");
  ASSERT_FALSE(old.frames.empty());
  ASSERT_FALSE(old.frames.front().events.empty());
  EXPECT_EQ(old.frames.front().events.front().seq, 1u);

  TempDir dir;
  const SalvageResult salvaged = salvage_journal(kLogFirst, dir.file("salvaged.hioj"));
  EXPECT_FALSE(salvaged.damage) << salvaged.damage->describe();
  EXPECT_TRUE(salvaged.trailer_kept);
  EXPECT_EQ(salvaged.events, 5u);
  JournalContents copy = read_journal(dir.file("salvaged.hioj"));
  ASSERT_TRUE(copy.complete()) << copy.error->describe();
  EXPECT_EQ(copy.trailer->digest, old.trailer->digest);

  Replayer replayer(kLogFirst);
  Doist doist(replayer.header().tock);
  IoHub io(doist.tymth());
  doist.attach(io);
  replayer.attach(doist, io);
  Ticker ticker(io);
  const std::vector<Doer*> doers{&ticker};
  const ReplayResult r = replayer.run(doers);
  EXPECT_TRUE(r.identical()) << (r.divergence ? format_divergence(*r.divergence) : "");
}

}  // namespace process_test
}  // namespace
}  // namespace hio::replay
