// Memory that runs out in a replay's pass (a doer's std::bad_alloc) is the
// doers' exception, as in hio run (exit 5), never a divergence; a sweep of
// noise replays (hio replay --seeds) ends on it (exit 6), as hio sweep does
// since d02cbebf: the seeds running at once share the memory. The
// replayer's own (the journal reader's) stays hio's, exit 6: memory_test's
// Memory.OutOfMemoryReadingAJournalIsNotDamage.
#include <gtest/gtest.h>

#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <string>

#include "hio/replay/replayer.hpp"
#include "hio/tools/cli.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/registry.hpp"
#include "hio/tools/replay_scenario.hpp"
#include "hio/tools/runner.hpp"
#include "hio/tools/sweep.hpp"
#include "temp_dir.hpp"

namespace hio::tools {
namespace {
namespace replay_out_of_memory_test {

constexpr const char* kScenario =
    "[run]\nlimit = \"10ms\"\n[[doer]]\nkind = \"hungry\"\nname = \"h\"\n";

// Throws std::bad_alloc in its first pass when `hungry`, as a doer whose
// allocation fails does; otherwise it waits for nothing (the run stalls).
class Hungry final : public Doer {
 public:
  explicit Hungry(bool hungry) : hungry_(hungry) {}

 protected:
  bool recur(Tyme) override {
    if (hungry_) throw std::bad_alloc();
    return false;
  }

