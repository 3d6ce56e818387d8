#include "hio/io/address.hpp"

#include <array>
#include <limits>
#include <utility>

namespace hio {

namespace {

constexpr std::array<std::pair<std::string_view, Scheme>, 6> kSchemes{{
    {"tcp", Scheme::tcp},
    {"tls", Scheme::tls},
    {"udp", Scheme::udp},
    {"serial", Scheme::serial},
    {"sim", Scheme::sim},
    {"sim-serial", Scheme::sim_serial},
}};

constexpr std::size_t kHostMax = 253;  // RFC 1035 name length
constexpr std::size_t kLabelMax = 63;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_name_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '.' || c == '-' || c == '_';
}

// Shows a byte in a message: printable as itself, the rest as hex.
std::string show(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 0xf];
}

// A failed parse: the error and where it happened.
struct Fail {
  std::size_t offset;
  const char* part;
  std::string message;
};

using Step = std::variant<std::monostate, Fail>;

bool failed(const Step& step) {
  return std::holds_alternative<Fail>(step);
}

// Decimal without sign, at most `max`. `offset` is where `digits` starts in the input.
std::variant<std::uint64_t, Fail> parse_decimal(std::string_view digits, std::size_t offset,
                                                const char* part, std::uint64_t max) {
  if (digits.empty()) return Fail{offset, part, "is empty"};
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (!is_digit(digits[i])) {
      return Fail{offset + i, part, "unexpected " + show(digits[i]) + ", expected a digit"};
    }
    value = value * 10 + static_cast<std::uint64_t>(digits[i] - '0');
    if (value > max) return Fail{offset, part, "must be at most " + std::to_string(max)};
  }
  return value;
}

// Dotted quad, each part 0..255 without leading zeros beyond "0" itself.
Step check_ipv4(std::string_view text, std::size_t offset, const char* part) {
  std::size_t start = 0;
  int octets = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '.') continue;
    std::string_view octet = text.substr(start, i - start);
    if (octet.empty()) return Fail{offset + start, part, "IPv4 address has an empty octet"};
    if (octet.size() > 1 && octet[0] == '0') {
      return Fail{offset + start, part, "IPv4 octet has a leading zero"};
    }
    auto value = parse_decimal(octet, offset + start, part, 255);
    if (auto* fail = std::get_if<Fail>(&value)) {
      fail->message = "IPv4 octet " + fail->message;
      return *fail;
    }
    ++octets;
    start = i + 1;
  }
  if (octets != 4) return Fail{offset, part, "IPv4 address needs 4 octets"};
  return {};
}

// RFC 4291 text form: up to 8 groups of 1-4 hex digits, one "::", optionally
// ending in a dotted quad that counts as two groups.
Step check_ipv6_groups(std::string_view text, std::size_t offset) {
  constexpr const char* kPart = "host";
  if (text.empty()) return Fail{offset, kPart, "IPv6 address is empty"};
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (text.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
  } else if (text[0] == ':') {
    return Fail{offset, kPart, "IPv6 address cannot start with a single ':'"};
  }
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && is_hex(text[i]))
      ++i;
    if (i < text.size() && text[i] == '.') {
      // A trailing IPv4 part.
      std::size_t end = text.find_first_of(':', start);
      if (end != std::string_view::npos) {
        return Fail{offset + end, kPart, "IPv4 part must end the IPv6 address"};
      }
      Step v4 = check_ipv4(text.substr(start), offset + start, kPart);
      if (failed(v4)) return v4;
      groups += 2;
      i = text.size();
      break;
    }
    if (i == start) {
      return Fail{
          offset + i, kPart,
          (i < text.size() ? "unexpected " + show(text[i]) : std::string("unexpected end")) +
              " in IPv6 address, expected a hex digit"};
    }
    if (i - start > 4) return Fail{offset + start, kPart, "IPv6 group has more than 4 hex digits"};
    ++groups;
    if (i == text.size()) break;
    if (text[i] != ':') {
      return Fail{offset + i, kPart, "unexpected " + show(text[i]) + " in IPv6 address"};
    }
    if (i + 1 < text.size() && text[i + 1] == ':') {
      if (compressed) return Fail{offset + i, kPart, "IPv6 address has more than one '::'"};
      compressed = true;
      i += 2;
    } else {
      ++i;
      if (i == text.size()) return Fail{offset + i - 1, kPart, "IPv6 address ends with ':'"};
    }
  }
  if (groups > 8 || (compressed && groups > 7)) {
    return Fail{offset, kPart, "IPv6 address has too many groups"};
  }
  if (!compressed && groups != 8) return Fail{offset, kPart, "IPv6 address needs 8 groups or '::'"};
  return {};
}

