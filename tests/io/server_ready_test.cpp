// TcpServerDoer visits only the remotes that changed (its ReadyList), in
// accept order, over the pure-tyme MemoryNet: an idle remote costs nothing,
// a busy one is served, a wake from outside or a rerun visits them all. And
// ReadyList itself: marking on wakes, order, unmarking on release.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "hio/engine/doist.hpp"
#include "hio/io/io.hpp"
#include "memory_net.hpp"

namespace hio::test {
namespace {
namespace server_ready_test {

using ::testing::ElementsAre;

// Counts serve() calls per remote id; echoes; reruns once when asked.
class CountingEcho final : public EchoServerDoer {
 public:
  using EchoServerDoer::EchoServerDoer;
  std::map<std::uint32_t, int> served;
  bool ask_rerun = false;

 protected:
  void serve(Channel& remote) override {
    ++served[remote.id()];
    EchoServerDoer::serve(remote);
    if (ask_rerun) {
      ask_rerun = false;
      rerun();
    }
  }
};

struct ManyClients {
  static constexpr int kClients = 50;
  MemoryNet net;
  Doist doist{Tock{1'000'000}};
  IoHub io{doist.tymth()};
  std::unique_ptr<CountingEcho> server;
  std::vector<std::unique_ptr<TcpClientDoer>> clients;

