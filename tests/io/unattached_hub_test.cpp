// A hub's real IO completes only when it is polled: by the Doist it is
// attached to (doist.attach(io)), or by hand. A program that forgets the
// attach had its tcp:// client sit in `opening` while the run idled to its
// limit, with no error, where the same program over sim:// worked (xuser17
// finding L). The first service() by a doer in a run now says so.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "io_run.hpp"
#include "raw_socket.hpp"
#include "test_doers.hpp"

namespace hio::test {
namespace {
namespace unattached_hub_test {

// docs/io.md's hello_tcp without `doist.attach(io)`: an echo server and a
// client on 127.0.0.1, one real-time run bounded by a 2 s limit.
TEST(UnattachedHub, ForgettingAttachIsAnErrorAtTheFirstPassNotAnIdleRun) {
  Doist doist(kRealTock, /*real=*/true);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  EchoServerDoer server(io, "tcp://127.0.0.1:0");
  TcpClientDoer client(io, "tcp://" + server.listener().local());
  Greeter greeter(client.channel(), "hello\n");
  try {
    const RunEnd end = doist.run({&server, &client, &greeter}, seconds(2));
    ADD_FAILURE() << "the run ended " << to_string(end) << " with nothing said; the client is "
                  << to_string(client.channel().state());
  } catch (const std::logic_error& error) {
    // The server's listener is serviced first (the server runs first).
    EXPECT_EQ(std::string(error.what()),
              "IoHub: channel #1 'tcp://127.0.0.1:0' is serviced in a run (doer 'server' drives "
              "it), but its hub is attached to no Doist and was never polled: its real IO in "
              "flight (2 operations: a connect, an accept) would never complete and the "
              "run would idle to its end. Call doist.attach(io) before the run (a hub you poll "
              "yourself: io.poll() before its doers first run)");
  }
  // In the first pass, not at the limit.
  EXPECT_EQ(doist.tyme(), Tyme{});

  // With the line, the same program echoes.
  doist.attach(io);
  EchoServerDoer server2(io, "tcp://127.0.0.1:0");
  TcpClientDoer client2(io, "tcp://" + server2.listener().local());
  Greeter greeter2(client2.channel(), "hello\n");
  StopWhen stop(doist, [&greeter2] { return greeter2.done().value_or(false); });
  EXPECT_EQ(doist.run({&server2, &client2, &greeter2, &stop}, kRealLimit), RunEnd::interrupted);
  EXPECT_EQ(greeter2.reply, "hello\n");
}

// The same program over sim:// needs no attach: the SimNet is attached by
// itself and moves its channels' bytes, and the hub has no real IO in
// flight. No error, as before.
TEST(UnattachedHub, OverSimNetTheSameProgramNeedsNoAttach) {
  Doist doist(kRealTock);  // virtual time
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  SimNet net(doist, io);
  net.add_host("a");
  net.add_host("b");
  net.set_link("a", "b", LinkParams{});
  net.set_client_host("a");
  EchoServerDoer server(io, "sim://b:7");
  TcpClientDoer client(io, "sim://b:7");
  Greeter greeter(client.channel(), "hello\n");
  StopWhen stop(doist, [&greeter] { return greeter.done().value_or(false); });
  EXPECT_EQ(doist.run({&server, &client, &greeter, &stop}, seconds(1)), RunEnd::interrupted);
  EXPECT_EQ(io.attached_to(), nullptr);
  EXPECT_EQ(greeter.reply, "hello\n");
}

// Services a channel each pass without being its driver (allowed: see
// UndrivenChannel).
class Servicer final : public Doer {
 public:
  explicit Servicer(Channel& channel) : Doer("servicer"), channel_(channel) {}
  bool recur(Tyme) override {
    channel_.service();
    return false;
  }

 private:
  Channel& channel_;
};

// With no driver, the doer the error names is the channel's waiter.
TEST(UnattachedHub, WithNoDriverTheWaiterIsNamed) {
  Doist doist(kRealTock, /*real=*/true);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  RawSocket listener = raw_listen();
  Channel& channel = io.connect("tcp://127.0.0.1:" + std::to_string(listener.port()));
  Greeter greeter(channel, "hello\n");
  Servicer servicer(channel);
  try {
    const RunEnd end = doist.run({&greeter, &servicer}, seconds(2));
    ADD_FAILURE() << "the run ended " << to_string(end) << " with nothing said";
  } catch (const std::logic_error& error) {
    EXPECT_NE(std::string(error.what()).find("is serviced in a run (doer 'greeter' waits on it)"),
              std::string::npos)
        << error.what();
  }
}

// The error names what is in flight: a lone UDP socket has one read, not
// the fixed "a connect, an accept, a read" it said whatever was there.
TEST(UnattachedHub, TheErrorNamesTheOperationsInFlight) {
  Doist doist(kRealTock, /*real=*/true);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  Channel& channel = io.bind("udp://127.0.0.1:0");
  OpenDriver driver(channel);
  try {
    const RunEnd end = doist.run({&driver}, seconds(2));
    ADD_FAILURE() << "the run ended " << to_string(end) << " with nothing said";
  } catch (const std::logic_error& error) {
    EXPECT_NE(std::string(error.what()).find("its real IO in flight (1 operation: a read) would"),
              std::string::npos)
        << error.what();
  }
}

// Forwards every call to a hub it does not own: a reactor of the embedder's
// that polls the hub by hand (the hub itself is attached to no Doist).
class ForwardingReactor final : public Reactor {
 public:
  explicit ForwardingReactor(IoHub& io) : io_(io) {}
  void poll() override { io_.poll(); }
  void wait_until(std::chrono::steady_clock::time_point deadline) override {
    io_.wait_until(deadline);
  }
  bool busy() const override { return io_.busy(); }

 private:
  IoHub& io_;
};

// A hub polled by hand before its doers first run moves its IO: no error.
TEST(UnattachedHub, AHubPolledByHandIsNoError) {
  Doist doist(kRealTock, /*real=*/true, kRealLimit);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  ForwardingReactor forward(io);
  doist.attach(forward);
  EchoServerDoer server(io, "tcp://127.0.0.1:0");
  TcpClientDoer client(io, "tcp://" + server.listener().local());
  Greeter greeter(client.channel(), "hello\n");
  StopWhen stop(doist, [&greeter] { return greeter.done().value_or(false); });
  EXPECT_EQ(doist.run({&server, &client, &greeter, &stop}), RunEnd::interrupted);
  EXPECT_EQ(io.attached_to(), nullptr);
  EXPECT_EQ(greeter.reply, "hello\n");
}

// Channels serviced by hand, with no doer in a run, are the embedder's own
// loop (which may poll after it services): no error there either.
TEST(UnattachedHub, AChannelServicedByHandWithNoDoerInARunIsNoError) {
  Doist doist(kRealTock, /*real=*/true);
  IoHub io(doist.tymth());
  RawSocket listener = raw_listen();
  Channel& channel = io.connect("tcp://127.0.0.1:" + std::to_string(listener.port()));
  EXPECT_TRUE(io.busy());
  EXPECT_NO_THROW(channel.service());
}

}  // namespace unattached_hub_test
}  // namespace
}  // namespace hio::test
