// hio diff.
#include "cli_commands.hpp"

#include <algorithm>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include "channel_id.hpp"
#include "channel_selection.hpp"
#include "filters_json.hpp"
#include "hio/replay/diff.hpp"
#include "hio/replay/digest.hpp"
#include "hio/replay/inspect.hpp"
#include "hio/replay/reader.hpp"
#include "hio/tools/duration.hpp"
#include "hio/tools/runner.hpp"
#include "json_failure.hpp"
#include "output.hpp"
#include "program_name.hpp"

namespace hio::tools {

namespace {

// A --channel as hio diff compares it: the ids it selects in each journal.
// One given as a name is one channel in both however each numbered it: the
// k-th channel of that name in the expected journal (in id order: the order
// they were made) is the k-th in the actual. One given as an id is that id
// in both.
struct ComparedChannel {
  std::string given;
  std::vector<std::uint32_t> expected_ids;
  std::vector<std::uint32_t> actual_ids;
  bool by_name = false;

  bool numbered_differently() const { return by_name && expected_ids != actual_ids; }
};

bool by_id(const std::string& channel) {
  std::uint32_t id = 0;
  return channel_id_of(channel, id);  // else a name (select_channels)
}

// "#2, #5": a channel's ids in one journal.
std::string ids_text(const std::vector<std::uint32_t>& ids) {
  std::string out;
  for (const std::uint32_t id : ids)
    out += (out.empty() ? "#" : ", #") + std::to_string(id);
  return out;
}

// The header's or trailer's difference lines as a JSON array of strings, as
// the text lines say them (a journal's strings there quoted and escaped
// where they must be, the line itself never).
std::string lines_json(const std::vector<std::string>& lines) {
  std::string out = "[";
  for (std::size_t i = 0; i < lines.size(); ++i)
    out += (i == 0 ? "" : ", ") + json_quote(message_text(lines[i]));
  return out + "]";
}

// Damage that is only bytes after a trailer that agrees with every frame
// before it (trailing_data): every event was compared, the recorded run
// before the bytes is whole, as hio replay says of it.
bool after_trailer(const std::optional<replay::JournalError>& error,
                   const replay::JournalReader& reader) {
  return error && error->kind == replay::JournalErrorKind::trailing_data && reader.trailer_agrees();
}

// No damage but such bytes, in either journal: both were read to their ends.
bool only_after_trailers(const replay::DiffResult& result, const replay::JournalReader& expected,
                         const replay::JournalReader& actual) {
  return (!result.expected_error || after_trailer(result.expected_error, expected)) &&
         (!result.actual_error || after_trailer(result.actual_error, actual));
}

std::string divergence_json(const replay::Divergence& d) {
  const replay::FormatOptions json{.format = replay::LineFormat::json};
  std::string out =
      "{\"index\": " + std::to_string(d.index) + ", \"pass\": " + std::to_string(d.pass) +
      ", \"tyme_ns\": " + std::to_string(d.tyme.time_since_epoch().count()) + ", \"tyme\": \"" +
      format_seconds(d.tyme) + "\", \"channel\": " + std::to_string(d.channel) + ", " +
      json_field_or_null("field", d.field) + ", \"expected\": " +
      (d.expected ? replay::format_event(d.expected->view(), d.expected_pass, json) : "null") +
      ", \"actual\": " +
      (d.actual ? replay::format_event(d.actual->view(), d.actual_pass, json) : "null");
  return out + "}";
}

// `hio diff --json`: one object, defined in docs/replay.md (Diff).
// `channels`: as looked up, or nullopt when a journal could not be read
// (nothing was looked up: each channel's ids are null).
std::string diff_json(const DiffArgs& args, const replay::DiffResult& result,
                      const replay::JournalReader& expected, const replay::JournalReader& actual,
                      const std::optional<std::vector<ComparedChannel>>& channels) {
  const replay::FormatOptions json{.format = replay::LineFormat::json};
  const char* verdict = result.divergence ? "diverged" : result.same() ? "same" : "damaged";
  std::string out = "{" + json_field("result", verdict) + ", " + json_field("expected", args.a) +
                    ", " + json_field("actual", args.b) +
                    ", \"ignore_addresses\": " + (args.ignore_addresses ? "true" : "false");
  // The filters applied, as hio inspect --json echoes them.
  std::vector<std::vector<std::uint32_t>> expected_ids, actual_ids;
  if (channels) {
    for (const ComparedChannel& c : *channels) {
      expected_ids.push_back(c.expected_ids);
      actual_ids.push_back(c.actual_ids);
    }
  }
  out += ", " +
         filters_json(args.kinds, args.channels,
                      {{"expected_ids", channels ? &expected_ids : nullptr},
                       {"actual_ids", channels ? &actual_ids : nullptr}},
                      replay::JsonSpacing::spaced) +
         ", \"header_differences\": " + lines_json(result.header_differences);
  out += ", \"events_compared\": " + std::to_string(result.events_compared) +
         ", \"divergences_total\": " + std::to_string(result.divergences_total) +
         ", \"divergences_max\": " + (args.all ? std::to_string(args.max) : "1") +
         ", \"divergences\": [";
  for (std::size_t i = 0; i < result.divergences.size(); ++i)
    out += (i == 0 ? "" : ", ") + divergence_json(result.divergences[i]);
  // The digests of whole journals only: both read to their end (bytes after
  // a trailer that agrees are no loss: the recorded run before them is whole).
  const bool whole =
      (args.all || !result.divergence) && only_after_trailers(result, expected, actual);
  out += "], \"expected_digest\": " +
         (whole ? "\"" + replay::format_digest(expected.digest()) + "\"" : std::string("null")) +
         ", \"actual_digest\": " +
         (whole ? "\"" + replay::format_digest(actual.digest()) + "\"" : std::string("null"));
  for (const auto& [name, error] : {std::pair{"expected_error", &result.expected_error},
                                    std::pair{"actual_error", &result.actual_error}}) {
    out += std::string(", \"") + name +
           "\": " + (*error ? replay::format_error(**error, json) : std::string("null"));
  }
  // Last, as the trailer is: appended in session 29.
  return out + ", \"trailer_differences\": " + lines_json(result.trailer_differences) + "}";
}

// The ids --channel names in one journal, its own, for each --channel in
// the order given: each journal is filtered by its own (a replay makes the
// recorded channels with their ids, so both sides' usually agree), and
// neither side's id is looked for in the other, where it may be another
// channel. A channel the journal does not have is an error naming it and its
// channels: nullopt, said on stderr. A lookup that Ctrl-C stopped
// (`reading`'s stop) is nullopt too, with nothing said: the caller says so.
std::optional<std::vector<std::vector<std::uint32_t>>> channel_ids(
    const std::vector<std::string>& channels, const std::string& path,
    const replay::ReaderOptions& reading, const replay::JournalReader& reader) {
  ChannelSelection selection = select_channels(channels, path, reading, reader);
  if (selection.interrupted) return std::nullopt;
  if (!selection.problem.empty()) {
    cli_err() << command_prefix("diff") << display_text(path) << ": " << selection.problem << "\n";
    return std::nullopt;
  }
  for (const std::string& warning : selection.warnings)
    cli_err() << command_prefix("diff") << display_text(path) << ": warning: " << warning << "\n";
  return std::move(selection.each);
}

}  // namespace

int do_diff(DiffArgs args) {
  if (args.max_text) {
    try {
      args.max = parse_whole_number(*args.max_text, "--max", 1, kDiffListedMax);
    } catch (const std::invalid_argument& error) {
      cli_err() << command_prefix("diff") << error.what() << "\n";
      return kExitBadInput;
    }
  }
  // Before the journals are read, as --max: a usage error whatever they hold.
  replay::DiffOptions options;
  if (!args.kinds.empty()) {
    const std::optional<std::uint32_t> kinds = kind_bits("diff", args.kinds);
    if (!kinds) return kExitBadInput;
    options.kinds = *kinds;
  }
  const std::string& a = args.a;
  const std::string& b = args.b;
  if (a == "-" && b == "-") {
    cli_err() << command_prefix("diff")
              << "both journals are - (the standard input): it holds one; give the "
                 "other as a file\n";
    return kExitBadInput;
  }
  replay::ReaderOptions reading;
  reading.stop = stop_signal_caught;
  replay::JournalReader expected(a, reading);
  replay::JournalReader actual(b, reading);
  // Stopped before the comparison's end: no object of its own (it would
  // call the journals "damaged"); --json gives the error object.
  const std::string both = display_text(a) + " and " + display_text(b);
  if (const int code = reading_interrupted(
          "diff", both, expected.header() == nullptr || actual.header() == nullptr);
      code != 0) {
    return code;
  }
  if (expected.header() == nullptr || actual.header() == nullptr) {
    // Nothing compared: --json still prints its one object, "damaged", with
    // the error of each journal that could not be opened.
    replay::DiffResult unread;
    if (expected.header() == nullptr) unread.expected_error = expected.error();
    if (actual.header() == nullptr) unread.actual_error = actual.error();
    if (args.json) {
      cli_out() << diff_json(args, unread, expected, actual, std::nullopt) << "\n";
      cli_out().flush();
    }
    if (unread.expected_error) print_journal_error("diff", a, *unread.expected_error);
    if (unread.actual_error) print_journal_error("diff", b, *unread.actual_error);
    return kExitBadInput;
  }
  std::vector<ComparedChannel> channels;
  if (!args.channels.empty()) {
    // A lookup Ctrl-C stopped says so, as the comparison does below.
    const auto lookup_failed = [&] {
      const int code = reading_interrupted("diff", both, true);
      return code != 0 ? code : kExitBadInput;
    };
    std::optional<std::vector<std::vector<std::uint32_t>>> want =
        channel_ids(args.channels, a, reading, expected);
    if (!want) return lookup_failed();
    std::optional<std::vector<std::vector<std::uint32_t>>> got =
        channel_ids(args.channels, b, reading, actual);
    if (!got) return lookup_failed();
    for (std::size_t i = 0; i < args.channels.size(); ++i) {
      ComparedChannel& c = channels.emplace_back(ComparedChannel{
          args.channels[i], std::move((*want)[i]), std::move((*got)[i]), !by_id(args.channels[i])});
      options.expected_channels.insert(options.expected_channels.end(), c.expected_ids.begin(),
                                       c.expected_ids.end());
      options.actual_channels.insert(options.actual_channels.end(), c.actual_ids.begin(),
                                     c.actual_ids.end());
      if (!c.by_name) continue;
      // Paired in the order each journal made them; one more in a journal
      // (a name reused) compares by its own id. Paired when numbered alike
      // too: a listener's pair pairs the channels it accepts (diff_journals).
      for (std::size_t k = 0; k < std::min(c.expected_ids.size(), c.actual_ids.size()); ++k)
        options.actual_as_expected.emplace_back(c.actual_ids[k], c.expected_ids[k]);
    }
  }
  options.all = args.all;
  options.divergences_max = args.max;
  options.ignore_addresses = args.ignore_addresses;
  const replay::DiffResult result = replay::diff_journals(expected, actual, options);
  if (const int code = reading_interrupted(
          "diff", both, result.expected_error.has_value() || result.actual_error.has_value());
      code != 0) {
    return code;
  }
  const int code = result.divergence ? kExitDivergence : result.same() ? kExitOk : kExitBadInput;
  if (args.json) {
    cli_out() << diff_json(args, result, expected, actual, channels) << "\n";
    cli_out().flush();
    if (result.expected_error) print_journal_error("diff", a, *result.expected_error);
    if (result.actual_error) print_journal_error("diff", b, *result.actual_error);
    return code;
  }
  for (const std::string& d : result.header_differences)
    cli_out() << "header differs: " << message_text(d) << "\n";  // journal text
  for (const ComparedChannel& c : channels) {
    // Not a difference (the channel is compared by its name), but the event
    // lines below give each journal's own ids.
    if (!c.numbered_differently()) continue;
    cli_out() << "channel " << display_text(c.given) << " is " << ids_text(c.expected_ids) << " in "
              << display_text(a) << ", " << ids_text(c.actual_ids) << " in " << display_text(b)
              << ": compared by its name\n";
  }
  for (std::size_t i = 0; i < result.divergences.size(); ++i) {
    const std::string text =
        i == 0 ? result.divergences[i].describe()
               : result.divergences[i].describe_as("divergence " + std::to_string(i + 1));
    cli_out() << text;
    if (text.back() != '\n') cli_out() << "\n";
  }
  // Where damage stopped the comparison: " X is cut or damaged at ...", for
  // each journal that is; bytes after a trailer that agrees stopped nothing
  // (" X is damaged after its trailer at ...: the recorded run before it is
  // whole and was compared in full", as hio replay says it: xjrn28 L3, it
  // said "cut").
  const auto damage_text = [&] {
    std::string out;
    const char* joint = "";
    for (const auto& [path, error, reader] : {std::tuple{&a, &result.expected_error, &expected},
                                              std::tuple{&b, &result.actual_error, &actual}}) {
      if (!*error) continue;
      out += std::string(joint) + " " + display_text(*path) +
             (after_trailer(*error, *reader)
                  ? " is damaged after its trailer at " + (*error)->describe() +
                        ": the recorded run before it is whole and was compared in full"
                  : " is cut or damaged at " + (*error)->describe());
      joint = ";";
    }
    return out;
  };
  const bool damaged = result.expected_error || result.actual_error;
  const bool read_whole = only_after_trailers(result, expected, actual);
  // How the runs ended, after the events' verdict: the trailer comes last.
  const auto print_trailer_differences = [&] {
    for (const std::string& d : result.trailer_differences)
      cli_out() << "trailer differs: " << message_text(d) << "\n";  // journal text
  };
  if (args.all && result.divergence) {
    // Damage ends the comparison: the count is of the events before it, not
    // "in all" (the stderr line alone said so, after a count that read as
    // the journals' whole).
    const std::uint64_t listed = result.divergences.size();
    cli_out() << result.divergences_total << " divergence"
              << (result.divergences_total == 1 ? "" : "s")
              << (read_whole ? " in all" : " before the damage");
    if (listed < result.divergences_total) {
      cli_out() << ", the first " << listed << " listed (--max " << args.max << ")";
    }
    cli_out() << " (events compared by position: after an event missing or extra, the pairs "
                 "that follow are shifted)";
    if (damaged) {
      cli_out() << "; then" << damage_text() << (read_whole ? "" : ": the rest was not compared");
    }
    cli_out() << "\n";
  }
  if (!result.divergence && damaged) {
    // What could be compared agreed: say how far, and where it stopped.
    cli_out() << (read_whole ? "same: " : "same for the first ")
              << counted(result.events_compared, "event") << ", then" << damage_text() << "\n";
  }
  if (code != kExitOk) print_trailer_differences();
  cli_out().flush();
  if (result.expected_error) print_journal_error("diff", a, *result.expected_error);
  if (result.actual_error) print_journal_error("diff", b, *result.actual_error);
  if (code != kExitOk) return code;
  if (!args.kinds.empty() || !args.channels.empty()) {
    // The digests are of every event: they may differ in the others.
    cli_out() << "same: " << counted(result.events_compared, "event") << " of the "
              << (args.channels.empty() ? "kinds"
                  : args.kinds.empty()  ? "channels"
                                        : "kinds and channels")
              << " compared";
    const char* joint = " (";
    for (const std::vector<std::string>* given : {&args.kinds, &args.channels}) {
      for (const std::string& item : *given) {
        cli_out() << joint << display_text(item);
        joint = ", ";
      }
      if (!given->empty()) joint = "; ";
    }
    cli_out() << ")\n";
    print_trailer_differences();
    return kExitOk;
  }
  cli_out() << "same: " << counted(result.events_compared, "event") << ", digest "
            << replay::format_digest(expected.digest());
  if (expected.digest() != actual.digest()) {
    // Only with --ignore-addresses: the addresses in the events differ.
    cli_out() << " vs " << replay::format_digest(actual.digest()) << " (addresses not compared)";
  }
  cli_out() << "\n";
  print_trailer_differences();
  return kExitOk;
}

}  // namespace hio::tools
