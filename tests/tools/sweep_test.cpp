// The sweep as a library: a shard's seeds computed arithmetically (checked
// against counting, and at the ends of the 64-bit range), results in seed
// order whatever the thread count, JSON that stays valid for any bytes;
// --keep N journals the first N failing seeds whatever the thread count.
#include "hio/tools/sweep.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <new>
#include <sstream>
#include <streambuf>
#include <string>
#include <thread>
#include <typeinfo>
#include <vector>

#include "../engine/wait_probe.hpp"
#include "../io/raw_socket.hpp"
#include "hio/engine/doist.hpp"
#include "hio/tools/cli.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/runner.hpp"
#include "temp_dir.hpp"

namespace hio::tools {
namespace {
namespace sweep_test {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

std::vector<std::uint64_t> listed(const ShardSeeds& seeds) {
  std::vector<std::uint64_t> out;
  if (seeds.empty) return out;
  for (std::uint64_t i = 0;; ++i) {
    out.push_back(seeds.at(i));
    if (i == seeds.last_index()) break;
  }
  return out;
}

TEST(ShardSeeds, AgreesWithCountingOnSmallRanges) {
  for (std::uint64_t first = 0; first < 4; ++first) {
    for (std::uint64_t last = first; last < first + 12; ++last) {
      for (std::uint64_t count = 1; count < 15; ++count) {
        std::vector<std::uint64_t> all;  // every shard together: the range once
        for (std::uint64_t index = 1; index <= count; ++index) {
          std::vector<std::uint64_t> expected;
          for (std::uint64_t seed = first; seed <= last; ++seed) {
            if ((seed - first) % count == index - 1) expected.push_back(seed);
          }
          const std::vector<std::uint64_t> got = listed(shard_seeds({first, last}, {index, count}));
          EXPECT_EQ(got, expected) << first << ".." << last << " " << index << "/" << count;
          all.insert(all.end(), got.begin(), got.end());
        }
        EXPECT_EQ(all.size(), last - first + 1);
      }
    }
  }
}

TEST(ShardSeeds, ExactAtTheEndsOfTheRange) {
  // The whole 64-bit range in shards of 2^64-1 seeds: the first shard holds
  // 0 and 2^64-1, the others one seed each, the last at 2^64-2.
  EXPECT_EQ(listed(shard_seeds({0, kMax}, {1, kMax})), (std::vector<std::uint64_t>{0, kMax}));
  EXPECT_EQ(listed(shard_seeds({0, kMax}, {2, kMax})), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(listed(shard_seeds({0, kMax}, {kMax, kMax})), (std::vector<std::uint64_t>{kMax - 1}));
  // 2^64 seeds: the count does not fit, the last index does.
  const ShardSeeds all = shard_seeds({0, kMax}, {1, 1});
  EXPECT_FALSE(all.empty);
  EXPECT_EQ(all.last_index(), kMax);
  EXPECT_EQ(all.at(kMax), kMax);
  // Near the top, and a shard past the end of a short range.
  EXPECT_EQ(listed(shard_seeds({kMax - 5, kMax}, {2, 3})),
            (std::vector<std::uint64_t>{kMax - 4, kMax - 1}));
  EXPECT_EQ(listed(shard_seeds({kMax, kMax}, {1, 1})), (std::vector<std::uint64_t>{kMax}));
  EXPECT_TRUE(shard_seeds({5, 6}, {3, 4}).empty);
  EXPECT_EQ(shard_seeds({0, 4'000'000'000}, {4'000'000'000, 4'000'000'000}).at(0), 3'999'999'999u);
}

constexpr const char* kLossy = R"(
[run]
tock = "1ms"
limit = "200ms"

[net]
hosts = ["c", "s"]

[[net.link]]
from = "c"
to = "s"
latency = "5ms"
jitter = "3ms"
loss = 0.3

[[doer]]
kind = "udp_responder"
name = "server"
address = "sim://s:7"

[[doer]]
kind = "udp_requester"
name = "client"
address = "sim://c:0"
to = "@server"
requests = 10
interval = "10ms"

[[expect]]
final = "client.responses >= 5"
)";

std::vector<SeedResult> run_sweep(unsigned jobs, const ShardSeeds& seeds) {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  const Scenario scenario = load_scenario_text(kLossy, "lossy.toml", kinds);
  std::vector<SeedResult> results;
  SweepOptions options;
  options.jobs = jobs;
  const SweepEnd end =
      sweep(scenario, kinds, seeds, options, [&](const SeedResult& r) { results.push_back(r); });
  EXPECT_FALSE(end.interrupted);
  EXPECT_EQ(end.done, results.size());
  return results;
}

TEST(Sweep, SeedOrderWhateverTheThreads) {
  const ShardSeeds seeds = shard_seeds({3, 40}, {2, 3});
  const std::vector<SeedResult> one = run_sweep(1, seeds);
  ASSERT_EQ(one.size(), 13u);
  std::size_t failed = 0;
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].seed, seeds.at(i));
    if (!one[i].passed) ++failed;
  }
  EXPECT_GT(failed, 0u);  // the loss decides: some seeds fail, not all
  EXPECT_LT(failed, one.size());
  // More threads than seeds: only as many as there are seeds run.
  for (unsigned jobs : {3u, kSweepJobsMax}) {
    const std::vector<SeedResult> many = run_sweep(jobs, seeds);
    ASSERT_EQ(many.size(), one.size());
    for (std::size_t i = 0; i < one.size(); ++i) {
      EXPECT_EQ(many[i].seed, one[i].seed);
      EXPECT_EQ(many[i].digest, one[i].digest);
      EXPECT_EQ(many[i].first_failure, one[i].first_failure);
    }
  }
}

// Seeds divisible by 3 fail; a run with a record path writes a journal
// there (counted). Seed 0's first run waits until `others` other runs have
// finished (or 10 s), so with threads the seeds after it are done, and
// journaled, before it is known to fail.
struct SlowFirstRunner {
  std::mutex mutex;
  std::condition_variable changed;
  std::uint64_t finished = 0;
  std::uint64_t others = 0;
  bool seed0_ran = false;
  std::uint64_t recorded = 0;

