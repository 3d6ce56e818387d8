// IP addresses in one spelling, for comparing addresses written in
// different ones: the host a doer claims against another's, the sender of a
// datagram against the peer it was sent to.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hio {

struct CanonicalHost {
  std::string host;   // the IP address in one spelling, or a name as written
  int ip_family = 0;  // AF_INET, AF_INET6, or 0 for a name
};

// An IP address (no brackets) as inet_ntop writes it, an IPv4-mapped IPv6
// one as IPv4, an IPv6 zone as written but a number without leading zeros
// ("%01" is "%1"; "%lo" stays "%lo", whichever index lo has: the machine's
// interfaces are not asked, so that a replay compares as its recording did,
// on any machine); anything else as it is, family 0.
CanonicalHost canonical_host(std::string_view host);

// Whether `c` is a wildcard, every address of its family: 0.0.0.0, or ::
// (also spelt ::ffff:0.0.0.0, which is 0.0.0.0, or 0:0::0).
bool is_wildcard(const CanonicalHost& c);

// "host:port" or "[v6]:port" split into the host (without brackets) and the
// port; false if there is no numeric port.
bool split_peer(std::string_view peer, std::string_view& host, unsigned& port);

// Whether two datagram peers, "host:port" or "[v6]:port", are the same
// endpoint: the same port, and the same host once canonical. Names compare
// as written.
bool same_peer(std::string_view a, std::string_view b);

// An endpoint, "host:port" or "[v6]:port", in one spelling: its host
// canonical (canonical_host: "[::ffff:127.0.0.1]:80" is "127.0.0.1:80"),
// IPv6 in brackets; text that is no endpoint as it is.
std::string canonical_endpoint(std::string_view endpoint);

// Whether `c` is a loopback address: 127.0.0.0/8 (also IPv4-mapped,
// ::ffff:127.x.y.z, which canonical_host makes IPv4) or ::1.
bool is_loopback(const CanonicalHost& c);

// The endpoints, canonical, a socket may be bound at for a peer on the
// loopback to reach it at `peer`: `peer` itself; for a loopback address
// also the wildcards at its port that cover it ("127.0.0.5:P": "0.0.0.0:P"
// and, dual-stack, "[::]:P"; "[::1]:P": "[::]:P"). The whole of 127.0.0.0/8
// is the loopback, not 127.0.0.1 alone.
std::vector<std::string> endpoints_reached(std::string_view peer);

// An address ("tcp://[0::1]:7") with its IP host in one spelling
// (canonical_host: "tcp://[::1]:7"; "[::ffff:127.0.0.1]" is "127.0.0.1");
// a sim:// address, a host name or text that is no address as it is.
std::string canonical_address(std::string_view text);

// Whether two addresses are one once their IP hosts are canonical
// (canonical_address): "tcp://[::1]:7" and "tcp://[0:0:0:0:0:0:0:1]:7" are.
bool same_address(std::string_view a, std::string_view b);

}  // namespace hio
