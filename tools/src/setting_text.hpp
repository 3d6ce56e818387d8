// A setting written into a scenario's TOML text (the text a journal's header
// holds: --set, --limit, --real): one spelling per value and one place per
// key, so that command lines that give a scenario the same settings (the
// same keys, equal values, in any order and spelling) give the same text,
// and so the same journal bytes and scenario digest. (A setting the file
// does not write is added even at the value the run has anyway.)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hio/engine/tyme.hpp"
#include "hio/tools/scenario.hpp"

namespace hio::tools {

// What a key's value is, as the loader reads it.
enum class ValueKind {
  string,       // "..." (or '...')
  duration,     // a duration string: "20ms"
  integer,      // a TOML integer
  probability,  // a TOML number, integer or float: 0.02, 2e-2, 0
};

// A TOML basic string: "..." with \, \" and control characters escaped.
std::string toml_string(std::string_view text);

// The string `text` is when it is one TOML string and nothing else ("q",
// 'q', "a\"b", """q""": no blank or comment around it); nullopt otherwise.
// A --set value written so is that string, as the file's would be.
std::optional<std::string> toml_string_value(std::string_view text);

// The spelling canonical_literal gives a duration ("0.001s" for 1ms: exact
// decimal seconds).
std::string duration_literal(Tock tock);

// `literal` (a TOML value, as after `key = `) in the one spelling every
// equal value of `kind` has: a duration as duration_literal ("1ms",
// "1000us" -> "0.001s"), a probability as the shortest decimal that reads
// back as the same double (0.020, 2e-2, 2E-2 -> 0.02; 0 -> 0.0), an integer
// in decimal (+8, 0x8, 8 -> 8), a string as toml_string. nullopt when
// `literal` is not one TOML value or not one of `kind` (the loader then says
// what is wrong with it).
std::optional<std::string> canonical_literal(ValueKind kind, const std::string& literal);

// `value` spelled as a TOML float when it is not a TOML number only for want
// of a digit beside its point (".02" -> "0.02", "-.5" -> "-0.5", "2." ->
// "2.0", "2.e3" -> "2.0e3"); nullopt otherwise.
std::optional<std::string> number_with_point_digits(std::string_view value);

// Writes `key = literal` (`literal` as canonical_literal spells it) into the
// table at `path` of `text` (run, net, net.default_link; `text` a scenario
// that loaded): where the text has the key, its value is replaced - unless
// it is the same value of `kind` in another spelling, which stays as it is;
// else the key is added before the first key of the table (in the text's
// order) that sorts after it by name, or after the table's last key when
// none does - so keys added one after another land in the same places
// whatever order they come in; a table the text lacks is added as a dotted
// key ([net] default_link.loss = 0.02), or, the first part missing, as a
// table at the end ([run]). Inside an inline table (net = { ... }, also
// one whose default_link is made by dotted keys) the key goes in its braces,
// by its dotted name there; a table only its sub-tables imply ([[net.serial]]
// with no [net]) gets its header, with the key, before the first of them.
// Lines added end as the text's first line does (CRLF or LF). Every other
// byte stays, a UTF-8 byte order mark first included. What it changes is
// one TextEdit, appended to `edits` as `setting`'s (none when the text says it
// already). `text` is parsed as settings_view sees it (the file's
// `other_lines` blank). Returns "" or why the text has no place for it.
std::string write_in_text(std::string& text, const std::vector<std::string>& path,
                          const std::string& key, const std::string& literal, ValueKind kind,
                          const std::vector<LineSpan>& other_lines, std::vector<TextEdit>& edits,
                          const std::string& setting);

}  // namespace hio::tools
