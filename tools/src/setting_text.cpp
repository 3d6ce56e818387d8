#include "setting_text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <system_error>

#include "hio/tools/duration.hpp"
#include "settings_view.hpp"
#include "toml_parse.hpp"
#include "toml_text.hpp"

namespace hio::tools {

namespace {

// A double in the shortest decimal that reads back as it, as a TOML float:
// fixed notation while that is short, else scientific; ".0" added to a
// whole number, which would otherwise read back as an integer.
std::string float_literal(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + 24, value, std::chars_format::fixed);
  if (ec != std::errc()) end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  std::string out(buffer, end);
  if (out.find_first_of(".en") == std::string::npos) out += ".0";  // not 1e-07, inf, nan
  return out;
}

// The canonical literal of a value the text holds (see canonical_literal).
std::optional<std::string> canonical_of(ValueKind kind, const toml::node& node) {
  switch (kind) {
    case ValueKind::string:
      if (!node.is_string()) return std::nullopt;
      return toml_string(*node.value<std::string>());
    case ValueKind::duration: {
      if (!node.is_string()) return std::nullopt;
      const std::optional<Tock> tock = parse_duration(*node.value<std::string>(), nullptr);
      if (!tock) return std::nullopt;
      return duration_literal(*tock);
    }
    case ValueKind::integer:
      if (!node.is_integer()) return std::nullopt;
      return std::to_string(*node.value<std::int64_t>());
    case ValueKind::probability: {
      // (An integer no double holds exactly has no value<double>.)
      const std::optional<double> value = node.value<double>();
      if (!node.is_number() || !value) return std::nullopt;
      return float_literal(*value == 0.0 ? 0.0 : *value);  // -0.0 is 0.0
    }
  }
  return std::nullopt;
}

// `literal` alone as the value of a TOML key; nullopt when it is not one value.
std::optional<toml::table> parse_value(std::string_view literal) {
  if (literal.find_first_of("\r\n") != std::string_view::npos) return std::nullopt;
  toml::parse_result parsed = parse_toml("v = " + std::string(literal));
  if (!parsed || parsed.table().size() != 1) return std::nullopt;
  return std::move(parsed).table();
}

// The byte offset of a toml++ position in `text` (toml_text.hpp).
std::size_t source_offset(std::string_view text, const toml::source_position& at) {
  return byte_offset(text, static_cast<std::uint32_t>(at.line),
                     static_cast<std::uint32_t>(at.column))
      .value_or(text.size());
}

// Where the dotted key whose last part starts at `leaf` starts when
// `parts` parts come before that one (`a . b.leaf`, 2: at a).
std::size_t dotted_key_start(std::string_view text, std::size_t leaf, std::size_t parts) {
  const auto blank = [&](std::size_t at) { return text[at - 1] == ' ' || text[at - 1] == '\t'; };
  std::size_t at = leaf;
  for (; parts > 0; --parts) {
    while (at > 0 && blank(at))
      --at;
    if (at == 0 || text[at - 1] != '.') return leaf;
    --at;
    while (at > 0 && blank(at))
      --at;
    if (at > 0 && (text[at - 1] == '"' || text[at - 1] == '\'')) {
      const char quote = text[--at];
      while (at > 0 && text[at - 1] != quote)
        --at;
      if (at > 0) --at;
    } else {
      while (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) != 0 ||
                        text[at - 1] == '_' || text[at - 1] == '-')) {
        --at;
      }
    }
  }
  return at;
}

// A key of a table written as `name = value` in its body (a line of a
// [header] or dotted table, an entry of an inline one), where the key
// starts (its part that names it in the table) and where its value ends. The
// keys of a table made by dotted keys (default_link.loss = ... in [net]) are
// too, by their dotted names; tables of their own ([net.default_link]) and
// arrays of tables are not: nothing is placed by them.
struct WrittenKey {
  std::string name;
  std::size_t name_at = 0;
  std::size_t value_end = 0;
};

void add_written_keys(std::string_view text, const toml::table& table, const std::string& prefix,
                      std::size_t parts, std::vector<WrittenKey>& keys) {
  for (auto&& [name, node] : table) {
    if (const toml::table* sub = node.as_table(); sub != nullptr && !sub->is_inline()) {
      const std::size_t at = source_offset(text, sub->source().begin);
      if (at < text.size() && text[at] != '[') {  // made by dotted keys
        add_written_keys(text, *sub, prefix + std::string(name.str()) + ".", parts + 1, keys);
      }
      continue;
    }
    if (node.is_array_of_tables()) continue;
    const std::size_t leaf = source_offset(text, name.source().begin);
    keys.push_back(WrittenKey{prefix + std::string(name.str()), dotted_key_start(text, leaf, parts),
                              source_offset(text, node.source().end)});
  }
}

