// What a program embedding hio does with the IO layer that the CLI never
// does: doers destroyed while a channel still names them, a hub destroyed
// before its Doist, a channel released from inside its driver's serve(), a
// second SimNet on one hub. Each was a crash or a silent break; each is now
// working behaviour or a precise error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/post.hpp>

#include "asio_core.hpp"  // io/src: to run a completion inside the hub's poll()
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "sim_support.hpp"
#include "test_doers.hpp"

namespace hio::test {
namespace {
namespace embedding_test {

using ::testing::HasSubstr;

TEST(Embedding, AWaiterOrDriverDestroyedWithoutClearingIsNeverWokenAfterwards) {
  SimWorld w;
  w.two_hosts();
  Channel& listener = w.io.listen("sim://b:7");
  auto waiter = std::make_unique<Doer>("waiter");
  auto driver = std::make_unique<Doer>("driver");
  listener.set_waiter(waiter.get());
  listener.set_driver(driver.get());
  waiter.reset();  // neither clears itself
  driver.reset();
  EXPECT_EQ(listener.waiter(), nullptr);
  EXPECT_EQ(listener.driver(), nullptr);
  // A state change wakes both: before, a wake of the freed doers.
  listener.close("done");
  EXPECT_EQ(listener.state(), ChannelState::closed);
}

TEST(Embedding, AHubDestroyedBeforeItsDoistDetachesItself) {
  Doist doist(kMs);
  doist.set_handle_sigint(false);
  {
    IoHub io(doist.tymth());
    doist.attach(io);
    EXPECT_EQ(io.attached_to(), &doist);
  }
  // Before, this run polled the freed hub.
  Doer idle("idle");
  EXPECT_EQ(doist.run({&idle}, 10 * kMs), RunEnd::limit);
}

TEST(EmbeddingDeathTest, AHubDestroyedInsideItsOwnPollIsAnInvariantFailure) {
  auto io = std::make_unique<IoHub>();
  boost::asio::post(detail::asio_core(*io).context, [&io] { io.reset(); });
  EXPECT_DEATH(io->poll(), "IoHub destroyed inside its own poll\\(\\) or wait_until\\(\\)");
}

TEST(Embedding, ASecondSimNetOnAHubIsRefusedAndTheFirstKeepsWorking) {
  SimWorld w;
  w.two_hosts();
  try {
    SimNet second(w.doist, w.io);
    ADD_FAILURE() << "a second SimNet on the hub was accepted";
  } catch (const std::logic_error& error) {
    EXPECT_STREQ(error.what(),
                 "SimNet: this IoHub has a sim:// factory already (another SimNet); one SimNet "
                 "per hub");
  }
  // Before, the second took sim:// over and its destruction left none.
  EXPECT_EQ(w.io.factory(Scheme::sim), &w.net);
  EchoServerDoer server(w.io, "sim://b:7");
  TcpClientDoer client(w.io, "sim://b:7");
  Greeter greeter(client.channel(), "hello\n");
  w.doist.run({&server, &client, &greeter}, seconds(1));
  EXPECT_EQ(greeter.reply, "hello\n");
}

// Counts what it is told.
class CountingSink final : public EventSink {
 public:
  void on_event(const ChannelEvent&) override { ++events; }
  int events = 0;
};

TEST(Embedding, ASinkDestroyedWhileAddedRemovesItself) {
  IoHub io;
  auto gone = std::make_unique<CountingSink>();
  CountingSink kept;
  io.add_sink(*gone);
  io.add_sink(kept);
  EXPECT_EQ(gone->sink_of(), &io);
  EXPECT_THROW(io.add_sink(kept), std::logic_error);  // once per hub
  gone.reset();
  io.log("after");  // before, told the freed sink
  EXPECT_EQ(kept.events, 1);
  {
    IoHub other;
    other.add_sink(*std::make_unique<CountingSink>().get());  // gone at once: removed
    other.log("x");
  }
}

TEST(Embedding, AHubDestroyedFirstLeavesItsSinksRemoved) {
  CountingSink sink;
  {
    IoHub io;
    io.add_sink(sink);
  }
  EXPECT_EQ(sink.sink_of(), nullptr);
  IoHub next;
  next.add_sink(sink);
  next.log("y");
  EXPECT_EQ(sink.events, 1);
}

TEST(Embedding, ALogAndItsHubMayBeDestroyedInEitherOrder) {
  std::vector<std::string> records;
  Log log;
  log.add_callback([&records](std::string_view record) { records.emplace_back(record); });
  {
    IoHub io;
    CountingSink sink;
    io.add_sink(sink);
    log.attach(&io);
    EXPECT_EQ(log.attached(), &io);
    log.write(Tyme{}, LogLevel::info, "t", "one");
    EXPECT_EQ(sink.events, 1);
  }
  // The hub went first: the log is detached. Before, this record was emitted
  // at the freed hub (ASan: heap-use-after-free).
  EXPECT_EQ(log.attached(), nullptr);
  log.write(Tyme{}, LogLevel::info, "t", "two");
  EXPECT_EQ(records.size(), 2u);
  // One hub at a time: attaching elsewhere leaves the first; a log destroyed
  // first leaves its hub without it.
  IoHub first;
  IoHub second;
  CountingSink at_first;
  CountingSink at_second;
  first.add_sink(at_first);
  second.add_sink(at_second);
  auto moving = std::make_unique<Log>();
  moving->attach(&first);
  moving->attach(&second);
  moving->write(Tyme{}, LogLevel::info, "t", "three");
  EXPECT_EQ(at_first.events, 0);
  EXPECT_EQ(at_second.events, 1);
  moving.reset();
  second.log("four");  // the hub goes on; destroying it later touches no log
  EXPECT_EQ(at_second.events, 2);
}

// An echo exchange over SimNet with a TcpClientDoer, ended by its limit.
struct EchoRun {
  void run() {
    Greeter greeter(client.channel(), "hello\n");
    w.doist.run({&server, &client, &greeter}, seconds(1));
    reply = greeter.reply;
  }

