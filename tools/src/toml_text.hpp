// Positions in a scenario's TOML text as toml++ gives them (lines from 1,
// columns in characters - UTF-8 code points - from 1), so that every
// message about one spot gives it the same column, and the rewrites of
// toml++'s messages find the character it points at.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace hio::tools {

// The characters (UTF-8 code points) of `bytes`: the bytes that do not
// continue a sequence.
std::size_t code_points(std::string_view bytes);

// The byte offset in `text` of the character at `line`, `column` (both from
// 1, the column in characters); the offset of the line's end (its '\n', or
// the text's end) when the column is past it; nullopt when `text` has no
// such line.
std::optional<std::size_t> byte_offset(std::string_view text, std::uint32_t line,
                                       std::uint32_t column);

}  // namespace hio::tools
