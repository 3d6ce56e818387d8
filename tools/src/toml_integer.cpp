#include "toml_integer.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <system_error>

#include "toml_text.hpp"

namespace hio::tools {

namespace {

constexpr std::string_view kSpace = " \t";

std::string_view trim(std::string_view s) {
  const std::size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// What an integer is written with: digits, '_', a sign, and the letters of
// 0x, 0o, 0b and hexadecimal digits; and a float, its point and exponent. (A value always follows
// '=', ',', '[' or a space, so the walk back stops there.)
bool integer_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == '+' || c == '-' || c == '.';  // (a float's point: 1.5e400)
}

// Where the inline table holding position `end` of `row` opens: its '{', or
// npos at the top of the line. Braces in strings are not told apart (a key
// then comes out wrong in a message, nothing else).
std::size_t open_brace(std::string_view row, std::size_t end) {
  int depth = 0;
  for (std::size_t i = end; i > 0; --i) {
    if (row[i - 1] == '}') ++depth;
    if (row[i - 1] == '{' && depth-- == 0) return i - 1;
  }
  return std::string_view::npos;
}

// The key of the value that starts at `value` in `row`, dotted through the
// inline tables around it ("run.seed" for `run = { seed = 1 }`): "" where
// it is no `key = value` (an element of an array).
std::string key_on_row(std::string_view row, std::size_t value) {
  std::string key;
  std::size_t end = value;
  // Inline tables nest as deep as the loader's limit on keys allows at most.
  for (int level = 0; level < 64; ++level) {
    std::string_view before = trim(row.substr(0, end));
    // Not a key's: an element of an array (of inline tables, if a key was
    // found inside one).
    if (before.empty() || before.back() != '=') return key;
    before.remove_suffix(1);
    const std::size_t brace = open_brace(before, before.size());
    const std::size_t comma = before.rfind(',');
    std::size_t cut = brace;
    if (comma != std::string_view::npos && (brace == std::string_view::npos || comma > brace)) {
      cut = comma;
    }
    const std::string part(trim(before.substr(cut == std::string_view::npos ? 0 : cut + 1)));
    key = key.empty() ? part : part + "." + key;
    if (brace == std::string_view::npos) return key;
    end = brace;
  }
  return key;
}

// Where the TOML string that opens at `at` of `text` ends (just past its
// closing quotes; the end of the text when it has none): "...", '...', or a
// multi-line one in three quotes.
std::size_t string_end(std::string_view text, std::size_t at) {
  const char quote = text[at];
  const std::string_view triple = text.substr(at, 3);
  const bool multi_line =
      triple.size() == 3 && triple.find_first_not_of(quote) == std::string_view::npos;
  for (std::size_t i = at + (multi_line ? 3 : 1); i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;  // an escaped character, \" too
    } else if (!multi_line && (text[i] == quote || text[i] == '\n')) {
      return i + 1;
    } else if (multi_line && text.substr(i, 3) == triple) {
      std::size_t end = i + 3;
      // Up to two quotes more belong to the string (""" a"""" holds ` a"`).
      for (int more = 0; more < 2 && end < text.size() && text[end] == quote; ++more)
        ++end;
      return end;
    }
  }
  return text.size();
}

// The table the line starting at `row_start` is in: the last header above
// it ("run" for [run], "net.default_link"), "" for the top level; `array`
// tells [[doer]] (an array of tables: "doer"). A header is a '[' that starts
// a line outside strings, arrays and inline tables, so the text is walked
// from its start over those (the text above the line is TOML that parsed).
std::string table_above(std::string_view text, std::size_t row_start, bool& array) {
  array = false;
  std::string table;
  int depth = 0;  // of the arrays and inline tables open
  bool line_begins = true;
  for (std::size_t i = text_start(text); i < row_start && i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (c == '\n') {
      line_begins = true;
      continue;
    }
    const bool header = line_begins && depth == 0 && c == '[';
    line_begins = false;
    if (header) {
      const std::size_t end = std::min(text.find(']', i), text.size());
      array = text.substr(i, 2) == "[[";
      table.clear();
      for (char n : text.substr(i, end - i))
        if (n != ' ' && n != '\t' && n != '[') table += n;
      i = end;
    } else if (c == '#') {
      i = std::min(text.find('\n', i), text.size()) - 1;  // the newline ends the comment
    } else if (c == '"' || c == '\'') {
      i = string_end(text, i) - 1;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return table;
}

}  // namespace

std::string integer_beyond_64_bits(std::string_view text, std::uint32_t line,
                                   std::uint32_t& column) {
  std::string shown;  // "count = 99999999999999999999", or the integer alone
  bool negative = false;
  bool seed = false;
  // The byte just past the integer (toml_text.hpp: columns are characters,
  // line 1 starts after a byte order mark); the integer is ASCII, so the
  // walk back over it moves one column a byte.
  if (const std::optional<std::size_t> past = byte_offset(text, line, column)) {
    const std::size_t start = line_start(text, *past);
    const std::string_view row = text.substr(start, text.find('\n', start) - start);
    std::size_t at = *past - start;
    while (at > 0 && integer_char(row[at - 1]))
      --at;
    std::size_t end = at;
    while (end < row.size() && integer_char(row[end]))
      ++end;
    const std::string_view integer = row.substr(at, end - at);
    if (!integer.empty()) {
      negative = integer.front() == '-';
      // The key by its whole name where that is one name: "count" under
      // [[doer]] (one of many), "net.default_link.bandwidth".
      std::string key = key_on_row(row, at);
      bool array = false;
      const std::string table = table_above(text, start, array);
      if (!key.empty() && !table.empty() && !array) key = table + "." + key;
      shown = key.empty() ? std::string(integer) : key + " = " + std::string(integer);
      std::string unquoted = key;  // run."seed" is run.seed too
      std::erase_if(unquoted, [](char c) { return c == '"' || c == '\''; });
      seed = unquoted == "run.seed";
      column -= static_cast<std::uint32_t>(*past - start - at);
    }
  }
  std::string message;
  if (const std::string why = float_beyond_double(shown.substr(shown.rfind(' ') + 1));
      !shown.empty() && !why.empty()) {
    return shown + " " + why;
  }
  if (shown.empty()) {  // (no integer found where toml++ points)
    message =
        "the integer that ends here is beyond 64 bits: a TOML integer is from -2^63 to 2^63-1 "
        "(9223372036854775807)";
  } else if (negative) {
    message = shown + " is less than a TOML integer holds: at least -2^63 (-9223372036854775808)";
  } else {
    message = shown + " is more than a TOML integer holds: at most 2^63-1 (9223372036854775807)";
  }
  if (seed) {
    message +=
        "; a run.seed above it is written as a string of digits, e.g. seed = "
        "\"18446744073709551615\"";
  }
  return message;
}

std::string float_beyond_double(std::string_view literal) {
  std::string body;  // without '_' and the sign
  for (const char c : literal) {
    if (c != '_') body += c;
  }
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.erase(0, 1);
  const bool radix =
      body.size() > 1 && body[0] == '0' && std::isalpha(static_cast<unsigned char>(body[1]));
  if (radix || body.find_first_of(".eE") == std::string::npos) return "";
  double value = 0;
  const auto [end, error] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (error != std::errc::result_out_of_range || end != body.data() + body.size()) return "";
  // Which way: the power of ten of its first digit that is not 0.
  const std::size_t e = body.find_first_of("eE");
  const std::string_view mantissa = std::string_view(body).substr(0, e);
  const std::size_t point = std::min(mantissa.find('.'), mantissa.size());
  const std::size_t first = mantissa.find_first_of("123456789");
  if (first == std::string_view::npos) return "";  // (0e999 is 0)
  long long power = first < point ? static_cast<long long>(point - first - 1)
                                  : -static_cast<long long>(first - point);
  if (e != std::string::npos) {
    std::string_view exponent = std::string_view(body).substr(e + 1);
    const bool negative = !exponent.empty() && exponent[0] == '-';
    if (!exponent.empty() && (exponent[0] == '-' || exponent[0] == '+')) exponent.remove_prefix(1);
    long long n = 0;
    if (std::from_chars(exponent.data(), exponent.data() + exponent.size(), n).ec != std::errc()) {
      n = 1'000'000;  // more digits than any double's exponent needs
    }
    power += negative ? -n : n;
  }
  return power >= 0 ? "is too large for a double (at most about 1.8e308 either side of 0)"
                    : "is closer to 0 than a double holds (the smallest is about 4.9e-324): "
                      "write 0 for none";
}

}  // namespace hio::tools
