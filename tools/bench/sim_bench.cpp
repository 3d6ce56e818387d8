// SimNet benchmarks: datagrams delivered per wall second through a noisy
// link between two peer doers, and a UDP echo over a point-to-point link
// compared with the same exchange in ns-3 (when built with it).
#include <cstdint>
#include <cstdio>
#include <string>

#include "bench.hpp"
#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"

#if defined(HIO_BENCH_NS3)
#include <ns3/applications-module.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>
#endif

namespace hio::bench {

void sim_suite(const Options& options, Report& report);

namespace {

constexpr Tock kMs{1'000'000};
constexpr Tock kUs{1'000};

// Sends `total` datagrams to `peer`, up to `burst` a pass (as many as tx
// takes), and answers nothing. Runs every pass until all are sent.
class Blaster final : public Doer {
 public:
  Blaster(Channel& channel, std::string peer, std::uint64_t total, std::uint64_t burst)
      : Doer("blaster"), channel_(channel), peer_(std::move(peer)), total_(total), burst_(burst) {}

 protected:
  void enter() override {
    channel_.set_driver(this);
    channel_.set_waiter(this);
  }
  bool recur(Tyme) override {
    for (std::uint64_t i = 0; i < burst_ && sent_ < total_; ++i) {
      if (!channel_.send(peer_, payload_)) break;
      ++sent_;
    }
    channel_.service();
    return sent_ == total_ && channel_.flushed();
  }

 private:
  Channel& channel_;
  std::string peer_;
  std::string payload_ = std::string(64, 'x');
  std::uint64_t total_;
  std::uint64_t burst_;
  std::uint64_t sent_ = 0;
};

// Receives everything; if `echo`, sends each datagram back to its sender.
// Parks while idle: woken by arrivals (in SimNet's poll, same pass).
class Sink final : public Doer {
 public:
  Sink(IoHub& io, Channel& channel, bool echo)
      : Doer("sink"), io_(io), channel_(channel), echo_(echo) {}
  std::uint64_t received = 0;

 protected:
  void enter() override {
    channel_.set_driver(this);
    channel_.set_waiter(this);
  }
  bool recur(Tyme) override {
    const std::uint64_t before = io_.event_count();
    channel_.service();
    while (std::optional<Datagram> d = channel_.receive()) {
      ++received;
      if (echo_ && !channel_.send(d->peer, d->bytes)) break;
    }
    channel_.service();
    if (io_.event_count() == before) park();
    return false;
  }

 private:
  IoHub& io_;
  Channel& channel_;
  bool echo_;
};

// A UDP echo client in the manner of ns-3's UdpEchoClient: one packet of
// `size` bytes every `interval` until `count`, counting echoes received.
class EchoClient final : public Doer {
 public:
  EchoClient(Channel& channel, std::string peer, std::uint64_t count, std::size_t size,
             Tock interval)
      : Doer("echo-client", interval),
        channel_(channel),
        peer_(std::move(peer)),
        payload_(size, 'e'),
        count_(count) {}
  std::uint64_t echoes = 0;

 protected:
  void enter() override {
    channel_.set_driver(this);
    channel_.set_waiter(this);
  }
  bool recur(Tyme) override {
    channel_.service();
    while (channel_.receive())
      ++echoes;
    if (sent_ < count_ && channel_.send(peer_, payload_)) ++sent_;
    channel_.service();
    return echoes == count_;
  }

 private:
  Channel& channel_;
  std::string peer_;
  std::string payload_;
  std::uint64_t count_;
  std::uint64_t sent_ = 0;
};

ChannelOptions roomy() {
  ChannelOptions options;
  options.datagrams_max = 16'384;
  options.rx_bytes_max = 4u << 20;
  options.tx_bytes_max = 4u << 20;
  options.socket_buffer_bytes = 4u << 20;
  return options;
}

// Datagrams delivered through a noisy link: returns how many arrived.
std::uint64_t noisy_link_run(std::uint64_t total) {
  Doist doist(kMs);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  SimNet net(doist, io, {.seed = 1});
  net.add_host("a");
  net.add_host("b");
  net.set_link("a", "b",
               {.latency = 5 * kMs,
                .jitter = kMs,
                .bandwidth_bps = 10'000'000'000,
                .queue_bytes_max = 16u << 20,
                .loss = 0.01,
                .duplicate = 0.01,
                .reorder = 0.01,
                .reorder_delay = 2 * kMs,
                .corrupt = 0.001});
  Channel& a = io.bind("sim://a:1", roomy());
  Channel& b = io.bind("sim://b:2", roomy());
  Blaster blaster(a, "b:2", total, 4096);
  Sink sink(io, b, false);
  doist.run({&blaster, &sink}, seconds(60));
  return sink.received;
}

// The hio half of the ns-3 comparison: returns packets delivered (both ways).
constexpr std::uint64_t kEchoPackets = 100'000;
constexpr std::size_t kEchoSize = 1024;
constexpr Tock kEchoInterval = 100 * kUs;

std::uint64_t hio_udp_echo_run() {
  Doist doist(kEchoInterval);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  SimNet net(doist, io, {.seed = 1});
  net.add_host("n0");
  net.add_host("n1");
  // ns-3's first.cc topology, faster: point-to-point, 100 Mbit/s, 2 ms.
  net.set_link("n0", "n1", {.latency = 2 * kMs, .bandwidth_bps = 100'000'000});
  Channel& client_channel = io.bind("sim://n0:49153", roomy());
  Channel& server_channel = io.bind("sim://n1:9", roomy());
  EchoClient client(client_channel, "n1:9", kEchoPackets, kEchoSize, kEchoInterval);
  Sink server(io, server_channel, true);
  doist.run({&client, &server}, seconds(60));
  return server.received + client.echoes;
}

#if defined(HIO_BENCH_NS3)
std::uint64_t ns3_udp_echo_run() {
  using namespace ns3;
  NodeContainer nodes;
  nodes.Create(2);
  PointToPointHelper p2p;
  p2p.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
  p2p.SetChannelAttribute("Delay", StringValue("2ms"));
  NetDeviceContainer devices = p2p.Install(nodes);
  InternetStackHelper stack;
  stack.Install(nodes);
  Ipv4AddressHelper address;
  address.SetBase("10.1.1.0", "255.255.255.0");
  Ipv4InterfaceContainer interfaces = address.Assign(devices);
  UdpEchoServerHelper server(9);
  ApplicationContainer server_apps = server.Install(nodes.Get(1));
  server_apps.Start(Seconds(0.0));
  UdpEchoClientHelper client(interfaces.GetAddress(1), 9);
  client.SetAttribute("MaxPackets", UintegerValue(static_cast<std::uint64_t>(kEchoPackets)));
  client.SetAttribute(
      "Interval",
      TimeValue(MicroSeconds(static_cast<std::uint64_t>(kEchoInterval.count() / 1000))));
  client.SetAttribute("PacketSize", UintegerValue(static_cast<std::uint64_t>(kEchoSize)));
  ApplicationContainer client_apps = client.Install(nodes.Get(0));
  client_apps.Start(Seconds(0.0));
  // Every packet sent and echoed, with time to spare.
  Simulator::Stop(Seconds(static_cast<double>(kEchoPackets) * 1e-4 + 1.0));
  Simulator::Run();
  Simulator::Destroy();
  return 2 * kEchoPackets;  // every packet there and back; the link is lossless
}
#endif

}  // namespace

void sim_suite(const Options& options, Report& report) {
  const std::uint64_t total = options.quick ? 200'000 : 2'000'000;
  std::uint64_t delivered = 0;
  const double noisy_s =
      best_seconds(options.repeats(), [&] { delivered = noisy_link_run(total); });
  report.add("sim_datagrams_per_s", static_cast<double>(delivered) / noisy_s, "datagrams/s");

  std::uint64_t packets = 0;
  const double hio_s = best_seconds(options.repeats(), [&] { packets = hio_udp_echo_run(); });
  const double hio_rate = static_cast<double>(packets) / hio_s;
  report.add("sim_udp_echo_packets_per_s", hio_rate, "packets/s");
#if defined(HIO_BENCH_NS3)
  std::uint64_t ns3_packets = 0;
  const double ns3_s = best_seconds(options.repeats(), [&] { ns3_packets = ns3_udp_echo_run(); });
  const double ns3_rate = static_cast<double>(ns3_packets) / ns3_s;
  report.add("ns3_udp_echo_packets_per_s", ns3_rate, "packets/s");
  report.add("sim_vs_ns3", hio_rate / ns3_rate, "ratio");
#else
  std::fprintf(stderr,
               "hio-bench sim: sim_vs_ns3 skipped: built without ns-3 (libns3-dev; see "
               "docs/simulation.md, Performance)\n");
#endif
}

}  // namespace hio::bench
