#include "hio/tools/scenario.hpp"

#include <algorithm>
#include <cstdio>

#include "hio/replay/escape.hpp"

namespace hio::tools {

namespace {

// The longest word did_you_mean finds close names for.
constexpr std::size_t kDidYouMeanSizeMax = 256;

std::string join(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.str();
  }
  return out;
}

template <typename T>
const T& get(const DoerSpec& spec, std::string_view key) {
  auto it = spec.params.find(key);
  if (it == spec.params.end() || !std::holds_alternative<T>(it->second.value)) {
    throw std::logic_error("doer '" + spec.name + "': parameter '" + std::string(key) +
                           "' missing or of another type (the kind's ParamSpec and its factory "
                           "disagree)");
  }
  return std::get<T>(it->second.value);
}

// Optimal string alignment distance (Damerau-Levenshtein where no substring
// is edited twice): "tikcer" is one swap from "ticker", not two edits. Only
// up to `bound`: a larger distance is bound + 1. The cells further than
// `bound` from the diagonal cost more than that (the prefixes' lengths differ
// by as many), so only the band around it is computed, and the rows stop
// once a whole band exceeds `bound`: O(size * bound), not O(size^2). Over
// characters (characters()), not bytes: "з" is one edit from "b", not two.
// Adds the cells it computes to `cells`.
std::size_t edit_distance(std::u32string_view a, std::u32string_view b, std::size_t bound,
                          std::size_t& cells) {
  const std::size_t over = bound + 1;
  const std::size_t longer = std::max(a.size(), b.size());
  if (longer - std::min(a.size(), b.size()) > bound) return over;
  // Three rows: the one before the previous is needed for swaps. A cell
  // outside the band holds `over`.
  std::vector<std::size_t> before(b.size() + 1, over), previous(b.size() + 1, over),
      row(b.size() + 1, over);
  for (std::size_t j = 0; j <= std::min(b.size(), bound); ++j)
    previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    const std::size_t lo = i > bound ? i - bound : 1;
    const std::size_t hi = std::min(b.size(), i + bound);
    row[lo - 1] = lo == 1 && i <= bound ? i : over;
    std::size_t least = row[lo - 1];
    cells += hi + 1 - lo;
    for (std::size_t j = lo; j <= hi; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost, over});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        row[j] = std::min(row[j], before[j - 2] + 1);
      }
      least = std::min(least, row[j]);
    }
    if (hi < b.size()) row[hi + 1] = over;
    if (least > bound) return over;
    std::swap(before, previous);
    std::swap(previous, row);
  }
  return previous[b.size()];
}

// The characters (code points) of `text`; a byte that is not UTF-8 stands
// for itself past U+10FFFF, so that it equals only itself.
std::u32string characters(std::string_view text) {
  std::u32string out;
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t len = replay::utf8_sequence(text, i, &cp);
    out += len == 0 ? 0x110000 + static_cast<unsigned char>(text[i]) : cp;
    i += len == 0 ? 1 : len;
  }
  return out;
}

}  // namespace

std::string display_text(std::string_view text) {
  if (name_problem(text).empty()) return std::string(text);
  std::string out;
  replay::append_quoted_text(out, text);
  return out;
}

std::string message_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto escape = [&out](unsigned char byte) {
    char code[8];
    std::snprintf(code, sizeof code, "\\x%02x", static_cast<unsigned>(byte));
    out += code;
  };
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t len = replay::utf8_sequence(text, i, &cp);
    if (len == 0) {
      escape(static_cast<unsigned char>(text[i++]));
      continue;
    }
    if (!replay::control_code_point(cp)) {
      out.append(text, i, len);
    } else if (cp == '\n' || cp == '\t' || cp == '\r') {
      out += cp == '\n' ? "\\n" : cp == '\t' ? "\\t" : "\\r";
    } else {
      for (std::size_t k = 0; k < len; ++k)
        escape(static_cast<unsigned char>(text[i + k]));
    }
    i += len;
  }
  return out;
}

std::string utf8_problem(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = replay::utf8_sequence(text, i);
    if (len == 0) return "is not valid UTF-8 (byte " + std::to_string(i) + ")";
    i += len;
  }
  return "";
}

std::string name_problem(std::string_view name) {
  if (std::string problem = utf8_problem(name); !problem.empty()) return problem;
  for (std::size_t i = 0; i < name.size();) {
    std::uint32_t cp = 0;
    const std::size_t len = replay::utf8_sequence(name, i, &cp);
    if (replay::control_code_point(cp)) {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
      return std::string("holds a control character (") + code + " at byte " + std::to_string(i) +
             ")";
    }
    i += len;
  }
  return "";
}

