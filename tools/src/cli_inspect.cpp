// hio inspect.
#include "cli_commands.hpp"

#include <algorithm>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "channel_selection.hpp"
#include "filters_json.hpp"
#include "hio/replay/escape.hpp"
#include "hio/replay/inspect.hpp"
#include "hio/replay/reader.hpp"
#include "hio/tools/duration.hpp"
#include "option_value.hpp"
#include "output.hpp"
#include "program_name.hpp"

namespace hio::tools {

namespace {

std::optional<Tyme> parse_tyme_arg(const std::string& text, const char* what) {
  std::string error;
  std::optional<Tyme> tyme = parse_tyme(text, &error);
  if (!tyme) {
    cli_err() << command_prefix("inspect") << option_value(what, display_text(text)) << ": "
              << message_text(error) << "\n";
  }
  return tyme;
}

// `--json`'s line after the header: the filters as hio diff --json echoes
// them (`ids`: each --channel's in this journal), and the tyme window, each
// end as `<end>_ns` and `<end>` (seconds, as an event's tyme), or null
// without the option.
std::string filter_json(const InspectArgs& args,
                        const std::vector<std::vector<std::uint32_t>>& channel_ids,
                        const replay::EventFilter& filter) {
  std::string out =
      "{\"type\":\"filter\"," + filters_json(args.kinds, args.channels, {{"ids", &channel_ids}},
                                             replay::JsonSpacing::compact);
  const std::optional<Tyme> from = args.from ? std::optional(filter.from) : std::nullopt;
  for (const auto& [end, tyme] : {std::pair{"from", from}, std::pair{"to", filter.until}}) {
    const std::string name = end;
    if (tyme) {
      replay::append_json_number(out, name + "_ns", tyme->time_since_epoch().count());
      replay::append_json_field(out, name, format_seconds(*tyme));
    } else {
      replay::append_json_null(out, name + "_ns");
      replay::append_json_null(out, name);
    }
  }
  return out + "}";
}

replay::ReaderOptions inspect_reader_options(const InspectArgs& args) {
  replay::ReaderOptions options;
  options.resync = args.resync;
  options.stop = stop_signal_caught;
  return options;
}

}  // namespace

int do_inspect(const InspectArgs& args) {
  replay::JournalReader reader(args.journal, inspect_reader_options(args));
  if (const int code =
          reading_interrupted("inspect", display_text(args.journal), reader.header() == nullptr);
      code != 0) {
    return code;
  }
  if (reader.header() == nullptr) {
    print_journal_error("inspect", args.journal, *reader.error());
    return kExitBadInput;
  }
  replay::EventFilter filter;
  ChannelSelection selection =
      select_channels(args.channels, args.journal, inspect_reader_options(args), reader);
  if (const int code =
          reading_interrupted("inspect", display_text(args.journal), selection.interrupted);
      code != 0) {
    return code;
  }
  if (!selection.problem.empty()) {
    cli_err() << command_prefix("inspect") << selection.problem << "\n";
    return kExitBadInput;
  }
  for (const std::string& warning : selection.warnings)
    cli_err() << command_prefix("inspect") << "warning: " << warning << "\n";
  filter.channels = std::move(selection.ids);
  if (!args.kinds.empty()) {
    const std::optional<std::uint32_t> kinds = kind_bits("inspect", args.kinds);
    if (!kinds) return kExitBadInput;
    filter.kinds = *kinds;
  }
  if (args.from) {
    auto t = parse_tyme_arg(*args.from, "--from");
    if (!t) return kExitBadInput;
    filter.from = *t;
  }
  if (args.to) {
    auto t = parse_tyme_arg(*args.to, "--to");
    if (!t) return kExitBadInput;
    filter.until = *t;
  }
  // An empty window whatever gave --from: no tyme is before 0 (a reader
  // refuses a negative one), so --to 0 alone is [0, 0) too.
  if (filter.until && std::max(filter.from, Tyme{}) >= *filter.until) {
    cli_err() << command_prefix("inspect") << "--from "
              << (args.from ? display_text(*args.from) : "0 (the default)")
              << " is not before --to " << display_text(*args.to)
              << ": no tyme is in that window\n";
    return kExitBadInput;
  }
  replay::FormatOptions format;
  format.format = args.json ? replay::LineFormat::json : replay::LineFormat::text;
  const replay::InspectSummary summary =
      replay::inspect(reader, filter, format, cli_out(),
                      args.stats ? replay::InspectBody::stats : replay::InspectBody::events,
                      args.json ? filter_json(args, selection.each, filter) : std::string());
  cli_out().flush();
  // The lines printed end with the error line of the read the signal cut,
  // unless stdout had failed (stuck when the signal came, cut there: a
  // regular file is then read to its end, read_unless_stopped ends no read
  // that does not wait, and the output is cut all the same).
  const bool stdout_cut = !cli_out();
  if (const int code = reading_interrupted("inspect", display_text(args.journal),
                                           summary.error.has_value() || stdout_cut, stdout_cut);
      code != 0) {
    return code;
  }
  if (summary.error) {
    print_journal_error("inspect", args.journal, *summary.error);
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace hio::tools
