#include "toml_integer.hpp"

#include <algorithm>

namespace hio::tools {

namespace {

constexpr std::string_view kSpace = " \t";

std::string_view trim(std::string_view s) {
  const std::size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// What an integer is written with: digits, '_', a sign, and the letters of
// 0x, 0o, 0b and hexadecimal digits. (A value always follows '=', ',', '['
// or a space, so the walk back stops there.)
bool integer_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == '+' || c == '-';
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

// The table the line starting at `line_start` is in: the last header above
// it ("run" for [run], "net.default_link"), "" for the top level; `array`
// tells [[doer]] (an array of tables: "doer").
std::string table_above(std::string_view text, std::size_t line_start, bool& array) {
  array = false;
  std::size_t end = line_start;
  while (end > 0) {
    const std::size_t start = text.rfind('\n', end - 1);
    const std::size_t from = start == std::string_view::npos ? 0 : start + 1;
    const std::string_view row = trim(text.substr(from, end - from));
    if (!row.empty() && row.front() == '[') {
      array = row.starts_with("[[");
      std::string_view name = row.substr(0, row.find(']'));
      name.remove_prefix(std::min(name.size(), name.find_first_not_of('[')));
      std::string table;
      for (char c : name)
        if (c != ' ' && c != '\t') table += c;
      return table;
    }
    if (start == std::string_view::npos) break;
    end = start;
  }
  return "";
}

}  // namespace

std::string integer_beyond_64_bits(std::string_view text, std::uint32_t line,
                                   std::uint32_t& column) {
  std::size_t start = 0;
  for (std::uint32_t l = 1; l < line && start != std::string_view::npos; ++l) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  std::string shown;  // "count = 99999999999999999999", or the integer alone
  bool negative = false;
  bool seed = false;
  if (start != std::string_view::npos) {
    const std::string_view row = text.substr(start, text.find('\n', start) - start);
    // Columns count characters: walk back only over an ASCII line.
    std::size_t at = column;
    const bool ascii = at >= 1 && at - 1 <= row.size() &&
                       std::all_of(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(at - 1),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    while (ascii && at > 1 && integer_char(row[at - 2]))
      --at;
    std::size_t end = at - 1;
    while (ascii && end < row.size() && integer_char(row[end]))
      ++end;
    const std::string_view integer = ascii ? row.substr(at - 1, end - (at - 1)) : "";
    if (!integer.empty()) {
      negative = integer.front() == '-';
      // The key by its whole name where that is one name: "count" under
      // [[doer]] (one of many), "net.default_link.bandwidth".
      std::string key = key_on_row(row, at - 1);
      bool array = false;
      const std::string table = table_above(text, start, array);
      if (!key.empty() && !table.empty() && !array) key = table + "." + key;
      shown = key.empty() ? std::string(integer) : key + " = " + std::string(integer);
      std::string unquoted = key;  // run."seed" is run.seed too
      std::erase_if(unquoted, [](char c) { return c == '"' || c == '\''; });
      seed = unquoted == "run.seed";
      column = static_cast<std::uint32_t>(at);
    }
  }
  std::string message;
  if (shown.empty()) {  // (other than ASCII before it on its line: not walked)
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

}  // namespace hio::tools