std::vector<WrittenKey> written_keys(std::string_view text, const toml::table& table) {
  std::vector<WrittenKey> keys;
  add_written_keys(text, table, "", 0, keys);
  std::sort(keys.begin(), keys.end(),
            [](const WrittenKey& a, const WrittenKey& b) { return a.name_at < b.name_at; });
  return keys;
}

// The line ending of `text` (of its first line), for the lines added to it.
std::string_view line_ending(std::string_view text) {
  const std::size_t newline = text.find('\n');
  return newline != std::string_view::npos && newline > 0 && text[newline - 1] == '\r' ? "\r\n"
                                                                                       : "\n";
}

// `key` by its dotted name below the table at path[0..from) ("default_link.loss"
// for net.default_link.loss from 1).
std::string path_key(const std::vector<std::string>& path, std::size_t from,
                     const std::string& key) {
  std::string dotted;
  for (std::size_t i = from; i < path.size(); ++i)
    dotted += path[i] + ".";
  return dotted + key;
}

// Whether `table` is only implied by the headers of its sub-tables
// ([net.default_link] or [[net.serial]] with no [net]): toml++ then gives it
// the source of the first of them.
bool made_by_sub_tables(const toml::table& table) {
  for (auto&& [name, node] : table) {
    const toml::node* sub = &node;
    if (node.is_array_of_tables() && !node.as_array()->empty()) sub = node.as_array()->get(0);
    if (sub->is_table() && sub->source().begin == table.source().begin) return true;
  }
  return false;
}

// Replaces the `removed` bytes of `text` at `at` by `written`, and appends
// that as one edit to `edits`: every change write_in_text makes is one such
// splice, so every position it moves is mapped back (file_position).
void splice(std::string& text, std::size_t at, std::size_t removed, const std::string& written,
            std::vector<TextEdit>& edits, const std::string& setting) {
  TextEdit edit;
  edit.start = text_point(text, at);
  edit.removed_end = text_point(text, at + removed);
  text.replace(at, removed, written);
  edit.written_end = text_point(text, at + written.size());
  edit.setting = setting;
  edits.push_back(std::move(edit));
}

}  // namespace

std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04X", static_cast<unsigned>(u));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string duration_literal(Tock tock) {
  return toml_string(format_seconds(tock) + "s");
}

std::optional<std::string> canonical_literal(ValueKind kind, const std::string& literal) {
  const std::optional<toml::table> root = parse_value(literal);
  if (!root) return std::nullopt;
  return canonical_of(kind, *root->get("v"));
}

std::optional<std::string> toml_string_value(std::string_view text) {
  if (text.size() < 2 || (text.front() != '"' && text.front() != '\'') ||
      text.back() != text.front() || text.find_first_of("\r\n") != std::string_view::npos) {
    return std::nullopt;
  }
  // In an array beside another element: a comment after the string (`"q" #
  // x`) would hide the array's end, and a second value (`"a", "b"`) makes a
  // third element. Once before the other element and once after: a text
  // that closes the array itself and hides the rest behind a comment
  // (`"a", 0] #"`) gives the same elements in both places, one too many in
  // one of them. Only a text that is one string and nothing else is.
  const auto string_at = [](const std::string& toml, std::size_t index) {
    std::optional<std::string> out;
    toml::parse_result parsed = parse_toml(toml);
    if (!parsed || parsed.table().size() != 1) return out;
    const toml::array* items = parsed.table().get("v")->as_array();
    if (items == nullptr || items->size() != 2 || !(*items)[index].is_string()) return out;
    out = *(*items)[index].value<std::string>();
    return out;
  };
  const std::optional<std::string> first = string_at("v = [" + std::string(text) + ", 0]", 0);
  if (!first || string_at("v = [0, " + std::string(text) + "]", 1) != first) return std::nullopt;
  return first;
}

std::optional<std::string> number_with_point_digits(std::string_view value) {
  const std::size_t point = value.find('.');
  if (point == std::string_view::npos || parse_value(value)) return std::nullopt;
  const auto digit = [&](std::size_t at) {
    return at < value.size() && value[at] >= '0' && value[at] <= '9';
  };
  std::string fixed(value.substr(0, point));
  if (point == 0 || !digit(point - 1)) fixed += '0';
  fixed += '.';
  if (!digit(point + 1)) fixed += '0';
  fixed += value.substr(point + 1);
  const std::optional<toml::table> root = parse_value(fixed);
  if (!root || !root->get("v")->is_floating_point()) return std::nullopt;
  return fixed;
}

