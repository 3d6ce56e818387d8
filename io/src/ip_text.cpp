#include "hio/io/ip_text.hpp"

#include "hio/io/address.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <system_error>

namespace hio {

namespace {

// A zone in one spelling: a number without its leading zeros ("%01" is
// "%1"), a name as written. Never the machine's interfaces: a replay
// compares what the journal holds, on any machine (xrev20 finding 1: "%eth0"
// mapped to its index by if_nametoindex made a replay depend on the
// replaying machine). Where the IO is real, the UDP transport writes a
// reply's sender with the zone as its destination was written.
std::string canonical_zone(std::string_view zone) {
  if (zone.empty()) return "";
  const std::string_view id = zone.substr(1);
  unsigned index = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), index);
  if (ec != std::errc{} || end != id.data() + id.size()) return std::string(zone);
  return "%" + std::to_string(index);
}

}  // namespace

CanonicalHost canonical_host(std::string_view host) {
  CanonicalHost c;
  c.host = std::string(host);
  // A link-local IPv6 address's zone ("fe80::1%eth0") is kept, in one
  // spelling (canonical_zone), after the address's own: another zone is
  // another interface.
  const std::size_t percent = host.find('%');
  const std::string ip(host.substr(0, percent));
  const std::string_view zone = percent == std::string_view::npos ? "" : host.substr(percent);
  unsigned char bytes[16] = {};
  char text[INET6_ADDRSTRLEN] = {};
  if (zone.empty() && ::inet_pton(AF_INET, ip.c_str(), bytes) == 1) {
    c.ip_family = AF_INET;
  } else if (::inet_pton(AF_INET6, ip.c_str(), bytes) == 1) {
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    c.ip_family = std::equal(kMapped, kMapped + 12, bytes) ? AF_INET : AF_INET6;
    if (c.ip_family == AF_INET && !zone.empty()) return {c.host, 0};  // no zone on IPv4
    if (c.ip_family == AF_INET) std::copy(bytes + 12, bytes + 16, bytes);
  } else {
    return c;
  }
  ::inet_ntop(c.ip_family, bytes, text, sizeof text);
  c.host = text;
  c.host += canonical_zone(zone);
  return c;
}

bool is_wildcard(const CanonicalHost& c) {
  return c.ip_family != 0 && (c.host == "0.0.0.0" || c.host == "::");
}

bool split_peer(std::string_view peer, std::string_view& host, unsigned& port) {
  const std::size_t colon = peer.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view digits = peer.substr(colon + 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return false;
  host = peer.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return true;
}

bool same_peer(std::string_view a, std::string_view b) {
  if (a == b) return true;
  std::string_view a_host, b_host;
  unsigned a_port = 0, b_port = 0;
  if (!split_peer(a, a_host, a_port) || !split_peer(b, b_host, b_port)) return false;
  if (a_port != b_port) return false;
  const CanonicalHost ca = canonical_host(a_host);
  const CanonicalHost cb = canonical_host(b_host);
  return ca.ip_family == cb.ip_family && ca.host == cb.host;
}

std::string canonical_endpoint(std::string_view endpoint) {
  std::string_view host;
  unsigned port = 0;
  if (!split_peer(endpoint, host, port)) return std::string(endpoint);
  const CanonicalHost c = canonical_host(host);
  const bool bracketed = c.ip_family == AF_INET6 || c.host.find(':') != std::string::npos;
  return (bracketed ? "[" + c.host + "]" : c.host) + ":" + std::to_string(port);
}

bool is_loopback(const CanonicalHost& c) {
  if (c.ip_family == AF_INET6) return c.host == "::1";
  return c.ip_family == AF_INET && c.host.starts_with("127.");
}

std::vector<std::string> endpoints_reached(std::string_view peer) {
  std::vector<std::string> out{canonical_endpoint(peer)};
  std::string_view host;
  unsigned port = 0;
  if (!split_peer(peer, host, port)) return out;
  const CanonicalHost c = canonical_host(host);
  if (!is_loopback(c)) return out;
  if (c.ip_family == AF_INET) out.push_back("0.0.0.0:" + std::to_string(port));
  out.push_back("[::]:" + std::to_string(port));  // dual-stack covers IPv4 too
  return out;
}

std::string canonical_address(std::string_view text) {
  const AddressResult parsed = parse_address(text);
  if (!parsed) return std::string(text);
  Address a = parsed.value();
  if (a.scheme == Scheme::sim || !has_host_port(a.scheme)) return std::string(text);
  const CanonicalHost canonical = canonical_host(a.host);
  if (canonical.ip_family == 0) return std::string(text);
  a.host = canonical.host;
  return a.text();
}

bool same_address(std::string_view a, std::string_view b) {
  return a == b || canonical_address(a) == canonical_address(b);
}

}  // namespace hio
