// What a real channel's opening would fail with at once, found without
// opening it: for `hio check`, which touches no peer.
#pragma once

#include <string>

#include "hio/io/address.hpp"
#include "hio/io/transport.hpp"

namespace hio {

// For a tcp://, tls:// or udp:// address on a host name: why a channel of
// `role` could not open there, in the words of the run's failure, or "" if
// nothing says so before it is tried. The name is resolved as the run
// resolves it (getaddrinfo through Asio's resolver, a numeric service, any
// family; passive for a listener or datagram endpoint), so a name that does
// not resolve gives the run's "cannot resolve 'HOST:PORT': REASON" (a
// client's that resolves to no address, "connect to HOST:PORT failed: no
// address"). That asks the system's resolver (a name server, for a name not
// in /etc/hosts) and waits for its answer, as the run would wait; no peer is
// touched. A name in the reserved domain "invalid" is answered at once, as
// in the run, without asking (docs/io.md, "Addresses"). An IP address gives
// "": only opening it says more (whether something listens there, whether
// the port is free). Other schemes: "".
std::string known_open_failure(const Address& address, ChannelRole role);

}  // namespace hio
