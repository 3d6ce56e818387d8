// The error for an integer beyond 64 bits (or a float beyond a double) in a
// scenario's TOML: toml++
// refuses the whole document in its own words ("Error while parsing decimal
// integer: ... is not representable in 64 bits"), so the key is found here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hio::tools {

// `text` holds an integer beyond 64 bits on line `line` that toml++ points
// at with `column` (just past it; both 1-based). Moves `column` to where the
// integer starts and returns the message, naming the key it is given to as
// written on its line ("count = 99999999999999999999 is more than a TOML
// integer holds: at most 2^63-1 (9223372036854775807)"), and for run.seed
// how a seed that large is written.
std::string integer_beyond_64_bits(std::string_view text, std::uint32_t line,
                                   std::uint32_t& column);

// Why a TOML float literal (`1e-400`, `-1.5e400`, '_' between digits) is one
// no double holds: "is too large for a double (...)" or "is closer to 0 than
// a double holds (...)"; "" for any other text. toml++ calls both "not
// representable in 64 bits", as for an integer.
std::string float_beyond_double(std::string_view literal);

}  // namespace hio::tools
