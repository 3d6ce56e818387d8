// Turning bytes into text: C-style escapes for people (inspect lines, and the
// names from a journal that `hio run` and `hio replay` print), JSON strings
// (only for valid UTF-8) and hex for tools (strings that are not UTF-8).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hio::replay {

// Printable ASCII as is; \" \\ \n \r \t; everything else \xNN. At most
// `max_bytes` input bytes, then "..." (outside the quotes). Quoted.
void append_quoted(std::string& out, std::string_view bytes,
                   std::size_t max_bytes = static_cast<std::size_t>(-1));
// For text rather than bytes (names, reasons, details): the same, except that
// valid UTF-8 beyond ASCII is kept as is, other than the C1 controls
// (U+0080-U+009F, which terminals obey) and the bidirectional formatting
// characters (control_code_point): "café" stays café.
void append_quoted_text(std::string& out, std::string_view text);
void append_hex(std::string& out, std::string_view bytes);
bool valid_utf8(std::string_view bytes);
// The length of the UTF-8 sequence at bytes[i] (1 to 4; an ASCII byte is 1),
// with its code point in *code_point if not null; 0 if the bytes there are
// not UTF-8 (overlong, a surrogate, past U+10FFFF, cut short).
std::size_t utf8_sequence(std::string_view bytes, std::size_t i,
                          std::uint32_t* code_point = nullptr);
// C0 controls, DEL, the C1 controls (U+0080-U+009F) and the bidirectional
// formatting characters (U+202A-U+202E, U+2066-U+2069: an RLO makes a name
// read reversed, "Trojan Source"): what is never written raw for people
// (escaped, or refused in a scenario's names) nor in JSON.
bool control_code_point(std::uint32_t code_point);
// A JSON string literal; `text` must be valid UTF-8. Every control_code_point
// is \uXXXX (\n, \r, \t for those), the rest as is.
void append_json_string(std::string& out, std::string_view text);
// How JSON members are spaced: compact in `hio inspect --json` lines
// (`"name":"value"`), spaced in the CLI's summaries (`"name": "value"`).
enum class JsonSpacing : std::uint8_t { compact, spaced };
// "name":"value" — or "name_hex":"..." when value is not valid UTF-8 — with
// no separator before it. The one writer of string members for both styles.
void append_json_member(std::string& out, std::string_view name, std::string_view value,
                        JsonSpacing spacing);
// ,"name":"value" (append_json_member, compact, after a comma).
void append_json_field(std::string& out, std::string_view name, std::string_view value);
void append_json_number(std::string& out, std::string_view name, std::uint64_t value);
void append_json_number(std::string& out, std::string_view name, std::int64_t value);
// ,"name":null: a member with no value, which the JSON rule writes as null,
// never "" and never left out (docs/scenarios.md).
void append_json_null(std::string& out, std::string_view name);
// append_json_field, or append_json_null when `value` is empty (no value).
void append_json_field_or_null(std::string& out, std::string_view name, std::string_view value);

}  // namespace hio::replay