  SeedRun run(std::uint64_t seed, const std::string& record_path) {
    {
      std::unique_lock<std::mutex> lock(mutex);
      if (seed == 0 && !seed0_ran) {
        seed0_ran = true;
        changed.wait_for(lock, std::chrono::seconds(10), [&] { return finished >= others; });
      }
      recorded += record_path.empty() ? 0u : 1u;
    }
    if (!record_path.empty()) std::ofstream(record_path) << "journal of " << seed << "\n";
    SeedRun result;
    result.passed = seed % 3 != 0;
    result.first_failure = result.passed ? "" : "seed % 3 == 0";
    result.digest = seed;
    std::lock_guard<std::mutex> lock(mutex);
    ++finished;
    changed.notify_all();
    return result;
  }
};

TEST(Sweep, KeepJournalsTheFirstFailingSeedsWhateverTheThreads) {
  namespace fs = std::filesystem;
  const hio::test::TempDir temp("hio-keep");  // its own, whoever else runs this test
  const std::string base = temp.file("out");
  // A re-run for the journal, or (real time) each run journaled as it runs.
  for (const bool as_it_runs : {false, true})
    for (const unsigned jobs : {1u, 4u}) {
      SCOPED_TRACE("--jobs " + std::to_string(jobs) + (as_it_runs ? ", journaled as it runs" : ""));
      const std::string dir = base + "-" + std::to_string(jobs);
      fs::remove_all(dir);
      SlowFirstRunner slow;
      slow.others = jobs == 1 ? 0 : 12;  // seeds 1..12 finish first: 3, 6, 9, 12 fail
      const SeedRunner runner = [&slow](std::uint64_t seed, const std::string& record_path,
                                        const StopFlag&) { return slow.run(seed, record_path); };
      SweepCommand command;
      command.out = dir;
      command.keep = 2;
      SweepOptions options;
      options.jobs = jobs;
      options.journal_as_it_runs = as_it_runs;
      std::ostringstream out;
      std::ostringstream err;
      const int code =
          sweep_command(runner, shard_seeds({0, 29}, {1, 1}), options, command, out, err);
      EXPECT_EQ(code, kExitExpectationsFailed) << err.str();
      EXPECT_EQ(err.str(), "");
      // One thread: no seed is journaled once 2 failing seeds before it are
      // known: seeds 0 and 3 re-run, or seeds 0 to 3 as they run.
      if (jobs == 1) {
        EXPECT_EQ(slow.recorded, as_it_runs ? 4u : 2u);
      }
      // Every failing seed listed; journals of seeds 0 and 3 only.
      std::string listed;
      for (std::uint64_t seed = 0; seed < 30; seed += 3)
        listed += "seed " + std::to_string(seed) + ": FAIL seed % 3 == 0\n";
      EXPECT_EQ(out.str(),
                listed + "20 of 30 seeds passed; failing seeds listed above\nreport in " + dir +
                    "/report.json, journals of 2 of the 10 failing seeds as "
                    "seed-N.hioj (--keep 2)\n");
      std::vector<std::string> files;
      for (const fs::directory_entry& entry : fs::directory_iterator(dir))
        files.push_back(entry.path().filename().string());
      std::sort(files.begin(), files.end());
      EXPECT_EQ(files, (std::vector<std::string>{"report.json", "seed-0.hioj", "seed-3.hioj"}))
          << "--jobs " << jobs;
      std::ifstream in(dir + "/report.json");
      const std::string report((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
      EXPECT_NE(
          report.find(
              R"("seed": 3, "passed": false, "end": "done", "digest": )"
              R"("0000000000000003", "first_failure": "seed % 3 == 0", "journal": ")" +
              dir +
              R"(/seed-3.hioj", "journal_lost": null, "closing_reset": 0, "dropped_datagrams": 0, "channel_errors": 0, "beyond_keep": false})"),
          std::string::npos)
          << report;
      EXPECT_NE(
          report.find(
              R"("seed": 6, "passed": false, "end": "done", "digest": )"
              R"("0000000000000006", "first_failure": "seed % 3 == 0", )"
              R"("journal": null, "journal_lost": null, "closing_reset": 0, "dropped_datagrams": 0, "channel_errors": 0, "beyond_keep": true})"),
          std::string::npos)
          << report;
      EXPECT_NE(
          report.find(
              R"("seed": 4, "passed": true, "end": "done", "digest": )"
              R"("0000000000000004", "first_failure": null, "journal": null, )"
              R"("journal_lost": null, "closing_reset": 0, "dropped_datagrams": 0, "channel_errors": 0, "beyond_keep": false})"),
          std::string::npos)
          << report;
      fs::remove_all(dir);
    }
}

// SIGINT while a failing seed is re-run for its journal: the seed is
// abandoned as a run in flight is (not reported, outside "covered", the
// resume starts at it), even when it is the last one: exit 130, the report
// marked interrupted, no failing seed without its journal.
TEST(Sweep, InterruptedJournalRerunIsResumed) {
  namespace fs = std::filesystem;
  for (const std::uint64_t last : {2u, 3u}) {
    SCOPED_TRACE("--seeds 1.." + std::to_string(last));
    const hio::test::TempDir temp("hio-rerun-int");  // its own, whoever else runs this test
    const std::string dir = temp.file("out");
    fs::remove_all(dir);
    // Every seed fails; seed 2's re-run for its journal gets SIGINT (sent to
    // the process: the sweep's watcher takes it) and stops once the sweep
    // says so, as a run does at its pass's end.
    const SeedRunner runner = [](std::uint64_t seed, const std::string& record_path,
                                 const StopFlag& stop) {
      SeedRun run;
      run.first_failure = "always";
      run.digest = seed;
      run.end = RunEnd::done;
      if (record_path.empty()) return run;
      if (seed == 2) {
        ::kill(::getpid(), SIGINT);
        for (int i = 0; i < 10'000 && !stop.is_set(); ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        run.stopped = stop.is_set();
        return run;
      }
      std::ofstream(record_path) << "a journal";
      return run;
    };
    SweepCommand command;
    command.out = dir;
    command.shard_text = "1/1";
    std::ostringstream out;
    std::ostringstream err;
    const int code =
        sweep_command(runner, shard_seeds({1, last}, {1, 1}), SweepOptions{}, command, out, err);
    EXPECT_EQ(code, 130) << out.str() << err.str();
    EXPECT_EQ(out.str(),
              "seed 1: FAIL always\ninterrupted (SIGINT): seeds 1..1 ran; resume with "
              "--seeds 2.." +
                  std::to_string(last) + " and an --out other than " + dir +
                  " (it keeps this part's results)\n0 of 1 seed passed; failing seeds listed "
                  "above\nreport in " +
                  dir + "/report.json, journals of failing seeds as seed-N.hioj\n");
    EXPECT_EQ(err.str(), "");
    std::ifstream in(dir + "/report.json");
    const std::string report((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    EXPECT_NE(
        report.find(
            R"("journal": ")" + dir +
            R"(/seed-1.hioj", "journal_lost": null, "closing_reset": 0, "dropped_datagrams": 0, "channel_errors": 0, "beyond_keep": false}], "interrupted": true, )"
            R"("covered": "1..1", "resume": "--seeds 2..)" +
            std::to_string(last) + "\"}\n"),
        std::string::npos)
        << report;
    EXPECT_FALSE(fs::exists(dir + "/seed-2.hioj"));
    fs::remove_all(dir);
  }
}

