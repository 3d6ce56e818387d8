#include "hio/replay/diff.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>

#include "hio/engine/counted.hpp"
#include "hio/replay/digest.hpp"
#include "hio/replay/escape.hpp"
#include "hio/replay/inspect.hpp"
#include "scenario_difference.hpp"

namespace hio::replay {

namespace {

// Walks one journal event by event, across frames and parts.
class Cursor {
 public:
  // `compared`: the kinds and this journal's channels compared (DiffOptions).
  Cursor(JournalReader& reader, EventFilter compared)
      : reader_(reader), compared_(with_sorted_channels(std::move(compared))) {}

  // The current event of the kinds and channels compared, or nullptr at the
  // end (or at damage).
  const ChannelEvent* get() {
    for (;;) {
      while (frame_ == nullptr || index_ >= frame_->events.size()) {
        frame_ = reader_.next();
        index_ = 0;
        if (frame_ == nullptr) return nullptr;
      }
      const ChannelEvent& e = frame_->events[index_];
      if (compared_.matches_sorted(e)) return &e;
      ++index_;
    }
  }
  void advance() { ++index_; }
  std::uint64_t pass() const { return frame_ != nullptr ? frame_->pass : 0; }

 private:
  JournalReader& reader_;
  const EventFilter compared_;
  const FrameView* frame_ = nullptr;
  std::size_t index_ = 0;
};

std::string quoted(std::string_view text) {
  std::string out;
  append_quoted_text(out, text);
  return out;
}

// Whether a header string from a journal (engine_version, noise) can stand
// as is in "FIELD: A vs B": valid UTF-8 without a control character, and
// nothing that would blur where a side ends or pass for a word of the line
// (" vs ", a leading quote, "(none)"). Any other is quoted and escaped, as
// the channels entry's names are, in place: the line itself is never quoted.
bool reads_plainly(std::string_view text) {
  if (!valid_utf8(text) || text.find(" vs ") != std::string_view::npos || text.front() == '"' ||
      text == "(none)") {
    return false;
  }
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t code_point = 0;
    const std::size_t length = utf8_sequence(text, i, &code_point);
    if (control_code_point(code_point)) return false;
    i += length;
  }
  return true;
}

using ChannelPairs = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

// `actual_id` read through DiffOptions::actual_as_expected (ascending).
std::uint32_t paired_id(const ChannelPairs& pairs, std::uint32_t actual_id) {
  const auto it = std::lower_bound(pairs.begin(), pairs.end(), std::pair{actual_id, 0U});
  return it != pairs.end() && it->first == actual_id ? it->second : actual_id;
}

ChannelInfo own_id(ChannelInfo c, std::uint32_t id) {
  c.id = id;
  return c;
}

std::string describe_channel(const ChannelInfo& c) {
  return "#" + std::to_string(c.id) + " " + quoted(c.name) + " " + to_string(c.kind) + " " +
         quoted(c.address);
}

// Two channel tables that differ: the first entry that differs, which field
// and both values; or the first entry only one of them has.
// `b_own_ids`: b's entries' ids as their journal wrote them, where b's were
// renumbered as the first journal's (compared_table): a paired entry says
// both.
std::string describe_channels(const std::vector<ChannelInfo>& a, const std::vector<ChannelInfo>& b,
                              const std::vector<std::uint32_t>& b_own_ids) {
  std::string out = std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " channels; ";
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < common; ++i) {
    const ChannelInfo& x = a[i];
    const ChannelInfo& y = b[i];
    if (x == y) continue;
    out += "the first that differs is entry " + std::to_string(i + 1) + " (#" +
           std::to_string(x.id) + " " + quoted(x.name);
    if (b_own_ids[i] != y.id) out += ", #" + std::to_string(b_own_ids[i]) + " in the second";
    out += "): ";
    if (x.id != y.id) return out + "id " + std::to_string(x.id) + " vs " + std::to_string(y.id);
    if (x.name != y.name) return out + "name " + quoted(x.name) + " vs " + quoted(y.name);
    if (x.kind != y.kind) return out + "kind " + to_string(x.kind) + " vs " + to_string(y.kind);
    return out + "address " + quoted(x.address) + " vs " + quoted(y.address);
  }
  const bool first_longer = a.size() > b.size();
  return out + "entry " + std::to_string(common + 1) + " is only in the " +
         (first_longer ? "first" : "second") + ": " +
         describe_channel(first_longer ? a[common] : own_id(b[common], b_own_ids[common]));
}

