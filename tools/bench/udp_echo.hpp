// The UDP echo exchange that hio-bench runs both in hio (SimNet) and in ns-3,
// so the two halves of sim_vs_ns3 cannot drift apart: ns-3's UdpEchoClient
// pattern between two nodes over one point-to-point link.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hio::bench {

struct UdpEchoSpec {
  std::uint64_t packets = 100'000;         // sent by the client, each echoed
  std::size_t packet_bytes = 1024;         // UDP payload
  std::int64_t interval_ns = 100'000;      // between the client's sends
  std::int64_t link_delay_ns = 2'000'000;  // one way
  std::uint64_t link_bps = 100'000'000;    // the link's data rate
  std::uint16_t server_port = 9;
};

// Runs the exchange in ns-3 and returns the packets delivered: those the
// server received plus the echoes the client received (2 x packets on this
// lossless link). Defined in ns3_echo.cpp, built only with ns-3
// (HIO_BENCH_NS3).
std::uint64_t ns3_udp_echo_run(const UdpEchoSpec& spec);

}  // namespace hio::bench
