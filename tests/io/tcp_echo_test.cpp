// Real TCP on 127.0.0.1 through a real-time Doist: echo round trips with
// EchoServerDoer and TcpClientDoer, a message far larger than the socket
// buffers, and 200 concurrent clients, each checked at the choke point too.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "hio/engine/random.hpp"
#include "io_run.hpp"
#include "recording_sink.hpp"
#include "test_doers.hpp"

namespace hio::test {
namespace {
namespace tcp_echo_test {

using ::testing::Contains;

// Sends messages one at a time, each after the echo of the one before.
class RoundTripper final : public Doer {
 public:
  RoundTripper(Channel& channel, int count)
      : Doer("round-tripper"), channel_(channel), count_(count) {}
  int completed = 0;
  std::string received;

 protected:
  void enter() override { channel_.set_waiter(this); }
  bool recur(Tyme) override {
    if (!channel_.open()) return true;
    if (!channel_.connected()) {
      park();
      return false;
    }
    const std::string expected = message(completed);
    if (!sent_) {
      sent_ = channel_.write(expected) == expected.size();
    }
    if (channel_.rx_size() >= expected.size()) {
      received += channel_.read(expected.size());
      sent_ = false;
      if (++completed == count_) return true;
      return false;  // send the next one in the next pass
    }
    park();
    return false;
  }

 private:
  static std::string message(int i) { return "message " + std::to_string(i) + ";"; }
  Channel& channel_;
  int count_;
  bool sent_ = false;
};

TEST(IoTcp, EchoRoundTripsThroughTheDoist) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  EchoServerDoer server(run.io, "tcp://127.0.0.1:0");
  ASSERT_TRUE(server.listener().connected()) << server.listener().reason();
  TcpClientDoer client(run.io, tcp_url(server.listener()));
  RoundTripper tripper(client.channel(), 20);
  StopWhen stop(run.doist, [&] { return tripper.done() == true; });

  EXPECT_EQ(run.doist.run({&server, &client, &tripper, &stop}), RunEnd::interrupted);
  EXPECT_EQ(tripper.completed, 20);
  std::string expected;
  for (int i = 0; i < 20; ++i)
    expected += "message " + std::to_string(i) + ";";
  EXPECT_EQ(tripper.received, expected);

