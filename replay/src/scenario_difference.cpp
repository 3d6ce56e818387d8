#include "scenario_difference.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>

#include "hio/replay/escape.hpp"

namespace hio::replay {

namespace {

// Bytes of a line shown before and after its first differing byte: enough to
// read a key and its value, short enough for one terminal line per side.
constexpr std::size_t kShownBefore = 24;
constexpr std::size_t kShownAfter = 40;

// Line `index` of `text` (0-based, split at '\n', the '\n' not included), or
// nullopt past the last. A text that ends with '\n' has no empty last line.
std::optional<std::string_view> line_at(std::string_view text, std::size_t index) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < index; ++i) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) return std::nullopt;
    start = end + 1;
  }
  if (start >= text.size()) return std::nullopt;
  const std::size_t end = text.find('\n', start);
  return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

// The line quoted and escaped, cut to the bytes around `column` (0-based)
// with "..." where it was cut; as bytes (\xNN beyond ASCII) when `as_bytes`.
std::string shown(std::string_view line, std::size_t column, bool as_bytes) {
  const std::size_t from = column > kShownBefore ? column - kShownBefore : 0;
  const std::size_t to = std::min(line.size(), column + kShownAfter);
  std::string out = from > 0 ? "..." : "";
  if (as_bytes) {
    append_quoted(out, line.substr(from, to - from));
  } else {
    append_quoted_text(out, line.substr(from, to - from));
  }
  if (to < line.size()) out += "...";
  return out;
}

// Whether the byte at `column` of `line` is beyond ASCII: a difference there
// may not show as text (a byte order mark prints as nothing, a no-break space
// as a space), so both lines are shown as bytes.
bool beyond_ascii_at(std::string_view line, std::size_t column) {
  return column < line.size() && static_cast<unsigned char>(line[column]) >= 0x80;
}

}  // namespace

std::string describe_scenario_difference(std::string_view a, std::string_view b) {
  if (a == b) return "";
  // The first differing byte, then the line it is in; no loop over lines
  // before it beyond counting their ends (a scenario may be megabytes).
  const auto [in_a, in_b] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  const auto at = static_cast<std::size_t>(in_a - a.begin());
  const std::string_view before = a.substr(0, at);
  const auto line = static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t line_start =
      before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  const std::size_t column = at - line_start;
  const std::optional<std::string_view> x = line_at(a, line);
  const std::optional<std::string_view> y = line_at(b, line);
  const std::string number = std::to_string(line + 1);
  if (!x || !y) {
    // One text is the other's first lines, and more.
    return "line " + number + " is only in the " + (x ? "first: " : "second: ") +
           shown(x ? *x : *y, 0, false);
  }
  if (*x == *y) {
    // The difference is the line end after it: one text stops there.
    return "line " + number + " is the same, and ends the " +
           (a.size() < b.size() ? "first" : "second") + " without a line end after it";
  }
  const bool as_bytes = beyond_ascii_at(*x, column) || beyond_ascii_at(*y, column);
  return "first differs at line " + number + ", column " + std::to_string(column + 1) + ": " +
         shown(*x, column, as_bytes) + " vs " + shown(*y, column, as_bytes);
}

}  // namespace hio::replay