// A channel table as diff_journals compares it: with DiffOptions' channels,
// only their entries, an actual id that actual_as_expected pairs with an
// expected one written as that one (and the entries then in id order), so
// that a channel numbered differently compares as itself; without
// addresses with ignore_addresses.
// `own_ids`: each entry's id as the journal wrote it.
std::vector<ChannelInfo> compared_table(const std::vector<ChannelInfo>& table,
                                        std::vector<std::uint32_t> selected,
                                        const DiffOptions& options, bool actual,
                                        std::vector<std::uint32_t>& own_ids) {
  std::sort(selected.begin(), selected.end());
  std::vector<std::pair<ChannelInfo, std::uint32_t>> out;
  for (const ChannelInfo& c : table) {
    if (!selected.empty() && !std::binary_search(selected.begin(), selected.end(), c.id)) continue;
    out.emplace_back(c, c.id);
    if (options.ignore_addresses) out.back().first.address.clear();
    if (actual) out.back().first.id = paired_id(options.actual_as_expected, c.id);
  }
  // Renumbered entries back in id order, and the expected table's with them
  // (a journal may write its table out of order); a table without pairs
  // stays as written.
  if (!options.actual_as_expected.empty()) {
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& x, const auto& y) { return x.first.id < y.first.id; });
  }
  std::vector<ChannelInfo> entries;
  own_ids.clear();
  for (auto& [entry, id] : out) {
    entries.push_back(std::move(entry));
    own_ids.push_back(id);
  }
  return entries;
}

// Adds "FIELD: A vs B" to `out` where `x` and `y` differ, the header's and
// the trailer's lines alike. An empty side is said as "(none)": "noise:
// (none) vs drop=0.2". `own`: hio's own text, quoted and escaped where it
// must be already (as inspect prints it), never quoted again.
void add_field(std::vector<std::string>& out, const char* name, const std::string& x,
               const std::string& y, bool own = false) {
  const auto shown = [own](const std::string& text) {
    if (text.empty()) return std::string("(none)");
    return own || reads_plainly(text) ? text : quoted(text);
  };
  if (x != y) out.push_back(std::string(name) + ": " + shown(x) + " vs " + shown(y));
}

std::vector<std::string> compare_headers(const JournalHeader& a, const JournalHeader& b,
                                         const DiffOptions& options) {
  std::vector<std::string> out;
  const auto field = [&out](const char* name, const std::string& x, const std::string& y,
                            bool own = false) { add_field(out, name, x, y, own); };
  field("format_version", std::to_string(a.format_version), std::to_string(b.format_version));
  field("engine_version", a.engine_version, b.engine_version);
  field("seed", std::to_string(a.seed), std::to_string(b.seed));
  field("tock", format_seconds(a.tock), format_seconds(b.tock));
  field("mode", to_string(a.mode), to_string(b.mode));
  field("scenario_digest", format_digest(a.scenario_digest), format_digest(b.scenario_digest));
  // Two hashes say that the scenarios differ, not where: a --set, an edited
  // key, a CRLF copy (docs/determinism.md) each show as the line they changed.
  if (a.scenario != b.scenario) {
    out.push_back("scenario: " + describe_scenario_difference(a.scenario, b.scenario));
  }
  field("noise", a.noise, b.noise);
  field("noise_seed", std::to_string(a.noise_seed), std::to_string(b.noise_seed));
  // A chain that says no more than noise and noise_seed is not said again.
  if (noise_chain_says_more(a) || noise_chain_says_more(b)) {
    field("noise_chain", describe_noise_chain(a.noise_chain), describe_noise_chain(b.noise_chain),
          true);
  }
  std::vector<std::uint32_t> unused;
  std::vector<std::uint32_t> own_ids;
  const std::vector<ChannelInfo> x =
      compared_table(a.channels, options.expected_channels, options, false, unused);
  const std::vector<ChannelInfo> y =
      compared_table(b.channels, options.actual_channels, options, true, own_ids);
  if (x != y) out.push_back("channels: " + describe_channels(x, y, own_ids));
  return out;
}

