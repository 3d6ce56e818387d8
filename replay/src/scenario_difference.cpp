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

// Whether `i` of `text` is inside a UTF-8 character, after its first byte:
// a continuation byte that follows a valid sequence's start. (Bytes that are
// not UTF-8 are each a character of their own, as they are escaped.)
bool inside_character(std::string_view text, std::size_t i) {
  if (i == 0 || i >= text.size()) return false;
  if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) return false;
  for (std::size_t start = i; start-- > 0 && i - start < 4;) {
    if ((static_cast<unsigned char>(text[start]) & 0xC0) != 0x80) {
      return utf8_sequence(text, start) > i - start;
    }
  }
  return false;
}

// `i`, moved back to the first byte of the character it is in.
std::size_t character_start(std::string_view text, std::size_t i) {
  while (inside_character(text, i))
    --i;
  return i;
}

// The characters of `text` an editor counts: UTF-8 code points, and each
// byte that is not UTF-8 one.
std::size_t characters(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count)
    i += std::max<std::size_t>(utf8_sequence(text, i), 1);
  return count;
}

// The line quoted and escaped, cut to the bytes around `at` (0-based, the
// first byte of a character) with "..." where it was cut, never inside a
// character; as bytes (\xNN beyond ASCII) when `as_bytes`.
std::string shown(std::string_view line, std::size_t at, bool as_bytes) {
  const std::size_t from = character_start(line, at > kShownBefore ? at - kShownBefore : 0);
  const std::size_t to = character_start(line, std::min(line.size(), at + kShownAfter));
  std::string out = from > 0 ? "..." : "";
  if (as_bytes) {
    append_quoted(out, line.substr(from, to - from));
  } else {
    append_quoted_text(out, line.substr(from, to - from));
  }
  if (to < line.size()) out += "...";
  return out;
}

// Whether the byte at `at` of `line` is beyond ASCII: a difference there
// may not show as text (a byte order mark prints as nothing, a no-break space
// as a space), so both lines are shown as bytes.
bool beyond_ascii_at(std::string_view line, std::size_t at) {
  return at < line.size() && static_cast<unsigned char>(line[at]) >= 0x80;
}

// "the first" or "the second".
std::string side(bool first) {
  return first ? "the first" : "the second";
}

}  // namespace

std::string describe_scenario_difference(std::string_view a, std::string_view b) {
  if (a == b) return "";
  // An embedder's journal has no scenario text: said so, not as a text
  // whose "line 1 is only in the second".
  if (a.empty() || b.empty()) {
    const std::optional<std::string_view> first = line_at(a.empty() ? b : a, 0);
    return side(a.empty()) + " has no scenario text; " + side(!a.empty()) + "'s line 1 is " +
           shown(first.value_or(""), 0, false);
  }
  // The first differing byte, then the line it is in; no loop over lines
  // before it beyond counting their ends (a scenario may be megabytes).
  const auto [in_a, in_b] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  const auto at = static_cast<std::size_t>(in_a - a.begin());
  const std::string_view before = a.substr(0, at);
  const auto line = static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t line_start =
      before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  const std::optional<std::string_view> x = line_at(a, line);
  const std::optional<std::string_view> y = line_at(b, line);
  const std::string number = std::to_string(line + 1);
  if (!x || !y) {
    // One text is the other's first lines, and more.
    return "line " + number + " is only in " + side(x.has_value()) + ": " +
           shown(x ? *x : *y, 0, false);
  }
  if (*x == *y) {
    // The difference is the line end after it: one text stops there, the
    // other has the line end, and may go on past it.
    const bool first_ends = a.size() < b.size();
    std::string out = "line " + number + " is the same, and ends " + side(first_ends) +
                      " without a line end after it";
    if (const std::optional<std::string_view> next = line_at(first_ends ? b : a, line + 1)) {
      out += "; " + side(!first_ends) + " goes on: line " + std::to_string(line + 2) + " is " +
             shown(*next, 0, false);
    }
    return out;
  }
  // Where the character that differs starts (two characters that share
  // their first bytes differ inside them), counted in characters as an
  // editor counts its columns.
  const std::size_t in_line = character_start(*x, at - line_start);
  const bool as_bytes = beyond_ascii_at(*x, in_line) || beyond_ascii_at(*y, in_line);
  return "first differs at line " + number + ", column " +
         std::to_string(characters(x->substr(0, in_line)) + 1) + ": " +
         shown(*x, in_line, as_bytes) + " vs " + shown(*y, in_line, as_bytes);
}

}  // namespace hio::replay
