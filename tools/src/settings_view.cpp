#include "settings_view.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

namespace hio::tools {

namespace {

// A table that a header in the text may begin ([x], [[x]], or a table its
// sub-tables' header implies): where toml++ says it begins, and whether it
// is in run or net.
struct TableStart {
  std::uint32_t line = 0;
  bool settings = false;
};

// Where line `line` of `text` is written from `edits`' file line, once
// `edits` ran (each moves the lines after what it replaced by the lines it
// added). An edit that starts inside the line (the end of the file's last
// line, where a table is added after it) leaves it where it is.
std::uint32_t line_in_text(std::uint32_t line, const std::vector<TextEdit>& edits) {
  for (const TextEdit& edit : edits) {
    if (TextPoint{line, 1} >= edit.removed_end)
      line = line - edit.removed_end.line + edit.written_end.line;
  }
  return line;
}

}  // namespace

std::vector<LineSpan> other_table_lines(std::string_view text, const toml::table& root) {
  // Every table below the root, by a loop over a stack (no recursion: the
  // loader bounds the depth, but a loop bounds nothing it need not).
  std::vector<TableStart> starts;
  std::vector<std::pair<const toml::table*, bool>> stack;
  // The tables in `table` (its own, and those of its arrays of tables), in
  // run or net as `settings` says, or as their key does at the root.
  const auto push_tables_in = [&stack](const toml::table& table, std::optional<bool> settings) {
    for (auto&& [key, node] : table) {
      const bool in_settings = settings.value_or(key.str() == "run" || key.str() == "net");
      if (const toml::table* t = node.as_table(); t != nullptr && !t->is_inline()) {
        stack.emplace_back(t, in_settings);
      } else if (const toml::array* array = node.as_array(); array != nullptr) {
        for (const toml::node& element : *array) {
          if (const toml::table* e = element.as_table(); e != nullptr && !e->is_inline())
            stack.emplace_back(e, in_settings);
        }
      }
    }
  };
  push_tables_in(root, std::nullopt);
  while (!stack.empty()) {
    const auto [table, settings] = stack.back();
    stack.pop_back();
    starts.push_back(TableStart{static_cast<std::uint32_t>(table->source().begin.line), settings});
    push_tables_in(*table, settings);
  }
  std::sort(starts.begin(), starts.end(),
            [](const TableStart& a, const TableStart& b) { return a.line < b.line; });
  // Only the tables that begin at a header (a line whose first character is
  // '['): one made by dotted keys begins at its key, inside another's lines.
  std::vector<TableStart> headers;
  std::uint32_t line = 1;
  std::size_t at = text_start(text);
  for (const TableStart& start : starts) {
    for (; line < start.line && at < text.size(); ++line) {
      const std::size_t newline = text.find('\n', at);
      at = newline == std::string_view::npos ? text.size() : newline + 1;
    }
    const std::size_t first = text.find_first_not_of(" \t", at);
    if (line != start.line || first == std::string_view::npos || text[first] != '[') continue;
    if (!headers.empty() && headers.back().line == start.line) continue;  // x implied by [x.y]
    headers.push_back(start);
  }
  // The text's last line with something on it (not the empty one after a
  // final line end, where a table added to the text begins).
  std::uint32_t last = line;
  for (; at < text.size(); ++last) {
    const std::size_t newline = text.find('\n', at);
    if (newline == std::string_view::npos || newline + 1 == text.size()) break;
    at = newline + 1;
  }
  std::vector<LineSpan> spans;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (headers[i].settings) continue;
    const std::uint32_t end = i + 1 < headers.size() ? headers[i + 1].line - 1 : last;
    if (!spans.empty() && spans.back().last + 1 == headers[i].line) {
      spans.back().last = end;  // one span for [[doer]] after [[doer]]
    } else {
      spans.push_back(LineSpan{headers[i].line, end});
    }
  }
  return spans;
}

std::string settings_view(std::string_view text, const std::vector<LineSpan>& file_lines,
                          const std::vector<TextEdit>& edits) {
  if (file_lines.empty()) return std::string(text);
  std::string view(text.substr(0, text_start(text)));
  std::size_t at = text_start(text);
  std::uint32_t line = 1;
  // On to line `to`: the lines passed kept, or only their line ends (each
  // run of lines appended at once).
  const auto pass = [&](std::uint32_t to, bool keep) {
    const std::size_t from = at;
    std::size_t line_ends = 0;
    for (; line < to && at < text.size(); ++line) {
      const std::size_t newline = text.find('\n', at);
      if (newline == std::string_view::npos) {
        at = text.size();
        break;
      }
      at = newline + 1;
      ++line_ends;
    }
    if (keep) {
      view.append(text.substr(from, at - from));
    } else {
      view.append(line_ends, '\n');
    }
  };
  for (const LineSpan& span : file_lines) {
    pass(line_in_text(span.first, edits), true);
    pass(line_in_text(span.last, edits) + 1, false);
  }
  view.append(text.substr(at));
  return view;
}

}  // namespace hio::tools
