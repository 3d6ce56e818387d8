// Delays added to late tymes saturate at kTymeNever ("never") instead of
// overflowing (signed overflow: UB, in practice a tyme in the past, so the
// event happened at once). Each SimNet sum of a tyme and a delay: a serial
// line's latency, a stall's timeout, a wire's busy time.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "sim_support.hpp"
#include "sim_wire.hpp"  // io/src
#include "test_doers.hpp"

namespace hio::test {
namespace {
namespace sim_saturation_test {

constexpr Tock kYear = seconds(365LL * 24 * 3600);

// The texts of the noise drops recorded.
std::vector<std::string> drops(const RecordingSink& sink) {
  std::vector<std::string> texts;
  for (const Recorded& r : sink.events) {
    if (r.kind == EventKind::noise && r.noise == NoiseKind::drop) texts.push_back(r.text);
  }
  return texts;
}

// At `at`, writes to a serial pump.
class LateWrite final : public Doer {
 public:
  LateWrite(Tyme at, SerialPump& pump, std::string bytes)
      : Doer("late-write"), at_(at), pump_(pump), bytes_(std::move(bytes)) {}

 protected:
  bool recur(Tyme tyme) override {
    if (tyme < at_) {
      park(at_);
      return false;
    }
    pump_.write(bytes_);
    return true;
  }

 private:
  Tyme at_;
  SerialPump& pump_;
  std::string bytes_;
};

// Bytes written at 200 years on a line of 100 years' latency would arrive
// after the end of tyme: never. Before, the sum wrapped and they arrived at
// once, before bytes written earlier.
TEST(SimSaturation, SerialBytesThatWouldArriveAfterTheEndOfTymeNeverArrive) {
  SimWorld w({}, 50 * kYear);
  w.net.add_serial("ttyA", "ttyB", {.latency = 100 * kYear});
  SerialPump a(w.io, "sim-serial://ttyA?baud=10000", {}, "a");
  SerialPump b(w.io, "sim-serial://ttyB?baud=10000", {}, "b");
  a.write("early");
  LateWrite late(Tyme{200 * kYear}, a, "late");
  w.doist.run({&a, &b, &late}, 290 * kYear);
  EXPECT_EQ(w.sink.count(EventKind::tx, a.channel().id()), 2u);  // "late" left at 250 y
  EXPECT_EQ(b.read, "early");
  EXPECT_EQ(b.last_rx, Tyme{100 * kYear + 50 * kYear});  // arrived at 100 y + 5 ms: the 150 y pass
  EXPECT_EQ(w.net.next_event(), kTymeNever);
  // Lost when the run's end closed both ends: a drop that says why they
  // never came (it said "both ends closed while on line ttyA->ttyB").
  EXPECT_EQ(drops(w.sink),
            std::vector<std::string>{"would arrive beyond the end of tyme on line ttyA->ttyB"});
  dump_on_failure(w.sink);
}

// A stream's bytes sent at 250 years (the connect took two latencies of
// 100 years; passes every 50) would arrive beyond the end of tyme: dropped when the run's
// end closes both ends, with a drop that says so (it said "both ends closed
// while on link a->b", as for bytes merely on their way then).
TEST(SimSaturation, StreamBytesBeyondTheEndOfTymeAreDroppedAsSuch) {
  SimWorld w({}, 50 * kYear);
  w.two_hosts({.latency = 100 * kYear});
  EchoServerDoer server(w.io, "sim://b:7");
  TcpClientDoer client(w.io, "sim://b:7");
  Greeter greeter(client.channel(), "never there");
  w.doist.run({&server, &client, &greeter}, 290 * kYear);
  EXPECT_EQ(greeter.reply, "");
  const Recorded* tx = w.sink.first(EventKind::tx, client.channel().id());
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(tx->tyme, Tyme{250 * kYear});
  EXPECT_EQ(drops(w.sink),
            std::vector<std::string>{"would arrive beyond the end of tyme on link a->b"});
  dump_on_failure(w.sink);
}

// A stall that starts at 275 years with a timeout of 100 years never times
// out. Before, the timeout fired at the next pass and reset the connection.
TEST(SimSaturation, AStallTimeoutBeyondTheEndOfTymeNeverFires) {
  // Passes every 25 years: the greeter starts at 200, writes at 225, and the
  // client sends at 250 into the cut; the segment stalls at 275.
  SimWorld w({.stall_timeout = 100 * kYear}, 25 * kYear);
  w.two_hosts({.latency = 5 * kMs});
  EchoServerDoer server(w.io, "sim://b:7");
  TcpClientDoer client(w.io, "sim://b:7");
  w.net.partition_at(Tyme{200 * kYear}, {"a"}, {"b"});
  Greeter greeter(client.channel(), "across a very long cut");
  StartAt starter(w.doist, Tyme{200 * kYear}, greeter);
  w.doist.run({&server, &client, &starter}, 290 * kYear);
  // Connected until the run's end closed it (no reset by the stall timeout).
  EXPECT_EQ(client.channel().reason(), "client exit");
  EXPECT_EQ(w.sink.count(EventKind::close, client.channel().id()), 1u);
  EXPECT_EQ(greeter.reply, "");
  const Recorded* tx = w.sink.first(EventKind::tx, client.channel().id());
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(tx->tyme, Tyme{250 * kYear});
  dump_on_failure(w.sink);
}

// A message that takes the wire past the end of tyme leaves never, and
// stays queued.
TEST(SimSaturation, AWireBusyBeyondTheEndOfTymeIsBusyForEver) {
  detail::WireQueue wire;
  EXPECT_EQ(wire.push(Tyme{200 * kYear}, 10, 100 * kYear), kTymeNever);
  EXPECT_EQ(wire.next_leave(), kTymeNever);
  EXPECT_EQ(wire.backlog(Tyme{250 * kYear}), 10u);
  EXPECT_EQ(wire.push(Tyme{250 * kYear}, 5, Tock{1}), kTymeNever);  // behind it
  EXPECT_EQ(wire.backlog(kTymeNever), 0u);
}

}  // namespace sim_saturation_test
}  // namespace
}  // namespace hio::test