 private:
  bool hungry_;
};

DoerRegistry kinds_with(bool hungry) {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  kinds.add(KindSpec{"hungry",
                     "",
                     {},
                     [hungry](const DoerSpec&, BuildContext&) -> std::unique_ptr<Doer> {
                       return std::make_unique<Hungry>(hungry);
                     },
                     false});
  return kinds;
}

// Records kScenario with the doer `hungry` or not; returns the journal.
std::string record(const hio::test::TempDir& temp, bool hungry) {
  const DoerRegistry kinds = kinds_with(hungry);
  RunOptions options;
  options.record_path = temp.file(hungry ? "hungry.hioj" : "fed.hioj");
  const RunSummary run =
      run_scenario(load_scenario_text(kScenario, "h.toml", kinds), kinds, options);
  EXPECT_EQ(run.out_of_memory, hungry);
  // hio run --json says so (unfixed: no such field; only "error" said
  // "std::bad_alloc", as a doer's own text could).
  const std::string json = format_summary_json(run);
  EXPECT_NE(json.find(std::string("\"out_of_memory\": ") + (hungry ? "true" : "false") +
                      ", \"passes\": "),
            std::string::npos)
      << json;
  return options.record_path;
}

// The run ran out of memory and exited 5 (the doer's exception): its strict
// replay reproduces that, and exits as the run did. It threw std::bad_alloc
// on (exit 6) rather than compare it.
TEST(ReplayOutOfMemory, ReplayOfARunThatRanOutReproducesIt) {
  const hio::test::TempDir temp("hio-replay-oom");
  const DoerRegistry kinds = kinds_with(true);
  ReplayScenarioOptions options;
  options.journal = record(temp, true);
  std::optional<ReplayScenarioOutcome> o;
  ASSERT_NO_THROW(o = replay_scenario(options, kinds));
  EXPECT_EQ(o->result.status, replay::ReplayStatus::identical)
      << replay::format_replay_result(o->result);
  EXPECT_EQ(o->result.error, std::optional<std::string>("std::bad_alloc"));
  EXPECT_TRUE(o->result.out_of_memory);
  EXPECT_EQ(replay_exit_code(*o), kExitDoerError);
  EXPECT_NE(format_replay_outcome(*o).find(", as in the recorded run (reproduced)\n"),
            std::string::npos)
      << format_replay_outcome(*o);
  const std::string json = format_replay_outcome_json(*o);
  EXPECT_NE(json.find("\"error\": \"std::bad_alloc\", \"out_of_memory\": true, "),
            std::string::npos)
      << json;
}

// The replay of a run that did not run out: "out_of_memory": false.
TEST(ReplayOutOfMemory, AReplayThatDidNotRunOutSaysSoInTheJson) {
  const hio::test::TempDir temp("hio-replay-oom");
  const DoerRegistry kinds = kinds_with(false);
  ReplayScenarioOptions options;
  options.journal = record(temp, false);
  const ReplayScenarioOutcome o = replay_scenario(options, kinds);
  EXPECT_EQ(replay_exit_code(o), kExitOk) << format_replay_outcome(o);
  const std::string json = format_replay_outcome_json(o);
  EXPECT_NE(json.find("\"error\": null, \"out_of_memory\": false, "), std::string::npos) << json;
}

// The strict replay ran out where the recorded run did not: nothing to
// compare it with (out of memory says nothing of the doers), so hio's, exit
// 6, as the journal reader's: Memory.OutOfMemoryReadingAJournalIsNotDamage
// fails every allocation of such a replay, the doers' included, and wants 6.
TEST(ReplayOutOfMemory, AStrictReplayRunningOutWhereTheRunDidNotIsHios) {
  const hio::test::TempDir temp("hio-replay-oom");
  const DoerRegistry kinds = kinds_with(true);
  ReplayScenarioOptions options;
  options.journal = record(temp, false);
  EXPECT_THROW((void)replay_scenario(options, kinds), std::bad_alloc);
  const char* argv[] = {"hio", "replay", options.journal.c_str()};
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_cli(3, argv, kinds), kExitInternal);
  const std::string err = ::testing::internal::GetCapturedStderr();
  (void)::testing::internal::GetCapturedStdout();
  EXPECT_EQ(err, "hio replay: error: out of memory (std::bad_alloc)\n");
}

// A single noise replay's doers that run out are their exception, as hio
// run's (exit 5), whatever the recording: a noise replay compares no end.
TEST(ReplayOutOfMemory, ANoiseReplaysDoersRunningOutIsTheirException) {
  const hio::test::TempDir temp("hio-replay-oom");
  const DoerRegistry kinds = kinds_with(true);
  ReplayScenarioOptions options;
  options.journal = record(temp, false);
  options.noise = "reorder=0.5";
  options.noise_seed = 1;
  std::optional<ReplayScenarioOutcome> o;
  ASSERT_NO_THROW(o = replay_scenario(options, kinds));
  EXPECT_EQ(o->result.status, replay::ReplayStatus::perturbed);
  EXPECT_EQ(o->result.error, std::optional<std::string>("std::bad_alloc"));
  EXPECT_TRUE(o->result.out_of_memory);
  EXPECT_EQ(replay_exit_code(*o), kExitDoerError);
  EXPECT_NE(format_replay_outcome_json(*o).find("\"out_of_memory\": true, "), std::string::npos)
      << format_replay_outcome_json(*o);
}

// hio replay --seeds: a seed whose noise replay runs out in a pass ends the
// sweep (exit 6), never a failing seed, whatever --jobs.
TEST(ReplayOutOfMemory, ASeedsPassRunningOutEndsTheReplaySweep) {
  const hio::test::TempDir temp("hio-replay-oom");
  const DoerRegistry kinds = kinds_with(true);
  ReplayScenarioOptions options;
  options.journal = record(temp, true);
  options.noise = "reorder=0.5";
  for (const unsigned jobs : {1u, 2u}) {
    SweepOptions sweep;
    sweep.jobs = jobs;
    SweepCommand command;
    command.shard_text = "1/1";
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(sweep_command(replay_seed_runner(options, kinds, nullptr),
                            shard_seeds({1, 4}, {1, 1}), sweep, command, out, err),
              kExitInternal)
        << out.str() << err.str();
    EXPECT_EQ(out.str().find("FAIL"), std::string::npos) << out.str();
    EXPECT_EQ(err.str().rfind("hio sweep: error: out of memory (std::bad_alloc) while the seeds "
                              "ran; no seed was reported",
                              0),
              0u)
        << err.str();
  }
}

}  // namespace replay_out_of_memory_test
}  // namespace
}  // namespace hio::tools
