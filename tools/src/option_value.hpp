// An option and its value as a message names them: "--limit 2x", and
// "--limit \"\"" for an empty value (--limit="$L" with L unset), as
// `--noise ""` is said, rather than "--limit : ..." with nothing to see;
// "--set \" run.limit=1s\"" for one with a blank at an edge.
#pragma once

#include <string>
#include <string_view>

namespace hio::tools {

// Whether `text` begins or ends with a blank (a space, a tab), which a
// message shows only quoted: `--set " run.limit=1s"` read as run.limit=1s.
inline bool blank_edged(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  return !text.empty() && (blank(text.front()) || blank(text.back()));
}

// `value` as a message shows it: quoted when empty or blank-edged.
inline std::string shown_value(std::string_view value) {
  if (value.empty() || blank_edged(value)) return "\"" + std::string(value) + "\"";
  return std::string(value);
}

inline std::string option_value(std::string_view option, std::string_view value) {
  return std::string(option) + " " + shown_value(value);
}

}  // namespace hio::tools
