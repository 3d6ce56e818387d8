#include "shell_word.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "hio/replay/escape.hpp"

namespace hio::tools {

std::string shell_word(std::string_view word) {
  const auto plain = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("_-./:=,@%+").find(c) != std::string_view::npos;
  };
  if (word.empty()) return "''";
  // '=' is plain but first: zsh expands "=cmd" to the path of a command
  // (EQUALS), so "=fail.toml" would be "fail.toml not found".
  if (word.front() != '=' && std::all_of(word.begin(), word.end(), plain)) {
    return std::string(word);
  }
  std::string out;
  bool quoted = false;  // inside a '...' part
  std::string octal;    // bytes waiting for their "$(printf '...')" part
  const auto flush_octal = [&] {
    if (octal.empty()) return;
    out += "\"$(printf '" + octal + "')\"";
    octal.clear();
  };
  const auto literal = [&](std::string_view text) {
    flush_octal();
    for (const char c : text) {
      if (c == '\'') {  // outside the quotes, escaped: ...'\''...
        if (quoted) out += '\'';
        quoted = false;
        out += "\\'";
        continue;
      }
      if (!quoted) out += '\'';
      quoted = true;
      out += c;
    }
  };

  const auto through_printf = [&](std::string_view bytes) {
    if (quoted) out += '\'';
    quoted = false;
    for (const char c : bytes) {
      const auto byte = static_cast<unsigned char>(c);
      octal += '\\';
      octal += static_cast<char>('0' + (byte >> 6));
      octal += static_cast<char>('0' + ((byte >> 3) & 7));
      octal += static_cast<char>('0' + (byte & 7));
    }
  };
  for (std::size_t i = 0; i < word.size();) {
    std::uint32_t code_point = 0;
    std::size_t size = replay::utf8_sequence(word, i, &code_point);
    if (size == 0) {
      through_printf(word.substr(i, 1));  // not UTF-8
      i += 1;
      continue;
    }
    if (replay::control_code_point(code_point) && code_point != '\n') {
      through_printf(word.substr(i, size));
    } else {
      literal(word.substr(i, size));
    }
    i += size;
  }
  flush_octal();
  if (quoted) out += '\'';
  return out;
}

}  // namespace hio::tools