// What the comparison learnt of a journal's trailer by its end: the trailer
// (read, and agreeing with the events before it, whatever bytes follow it);
// none (the reading stopped at damage without one that agrees: a cut
// journal); or nothing (the comparison stopped before this journal's end).
enum class TrailerSeen { trailer, none, unread };

TrailerSeen trailer_seen(const JournalReader& reader) {
  if (reader.trailer() != nullptr && reader.trailer_agrees()) return TrailerSeen::trailer;
  return reader.error() ? TrailerSeen::none : TrailerSeen::unread;
}

// "2 (SIGINT)" as inspect's trailer line says it; "" for none.
std::string signal_text(int stop_signal) {
  if (stop_signal == 0) return "";
  const char* name = journal_signal_name(stop_signal);
  return std::to_string(stop_signal) + (name != nullptr ? " (" + std::string(name) + ")" : "");
}

std::string flag_text(bool set) {
  return set ? "true" : "false";
}

// DiffResult::trailer_differences: how the two runs ended, field by field as
// inspect's trailer line names them, where both ends are known; one line for
// a side whose end is not.
std::vector<std::string> compare_trailers(const JournalReader& expected,
                                          const JournalReader& actual) {
  std::vector<std::string> out;
  const TrailerSeen x = trailer_seen(expected);
  const TrailerSeen y = trailer_seen(actual);
  if (x == TrailerSeen::unread || y == TrailerSeen::unread) return out;
  if (x == TrailerSeen::none && y == TrailerSeen::none) return out;
  if (x == TrailerSeen::none || y == TrailerSeen::none) {
    out.push_back(std::string("the ") + (x == TrailerSeen::none ? "first" : "second") +
                  " has none that agrees with its events (the journal is cut or damaged): how "
                  "its run ended is unknown");
    return out;
  }
  const JournalTrailer& a = *expected.trailer();
  const JournalTrailer& b = *actual.trailer();
  const bool a_unknown = a.end == RunOutcome::unknown;
  const bool b_unknown = b.end == RunOutcome::unknown;
  if (a_unknown && b_unknown) return out;
  if (a_unknown || b_unknown) {
    // A salvaged journal's passes and end tyme are the earliest its frames
    // allow, not the run's: its other fields say nothing worth a line each.
    const JournalTrailer& unknown = a_unknown ? a : b;
    std::string line = std::string("end: ") + to_string(a.end) + " vs " + to_string(b.end) +
                       ": the " + (a_unknown ? "first" : "second") + "'s run end was not recorded";
    if (!unknown.end_text.empty()) line += " (" + quoted(unknown.end_text) + ")";
    out.push_back(line + ": the rest of the trailers is not compared");
    return out;
  }
  add_field(out, "passes", std::to_string(a.passes), std::to_string(b.passes));
  add_field(out, "end", to_string(a.end), to_string(b.end));
  add_field(out, "end_tyme", format_seconds(a.end_tyme), format_seconds(b.end_tyme));
  add_field(out, "end_text", a.end_text, b.end_text);
  add_field(out, "ended_at_pass", flag_text(a.ended_at_pass), flag_text(b.ended_at_pass));
  add_field(out, "end_by_hio", flag_text(a.end_by_hio), flag_text(b.end_by_hio));
  add_field(out, "stop_signal", signal_text(a.stop_signal), signal_text(b.stop_signal), true);
  return out;
}

const char* differing_field(const ChannelEvent& a, const ChannelEvent& b,
                            const DiffOptions& options) {
  const ChannelPairs& pairs = options.actual_as_expected;
  if (a.tyme != b.tyme) return "tyme";
  if (a.channel != paired_id(pairs, b.channel)) return "channel";
  if (a.kind != b.kind) return "kind";
  // What sort of event it is within its kind (a drop or a delay, a close by
  // which side, a stream or a listener) comes before its payload: two noise
  // events of different kinds also differ in their detail text, and the
  // first difference worth naming is the kind of noise.
  if (a.noise != b.noise) return "noise";
  if (a.who != b.who) return "who";
  if (a.channel_kind != b.channel_kind) return "channel_kind";
  if (a.accepted != paired_id(pairs, b.accepted)) return "accepted";
  if (a.bytes != b.bytes) return "bytes";
  if (!options.ignore_addresses) {
    if (a.peer != b.peer) return "peer";
  }
  // A connect's text is its local address.
  const bool text_is_address = options.ignore_addresses && a.kind == EventKind::connect;
  if (!text_is_address && a.text != b.text) return "text";
  return nullptr;
}