  SimWorld w;
  bool hosts = (w.two_hosts(), true);  // before the doers open their channels
  EchoServerDoer server{w.io, "sim://b:7"};
  TcpClientDoer client{w.io, "sim://b:7"};
  std::string reply;
};

TEST(Embedding, AChannelDoerWhoseChannelIsReleasedAfterItsRunRefusesTheNextRun) {
  EchoRun echo;
  echo.run();
  EXPECT_EQ(echo.reply, "hello\n");
  // After its exit the client neither drives nor touches its channel, so the
  // channel may be released.
  Channel& channel = echo.client.channel();
  EXPECT_EQ(channel.driver(), nullptr);
  EXPECT_EQ(channel.waiter(), nullptr);
  echo.w.io.release(channel);
  EXPECT_FALSE(echo.client.has_channel());
  const char* gone = "ChannelDoer 'client': its channel is gone (released, or its hub destroyed)";
  try {
    (void)echo.client.channel();
    ADD_FAILURE() << "channel() of a released channel was accepted";
  } catch (const std::logic_error& error) {
    EXPECT_STREQ(error.what(), gone);
  }
  // Before, the next run's enter used the freed channel (ASan:
  // heap-use-after-free); now it is refused there, and the server closes as
  // usual.
  try {
    echo.w.doist.run({&echo.server, &echo.client}, seconds(1));
    ADD_FAILURE() << "a run of a ChannelDoer without its channel was accepted";
  } catch (const std::logic_error& error) {
    EXPECT_STREQ(error.what(), gone);
  }
  EXPECT_EQ(echo.server.listener().state(), ChannelState::closed);
  // The same for a server whose listener was released.
  echo.w.io.release(echo.server.listener());
  EXPECT_THROW(echo.w.doist.run({&echo.server}, seconds(1)), std::logic_error);
}

TEST(Embedding, ChannelDoersMayOutliveTheirHub) {
  Doist doist(kMs);
  doist.set_handle_sigint(false);
  auto io = std::make_unique<IoHub>(doist.tymth());
  doist.attach(*io);
  UdpPeerDoer peer(*io, "udp://127.0.0.1:0");
  TcpServerDoer server(*io, "tcp://127.0.0.1:0");
  EXPECT_EQ(doist.run({&peer, &server}, 5 * kMs), RunEnd::limit);
  io.reset();
  EXPECT_FALSE(peer.has_channel());
  EXPECT_THROW((void)server.listener(), std::logic_error);
  EXPECT_THROW(doist.run({&peer}, 5 * kMs), std::logic_error);
  EXPECT_THROW(doist.run({&server}, 5 * kMs), std::logic_error);
  // And are destroyed after it without touching it.
}

TEST(Embedding, ASimNetMayOutliveItsHub) {
  Doist doist(kMs);
  doist.set_handle_sigint(false);
  auto io = std::make_unique<IoHub>(doist.tymth());
  doist.attach(*io);
  SimNet net(doist, *io);
  net.add_host("a");
  net.add_host("b");
  net.set_link("a", "b", LinkParams{});
  net.set_client_host("a");
  {
    EchoServerDoer server(*io, "sim://b:7");
    TcpClientDoer client(*io, "sim://b:7");
    Greeter greeter(client.channel(), "hello\n");
    doist.run({&server, &client, &greeter}, seconds(1));
    EXPECT_EQ(greeter.reply, "hello\n");
  }
  io.reset();  // the hub goes first: the net forgets it and leaves the Doist
  EXPECT_EQ(net.attached_to(), nullptr);
  Doer idle("idle");
  EXPECT_EQ(doist.run({&idle}, 5 * kMs), RunEnd::limit);
  // ~SimNet: before, it installed no factory on the freed hub (ASan:
  // heap-use-after-free).
}

TEST(EmbeddingDeathTest, ASimNetUsedAfterItsHubIsAnInvariantFailure) {
  EXPECT_DEATH(
      {
        Doist doist(kMs);
        auto io = std::make_unique<IoHub>(doist.tymth());
        SimNet net(doist, *io);
        io.reset();
        doist.attach(net);
        net.poll();
      },
      "SimNet used after its IoHub was destroyed");
}

// Runs `act` once, at its first pass at or after `at`.
class ActAt final : public Doer {
 public:
  ActAt(Tyme at, std::function<void()> act) : Doer("act-at"), at_(at), act_(std::move(act)) {}

