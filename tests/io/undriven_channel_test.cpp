// A channel from io.connect() moves bytes only when a doer services it (its
// driver: a ChannelDoer, a TcpClientDoer): writes to one nothing drives are
// accepted and never sent. The hub says so once, as a log event on the
// record, a pass after they wait unserviced.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hio/engine/doify.hpp"
#include "hio/io/io.hpp"
#include "sim_support.hpp"
#include "test_doers.hpp"

namespace hio::test {
namespace {
namespace undriven_channel_test {

// The log events' texts.
std::vector<std::string> logs(const RecordingSink& sink) {
  std::vector<std::string> out;
  for (const Recorded& r : sink.events)
    if (r.kind == EventKind::log) out.push_back(r.text);
  return out;
}

TEST(UndrivenChannel, WritesNothingDrivesAreNotedOnTheRecordOnce) {
  SimWorld w;
  w.two_hosts();
  EchoServerDoer server(w.io, "sim://b:7");
  Channel& channel = w.io.connect("sim://b:7");  // no driver
  Greeter greeter(channel, "hello\n");
  w.doist.run({&server, &greeter}, 50 * kMs);
  EXPECT_EQ(greeter.reply, "");
  EXPECT_EQ(channel.tx_size(), 6u);  // accepted, never sent
  EXPECT_EQ(w.sink.count(EventKind::tx), 0u);
  // Written at tyme 0; the polls of 0.001 and 0.002 found it unserviced (the
  // passes are not skipped for it). Before, nothing said why.
  const std::vector<std::string> said = logs(w.sink);
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0],
            "0.002 warn [hub] channel #2 'sim://b:7': 6 bytes wait in tx and no doer drives or "
            "has serviced the channel: they are not sent until one does (give it a ChannelDoer, "
            "or a doer that is its driver and calls service())");
}

TEST(UndrivenChannel, ADriverOrADoerThatServicesTheChannelIsNoCauseForANote) {
  SimWorld w;
  w.two_hosts();
  EchoServerDoer server(w.io, "sim://b:7");
  TcpClientDoer client(w.io, "sim://b:7");  // drives its channel
  Greeter greeter(client.channel(), "hello\n");
  w.doist.run({&server, &client, &greeter}, 50 * kMs);
  EXPECT_EQ(greeter.reply, "hello\n");
  // A doer of its own that calls service() each pass, without set_driver.
  SimWorld v;
  v.two_hosts();
  EchoServerDoer echo(v.io, "sim://b:7");
  Channel& channel = v.io.connect("sim://b:7");
  Greeter writer(channel, "hello\n");
  auto servicer = doify(
      [&channel](Doer&) -> Dog {
        for (;;) {
          channel.service();
          co_yield Tock{0};
        }
      },
      "servicer");
  v.doist.run({&echo, servicer.get(), &writer}, 50 * kMs);
  EXPECT_EQ(writer.reply, "hello\n");
  EXPECT_TRUE(logs(w.sink).empty());
  EXPECT_TRUE(logs(v.sink).empty());
}

// Services a channel at its own tock, without being its driver.
class SlowServicer final : public Doer {
 public:
  SlowServicer(Channel& channel, Tock tock) : Doer("servicer", tock), channel_(channel) {}
  bool recur(Tyme) override {
    channel_.service();
    return false;
  }

 private:
  Channel& channel_;
};

// A doer that services the channel every 10 passes (from the first): the
// greeting written at 0.002 waits until 0.010, and is sent then. Before, the
// hub said at 0.004 that the bytes were "never sent": it counted only a
// service() within the pass since the write (which also forgot one made
// earlier in the same pass).
TEST(UndrivenChannel, ADoerThatServicesTheChannelAtALongerTockIsNoCauseForANote) {
  SimWorld w;
  w.two_hosts();
  EchoServerDoer echo(w.io, "sim://b:7");
  Channel& channel = w.io.connect("sim://b:7");
  SlowServicer servicer(channel, 10 * kMs);
  Greeter writer(channel, "hello\n");
  w.doist.run({&echo, &servicer, &writer}, 50 * kMs);
  EXPECT_EQ(writer.reply, "hello\n");
  EXPECT_TRUE(logs(w.sink).empty()) << logs(w.sink).front();
}

}  // namespace undriven_channel_test
}  // namespace
}  // namespace hio::test