  // The choke point saw all of it: ids 1 listener, 2 client, 3 accepted.
  const std::uint32_t listener = server.listener().id();
  const std::uint32_t ch = client.channel().id();
  EXPECT_EQ(listener, 1u);
  EXPECT_EQ(ch, 2u);
  const Recorded* accept = sink.first(EventKind::accept, listener);
  ASSERT_NE(accept, nullptr);
  const std::uint32_t remote = accept->accepted;
  EXPECT_EQ(remote, 3u);
  EXPECT_EQ(accept->peer, client.channel().local());
  EXPECT_EQ(sink.first(EventKind::connect, ch)->peer, server.listener().local());
  EXPECT_EQ(sink.stream(EventKind::tx, ch), expected);
  EXPECT_EQ(sink.stream(EventKind::rx, remote), expected);
  EXPECT_EQ(sink.stream(EventKind::tx, remote), expected);
  EXPECT_EQ(sink.stream(EventKind::rx, ch), expected);
  for (std::uint32_t id : {listener, ch, remote}) {
    EXPECT_THAT(sink.kinds(id), Contains(EventKind::open)) << id;
    EXPECT_THAT(sink.kinds(id), Contains(EventKind::connect)) << id;
    EXPECT_THAT(sink.kinds(id), Contains(EventKind::close)) << id;  // at exit
  }
  EXPECT_EQ(sink.count(EventKind::error), 0u);
  EXPECT_TRUE(sink.ordered());
  run.io.poll();                // the handlers of the cancelled operations run
  EXPECT_FALSE(run.io.busy());  // everything closed at exit
}

TEST(IoTcp, EchoOverIpv6Loopback) {
  RealRun run;
  EchoServerDoer server(run.io, "tcp://[::1]:0");
  if (!server.listener().connected())
    GTEST_SKIP() << "no IPv6 loopback: " << server.listener().reason();
  EXPECT_EQ(server.listener().local().front(), '[');
  TcpClientDoer client(run.io, tcp_url(server.listener()));
  Greeter greeter(client.channel(), "over six");
  StopWhen stop(run.doist, [&] { return greeter.done() == true; });
  EXPECT_EQ(run.doist.run({&server, &client, &greeter, &stop}), RunEnd::interrupted);
  EXPECT_EQ(greeter.reply, "over six");
}

// One scene run three times: the listener on port 0 gets a new port each
// run (reopened here before the run, so its port is known), and the client
// is pointed at it with retarget(); every run echoes. retarget() in a run is
// refused.
TEST(IoTcp, AClientRetargetedBetweenRunsFollowsAPortZeroListener) {
  RealRun run;
  EchoServerDoer server(run.io, "tcp://127.0.0.1:0");
  TcpClientDoer client(run.io, tcp_url(server.listener()));
  std::set<std::string> ports;
  for (int round = 0; round < 3; ++round) {
    if (round > 0) {
      server.listener().reopen();  // what the run's enter would do, done first
      ASSERT_TRUE(server.listener().connected()) << server.listener().reason();
      client.retarget(tcp_url(server.listener()));
    }
    ports.insert(server.listener().local());
    EXPECT_EQ(client.channel().address().text(), tcp_url(server.listener()));
    const std::string message = "round " + std::to_string(round);
    Greeter greeter(client.channel(), message);
    bool refused = false;
    StopWhen stop(run.doist, [&] {
      if (!refused) {
        try {
          client.retarget("tcp://127.0.0.1:9");
        } catch (const std::logic_error&) {
          refused = true;
        }
      }
      return greeter.done() == true;
    });
    EXPECT_EQ(run.doist.run({&server, &client, &greeter, &stop}), RunEnd::interrupted)
        << "round " << round << ": " << client.channel().reason();
    EXPECT_EQ(greeter.reply, message);
    EXPECT_TRUE(refused);
  }
  EXPECT_EQ(ports.size(), 3u);  // three ports: the old address would have been refused
  EXPECT_THROW(client.retarget("tcp://nohost"), AddressParseError);
}

// Deterministic bytes of every value, from a named random stream.
std::string pattern(std::size_t size, std::string_view name) {
  RandomStream stream(42, name);
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; i += 8) {
    std::uint64_t word = stream.next_u64();
    for (std::size_t j = 0; j < 8 && i + j < size; ++j)
      bytes[i + j] = static_cast<char>(word >> (8 * j));
  }
  return bytes;
}

TEST(IoTcp, AMessageFarLargerThanTheSocketBuffersArrivesIntact) {
  // 64 KiB asked (Linux doubles it) on every socket: 4 MiB is 8x all four
  // kernel buffers on the path together, so it must stream through the
  // channels' bounded buffers in many pieces.
  ChannelOptions options;
  options.socket_buffer_bytes = 64 * 1024;
  options.rx_bytes_max = 256 * 1024;
  options.tx_bytes_max = 256 * 1024;
  const std::string message = pattern(4 * 1024 * 1024 + 13, "large");

  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  EchoServerDoer server(run.io, "tcp://127.0.0.1:0", options);
  TcpClientDoer client(run.io, tcp_url(server.listener()), options);
  Greeter greeter(client.channel(), message);
  StopWhen stop(run.doist, [&] { return greeter.done() == true; });

  EXPECT_EQ(run.doist.run({&server, &client, &greeter, &stop}), RunEnd::interrupted);
  ASSERT_EQ(greeter.reply.size(), message.size());
  EXPECT_TRUE(greeter.reply == message);
  EXPECT_GT(greeter.refused_writes, 0u);  // the writer saw backpressure
  EXPECT_TRUE(sink.stream(EventKind::tx, client.channel().id()) == message);
  EXPECT_GT(sink.count(EventKind::tx, client.channel().id()), 16u);
}

TEST(IoTcp, TwoHundredConcurrentClientsAreAllEchoedIntact) {
  constexpr int kClients = 200;
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  EchoServerDoer server(run.io, "tcp://127.0.0.1:0");
  const std::string url = tcp_url(server.listener());
  std::vector<std::unique_ptr<TcpClientDoer>> clients;
  std::vector<std::unique_ptr<Greeter>> greeters;
  std::vector<Doer*> doers{&server};
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<TcpClientDoer>(run.io, url, ChannelOptions{},
                                                      "client" + std::to_string(i)));
    std::string message = "client " + std::to_string(i) + ": " + pattern(1000, std::to_string(i));
    greeters.push_back(std::make_unique<Greeter>(clients.back()->channel(), message,
                                                 "greeter" + std::to_string(i)));
    doers.push_back(clients.back().get());
    doers.push_back(greeters.back().get());
  }
  int finished = 0;
  StopWhen stop(run.doist, [&] {
    finished = 0;
    for (const auto& greeter : greeters)
      finished += greeter->done() == true ? 1 : 0;
    return finished == kClients;
  });
  doers.push_back(&stop);

  EXPECT_EQ(run.doist.run(doers), RunEnd::interrupted) << finished << " of " << kClients;
  for (int i = 0; i < kClients; ++i) {
    std::string message = "client " + std::to_string(i) + ": " + pattern(1000, std::to_string(i));
    EXPECT_TRUE(greeters[static_cast<std::size_t>(i)]->reply == message) << "client " << i;
  }
  std::set<std::uint32_t> accepted;
  for (const Recorded& r : sink.events)
    if (r.kind == EventKind::accept) accepted.insert(r.accepted);
  EXPECT_EQ(accepted.size(), static_cast<std::size_t>(kClients));
  EXPECT_EQ(sink.count(EventKind::error), 0u);
}

}  // namespace tcp_echo_test
}  // namespace
}  // namespace hio::test