// A stop signal that comes once every seed is reported (or while the last
// one's run, which had ended, waits for its closed connections) ends the
// sweep interrupted all the same, as hio run exits 130 for a signal after its
// run: exit 130, "interrupted": true, nothing to resume. Unfixed, the sweep
// exited on its results ("interrupted": false, exit 0).
TEST(Sweep, SignalAfterTheLastSeedIsAnInterruption) {
  namespace fs = std::filesystem;
  const SeedRunner passes = [](std::uint64_t, const std::string&, const StopFlag&) {
    SeedRun run;
    run.passed = true;
    run.end = RunEnd::limit;
    return run;
  };
  // The library's sweep(): the signal as the last seed is reported.
  const ShardSeeds seeds = shard_seeds({1, 3}, {1, 1});
  std::uint64_t reported = 0;
  const SweepEnd end = sweep(passes, seeds, SweepOptions{}, [&](const SeedResult& r) {
    ++reported;
    if (r.seed == 3) ::kill(::getpid(), SIGINT);
  });
  EXPECT_EQ(reported, 3u);
  EXPECT_EQ(end.done, 3u);
  EXPECT_TRUE(end.interrupted);
  EXPECT_EQ(end.stop_signal, SIGINT);

  // The command: the last seed's run had ended when the signal came (a
  // real run waiting for its closed connections), so it is reported.
  const hio::test::TempDir temp("hio-late-int");  // its own, whoever else runs this test
  const std::string dir = temp.file("out");
  fs::remove_all(dir);
  const SeedRunner late = [](std::uint64_t seed, const std::string&, const StopFlag& stop) {
    SeedRun run;
    run.passed = true;
    run.end = RunEnd::limit;
    run.digest = seed;  // runs of their own (one digest would add the note that they are one)
    if (seed == 2) {
      ::kill(::getpid(), SIGTERM);
      for (int i = 0; i < 10'000 && !stop.is_set(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return run;
  };
  SweepCommand command;
  command.out = dir;
  command.shard_text = "1/1";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(sweep_command(late, shard_seeds({1, 2}, {1, 1}), SweepOptions{}, command, out, err),
            143)
      << out.str() << err.str();
  EXPECT_EQ(out.str(),
            "interrupted (SIGTERM) after the last seed: seeds 1..2 ran; nothing to resume\n"
            "2 of 2 seeds passed\nreport in " +
                dir + "/report.json\n");
  std::ifstream in(dir + "/report.json");
  const std::string report((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(report.find(R"("beyond_keep": false}], "interrupted": true, "covered": "1..2", )"
                        R"("resume": null}
)"),
            std::string::npos)
      << report;
  fs::remove_all(dir);
}

// A scenario that draws on no seed (no jitter, no noise) is one run, however
// many seeds it is swept over: the sweep says so at its end, so that "20 of
// 20 seeds passed" is not read as 20 tests (unfixed: nothing said;
// scenarios/partition_heals.toml gave one digest for every seed). Not in real
// time, where each run is another whatever the seed.
TEST(Sweep, SeedsThatAllGaveOneRunAreSaidToBeOne) {
  const auto runner_of = [](bool one) -> SeedRunner {
    return [one](std::uint64_t seed, const std::string&, const StopFlag&) {
      SeedRun run;
      run.passed = true;
      run.end = RunEnd::limit;
      run.digest = one ? 0x2a : seed;
      return run;
    };
  };
  const auto text = [](const SeedRunner& runner, bool real_time) {
    SweepCommand command;
    command.shard_text = "1/1";
    SweepOptions options;
    options.journal_as_it_runs = real_time;
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(sweep_command(runner, shard_seeds({1, 3}, {1, 1}), options, command, out, err), 0);
    return out.str();
  };
  EXPECT_EQ(text(runner_of(true), false),
            "3 of 3 seeds passed\nnote: every seed gave the same run (digest 000000000000002a): "
            "the seed changed nothing in it, so these 3 seeds tested one run (hio's own doer kinds "
            "draw on the seed only through the jitter and noise of [net]'s links and lines)\n");
  EXPECT_EQ(text(runner_of(false), false), "3 of 3 seeds passed\n");
  EXPECT_EQ(text(runner_of(true), true), "3 of 3 seeds passed\n");
}

// hio out of memory as a seed's tree is built (std::bad_alloc) is not the
// seed's failure: the sweep ends, exit 6, the seed is not listed as failing
// and no report is written (it was "seed 3: FAIL error: std::bad_alloc",
// exit 1, and report.json blamed the scenario).
TEST(Sweep, OutOfMemoryEndsTheSweepNotAFailingSeed) {
  namespace fs = std::filesystem;
  const SeedRunner runner = [](std::uint64_t seed, const std::string&, const StopFlag&) -> SeedRun {
    if (seed == 3) throw std::bad_alloc();
    SeedRun run;
    run.passed = true;
    run.end = RunEnd::limit;
    return run;
  };
  EXPECT_THROW(sweep(runner, shard_seeds({1, 6}, {1, 1}), SweepOptions{}, [](const SeedResult&) {}),
               std::bad_alloc);
  const hio::test::TempDir temp("hio-oom");  // its own, whoever else runs this test
  const std::string dir = temp.file("out");
  for (const unsigned jobs : {1u, 3u}) {
    fs::remove_all(dir);
    SweepOptions options;
    options.jobs = jobs;
    SweepCommand command;
    command.out = dir;
    command.shard_text = "1/1";
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(sweep_command(runner, shard_seeds({1, 6}, {1, 1}), options, command, out, err), 6)
        << out.str() << err.str();
    EXPECT_EQ(out.str().find("FAIL"), std::string::npos) << out.str();
    EXPECT_EQ(err.str().rfind(
                  "hio sweep: error: out of memory (std::bad_alloc) while the seeds ran; ", 0),
              0u)
        << err.str();
    EXPECT_NE(err.str().find("; no report written\n"), std::string::npos) << err.str();
    if (jobs == 1) {
      EXPECT_NE(err.str().find("; seeds 1..2 were reported, nothing after them is judged;"),
                std::string::npos)
          << err.str();
    }
    EXPECT_FALSE(fs::exists(dir + "/report.json"));
  }
  fs::remove_all(dir);
}

// Out of memory in a seed's pass (a doer's std::bad_alloc) ends the sweep
// as a tree that does not fit does, through the sweep's own runner: the
// seeds running at once share the memory, so which of them runs out depends
// on --jobs. It was "seed 1: FAIL error: std::bad_alloc", exit 1 (CI met it:
// of two 300,000-doer seeds under ulimit -v, one built and then ran out
// while the other was built). hio run still calls it the doer's (exit 5).
TEST(Sweep, OutOfMemoryInASeedsPassEndsTheSweep) {
  // Throws in its first pass, as a doer whose allocation fails does.
  class Hungry final : public Doer {
   protected:
    bool recur(Tyme) override { throw std::bad_alloc(); }
  };
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  kinds.add(KindSpec{"hungry",
                     "",
                     {},
                     [](const DoerSpec&, BuildContext&) -> std::unique_ptr<Doer> {
                       return std::make_unique<Hungry>();
                     },
                     false});
  const Scenario scenario = load_scenario_text(
      "[run]\nlimit = \"1s\"\n[[doer]]\nkind = \"hungry\"\nname = \"h\"\n", "hungry.toml", kinds);
  const RunSummary alone = run_scenario(scenario, kinds);
  EXPECT_EQ(alone.error, std::optional<std::string>("std::bad_alloc"));
  EXPECT_TRUE(alone.out_of_memory);
  for (const unsigned jobs : {1u, 2u}) {
    SweepOptions options;
    options.jobs = jobs;
    SweepCommand command;
    command.shard_text = "1/1";
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(sweep_command(scenario_seed_runner(scenario, kinds), shard_seeds({1, 4}, {1, 1}),
                            options, command, out, err),
              6)
        << out.str() << err.str();
    EXPECT_EQ(out.str().find("FAIL"), std::string::npos) << out.str();
    EXPECT_EQ(err.str().rfind("hio sweep: error: out of memory (std::bad_alloc) while the seeds "
                              "ran; no seed was reported",
                              0),
              0u)
        << err.str();
  }
}

// A doer's std::bad_array_new_length (a subclass of std::bad_alloc: `new
// T[n]` with a bad n) is its bug, which the seed repeats whatever memory it
// has: the seed fails with it (exit 1), in a pass or while its kind builds
// it, and the sweep goes on (rev25 #9: it ended as out of memory, exit 6,
// naming no seed). hio run calls it no out of memory either.
TEST(Sweep, ADoersBadArrayLengthIsItsSeedsFailureNotOutOfMemory) {
  class BadLength final : public Doer {
   protected:
    bool recur(Tyme) override { throw std::bad_array_new_length(); }
  };
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  kinds.add(KindSpec{"bad_length",
                     "",
                     {},
                     [](const DoerSpec&, BuildContext&) -> std::unique_ptr<Doer> {
                       return std::make_unique<BadLength>();
                     },
                     false});
  kinds.add(KindSpec{"bad_build",
                     "",
                     {},
                     [](const DoerSpec&, BuildContext&) -> std::unique_ptr<Doer> {
                       throw std::bad_array_new_length();
                     },
                     false});
  const Scenario scenario = load_scenario_text(
      "[run]\nlimit = \"1s\"\n[[doer]]\nkind = \"bad_length\"\nname = \"b\"\n", "bad.toml", kinds);
  const RunSummary alone = run_scenario(scenario, kinds);
  EXPECT_EQ(alone.error, std::optional<std::string>("std::bad_array_new_length"));
  EXPECT_FALSE(alone.out_of_memory);
  for (const unsigned jobs : {1u, 2u}) {
    SweepOptions options;
    options.jobs = jobs;
    SweepCommand command;
    command.shard_text = "1/1";
    command.json = true;
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(sweep_command(scenario_seed_runner(scenario, kinds), shard_seeds({1, 2}, {1, 1}),
                            options, command, out, err),
              1)
        << out.str() << err.str();
    EXPECT_NE(out.str().find("{\"seed\": 2, \"passed\": false, \"end\": \"error\""),
              std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find("\"first_failure\": \"error: std::bad_array_new_length\""),
              std::string::npos)
        << out.str();
    EXPECT_EQ(err.str().find("out of memory"), std::string::npos) << err.str();
  }
  // Built by its kind: a problem of the scenario's, not hio's out of memory.
  const Scenario unbuildable = load_scenario_text(
      "[run]\nlimit = \"1s\"\n[[doer]]\nkind = \"bad_build\"\nname = \"b\"\n", "bad.toml", kinds);
  try {
    (void)run_scenario(unbuildable, kinds);
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& error) {
    EXPECT_NE(std::string(error.what()).find("cannot build doer 'b': std::bad_array_new_length"),
              std::string::npos)
        << error.what();
  } catch (const std::exception& error) {
    ADD_FAILURE() << typeid(error).name() << ": " << error.what();
  }
}

// A stop signal, then out of memory: the signal's code (130), as anywhere
// (docs/scenarios.md, Exit codes). The sweep's watcher took the signal (its
// threads block it), and when sweep() threw the bad_alloc it was lost: exit 6.
// The command's StopSignalCatch is held, as hio sweep holds it.
TEST(Sweep, StopSignalThenOutOfMemoryGivesTheSignalsCode) {
  const SeedRunner runner = [](std::uint64_t seed, const std::string&,
                               const StopFlag& stop) -> SeedRun {
    if (seed == 2) {
      ::kill(::getpid(), SIGINT);
      for (int i = 0; i < 10'000 && !stop.is_set(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      throw std::bad_alloc();
    }
    SeedRun run;
    run.passed = true;
    run.end = RunEnd::limit;
    return run;
  };
  const StopSignalCatch signals;
  SweepCommand command;
  command.shard_text = "1/1";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(sweep_command(runner, shard_seeds({1, 3}, {1, 1}), SweepOptions{}, command, out, err),
            130)
      << out.str() << err.str();
  EXPECT_EQ(
      err.str().rfind(
          "hio sweep: error: out of memory (std::bad_alloc) while the seeds ran; seeds 1..1 ", 0),
      0u)
      << err.str();
  EXPECT_EQ(caught_stop_signal(), SIGINT);
}

// A seed whose real UDP endpoint got datagrams faster than its run read them
// (sent while the run was told where it is bound, before its first read) is
// reported as hio run warns: a stderr line per channel after "seed N: ", the
// count in its record (report.json, --json) and in the summary. Until
// session 24 a sweep said nothing of them (rev23 L24).
TEST(Sweep, DatagramsTheKernelDroppedAreReportedPerSeed) {
  // As RunScenario.DatagramsTheKernelDroppedAreWarnedAboutAtTheEnd: 2 MB may
  // all fit a tuned host's default receive buffer.
  std::size_t rmem_default = 0;
  std::ifstream("/proc/sys/net/core/rmem_default") >> rmem_default;
  if (rmem_default >= 2'000'000) {
    GTEST_SKIP() << "net.core.rmem_default is " << rmem_default << ": 2 MB may all fit";
  }
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  const Scenario scenario = load_scenario_text(
      "[run]\nmode = \"real\"\ntock = \"10ms\"\nlimit = \"100ms\"\n"
      "[[doer]]\nkind = \"udp_responder\"\nname = \"srv\"\naddress = \"udp://127.0.0.1:0\"\n",
      "flooded.toml", kinds);
  // The sweep's runner, with hio sweep's `say`, but flooding the endpoint
  // once bound (RunOptions::listening, which scenario_seed_runner leaves
  // unset).
  std::mutex said_mutex;
  std::vector<std::string> said;
  const auto say = [&](const std::string& line) {
    const std::lock_guard<std::mutex> lock(said_mutex);
    said.push_back(line);
  };
  const SeedRunner runner = [&](std::uint64_t seed, const std::string&, const StopFlag& stop) {
    Scenario copy = scenario;
    copy.run.seed = seed;
    RunOptions options;
    options.stop = &stop;
    options.listening = [](const Listening& l) {
      const std::string bound = l.address.substr(l.address.find("://") + 3);
      hio::test::flood_udp(
          static_cast<std::uint16_t>(std::stoul(bound.substr(bound.rfind(':') + 1))), 2000, 1000);
    };
    return seed_run_of(run_scenario(copy, kinds, options), seed, stop, say);
  };
  SweepCommand command;
  command.shard_text = "1/1";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(sweep_command(runner, shard_seeds({1, 1}, {1, 1}), SweepOptions{}, command, out, err),
            0)
      << out.str() << err.str();
  ASSERT_EQ(said.size(), 1u) << testing::PrintToString(said);
  const std::string prefix = "seed 1: warning: the kernel dropped ";
  ASSERT_EQ(said[0].rfind(prefix, 0), 0u) << said[0];
  const std::uint64_t dropped = std::stoull(said[0].substr(prefix.size()));
  EXPECT_GT(dropped, 0u);
  EXPECT_NE(said[0].find(" that came to channel 'srv' (127.0.0.1:"), std::string::npos) << said[0];
  EXPECT_NE(
      out.str().find("1 of 1 seed passed\nwarning: the kernel dropped " + std::to_string(dropped) +
                     " datagrams in 1 seed before the runs read them (stderr names the "
                     "channels): those runs had fewer inputs than were sent to them\n"),
      std::string::npos)
      << out.str();
  // The seed's record and the --json summary count them.
  said.clear();
  command.json = true;
  std::ostringstream json;
  EXPECT_EQ(sweep_command(runner, shard_seeds({1, 1}, {1, 1}), SweepOptions{}, command, json, err),
            0);
  ASSERT_EQ(said.size(), 1u) << testing::PrintToString(said);
  const std::string again = said[0].substr(prefix.size());
  const std::string count = again.substr(0, again.find(' '));
  EXPECT_NE(json.str().find("\"closing_reset\": 0, \"dropped_datagrams\": " + count +
                            ", \"channel_errors\": 0, \"beyond_keep\": false}\n"),
            std::string::npos)
      << json.str();
  EXPECT_NE(json.str().find("\"failed\": 0, \"dropped_datagrams\": " + count + ", "),
            std::string::npos)
      << json.str();
}

// Real-time seeds with a tock of an hour (and a limit of 60 s of wall time,
// which bounds the tests): each run's WaitProbe says when it waits for its
// second pass, and the sweep's stop comes only then, so no pass's end can
// see it. `summaries`: each run's, by seed.
class WaitingSeeds {
 public:
  WaitingSeeds() {
    kinds_.add(probe_kind(unused_));
    add_builtin_kinds(kinds_);
    scenario_ = load_scenario_text(
        "[run]\nmode = \"real\"\ntock = \"1h\"\nlimit = \"60s\"\n"
        "[[doer]]\nkind = \"wait_probe\"\nname = \"probe\"\n"
        "[[doer]]\nkind = \"ticker\"\nname = \"t\"\n",
        "hour.toml", kinds_);
  }

  // Blocks until `count` runs wait; false if they did not within 60 s.
  bool await(int count) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(60), [&] { return waiting_ >= count; });
  }

  // Runs the scenario for the seed, its run watching the sweep's `stop`
  // (RunOptions::stop, as hio sweep's runner does); `before`, if given, is
  // called first with the seed.
  SeedRunner runner(std::function<void(std::uint64_t)> before = {}) {
    return [this, before](std::uint64_t seed, const std::string&, const StopFlag& stop) {
      if (before) before(seed);
      test::WaitProbe probe([this] {
        const std::lock_guard<std::mutex> lock(mutex_);
        ++waiting_;
        changed_.notify_all();
      });
      DoerRegistry kinds;
      kinds.add(probe_kind(probe));
      add_builtin_kinds(kinds);
      Scenario copy = scenario_;
      copy.run.seed = seed;
      RunOptions options;
      options.stop = &stop;
      const RunSummary summary = run_scenario(copy, kinds, options);
      {
        const std::lock_guard<std::mutex> lock(mutex_);
        summaries.emplace(seed, summary);
      }
      SeedRun run;
      run.stopped = stop.is_set();
      run.passed = true;
      run.end = summary.end;
      return run;
    };
  }

  std::map<std::uint64_t, RunSummary> summaries;

 private:
  class Idle final : public Doer {
   protected:
    bool recur(Tyme) override { return false; }
  };
  // "wait_probe": attaches `probe` to the run's Doist, after its hub.
  static KindSpec probe_kind(test::WaitProbe& probe) {
    return KindSpec{"wait_probe",
                    "",
                    {},
                    [&probe](const DoerSpec&, BuildContext& context) -> std::unique_ptr<Doer> {
                      context.io.attached_to()->attach(probe);
                      return std::make_unique<Idle>();
                    },
                    false};
  }

  test::WaitProbe unused_;  // for the kind the scenario is loaded with
  DoerRegistry kinds_;
  Scenario scenario_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int waiting_ = 0;
};

// SIGINT while two real-time seeds (--jobs 2) wait out a tock of an hour:
// the sweep's watcher takes it and sets the sweep's stop, and each run ends
// at once, at the pass it waited after (tyme 0, ended_at_pass), not a tock
// later; the sweep returns interrupted with both abandoned.
TEST(Sweep, StopSignalEndsRealTimeSeedsInTheirWait) {
  WaitingSeeds seeds;
  std::thread sender([&seeds] {
    // Blocked here, as in the sweep's threads: the watcher takes it.
    sigset_t interrupt;
    sigemptyset(&interrupt);
    sigaddset(&interrupt, SIGINT);
    ::pthread_sigmask(SIG_BLOCK, &interrupt, nullptr);
    EXPECT_TRUE(seeds.await(2));
    ::kill(::getpid(), SIGINT);
  });
  SweepOptions options;
  options.jobs = 2;
  std::size_t reported = 0;
  const SweepEnd end = sweep(seeds.runner(), shard_seeds({1, 2}, {1, 1}), options,
                             [&reported](const SeedResult&) { ++reported; });
  sender.join();
  EXPECT_TRUE(end.interrupted);
  EXPECT_EQ(end.stop_signal, SIGINT);
  EXPECT_EQ(end.done, 0u);
  EXPECT_EQ(reported, 0u);
  ASSERT_EQ(seeds.summaries.size(), 2u);
  for (const auto& [seed, summary] : seeds.summaries) {
    EXPECT_EQ(summary.end, RunEnd::interrupted) << "seed " << seed;
    EXPECT_EQ(summary.passes, 0u) << "seed " << seed;  // ended at its pass
    EXPECT_EQ(summary.tyme, Tyme{}) << "seed " << seed;
  }
}

// Out of memory in one seed stops the others in flight through the same
// stop: a real-time seed waiting out a tock of an hour ends at once, at the
// pass it waited after. (The stop was a flag read at a pass's end: the run
// waited on, here to its 60 s limit, and ended `limit`.)
TEST(Sweep, OutOfMemoryEndsRealTimeSeedsInTheirWait) {
  WaitingSeeds seeds;
  const SeedRunner runner = seeds.runner([&seeds](std::uint64_t seed) {
    if (seed != 1) return;
    EXPECT_TRUE(seeds.await(1));  // seed 2's run waits
    throw std::bad_alloc();
  });
  SweepOptions options;
  options.jobs = 2;
  EXPECT_THROW(sweep(runner, shard_seeds({1, 2}, {1, 1}), options, [](const SeedResult&) {}),
               std::bad_alloc);
  ASSERT_EQ(seeds.summaries.count(2), 1u);
  const RunSummary& summary = seeds.summaries.at(2);
  EXPECT_EQ(summary.end, RunEnd::interrupted);
  EXPECT_EQ(summary.passes, 0u);  // ended at its pass: no tick (Doist::ended_at_pass)
  EXPECT_EQ(summary.tyme, Tyme{});
}

// `hio sweep --out DIR` of seeds 1..last, journaled as they run (real time)
// or re-run for their journals (virtual time).
int sweep_into(const std::string& dir, bool as_it_runs, const SeedRunner& runner,
               std::uint64_t last, std::ostream& out, std::ostream& err) {
  SweepCommand command;
  command.out = dir;
  command.shard_text = "1/1";
  SweepOptions options;
  options.journal_as_it_runs = as_it_runs;
  return sweep_command(runner, shard_seeds({1, last}, {1, 1}), options, command, out, err);
}

// A journal lost during its run (removed, or replaced by another process's
// file: SeedRun::journal_lost) is a journal that could not be written, as
// `hio run --record` says (exit 4), not one listed as kept; and the sweep
// never removes that path, a passing seed's included: the file there now
// is another process's.
TEST(Sweep, LostJournalIsReportedAndNeverRemoved) {
  namespace fs = std::filesystem;
  for (const bool as_it_runs : {false, true}) {
    SCOPED_TRACE(as_it_runs ? "journaled as it runs" : "re-run for the journal");
    const hio::test::TempDir temp("hio-lost");  // its own, whoever else runs this test
    const std::string dir = temp.file("out");
    fs::remove_all(dir);
    // Seed 1 fails, seed 2 passes; each journal is replaced as it is written.
    const SeedRunner runner = [](std::uint64_t seed, const std::string& record_path,
                                 const StopFlag&) {
      SeedRun run;
      run.passed = seed == 2;
      run.first_failure = run.passed ? "" : "always";
      run.digest = seed;
      run.end = RunEnd::done;
      if (record_path.empty()) return run;
      std::ofstream(record_path) << "another process's file";
      run.journal_lost = "the journal was replaced during the run";
      return run;
    };
    std::ostringstream out;
    std::ostringstream err;
    const int code = sweep_into(dir, as_it_runs, runner, 2, out, err);
    EXPECT_EQ(code, kExitOutputFailed) << out.str() << err.str();
    EXPECT_EQ(err.str(),
              "hio sweep: seed 1: cannot record: the journal was replaced during the run\n");
    EXPECT_EQ(out.str(),
              "seed 1: FAIL always\n1 of 2 seeds passed; failing seeds listed above\n"
              "report in " +
                  dir + "/report.json, no journal saved: 1 journal could not be written\n");
    std::ifstream in(dir + "/report.json");
    const std::string report((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    EXPECT_NE(report.find(R"("seed": 1, "passed": false, "end": "done", "digest": )"
                          R"("0000000000000001", "first_failure": "always", "journal": null)"),
              std::string::npos)
        << report;
    EXPECT_TRUE(fs::exists(dir + "/seed-1.hioj"));
    EXPECT_EQ(fs::exists(dir + "/seed-2.hioj"), as_it_runs);  // only then journaled
    fs::remove_all(dir);
  }
}

// A seed that runs out of memory in a pass ends the sweep (exit 6) and its
// journal is removed, but not one lost during the run (SeedRun::journal_lost):
// the file at that path is another process's then. Unfixed, the
// std::bad_alloc that ends the sweep was thrown before journal_lost was
// looked at, and the sweep removed that file.
TEST(Sweep, OutOfMemoryNeverRemovesALostJournal) {
  namespace fs = std::filesystem;
  for (const bool as_it_runs : {false, true}) {
    SCOPED_TRACE(as_it_runs ? "journaled as it runs" : "re-run for the journal");
    const hio::test::TempDir temp("hio-lost-oom");
    const std::string dir = temp.file("out");
    fs::remove_all(dir);
    // Fails without a journal; with one, the journal is replaced and the run
    // runs out of memory.
    const SeedRunner runner = [](std::uint64_t seed, const std::string& record_path,
                                 const StopFlag&) {
      SeedRun run;
      run.first_failure = "always";
      run.digest = seed;
      if (record_path.empty()) return run;
      std::ofstream(record_path) << "another process's file";
      run.end = RunEnd::interrupted;
      run.error = "std::bad_alloc";
      run.out_of_memory = true;
      run.journal_lost = "the journal was replaced during the run";
      return run;
    };
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(sweep_into(dir, as_it_runs, runner, 1, out, err), kExitInternal)
        << out.str() << err.str();
    EXPECT_EQ(err.str().rfind("hio sweep: error: out of memory (std::bad_alloc) while the seeds "
                              "ran",
                              0),
              0u)
        << err.str();
    EXPECT_TRUE(fs::exists(dir + "/seed-1.hioj"));
    fs::remove_all(dir);
  }
}

// An unbuffered stream's buffer that keeps each piece written to it (one
// sputn, or one character), as a write(2) to an unbuffered stderr would be.
class Pieces final : public std::streambuf {
 public:
  std::vector<std::string> pieces() {
    const std::lock_guard<std::mutex> guard(mutex_);
    return pieces_;
  }

 protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) keep(std::string(1, traits_type::to_char_type(c)));
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    keep(std::string(s, static_cast<std::size_t>(n)));
    return n;
  }

 private:
  void keep(std::string piece) {
    const std::lock_guard<std::mutex> guard(mutex_);
    pieces_.push_back(std::move(piece));
  }
  std::mutex mutex_;
  std::vector<std::string> pieces_;
};

// Every piece is one whole line of the sweep's; returns how many.
std::size_t whole_lines(const std::vector<std::string>& pieces) {
  for (const std::string& piece : pieces) {
    EXPECT_EQ(piece.rfind("hio sweep: ", 0), 0u) << "'" << piece << "'";
    EXPECT_EQ(std::count(piece.begin(), piece.end(), '\n'), 1) << "'" << piece << "'";
    EXPECT_EQ(piece.back(), '\n') << "'" << piece << "'";
  }
  return pieces.size();
}

// Each line a sweep writes to stderr from its worker threads - a journal that
// could not be kept, the wait after a real run for closed connections and
// the resets after it - is written whole, in one piece, so lines of threads
// at once never interleave. Unfixed, each was written in four or five
// pieces (name, ": ", text, newline), and only the waiting lines were locked
// against each other.
TEST(SweepStderr, EveryLineIsWrittenWhole) {
  namespace fs = std::filesystem;
  const hio::test::TempDir temp("hio-lines");  // its own, whoever else runs this test
  const std::string dir = temp.file("out");
  fs::remove_all(dir);
  // Every seed fails, and its journal is lost: a line each.
  const SeedRunner lost = [](std::uint64_t, const std::string& record_path, const StopFlag&) {
    SeedRun run;
    run.first_failure = "always";
    if (!record_path.empty()) run.journal_lost = "removed while the run wrote it";
    return run;
  };
  SweepCommand command;
  command.out = dir;
  command.shard_text = "1/1";
  SweepOptions options;
  options.jobs = 4;
  Pieces pieces;
  std::ostream err(&pieces);
  std::ostringstream out;
  EXPECT_EQ(sweep_command(lost, shard_seeds({1, 8}, {1, 1}), options, command, out, err), 4);
  EXPECT_EQ(whole_lines(pieces.pieces()), 8u);
  fs::remove_all(dir);

  // Real runs whose client's write is in flight at the end, to a peer that
  // never reads (a listener's queue): each seed waits, said once it has
  // lasted 250 ms (kClosingUnsaidFor), then resets it at 400 ms.
  test::RawSocket peer = test::raw_listen();
  ASSERT_TRUE(peer.valid());
  const int small = 4096;  // the queued connections' windows: the write stalls soon
  ASSERT_EQ(::setsockopt(peer.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  const std::string text =
      "[run]\nmode = \"real\"\ntock = \"1ms\"\nlimit = \"1s\"\n"
      "[[doer]]\nkind = \"echo_client\"\nname = \"c\"\naddress = \"tcp://127.0.0.1:" +
      std::to_string(peer.port()) + "\"\nmessages = 1\nsize = 16000000\nclose_linger = \"400ms\"\n";
  const Scenario scenario = load_scenario_text(text, "w.toml", kinds);
  options.jobs = 2;
  SweepCommand quiet;
  quiet.shard_text = "1/1";
  Pieces said;
  std::ostream err2(&said);
  EXPECT_EQ(sweep_command(scenario, kinds, shard_seeds({1, 2}, {1, 1}), options, quiet, out, err2),
            0);
  const std::vector<std::string> lines = said.pieces();
  EXPECT_EQ(whole_lines(lines), 4u);  // per seed: waiting, then reset
  EXPECT_NE(lines.at(0).find(": waiting for 1 closed channel"), std::string::npos) << lines[0];
}

// The connections a seed's run reset at its end (RunSummary::closing_reset)
// are in its record, in --json and report.json alike, as hio run --json
// has them: they used to be only a warning on stderr.
TEST(SweepJson, EachSeedCarriesItsClosingResets) {
  namespace fs = std::filesystem;
  const hio::test::TempDir temp("hio-closing");  // its own, whoever else runs this test
  const std::string dir = temp.file("out");
  fs::remove_all(dir);
  const SeedRunner runner = [](std::uint64_t seed, const std::string&, const StopFlag&) {
    SeedRun run;
    run.passed = true;
    run.end = RunEnd::limit;
    run.closing_reset = seed == 2 ? 3 : 0;
    return run;
  };
  SweepCommand command;
  command.json = true;
  command.out = dir;
  command.shard_text = "1/1";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(sweep_command(runner, shard_seeds({1, 2}, {1, 1}), SweepOptions{}, command, out, err),
            0)
      << err.str();
  std::ifstream in(dir + "/report.json");
  const std::string report((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const std::string& text : {out.str(), report}) {
    EXPECT_NE(text.find(R"({"seed": 1, )"), std::string::npos) << text;
    EXPECT_NE(
        text.find(
            R"("journal": null, "journal_lost": null, "closing_reset": 0, "dropped_datagrams": 0, "channel_errors": 0, "beyond_keep": false})"),
        std::string::npos)
        << text;
    EXPECT_NE(
        text.find(
            R"("journal": null, "journal_lost": null, "closing_reset": 3, "dropped_datagrams": 0, "channel_errors": 0, "beyond_keep": false})"),
        std::string::npos)
        << text;
  }
  fs::remove_all(dir);
}

TEST(SweepJson, ValidUtf8ForAnyBytes) {
  EXPECT_EQ(json_field("scenario", "a \"b\"\n\x01.toml"), R"("scenario": "a \"b\"\n\u0001.toml")");
  EXPECT_EQ(json_field("scenario", "caf\xc3\xa9"), "\"scenario\": \"caf\xc3\xa9\"");
  // Not UTF-8: the bytes in hex under another name, nothing lost.
  EXPECT_EQ(json_field("scenario", "we\"ird\xff.toml"),
            R"("scenario_hex": "776522697264ff2e746f6d6c")");
  SeedResult r;
  r.seed = 7;
  r.first_failure = "error: cannot open \xfe";
  r.journal = "d/seed-7.hioj";
  EXPECT_EQ(
      format_seed_result_json(r),
      R"({"seed": 7, "passed": false, "end": "done", "digest": "0000000000000000", )"
      R"("first_failure_hex": "6572726f723a2063616e6e6f74206f70656e20fe", )"
      R"("journal": "d/seed-7.hioj", "journal_lost": null, "closing_reset": 0, "dropped_datagrams": 0, "channel_errors": 0, "beyond_keep": false})");
  r.journal.clear();
  // A run that threw (never started, say) has no end and no digest.
  r.error = true;
  r.digest = 0x1234;
  EXPECT_EQ(
      format_seed_result_json(r),
      R"({"seed": 7, "passed": false, "end": "error", "digest": null, )"
      R"("first_failure_hex": "6572726f723a2063616e6e6f74206f70656e20fe", )"
      R"("journal": null, "journal_lost": null, "closing_reset": 0, "dropped_datagrams": 0, "channel_errors": 0, "beyond_keep": false})");
  // A doer threw: the run ran to that end, and its digest is known.
  r.doer_threw = true;
  EXPECT_EQ(
      format_seed_result_json(r),
      R"({"seed": 7, "passed": false, "end": "error", "digest": "0000000000001234", )"
      R"("first_failure_hex": "6572726f723a2063616e6e6f74206f70656e20fe", )"
      R"("journal": null, "journal_lost": null, "closing_reset": 0, "dropped_datagrams": 0, "channel_errors": 0, "beyond_keep": false})");
}

}  // namespace sweep_test
}  // namespace
}  // namespace hio::tools
