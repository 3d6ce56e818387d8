// hio salvage.
#include "cli_commands.hpp"

#include <algorithm>
#include <ostream>

#include "hio/replay/inspect.hpp"
#include "hio/replay/reader.hpp"
#include "hio/replay/salvage.hpp"
#include "hio/replay/types.hpp"
#include "hio/tools/runner.hpp"
#include "journal_target.hpp"
#include "json_failure.hpp"
#include "output.hpp"
#include "program_name.hpp"

namespace hio::tools {

namespace {

// `hio salvage --json`: one object, defined in docs/replay.md (Salvage).
std::string salvage_json(const SalvageArgs& args, const replay::SalvageResult& r) {
  const replay::FormatOptions json{.format = replay::LineFormat::json};
  std::string out =
      "{" + json_field("input", args.input) + ", " + json_field("output", args.output) +
      ", \"resync\": " + (args.resync ? "true" : "false") +
      ", \"complete\": " + (r.damage ? "false" : "true") +
      ", \"trailer_kept\": " + (r.trailer_kept ? "true" : "false") +
      ", \"frames\": " + std::to_string(r.frames) + ", \"events\": " + std::to_string(r.events) +
      ", \"last_pass\": " + (r.last_pass ? std::to_string(*r.last_pass) : std::string("null")) +
      ", \"holes\": [";
  for (std::size_t i = 0; i < r.holes.size(); ++i) {
    const replay::JournalHole& h = r.holes[i];
    out += std::string(i == 0 ? "" : ", ") + "{\"offset\": " + std::to_string(h.offset) +
           ", \"end\": " + std::to_string(h.end) +
           ", \"bytes\": " + std::to_string(h.end - h.offset) +
           ", \"lost\": " + (h.lost ? "true" : "false") +
           ", \"why\": " + replay::format_error(h.why, json) + "}";
  }
  out += "], \"input_error\": " +
         (r.damage ? replay::format_error(*r.damage, json) : std::string("null")) +
         ", \"last_pass_cut\": " + (r.last_pass_cut ? "true" : "false") + ", \"trailer\": " +
         (r.last_pass_cut ? std::string("null") : replay::format_trailer(r.trailer, json)) + ", " +
         json_field_or_null("newer_engine", r.newer_engine) + ", " +
         json_field_or_null("engine_version", r.engine_version) +
         ", \"journal_changes_between\": " + replay::journal_changes_json(r.engine_version);
  return out + "}";
}

}  // namespace

int do_salvage(const SalvageArgs& args) {
  if (args.output == "-") {
    cli_err() << command_prefix("salvage")
              << "OUT cannot be - (standard output): the salvaged journal is a "
                 "file, made whole (with its trailer) once the input has been read; give a "
                 "file name\n";
    return kExitBadInput;
  }
  if (same_file(args.input, args.output)) {
    cli_err() << command_prefix("salvage") << display_text(args.output) << " is the input "
              << (args.input == "-" ? std::string("(the standard input reads it)")
                                    : display_text(args.input) + " (the same file)")
              << ": salvage into another file\n";
    return kExitBadInput;
  }
  if (const std::string stream = standard_stream_named(args.output); !stream.empty()) {
    cli_err() << command_prefix("salvage") << display_text(args.output) << " is hio's " << stream
              << " (the same file), " << stream_use(stream) << ": salvage into another file\n";
    return kExitBadInput;
  }
  // IN's header is read and checked first, so that a bad IN is exit 2 before
  // OUT is looked at (as hio run checks its scenario before --record). OUT is
  // then written as hio run --record writes its journal (FileTarget): under
  // no name until complete, then put in place, so that a salvage that fails
  // or is stopped leaves an existing OUT as it was and nothing half-written.
  replay::SalvageOptions options;
  options.reader.resync = args.resync;
  options.output_name = args.output;
  options.stop = stop_signal_caught;
  replay::SalvageResult r;
  try {
    replay::JournalReader reader = replay::open_salvage_input(args.input, options.reader);
    FileTarget target(args.output, "journal");
    options.output_fd = target.write_fd();
    r = replay::salvage_journal(reader, target.write_path(), options);
    if (const int signal = caught_stop_signal(); signal != 0) {
      return say_interrupted(
          command_prefix("salvage") + "interrupted (" + std::string(stop_signal_name(signal)) +
              ") after " + counted(r.frames, "pass frame") + ": " + display_text(args.output) +
              " not written (a file there is as it was)",
          signal);
    }
    target.commit();
    if (const std::string lost =
            target.lost(nullptr, WriterCount{r.bytes, r.cut_seen}, "the salvage");
        !lost.empty()) {
      cli_err() << command_prefix("salvage") << display_text(args.output) << ": " << lost << "\n";
      return kExitOutputFailed;
    }
  } catch (const OutputError& error) {
    for (const Diagnostic& d : error.diagnostics())
      cli_err() << command_prefix("salvage") << d.str() << "\n";
    return kExitOutputFailed;
  } catch (const replay::JournalException& error) {
    print_journal_error("salvage", args.input, error.error());
    return kExitBadInput;
  } catch (const replay::JournalWriteError& error) {
    // A stop signal while OUT is opened (a FIFO with no reader blocks there):
    // the interruption, not an OUT that cannot be created.
    if (const int signal = caught_stop_signal();
        signal != 0 && error.code() == std::errc::interrupted) {
      return say_interrupted(command_prefix("salvage") + "interrupted (" +
                                 std::string(stop_signal_name(signal)) + ") while " +
                                 display_text(args.output) + " was opened: nothing written",
                             signal);
    }
    // OUT could not be written (a full disk): said as hio run says its
    // journal's.
    cli_err() << command_prefix("salvage") << "error: " << message_text(error.what()) << "\n";
    return kExitOutputFailed;
  }
  if (args.json) {
    cli_out() << salvage_json(args, r) << "\n";
  } else {
    // IN's frames; OUT's are others when its frame limits cut IN's pieces
    // (or parts) anew.
    cli_out() << "kept:     " << counted(r.frames, "pass frame");
    if (!r.last_pass_cut && r.trailer.frames != r.frames)
      cli_out() << " (written as " << r.trailer.frames << ")";
    cli_out() << ", " << counted(r.events, "event");
    if (r.last_pass) cli_out() << ", to pass " << *r.last_pass;
    cli_out() << ", in " << display_text(args.output) << "\n";
    for (const replay::JournalHole& h : r.holes)
      cli_out() << "skipped:  " << display_text(replay::describe_hole(h)) << "\n";
    const bool lost = std::any_of(r.holes.begin(), r.holes.end(),
                                  [](const replay::JournalHole& h) { return h.lost; });
    if (!r.damage) {
      // A trailer that agrees with holes that lost events: they are the marks
      // of the salvage that wrote IN (its trailer counts what it kept).
      cli_out() << "input:    complete (its trailer is kept"
                << (r.holes.empty() ? ")"
                    : lost          ? "; it agrees with the frames read: IN was salvaged, and the "
                                      "holes marked in it are marked again)"
                                    : "; it agrees with the frames read: the bytes skipped "
                                      "held no frame of it)")
                << "\n";
    } else if (r.trailer_kept) {
      // Only bytes after the trailer are bad: the recorded run is whole.
      cli_out() << "input:    whole to its trailer, which is kept; then stopped at "
                << display_text(r.damage->describe()) << " (not copied)\n";
    } else {
      cli_out() << "input:    stopped at " << display_text(r.damage->describe()) << "\n";
      if (r.marked != 0) {
        cli_out() << "holes:    marked in the new journal: its readers stop at the first unless "
                     "they read past holes (see docs/journal-format.md)\n";
      } else if (lost) {
        // The holes that lost events are at its end: no frame follows them.
        cli_out() << "holes:    none marked: no frame of the new journal follows them (its "
                     "trailer names them)\n";
      }
    }
    if (r.last_pass_cut) {
      cli_out() << "trailer:  none: the input stopped after part of pass " << *r.last_pass
                << ", whose other parts may be lost; OUT keeps its events and reads as cut "
                   "after its last frame, so that a replay compares them and stops there "
                   "(identical up to the damage, exit 2)\n";
    } else {
      cli_out() << replay::format_trailer(r.trailer) << "\n";
    }
  }
  if (!r.newer_engine.empty()) {
    // Copied by this hio's codec: what a later version appended is lost,
    // under that version's engine_version (xcompat22 finding 4).
    cli_out().flush();
    cli_err() << command_prefix("salvage") << "note: " << display_text(args.input)
              << " was written by a later hio than this " << replay::engine_version()
              << " (its header says " << display_text(r.newer_engine)
              << "): what that version appended to the journal format, which this one does "
                 "not know, is not copied; salvage it with that version to keep it\n";
  }
  return kExitOk;
}

}  // namespace hio::tools