 protected:
  bool recur(Tyme tyme) override {
    if (tyme < at_) return false;
    act_();
    return true;
  }

 private:
  Tyme at_;
  std::function<void()> act_;
};

// A SimNet or an IoHub destroyed during a run of the Doist it is attached
// to: before, the run went on with channels that never moved again, or on
// freed memory (ASan: heap-use-after-free in SimCore::poll, in
// TcpServerDoer::recur). Now each stops the program saying what happened.
struct OwnedWorld {
  OwnedWorld() : io(std::make_unique<IoHub>(doist.tymth())) {
    doist.set_handle_sigint(false);
    doist.attach(*io);
    net = std::make_unique<SimNet>(doist, *io);
    net->add_host("a");
    net->add_host("b");
    net->set_link("a", "b", LinkParams{.latency = kMs});
    net->set_client_host("a");
    server.emplace(*io, "sim://b:7");
    client.emplace(*io, "sim://b:7");
  }
  Doist doist{kMs};
  std::unique_ptr<IoHub> io;
  std::unique_ptr<SimNet> net;
  std::optional<EchoServerDoer> server;
  std::optional<TcpClientDoer> client;
};

TEST(EmbeddingDeathTest, ASimNetDestroyedByADoerDuringARunIsAnInvariantFailure) {
  EXPECT_DEATH(
      {
        OwnedWorld w;
        ActAt destroyer(Tyme{20 * kMs}, [&] { w.net.reset(); });
        w.doist.run({&*w.server, &*w.client, &destroyer}, 100 * kMs);
      },
      "SimNet destroyed during a run or a pass \\(recur\\(\\)\\) of the Doist it is attached to");
}

// Destroys the net when it is told of the first rx (SimNet delivers it in its poll).
class NetDestroyingSink final : public EventSink {
 public:
  explicit NetDestroyingSink(std::unique_ptr<SimNet>& net) : net_(net) {}
  void on_event(const ChannelEvent& e) override {
    if (e.kind == EventKind::rx && ++rx_ == 1) net_.reset();
  }

