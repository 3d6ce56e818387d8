#include "toml_text.hpp"

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

std::optional<std::size_t> byte_offset(std::string_view text, std::uint32_t line,
                                       std::uint32_t column) {
  if (line == 0 || column == 0) return std::nullopt;
  std::size_t at = 0;
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

}  // namespace hio::tools
