// The ns-3 half of sim_vs_ns3: UdpEchoClientHelper and UdpEchoServerHelper on
// two nodes joined by a PointToPointHelper link (ns-3's first.cc), with the
// count, size, interval, delay and rate of UdpEchoSpec. Kept in its own file
// so nothing else in hio sees ns-3; built only when CMake finds it.
#include <ns3/applications-module.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>

#include <string>

#include "udp_echo.hpp"

namespace hio::bench {
namespace {

// Counts the packets an application received (its "Rx" trace source).
struct RxCounter {
  std::uint64_t count = 0;
  void on_rx(ns3::Ptr<const ns3::Packet>) { ++count; }
};

// ns-3 takes nanoseconds unsigned; the spec's are positive.
ns3::Time ns(std::int64_t value) {
  return ns3::NanoSeconds(static_cast<std::uint64_t>(value));
}

}  // namespace

std::uint64_t ns3_udp_echo_run(const UdpEchoSpec& spec) {
  using namespace ns3;
  // The address allocator is global to the process: each run starts afresh.
  Ipv4AddressGenerator::Reset();
  NodeContainer nodes;
  nodes.Create(2);
  PointToPointHelper p2p;
  p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(spec.link_bps)));
  p2p.SetChannelAttribute("Delay", TimeValue(ns(spec.link_delay_ns)));
  NetDeviceContainer devices = p2p.Install(nodes);
  InternetStackHelper stack;
  stack.Install(nodes);
  Ipv4AddressHelper address;
  address.SetBase("10.1.1.0", "255.255.255.0");
  Ipv4InterfaceContainer interfaces = address.Assign(devices);

  UdpEchoServerHelper server(spec.server_port);
  ApplicationContainer server_apps = server.Install(nodes.Get(1));
  server_apps.Start(Seconds(0.0));
  UdpEchoClientHelper client(interfaces.GetAddress(1), spec.server_port);
  client.SetAttribute("MaxPackets", UintegerValue(spec.packets));
  client.SetAttribute("Interval", TimeValue(ns(spec.interval_ns)));
  client.SetAttribute("PacketSize", UintegerValue(spec.packet_bytes));
  ApplicationContainer client_apps = client.Install(nodes.Get(0));
  client_apps.Start(Seconds(0.0));

  RxCounter at_server;
  RxCounter at_client;
  server_apps.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&RxCounter::on_rx, &at_server));
  client_apps.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&RxCounter::on_rx, &at_client));
  // The last packet leaves at (packets - 1) x interval and is back one round
  // trip later; a second more is room to spare (nothing happens in it).
  const auto packets = static_cast<std::int64_t>(spec.packets);
  Simulator::Stop(ns(packets * spec.interval_ns + 2 * spec.link_delay_ns) + Seconds(1.0));
  Simulator::Run();
  Simulator::Destroy();
  return at_server.count + at_client.count;
}

}  // namespace hio::bench
