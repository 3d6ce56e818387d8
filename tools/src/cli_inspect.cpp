// hio inspect.
#include "cli_commands.hpp"

#include <algorithm>
#include <ostream>

#include "channel_selection.hpp"
#include "hio/replay/inspect.hpp"
#include "hio/replay/reader.hpp"
#include "hio/tools/duration.hpp"
#include "option_value.hpp"
#include "output.hpp"

namespace hio::tools {

namespace {

std::optional<Tyme> parse_tyme_arg(const std::string& text, const char* what) {
  std::string error;
  std::optional<Tyme> tyme = parse_tyme(text, &error);
  if (!tyme) {
    cli_err() << "hio inspect: " << option_value(what, display_text(text)) << ": "
              << message_text(error) << "\n";
  }
  return tyme;
}

replay::ReaderOptions inspect_reader_options(const InspectArgs& args) {
  replay::ReaderOptions options;
  options.resync = args.resync;
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
  if (!selection.problem.empty()) {
    cli_err() << "hio inspect: " << selection.problem << "\n";
    return kExitBadInput;
  }
  for (const std::string& warning : selection.warnings)
    cli_err() << "hio inspect: warning: " << warning << "\n";
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
    cli_err() << "hio inspect: --from "
              << (args.from ? display_text(*args.from) : "0 (the default)")
              << " is not before --to " << display_text(*args.to)
              << ": no tyme is in that window\n";
    return kExitBadInput;
  }
  replay::FormatOptions format;
  format.format = args.json ? replay::LineFormat::json : replay::LineFormat::text;
  const replay::InspectSummary summary =
      replay::inspect(reader, filter, format, cli_out(),
                      args.stats ? replay::InspectBody::stats : replay::InspectBody::events);
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