namespace {

// What a look-alike code point is ("a space", "an invisible character"...),
// nullptr for any other. Unicode's White_Space beyond ASCII (U+0085 is a C1
// control, refused already), its Default_Ignorable_Code_Points (drawn as
// nothing), the bidirectional marks control_code_point leaves out (it has
// the overrides), the generic combining marks and U+2800 (a blank).
const char* lookalike_kind(std::uint32_t cp, Lookalikes which) {
  if (cp == 0x2028) return "a line separator";
  if (cp == 0x2029) return "a paragraph separator";
  if (cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
      cp == 0x205F || cp == 0x3000) {
    return which == Lookalikes::all ? "a space" : nullptr;
  }
  if (cp == 0x200E || cp == 0x200F || cp == 0x061C) return "a direction mark";
  if (cp == 0x00AD || cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 ||
      cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200D) ||
      (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) ||
      cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8) ||
      (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) ||
      (cp >= 0xE0000 && cp <= 0xE0FFF)) {
    return "an invisible character";
  }
  // Marks that combine with the character before them (the blocks of
  // generic ones; U+034F, above, draws nothing): "e" + U+0301 prints as the
  // precomposed "é" (U+00E9, NFC), a name that a macOS file name or a copy
  // may hold in either form (xrev20 finding 4). Not in a shown-only name,
  // where it prints as meant.
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
      (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
      (cp >= 0xFE20 && cp <= 0xFE2F)) {
    return which == Lookalikes::all ? "a combining mark" : nullptr;
  }
  // Drawn blank, yet neither a space nor default-ignorable: "fast" and
  // "fast" + U+2800 print alike. Like the spaces, fine in a shown-only name.
  if (cp == 0x2800) return which == Lookalikes::all ? "a blank character" : nullptr;
  return nullptr;
}

// `text` with its look-alikes as TOML writes them (\u200B, \U000E0001): shown
// raw, "fast\u200b" would read "fast", and U+2028 would break the line.
// `first`: the first one's description, "U+200B, an invisible character (at
// byte 4)" ("" if none). A byte that is not UTF-8 stays (display_text's).
// `valid`: false if there is one.
std::string escaped_lookalikes(std::string_view text, Lookalikes which, std::string* first,
                               bool* valid) {
  std::string shown;
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t len = replay::utf8_sequence(text, i, &cp);
    if (len == 0) {
      *valid = false;
      shown += text[i++];
      continue;
    }
    if (const char* kind = lookalike_kind(cp, which)) {
      char code[16];
      if (cp > 0xFFFF) {
        std::snprintf(code, sizeof code, "\\U%08X", static_cast<unsigned>(cp));
      } else {
        std::snprintf(code, sizeof code, "\\u%04X", static_cast<unsigned>(cp));
      }
      shown += code;
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
      if (first->empty())
        *first = code + (", " + std::string(kind)) + " (at byte " + std::to_string(i) + ")";
    } else {
      shown.append(text, i, len);
    }
    i += len;
  }
  return shown;
}

}  // namespace

std::string lookalike_problem(std::string_view name, Lookalikes which) {
  std::string first;
  bool valid = true;
  const std::string shown = escaped_lookalikes(name, which, &first, &valid);
  if (!valid) return {};  // name_problem's
  return first.empty() ? std::string() : "\"" + shown + "\" holds " + first;
}

std::string without_lookalikes(std::string_view text) {
  std::string first;
  bool valid = true;
  return escaped_lookalikes(text, Lookalikes::all, &first, &valid);
}

std::string unknown_name(std::string_view name) {
  std::string problem = lookalike_problem(name);
  return problem.empty() ? "'" + std::string(name) + "'" : problem;
}

std::string SourcePos::str() const {
  if (!setting.empty()) return message_text(setting);
  const std::string shown = display_text(file);
  // A whole file (unreadable, a journal) has no line to point at.
  if (line == 0) return shown;
  return shown + ":" + std::to_string(line) + ":" + std::to_string(column);
}

SourcePos file_position(const std::string& file, TextPoint at, const std::vector<TextEdit>& edits) {
  if (at.line == 0) return SourcePos{file, 0, 0};  // no place: none to map
  // Back through the edits, the last first: each moves what follows what it
  // wrote by the difference between what it wrote and what it replaced.
  for (auto edit = edits.rbegin(); edit != edits.rend(); ++edit) {
    if (at < edit->start) continue;
    if (at < edit->written_end) return SourcePos{file, 0, 0, edit->setting};
    if (at.line == edit->written_end.line) {
      at = TextPoint{edit->removed_end.line,
                     edit->removed_end.column + (at.column - edit->written_end.column)};
    } else {
      at.line = at.line - edit->written_end.line + edit->removed_end.line;
    }
  }
  return SourcePos{file, at.line, at.column};
}

