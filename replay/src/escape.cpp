#include "hio/replay/escape.hpp"

namespace hio::replay {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_hex_byte(std::string& out, unsigned char u) {
  out += kHex[u >> 4];
  out += kHex[u & 0xF];
}

}  // namespace

void append_quoted(std::string& out, std::string_view bytes, std::size_t max_bytes) {
  out += '"';
  const std::size_t shown = bytes.size() < max_bytes ? bytes.size() : max_bytes;
  for (std::size_t i = 0; i < shown; ++i) {
    const auto u = static_cast<unsigned char>(bytes[i]);
    switch (u) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u >= 0x20 && u < 0x7F) {
          out += static_cast<char>(u);
        } else {
          out += "\\x";
          append_hex_byte(out, u);
        }
    }
  }
  out += '"';
  if (shown < bytes.size()) out += "...";
}

void append_hex(std::string& out, std::string_view bytes) {
  out.reserve(out.size() + 2 * bytes.size());
  for (char c : bytes)
    append_hex_byte(out, static_cast<unsigned char>(c));
}

std::size_t utf8_sequence(std::string_view bytes, std::size_t i, std::uint32_t* code_point) {
  const std::size_t n = bytes.size();
  const auto c = static_cast<unsigned char>(bytes[i]);
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (c < 0x80) {
    len = 1;
    cp = c;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1Fu;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0Fu;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07u;
  } else {
    return 0;
  }
  if (n - i < len) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(bytes[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3Fu);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  static constexpr std::uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  if (code_point != nullptr) *code_point = cp;
  return len;
}

bool valid_utf8(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    const std::size_t len = utf8_sequence(bytes, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

bool control_code_point(std::uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

void append_quoted_text(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t len = utf8_sequence(text, i, &cp);
    if (len > 1 && !control_code_point(cp)) {
      out.append(text.substr(i, len));
      i += len;
      continue;
    }
    // ASCII, controls and bytes that are not UTF-8: as append_quoted has them.
    const std::size_t step = len == 0 ? 1 : len;
    std::string quoted;
    append_quoted(quoted, text.substr(i, step));
    out.append(quoted, 1, quoted.size() - 2);
    i += step;
  }
  out += '"';
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t len = utf8_sequence(text, i, &cp);
    if (len == 0) {  // not UTF-8, against the contract: kept, as it was
      out += text[i++];
      continue;
    }
    if (cp == '"') {
      out += "\\\"";
    } else if (cp == '\\') {
      out += "\\\\";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (control_code_point(cp)) {
      // C0, DEL, C1 (U+009B is a CSI to terminals that obey C1 in UTF-8)
      // and the bidirectional overrides: \uXXXX, never raw.
      out += "\\u";
      append_hex_byte(out, static_cast<unsigned char>(cp >> 8));
      append_hex_byte(out, static_cast<unsigned char>(cp & 0xFF));
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  out += '"';
}

void append_json_member(std::string& out, std::string_view name, std::string_view value,
                        JsonSpacing spacing) {
  const bool utf8 = valid_utf8(value);
  out += '"';
  out += name;
  out += utf8 ? "\":" : "_hex\":";
  if (spacing == JsonSpacing::spaced) out += ' ';
  if (utf8) {
    append_json_string(out, value);
  } else {
    out += '"';
    append_hex(out, value);
    out += '"';
  }
}

void append_json_field(std::string& out, std::string_view name, std::string_view value) {
  out += ',';
  append_json_member(out, name, value, JsonSpacing::compact);
}

void append_json_number(std::string& out, std::string_view name, std::uint64_t value) {
  out += ",\"";
  out += name;
  out += "\":";
  out += std::to_string(value);
}

void append_json_number(std::string& out, std::string_view name, std::int64_t value) {
  out += ",\"";
  out += name;
  out += "\":";
  out += std::to_string(value);
}

void append_json_null(std::string& out, std::string_view name) {
  out += ",\"";
  out += name;
  out += "\":null";
}

void append_json_field_or_null(std::string& out, std::string_view name, std::string_view value) {
  if (value.empty()) {
    append_json_null(out, name);
  } else {
    append_json_field(out, name, value);
  }
}

}  // namespace hio::replay