// Link-local unicast (fe80::/10) or link-local multicast (ff02::/16 and its
// flag variants): the addresses a zone id (RFC 4007) selects an interface
// for. `text` is a valid IPv6 address.
bool is_link_local_v6(std::string_view text) {
  if (text.starts_with(":")) return false;  // "::...": the first group is 0
  std::uint32_t first = 0;
  for (std::size_t i = 0; i < text.size() && is_hex(text[i]); ++i) {
    const char c = text[i];
    first = first * 16 + static_cast<std::uint32_t>(is_digit(c) ? c - '0'
                                                    : c >= 'a'  ? c - 'a' + 10
                                                                : c - 'A' + 10);
  }
  return (first & 0xffc0) == 0xfe80 || (first & 0xff0f) == 0xff02;
}

// An IPv6 address, with a zone id after '%' when `zones` allows one (the
// interface of a link-local address, "fe80::1%eth0", as the system prints
// it): 1..15 bytes of A-Z a-z 0-9 . _ - ~ (an interface name or number).
Step check_ipv6(std::string_view text, std::size_t offset, bool zones, Scheme scheme) {
  constexpr const char* kPart = "host";
  constexpr std::size_t kZoneMax = 15;  // IF_NAMESIZE - 1
  const std::size_t percent = text.find('%');
  Step step = check_ipv6_groups(text.substr(0, percent), offset);
  if (failed(step) || percent == std::string_view::npos) return step;
  if (!zones) {
    return Fail{offset + percent, kPart,
                std::string("IPv6 zone ids are not supported in ") + to_string(scheme) +
                    " addresses (only tcp, tls and udp)"};
  }
  const std::string_view zone = text.substr(percent + 1);
  if (zone.empty()) return Fail{offset + percent, kPart, "IPv6 zone id is empty"};
  if (zone.size() > kZoneMax) {
    return Fail{offset + percent + 1, kPart,
                "IPv6 zone id is longer than " + std::to_string(kZoneMax) + " bytes"};
  }
  for (std::size_t i = 0; i < zone.size(); ++i) {
    if (!is_name_char(zone[i]) && zone[i] != '~') {
      return Fail{offset + percent + 1 + i, kPart,
                  "unexpected " + show(zone[i]) + " in IPv6 zone id"};
    }
  }
  if (!is_link_local_v6(text.substr(0, percent))) {
    return Fail{offset + percent, kPart,
                "an IPv6 zone id is only for a link-local address (fe80::/10, ff02::/16)"};
  }
  return {};
}

// Whether every label of `host` is a number as inet_aton reads one:
// decimal, octal (a leading 0) or hexadecimal (0x, digits optional).
bool inet_aton_form(std::string_view host) {
  std::size_t start = 0;
  for (std::size_t i = 0; i <= host.size(); ++i) {
    if (i < host.size() && host[i] != '.') continue;
    std::string_view label = host.substr(start, i - start);
    const bool hex = label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X');
    if (hex) label.remove_prefix(2);
    if (!hex && label.empty()) return false;
    for (const char c : label)
      if (!(hex ? is_hex(c) : is_digit(c))) return false;
    start = i + 1;
  }
  return true;
}

// A host name or an IPv4 address. With `dns`, a name may end in one dot:
// an absolute name ("localhost."), whose last label is the root's, empty,
// as DNS reads it; the dot stays in the host, so the resolver sees it. (A
// sim:// host is a name on the simulated network, not in DNS: "b." is not
// "b" there, so it takes no trailing dot.)
Step check_host_name(std::string_view host, std::size_t offset, bool dns) {
  constexpr const char* kPart = "host";
  if (host.empty()) return Fail{offset, kPart, "is empty"};
  const bool absolute = dns && host.size() > 1 && host.back() == '.';
  if (absolute) host.remove_suffix(1);
  if (host.size() > kHostMax) {
    return Fail{offset, kPart, "is longer than " + std::to_string(kHostMax) + " bytes"};
  }
  bool numeric = true;
  for (std::size_t i = 0; i < host.size(); ++i) {
    if (!is_name_char(host[i])) {
      return Fail{offset + i, kPart, "unexpected " + show(host[i]) + " in host name"};
    }
    if (!is_digit(host[i]) && host[i] != '.') numeric = false;
  }
  // All digits and dots: it must be a real IPv4 address, since resolvers read
  // forms like "1.2.3" or "1.2.3.999" in surprising ways.
  if (numeric) {
    if (absolute) return Fail{offset + host.size(), kPart, "an IPv4 address has no trailing dot"};
    return check_ipv4(host, offset, kPart);
  }
  // Numbers in another base: resolvers (inet_aton) read "0x7f000001",
  // "0x7f.1" or "0x7f.0.0.1" as 127.0.0.1, which a name check and the
  // clash of listeners would take for another host; refused as the all-digit
  // forms above are.
  if (inet_aton_form(host)) {
    return Fail{offset, kPart,
                "IPv4 address written with 0x (resolvers read 0x7f.1 as 127.0.0.1): write "
                "its 4 octets in decimal"};
  }
  std::size_t start = 0;
  for (std::size_t i = 0; i <= host.size(); ++i) {
    if (i < host.size() && host[i] != '.') continue;
    if (i == start) return Fail{offset + start, kPart, "host name has an empty label"};
    if (i - start > kLabelMax) {
      return Fail{offset + start, kPart,
                  "host name label is longer than " + std::to_string(kLabelMax) + " bytes"};
    }
    start = i + 1;
  }
  return {};
}

