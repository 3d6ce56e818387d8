// Durations as people write them ("20ms", "1.5s", "2m", "0"): the one grammar
// that scenarios, the command line and replay noise specs share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "hio/engine/tyme.hpp"

namespace hio {

// What is wrong with a duration's text. Callers word the message.
enum class DurationProblem : std::uint8_t {
  empty,          // no text at all
  negative,       // starts with '-' and a non-zero digit follows
  signed_zero,    // "-0", "-0.0ms": a sign, which durations do not have, on a zero
  no_number,      // does not start with a digit or a point followed by digits
  no_unit,        // a number without a unit, other than "0" (and no default unit)
  unknown_unit,   // the text after the number is not ns, us, ms, s, m or h
  finer_than_ns,  // "0.5ns": not a whole number of nanoseconds
  too_large,      // above the caller's maximum
};

// A problem and the byte offset in the text where it is: the start of the
// unit (or where it should be) for unit problems, 0 for the others.
struct DurationError {
  DurationProblem problem = DurationProblem::empty;
  std::size_t offset = 0;
};

// A parse's outcome: a tock, or an error.
struct DurationParse {
  std::optional<Tock> tock{};
  DurationError error{};     // meaningful when !tock
  std::int64_t unit_ns = 0;  // the unit written, in ns; 0 when none was
};

// Parses digits with an optional decimal point, then a unit (ns, us, ms, s,
// m, h), exactly: "0.1s" is 100,000,000 ns. A number without a unit takes
// `default_unit_ns` when that is non-zero; otherwise only "0" itself may go
// without one ("00", "0.0" are no_unit, like "15"). There is no sign. `max` (>= 0) bounds the
// result; the arithmetic is exact and does not overflow on any input.
[[nodiscard]] DurationParse parse_duration_text(std::string_view text, Tock max,
                                                std::int64_t default_unit_ns = 0);

}  // namespace hio
