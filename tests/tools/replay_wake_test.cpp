// A strict replay runs each doer in the pass the recorded run ran it, also
// when what woke it there is not on the record: a SimNet peer that read,
// opening its window, requests the sender's service (xprop23 finding 1).
#include <gtest/gtest.h>

#include <string>

#include "hio/replay/replayer.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/registry.hpp"
#include "hio/tools/replay_scenario.hpp"
#include "hio/tools/runner.hpp"
#include "temp_dir.hpp"

namespace hio::tools {
namespace {
namespace replay_wake_test {

// srv10's remote fills its tx (cli11's window is shut); cli11's read at one
// pass wakes srv10 for the next, where it echoes. Without that wake in the
// replay srv10 echoed a pass late, its full rx held back the recorded rx
// delivered after it, and cli5, served before it, missed its echo: "tx
// missing" at pass 6 on cli5. Found by a generated scenario, then shrunk.
constexpr const char* kWindowWake = R"(
[net]
hosts = ["h0", "h1"]
client_host = "h1"

[net.default_link]
latency = "10ms"

[[doer]]
kind = "echo_server"
name = "srv4"
address = "sim://h0:7001"

[[doer]]
kind = "echo_client"
name = "cli5"
address = "@srv4"

[[doer]]
kind = "echo_server"
name = "srv10"
address = "sim://h0:7002"

[[doer]]
kind = "echo_client"
name = "cli11"
address = "@srv10"
size = 300000
host = "h0"
)";

TEST(ReplayWake, ASenderWokenByItsPeersReadRunsInTheRecordedPass) {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  const Scenario s = load_scenario_text(kWindowWake, "window.toml", kinds);
  const hio::test::TempDir temp("hio-replay-wake");
  RunOptions record;
  record.record_path = temp.path() + "/run.hioj";
  const RunSummary run = run_scenario(s, kinds, record);
  ASSERT_FALSE(run.error.has_value());

  ReplayScenarioOptions replay;
  replay.journal = record.record_path;
  const ReplayScenarioOutcome o = replay_scenario(replay, kinds);
  EXPECT_EQ(o.result.status, replay::ReplayStatus::identical)
      << (o.result.divergence ? replay::format_divergence(*o.result.divergence) : std::string());
  EXPECT_EQ(o.result.events, o.result.recorded_events);
  EXPECT_EQ(o.result.digest, o.result.recorded_digest);
}

}  // namespace replay_wake_test
}  // namespace
}  // namespace hio::tools
