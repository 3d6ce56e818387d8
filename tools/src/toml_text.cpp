#include "toml_text.hpp"

#include <algorithm>
#include <cstdio>

#include "hio/replay/escape.hpp"

namespace hio::tools {

namespace {

bool continues(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// TOML's blanks and line ends (and the controls toml++ takes for line
// ends), which toml++ skips after a backslash in a """ string.
bool blank_or_line_end(char c) {
  return c == ' ' || c == '\t' || (c >= '\n' && c <= '\r');
}

}  // namespace

std::size_t code_points(std::string_view bytes) {
  std::size_t n = 0;
  for (const char c : bytes)
    if (!continues(c)) ++n;
  return n;
}

std::size_t text_start(std::string_view text) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  return text.substr(0, kBom.size()) == kBom ? kBom.size() : 0;
}

std::optional<std::size_t> byte_offset(std::string_view text, std::uint32_t line,
                                       std::uint32_t column) {
  if (line == 0 || column == 0) return std::nullopt;
  std::size_t at = text_start(text);
  for (std::uint32_t l = 1; l < line; ++l) {
    at = text.find('\n', at);
    if (at == std::string_view::npos) return std::nullopt;
    ++at;
  }
  for (std::uint32_t c = 1; c < column && at < text.size() && text[at] != '\n'; ++c) {
    ++at;
    while (at < text.size() && continues(text[at]))
      ++at;
  }
  return at;
}

std::size_t line_start(std::string_view text, std::size_t offset) {
  const std::size_t newline = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  return offset == 0 || newline == std::string_view::npos ? text_start(text) : newline + 1;
}

TextPoint text_point(std::string_view text, std::size_t offset) {
  offset = std::max(offset, text_start(text));  // a byte order mark is before line 1's column 1
  const std::size_t row = line_start(text, offset);
  const auto line = static_cast<std::uint32_t>(
      1 + std::count(text.begin() + static_cast<std::ptrdiff_t>(text_start(text)),
                     text.begin() + static_cast<std::ptrdiff_t>(row), '\n'));
  const auto column = static_cast<std::uint32_t>(code_points(text.substr(row, offset - row)) + 1);
  return TextPoint{line, column};
}

TextProblem problem_at(std::string_view text, std::size_t offset, std::string message) {
  const TextPoint point = text_point(text, offset);
  return TextProblem{point.line, point.column, std::move(message)};
}

std::optional<TextProblem> not_utf8(std::string_view text) {
  for (const std::string_view bom : {std::string_view("\xFF\xFE"), std::string_view("\xFE\xFF")}) {
    if (text.starts_with(bom)) {
      return TextProblem{1, 1,
                         std::string("the file is UTF-16: it starts with the byte order mark ") +
                             (bom[0] == '\xFF' ? "FF FE" : "FE FF") + "; " +
                             std::string(kSaveAsUtf8)};
    }
  }
  std::uint32_t line = 1;
  std::size_t row = text_start(text);
  for (std::size_t at = row; at < text.size();) {
    const std::size_t length = replay::utf8_sequence(text, at);
    if (length == 0) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02x",
                    static_cast<unsigned>(static_cast<unsigned char>(text[at])));
      const auto column = static_cast<std::uint32_t>(code_points(text.substr(row, at - row)) + 1);
      return TextProblem{
          line, column, std::string("byte ") + byte + " is not UTF-8; " + std::string(kSaveAsUtf8)};
    }
    if (text[at] == '\n') {
      ++line;
      row = at + 1;
    }
    at += length;
  }
  return std::nullopt;
}

std::optional<TextProblem> nul_byte(std::string_view text) {
  const std::size_t at = text.find('\0');
  if (at == std::string_view::npos) return std::nullopt;
  // UTF-16 with its byte order mark is named as such (not_utf8).
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) return not_utf8(text);
  return problem_at(text, at,
                    "a NUL byte, which TOML allows nowhere (UTF-16 text holds them): " +
                        std::string(kSaveAsUtf8));
}

