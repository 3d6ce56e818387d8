// SimNet refuses bad parameters before anything runs, with messages that say
// what is wrong where: negative delays, probabilities outside [0, 1], unknown
// hosts and devices, bad names, changes scheduled in the past.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "sim_support.hpp"

namespace hio::test {
namespace {
namespace sim_params_test {

using ::testing::HasSubstr;

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

struct Net : ::testing::Test {
  Net() {
    w.net.add_host("a");
    w.net.add_host("b");
  }
  SimWorld w;
};

TEST_F(Net, NegativeLatencyIsRefused) {
  EXPECT_EQ(error_of([&] { w.net.set_link("a", "b", {.latency = Tock{-5}}); }),
            "SimNet link a<->b: latency = -5 ns must not be negative");
  EXPECT_EQ(error_of([&] { w.net.set_link("a", "b", {.jitter = Tock{-1}}, Way::one_way); }),
            "SimNet link a->b: jitter = -1 ns must not be negative");
  EXPECT_EQ(w.net.link("a", "b"), LinkParams{});  // nothing changed
}

TEST_F(Net, ProbabilitiesOutsideZeroToOneAreRefused) {
  EXPECT_EQ(error_of([&] { w.net.set_link("a", "b", {.loss = 1.5}); }),
            "SimNet link a<->b: loss = 1.5 is not a probability in [0, 1]");
  EXPECT_EQ(error_of([&] { w.net.set_link("a", "b", {.duplicate = -0.1}); }),
            "SimNet link a<->b: duplicate = -0.1 is not a probability in [0, 1]");
  EXPECT_EQ(error_of([&] {
              w.net.set_link("a", "b", {.corrupt = std::numeric_limits<double>::quiet_NaN()});
            }),
            "SimNet link a<->b: corrupt = nan is not a probability in [0, 1]");
  EXPECT_EQ(error_of([&] { w.net.add_serial("s1", "s2", {.bit_error = 2.0}); }),
            "SimNet serial line s1<->s2: bit_error = 2 is not a probability in [0, 1]");
}

TEST_F(Net, SizesMustBePositive) {
  EXPECT_EQ(error_of([&] { w.net.set_link("a", "b", {.queue_bytes_max = 0}); }),
            "SimNet link a<->b: queue_bytes_max = 0 must be at least 1");
}

TEST_F(Net, DelaysBeyondACenturyAreRefused) {
  EXPECT_EQ(error_of([&] {
              w.net.set_link("a", "b", {.reorder_delay = seconds(100LL * 366 * 24 * 3600)});
            }),
            "SimNet link a<->b: reorder_delay = 3162240000000000000 ns is too large (at most "
            "3153600000000000000 ns)");
  EXPECT_EQ(error_of([&] { w.net.add_serial("s1", "s2", {.chunk_bytes = 0}); }),
            "SimNet serial line s1<->s2: chunk_bytes = 0 must be at least 1");
}

TEST_F(Net, UnknownHostsAreRefusedEverywhere) {
  EXPECT_EQ(error_of([&] { w.net.set_link("a", "zz", {}); }),
            "SimNet: unknown host 'zz' in link a<->zz (hosts: a, b)");
  EXPECT_THAT(error_of([&] {
                w.net.partition({"a"}, {"b", "zz"});
              }),
              HasSubstr("unknown host 'zz' in partition"));
  EXPECT_THAT(error_of([&] { w.net.host_down_at(Tyme{seconds(1)}, "zz"); }),
              HasSubstr("unknown host 'zz' in host_down"));
  EXPECT_THAT(error_of([&] { w.net.set_client_host("zz"); }), HasSubstr("unknown host 'zz'"));
  w.net.set_client_host("a");
  EXPECT_EQ(error_of([&] { w.io.connect("sim://zz:7"); }),
            "SimNet: unknown host 'zz' in sim://zz:7 (hosts: a, b)");
  EXPECT_THAT(error_of([&] { w.io.listen("sim://zz:7"); }), HasSubstr("unknown host 'zz'"));
  EXPECT_THAT(error_of([&] { w.io.bind("sim://zz:7"); }), HasSubstr("unknown host 'zz'"));
  EXPECT_THAT(error_of([&] { w.io.connect("sim-serial://ttyZ"); }),
              HasSubstr("unknown serial device 'ttyZ' in sim-serial://ttyZ"));
  EXPECT_EQ(w.io.channel_count(), 0u);  // refused before any channel exists
}

TEST_F(Net, AClientNeedsAClientHost) {
  EXPECT_EQ(error_of([&] { w.io.connect("sim://b:7"); }),
            "SimNet: cannot connect to sim://b:7: the network has no client host (the host "
            "clients connect from; SimNet::set_client_host)");
}

// The messages say what is wrong with the network or the address, not which
// SimNet call was missed.
TEST(NetMessages, SayWhatIsWrongInTheUsersTerms) {
  SimWorld w;
  EXPECT_EQ(error_of([&] { w.io.bind("sim://a:5"); }),
            "SimNet: unknown host 'a' in sim://a:5 (the network has no hosts)");
  EXPECT_EQ(error_of([&] { w.io.connect("sim-serial://ttyA"); }),
            "SimNet: unknown serial device 'ttyA' in sim-serial://ttyA?baud=115200 (the network "
            "has no serial lines)");
  w.net.add_host("a");
  w.net.set_client_host("a");
  w.net.add_serial("ttyA", "ttyB");
  EXPECT_EQ(error_of([&] { w.io.connect("sim://a:0"); }),
            "SimNet: cannot connect to sim://a:0: port 0 is no port a listener can have");
  EXPECT_EQ(error_of([&] { w.io.bind("sim-serial://ttyA"); }),
            "SimNet: sim-serial://ttyA?baud=115200 is the end of a serial line: it is opened "
            "with connect, not bind");
  // SimNet given tcp:// to make refuses it, saying what it carries.
  w.io.set_factory(Scheme::tcp, &w.net);
  EXPECT_EQ(error_of([&] { w.io.connect("tcp://127.0.0.1:9"); }),
            "SimNet: tcp://127.0.0.1:9 is not an address on the simulated network "
            "(sim://host:port or sim-serial://device)");
  w.io.set_factory(Scheme::tcp, nullptr);
  EXPECT_EQ(w.io.channel_count(), 0u);
}

// Options with which no channel could work are refused before any channel
// is made, for a real and a simulated transport alike and in the same words
// (unfixed: sim:// took rx_bytes_max = 0, datagrams_max = 0 and a
// datagram_bytes_max beyond rx_bytes_max without a word, and tcp:// took
// rx_bytes_max = 0; udp:// and the two kinds of listeners each said it their
// own way).
TEST_F(Net, ImpossibleChannelOptionsAreRefusedAlikeByEveryTransport) {
  w.net.set_client_host("a");
  struct Case {
    ChannelRole role;
    std::string real;
    std::function<void(ChannelOptions&)> set;
    std::string message;
  };
  const Case cases[] = {
      {ChannelRole::connect, "tcp://127.0.0.1:9", [](ChannelOptions& o) { o.rx_bytes_max = 0; },
       "rx_bytes_max is 0: nothing could ever be received"},
      {ChannelRole::listen, "tcp://127.0.0.1:0", [](ChannelOptions& o) { o.rx_bytes_max = 0; },
       "rx_bytes_max is 0: nothing could ever be received"},
      {ChannelRole::listen, "tcp://127.0.0.1:0", [](ChannelOptions& o) { o.remotes_max = 0; },
       "remotes_max must be > 0"},
      {ChannelRole::connect, "tcp://127.0.0.1:9", [](ChannelOptions& o) { o.retry = Tock{-1}; },
       "retry must be >= 0"},
      {ChannelRole::connect, "tcp://127.0.0.1:9",
       [](ChannelOptions& o) { o.connect_timeout = Tock{-1}; }, "connect_timeout must be >= 0"},
      {ChannelRole::connect, "tcp://127.0.0.1:9",
       [](ChannelOptions& o) { o.close_linger = Tock{-1}; }, "close_linger must be >= 0"},
      {ChannelRole::bind, "udp://127.0.0.1:0", [](ChannelOptions& o) { o.datagrams_max = 0; },
       "datagrams_max is 0: no datagram could ever be queued"},
      {ChannelRole::bind, "udp://127.0.0.1:0",
       [](ChannelOptions& o) {
         o.datagram_bytes_max = 5000;
         o.rx_bytes_max = 100;
       },
       "datagram_bytes_max (5000) exceeds rx_bytes_max (100): such a datagram could never be "
       "queued"},
      {ChannelRole::bind, "udp://127.0.0.1:0",
       [](ChannelOptions& o) {
         o.datagram_bytes_max = 5000;
         o.tx_bytes_max = 100;
       },
       "datagram_bytes_max (5000) exceeds tx_bytes_max (100): such a datagram could never be "
       "queued"},
  };
  for (const Case& c : cases) {
    const Address real = parse_address_or_throw(c.real);
    const Address sim{
        Scheme::sim, "b", real.port == 0 ? std::uint16_t{0} : std::uint16_t{7}, {}, 0};
    const char* who = c.role == ChannelRole::connect  ? "client "
                      : c.role == ChannelRole::listen ? "listener "
                                                      : "datagram endpoint ";
    for (const Address& address : {real, sim}) {
      ChannelOptions options;
      c.set(options);
      EXPECT_EQ(error_of([&] {
                  switch (c.role) {
                    case ChannelRole::connect:
                      w.io.connect(address, options);
                      break;
                    case ChannelRole::listen:
                      w.io.listen(address, options);
                      break;
                    case ChannelRole::bind:
                      w.io.bind(address, options);
                      break;
                  }
                }),
                who + address.text() + ": " + c.message);
    }
  }
  EXPECT_EQ(w.io.channel_count(), 0u);
}

// A sim channel reopened after its SimNet was destroyed fails, saying so.
TEST(NetMessages, AChannelOutlivingItsNetworkSaysWhy) {
  Doist doist(kMs);
  IoHub io(doist.tymth());
  std::optional<SimNet> net;
  net.emplace(doist, io);
  net->add_host("a");
  Channel& c = io.bind("sim://a:5");
  c.close("done");
  net.reset();
  c.reopen();
  EXPECT_EQ(c.state(), ChannelState::failed);
  EXPECT_EQ(c.reason(),
            "the simulated network (SimNet) was destroyed before this channel could open");
}

TEST_F(Net, NamesAreChecked) {
  EXPECT_EQ(error_of([&] { w.net.add_host("a"); }), "SimNet: host 'a' already exists");
  EXPECT_THAT(error_of([&] { w.net.add_host("no spaces"); }),
              HasSubstr("may only use A-Z a-z 0-9 . _ -"));
  EXPECT_THAT(error_of([&] { w.net.add_host(""); }), HasSubstr("must be 1..253 bytes"));
  EXPECT_THAT(error_of([&] { w.net.add_serial("tty", "tty"); }), HasSubstr("two devices"));
}

TEST_F(Net, ChangesCannotBeScheduledInThePast) {
  struct Late final : Doer {
    Late(SimNet& n) : Doer("late"), net(n) {}
    SimNet& net;
    std::string error;
    bool recur(Tyme tyme) override {
      if (tyme < Tyme{seconds(1)}) return false;
      error = error_of([&] { net.heal_all_at(Tyme{Tock{500'000'000}}); });
      return true;
    }
  } late(w.net);
  w.doist.run({&late}, seconds(2));
  EXPECT_EQ(late.error, "SimNet: a change scheduled at tyme 0.5 s is in the past (tyme is 1 s)");
}

TEST(SimParams, BadNetworkOptionsAreRefused) {
  Doist doist;
  IoHub io(doist.tymth());
  EXPECT_EQ(error_of([&] { SimNet net(doist, io, {.stall_timeout = Tock{-1}}); }),
            "SimNet options: stall_timeout = -1 ns must not be negative");
  EXPECT_EQ(error_of([&] { SimNet net(doist, io, {.default_link = {.reorder = 7}}); }),
            "SimNet default_link: reorder = 7 is not a probability in [0, 1]");
  EXPECT_EQ(error_of([&] { SimNet net(doist, io, {.segment_bytes_max = 0}); }),
            "SimNet options: segment_bytes_max = 0 must be at least 1");
}

}  // namespace sim_params_test
}  // namespace
}  // namespace hio::test
