// SimNet benchmarks: datagrams delivered per wall second through a noisy
// link between two peer doers, and a UDP echo over a point-to-point link
// compared with the same exchange in ns-3 (ns3_echo.cpp, when built with it).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

#include "bench.hpp"
#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "udp_echo.hpp"

namespace hio::bench {

void sim_suite(const Options& options, Report& report);

namespace {

constexpr Tock kMs{1'000'000};

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

// Receives everything. Parks while idle: woken by arrivals (in SimNet's
// poll, same pass).
class Sink final : public Doer {
 public:
  Sink(IoHub& io, Channel& channel) : Doer("sink"), io_(io), channel_(channel) {}
  std::uint64_t received = 0;

 protected:
  void enter() override {
    channel_.set_driver(this);
    channel_.set_waiter(this);
  }
  bool recur(Tyme) override {
    const std::uint64_t before = io_.event_count();
    channel_.service();
    while (channel_.receive())
      ++received;
    channel_.service();
    if (io_.event_count() == before) park();
    return false;
  }

 private:
  IoHub& io_;
  Channel& channel_;
};

// The hio half of sim_vs_ns3: two peer doers, each driving its own datagram
// endpoint, as users write them (UdpPeerDoer with serve()). The client sends
// one packet every pass (the Doist's tock is the spec's interval) until
// `packets`, as ns-3's UdpEchoClient does, and counts the echoes; the server
// sends every datagram back to its sender.
class EchoClientPeer final : public UdpPeerDoer {
 public:
  EchoClientPeer(IoHub& io, std::string_view address, std::string server, const UdpEchoSpec& spec,
                 ChannelOptions options)
      : UdpPeerDoer(io, address, std::move(options), "echo-client"),
        server_(std::move(server)),
        payload_(spec.packet_bytes, 'e'),
        packets_(spec.packets) {}
  std::uint64_t echoes = 0;

 protected:
  void serve(Channel& channel) override {
    while (channel.receive())
      ++echoes;
    if (sent_ < packets_ && channel.send(server_, payload_)) ++sent_;
    if (sent_ < packets_) rerun();  // the next send is next pass
  }

 private:
  std::string server_;
  std::string payload_;
  std::uint64_t packets_;
  std::uint64_t sent_ = 0;
};

class EchoServerPeer final : public UdpPeerDoer {
 public:
  EchoServerPeer(IoHub& io, std::string_view address, ChannelOptions options)
      : UdpPeerDoer(io, address, std::move(options), "echo-server") {}
  std::uint64_t received = 0;

 protected:
  void serve(Channel& channel) override {
    while (std::optional<Datagram> d = channel.receive()) {
      ++received;
      if (!channel.send(d->peer, d->bytes)) break;
    }
  }
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
  Sink sink(io, b);
  doist.run({&blaster, &sink}, seconds(60));
  return sink.received;
}

// Returns the packets delivered (both ways).
std::uint64_t hio_udp_echo_run(const UdpEchoSpec& spec) {
  Doist doist(Tock{spec.interval_ns});
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  SimNet net(doist, io, {.seed = 1});
  net.add_host("n0");
  net.add_host("n1");
  net.set_link("n0", "n1", {.latency = Tock{spec.link_delay_ns}, .bandwidth_bps = spec.link_bps});
  EchoServerPeer server(io, "sim://n1:" + std::to_string(spec.server_port), roomy());
  EchoClientPeer client(io, "sim://n0:49153", "n1:" + std::to_string(spec.server_port), spec,
                        roomy());
  // Ends stalled once every echo is back: both peers parked, nothing in flight.
  doist.run({&server, &client});
  return server.received + client.echoes;
}

// Wall and CPU seconds of one call of fn, folded into the best (smallest)
// of each so far. On a shared machine the CPU figure moves far less.
struct Timing {
  explicit Timing(const Options& options) : once(options.once()) {}
  Runs once;
  double wall_s = 1e300;
  double cpu_s = 1e300;
  template <class Fn>
  void run(Fn fn) {
    const std::clock_t cpu_start = std::clock();
    wall_s = std::min(wall_s, best_seconds(once, fn));
    cpu_s = std::min(cpu_s, static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
  }
};

// The echo figures count packets received; a lossless run receives them all.
void warn_if_short(const char* who, std::uint64_t packets, std::uint64_t expected) {
  if (packets == expected) return;
  std::fprintf(stderr, "hio-bench sim: %s's echo delivered %llu packets, not %llu\n", who,
               static_cast<unsigned long long>(packets), static_cast<unsigned long long>(expected));
}

}  // namespace

void sim_suite(const Options& options, Report& report) {
  const std::uint64_t total = options.quick ? 200'000 : 2'000'000;
  std::uint64_t delivered = 0;
  Timing noisy(options);
  for (int i = 0; i < options.rounds(); ++i)
    noisy.run([&] { delivered = noisy_link_run(total); });
  const auto delivered_n = static_cast<double>(delivered);
  report.add("sim_datagrams_per_s", delivered_n / noisy.wall_s, "datagrams/s");
  report.add("sim_datagrams_per_cpu_s", delivered_n / noisy.cpu_s, "datagrams/cpu-s");

  // The same exchange in hio and in ns-3, run alternately (round by round,
  // the best of each kept) so machine load hits both alike.
  const UdpEchoSpec spec;
  std::uint64_t packets = 0;
  Timing hio(options);
#if defined(HIO_BENCH_NS3)
  std::uint64_t ns3_packets = 0;
  Timing ns3(options);
#endif
  for (int round = 0; round < options.rounds(); ++round) {
    hio.run([&] { packets = hio_udp_echo_run(spec); });
#if defined(HIO_BENCH_NS3)
    ns3.run([&] { ns3_packets = ns3_udp_echo_run(spec); });
#endif
  }
  warn_if_short("hio", packets, 2 * spec.packets);
  const auto packets_n = static_cast<double>(packets);
  report.add("sim_udp_echo_packets_per_s", packets_n / hio.wall_s, "packets/s");
#if defined(HIO_BENCH_NS3)
  warn_if_short("ns-3", ns3_packets, 2 * spec.packets);
  const auto ns3_n = static_cast<double>(ns3_packets);
  report.add("ns3_udp_echo_packets_per_s", ns3_n / ns3.wall_s, "packets/s");
  report.add("sim_vs_ns3", (packets_n / hio.wall_s) / (ns3_n / ns3.wall_s), "ratio");
  report.add("sim_vs_ns3_cpu", (packets_n / hio.cpu_s) / (ns3_n / ns3.cpu_s), "ratio");
#else
  report.skip("sim_vs_ns3", HIO_BENCH_NS3_SKIPPED);
#endif
}

}  // namespace hio::bench
