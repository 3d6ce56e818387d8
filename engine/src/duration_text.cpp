#include "hio/engine/duration_text.hpp"

namespace hio {

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

DurationParse failed(DurationProblem problem, std::size_t offset) {
  return DurationParse{std::nullopt, DurationError{problem, offset}, 0};
}

// Nanoseconds per unit name; 0 for an unknown one.
std::int64_t duration_unit_ns(std::string_view unit) {
  for (const Unit& u : kUnits) {
    if (unit == u.name) return u.ns;
  }
  return 0;
}

}  // namespace

DurationParse parse_duration_text(std::string_view text, Tock max, std::int64_t default_unit_ns) {
  if (text.empty()) return failed(DurationProblem::empty, 0);
  if (text[0] == '-') {
    // "-0" is not negative: it is a zero written with a sign, which the
    // grammar does not have. A non-zero digit before any unit makes it
    // negative.
    bool zero = false;
    for (const char c : text.substr(1)) {
      if (c >= '1' && c <= '9') return failed(DurationProblem::negative, 0);
      if (c != '0' && c != '.') break;
      zero = zero || c == '0';
    }
    return failed(zero ? DurationProblem::signed_zero : DurationProblem::no_number, 0);
  }
  // Digits before and after the point, as an integer and a count of decimals.
  // 2^80 bounds the digits so that digits * (ns per hour, < 2^42) fits 128
  // bits; anything that long is far beyond every caller's maximum anyway.
  constexpr unsigned __int128 kDigitsMax = static_cast<unsigned __int128>(1) << 80;
  unsigned __int128 digits = 0;
  int decimals = 0;
  // Zeros after the point not yet taken into `digits`: taken only when a
  // non-zero digit follows, so that "1.000000000000000000000000000s" is 1 s
  // (its zeros once pushed `digits` past the bound: "too large").
  std::size_t zeros = 0;
  bool any_digit = false;
  bool point = false;
  // Digits past the bound in the fraction are skipped: whether the number is
  // too large or finer than 1 ns is then judged by its whole part and unit.
  bool fraction_overflow = false;
  unsigned __int128 whole = 0;  // the digits before the point
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      any_digit = true;
      if (fraction_overflow) continue;
      if (point && c == '0') {
        ++zeros;
        continue;
      }
      for (; zeros > 0 && digits <= kDigitsMax; --zeros) {
        digits *= 10;
        ++decimals;
      }
      if (digits <= kDigitsMax) digits = digits * 10 + static_cast<unsigned>(c - '0');
      if (digits > kDigitsMax) {
        if (!point) return failed(DurationProblem::too_large, 0);
        fraction_overflow = true;
        continue;
      }
      if (point) ++decimals;
    } else if (c == '.' && !point) {
      point = true;
      whole = digits;
    } else {
      break;
    }
  }
  if (!any_digit) return failed(DurationProblem::no_number, 0);
  const std::string_view unit = text.substr(i);
  std::int64_t scale = duration_unit_ns(unit);
  const std::int64_t written = scale;
  if (unit.empty()) {
    if (default_unit_ns > 0) {
      scale = default_unit_ns;
    } else if (text == "0") {
      return DurationParse{Tock{0}, {}, 0};
    } else {
      return failed(DurationProblem::no_unit, i);
    }
  }
  if (scale == 0) return failed(DurationProblem::unknown_unit, i);
  const std::int64_t max_ns = max.count() < 0 ? 0 : max.count();
  if (fraction_overflow) {
    // Every duration within the bound has at most 13 decimals (an hour is
    // 2^13 * 3^2 * 5^11 ns) and so fewer digits than the bound: this one is
    // finer than 1 ns, unless its whole part is too large already.
    return failed(
        whole * static_cast<unsigned __int128>(scale) >= static_cast<unsigned __int128>(max_ns)
            ? DurationProblem::too_large
            : DurationProblem::finer_than_ns,
        0);
  }
  unsigned __int128 ns = digits * static_cast<unsigned __int128>(scale);
  for (int d = 0; d < decimals; ++d) {
    if (ns % 10 != 0) return failed(DurationProblem::finer_than_ns, 0);
    ns /= 10;
  }
  if (ns > static_cast<unsigned __int128>(max_ns)) {
    return failed(DurationProblem::too_large, 0);
  }
  return DurationParse{Tock{static_cast<std::int64_t>(ns)}, {}, written};
}

}  // namespace hio
