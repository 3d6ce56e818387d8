// Datagrams over SimNet: the link model's noise, measured over 100,000
// datagrams against its settings; queues, partitions, down hosts and the
// reports every decision leaves at the choke point.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "sim_support.hpp"

namespace hio::test {
namespace {
namespace sim_datagram_test {

using ::testing::HasSubstr;

// Integer square root (floor), so the 3-sigma bounds need no libm.
std::uint64_t isqrt(std::uint64_t v) {
  std::uint64_t r = 0;
  for (std::uint64_t bit = std::uint64_t{1} << 62; bit != 0; bit >>= 2) {
    if (v >= r + bit) {
      v -= r + bit;
      r = (r >> 1) + bit;
    } else {
      r >>= 1;
    }
  }
  return r;
}

// |observed - n p| <= 3 sqrt(n p (1 - p)) for a count out of n trials, with p
// given as parts per million; all in integers (rounded up by one).
void expect_within_3_sigma(std::uint64_t observed, std::uint64_t n, std::uint64_t p_ppm,
                           const char* what) {
  const std::uint64_t mean_x1e6 = n * p_ppm;                        // n p, scaled by 1e6
  const std::uint64_t var_x1e12 = n * p_ppm * (1'000'000 - p_ppm);  // n p (1-p), by 1e12
  const std::uint64_t sigma_x1e6 = isqrt(var_x1e12) + 1;            // by 1e6
  const std::uint64_t observed_x1e6 = observed * 1'000'000;
  const std::uint64_t diff =
      observed_x1e6 > mean_x1e6 ? observed_x1e6 - mean_x1e6 : mean_x1e6 - observed_x1e6;
  EXPECT_LE(diff, 3 * sigma_x1e6) << what << ": observed " << observed << " of " << n
                                  << ", expected " << mean_x1e6 / 1'000'000 << " +- 3 x "
                                  << sigma_x1e6 / 1'000'000;
}

std::size_t noise_count(const RecordingSink& sink, NoiseKind kind, std::string_view text = {}) {
  std::size_t n = 0;
  for (const Recorded& r : sink.events) {
    if (r.kind == EventKind::noise && r.noise == kind && r.text.find(text) != std::string::npos) {
      ++n;
    }
  }
  return n;
}

TEST(SimDatagram, NoiseOver100000DatagramsMatchesTheSettings) {
  constexpr std::uint64_t kCount = 100'000;
  constexpr Tock kLatency = 10 * kMs;
  constexpr Tock kJitter = 400 * kUs;  // below half the send interval: only
                                       // held-back datagrams come out of order
  // 1 ns passes: arrivals are seen at their exact tyme.
  SimWorld w({.seed = 20'240'601}, Tock{1});
  w.two_hosts({.latency = kLatency,
               .jitter = kJitter,
               .loss = 0.02,
               .duplicate = 0.03,
               .reorder = 0.04,
               .reorder_delay = 5 * kMs},
              Way::one_way);
  Ticker sender(w.io, "sim://a:1000", "b:2000", kCount, kMs);
  DatagramDoer receiver(w.io, "sim://b:2000", {}, "receiver");
  w.doist.run({&sender, &receiver}, seconds(101));
  ASSERT_EQ(sender.sent(), kCount);

  std::vector<std::uint8_t> copies(kCount, 0);
  std::uint64_t received_first = 0;
  std::uint64_t late = 0;
  std::uint64_t latency_sum_ns = 0;
  std::uint64_t latency_n = 0;
  std::uint64_t max_seq = 0;
  bool any = false;
  for (const DatagramDoer::Received& r : receiver.received) {
    ASSERT_EQ(r.peer, "a:1000");
    const std::uint64_t seq = Ticker::seq_of(r.bytes);
    ASSERT_LT(seq, kCount);
    if (copies[seq]++ > 0) continue;  // a duplicate
    ++received_first;
    if (any && seq < max_seq) {
      ++late;
    } else {
      latency_sum_ns += static_cast<std::uint64_t>((r.tyme - Ticker::sent_at(r.bytes)).count());
      ++latency_n;
    }
    max_seq = any ? std::max(max_seq, seq) : seq;
    any = true;
  }
  std::uint64_t lost = 0;
  std::uint64_t duplicated = 0;
  for (std::uint8_t c : copies) {
    if (c == 0) ++lost;
    if (c >= 2) ++duplicated;
    ASSERT_LE(c, 2);
  }
  expect_within_3_sigma(lost, kCount, 20'000, "loss");
  expect_within_3_sigma(duplicated, kCount - lost, 30'000, "duplication");
  expect_within_3_sigma(late, received_first, 40'000, "reordering");
  // Every decision is reported, one noise event each.
  EXPECT_EQ(noise_count(w.sink, NoiseKind::drop, "loss on link a->b"), lost);
  EXPECT_EQ(noise_count(w.sink, NoiseKind::duplicate), duplicated);
  EXPECT_EQ(noise_count(w.sink, NoiseKind::reorder), late);
  EXPECT_EQ(noise_count(w.sink, NoiseKind::drop), lost);  // nothing else was dropped

  // Mean latency: latency + jitter / 2, sigma of the mean = sd(U[0, J]) / sqrt(n).
  // In ns: sd^2 = ((J + 1)^2 - 1) / 12; compare n * |mean - expected| with
  // 3 sqrt(n) sd, squared, in 128-bit integers.
  const std::int64_t j = kJitter.count();
  const std::int64_t expected_sum =
      static_cast<std::int64_t>(latency_n) * (kLatency.count() + j / 2);
  const std::int64_t diff = static_cast<std::int64_t>(latency_sum_ns) - expected_sum;
  __extension__ typedef __int128 I128;
  const I128 lhs = static_cast<I128>(diff) * diff * 12;
  const I128 rhs = static_cast<I128>(9) * static_cast<I128>(latency_n) * ((j + 1) * (j + 1) - 1);
  EXPECT_LE(lhs, rhs) << "mean latency " << latency_sum_ns / latency_n << " ns, expected "
                      << kLatency.count() + j / 2 << " ns";
  dump_on_failure(w.sink);
}

TEST(SimDatagram, CorruptionFlipsOneBitOfTheReportedShare) {
  constexpr std::uint64_t kCount = 20'000;
  SimWorld w({.seed = 7});
  w.two_hosts({.latency = kMs, .corrupt = 0.05});
  DatagramDoer sender(w.io, "sim://a:1");
  DatagramDoer receiver(w.io, "sim://b:2", {}, "receiver");
  const std::string payload = "0123456789abcdef";
  struct Feeder final : Doer {
    Feeder(DatagramDoer& s, std::string p) : Doer("feeder", kMs), sender(s), bytes(std::move(p)) {}
    DatagramDoer& sender;
    std::string bytes;
    std::uint64_t n = 0;
    bool recur(Tyme) override {
      sender.queue("b:2", bytes);
      return ++n == kCount;
    }
  } feeder(sender, payload);
  w.doist.run({&feeder, &sender, &receiver}, seconds(21));
  ASSERT_EQ(receiver.received.size(), kCount);
  std::uint64_t corrupted = 0;
  for (const DatagramDoer::Received& r : receiver.received) {
    if (r.bytes == payload) continue;
    ++corrupted;
    int bits = 0;
    for (std::size_t i = 0; i < payload.size(); ++i)
      bits += __builtin_popcount(static_cast<unsigned char>(r.bytes[i] ^ payload[i]));
    EXPECT_EQ(bits, 1);
  }
  expect_within_3_sigma(corrupted, kCount, 50'000, "corruption");
  EXPECT_EQ(noise_count(w.sink, NoiseKind::corrupt), corrupted);
  dump_on_failure(w.sink);
}

TEST(SimDatagram, AFullQueueTailDropsAndBandwidthSpacesArrivals) {
  // 8000 bit/s: a 10-byte datagram takes 10 ms on the wire; the queue holds 10.
  SimWorld w;
  w.two_hosts({.latency = 5 * kMs, .bandwidth_bps = 8'000, .queue_bytes_max = 100});
  DatagramDoer sender(w.io, "sim://a:1");
  DatagramDoer receiver(w.io, "sim://b:2", {}, "receiver");
  for (int i = 0; i < 20; ++i)
    sender.queue("b:2", "datagram" + std::to_string(10 + i));
  w.doist.run({&sender, &receiver}, seconds(1));
  ASSERT_EQ(receiver.received.size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(receiver.received[i].bytes, "datagram" + std::to_string(10 + i));
    EXPECT_EQ(receiver.received[i].tyme,
              Tyme{static_cast<std::int64_t>(i + 1) * 10 * kMs + 5 * kMs});
  }
  EXPECT_EQ(noise_count(w.sink, NoiseKind::drop, "queue full on link a->b"), 10u);
  dump_on_failure(w.sink);
}

TEST(SimDatagram, PartitionStopsMessagesAtItsTymeAndHealResumesThem) {
  SimWorld w;
  w.two_hosts({.latency = 5 * kMs});
  w.net.partition_at(Tyme{seconds(1)}, {"a"}, {"b"});
  w.net.heal_at(Tyme{seconds(2)}, {"a"}, {"b"});
  Ticker sender(w.io, "sim://a:1", "b:2", 300, 10 * kMs);
  DatagramDoer receiver(w.io, "sim://b:2", {}, "receiver");
  w.doist.run({&sender, &receiver}, seconds(4));

  std::vector<std::uint64_t> seqs;
  for (const DatagramDoer::Received& r : receiver.received) {
    seqs.push_back(Ticker::seq_of(r.bytes));
    // Nothing arrives while the link is cut.
    EXPECT_TRUE(r.tyme < Tyme{seconds(1)} || r.tyme >= Tyme{seconds(2)}) << format_seconds(r.tyme);
  }
  std::vector<std::uint64_t> expected;
  for (std::uint64_t i = 0; i < 100; ++i)
    expected.push_back(i);
  for (std::uint64_t i = 200; i < 300; ++i)
    expected.push_back(i);
  EXPECT_EQ(seqs, expected);
  EXPECT_EQ(receiver.received[100].tyme, Tyme{seconds(2) + 5 * kMs});
  EXPECT_EQ(noise_count(w.sink, NoiseKind::drop, "partition a->b"), 100u);
  dump_on_failure(w.sink);
}

TEST(SimDatagram, APartitionOfHostSetsMakesNoLinkPerPairYetCutsLinksMadeLater) {
  SimWorld w;
  std::vector<std::string> left;
  std::vector<std::string> right;
  for (int i = 0; i < 200; ++i) {
    left.push_back("l" + std::to_string(i));
    right.push_back("r" + std::to_string(i));
    w.net.add_host(left.back());
    w.net.add_host(right.back());
  }
  w.net.partition(left, right);
  // Was a link per pair and direction: 2 x 200 x 200 = 80,000.
  EXPECT_EQ(w.net.link_count(), 0u);
  w.net.heal_at(Tyme{seconds(2)}, left, right);
  // l7 -> r9 is first used after the cut: it is cut all the same.
  Ticker sender(w.io, "sim://l7:1", "r9:2", 300, 10 * kMs);
  DatagramDoer receiver(w.io, "sim://r9:2", {}, "receiver");
  w.doist.run({&sender, &receiver}, seconds(4));
  EXPECT_EQ(noise_count(w.sink, NoiseKind::drop, "partition l7->r9"), 200u);
  ASSERT_EQ(receiver.received.size(), 100u);
  EXPECT_EQ(Ticker::seq_of(receiver.received[0].bytes), 200u);
  EXPECT_EQ(w.net.link_count(), 1u);
  dump_on_failure(w.sink);
}

TEST(SimDatagram, ALinkMadeLaterReplaysTheCutsAndHealsThatCoverItInOrder) {
  SimWorld w;
  for (const char* host : {"l7", "r9", "x"})
    w.net.add_host(host);
  w.net.partition({"l7", "x"}, {"r9"});  // cuts l7->r9
  w.net.heal_all_at(Tyme{seconds(1)});
  w.net.partition_at(Tyme{Tock{1'500'000'000}}, {"r9"}, {"l7"}, Way::one_way);  // not l7->r9
  w.net.partition_at(Tyme{seconds(2)}, {"x"}, {"r9"});                          // not l7->r9
  w.net.partition_at(Tyme{Tock{2'500'000'000}}, {"r9"}, {"l7"});                // l7->r9 too
  w.net.heal_at(Tyme{seconds(3)}, {"r9"}, {"l7", "x"});
  EXPECT_EQ(w.net.link_count(), 0u);
  Ticker sender(w.io, "sim://l7:1", "r9:2", 400, 10 * kMs);
  DatagramDoer receiver(w.io, "sim://r9:2", {}, "receiver");
  w.doist.run({&sender, &receiver}, seconds(5));
  // Cut over [0, 1 s) and [2.5 s, 3 s): 100 + 50 dropped.
  EXPECT_EQ(noise_count(w.sink, NoiseKind::drop, "partition l7->r9"), 150u);
  std::vector<std::uint64_t> seqs;
  for (const DatagramDoer::Received& r : receiver.received)
    seqs.push_back(Ticker::seq_of(r.bytes));
  std::vector<std::uint64_t> expected;
  for (std::uint64_t i = 100; i < 400; ++i) {
    if (i < 250 || i >= 300) expected.push_back(i);
  }
  EXPECT_EQ(seqs, expected);
  dump_on_failure(w.sink);
}

TEST(SimDatagram, ACutDropsWhatIsInFlightAndOneWayCutsOneDirection) {
  SimWorld w;
  w.two_hosts({.latency = 50 * kMs});
  w.net.partition_at(Tyme{seconds(1)}, {"a"}, {"b"}, Way::one_way);
  w.net.heal_all_at(Tyme{Tock{1'500'000'000}});
  Ticker ab(w.io, "sim://a:1", "b:2", 200, 10 * kMs, "ab");
  Ticker ba(w.io, "sim://b:2", "a:1", 200, 10 * kMs, "ba");
  w.doist.run({&ab, &ba}, seconds(3));

  // b -> a never noticed.
  EXPECT_EQ(ab.received.size(), 200u);
  // a -> b: sent at 0.95 .. 0.99 s were on the wire at the cut (dropped at
  // arrival); sent at 1.0 .. 1.49 s were dropped at once.
  std::vector<std::uint64_t> seqs;
  for (const DatagramDoer::Received& r : ba.received) {
    seqs.push_back(Ticker::seq_of(r.bytes));
    EXPECT_TRUE(r.tyme < Tyme{seconds(1)} || r.tyme >= Tyme{Tock{1'550'000'000}});
  }
  ASSERT_EQ(seqs.size(), 200u - 55u);
  EXPECT_EQ(seqs[94], 94u);
  EXPECT_EQ(seqs[95], 150u);
  EXPECT_EQ(noise_count(w.sink, NoiseKind::drop, "partition at arrival on link a->b"), 5u);
  EXPECT_EQ(noise_count(w.sink, NoiseKind::drop, "partition a->b"), 50u);
  dump_on_failure(w.sink);
}

// SimNet's links follow SimCuts, the rules hio check asks about a scenario's
// faults: whether a datagram from x to y gets through at a tyme is what
// SimCuts says of the partitions and heals applied by then. One-way and
// two-way cuts, host sets, overlapping cuts, a heal and a cut at one tyme in
// both orders, heal_all; links made after the first cut (at their first
// datagram) and links that exist at the later ones.
TEST(SimDatagram, EveryLinkIsCutExactlyWhenSimCutsSaysSo) {
  struct Step {
    Tock at;
    bool cut;
    bool all;
    std::vector<std::string> from, to;
    Way way;
  };
  const std::vector<std::string> hosts = {"a", "b", "c"};
  const std::vector<Step> steps = {
      {Tock{0}, true, false, {"a"}, {"b"}, Way::one_way},
      {105 * kMs, true, false, {"a", "b"}, {"c"}, Way::both},
      {205 * kMs, false, false, {"c"}, {"a"}, Way::one_way},
      {305 * kMs, true, false, {"b"}, {"a"}, Way::both},
      {405 * kMs, false, false, {"a"}, {"b", "c"}, Way::one_way},
      {505 * kMs, false, true, {}, {}, Way::both},
      {605 * kMs, true, false, {"a", "b", "c"}, {"a", "b", "c"}, Way::one_way},
      {605 * kMs, false, false, {"b"}, {"c"}, Way::both},
      {705 * kMs, false, false, {"c"}, {"a"}, Way::both},
      {705 * kMs, true, false, {"c"}, {"a"}, Way::one_way},
      {805 * kMs, false, true, {}, {}, Way::both},
  };
  const auto index = [&hosts](const std::string& name) {
    return static_cast<std::uint32_t>(std::find(hosts.begin(), hosts.end(), name) - hosts.begin());
  };
  // What SimCuts says of from -> to after the steps up to `t`.
  const auto cut_at = [&](const std::string& from, const std::string& to, Tyme t) {
    SimCuts cuts;
    for (const Step& s : steps) {
      if (Tyme{s.at} > t) break;
      SimCut rule;
      rule.cut = s.cut;
      rule.all = s.all;
      rule.way = s.way;
      for (const std::string& h : s.from)
        rule.from.push_back(index(h));
      for (const std::string& h : s.to)
        rule.to.push_back(index(h));
      cuts.add(std::move(rule));
    }
    return cuts.cut(index(from), index(to));
  };

  SimWorld w;
  for (const std::string& h : hosts)
    w.net.add_host(h);
  for (const Step& s : steps) {
    if (s.all) {
      w.net.heal_all_at(Tyme{s.at});
    } else if (s.at == Tock{0}) {  // before any link exists
      s.cut ? w.net.partition(s.from, s.to, s.way) : w.net.heal(s.from, s.to, s.way);
    } else if (s.cut) {
      w.net.partition_at(Tyme{s.at}, s.from, s.to, s.way);
    } else {
      w.net.heal_at(Tyme{s.at}, s.from, s.to, s.way);
    }
  }
  // A ticker per direction: x's on port 1 + y's index sends to y's port 1 + x's.
  std::vector<std::unique_ptr<Ticker>> tickers;
  std::vector<std::pair<std::string, std::string>> directions;
  for (const std::string& x : hosts) {
    for (const std::string& y : hosts) {
      if (x == y) continue;
      tickers.push_back(
          std::make_unique<Ticker>(w.io, "sim://" + x + ":" + std::to_string(1 + index(y)),
                                   y + ":" + std::to_string(1 + index(x)), 90, 10 * kMs, x + y));
      directions.emplace_back(x, y);
    }
  }
  std::vector<Doer*> doers;
  for (const auto& t : tickers)
    doers.push_back(t.get());
  w.doist.run(doers, 1000 * kMs);

  // tickers[i] sends x -> y; what it sent is in the received of y -> x's.
  for (std::size_t i = 0; i < directions.size(); ++i) {
    const auto& [x, y] = directions[i];
    std::size_t back = 0;
    while (directions[back] != std::pair{y, x})
      ++back;
    std::vector<std::uint64_t> got;
    for (const DatagramDoer::Received& r : tickers[back]->received)
      got.push_back(Ticker::seq_of(r.bytes));
    std::vector<std::uint64_t> expected;
    for (std::uint64_t seq = 0; seq < 90; ++seq) {
      if (!cut_at(x, y, Tyme{10 * kMs * static_cast<std::int64_t>(seq)})) expected.push_back(seq);
    }
    EXPECT_EQ(got, expected) << x << " -> " << y;
    EXPECT_LT(expected.size(), 90u) << x << " -> " << y << " was never cut";
  }
  dump_on_failure(w.sink);
}

TEST(SimDatagram, DownHostsUnknownPeersAndEmptyPortsAreReported) {
  SimWorld w;
  w.two_hosts();
  w.net.add_host("c");
  w.net.host_down("c");
  DatagramDoer sender(w.io, "sim://a:1");
  sender.queue("c:2", "to a down host");
  sender.queue("zz:2", "to nowhere");
  sender.queue("b", "no port");
  sender.queue("b:9", "nobody bound");
  w.doist.run({&sender}, seconds(1));
  const std::uint32_t id = sender.channel().id();
  EXPECT_EQ(noise_count(w.sink, NoiseKind::drop, "host c is down"), 1u);
  EXPECT_EQ(noise_count(w.sink, NoiseKind::drop, "nobody bound at arrival on link a->b"), 1u);
  std::vector<std::string> errors;
  for (const Recorded& r : w.sink.of(id))
    if (r.kind == EventKind::error) errors.push_back(r.text);
  EXPECT_THAT(errors,
              ::testing::ElementsAre(
                  "datagram of 10 bytes not sent: destination 'zz:2': unknown host 'zz'",
                  "datagram of 7 bytes not sent: destination 'b': the peer must be host:port"));
  // Errors are survivable: the channel stayed up until the doer's exit.
  EXPECT_EQ(sender.channel().reason(), "udp exit");
  dump_on_failure(w.sink);
}

// Each delay is capped at 100 years, but their sum is not: a datagram whose
// arrival would lie beyond the end of tyme (~292 years) is reported dropped,
// never wrapped round to arrive early.
TEST(SimDatagram, AnArrivalBeyondTheEndOfTymeIsADrop) {
  constexpr Tock kCentury = seconds(100LL * 365 * 24 * 3600);
  SimWorld w({}, seconds(1));
  w.two_hosts({.latency = kCentury, .reorder = 1.0, .reorder_delay = kCentury}, Way::one_way);
  Ticker sender(w.io, "sim://a:1000", "b:2000", 2, kCentury);
  DatagramDoer receiver(w.io, "sim://b:2000", {}, "receiver");
  w.doist.run({&sender, &receiver});
  ASSERT_EQ(sender.sent(), 2u);
  // Sent at 0: arrives at 200 years. Sent at 100 years: 300 > 292 years.
  ASSERT_EQ(receiver.received.size(), 1u);
  EXPECT_EQ(Ticker::seq_of(receiver.received[0].bytes), 0u);
  EXPECT_EQ(noise_count(w.sink, NoiseKind::drop, "would arrive beyond the end of tyme"), 1u);
  dump_on_failure(w.sink);
}

TEST(SimDatagram, AFullReceiveBufferDropsAndReports) {
  SimWorld w;
  w.two_hosts();
  DatagramDoer sender(w.io, "sim://a:1");
  // Nobody reads b:2: rx takes 4 datagrams, the receive buffer 2 more.
  Channel& idle = w.io.bind("sim://b:2", with([](ChannelOptions& o) {
                              o.datagrams_max = 4;
                              o.socket_buffer_bytes = 20;
                            }));
  for (int i = 0; i < 10; ++i)
    sender.queue("b:2", "ten bytes!");
  w.doist.run({&sender}, seconds(1));
  EXPECT_EQ(idle.rx_count(), 4u);
  EXPECT_EQ(noise_count(w.sink, NoiseKind::drop, "receive buffer full"), 4u);
  dump_on_failure(w.sink);
}

// A closing endpoint loses the datagrams waiting in its receive buffer, as a
// socket's go with it: each a drop at the close, on its channel, before the
// close event (unfixed: nothing; 20 of the 100 bytes sent left no trace).
TEST(SimDatagram, ClosingLosesTheReceiveBufferOnTheRecord) {
  SimWorld w;
  w.two_hosts();
  DatagramDoer sender(w.io, "sim://a:1");
  Channel& idle = w.io.bind("sim://b:2", with([](ChannelOptions& o) {
                              o.datagrams_max = 4;
                              o.socket_buffer_bytes = 20;
                            }));
  for (int i = 0; i < 10; ++i)
    sender.queue("b:2", "ten bytes" + std::to_string(i));
  w.doist.run({&sender}, seconds(1));
  ASSERT_EQ(idle.rx_count(), 4u);
  idle.close("done");
  std::vector<std::string> lost;
  for (const Recorded& r : w.sink.of(idle.id())) {
    if (r.kind == EventKind::noise && r.text.starts_with("closed:")) {
      EXPECT_EQ(r.noise, NoiseKind::drop);
      EXPECT_EQ(r.text, "closed: datagram from a:1 in the receive buffer of b:2 lost");
      EXPECT_EQ(r.peer, "b:2");
      lost.push_back(r.bytes);
    }
  }
  EXPECT_THAT(lost, ::testing::ElementsAre("ten bytes4", "ten bytes5"));
  ASSERT_EQ(w.sink.of(idle.id()).back().kind, EventKind::close);  // the drops come first
  std::size_t sent = 0;
  std::size_t accounted = 0;
  for (const Recorded& r : w.sink.events) {
    if (r.kind == EventKind::tx) sent += r.bytes.size();
    if (r.kind == EventKind::rx || r.kind == EventKind::noise) accounted += r.bytes.size();
  }
  EXPECT_EQ(accounted, sent);
  dump_on_failure(w.sink);
}

// As on udp://: a datagram larger than the receiver's datagram_bytes_max is
// an error event on the receiver as it is read ("discarded"), never
// delivered, and the channel reads on. The first over-limit one is read at
// once; the second waits behind a full rx and is discarded when its turn comes.
TEST(SimDatagram, ADatagramOverTheReceiversLimitIsReportedAndDiscarded) {
  SimWorld w;
  w.two_hosts();
  DatagramDoer sender(w.io, "sim://a:1");
  DatagramDoer receiver(w.io, "sim://b:2", with([](ChannelOptions& o) {
                          o.datagram_bytes_max = 100;
                          o.datagrams_max = 1;
                        }),
                        "receiver");
  sender.queue("b:2", std::string(200, 'x'));
  sender.queue("b:2", "one");
  sender.queue("b:2", "two");
  sender.queue("b:2", std::string(101, 'y'));
  sender.queue("b:2", "three");
  w.doist.run({&sender, &receiver}, seconds(1));
  std::vector<std::string> got;
  for (const DatagramDoer::Received& r : receiver.received)
    got.push_back(r.bytes);
  EXPECT_THAT(got, ::testing::ElementsAre("one", "two", "three"));
  std::vector<std::string> errors;
  for (const Recorded& r : w.sink.of(receiver.channel().id()))
    if (r.kind == EventKind::error) errors.push_back(r.text);
  EXPECT_THAT(errors, ::testing::ElementsAre(
                          "datagram of 200 bytes from a:1 exceeds datagram_bytes_max (100); "
                          "discarded",
                          "datagram of 101 bytes from a:1 exceeds datagram_bytes_max (100); "
                          "discarded"));
  EXPECT_EQ(receiver.channel().reason(), "udp exit");  // it stayed open
  dump_on_failure(w.sink);
}

// More than UDP carries (65,507 bytes), allowed by a larger
// datagram_bytes_max: refused as udp:// refuses it (its tx, then the OS's
// EMSGSIZE in the same words), not delivered; 65,507 bytes still go.
// SimNet delivered 66,000 bytes (xsvr16 finding 7).
TEST(SimDatagram, ADatagramLargerThanUdpCarriesIsRefusedAsOnUdp) {
  SimWorld w;
  w.two_hosts();
  ChannelOptions big;
  big.datagram_bytes_max = 70'000;
  big.rx_bytes_max = 200'000;
  big.tx_bytes_max = 200'000;
  DatagramDoer sender(w.io, "sim://a:1", big);
  DatagramDoer receiver(w.io, "sim://b:6", big);
  sender.queue("b:6", std::string(66'000, 'x'));
  sender.queue("b:6", std::string(65'507, 'y'));
  w.doist.run({&sender, &receiver}, seconds(1));
  std::vector<std::string> errors;
  for (const Recorded& r : w.sink.of(sender.channel().id()))
    if (r.kind == EventKind::error) errors.push_back(r.text);
  EXPECT_THAT(errors,
              ::testing::ElementsAre("send of 66000 bytes to b:6 failed: Message too long"));
  ASSERT_EQ(receiver.received.size(), 1u);
  EXPECT_EQ(receiver.received[0].bytes.size(), 65'507u);
  EXPECT_EQ(sender.channel().reason(), "udp exit");  // it stayed open
  dump_on_failure(w.sink);
}

TEST(SimDatagram, PortZeroBindsAFreePortAndInUseFails) {
  SimWorld w;
  w.net.add_host("a");
  Channel& any = w.io.bind("sim://a:0");
  EXPECT_EQ(any.local(), "a:49152");
  Channel& fixed = w.io.bind("sim://a:5");
  Channel& again = w.io.bind("sim://a:5");
  EXPECT_TRUE(fixed.connected());
  EXPECT_EQ(again.state(), ChannelState::failed);
  // The real transports' words (udp://: bind to 127.0.0.1:P failed: ...,
  // tcp://: listen on 127.0.0.1:P failed: ...).
  EXPECT_EQ(again.reason(), "bind to a:5 failed: Address already in use");
  (void)w.io.listen("sim://a:7");
  Channel& listener = w.io.listen("sim://a:7");
  EXPECT_EQ(listener.reason(), "listen on a:7 failed: Address already in use");
  dump_on_failure(w.sink);
}

// The ephemeral range is 49152..65535 (16,384 ports a host and family): port
// 0 takes the next free one from a cursor that only moves on, wraps to the
// range's start, and fails with "no free port" once all are taken (at once:
// the free ports are kept as bits, not searched port by port).
TEST(SimDatagram, TheEphemeralRangeWrapsAndAFullRangeFailsAtOnce) {
  SimWorld w;
  w.net.add_host("a");
  std::vector<Channel*> bound;
  for (int i = 0; i < 16'384; ++i) {
    Channel& c = w.io.bind("sim://a:0");
    ASSERT_TRUE(c.connected()) << i << ": " << c.reason();
    bound.push_back(&c);
  }
  EXPECT_EQ(bound.front()->local(), "a:49152");
  EXPECT_EQ(bound.back()->local(), "a:65535");
  for (int i = 0; i < 3; ++i) {
    Channel& full = w.io.bind("sim://a:0");
    EXPECT_EQ(full.state(), ChannelState::failed);
    EXPECT_EQ(full.reason(), "bind to a:0 failed: no free port");
  }
  // Freed ports are taken again in the order of the range after the cursor
  // (which wrapped past 65535): the lowest freed one first.
  bound[7'000]->close("freed");
  bound[100]->close("freed");
  EXPECT_EQ(w.io.bind("sim://a:0").local(), "a:49252");
  EXPECT_EQ(w.io.bind("sim://a:0").local(), "a:56152");
  EXPECT_EQ(w.io.bind("sim://a:0").state(), ChannelState::failed);
  // A fixed port in the range is in use for port 0 too, and the stream
  // family has a range of its own.
  bound[16'000]->close("freed");
  EXPECT_TRUE(w.io.bind("sim://a:65152").connected());
  EXPECT_EQ(w.io.bind("sim://a:0").state(), ChannelState::failed);
  dump_on_failure(w.sink);
}

// Sends its datagrams in its first run and is done; its channel closes at exit.
class SendAndGo final : public Doer {
 public:
  SendAndGo(IoHub& io, std::string_view address, std::string peer, std::vector<std::string> out)
      : Doer("send-and-go"), channel_(io.bind(address)), peer_(std::move(peer)), out_(out) {}

 protected:
  bool recur(Tyme) override {
    for (const std::string& bytes : out_)
      EXPECT_TRUE(channel_.send(peer_, bytes));
    channel_.service();  // hands them to the network (tx events)
    return true;
  }
  void exit() override { channel_.close("sent"); }

 private:
  Channel& channel_;
  std::string peer_;
  std::vector<std::string> out_;
};

// Parks with no deadline until a delivery wakes it; done after `want` datagrams.
class ReceiveAndGo final : public Doer {
 public:
  ReceiveAndGo(IoHub& io, std::string_view address, std::size_t want)
      : Doer("receive-and-go"), channel_(io.bind(address)), want_(want) {}
  std::vector<Tyme> arrivals;

 protected:
  void enter() override { channel_.set_waiter(this); }
  bool recur(Tyme tyme) override {
    channel_.service();
    while (channel_.receive())
      arrivals.push_back(tyme);
    if (arrivals.size() >= want_) return true;
    park();
    return false;
  }
  void exit() override {
    channel_.set_waiter(nullptr);
    channel_.close("received");
  }

 private:
  Channel& channel_;
  std::size_t want_;
};

struct FinishingRun {
  RunEnd end;
  std::vector<std::string> lines;
  std::vector<Tyme> arrivals;
  std::uint64_t executed_passes;
};

// Two datagrams over a 5 s link, 1 ms passes, no limit.
FinishingRun finishing_run(bool skip) {
  SimWorld w;
  w.doist.set_skip(skip);
  w.two_hosts({.latency = seconds(5)});
  SendAndGo sender(w.io, "sim://a:1", "b:2", {"first", "second"});
  ReceiveAndGo receiver(w.io, "sim://b:2", 2);
  const RunEnd end = w.doist.run({&sender, &receiver});
  dump_on_failure(w.sink);
  return FinishingRun{end, w.sink.lines(), receiver.arrivals, w.doist.executed_passes()};
}

// SimNet tells the Doist when its next delivery is due (Reactor::next_tyme):
// the Doist skips exactly to it, the delivery wakes the parked receiver in
// that pass, and once every doer has finished the run is done — the network
// keeps no run alive.
TEST(SimDatagram, ARunWhoseDoersAllFinishEndsDoneAndSkipsToEachDelivery) {
  const FinishingRun skipping = finishing_run(true);
  EXPECT_EQ(skipping.end, RunEnd::done);
  EXPECT_THAT(skipping.arrivals, ::testing::ElementsAre(Tyme{seconds(5)}, Tyme{seconds(5)}));
  EXPECT_EQ(skipping.executed_passes, 2u);  // at 0 and at the delivery
  const FinishingRun stepping = finishing_run(false);
  EXPECT_EQ(stepping.end, RunEnd::done);
  EXPECT_EQ(stepping.lines, skipping.lines);
  EXPECT_EQ(stepping.executed_passes, 5001u);
}

// A service sends all of tx, however many datagrams it holds (fixsim24): a
// strict replay takes a pass's recorded sends as they fall due, so a service
// that left some in tx would give the replay's doers other room than the
// run's. Unfixed: a service sent at most 2^20, and with an API datagrams_max
// above that the last send waited for the next pass's service (at 1 ms). No
// RecordingSink: two million events (tx, drop) are counted, not kept.
TEST(SimDatagram, AServiceSendsAllOfTxHoweverManyDatagramsItHolds) {
  constexpr std::size_t kCount = (std::size_t{1} << 20) + 1;
  struct TxTymes final : EventSink {
    void on_event(const ChannelEvent& event) override {
      if (event.kind != EventKind::tx) return;
      ++sent;
      last = event.tyme;
    }
    std::size_t sent = 0;
    Tyme last{};
  };
  TxTymes sink;
  Doist doist(kMs);
  IoHub io(doist.tymth());
  SimNet net(doist, io, {});
  doist.attach(io);
  doist.set_handle_sigint(false);
  io.add_sink(sink);
  net.add_host("a");
  net.set_link("a", "a", {.loss = 1.0});  // each lost as it is sent: none held in flight
  DatagramDoer sender(io, "sim://a:1", with([](ChannelOptions& o) { o.datagrams_max = kCount; }));
  for (std::size_t i = 0; i < kCount; ++i)
    sender.queue("a:2", {});
  doist.run({&sender}, 3 * kMs);
  EXPECT_EQ(sink.sent, kCount);
  EXPECT_EQ(sink.last.time_since_epoch().count(), 0);  // ns: all in the pass at 0
}

}  // namespace sim_datagram_test
}  // namespace
}  // namespace hio::test
