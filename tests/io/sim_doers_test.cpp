// The UDP and serial driver doers of the real-IO layer (UdpPeerDoer,
// SerialDoer, ConsoleDoer) run unchanged over SimNet: only the addresses say
// sim:// and sim-serial://.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "sim_support.hpp"

namespace hio::test {
namespace {
namespace sim_doers_test {

using ::testing::ElementsAre;

// A UdpPeerDoer that sends every datagram back where it came from.
class EchoPeer final : public UdpPeerDoer {
 public:
  using UdpPeerDoer::UdpPeerDoer;

 protected:
  void serve(Channel& channel) override {
    while (std::optional<Datagram> d = channel.receive())
      (void)channel.send(d->peer, d->bytes);
  }
};

// A UdpPeerDoer that sends its lines to `peer` once, then keeps what comes back.
class AskingPeer final : public UdpPeerDoer {
 public:
  AskingPeer(IoHub& io, std::string_view address, std::string peer, std::vector<std::string> asks)
      : UdpPeerDoer(io, address, {}, "asking"), peer_(std::move(peer)), asks_(std::move(asks)) {}
  std::vector<std::string> answers;

 protected:
  void serve(Channel& channel) override {
    while (next_ < asks_.size() && channel.send(peer_, asks_[next_]))
      ++next_;
    while (std::optional<Datagram> d = channel.receive())
      answers.push_back(d->peer + " " + d->bytes);
  }

 private:
  std::string peer_;
  std::vector<std::string> asks_;
  std::size_t next_ = 0;
};

TEST(SimDoers, UdpPeerDoersEchoOverSimNet) {
  SimWorld w;
  w.two_hosts({.latency = 3 * kMs}, Way::both, "client", "server");
  EchoPeer server(w.io, "sim://server:7", {}, "echo");
  AskingPeer client(w.io, "sim://client:0", "server:7", {"one", "two", "three"});
  w.doist.run({&server, &client}, seconds(1));
  EXPECT_THAT(client.answers, ElementsAre("server:7 one", "server:7 two", "server:7 three"));
  const Recorded* rx = w.sink.first(EventKind::rx, client.channel().id());
  ASSERT_NE(rx, nullptr);
  EXPECT_EQ(rx->tyme, Tyme{6 * kMs});  // sent at 0, echoed at 3 ms, back at 6 ms
  dump_on_failure(w.sink);
}

TEST(SimDoers, SerialDoersAndConsolesTalkLinesOverASimulatedLine) {
  SimWorld w;
  w.net.add_serial("ttyS0", "ttyS1", {.latency = kMs});
  SerialDoer modem(w.io, "sim-serial://ttyS0?baud=9600", {}, "modem");
  SerialDoer host(w.io, "sim-serial://ttyS1?baud=9600", {}, "host");
  ConsoleDoer modem_console(modem.channel(), {}, "modem-console");
  ConsoleDoer host_console(host.channel(), {}, "host-console");
  struct Chat final : Doer {
    Chat(ConsoleDoer& a, ConsoleDoer& b) : Doer("chat"), modem(a), host(b) {}
    ConsoleDoer& modem;
    ConsoleDoer& host;
    std::vector<std::string> heard;
    int step = 0;
    bool recur(Tyme) override {
      if (step == 0 && host.write_line("AT")) step = 1;
      while (std::optional<ConsoleLine> line = modem.take_line()) {
        heard.push_back("modem heard " + line->text);
        if (line->text == "AT" && modem.write_line("OK")) step = 2;
      }
      while (std::optional<ConsoleLine> line = host.take_line())
        heard.push_back("host heard " + line->text);
      return heard.size() == 2;
    }
  } chat(modem_console, host_console);
  w.doist.run({&modem, &host, &modem_console, &host_console, &chat}, seconds(1));
  EXPECT_THAT(chat.heard, ElementsAre("modem heard AT", "host heard OK"));
  // "AT\n" is 3 bytes: 3 x 10 bits at 9600 baud, plus 1 ms of cable.
  const Recorded* rx = w.sink.first(EventKind::rx, modem.channel().id());
  ASSERT_NE(rx, nullptr);
  EXPECT_GE(rx->tyme, Tyme{Tock{3'125'000 + 1'000'000}});
  EXPECT_LT(rx->tyme, Tyme{Tock{3'125'000 + 1'000'000} + 2 * kMs});
  dump_on_failure(w.sink);
}

}  // namespace sim_doers_test
}  // namespace
}  // namespace hio::test
