// Durations as people write them in scenarios and on the command line:
// "20ms", "1.5s", "250us", "2m", "1h", "0" — parsed exactly into tyme.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hio/engine/tyme.hpp"

namespace hio::tools {

// Parses a decimal number followed by a unit (ns, us, ms, s, m, h); "0" needs
// no unit. Exact: "0.1s" is 100,000,000 ns; a value finer than 1 ns, a
// negative one, one too large for int64 ns, or a missing or unknown unit is
// an error, described in `error` (what is wrong, and where in the text).
std::optional<Tock> parse_duration(std::string_view text, std::string* error);

// A tyme in the same grammar (a duration since tyme 0), up to the end of tyme
// (kTymeNever, about 292 years): every tyme a run can reach, as in a journal.
std::optional<Tyme> parse_tyme(std::string_view text, std::string* error);

// The shortest exact text for a duration: "31.25ms", "1.5s", "0".
std::string format_duration(Tock tock);

// A seed or count: digits only, 0 to 2^64-1 (no sign, no spaces). Throws
// std::invalid_argument "<what>: '<text>' is not a whole number >= 0".
std::uint64_t parse_u64(std::string_view text, const std::string& what);

}  // namespace hio::tools
