// IP addresses in one spelling, for comparing addresses written in
// different ones: the host a doer claims against another's, the sender of a
// datagram against the peer it was sent to.
#pragma once

#include <string>
#include <string_view>

namespace hio::tools {

struct CanonicalHost {
  std::string host;   // the IP address in one spelling, or a name as written
  int ip_family = 0;  // AF_INET, AF_INET6, or 0 for a name
};

// An IP address (no brackets) as inet_ntop writes it, an IPv4-mapped IPv6
// one as IPv4, an IPv6 zone as its interface's index ("%lo", "%01": "%1";
// one naming no interface as written); anything else as it is, family 0.
CanonicalHost canonical_host(std::string_view host);

// Whether two datagram peers, "host:port" or "[v6]:port", are the same
// endpoint: the same port, and the same host once canonical. Names compare
// as written.
bool same_peer(std::string_view a, std::string_view b);

}  // namespace hio::tools