// key=value pairs joined by '&'; only "baud" is known (serial schemes).
Step parse_query(std::string_view query, std::size_t offset, Scheme scheme, Address& out) {
  constexpr const char* kPart = "query";
  bool seen_baud = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= query.size(); ++i) {
    if (i < query.size() && query[i] != '&') continue;
    std::string_view pair = query.substr(start, i - start);
    std::size_t at = offset + start;
    if (pair.empty()) return Fail{at, kPart, "has an empty parameter"};
    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      return Fail{at, kPart, "parameter '" + std::string(pair) + "' has no '=value'"};
    }
    std::string_view key = pair.substr(0, eq);
    if (key != "baud") {
      return Fail{at, kPart,
                  "unknown parameter '" + std::string(key) + "' for " + to_string(scheme) +
                      " addresses (known: baud)"};
    }
    if (seen_baud) return Fail{at, kPart, "parameter 'baud' is given twice"};
    seen_baud = true;
    auto value = parse_decimal(pair.substr(eq + 1), at + eq + 1, kPart,
                               std::numeric_limits<std::uint32_t>::max());
    if (auto* fail = std::get_if<Fail>(&value)) {
      fail->message = "baud " + fail->message;
      return *fail;
    }
    if (std::get<std::uint64_t>(value) == 0) return Fail{at + eq + 1, kPart, "baud must be > 0"};
    out.baud = static_cast<std::uint32_t>(std::get<std::uint64_t>(value));
    start = i + 1;
  }
  return {};
}

Step parse_host_port(std::string_view rest, std::size_t offset, Address& out) {
  std::size_t bad = rest.find_first_of("/?#");
  if (bad != std::string_view::npos) {
    const char* what = rest[bad] == '/'   ? "a path is not allowed after host:port"
                       : rest[bad] == '?' ? "query parameters are not allowed here"
                                          : "fragments are not allowed";
    return Fail{offset + bad, rest[bad] == '/' ? "path" : "query",
                std::string(what) + " in " + to_string(out.scheme) + " addresses"};
  }
  std::size_t port_sep;
  if (!rest.empty() && rest[0] == '[') {
    std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return Fail{offset, "host", "'[' is never closed by ']'"};
    std::string_view v6 = rest.substr(1, close - 1);
    Step step = check_ipv6(v6, offset + 1, out.scheme != Scheme::sim, out.scheme);
    if (failed(step)) return step;
    out.host = std::string(v6);
    port_sep = close + 1;
    if (port_sep >= rest.size() || rest[port_sep] != ':') {
      return Fail{offset + port_sep, "port", "expected ':port' after ']'"};
    }
  } else {
    port_sep = rest.find(':');
    if (port_sep == std::string_view::npos) {
      if (rest.empty()) return Fail{offset, "host", "is empty"};
      Step step = check_host_name(rest, offset, out.scheme != Scheme::sim);
      if (failed(step)) return step;
      return Fail{offset + rest.size(), "port", "is missing (expected ':port')"};
    }
    std::size_t second = rest.find(':', port_sep + 1);
    if (second != std::string_view::npos) {
      return Fail{offset, "host",
                  "IPv6 addresses must be in brackets, e.g. " + std::string(to_string(out.scheme)) +
                      "://[::1]:80"};
    }
    std::string_view host = rest.substr(0, port_sep);
    Step step = check_host_name(host, offset, out.scheme != Scheme::sim);
    if (failed(step)) return step;
    out.host = std::string(host);
  }
  auto port = parse_decimal(rest.substr(port_sep + 1), offset + port_sep + 1, "port", 65535);
  if (auto* fail = std::get_if<Fail>(&port)) return *fail;
  out.port = static_cast<std::uint16_t>(std::get<std::uint64_t>(port));
  return {};
}