// A listener paired by name (the two accepts are on channels that
// actual_as_expected pairs): the channel each accept makes is paired too, the
// k-th accepted of one with the k-th of the other, so that the connections a
// renumbered listener accepts are no difference either. An actual id paired
// already keeps its pair.
void pair_accepted(ChannelPairs& pairs, const ChannelEvent& a, const ChannelEvent& b) {
  if (a.kind != EventKind::accept || b.kind != EventKind::accept) return;
  const auto listener = std::lower_bound(pairs.begin(), pairs.end(), std::pair{b.channel, 0U});
  if (listener == pairs.end() || listener->first != b.channel || listener->second != a.channel) {
    return;
  }
  const auto at = std::lower_bound(pairs.begin(), pairs.end(), std::pair{b.accepted, 0U});
  if (at != pairs.end() && at->first == b.accepted) return;
  pairs.insert(at, {b.accepted, a.accepted});
}

// The public functions' precondition, checked: a pair out of order would be
// missed by the binary search, and its channel silently compared as itself.
void require_ascending(const ChannelPairs& pairs) {
  const auto bad = std::adjacent_find(
      pairs.begin(), pairs.end(), [](const auto& x, const auto& y) { return x.first >= y.first; });
  if (bad == pairs.end()) return;
  const auto pair = [](const auto& p) {
    return "(" + std::to_string(p.first) + ", " + std::to_string(p.second) + ")";
  };
  throw std::invalid_argument(
      "DiffOptions::actual_as_expected must be in ascending order of actual id, each actual id "
      "once (std::sort them): " +
      pair(*bad) + " comes before " + pair(*std::next(bad)));
}

}  // namespace

std::uint32_t as_expected_channel(const DiffOptions& options, std::uint32_t actual_id) {
  require_ascending(options.actual_as_expected);
  return paired_id(options.actual_as_expected, actual_id);
}

const char* first_difference(const ChannelEvent& a, const ChannelEvent& b) {
  return first_difference(a, b, DiffOptions{});
}

const char* first_difference(const ChannelEvent& a, const ChannelEvent& b,
                             const DiffOptions& options) {
  require_ascending(options.actual_as_expected);
  return differing_field(a, b, options);
}

DiffResult diff_journals(JournalReader& expected, JournalReader& actual) {
  return diff_journals(expected, actual, DiffOptions{});
}

DiffResult diff_journals(JournalReader& expected, JournalReader& actual, const DiffOptions& given) {
  DiffOptions options = given;
  ChannelPairs& pairs = options.actual_as_expected;
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());  // a name given twice
  require_ascending(pairs);                                           // each actual id once
  DiffResult result;
  if (expected.header() && actual.header()) {
    result.header_differences = compare_headers(*expected.header(), *actual.header(), options);
  }
  const std::uint64_t kept_max =
      options.all ? std::max<std::uint64_t>(options.divergences_max, 1) : 1;
  Cursor want(expected, EventFilter{.channels = options.expected_channels, .kinds = options.kinds});
  Cursor got(actual, EventFilter{.channels = options.actual_channels, .kinds = options.kinds});
  for (std::uint64_t index = 0;; ++index) {
    const ChannelEvent* a = want.get();
    const ChannelEvent* b = got.get();
    // Damage ends the comparison: what follows it is unknown.
    if ((a == nullptr && expected.error()) || (b == nullptr && actual.error())) break;
    if (a == nullptr && b == nullptr) break;
    const char* field = "extra";
    if (a != nullptr && b == nullptr) field = "missing";
    if (a != nullptr && b != nullptr) {
      pair_accepted(options.actual_as_expected, *a, *b);
      field = differing_field(*a, *b, options);
    }
    if (field != nullptr) {
      ++result.divergences_total;
      if (result.divergences.size() < kept_max) {
        Divergence d;
        d.index = index;
        const ChannelEvent& where = a != nullptr ? *a : *b;
        d.pass = a != nullptr ? want.pass() : got.pass();
        d.tyme = where.tyme;
        d.channel = where.channel;
        d.field = field;
        if (a != nullptr) {
          d.expected = OwnedEvent::from(*a);
          d.expected_pass = want.pass();
        }
        if (b != nullptr) {
          d.actual = OwnedEvent::from(*b);
          d.actual_pass = got.pass();
        }
        if (!result.divergence) result.divergence = d;
        result.divergences.push_back(std::move(d));
      }
      if (!options.all) break;
    } else if (result.divergences_total == 0) {
      ++result.events_compared;
    }
    if (a != nullptr) want.advance();
    if (b != nullptr) got.advance();
  }
  result.expected_error = expected.error();
  result.actual_error = actual.error();
  result.trailer_differences = compare_trailers(expected, actual);
  return result;
}

