#include "hio/tools/duration.hpp"

#include <charconv>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace hio::tools {

namespace {

struct Unit {
  std::string_view name;
  std::int64_t ns;
};
constexpr Unit kUnits[] = {{"ns", 1},
                           {"us", 1'000},
                           {"ms", 1'000'000},
                           {"s", 1'000'000'000},
                           {"m", 60'000'000'000},
                           {"h", 3'600'000'000'000}};

bool fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

}  // namespace

std::optional<Tock> parse_duration(std::string_view text, std::string* error) {
  std::size_t i = 0;
  if (text.empty()) {
    fail(error, "empty duration; write e.g. \"20ms\" or \"1.5s\"");
    return std::nullopt;
  }
  if (text[0] == '-') {
    fail(error, "duration \"" + std::string(text) + "\" is negative");
    return std::nullopt;
  }
  // Digits before and after the point, as an integer and a count of decimals.
  unsigned __int128 digits = 0;
  int decimals = 0;
  bool any_digit = false;
  bool point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = digits * 10 + static_cast<unsigned>(c - '0');
      if (digits > (static_cast<unsigned __int128>(1) << 100)) {
        fail(error, "duration \"" + std::string(text) + "\" is too large");
        return std::nullopt;
      }
      any_digit = true;
      if (point) ++decimals;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any_digit) {
    fail(error, "duration \"" + std::string(text) + "\" does not start with a number");
    return std::nullopt;
  }
  std::string_view unit = text.substr(i);
  std::int64_t unit_ns = 0;
  if (unit.empty()) {
    if (digits != 0) {
      fail(error,
           "duration \"" + std::string(text) + "\" has no unit; add one of ns, us, ms, s, m, h");
      return std::nullopt;
    }
    return Tock{0};
  }
  for (const Unit& u : kUnits) {
    if (unit == u.name) unit_ns = u.ns;
  }
  if (unit_ns == 0) {
    fail(error, "duration \"" + std::string(text) + "\" has unknown unit \"" + std::string(unit) +
                    "\" at offset " + std::to_string(i) + "; use ns, us, ms, s, m or h");
    return std::nullopt;
  }
  unsigned __int128 ns = digits * static_cast<unsigned __int128>(unit_ns);
  for (int d = 0; d < decimals; ++d) {
    if (ns % 10 != 0) {
      fail(error, "duration \"" + std::string(text) + "\" is finer than 1 ns");
      return std::nullopt;
    }
    ns /= 10;
  }
  // 100 years: a tyme plus any duration (both bounded so) stays far from the
  // 292 years that overflow a signed 64-bit count of nanoseconds.
  constexpr unsigned __int128 kMaxNs =
      static_cast<unsigned __int128>(100) * 365 * 86'400 * 1'000'000'000;
  if (ns > kMaxNs) {
    fail(error, "duration \"" + std::string(text) + "\" is too large (max 100 years)");
    return std::nullopt;
  }
  return Tock{static_cast<std::int64_t>(ns)};
}

std::string format_duration(Tock tock) {
  const std::int64_t ns = tock.count();
  if (ns == 0) return "0";
  std::string sign = ns < 0 ? "-" : "";
  const std::uint64_t mag =
      ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  // The largest unit of s, ms, us, ns in which the value has at most 3
  // decimals, so "31.25ms" rather than "0.03125s".
  constexpr Unit kShown[] = {{"s", 1'000'000'000}, {"ms", 1'000'000}, {"us", 1'000}, {"ns", 1}};
  for (const Unit& u : kShown) {
    const auto unit = static_cast<std::uint64_t>(u.ns);
    if (mag < unit && u.ns != 1) continue;
    std::uint64_t whole = mag / unit;
    std::uint64_t frac = mag % unit;
    if (frac == 0) return sign + std::to_string(whole) + std::string(u.name);
    std::string digits = std::to_string(frac);
    std::size_t width = std::to_string(unit).size() - 1;
    digits.insert(0, width - digits.size(), '0');
    while (!digits.empty() && digits.back() == '0')
      digits.pop_back();
    if (digits.size() <= 3)
      return sign + std::to_string(whole) + "." + digits + std::string(u.name);
  }
  return sign + std::to_string(mag) + "ns";
}

std::uint64_t parse_u64(std::string_view text, const std::string& what) {
  std::uint64_t value = 0;
  // from_chars takes digits only: no sign, no spaces, no wrap-around.
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    throw std::invalid_argument(what + ": '" + std::string(text) + "' is not a whole number >= 0");
  }
  return value;
}

}  // namespace hio::tools
