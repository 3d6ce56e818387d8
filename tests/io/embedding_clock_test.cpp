// An IoHub stamps its events with one clock, the tymth it was made on: the
// Doist that runs it must be that clock's, and a hub whose Doist was
// destroyed reads no freed tyme (it refuses what would stamp an event).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "hio/engine/doist.hpp"
#include "hio/engine/tymist.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "io_run.hpp"
#include "raw_socket.hpp"
#include "sim_support.hpp"
#include "test_doers.hpp"

namespace hio::test {
namespace {
namespace embedding_clock_test {

// The text of the std::logic_error `call` throws, or "" if it throws none.
template <typename Call>
std::string logic_error_of(Call call) {
  try {
    call();
  } catch (const std::logic_error& error) {
    return error.what();
  }
  return "";
}

const char* const kGone =
    "this IoHub read the tyme of a Doist or Tymist that was destroyed; a hub keeps the clock it "
    "was made on: make a new IoHub with this Doist's tymth()";

TEST(EmbeddingClock, AHubWhoseDoistWasDestroyedRefusesEventsAndAnotherDoist) {
  auto doist = std::make_unique<Doist>(kMs);
  doist->set_handle_sigint(false);
  IoHub io(doist->tymth());
  doist->attach(io);
  Channel& listener = io.listen("tcp://127.0.0.1:0");
  listener.close("done");
  Doer idle("idle");
  doist->run({&idle}, 3 * kMs);
  doist.reset();  // the hub is left detached, and without a clock
  EXPECT_EQ(io.attached_to(), nullptr);
  EXPECT_TRUE(io.clock_gone());
  // Before, each of these read the freed Doist's tyme (ASan:
  // heap-use-after-free in IoHub::send).
  EXPECT_EQ(logic_error_of([&] { listener.reopen(); }),
            "IoHub: reopen of channel #1 after the Doist or Tymist whose tyme the hub reads was "
            "destroyed; a hub is used within its clock's life (make a new IoHub on the tymth() "
            "of a live Doist or Tymist)");
  EXPECT_EQ(listener.state(), ChannelState::closed);  // refused before anything changed
  EXPECT_EQ(
      logic_error_of([&] { (void)io.connect("tcp://127.0.0.1:9"); }),
      "IoHub: a channel for tcp://127.0.0.1:9 after the Doist or Tymist whose tyme the hub reads "
      "was destroyed; a hub is used within its clock's life (make a new IoHub on the "
      "tymth() of a live Doist or Tymist)");
  EXPECT_EQ(io.channel_count(), 1u);
  // Before, a new Doist took it and its run read the old Doist's tyme.
  Doist fresh(kMs);
  EXPECT_EQ(logic_error_of([&] { fresh.attach(io); }), std::string("Doist::attach: ") + kGone);
  EXPECT_EQ(io.attached_to(), nullptr);
  // What needs no tyme stays fine: reading its channels, finishing closes.
  EXPECT_EQ(io.find(1), &listener);
  EXPECT_EQ(io.finish_closing(), 0u);
}

// IO that completes after the Doist went (a peer's bytes, read by
// finish_closing) reaches the channel, but its events, which no tyme can
// stamp, are dropped and counted. Before, emit() threw std::logic_error out
// of finish_closing, from inside the read's handler, left half-run.
TEST(EmbeddingClock, IoThatCompletesAfterTheDoistWentIsNotThrownOutOfFinishClosing) {
  RawSocket listener = raw_listen();
  auto doist = std::make_unique<Doist>(kMs, /*real=*/true);
  doist->set_handle_sigint(false);
  IoHub io(doist->tymth());
  doist->attach(io);
  Channel& channel = io.connect("tcp://127.0.0.1:" + std::to_string(listener.port()));
  OpenDriver driver(channel);
  StopWhen connected(*doist, [&] { return channel.connected(); });
  doist->run({&driver, &connected}, seconds(10));
  ASSERT_TRUE(channel.connected());
  RawSocket peer = raw_try_accept(listener);
  ASSERT_TRUE(peer.valid());
  peer.send_all("hello");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::uint64_t events = io.event_count();
  doist.reset();
  ASSERT_TRUE(io.clock_gone());
  EXPECT_NO_THROW(EXPECT_EQ(io.finish_closing(), 0u));
  EXPECT_EQ(io.events_dropped(), 1u);  // the rx
  EXPECT_EQ(io.event_count(), events);
  EXPECT_EQ(channel.read(), "hello");
}

// A hub that is not attached when its clock's owner goes is told as an
// attached one is. `io` has a connected TCP channel (its peer `peer`) with
// tx waiting; `destroy_clock` destroys the Tymist (or Doist) it reads.
// Before, nothing told it: each call below read the freed tyme (ASan:
// heap-use-after-free in IoHub::send), and clock_gone() stayed false.
void expect_refused_once_clock_gone(IoHub& io, Channel& channel, RawSocket& peer,
                                    const std::function<void()>& destroy_clock) {
  ASSERT_FALSE(io.clock_gone());
  peer.send_all("hello");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::uint64_t events = io.event_count();
  destroy_clock();
  EXPECT_TRUE(io.clock_gone());
  EXPECT_EQ(logic_error_of([&] { channel.close("done"); }),
            "IoHub: close of channel #1 after the Doist or Tymist whose tyme the hub reads was "
            "destroyed; a hub is used within its clock's life (make a new IoHub on the tymth() "
            "of a live Doist or Tymist)");
  EXPECT_TRUE(channel.connected());  // refused before anything changed
  EXPECT_EQ(
      logic_error_of([&] { (void)io.connect("tcp://127.0.0.1:9"); }),
      "IoHub: a channel for tcp://127.0.0.1:9 after the Doist or Tymist whose tyme the hub reads "
      "was destroyed; a hub is used within its clock's life (make a new IoHub on the "
      "tymth() of a live Doist or Tymist)");
  EXPECT_EQ(io.channel_count(), 1u);
  EXPECT_EQ(channel.write("ping"), 4u);
  EXPECT_EQ(logic_error_of([&] { channel.service(); }),
            "IoHub: an event (tx on channel #1) after the Doist or Tymist whose tyme the hub reads "
            "was destroyed; a hub is used within its clock's life (make a new IoHub on the "
            "tymth() of a live Doist or Tymist)");
  Doist fresh(kMs);
  EXPECT_EQ(logic_error_of([&] { fresh.attach(io); }), std::string("Doist::attach: ") + kGone);
  // The peer's bytes come in with no tyme to stamp them: the channel takes
  // them, their event is dropped.
  EXPECT_NO_THROW(EXPECT_EQ(io.finish_closing(), 0u));
  io.poll();
  EXPECT_EQ(io.events_dropped(), 1u);  // the rx
  EXPECT_EQ(io.event_count(), events);
  EXPECT_EQ(channel.read(), "hello");
}

// Connects `io`, which no Doist runs, to `listener` (a bounded loop of its
// own polls) and returns the channel and its peer.
Channel& connect_unattached(IoHub& io, RawSocket& listener, RawSocket& peer) {
  Channel& channel = io.connect("tcp://127.0.0.1:" + std::to_string(listener.port()));
  for (int i = 0; i < 5000 && !channel.connected(); ++i) {
    io.poll();
    channel.service();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(channel.connected());
  peer = raw_try_accept(listener);
  EXPECT_TRUE(peer.valid());
  return channel;
}

TEST(EmbeddingClock, AHubDetachedFromItsDoistLosesItsClockWithIt) {
  RawSocket listener = raw_listen();
  auto doist = std::make_unique<Doist>(kMs, /*real=*/true);
  doist->set_handle_sigint(false);
  IoHub io(doist->tymth());
  doist->attach(io);
  doist->detach(io);
  RawSocket peer;
  Channel& channel = connect_unattached(io, listener, peer);
  ASSERT_TRUE(channel.connected());
  expect_refused_once_clock_gone(io, channel, peer, [&] { doist.reset(); });
}

TEST(EmbeddingClock, AHubOnAPlainTymistLosesItsClockWithIt) {
  RawSocket listener = raw_listen();
  auto tymist = std::make_unique<Tymist>(kMs);
  IoHub io(tymist->tymth());
  RawSocket peer;
  Channel& channel = connect_unattached(io, listener, peer);
  ASSERT_TRUE(channel.connected());
  expect_refused_once_clock_gone(io, channel, peer, [&] { tymist.reset(); });
}

// Hubs destroyed before their Tymist leave it (it tells no freed hub), in
// any order, and one that outlives it is told: ASan would see either.
TEST(EmbeddingClock, HubsDestroyedBeforeTheirTymistLeaveIt) {
  auto tymist = std::make_unique<Tymist>(kMs);
  auto first = std::make_unique<IoHub>(tymist->tymth());
  auto second = std::make_unique<IoHub>(tymist->tymth());
  auto third = std::make_unique<IoHub>(tymist->tymth());
  second.reset();
  first.reset();
  IoHub fourth(tymist->tymth());
  tymist->tick();
  EXPECT_EQ(third->tyme(), Tyme{kMs});
  tymist.reset();
  EXPECT_TRUE(third->clock_gone());
  EXPECT_TRUE(fourth.clock_gone());
  EXPECT_EQ(third->tyme(), Tyme{});
}

TEST(EmbeddingClock, ADoistRefusesAHubMadeOnAnotherClock) {
  Doist first(kMs);
  Doist second(kMs);
  IoHub io(first.tymth());
  const std::string other =
      ": this IoHub reads another clock (made on the tymth() of another Doist or Tymist), so its "
      "events would not carry this Doist's tyme; make it with IoHub(doist.tymth()) of the Doist "
      "that runs it";
  // Before, each was accepted: the events carried the first Doist's tyme.
  EXPECT_EQ(logic_error_of([&] { second.attach(io); }), "Doist::attach" + other);
  EXPECT_EQ(io.attached_to(), nullptr);
  EXPECT_EQ(logic_error_of([&] { SimNet net(second, io); }), "SimNet" + other);
  EXPECT_EQ(io.factory(Scheme::sim), nullptr);  // refused before anything changed
  IoHub unclocked;
  EXPECT_EQ(logic_error_of([&] { second.attach(unclocked); }),
            "Doist::attach: this IoHub reads no clock (made without a tymth), so its events "
            "would not carry this Doist's tyme; make it with IoHub(doist.tymth()) of the Doist "
            "that runs it");
  Tymist tymist;
  IoHub on_tymist(tymist.tymth());
  EXPECT_THROW(first.attach(on_tymist), std::logic_error);
  // Its own Doist takes it, and a SimNet on both.
  first.attach(io);
  EXPECT_EQ(io.attached_to(), &first);
  SimNet net(first, io);
  EXPECT_EQ(io.factory(Scheme::sim), &net);
}

}  // namespace embedding_clock_test
}  // namespace
}  // namespace hio::test
