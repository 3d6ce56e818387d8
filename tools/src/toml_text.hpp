// Positions in a scenario's TOML text as toml++ gives them (lines from 1,
// columns in characters - UTF-8 code points - from 1), so that every
// message about one spot gives it the same column, and the rewrites of
// toml++'s messages find the character it points at.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hio/tools/scenario.hpp"

namespace hio::tools {

// The characters (UTF-8 code points) of `bytes`: the bytes that do not
// continue a sequence.
std::size_t code_points(std::string_view bytes);

// Where line 1's first column is: after a UTF-8 byte order mark, which
// toml++ skips without counting it as a column.
std::size_t text_start(std::string_view text);

// The byte offset in `text` of the character at `line`, `column` (both from
// 1, the column in characters; line 1 after a byte order mark); the offset
// of the line's end (its '\n', or the text's end) when the column is past
// it; nullopt when `text` has no such line. The one mapping of toml++'s
// positions to bytes, for the loader's messages and for --set's rewriting.
std::optional<std::size_t> byte_offset(std::string_view text, std::uint32_t line,
                                       std::uint32_t column);

// Where byte `offset` of `text` is, as toml++ counts (byte_offset's inverse):
// its line, and its column in characters.
TextPoint text_point(std::string_view text, std::size_t offset);

// The first byte of the line `offset` is on (line 1's after a byte order
// mark: a line inserted before it goes after the mark, which stays first).
std::size_t line_start(std::string_view text, std::size_t offset);

// What a text that is not UTF-8 is told to do.
inline constexpr std::string_view kSaveAsUtf8 =
    "hio reads a scenario as UTF-8 text: save the file as UTF-8 (a file in Latin-1, "
    "Windows-1252 or UTF-16 is another encoding)";

// A problem with what a text is written in, at its line and column.
struct TextProblem {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message;
};

// The problem `message` at byte `offset` of `text`, at its line and column.
TextProblem problem_at(std::string_view text, std::size_t offset, std::string message);

// Why `text` is not UTF-8 text, which toml++ says only as "Encountered
// invalid utf-8 sequence", pointing at the character before the bad one
// (often on the line above): a UTF-16 byte order mark at its start, or the
// first byte no UTF-8 sequence holds, named with where it is. nullopt when
// `text` is UTF-8.
std::optional<TextProblem> not_utf8(std::string_view text);

// Where `text` holds its first NUL byte, which TOML allows nowhere (UTF-16
// text without its byte order mark is full of them): found before toml++
// parses, whose key reader asserts it never sees one; a text starting with
// a UTF-16 byte order mark is told as not_utf8 tells it. nullopt when none.
std::optional<TextProblem> nul_byte(std::string_view text);

// Where `text` holds the first character toml++ 3.3 must not read: one other
// than ASCII (a) outside any string or comment (never TOML: a key or value
// holding one is quoted), or (b) in a """ string, the first after a
// backslash and any blanks and line ends (valid TOML after a line-ending
// backslash). toml++ asks whether such a character is whitespace, and its
// table of answers ends in __builtin_unreachable() for most of them (é, ü,
// Greek, Cyrillic, kana...: undefined behaviour; fixed after 3.3, in
// marzer/tomlplusplus#305). The scan follows TOML's strings and comments
// lexically and stops where toml++ would stop (a string not closed); a byte
// that is not UTF-8 at or before the character is said as not_utf8 says it.
// nullopt when there is none. parse_toml checks every text with it.
std::optional<TextProblem> misread_by_toml(std::string_view text);

}  // namespace hio::tools
