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

}  // namespace pace_warnings_test
}  // namespace
}  // namespace hio::tools
