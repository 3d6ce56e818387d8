// hio inspect's and hio diff's --channel lookup (tools/src/channel_selection.hpp).
#include "channel_selection.hpp"

#include <gtest/gtest.h>

#include "hio/tools/loader.hpp"
#include "hio/tools/registry.hpp"
#include "hio/tools/runner.hpp"
#include "temp_dir.hpp"

namespace hio::tools {
namespace {
namespace channel_selection_test {

// A listener whose client's connect takes 1 s to arrive: the channel it
// accepts, "server/<id>", opens after the header's table was written, so
// only the journal's events name it.
constexpr const char* kLateAccept = R"(
[run]
tock = "10ms"
limit = "3s"

[net]
hosts = ["client", "server"]
client_host = "client"

[[net.link]]
from = "client"
to = "server"
latency = "1s"

[[doer]]
kind = "echo_server"
name = "server"
address = "sim://server:7"

[[doer]]
kind = "echo_client"
name = "client"
address = "@server"
messages = 1
size = 10
)";

// The lookup of a channel only the events name, stopped (Ctrl-C: the
// command's ReaderOptions::stop) before it read them: the selection says it
// was stopped, and says nothing of the channel (unfixed: "the journal has no
// channel named server/5", a channel the journal has).
TEST(ChannelSelection, ALookupStoppedBeforeItReadTheEventsFindsNoFault) {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  const hio::test::TempDir dir("hio-channel-selection");
  RunOptions options;
  options.record_path = dir.file("late.hioj");
  const RunSummary summary =
      run_scenario(load_scenario_text(kLateAccept, "late.toml", kinds), kinds, options);
  ASSERT_FALSE(summary.error) << *summary.error;
  const replay::JournalReader reader(options.record_path);
  ASSERT_NE(reader.header(), nullptr);
  for (const replay::ChannelInfo& info : reader.header()->channels) {
    EXPECT_EQ(info.name.find('/'), std::string::npos) << "in the table: " << info.name;
  }
  // Found, read to the end.
  const ChannelSelection found = select_channels({"server/3"}, options.record_path, {}, reader);
  ASSERT_EQ(found.problem, "");
  ASSERT_EQ(found.each.size(), 1u);
  EXPECT_FALSE(found.interrupted);
  // Stopped before its first block.
  replay::ReaderOptions stopped;
  stopped.stop = [] { return true; };
  const ChannelSelection cut = select_channels({"server/3"}, options.record_path, stopped, reader);
  EXPECT_TRUE(cut.interrupted);
  EXPECT_EQ(cut.problem, "");
}

}  // namespace channel_selection_test
}  // namespace
}  // namespace hio::tools
