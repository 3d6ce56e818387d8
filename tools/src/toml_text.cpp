#include "toml_text.hpp"

#include <algorithm>
#include <cstdio>

#include "hio/replay/escape.hpp"

namespace hio::tools {

namespace {

bool continues(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
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
  const TextPoint point = text_point(text, at);
  return TextProblem{point.line, point.column,
                     "a NUL byte, which TOML allows nowhere (UTF-16 text holds them): " +
                         std::string(kSaveAsUtf8)};
}

}  // namespace hio::tools