std::string write_in_text(std::string& text, const std::vector<std::string>& path,
                          const std::string& key, const std::string& literal, ValueKind kind,
                          const std::vector<LineSpan>& other_lines, std::vector<TextEdit>& edits,
                          const std::string& setting) {
  const auto write = [&](std::size_t at, std::size_t removed, const std::string& written) {
    splice(text, at, removed, written, edits, setting);
    return std::string();
  };
  // Positions in the view are the text's (source_offset reads them in `text`).
  const toml::table root =
      parse_parsed_toml(settings_view(text, other_lines, edits), "write_in_text");
  // The root, then each table of `path` the text has.
  std::vector<const toml::table*> tables = {&root};
  while (tables.size() <= path.size()) {
    const toml::node* next = tables.back()->get(path[tables.size() - 1]);
    if (next == nullptr) break;
    if (next->as_table() == nullptr) return path[tables.size() - 1] + " is not a table";
    tables.push_back(next->as_table());
  }
  const std::size_t depth = tables.size() - 1;
  const std::string eol(line_ending(text));
  // A line after the text's last, which may end without a line end.
  const std::string after_last = !text.empty() && text.back() != '\n' ? eol : "";
  if (depth == 0) {
    // No such table: one of its own at the end, where nothing else can fall
    // into it.
    return write(text.size(), 0,
                 after_last + "[" + path.front() + "]" + eol + path_key(path, 1, key) + " = " +
                     literal + eol);
  }
  if (depth == path.size()) {
    if (const toml::node* value = tables.back()->get(key)) {
      if (canonical_of(kind, *value) == literal) return "";  // the same value, as written
      const std::size_t begin = source_offset(text, value->source().begin);
      const std::size_t end = source_offset(text, value->source().end);
      return write(begin, end - begin, literal);
    }
  }
  // The key goes in the text of the innermost inline table around it (x = {
  // ..., y.z = 1 }: in its braces, by its dotted name there), else in that
  // of the deepest table the text has.
  std::size_t in = depth;
  for (std::size_t i = depth; i > 0; --i) {
    if (tables[i]->is_inline()) {
      in = i;
      break;
    }
  }
  const toml::table* table = tables[in];
  const std::string dotted = path_key(path, in, key);
  const std::string line = dotted + " = " + literal;
  const std::vector<WrittenKey> keys = written_keys(text, *table);
  const auto after =
      std::find_if(keys.begin(), keys.end(), [&](const WrittenKey& k) { return k.name > dotted; });
  if (table->is_inline()) {  // x = { ... }
    if (after != keys.end()) return write(after->name_at, 0, line + ", ");
    if (!keys.empty()) return write(keys.back().value_end, 0, ", " + line);
    // Before its closing brace.
    const std::size_t close = source_offset(text, table->source().end) - 1;
    return write(close, 0, (table->empty() ? " " : ", ") + line + " ");
  }
  if (!keys.empty()) {
    // A line of its own, written as the key it goes before (or after) is:
    // with its indentation, or with its dotted prefix (net.hosts = ...).
    const WrittenKey& beside = after != keys.end() ? *after : keys.back();
    const std::size_t start = line_start(text, beside.name_at);
    const std::string prefix = text.substr(start, beside.name_at - start);
    if (after != keys.end()) return write(start, 0, prefix + line + eol);
    const std::size_t newline = text.find('\n', beside.value_end);
    if (newline == std::string::npos)
      return write(text.size(), 0, after_last + prefix + line + eol);
    return write(newline + 1, 0, prefix + line + eol);
  }
  const std::size_t header = source_offset(text, table->source().begin);
  if (made_by_sub_tables(*table)) {
    // [x] before the header of its first sub-table ([x.y] or [[x.y]]),
    // which comes first in the text of all that is in x: x's keys after
    // it would go into that sub-table.
    std::string name;
    for (std::size_t i = 0; i < in; ++i)
      name += (i == 0 ? "" : ".") + path[i];
    return write(line_start(text, header), 0, "[" + name + "]" + eol + line + eol);
  }
  if (header < text.size() && text[header] == '[') {  // [x] with no key: the line after it
    const std::size_t newline = text.find('\n', header);
    if (newline == std::string::npos) return write(text.size(), 0, after_last + line + eol);
    return write(newline + 1, 0, line + eol);
  }
  return "the scenario's [" + path.front() + "] has no place to write it (set it in the file)";
}

}  // namespace hio::tools