  ManyClients() {
    io.set_factory(Scheme::sim, &net);
    server = std::make_unique<CountingEcho>(io, "sim://server:7");
    std::vector<Doer*> doers{server.get()};
    for (int i = 0; i < kClients; ++i) {
      clients.push_back(std::make_unique<TcpClientDoer>(io, "sim://server:7", ChannelOptions{},
                                                        "client" + std::to_string(i)));
      doers.push_back(clients.back().get());
    }
    doist.enter(doers);
    passes(5);
    server->served.clear();
  }
  ~ManyClients() { doist.exit(); }
  void passes(int n) {
    for (int i = 0; i < n; ++i)
      doist.recur();
  }
  // The accepted remote of client i: ids go listener 1, then per client its
  // own channel and then its remote.
  std::uint32_t remote_of(int i) const {
    return clients[static_cast<std::size_t>(i)]->channel().id() + 1;
  }
};

TEST(IoServerReady, OnlyRemotesThatChangedAreServed) {
  ManyClients m;
  ASSERT_EQ(m.server->remotes().size(), static_cast<std::size_t>(ManyClients::kClients));
  EXPECT_TRUE(m.server->parked());
  (void)m.clients[7]->channel().write("hello");
  (void)m.clients[31]->channel().write("world");
  m.passes(6);
  EXPECT_EQ(m.clients[7]->channel().peek(), "hello");
  EXPECT_EQ(m.clients[31]->channel().peek(), "world");
  // Served: the two remotes that got bytes, nobody else.
  std::vector<std::uint32_t> served;
  for (const auto& [id, count] : m.server->served)
    served.push_back(id);
  EXPECT_THAT(served, ElementsAre(m.remote_of(7), m.remote_of(31)));
  EXPECT_TRUE(m.server->parked());
}

TEST(IoServerReady, AWakeFromOutsideOrARerunVisitsEveryRemote) {
  ManyClients m;
  m.server->wake();
  m.passes(2);
  EXPECT_EQ(m.server->served.size(), static_cast<std::size_t>(ManyClients::kClients));
  m.server->served.clear();

  m.server->ask_rerun = true;
  (void)m.clients[3]->channel().write("x");
  m.passes(6);
  EXPECT_EQ(m.server->served.size(), static_cast<std::size_t>(ManyClients::kClients));
  EXPECT_EQ(m.clients[3]->channel().peek(), "x");
}

TEST(IoServerReady, RemotesThatCloseAreReleasedAndLeaveTheList) {
  ManyClients m;
  const std::size_t channels = m.io.channel_count();
  m.clients[5]->channel().close("bye");
  m.clients[6]->channel().close("bye");
  m.passes(4);
  EXPECT_EQ(m.server->remotes().size(), static_cast<std::size_t>(ManyClients::kClients - 2));
  EXPECT_EQ(m.io.channel_count(), channels - 2);
  EXPECT_EQ(m.io.find(m.remote_of(5)), nullptr);
  EXPECT_EQ(m.io.find(m.remote_of(6)), nullptr);
  // The others still echo.
  (void)m.clients[9]->channel().write("still");
  m.passes(6);
  EXPECT_EQ(m.clients[9]->channel().peek(), "still");
}

TEST(IoReadyList, MarksOnWakesInIdOrderOnceUntilTaken) {
  MemoryNet net;
  Doist doist{Tock{1'000'000}};
  IoHub io{doist.tymth()};
  io.set_factory(Scheme::sim, &net);
  Channel& listener = io.listen("sim://server:1");
  Channel& a = io.connect("sim://server:1");
  Channel& b = io.connect("sim://server:1");
  ReadyList ready;
  a.set_ready_list(&ready);
  b.set_ready_list(&ready);
  EXPECT_TRUE(ready.empty());
  (void)b.write("x");  // wakes b's driver: marked
  (void)a.write("y");
  (void)b.write("z");  // already marked
  EXPECT_EQ(ready.size(), 2u);
  std::vector<Channel*> out;
  ready.take(out);
  EXPECT_THAT(out, ElementsAre(&a, &b));  // id order, not wake order
  EXPECT_TRUE(ready.empty());
  (void)a.write("again");
  EXPECT_EQ(ready.size(), 1u);
  io.release(a);  // a destroyed channel leaves the list
  EXPECT_TRUE(ready.empty());
  ready.add(b);
  b.set_ready_list(nullptr);  // so does one whose list changes
  EXPECT_TRUE(ready.empty());
  (void)listener;
}

// A list destroyed before its channels leaves them (a driver of one's own
// that drops its list first): they no longer name it, their wakes mark
// nothing, and another list takes them. Before, they kept the dangling list
// and the next wake pushed onto the freed one (ASan heap-use-after-free in
// ReadyList::add); ready_list() named it.
TEST(IoReadyList, ADestroyedListLeavesItsChannels) {
  MemoryNet net;
  Doist doist{Tock{1'000'000}};
  IoHub io{doist.tymth()};
  io.set_factory(Scheme::sim, &net);
  Channel& listener = io.listen("sim://server:1");
  Channel& a = io.connect("sim://server:1");
  Channel& b = io.connect("sim://server:1");
  auto gone = std::make_unique<ReadyList>();
  a.set_ready_list(gone.get());
  b.set_ready_list(gone.get());
  (void)a.write("x");  // a is marked in it, b is not
  EXPECT_EQ(gone->size(), 1u);
  gone.reset();
  EXPECT_EQ(a.ready_list(), nullptr);
  EXPECT_EQ(b.ready_list(), nullptr);
  (void)a.write("y");  // marks nothing
  (void)b.write("z");
  ReadyList next;
  a.set_ready_list(&next);  // a, marked in the list that went, is marked anew
  b.set_ready_list(&next);
  EXPECT_TRUE(next.empty());
  (void)a.write("again");
  (void)b.write("again");
  std::vector<Channel*> out;
  next.take(out);
  EXPECT_THAT(out, ElementsAre(&a, &b));
  (void)listener;
}

// What is left marked after some leave is taken as ever: ascending id order.
TEST(IoReadyList, WhatStaysMarkedIsTakenInIdOrderAfterOthersLeave) {
  MemoryNet net;
  Doist doist{Tock{1'000'000}};
  IoHub io{doist.tymth()};
  io.set_factory(Scheme::sim, &net);
  std::vector<Channel*> c;
  for (int i = 0; i < 6; ++i)
    c.push_back(&io.connect("sim://server:1"));
  ReadyList ready;
  for (Channel* channel : c)
    channel->set_ready_list(&ready);
  for (int i : {4, 1, 5, 0, 3, 2})
    ready.add(*c[static_cast<std::size_t>(i)]);
  c[1]->set_ready_list(nullptr);
  io.release(*c[5]);
  c[4]->set_ready_list(nullptr);
  EXPECT_EQ(ready.size(), 3u);
  std::vector<Channel*> out;
  ready.take(out);
  EXPECT_THAT(out, ElementsAre(c[0], c[2], c[3]));
  ready.add(*c[3]);  // marks again after a take
  EXPECT_EQ(ready.size(), 1u);
}

}  // namespace server_ready_test
}  // namespace
}  // namespace hio::test