std::optional<TextProblem> misread_by_toml(std::string_view text) {
  const std::size_t n = text.size();
  const auto ascii = [](char c) { return static_cast<unsigned char>(c) < 0x80; };
  // The character at `at` as "U+00E9", or else the first byte at or before
  // it that is not UTF-8, said as not_utf8 says it (toml++ stops there).
  std::string hex;
  const auto not_ascii_at = [&](std::size_t at) -> std::optional<TextProblem> {
    std::uint32_t code_point = 0;
    const std::size_t length = replay::utf8_sequence(text, at, &code_point);
    if (std::optional<TextProblem> bad =
            not_utf8(text.substr(0, at + std::max<std::size_t>(length, 1))))
      return bad;
    char digits[16];
    std::snprintf(digits, sizeof digits, "%04X", static_cast<unsigned>(code_point));
    hex = digits;
    return std::nullopt;
  };
  const auto problem = [&](std::size_t at, const std::string& message) {
    return std::optional<TextProblem>(
        problem_at(text, at, "the character U+" + hex + " " + message));
  };
  // Where a quote starts a string: not in a value that is no string, array
  // or inline table (a number, a date, true...), which toml++ reads to the
  // next blank, ] } , or # (quotes, = and . included) before it judges it.
  // So the scan knows whether a value comes next (after =, [ or , in an
  // array), and which brackets are open ('a' array, 't' inline table, 'h'
  // table header).
  // And where a value so read began, and the blank that ended the value
  // before it: a date, a space and one digit (1979-05-27 0) are read on
  // past the terminator after the digit (toml++ scans from it as if it were
  // none: a false TOML_ASSERT_ASSUME), to the next one; any value, a space
  // and a digit are taken so, as no such text is TOML.
  std::string open;
  bool value_next = false;
  bool in_value = false;
  std::size_t value_start = 0;
  std::size_t blank_after_value = std::string_view::npos;
  std::size_t i = text_start(text);
  while (i < n) {
    const char c = text[i];
    if (in_value) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ']' && c != '}' && c != ',' &&
          c != '#') {
        if (!ascii(c)) break;  // said below
        ++i;
        continue;
      }
      if (i == value_start + 1 && value_start == blank_after_value + 1 &&
          text[value_start] >= '0' && text[value_start] <= '9') {
        blank_after_value = std::string_view::npos;
        ++i;
        continue;
      }
      in_value = false;
      // A blank may be in a date-time (1979-05-27 07:32:00): what follows on
      // the line is read as a value.
      value_next = c == ' ' || c == '\t';
      blank_after_value = value_next ? i : std::string_view::npos;
    }
    if (c == '#') {  // a comment, to its line's end
      while (i < n && text[i] != '\n')
        ++i;
      continue;
    }
    if (!ascii(c)) break;
    if (c != '"' && c != '\'') {
      switch (c) {
        case ' ':
        case '\t':
        case '\r':
        case '.':
          break;
        case '\n':
          value_next = !open.empty() && open.back() == 'a';
          break;
        case '=':
          value_next = true;
          break;
        case '[':
          open += value_next ? 'a' : 'h';
          break;
        case '{':
          open += 't';
          value_next = false;
          break;
        case ',':
          value_next = !open.empty() && open.back() == 'a';
          break;
        case ']':
        case '}':
          if (!open.empty()) open.pop_back();
          value_next = false;
          break;
        default:
          in_value = value_next;
          value_start = i;
          value_next = false;
          break;
      }
      ++i;
      continue;
    }
    value_next = false;
    // A string: '...', "...", '''...''' or """...""" (whose end is the last
    // of up to five quotes in a row).
    const bool multi = text.substr(i, 3) == std::string_view(c == '"' ? "\"\"\"" : "'''");
    i += multi ? 3 : 1;
    bool closed = false;
    while (i < n && !closed) {
      const char s = text[i];
      if (s == '\\' && c == '"') {
        // toml++ asks whether the character after a backslash in a """
        // string, after any blanks and line ends, is whitespace.
        std::size_t next = i + 1;
        bool line_end = false;
        while (multi && next < n && blank_or_line_end(text[next])) {
          line_end = line_end || text[next] == '\n';
          ++next;
        }
        if (multi && next < n && !ascii(text[next])) {
          if (std::optional<TextProblem> bad = not_ascii_at(next)) return bad;
          if (line_end) {
            return problem(next,
                           "first after a line-ending backslash in a \"\"\" string: valid TOML, "
                           "but hio's TOML reader (toml++ 3.3) misreads it: start the continued "
                           "line with an ASCII character, or write this one as \\u" +
                               hex + " (the same string)");
          }
          return problem(next,
                         "after a backslash in a \"\"\" string, which is no TOML escape: "
                         "write the character as \\u" +
                             hex + ", or a backslash as \\\\");
        }
        i += 2;  // an escape: the character after '\' ends no string
      } else if (s == '\n' && !multi) {
        return std::nullopt;  // not closed: toml++ stops here, reading nothing after it
      } else if (s == c) {
        std::size_t quotes = 1;
        while (multi && quotes < 5 && i + quotes < n && text[i + quotes] == c)
          ++quotes;
        closed = !multi || quotes >= 3;
        i += quotes;
      } else {
        ++i;
      }
    }
    if (!closed) return std::nullopt;  // toml++: end of file in a string
  }
  if (i == n) return std::nullopt;
  if (std::optional<TextProblem> bad = not_ascii_at(i)) return bad;
  return problem(i,
                 "outside a string: TOML allows characters other than ASCII only in strings and "
                 "comments: write a key or a value that holds one in quotes (\"...\")");
}

}  // namespace hio::tools
