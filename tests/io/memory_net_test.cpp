// The driver doers over a transport computed purely in tyme (MemoryNet):
// the exact event trace of an echo in virtual time, identical with time
// skipping on and off and across runs. This is the shape SimNet and replay
// plug into.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hio/engine/doist.hpp"
#include "hio/io/io.hpp"
#include "memory_net.hpp"
#include "recording_sink.hpp"
#include "test_doers.hpp"

namespace hio::test {
namespace {
namespace memory_net_test {

using ::testing::ElementsAre;

struct EchoRun {
  std::vector<std::string> lines;
  RunEnd end;
  std::string reply;
  Tyme tyme;
  std::uint64_t executed_passes;
};

EchoRun run_echo(bool skip, Tock latency = Tock{500'000'000}) {
  // The net and the sink outlive the hub that refers to them.
  MemoryNet net(latency);
  RecordingSink sink;
  Doist doist(Tock{250'000'000});
  doist.set_skip(skip);
  IoHub io(doist.tymth());
  io.set_factory(Scheme::sim, &net);
  io.add_sink(sink);
  doist.attach(io);

  EchoServerDoer server(io, "sim://server:7");
  TcpClientDoer client(io, "sim://server:7");
  Greeter greeter(client.channel(), "hello");
  RunEnd end = doist.run({&server, &client, &greeter});
  return EchoRun{sink.lines(), end, greeter.reply, doist.tyme(), doist.executed_passes()};
}

TEST(IoMemoryNet, EchoInVirtualTymeHasAnExactTrace) {
  EchoRun run = run_echo(true);
  EXPECT_EQ(run.reply, "hello");
  // Every doer parked, nothing in flight: the run ends by itself.
  EXPECT_EQ(run.end, RunEnd::stalled);
  EXPECT_EQ(run.tyme, Tyme{seconds(2)});
  EXPECT_THAT(run.lines,
              ElementsAre("0 #1 open listener name=sim://server:7 address=sim://server:7",
                          "0 #1 connect local=server:7",
                          "0 #2 open stream name=sim://server:7 address=sim://server:7",
                          "0 #1 accept #3 peer=client1:1",
                          "0 #3 open stream name=sim://server:7/3 address=sim://client1:1",
                          "0 #3 connect local=server:7 peer=client1:1",
                          "0 #2 connect local=client1:1 peer=server:7",
                          "0.25 #2 tx 5 bytes \"hello\"",  //
                          "0.75 #3 rx 5 bytes \"hello\"",  // 0.5 s latency
                          "0.75 #3 tx 5 bytes \"hello\"",  // echoed in the same pass
                          "1.25 #2 rx 5 bytes \"hello\"",  //
                          // The greeter read at 1.5, which woke the client's
                          // driver at 1.75 (rx room); then all parked.
                          "2 #2 close local why=client exit", "2 #3 close local why=server exit",
                          "2 #1 close local why=server exit"));
}

TEST(IoMemoryNet, TimeSkippingIsUnobservableAndRunsRepeat) {
  // A latency of 3 s leaves passes in which nothing is due.
  EchoRun skipping = run_echo(true, seconds(3));
  EchoRun stepping = run_echo(false, seconds(3));
  EchoRun again = run_echo(true, seconds(3));
  EXPECT_EQ(skipping.reply, "hello");
  EXPECT_EQ(skipping.lines, stepping.lines);
  EXPECT_EQ(skipping.lines, again.lines);
  EXPECT_EQ(skipping.tyme, stepping.tyme);
  // Parked doers let the Doist jump over the latency.
  EXPECT_LT(skipping.executed_passes, stepping.executed_passes);
}

TEST(IoMemoryNet, RefusedConnectIsAnErrorAndTheRunContinues) {
  MemoryNet net;
  RecordingSink sink;
  Doist doist(Tock{250'000'000});
  IoHub io(doist.tymth());
  io.set_factory(Scheme::sim, &net);
  io.add_sink(sink);
  EchoServerDoer server(io, "sim://server:7");
  TcpClientDoer lost(io, "sim://nobody:1", {}, "lost");
  TcpClientDoer client(io, "sim://server:7");
  Greeter greeter(client.channel(), "still here");
  Greeter nobody(lost.channel(), "hello?", "nobody");
  EXPECT_EQ(doist.run({&server, &lost, &client, &greeter, &nobody}), RunEnd::stalled);
  EXPECT_EQ(lost.channel().state(), ChannelState::failed);  // exit leaves it failed
  EXPECT_EQ(lost.channel().reason(), "connect to nobody:1 refused: nobody listens");
  const Recorded* error = sink.first(EventKind::error, lost.channel().id());
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->text, "connect to nobody:1 refused: nobody listens");
  EXPECT_TRUE(nobody.ended);
  EXPECT_EQ(greeter.reply, "still here");
}

}  // namespace memory_net_test
}  // namespace
}  // namespace hio::test
