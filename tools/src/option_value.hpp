// An option and its value as a message names them: "--limit 2x", and
// "--limit \"\"" for an empty value (--limit="$L" with L unset), as
// `--noise ""` is said, rather than "--limit : ..." with nothing to see.
#pragma once

#include <string>
#include <string_view>

namespace hio::tools {

inline std::string option_value(std::string_view option, std::string_view value) {
  return std::string(option) + " " + (value.empty() ? std::string("\"\"") : std::string(value));
}

}  // namespace hio::tools