Step parse_serial(std::string_view rest, std::size_t offset, Address& out) {
  std::size_t q = rest.find('?');
  std::string_view path = rest.substr(0, q);
  if (out.scheme == Scheme::serial) {
    if (path.empty() || path[0] != '/') {
      return Fail{offset, "path",
                  "must be an absolute device path, e.g. serial:///dev/ttyUSB0 (three slashes)"};
    }
    if (path.size() == 1) return Fail{offset, "path", "names no device"};
    for (std::size_t i = 0; i < path.size(); ++i) {
      auto u = static_cast<unsigned char>(path[i]);
      if (u <= 0x20 || u == 0x7f || path[i] == '#') {
        return Fail{offset + i, "path", "unexpected " + show(path[i]) + " in device path"};
      }
    }
  } else {
    if (path.empty()) return Fail{offset, "name", "is empty"};
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (!is_name_char(path[i])) {
        return Fail{offset + i, "name", "unexpected " + show(path[i]) + " in link name"};
      }
    }
  }
  out.path = std::string(path);
  out.baud = kDefaultBaud;
  if (q == std::string_view::npos) return {};
  return parse_query(rest.substr(q + 1), offset + q + 1, out.scheme, out);
}

std::variant<Address, Fail> parse(std::string_view text) {
  std::size_t sep = text.find("://");
  std::size_t scheme_end = sep;
  if (sep == std::string_view::npos) {
    // Point at the first byte that cannot belong to a scheme name.
    scheme_end = 0;
    while (scheme_end < text.size() &&
           (is_alpha(text[scheme_end]) || is_digit(text[scheme_end]) || text[scheme_end] == '-'))
      ++scheme_end;
    if (scheme_end == 0) return Fail{0, "scheme", "is missing (expected e.g. tcp://host:port)"};
  }
  std::string_view name = text.substr(0, scheme_end);
  Address out;
  bool known = false;
  for (const auto& [scheme_name, scheme] : kSchemes) {
    if (scheme_name == name) {
      out.scheme = scheme;
      known = true;
    }
  }
  if (!known) {
    if (name.empty()) return Fail{0, "scheme", "is missing (expected e.g. tcp://host:port)"};
    return Fail{0, "scheme",
                "unknown scheme '" + std::string(name) +
                    "' (known: tcp, tls, udp, serial, sim, sim-serial)"};
  }
  if (sep == std::string_view::npos) return Fail{scheme_end, "separator", "expected '://'"};
  std::size_t offset = sep + 3;
  std::string_view rest = text.substr(offset);
  Step step = has_host_port(out.scheme) ? parse_host_port(rest, offset, out)
                                        : parse_serial(rest, offset, out);
  if (auto* fail = std::get_if<Fail>(&step)) return *fail;
  return out;
}

}  // namespace

const char* to_string(Scheme scheme) {
  switch (scheme) {
    case Scheme::tcp:
      return "tcp";
    case Scheme::tls:
      return "tls";
    case Scheme::udp:
      return "udp";
    case Scheme::serial:
      return "serial";
    case Scheme::sim:
      return "sim";
    case Scheme::sim_serial:
      return "sim-serial";
  }
  return "?";
}

std::string Address::host_port() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string Address::text() const {
  std::string out = std::string(to_string(scheme)) + "://";
  if (has_host_port(scheme)) return out + host_port();
  return out + path + "?baud=" + std::to_string(baud);
}

std::string AddressError::describe() const {
  return "bad address '" + input + "': " + part + " at byte " + std::to_string(offset) + ": " +
         message;
}

AddressParseError::AddressParseError(AddressError error)
    : std::invalid_argument(error.describe()), error_(std::move(error)) {}

const Address& AddressResult::value() const {
  if (const auto* error = std::get_if<AddressError>(&value_)) throw AddressParseError(*error);
  return std::get<Address>(value_);
}

const AddressError& AddressResult::error() const {
  if (ok()) throw std::logic_error("AddressResult::error() on a parsed address");
  return std::get<AddressError>(value_);
}

AddressResult parse_address(std::string_view text) {
  auto parsed = parse(text);
  if (auto* fail = std::get_if<Fail>(&parsed)) {
    return AddressError{std::string(text), fail->offset, fail->part, std::move(fail->message)};
  }
  return std::get<Address>(std::move(parsed));
}

Address parse_address_or_throw(std::string_view text) {
  return parse_address(text).value();
}

}  // namespace hio
