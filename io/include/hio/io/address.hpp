// Channel addresses: parsing and printing tcp://, tls://, udp://, serial://,
// sim:// and sim-serial:// URLs, with errors that name the wrong part and its byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

namespace hio {

// The transport family an address selects. The numeric values are journaled:
// append only, never renumber.
enum class Scheme : std::uint8_t {
  tcp = 0,
  tls = 1,
  udp = 2,
  serial = 3,
  sim = 4,
  sim_serial = 5,
};
const char* to_string(Scheme scheme);  // "tcp", ..., "sim-serial"

// tcp, tls, udp and sim are addressed by host:port; serial and sim-serial by a
// device path or link name.
constexpr bool has_host_port(Scheme scheme) {
  return scheme == Scheme::tcp || scheme == Scheme::tls || scheme == Scheme::udp ||
         scheme == Scheme::sim;
}

inline constexpr std::uint32_t kDefaultBaud = 115'200;

// A parsed address: a value type. Grammar (no percent-encoding, no user info,
// no fragments; scheme names are lower case):
//   tcp|tls|udp|sim "://" host ":" port
//     host = name | IPv4 | "[" IPv6 [ "%" zone ] "]"
//                  (name: one trailing dot allowed but in sim://, an absolute
//                   name, kept;
//                   zone: a link-local address's interface, "fe80::1%eth0",
//                   1..15 bytes of A-Z a-z 0-9 . _ - ~; tcp, tls, udp only)
//     port = 0..65535                         (0: any, for listeners)
//   serial "://" /absolute/device/path [ "?baud=" N ]
//   sim-serial "://" name [ "?baud=" N ]      (name: A-Z a-z 0-9 . _ -)
// Unknown query keys are errors, never ignored.
struct Address {
  Scheme scheme = Scheme::tcp;
  std::string host{};      // host:port schemes: a name or an IP (IPv6 without brackets, zone kept)
  std::uint16_t port = 0;  // host:port schemes
  std::string path{};      // serial: the device path; sim-serial: the link name
  std::uint32_t baud = 0;  // serial schemes: baud rate (default kDefaultBaud); 0 otherwise

  // The canonical URL. parse_address(a.text()) gives back a.
  std::string text() const;
  // host:port with IPv6 in brackets, as endpoints are printed ("[::1]:80").
  std::string host_port() const;

  friend bool operator==(const Address&, const Address&) = default;
};

// What is wrong with an address, precisely enough to point at it.
struct AddressError {
  std::string input{};    // the text that was parsed
  std::size_t offset{};   // byte offset into input where the problem starts
  std::string part{};     // "scheme", "separator", "host", "port", "path", "name", "query"
  std::string message{};  // what is wrong there

  // "bad address 'tcp://h:99999': port at byte 9: must be 0..65535". A value,
  // not an exception, so not what(): AddressParseError::what() carries this
  // text as a const char*.
  std::string describe() const;
};

// Thrown by the convenience overloads that take address text.
class AddressParseError : public std::invalid_argument {
 public:
  explicit AddressParseError(AddressError error);
  const AddressError& error() const { return error_; }

 private:
  AddressError error_;
};

// Either an Address or an AddressError. Bad input is an expected outcome of
// parsing, so it is a result rather than an exception.
class [[nodiscard]] AddressResult {
 public:
  AddressResult(Address address) : value_(std::move(address)) {}   // NOLINT: implicit on purpose
  AddressResult(AddressError error) : value_(std::move(error)) {}  // NOLINT: implicit on purpose

  bool ok() const { return std::holds_alternative<Address>(value_); }
  explicit operator bool() const { return ok(); }
  // Throws AddressParseError when !ok().
  const Address& value() const;
  // Throws std::logic_error when ok().
  const AddressError& error() const;

 private:
  std::variant<Address, AddressError> value_;
};

[[nodiscard]] AddressResult parse_address(std::string_view text);
// Same, but throws AddressParseError.
Address parse_address_or_throw(std::string_view text);

}  // namespace hio