 private:
  std::unique_ptr<SimNet>& net_;
  int rx_ = 0;
};

TEST(EmbeddingDeathTest, ASimNetDestroyedByASinkInsideItsPollIsAnInvariantFailure) {
  EXPECT_DEATH(
      {
        OwnedWorld w;
        NetDestroyingSink sink(w.net);
        w.io->add_sink(sink);
        Greeter greeter(w.client->channel(), "one two three four\n");
        w.doist.run({&*w.server, &*w.client, &greeter}, 100 * kMs);
      },
      "SimNet destroyed inside its own poll\\(\\)");
}

TEST(EmbeddingDeathTest, AHubDestroyedByADoerDuringARunIsAnInvariantFailure) {
  EXPECT_DEATH(
      {
        OwnedWorld w;
        ActAt destroyer(Tyme{20 * kMs}, [&] { w.io.reset(); });
        w.doist.run({&*w.server, &*w.client, &destroyer}, 100 * kMs);
      },
      "IoHub destroyed during a run or a pass \\(recur\\(\\)\\) of the Doist it is attached to");
}

// The same under manual stepping: recur() is a pass, not a run (running()
// is false). Before, the destruction went unchecked and the next pass ran on
// freed memory.
TEST(EmbeddingDeathTest, ASimNetDestroyedByADoerInsideRecurIsAnInvariantFailure) {
  EXPECT_DEATH(
      {
        OwnedWorld w;
        ActAt destroyer(Tyme{20 * kMs}, [&] { w.net.reset(); });
        w.doist.enter({&*w.server, &*w.client, &destroyer});
        for (int i = 0; i < 100; ++i)
          w.doist.recur();
        w.doist.exit();
      },
      "SimNet destroyed during a run or a pass \\(recur\\(\\)\\)");
}

TEST(EmbeddingDeathTest, AHubDestroyedByADoerInsideRecurIsAnInvariantFailure) {
  EXPECT_DEATH(
      {
        OwnedWorld w;
        ActAt destroyer(Tyme{20 * kMs}, [&] { w.io.reset(); });
        w.doist.enter({&*w.server, &*w.client, &destroyer});
        for (int i = 0; i < 100; ++i)
          w.doist.recur();
        w.doist.exit();
      },
      "IoHub destroyed during a run or a pass \\(recur\\(\\)\\)");
}

// Releases (or closes) each remote from inside serve().
class DroppingServer final : public TcpServerDoer {
 public:
  DroppingServer(IoHub& io, std::string_view address, bool release)
      : TcpServerDoer(io, address, {}, "dropper"), io_(io), release_(release) {}
  int closes = 0;

 protected:
  void serve(Channel& remote) override {
    if (remote.rx_size() == 0) return;
    if (release_) {
      io_.release(remote);  // refused: this doer drives it
    } else {
      remote.close("dropped");  // the way to drop a remote
    }
  }
  void on_close(Channel&) override { ++closes; }

 private:
  IoHub& io_;
  bool release_;
};

// A DroppingServer on b:7 and a client that says hello to it.
struct DropRun {
  explicit DropRun(bool release) {
    w.two_hosts();
    server.emplace(w.io, "sim://b:7", release);
    client.emplace(w.io, "sim://b:7");
    greeter.emplace(client->channel(), "hello\n");
  }
  void run() { w.doist.run({&*server, &*client, &*greeter}, seconds(1)); }

  SimWorld w;
  std::optional<DroppingServer> server;
  std::optional<TcpClientDoer> client;
  std::optional<Greeter> greeter;
};

TEST(Embedding, ReleasingARemoteInsideServeIsRefusedPrecisely) {
  DropRun drop(/*release=*/true);
  try {
    drop.run();
    ADD_FAILURE() << "the run did not stop at the release";
  } catch (const std::logic_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("IoHub::release: channel #3 'sim://b:7/3' is driven by "
                                        "doer 'dropper'; close() it instead"));
  }
  // The server's exit released the remote (closed, so once) as usual.
  EXPECT_EQ(drop.w.io.find(3), nullptr);
  EXPECT_EQ(drop.w.sink.count(EventKind::close, 3), 1u);
}

TEST(Embedding, ClosingARemoteInsideServeDropsIt) {
  DropRun drop(/*release=*/false);
  drop.run();
  EXPECT_EQ(drop.server->closes, 1);
  EXPECT_TRUE(drop.server->remotes().empty());
  EXPECT_EQ(drop.w.io.find(3), nullptr);
  EXPECT_TRUE(drop.greeter->ended);  // the client saw the close
}

}  // namespace embedding_test
}  // namespace
}  // namespace hio::test