std::string Divergence::describe() const {
  return describe_as("first divergence");
}

std::string Divergence::describe_as(std::string_view label) const {
  std::string out = std::string(label) + " at event " + std::to_string(index) + ": pass " +
                    std::to_string(pass) + ", tyme " + format_seconds(tyme) + " s, channel #" +
                    std::to_string(channel) + ": ";
  if (field == "missing") {
    out += "the actual journal ends here\n";
  } else if (field == "extra") {
    out += "the actual journal has more events\n";
  } else {
    out += field + " differs\n";
  }
  FormatOptions text;
  text.text_bytes_max = 48;
  out +=
      "  expected: " + (expected ? format_event(expected->view(), expected_pass, text) : "(none)");
  out += "\n  actual:   " + (actual ? format_event(actual->view(), actual_pass, text) : "(none)");
  out += '\n';
  if (expected && actual) {
    if (field == "bytes") out += hex_diff(expected->bytes, actual->bytes);
    if (field == "peer") out += hex_diff(expected->peer, actual->peer);
    if (field == "text") out += hex_diff(expected->text, actual->text);
  }
  return out;
}

namespace {

constexpr std::size_t kRow = 16;

// "- 00000010  68 65 ...   |he...|"
std::string hex_row(char sign, std::string_view bytes, std::size_t row_start) {
  char head[24];
  std::snprintf(head, sizeof head, "%c %08zx  ", sign, row_start);
  std::string out = head;
  std::string ascii;
  for (std::size_t i = row_start; i < row_start + kRow; ++i) {
    if (i < bytes.size()) {
      const auto u = static_cast<unsigned char>(bytes[i]);
      char cell[4];
      std::snprintf(cell, sizeof cell, "%02x ", static_cast<unsigned>(u));
      out += cell;
      ascii += (u >= 0x20 && u < 0x7F) ? static_cast<char>(u) : '.';
    } else {
      out += "   ";
    }
  }
  out += " |" + ascii + "|\n";
  return out;
}

}  // namespace

std::string hex_diff(std::string_view expected, std::string_view actual, std::size_t rows_max) {
  if (expected == actual) return "";
  std::size_t first = 0;
  const std::size_t common = std::min(expected.size(), actual.size());
  while (first < common && expected[first] == actual[first])
    ++first;
  std::string out = "first difference at byte " + std::to_string(first) + " (expected " +
                    counted(expected.size(), "byte") + ", actual " +
                    counted(actual.size(), "byte") + ")\n";
  const std::size_t longest = std::max(expected.size(), actual.size());
  // One row of context before the first difference, when there is one.
  std::size_t row = (first / kRow) * kRow;
  if (row >= kRow) row -= kRow;
  for (std::size_t n = 0; n < std::max<std::size_t>(rows_max, 1) && row < longest;
       ++n, row += kRow) {
    out += hex_row('-', expected, row);
    out += hex_row('+', actual, row);
    std::string marks(12, ' ');
    bool any = false;
    for (std::size_t i = row; i < row + kRow && i < longest; ++i) {
      const bool differs = i >= expected.size() || i >= actual.size() || expected[i] != actual[i];
      marks += differs ? "^^ " : "   ";
      any = any || differs;
    }
    if (any) {
      marks.erase(marks.find_last_not_of(' ') + 1);
      out += marks + '\n';
    }
  }
  return out;
}

}  // namespace hio::replay
