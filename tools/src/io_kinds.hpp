// The IO doer kinds of scenarios, registered by family (add_io_kinds,
// registry.hpp, adds them all): echo_server and echo_client over any stream
// address (tcp://, tls://, sim://), udp_responder and udp_requester over
// datagrams (udp://, sim://), serial_echo and serial_sender over serial
// lines (serial://, sim-serial://). They publish counters for expectations.
// Internal to tools/src.
#pragma once

#include "hio/tools/registry.hpp"

namespace hio::tools {

void add_stream_kinds(DoerRegistry& registry);    // stream_kinds.cpp
void add_datagram_kinds(DoerRegistry& registry);  // datagram_kinds.cpp
void add_serial_kinds(DoerRegistry& registry);    // serial_kinds.cpp

}  // namespace hio::tools
