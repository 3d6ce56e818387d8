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

// The endpoints, canonical, at which a peer on the loopback reaches a socket
// bound at `local`: `local` itself; for a wildcard also its family's loopback
// addresses at its port ("[::]:P", dual-stack: "127.0.0.1:P" and "[::1]:P";
// "0.0.0.0:P": "127.0.0.1:P").
std::vector<std::string> endpoints_reaching(std::string_view local);

}  // namespace hio
