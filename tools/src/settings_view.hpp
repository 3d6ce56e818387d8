// The part of a scenario's text that the settings (--set, --limit, --real)
// parse: its [run] and [net], at the places the text has them, with the
// lines of every other table blank. Parsing that costs what those tables
// hold, not what the whole scenario does (thousands of [[doer]] tables).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hio/tools/scenario.hpp"
#include "toml_parse.hpp"

namespace hio::tools {

// The lines of `text` (parsed as `root`) that hold tables other than run and
// net: from each header ([x], [[x]]) whose key is neither to the line before
// the next header, or to the text's last line. Lines before the first header
// (the root table's keys, run.limit = ... among them) are never among them.
std::vector<LineSpan> other_table_lines(std::string_view text, const toml::table& root);

// `text` (made from a file by `edits`) with the lines `file_lines` of that
// file (other_table_lines of the file) blank: each keeps its '\n' only (a
// CRLF line loses its '\r' too, which toml++ reads as the same line end),
// so every other line and column stays where `text` has it, and what
// toml++ reads there is what it reads in `text`. `edits` change only lines
// of [run] and [net] (or add lines after the file's last).
std::string settings_view(std::string_view text, const std::vector<LineSpan>& file_lines,
                          const std::vector<TextEdit>& edits);

}  // namespace hio::tools