std::string Diagnostic::str() const {
  // Only what must be is escaped, in place: nothing raw reaches the terminal.
  return pos.str() + ": " + message_text(message);
}

std::string did_you_mean(std::string_view word_text, const std::vector<std::string>& candidates,
                         std::size_t* cells) {
  std::size_t uncounted = 0;
  std::size_t& computed = cells != nullptr ? *cells : uncounted;
  computed = 0;
  // A longer word is no mistyped name: none is suggested, and the distances
  // (O(size * threshold) each) stay cheap whatever a file names.
  if (word_text.size() > kDidYouMeanSizeMax) return {};
  const std::u32string word = characters(word_text);
  // Never a total replacement: "b" is one edit from "a", but not close to it.
  const std::size_t threshold =
      std::min(std::max<std::size_t>(1, word.size() / 3), word.size() - (word.empty() ? 0 : 1));
  // The candidates as close as the closest one are named, in the candidates'
  // order: picking one of a tie would guess ("delayp" is one edit from both
  // "delay" and "delay_p"). At most kNamedMax of them, then how many more: a
  // list of 65,536 hosts can tie by the thousand, and the message stays a line.
  constexpr std::size_t kNamedMax = 3;
  std::vector<const std::string*> named;
  std::size_t more = 0;
  std::size_t best_distance = threshold + 1;
  for (const std::string& candidate : candidates) {
    // Far longer (a character is at most 4 bytes): not decoded.
    if (candidate.size() / 4 > word.size() + threshold) continue;
    // Only as far as the closest so far: a farther candidate is not named.
    const std::size_t d =
        edit_distance(word, characters(candidate), std::min(threshold, best_distance), computed);
    if (d > best_distance || d > threshold) continue;
    if (d < best_distance) {
      best_distance = d;
      named.clear();
      more = 0;
    }
    if (std::find_if(named.begin(), named.end(),
                     [&](const std::string* n) { return *n == candidate; }) != named.end()) {
      continue;  // a name listed twice is suggested once
    }
    if (named.size() < kNamedMax) {
      named.push_back(&candidate);
    } else {
      ++more;
    }
  }
  if (named.empty()) return {};
  std::string text = "; did you mean ";
  for (std::size_t i = 0; i < named.size(); ++i) {
    if (i > 0) text += i + 1 == named.size() && more == 0 ? " or " : ", ";
    text += "'" + *named[i] + "'";
  }
  if (more > 0) text += " or " + std::to_string(more) + " more as close";
  return text + "?";
}

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}
ScenarioError::ScenarioError(const std::string& what, std::vector<Diagnostic> diagnostics)
    : std::runtime_error(what), diagnostics_(std::move(diagnostics)) {}

// Escaped here, the one place every --set error passes: a TOML escape in a
// quoted value (`"a\u0000b"`, `"\u001b[2J"`) puts a control character in it,
// and an argument may hold bytes that are not UTF-8. Raw, a NUL ended what()
// at the value it quotes and an ESC reached an embedder's terminal; escaped,
// what() is what the CLI prints and what the file's messages say (`\x00`).
SettingError::SettingError(const std::string& message)
    : ScenarioError(message_text(message), {Diagnostic{SourcePos{}, message_text(message)}}) {}

std::int64_t DoerSpec::integer(std::string_view key) const {
  return get<std::int64_t>(*this, key);
}
double DoerSpec::number(std::string_view key) const {
  return get<double>(*this, key);
}
bool DoerSpec::boolean(std::string_view key) const {
  return get<bool>(*this, key);
}
const std::string& DoerSpec::string(std::string_view key) const {
  return get<std::string>(*this, key);
}
Tock DoerSpec::duration(std::string_view key) const {
  return get<Tock>(*this, key);
}
const StringList& DoerSpec::strings(std::string_view key) const {
  return get<StringList>(*this, key);
}

bool Expectation::holds(std::int64_t actual) const {
  switch (op) {
    case CompareOp::eq:
      return actual == value;
    case CompareOp::ne:
      return actual != value;
    case CompareOp::lt:
      return actual < value;
    case CompareOp::le:
      return actual <= value;
    case CompareOp::gt:
      return actual > value;
    case CompareOp::ge:
      return actual >= value;
  }
  return false;
}

}  // namespace hio::tools
