// What hio check (and hio run, and hio sweep once) says of a udp_requester or
// serial_sender whose interval is no multiple of the run's tock: the passes
// round it up (one request a pass at most), which the scenario does not read
// as. The run itself is the same with or without the warning.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hio/tools/loader.hpp"
#include "hio/tools/runner.hpp"

namespace hio::tools {
namespace {
namespace pace_warnings_test {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

DoerRegistry registry() {
  DoerRegistry r;
  add_builtin_kinds(r);
  return r;
}

// A udp_requester on SimNet: tock, interval as given.
std::string requester(const std::string& tock, const std::string& interval) {
  return "[run]\ntock = \"" + tock +
         "\"\nlimit = \"1s\"\n[net]\nhosts = [\"a\", \"server\"]\n"
         "[[doer]]\nkind = \"udp_responder\"\nname = \"server\"\naddress = \"sim://server:7\"\n"
         "[[doer]]\nkind = \"udp_requester\"\nname = \"c\"\naddress = \"sim://a:0\"\n"
         "to = \"@server\"\nrequests = 10\ninterval = \"" +
         interval + "\"\n";
}

std::vector<std::string> warnings_of(const std::string& text) {
  const DoerRegistry kinds = registry();
  std::vector<std::string> warnings;
  const Scenario scenario = load_scenario_text(text, "p.toml", kinds);
  check_scenario(scenario, kinds,
                 [&warnings](const std::string& line) { warnings.push_back(line); });
  return warnings;
}

TEST(PaceWarnings, AnIntervalThatIsNoMultipleOfTheTockIsSaidWithThePaceItGets) {
  EXPECT_THAT(warnings_of(requester("1ms", "1500us")),
              ElementsAre("warning: p.toml:16:12: doer 'c': interval 1.5ms is no multiple of the "
                          "tock (1ms): it sends a request a pass at most, the next one at the "
                          "first pass 1.5ms after the last, so one every 2ms at best "
                          "(docs/scenarios.md)"));
  EXPECT_THAT(warnings_of(requester("1ms", "100us")),
              ElementsAre(::testing::HasSubstr("so one every 1ms at best")));
  // Multiples of the tock, and 0 (as fast as tx takes them), are kept.
  EXPECT_THAT(warnings_of(requester("1ms", "3ms")), IsEmpty());
  EXPECT_THAT(warnings_of(requester("1ms", "0")), IsEmpty());
  EXPECT_THAT(warnings_of(requester("500us", "1500us")), IsEmpty());
  // serial_sender is paced the same way, in lines.
  EXPECT_THAT(
      warnings_of("[run]\ntock = \"10ms\"\n[net]\n[[net.serial]]\na = \"ttyA\"\nb = \"ttyB\"\n"
                  "[[doer]]\nkind = \"serial_sender\"\nname = \"s\"\n"
                  "address = \"sim-serial://ttyA?baud=9600\"\ninterval = \"25ms\"\n"),
      ElementsAre(::testing::HasSubstr("doer 's': interval 25ms is no multiple of the "
                                       "tock (10ms): it sends a line a pass at most")));
}

// What the warning says is what the run does: with tock 1 ms and interval
// 1.5 ms the 10th request (number 9) goes at 18 ms, not at 13.5 ms.
// A run of `text` (doer `c` sends 10 requests) sends its 10th at `at`,
// after `before`.
void expect_tenth_sent_at(const std::string& text, const std::string& before,
                          const std::string& at) {
  const DoerRegistry kinds = registry();
  const Scenario scenario =
      load_scenario_text(text + "[[expect]]\ncondition = \"c.sent == 10\"\nby = \"" + before +
                             "\"\n[[expect]]\ncondition = \"c.sent == 10\"\nby = \"" + at + "\"\n",
                         "p.toml", kinds);
  const RunSummary summary = run_scenario(scenario, kinds);
  ASSERT_EQ(summary.expectations.size(), 2u);
  EXPECT_FALSE(summary.expectations[0].passed);
  EXPECT_TRUE(summary.expectations[1].passed) << summary.first_failure();
}

TEST(PaceWarnings, TheRunKeepsThePaceTheWarningSays) {
  expect_tenth_sent_at(requester("1ms", "1500us"), "17ms", "18ms");
}

// A udp_requester `c` in a group `g` of tock `group_tock` (run tock 1 ms).
std::string grouped(const std::string& group_tock, const std::string& interval) {
  return "[run]\ntock = \"1ms\"\nlimit = \"1s\"\n[net]\nhosts = [\"a\", \"server\"]\n"
         "[[doer]]\nkind = \"udp_responder\"\nname = \"server\"\naddress = \"sim://server:7\"\n"
         "[[doer]]\nkind = \"group\"\nname = \"g\"\ntock = \"" +
         group_tock +
         "\"\n[[doer.doer]]\nkind = \"udp_requester\"\nname = \"c\"\naddress = \"sim://a:0\"\n"
         "to = \"@server\"\nrequests = 10\ninterval = \"" +
         interval + "\"\n";
}

// A group runs its tock-0 children at its own runs, so an interval that is
// a multiple of the run's tock but not of the group's is rounded up to the
// group's (rev25 LOW 4: no warning, and the run sent every 4 ms, not 2).
TEST(PaceWarnings, AnIntervalIsComparedWithItsGroupsTock) {
  EXPECT_THAT(warnings_of(grouped("4ms", "2ms")),
              ElementsAre("warning: p.toml:20:12: doer 'c': interval 2ms is no multiple of the "
                          "tock of its group 'g' (4ms): it sends a request a pass at most, the "
                          "next one at the first pass 2ms after the last, so one every 4ms at "
                          "best (docs/scenarios.md)"));
  EXPECT_THAT(warnings_of(grouped("4ms", "8ms")), IsEmpty());
  EXPECT_THAT(warnings_of(grouped("0", "2ms")), IsEmpty());  // a tock-0 group: the run's
  // The run keeps the group's pace: the 10th request goes at 36 ms.
  expect_tenth_sent_at(grouped("4ms", "2ms"), "35ms", "36ms");
}

// A ticker `t` of tock `own` in a run of tock `run_tock`, in a group `g` of
// tock `group_tock` when it is not "".
std::string ticking(const std::string& run_tock, const std::string& group_tock,
                    const std::string& own) {
  std::string text = "[run]\ntock = \"" + run_tock + "\"\nlimit = \"30ms\"\n";
  if (!group_tock.empty()) {
    text += "[[doer]]\nkind = \"group\"\nname = \"g\"\ntock = \"" + group_tock + "\"\n[[doer.";
  } else {
    text += "[[";
  }
  return text + "doer]]\nkind = \"ticker\"\nname = \"t\"\ntock = \"" + own + "\"\n";
}

// A doer's own tock that is no multiple of its scheduler's runs it at
// uneven gaps (fixcli28 LOW 1: a group of tock 3ms under 2ms ran at 0, 4,
// 6, 10, 12 ms, and its doers with it, with no warning), said at its tock.
TEST(PaceWarnings, ATockThatIsNoMultipleOfItsSchedulersIsSaid) {
  EXPECT_THAT(warnings_of(ticking("2ms", "", "3ms")),
              ElementsAre("warning: p.toml:7:8: doer 't': tock 3ms is no multiple of the tock "
                          "(2ms): it runs at the first pass at or after each 3ms, so 2ms or 4ms "
                          "apart, not every 3ms (docs/scenarios.md)"));
  EXPECT_THAT(warnings_of(ticking("2ms", "3ms", "0")),
              ElementsAre("warning: p.toml:7:8: doer 'g': tock 3ms is no multiple of the tock "
                          "(2ms): it runs at the first pass at or after each 3ms, so 2ms or 4ms "
                          "apart, not every 3ms, and its doers at those runs only, each due 3ms "
                          "after its last (docs/scenarios.md)"));
  EXPECT_THAT(warnings_of(ticking("2ms", "", "1500us")),
              ElementsAre(::testing::HasSubstr(
                  "doer 't': tock 1.5ms is no multiple of the tock (2ms): it runs once a pass at "
                  "most, so every 2ms, not every 1.5ms")));
  // A doer in a group is compared with the group's tock, the group with the run's.
  EXPECT_THAT(warnings_of(ticking("1ms", "4ms", "6ms")),
              ElementsAre(::testing::HasSubstr(
                  "doer 't': tock 6ms is no multiple of the tock of its group 'g' (4ms): it runs "
                  "at the first pass at or after each 6ms, so 4ms or 8ms apart")));
  EXPECT_THAT(warnings_of(ticking("1ms", "4ms", "8ms")), IsEmpty());
  EXPECT_THAT(warnings_of(ticking("2ms", "", "6ms")), IsEmpty());
  EXPECT_THAT(warnings_of(ticking("2ms", "0", "6ms")), IsEmpty());  // a tock-0 group: the run's
  EXPECT_THAT(warnings_of(ticking("2ms", "0", "3ms")),
              ElementsAre(::testing::HasSubstr("tock 3ms is no multiple of the tock (2ms)")));
}

// The ticker of `text` has run `runs` times by `at`, not by `before`.
void expect_runs_at(const std::string& text, int runs, const std::string& before,
                    const std::string& at) {
  const DoerRegistry kinds = registry();
  const std::string condition = "t.runs >= " + std::to_string(runs);
  const Scenario scenario = load_scenario_text(
      text + "[[expect]]\ncondition = \"" + condition + "\"\nby = \"" + before +
          "\"\n[[expect]]\ncondition = \"" + condition + "\"\nby = \"" + at + "\"\n",
      "p.toml", kinds);
  const RunSummary summary = run_scenario(scenario, kinds);
  ASSERT_EQ(summary.expectations.size(), 2u);
  EXPECT_FALSE(summary.expectations[0].passed) << text << condition;
  EXPECT_TRUE(summary.expectations[1].passed) << text << condition;
}

// What the warning says is what the run does: tock 3ms under 2ms runs at
// 0, 4, 6, 10, 12, 16 ms (the 4th run at 10 ms, the 6th at 16, not at 15).
// A group's doers run at its runs only, each due 3ms after its last: at 0,
// 4, 10, 16 ms (its run at 6 came before 4 + 3), slower still.
TEST(PaceWarnings, TheRunKeepsTheUnevenGapsTheTockWarningSays) {
  expect_runs_at(ticking("2ms", "", "3ms"), 4, "9ms", "10ms");
  expect_runs_at(ticking("2ms", "", "3ms"), 6, "15ms", "16ms");
  expect_runs_at(ticking("2ms", "3ms", "0"), 3, "9ms", "10ms");
  expect_runs_at(ticking("2ms", "3ms", "0"), 4, "15ms", "16ms");
}

}  // namespace pace_warnings_test
}  // namespace
}  // namespace hio::tools
