#include "hio/tools/replay_scenario.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <typeinfo>

#include "channel_warnings.hpp"
#include "hio/io/ip_text.hpp"
#include "hio/replay/digest.hpp"
#include "hio/replay/error.hpp"
#include "hio/replay/escape.hpp"
#include "hio/replay/inspect.hpp"
#include "hio/replay/journal.hpp"
#include "hio/replay/out_of_memory.hpp"
#include "hio/replay/reader.hpp"
#include "hio/tools/cli.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/runner.hpp"
#include "journal_target.hpp"
#include "program_name.hpp"
#include "recorded_version.hpp"

namespace hio::tools {

namespace {

ScenarioError journal_problem(const std::string& path, const std::string& what) {
  return ScenarioError({Diagnostic{SourcePos{path, 0, 0}, what}});
}

// The scenario as it ran: its text from the header - where `hio run` wrote
// the command line's --set, --limit and --real (record_run_setting) -
// with the run settings the header holds besides: the seed (a sweep's seed is
// only there) and the tock.
Scenario recorded_scenario(const replay::JournalHeader& header, const std::string& journal,
                           const DoerRegistry& registry) {
  if (header.scenario.empty()) {
    throw journal_problem(journal,
                          "the journal's header has no scenario text: it was not recorded by `" +
                              program_name() +
                              " run` (a program's own capture is replayed by that program, see "
                              "docs/replay.md)");
  }
  // Held to a scenario file's bound, and said as for one: hio never writes a
  // larger one, and parsing a crafted 30 MB text took seconds and gigabytes.
  if (header.scenario.size() > kScenarioBytesMax) {
    throw journal_problem(journal + ":scenario",
                          "larger than 16 MiB: not a scenario file (the scenario text in the "
                          "journal's header, its first frame at byte 16, has " +
                              std::to_string(header.scenario.size()) +
                              " bytes; hio writes none larger)");
  }
  Scenario scenario;
  try {
    scenario = load_scenario_text(header.scenario, journal + ":scenario", registry);
  } catch (const ScenarioError& error) {
    std::vector<Diagnostic> problems = error.diagnostics();
    problems.insert(problems.begin(),
                    Diagnostic{SourcePos{journal, 0, 0},
                               "the scenario in the journal's header does not load:"});
    note_scenario_version(problems, header.engine_version, journal);
    throw ScenarioError(std::move(problems));
  }
  scenario.run.seed = header.seed;
  scenario.run.tock = header.tock;
  return scenario;
}

// A replaced scenario's file: FILE's text as hio run loads it, with the
// recording's seed; its tock must be the journal's.
Scenario replacement_scenario(const std::string& path, const replay::JournalHeader& header,
                              const DoerRegistry& registry) {
  Scenario scenario = load_scenario_file(path, registry);
  if (scenario.run.tock != header.tock) {
    const SourcePos at = run_setting_pos(scenario, "tock");
    throw ScenarioError({Diagnostic{
        at, "run.tock is " + format_seconds(scenario.run.tock) + " s" +
                (at.line == 0 ? " (the default)" : "") + ", but the journal was recorded with " +
                format_seconds(header.tock) +
                " s: a replay runs at its journal's tock (its passes are the recorded ones); "
                "set tock = \"" +
                format_seconds(header.tock) + "s\" in [run]"}});
  }
  scenario.run.seed = header.seed;
  return scenario;
}

// --set on a replay: what the recording fixed cannot be set.
void check_replay_set(const std::string& set, const replay::JournalHeader& header) {
  const std::string key = set.substr(0, set.find('='));
  std::string why;
  if (key == "run.seed") {
    why = "a replay's scenario has the recorded run's seed (" + std::to_string(header.seed) +
          ", from the journal's header); a noise replay's own seed is --seed";
  } else if (key == "run.tock") {
    why = "a replay runs at the tock its journal was recorded with (" +
          format_seconds(header.tock) + " s)";
  } else if (key == "run.mode") {
    why = "a replay always runs in virtual time, whatever mode recorded its journal";
  } else if (key.starts_with("net.")) {
    // It would change nothing: the recorded inputs are what the recorded
    // network delivered (xuser17 finding F).
    why =
        "a replay builds no network: its inputs are what the recorded network delivered; "
        "to try other link settings, run the scenario: " +
        program_name() + " run FILE --set " + set;
  }
  if (!why.empty()) {
    throw SettingError("--set " + set + ": " + why);  // as apply_override's
  }
}

// A channel as its open event has it: name, kind, address.
struct OpenedChannel {
  std::string name;
  std::string address;
  ChannelKind kind = ChannelKind::stream;
  bool accepted = false;  // made by an accept (the replay makes it from the journal)
};

std::string describe_channel(const OpenedChannel& c) {
  std::string out;
  replay::append_quoted_text(out, c.name);  // as hio inspect quotes names
  return out + " (" + to_string(c.kind) + " " + display_text(c.address) + ")";
}

}  // namespace

bool all_channels_simulated(const replay::JournalHeader& header) {
  return !header.channels.empty() &&
         std::ranges::all_of(header.channels, [](const replay::ChannelInfo& c) {
           return c.address.starts_with("sim://") || c.address.starts_with("sim-serial://");
         });
}

NoiseNote noise_note(const ReplayScenarioOutcome& outcome) {
  if (outcome.result.status != replay::ReplayStatus::perturbed) return NoiseNote::none;
  if (outcome.all_channels_simulated) return NoiseNote::simulated_network;
  if (outcome.result.doers_on_both_ends) return NoiseNote::doers_on_both_ends;
  return NoiseNote::none;
}

const char* to_string(NoiseNote note) {
  switch (note) {
    case NoiseNote::simulated_network:
      return "simulated_network";
    case NoiseNote::doers_on_both_ends:
      return "doers_on_both_ends";
    case NoiseNote::none:
      break;
  }
  return "";
}

std::shared_ptr<const Scenario> load_replay_scenario(const ReplayScenarioOptions& options,
                                                     const replay::JournalHeader& header,
                                                     const DoerRegistry& registry) {
  for (const std::string& set : options.sets)
    check_replay_set(set, header);
  Scenario scenario = options.scenario_path.empty()
                          ? recorded_scenario(header, options.journal, registry)
                          : replacement_scenario(options.scenario_path, header, registry);
  for (const std::string& set : options.sets)
    apply_override(scenario, set);
  // The replay's --record writes this text into its journal's header, as
  // hio run does: held to the bound hio run's --set is (a replay of that
  // journal would refuse it).
  check_set_text_size(scenario);
  return std::make_shared<const Scenario>(std::move(scenario));
}

namespace {

// The recorded open of each channel in `ids` (the first, before any
// reopen), read from the journal's events: the channels a build makes open
// in the journal's first frames, so the read stops there once it has them
// all. Ids the journal never opens are absent.
std::map<std::uint32_t, OpenedChannel> recorded_opens(const std::string& path,
                                                      std::set<std::uint32_t> ids) {
  std::map<std::uint32_t, OpenedChannel> found;
  std::set<std::uint32_t> accepted;
  replay::JournalReader reader(path);
  while (!ids.empty()) {
    const replay::FrameView* frame = reader.next();
    if (frame == nullptr) break;
    for (const ChannelEvent& e : frame->events) {
      if (e.kind == EventKind::accept) accepted.insert(e.accepted);
      if (e.kind != EventKind::open || ids.count(e.channel) == 0) continue;
      found.emplace(e.channel, OpenedChannel{std::string(e.text), std::string(e.peer),
                                             e.channel_kind, accepted.count(e.channel) != 0});
      ids.erase(e.channel);
    }
  }
  return found;
}

// The doer that made the channel `name` (the built-in kinds name a channel
// after its doer): the doer of that name, or of whose copies it is one;
// nullptr if none.
const DoerSpec* channel_doer(const Scenario& scenario, const std::string& name) {
  std::vector<const DoerSpec*> stack;
  for (const DoerSpec& d : scenario.doers)
    stack.push_back(&d);
  while (!stack.empty()) {
    const DoerSpec* d = stack.back();
    stack.pop_back();
    const bool copy = d->copies > 1 && name.size() > d->name.size() + 1 &&
                      name.compare(0, d->name.size() + 1, d->name + "-") == 0 &&
                      name.find_first_not_of("0123456789", d->name.size() + 1) == std::string::npos;
    if (d->name == name || copy) return d;
    for (const DoerSpec& child : d->children)
      stack.push_back(&child);
  }
  return nullptr;
}

// What a refusal adds when a doer's channel address is the journal's IP
// address spelt another way ("[0::1]" for "[::1]"). Addresses compare as
// written: the replay records the doers' text in its open events, so another
// spelling would give another digest and journal than the recorded one while
// the replay said identical (rev20 F1; session 20 had taken it as the same
// channel for a while).
std::string respelt_note(const std::string& made, const std::string& recorded) {
  if (made == recorded || !same_address(made, recorded)) return "";
  return " (" + made + " and " + recorded +
         " are one address spelt two ways: a replay records addresses as written, so its digest "
         "would differ from the journal's; write it as the journal has it)";
}

// Where to blame the channel `made`: its doer's address key when the
// address is what differs, else its doer.
SourcePos channel_pos(const Scenario& scenario, const OpenedChannel& made,
                      const OpenedChannel* recorded) {
  const DoerSpec* doer = channel_doer(scenario, made.name);
  if (doer == nullptr) return SourcePos{scenario.path, 0, 0};
  const auto address = doer->params.find("address");
  const bool address_differs = recorded != nullptr && recorded->name == made.name &&
                               recorded->kind == made.kind && recorded->address != made.address;
  return address_differs && address != doer->params.end() ? address->second.pos : doer->pos;
}

// At most this many channels that do not match are listed.
constexpr std::size_t kChannelProblemsMax = 10;

// A replaced scenario's doers, just built on the replay hub, against the
// journal's channels (see replay_scenario). Throws ScenarioError.
void check_replay_channels(const Scenario& scenario, const replay::JournalHeader& header,
                           const std::string& journal, const IoHub& io) {
  std::set<std::uint32_t> ids;
  for (const std::uint32_t id : io.channel_ids())
    ids.insert(id);
  for (const replay::ChannelInfo& info : header.channels)
    ids.insert(info.id);
  const std::map<std::uint32_t, OpenedChannel> recorded = recorded_opens(journal, ids);
  std::vector<Diagnostic> problems;
  std::size_t more = 0;
  const auto problem = [&](SourcePos pos, std::string message) {
    if (problems.size() == kChannelProblemsMax) {
      ++more;
      return;
    }
    problems.push_back(Diagnostic{std::move(pos), std::move(message)});
  };
  for (const std::uint32_t id : io.channel_ids()) {
    const Channel& c = *io.find(id);
    const OpenedChannel made{c.name(), c.address().text(), c.kind()};
    const std::string channel = "channel #" + std::to_string(id) + ": ";
    const auto it = recorded.find(id);
    if (it == recorded.end()) {
      problem(channel_pos(scenario, made, nullptr),
              channel + "the doers make " + describe_channel(made) +
                  ", and the journal has no channel #" + std::to_string(id));
    } else if (it->second.name != made.name || it->second.kind != made.kind ||
               it->second.address != made.address) {
      problem(channel_pos(scenario, made, &it->second),
              channel + "the doers make " + describe_channel(made) + " where the journal has " +
                  describe_channel(it->second) + respelt_note(made.address, it->second.address));
    }
  }
  for (const replay::ChannelInfo& info : header.channels) {
    const auto it = recorded.find(info.id);
    if (io.find(info.id) != nullptr || (it != recorded.end() && it->second.accepted)) continue;
    const OpenedChannel was =
        it != recorded.end() ? it->second : OpenedChannel{info.name, info.address, info.kind};
    problem(SourcePos{scenario.path, 0, 0}, "channel #" + std::to_string(info.id) +
                                                ": the journal has " + describe_channel(was) +
                                                ", and no doer makes it");
  }
  if (problems.empty()) return;
  if (more > 0) {
    problems.push_back(
        Diagnostic{SourcePos{scenario.path, 0, 0}, "... and " + counted(more, "more channel")});
  }
  problems.insert(
      problems.begin(),
      Diagnostic{SourcePos{scenario.path, 0, 0},
                 "the doers do not make the channels " + display_text(journal) +
                     " was recorded with: a replay delivers each recorded input to the channel "
                     "with its id, so they must make the same channels (name, kind, address) in "
                     "the same order; only their behaviour may differ:"});
  throw ScenarioError(std::move(problems));
}

// What a recorded run that hio's own failure ended did (ended_by_hio_failure).
constexpr const char* kRecordedHioFailure = "the recorded run ended with hio's error";

struct TrailerEnd {
  replay::RunOutcome end = replay::RunOutcome::unknown;
  std::string text;
  int stop_signal = 0;
  bool end_by_hio = false;  // the recorded run's end by hio's own failure, kept
};

// Whether damage cut the recorded run short. Bytes after a whole trailer
// damage the file but not the run: it was replayed in full.
bool run_cut(const replay::ReplayResult& r) {
  return r.journal_error &&
         !(r.journal_error->kind == replay::JournalErrorKind::trailing_data && r.recorded_trailer);
}

// The end reason the replay's journal gets: how the replay really ended.
TrailerEnd replay_trailer_end(const ReplayScenarioOutcome& o, RunEnd end) {
  const replay::ReplayResult& r = o.result;
  if (o.interrupted) return {replay::RunOutcome::interrupted, "", o.stop_signal};
  if (r.error && !r.divergence) return {replay::RunOutcome::error, *r.error};
  if (r.divergence) return {replay::RunOutcome::error, r.divergence->describe()};
  // The replayer stopped it where the intact part ends, and its doers closed
  // there: a known end (interrupted), so that its own journal replays too.
  if (run_cut(r)) {
    return {replay::RunOutcome::interrupted,
            "replayed the intact prefix of a damaged journal: " + r.journal_error->describe()};
  }
  // The doers ended the run by themselves, before the recorded end (or
  // after it, running on past it).
  if (end != RunEnd::interrupted) return {replay::to_outcome(end), ""};
  // It ran on past the recorded end and was stopped there, doers still
  // running: its own end, not the recorded run's (no signal ended it).
  if (o.past_recorded_end) return {replay::RunOutcome::limit, ""};
  // The replayer stopped it at the recorded end: the recorded run's end.
  if (!r.recorded_trailer) return {};
  const replay::JournalTrailer& t = *r.recorded_trailer;
  return {t.end, t.end_text, t.stop_signal, t.end_by_hio};
}

// The lines that say a replay covered only part of its journal, and why.
std::string format_damage(const replay::JournalError& error, std::uint64_t events, bool cut) {
  std::string out = "DAMAGED:   the journal is damaged at " + error.describe() + "\n";
  if (!cut)
    return out + "           the recorded run before it is whole and was replayed in full\n";
  if (!error.last_pass) {
    return out + "           no pass before the damage is intact: none of the run was replayed\n";
  }
  return out + "           only the " + std::to_string(events) +
         " recorded events before that byte were replayed, up to pass " +
         std::to_string(*error.last_pass) +
         " (the rest of that pass, if the damage cut it, is lost); expectations that need the "
         "rest of the run are not judged\n";
}

// Finishes the replay's journal with how the replay ended
// (replay_trailer_end) once `outcome` says it, and checks that it is still
// FILE. A write that fails now, the replay having reached its end, throws
// ReplayJournalWriteError with the outcome (journal_failed_at_end).
void finish_replay_journal(ReplayScenarioOutcome& outcome, RunEnd end, replay::Journal& journal,
                           JournalTarget& target) {
  const TrailerEnd trailer_end = replay_trailer_end(outcome, end);
  try {
    journal.finish(trailer_end.end, trailer_end.text, trailer_end.stop_signal,
                   trailer_end.end_by_hio);
  } catch (const replay::JournalWriteError& error) {
    note_journal_failure(outcome, error, journal, target, true);
    throw ReplayJournalWriteError(error, std::move(outcome));
  }
  const std::uint64_t size = journal.writer().size_bytes();
  outcome.journal_lost = target.lost(&outcome.journal_moved, WriterCount::of(journal.writer()));
  outcome.journal_check = target.later_check(size);
}

// replay_scenario, or with `build_only` its checks before the first pass
// (check_replay_scenario): nothing runs, no journal is written.
ReplayScenarioOutcome replay_or_check(const ReplayScenarioOptions& options,
                                      const DoerRegistry& registry,
                                      std::shared_ptr<const Scenario> scenario, bool build_only) {
  replay::ReplayOptions replay_options;
  if (!options.noise.empty()) replay_options.noise = replay::parse_noise_spec(options.noise);
  replay_options.noise_seed = options.noise_seed;
  replay_options.overrun = options.overrun;
  const bool replaced = !options.scenario_path.empty() || !options.sets.empty();
  // The recorded scenario's limits are the record's own: only a replaced
  // one may lower them (ReplayOptions::hold_channel_limits).
  replay_options.hold_channel_limits = replaced;
  replay::Replayer replayer(options.journal, replay_options);
  if (!scenario) scenario = load_replay_scenario(options, replayer.header(), registry);

  // The scenario's limit only when it is not the recorded one: the recorded
  // run ended at its own (the replayer stops the replay there), and a limit
  // past the recorded end changes nothing.
  Doist doist(replayer.header().tock, false, replaced ? scenario->run.limit : Tock{0});
  doist.set_skip(scenario->run.skip);  // unobservable, as in a run: the same events either way
  ChannelErrorCount channel_errors;    // outcome.channel_errors: a sink outlives the hub
  IoHub io(doist.tymth());
  doist.attach(io);
  replayer.attach(doist, io);
  io.add_sink(channel_errors);
  // Right after the hub, before any channel, as for a recorded run. Its
  // header holds the scenario the replay used, so that it replays in turn.
  JournalTarget target(build_only ? std::string() : options.record_path);
  std::optional<replay::Journal> journal;
  if (target.wanted()) {
    replay::JournalHeader header = replayer.output_header();
    header.scenario = scenario->text;
    target.open(journal, doist, io, std::move(header), options.record_options);
    replayer.watch_output(journal->writer());
  }
  ReplayScenarioOutcome outcome;
  outcome.name = scenario->run.name;
  outcome.seed = scenario->run.seed;
  outcome.noise = options.noise;
  outcome.noise_seed = options.noise_seed;
  outcome.record_path = options.record_path;
  outcome.scenario_replaced = replaced;
  outcome.scenario_path = options.scenario_path;
  outcome.sets = options.sets;
  outcome.scenario_digest = replay::digest_bytes(scenario->text);
  outcome.limit = scenario->run.limit;
  outcome.recorded_scenario_digest = replay::digest_bytes(replayer.header().scenario);
  outcome.all_channels_simulated = all_channels_simulated(replayer.header());
  // A ScenarioError here leaves no journal (see run_scenario) - unless the
  // replay diverged while the doers were built: a listener whose open
  // differs never gets its recorded address, so a client naming it cannot be
  // built. The divergence is what happened; it is reported as any other.
  // So is damage the reader has hit by then: a listener whose recorded
  // address is in a damaged or cut frame has none either, and the journal's
  // damage (DAMAGED, exit 2) is the cause, not the scenario.
  // A replaced scenario that does not make the journal's channels is bad
  // input instead, whether or not its build failed for it.
  std::unique_ptr<BuiltScenario> built;
  try {
    built = build_scenario(*scenario, registry, doist, io, BuildOptions{.with_net = false});
  } catch (const BuildInterrupted&) {
    throw;
  } catch (const std::exception& error) {
    // Out of memory is hio's (exit 6), whatever the replay has met.
    if (replay::is_out_of_memory(error)) throw;
    if (!options.scenario_path.empty()) {
      check_replay_channels(*scenario, replayer.header(), options.journal, io);
    }
    if (!replayer.diverged() && !replayer.damaged()) {
      // The journal's own scenario, which another hio version may have
      // accepted: that is said (a file given by --scenario is the user's).
      // Also with --set: a replay's takes run settings only, each checked as
      // it is applied (net.* are refused), so none makes the doers
      // unbuildable; the scenario they fail on is the journal's.
      if (!options.scenario_path.empty() || typeid(error) != typeid(ScenarioError)) throw;
      std::vector<Diagnostic> problems = static_cast<const ScenarioError&>(error).diagnostics();
      note_scenario_version(problems, replayer.header().engine_version, options.journal);
      throw ScenarioError(std::move(problems));
    }
  }
  if (built && !options.scenario_path.empty()) {
    check_replay_channels(*scenario, replayer.header(), options.journal, io);
  }
  if (built) target.refuse_inputs(built->files_read);
  if (build_only) return outcome;
  // The journal becomes FILE once its header is written too (JournalTarget).
  target.tree_built();
  if (!built) {
    outcome.result = replayer.finish(RunEnd::interrupted);
    // Damage, not a divergence: nothing ran, so no expectation is judged
    // (as a replay that stops at damage after its first pass says).
    if (outcome.result.status != replay::ReplayStatus::diverged) {
      for (const Expectation& e : scenario->expectations) {
        outcome.expectations.push_back(ExpectationResult{
            e, false,
            "not judged: the replay stopped before its first pass (its doers could not be "
            "built from the journal's intact part)",
            false});
      }
    }
    outcome.scenario = std::move(scenario);
    if (journal) finish_replay_journal(outcome, RunEnd::interrupted, *journal, target);
    return outcome;
  }

  ExpectationChecker checker(*scenario, built->counters, doist.tyme());
  doist.add_observer(checker);
  const StopFlagWatch stop(doist, options.stop);

  const auto wall_start = std::chrono::steady_clock::now();
  // doist.run and replayer.finish rather than replayer.run(doers, journal):
  // the replay's journal is finished after the replay's result is known, so
  // that its trailer can say how the replay ended.
  RunEnd end = RunEnd::done;
  bool hio_failure_met = false;
  // The replay's journal could not be written during the replay: that
  // stopped it there (the replayer compared nothing after, as after a
  // signal); thrown once the replay is summarized where it stopped.
  std::optional<replay::JournalWriteError> journal_failed;
  try {
    end = doist.run(built->top);
  } catch (const replay::RecordedHioFailure&) {
    // Where hio's own error ended the recorded run: the replay ends there
    // too (its journal's trailer says so: replay_trailer_end).
    hio_failure_met = true;
    end = RunEnd::interrupted;
  } catch (const replay::JournalWriteError& error) {
    // A doer's own journal failing is a doer's error, compared as any.
    if (journal_file_failed(journal)) {
      journal_failed.emplace(error);
    } else {
      replayer.threw(error.what());
    }
    end = RunEnd::interrupted;
  } catch (const OutputError&) {
    throw;  // the replay's journal could not become FILE at the first pass
  } catch (const std::exception& error) {
    // A doer threw, as a recorded run's doer may have (its trailer's
    // end=error): the replayer compares it with the recorded end, and the
    // replay's journal ends with it (replay_trailer_end). The doers' out of
    // memory in a pass, where the replay can compare it (a noise replay's,
    // or the recorded end reproduced), is their exception, as in hio run
    // (exit 5; ReplayResult::out_of_memory: a sweep ends on it, exit 6). Any
    // other is hio's (exit 6): the replayer's own (the journal reader's), or
    // one a strict replay's recorded run did not have
    // (Replayer::take_thrown).
    if (!replayer.take_thrown(error)) throw;
    end = RunEnd::interrupted;
  } catch (...) {
    // The same for what is not a std::exception (a doer's hio::Cease that no
    // one requested): one text stands for all.
    if (journal_file_failed(journal)) throw;
    replayer.threw(replay::kNotStdExceptionError);
    end = RunEnd::interrupted;
  }
  outcome.result = replayer.finish(end);
  outcome.channel_errors = channel_errors.count;
  outcome.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  // The replayer ends the run itself (RunEnd::interrupted, at the recorded
  // end or after a divergence) with request_stop(); a signal that ended it
  // first is in stop_signal() (a divergence the doers' closes make after it
  // is not compared, see Replayer::run_ending).
  outcome.interrupted = end == RunEnd::interrupted && doist.stop_signal() != 0;
  outcome.stopped_at_limit = end == RunEnd::limit && replaced;
  outcome.stop_signal = outcome.interrupted ? doist.stop_signal() : 0;
  const replay::ReplayResult& r = outcome.result;
  outcome.end_tyme = doist.tyme();
  outcome.overrun = options.overrun.value_or(Tock{0});
  const bool end_known = r.recorded_trailer && !run_cut(r);
  if (end_known) outcome.recorded_end_tyme = r.recorded_trailer->end_tyme;
  outcome.past_recorded_end = end_known && !outcome.interrupted && !r.divergence &&
                              (outcome.overrun > Tock{0} || r.ran_on > Tock{0}) &&
                              outcome.end_tyme > outcome.recorded_end_tyme;
  // The replay reached the recorded end (the replayer stopped it there, or
  // it ran on past it) of a run that a signal interrupted, or that hio's own
  // failure ended (its doers did not throw: the replayer ended the replay
  // there, as the run ended). Not when its own journal's failure ended it.
  if (!outcome.interrupted && !journal_failed &&
      (end == RunEnd::interrupted || outcome.past_recorded_end) && !r.divergence && end_known) {
    if (r.recorded_trailer->end == replay::RunOutcome::interrupted) {
      outcome.recorded_stop_signal = r.recorded_trailer->stop_signal;
    } else if (hio_failure_met) {
      outcome.recorded_hio_failure = r.recorded_trailer->end_text;
    }
  }
  // Interrupted: judged on the passes replayed, `final` ones not at all. The
  // end of an interrupted recording is judged as a run's end: it is where
  // the recording ends (ReplayScenarioOutcome::recorded_stop_signal).
  if (outcome.result.status != replay::ReplayStatus::diverged) {
    const int signal = outcome.interrupted ? outcome.stop_signal : 0;
    outcome.expectations = checker.finish(RunEnding{
        .tyme = doist.tyme(),
        .cut = run_cut(outcome.result),
        .stop_signal = signal,
        .ended_at_pass = doist.ended_at_pass(),
        .stopped_by = outcome.recorded_hio_failure.empty() ? std::string() : kRecordedHioFailure,
        .journal_failed = journal_failed.has_value()});
  }
  if (options.counters) outcome.counters = doer_counters(*scenario, built->counters);
  outcome.scenario = std::move(scenario);
  if (journal_failed) {
    note_journal_failure(outcome, *journal_failed, *journal, target, false);
    throw ReplayJournalWriteError(*journal_failed, std::move(outcome));
  }
  if (journal) finish_replay_journal(outcome, end, *journal, target);
  return outcome;
}

// A signal interrupted the recorded run (not kCleanStopSignal's clean stop).
bool recorded_interrupted(const ReplayScenarioOutcome& o) {
  return o.recorded_stop_signal != 0 && o.recorded_stop_signal != kCleanStopSignal;
}

// The `ended:` line of a replay that ran on past the recorded end.
std::string past_end_line(const ReplayScenarioOutcome& o) {
  const replay::ReplayResult& r = o.result;
  std::string out = "at tyme " + format_seconds(o.end_tyme) + " s, " +
                    format_seconds(o.end_tyme - o.recorded_end_tyme) +
                    " s past the recorded end (tyme " + format_seconds(o.recorded_end_tyme) + " s";
  if (o.recorded_stop_signal != 0) {
    out += ", where the run was " + stop_signal_end(o.recorded_stop_signal);
  }
  out += o.overrun > Tock{0} ? "), as --overrun " + format_seconds(o.overrun) + " s asked"
                             : "): the noise's delay held rx back there, and the replay ran on to "
                               "deliver them (--overrun 0 ends it at the recorded end)";
  if (r.end == RunEnd::done) out += "; its doers finished there";
  if (r.end == RunEnd::stalled) out += "; nothing more could run there";
  return out;
}

// How the replay itself ended, as a sweep reports each seed's end (see
// replay_seed_runner; a doer's exception is its error): `done` when its
// doers finished, `limit` when it ran to its end - the recorded end (after
// an overrun), the last intact pass of a salvaged journal, or a replaced
// scenario's limit - with doers still running, `stalled` when nothing could
// run any more, `interrupted` for a signal, a divergence (the replay stops
// there), a cut journal and the journal of an interrupted run (whose end it
// reproduces). Not the recorded run's end, which the replay's --record
// trailer keeps (replay_trailer_end): a noise replay whose client never
// finished is not `done` because the recorded run was (xcap9 finding 7).
RunEnd replay_end(const ReplayScenarioOutcome& o) {
  const replay::ReplayResult& r = o.result;
  // A run stopped cleanly (kCleanStopSignal) ended at its recorded end as a
  // limit ends one: reproduced, so is the replay's.
  if (o.interrupted || r.divergence || run_cut(r) ||
      (recorded_interrupted(o) && !o.past_recorded_end) || !o.recorded_hio_failure.empty()) {
    return RunEnd::interrupted;
  }
  // The replayer stops the run at its end (RunEnd::interrupted), as a limit.
  return r.end == RunEnd::interrupted ? RunEnd::limit : r.end;
}

}  // namespace

ReplayScenarioOutcome replay_scenario(const ReplayScenarioOptions& options,
                                      const DoerRegistry& registry) {
  return replay_or_check(options, registry, nullptr, false);
}

ReplayScenarioOutcome replay_scenario(const ReplayScenarioOptions& options,
                                      const DoerRegistry& registry,
                                      std::shared_ptr<const Scenario> scenario) {
  return replay_or_check(options, registry, std::move(scenario), false);
}

void check_replay_scenario(const ReplayScenarioOptions& options, const DoerRegistry& registry,
                           std::shared_ptr<const Scenario> scenario) {
  (void)replay_or_check(options, registry, std::move(scenario), true);
}

SeedRunner replay_seed_runner(const ReplayScenarioOptions& options, const DoerRegistry& registry,
                              std::shared_ptr<const Scenario> scenario) {
  return [options, &registry, scenario](std::uint64_t seed, const std::string& record_path,
                                        const StopFlag& stop) {
    ReplayScenarioOptions one = options;
    one.noise_seed = seed;
    one.record_path = record_path;
    one.stop = &stop;
    const ReplayScenarioOutcome outcome = replay_scenario(one, registry, scenario);
    SeedRun run;
    run.stopped = stop.is_set() || outcome.interrupted;
    // The seed's verdict is the replay's (hio replay --json's "passed").
    run.first_failure = replay_first_failure(outcome);
    run.passed = run.first_failure.empty();
    run.digest = outcome.result.digest;
    run.end = replay_end(outcome);
    // A doer threw (as `hio replay` exits 5): the seed's end is "error".
    run.error = outcome.result.error;
    // Out of memory in a pass: the sweep ends (exit 6), as hio sweep's does.
    run.out_of_memory = outcome.result.out_of_memory;
    run.journal_lost = outcome.journal_lost;
    run.journal_moved = outcome.journal_moved;
    run.journal_check = outcome.journal_check;
    run.channel_errors = outcome.channel_errors;
    return run;
  };
}

std::string replay_first_failure(const ReplayScenarioOutcome& o) {
  const replay::ReplayResult& r = o.result;
  if (r.status == replay::ReplayStatus::diverged) return r.divergence->describe();
  if (r.error) return "a doer threw: " + *r.error;
  std::string failure = first_failure(o.expectations);
  if (!failure.empty()) return failure;
  if (r.journal_error) return "the journal is damaged at " + r.journal_error->describe();
  // Interrupted with nothing to judge: no verdict, not passed, as
  // RunSummary::passed(). (The replay of an interrupted run reached its end,
  // and judged it.)
  if (o.interrupted && o.expectations.empty()) {
    return std::string("nothing judged: interrupted (") + stop_signal_name(o.stop_signal) +
           ") and no expectations";
  }
  if (!o.recorded_hio_failure.empty() && o.expectations.empty()) {
    return std::string("nothing judged: ") + kRecordedHioFailure + " (" + o.recorded_hio_failure +
           ") and has no expectations";
  }
  return "";
}

bool replay_passed(const ReplayScenarioOutcome& o) {
  return replay_first_failure(o).empty();
}

int replay_exit_code(const ReplayScenarioOutcome& o) {
  if (o.interrupted) return interrupted_exit_code(o.stop_signal);
  if (!o.journal_lost.empty()) return kExitOutputFailed;  // as a journal that cannot be written
  if (o.result.status == replay::ReplayStatus::diverged) return kExitDivergence;
  if (!o.recorded_hio_failure.empty()) return kExitInternal;  // as the run exited
  if (o.result.journal_error) return kExitBadInput;
  if (o.result.error) return kExitDoerError;  // as the run exited (a noise replay's too)
  return all_passed(o.expectations) ? kExitOk : kExitExpectationsFailed;
}

std::string format_replay_outcome(const ReplayScenarioOutcome& o) {
  const replay::ReplayResult& r = o.result;
  const std::string wall = format_fixed(o.wall_seconds, 3);
  std::string out;
  out += "replay:    " + (o.name.empty() ? std::string("(unnamed)") : display_text(o.name)) +
         ", seed " + std::to_string(o.seed) +
         (o.noise.empty() ? "" : ", noise seed " + std::to_string(o.noise_seed)) + ": " +
         to_string(r.status) + (run_cut(r) ? " up to the damage" : "") +
         (o.journal_failed_at_end ? "; " + std::string(kJournalEndFailed) : "") + "\n";
  if (o.scenario_replaced) {
    std::string used = o.scenario_path.empty() ? "the journal's" : display_text(o.scenario_path);
    for (std::size_t i = 0; i < o.sets.size(); ++i)
      used += (i == 0 ? " with --set " : ", --set ") + display_text(o.sets[i]);
    out += "scenario:  " + used + " (replaces the journal's): digest " +
           replay::format_digest(o.scenario_digest) +
           " (journal: " + replay::format_digest(o.recorded_scenario_digest) +
           (o.scenario_digest == o.recorded_scenario_digest ? ", the same text" : "") + ")\n";
  }
  if (r.journal_error) out += format_damage(*r.journal_error, r.recorded_events, run_cut(r));
  out += "passes:    " + std::to_string(r.passes) + " in " + wall + " s wall\n";
  // Stopped early: the journal's events before the stop (those replayed).
  const char* const before_stop = r.recorded_before_stop ? " before the stop" : "";
  // A salvaged journal (a trailer whose end is unknown) has none of the
  // closes of the run's end, which its run never wrote; the replay makes
  // them after its last pass, uncompared (xtcp26: "identical" beside other
  // counts left a user in doubt).
  const bool salvaged_end = r.status == replay::ReplayStatus::identical && !r.journal_error &&
                            r.recorded_trailer &&
                            r.recorded_trailer->end == replay::RunOutcome::unknown &&
                            r.events != r.recorded_events && !r.recorded_before_stop;
  out += "events:    " + std::to_string(r.events) +
         " (journal: " + std::to_string(r.recorded_events) + before_stop +
         (salvaged_end ? ", salvaged: without the closes of the replay's end" : "") + ")\n";
  out += "digest:    " + replay::format_digest(r.digest) +
         " (journal: " + replay::format_digest(r.recorded_digest) + before_stop +
         (salvaged_end ? ", without them" : "") + ")\n";
  if (!o.record_path.empty()) {
    out +=
        format_journal_line(o.record_path, o.journal_lost, o.journal_moved, o.journal_incomplete);
  }
  if (o.journal_failed && !o.journal_failed_at_end) {
    out += "ended:     " + format_journal_stopped(o.journal_flushed_bytes, "above") + "\n";
  }
  if (o.interrupted) {
    out += std::string("ended:     interrupted (") + stop_signal_name(o.stop_signal) +
           ") before the recorded end\n";
  }
  if (o.stopped_at_limit) {
    // A run stopped during its last pass's wait ended at that pass's tyme
    // (ended_at_pass): a limit of that tyme ends before that pass.
    const std::optional<replay::JournalTrailer>& t = r.recorded_trailer;
    const bool last_pass = t && t->ended_at_pass && t->end_tyme == Tyme{o.limit};
    out += "ended:     at the scenario's limit, tyme " + format_seconds(Tyme{o.limit}) +
           " s, before the recorded end" +
           (last_pass ? " (the recorded run ran its last pass at that tyme and ended there; the "
                        "limit ends the replay before that pass)"
                      : "") +
           ": the journal's events from there on were not compared\n";
  }
  if (o.past_recorded_end) {
    out += "ended:     " + past_end_line(o) + "\n";
  } else if (o.recorded_stop_signal != 0) {
    out += "ended:     at the recorded end, tyme " + format_seconds(o.recorded_end_tyme) +
           " s, where the run was " + stop_signal_end(o.recorded_stop_signal) +
           (recorded_interrupted(o)
                ? ": the recording ends there, and the expectations are judged there, final "
                  "ones too\n"
                : ", as asked: the expectations are judged there, final ones too, as the run "
                  "judged them\n");
  }
  if (!o.recorded_hio_failure.empty()) {
    out += "ended:     at the recorded end, where hio's own error ended the run: " +
           display_text(o.recorded_hio_failure) + " (not the doers': " + program_name() +
           " run exited 6)\n";
  }
  if (r.status == replay::ReplayStatus::perturbed) {
    out += "noise:     " + replay::format_noise_stats(r.noise) + "\n";
    if (r.noise.first_tx_mismatch) {
      out += "first tx:  " +
             display_text(replay::format_first_tx_mismatch(*r.noise.first_tx_mismatch)) + "\n";
    }
  }
  if (const std::string error = replay::format_replay_error_end(r); !error.empty()) {
    out += "ended:     " + display_text(error.substr(2)) + "\n";
  }
  // format_divergence escapes what came from doers and journals.
  // The versions are named only where they can explain the divergence: a
  // replaced scenario's doers are the user's change.
  // --counters: what the doers counted up to the divergence, as --json has
  // them (until session 25 the text said none there).
  if (r.divergence) {
    return out + (o.scenario_replaced ? "" : divergence_version_line(r.recorded_engine_version)) +
           replay::format_divergence(*r.divergence) + format_counters(o.counters);
  }
  return out + format_expectations(o.expectations) + format_counters(o.counters);
}

namespace {

// The --set values as a JSON array's members: valid UTF-8 without control
// characters once apply_override took them (known keys, checked values).
std::string json_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : ", ") + json_quote(items[i]);
  return out;
}

// A tyme as the JSON member `"tyme_ns"` (or `name`), exact, as inspect and
// diff give it beside the `"tyme"` text (to append to an object).
std::string tyme_ns_json(Tyme tyme, const char* name = "tyme_ns") {
  return std::string(", \"") + name + "\": " + std::to_string(tyme.time_since_epoch().count());
}

// The two events the text shows under a divergence (`expected:` and
// `actual:`, then the hex diff), as members to append: `"expected"` and
// `"actual"`, each as `hio inspect --json` prints an event (bytes in hex), or
// null for the side that has none, as `hio diff --json`'s divergences carry
// them. Without them a script saw where a replay parted, not what was sent.
std::string divergence_events_json(const replay::ReplayDivergence& d) {
  const replay::FormatOptions json{.format = replay::LineFormat::json};
  const auto event = [&](const std::optional<replay::OwnedEvent>& e) {
    return e ? replay::format_event(e->view(), replay::pass_number(e->tyme, d.tock), json)
             : std::string("null");
  };
  return ", \"expected\": " + event(d.expected) + ", \"actual\": " + event(d.actual);
}

}  // namespace

std::string format_replay_outcome_json(const ReplayScenarioOutcome& o) {
  const replay::ReplayResult& r = o.result;
  const std::string wall = format_fixed(o.wall_seconds, 6);
  std::string out =
      "{" + json_field_or_null("name", o.name) + ", \"seed\": " + std::to_string(o.seed) + ", " +
      json_field_or_null("noise_spec", o.noise) +
      ", \"noise_seed\": " + (o.noise.empty() ? "null" : std::to_string(o.noise_seed)) +
      ", \"scenario_replaced\": " + (o.scenario_replaced ? "true" : "false") + ", " +
      (o.scenario_path.empty() ? std::string("\"scenario_file\": null")
                               : json_field("scenario_file", o.scenario_path)) +
      ", \"sets\": [" + json_list(o.sets) + "], \"scenario_digest\": \"" +
      replay::format_digest(o.scenario_digest) + "\", \"recorded_scenario_digest\": \"" +
      replay::format_digest(o.recorded_scenario_digest) + "\", " +
      json_field_or_null("recorded_engine_version", r.recorded_engine_version) +
      ", \"journal_changes_between\": " + replay::journal_changes_json(r.recorded_engine_version) +
      ", \"status\": \"" + to_string(r.status) +
      "\", \"interrupted\": " + (o.interrupted ? "true" : "false") +
      ", \"recorded_interrupted\": " + (recorded_interrupted(o) ? "true" : "false") +
      ", \"recorded_stopped\": " + (o.recorded_stop_signal == kCleanStopSignal ? "true" : "false") +
      ", " + json_field_or_null("recorded_hio_failure", o.recorded_hio_failure) +
      ", \"stopped_at_limit\": " + (o.stopped_at_limit ? "true" : "false") +
      ", \"past_recorded_end\": " +
      (o.past_recorded_end
           ? std::string("{\"by\": \"") + (o.overrun > Tock{0} ? "overrun" : "noise_delay") +
                 "\", \"recorded_end_tyme\": \"" + format_seconds(o.recorded_end_tyme) + "\"" +
                 tyme_ns_json(o.recorded_end_tyme, "recorded_end_tyme_ns") + ", \"end_tyme\": \"" +
                 format_seconds(o.end_tyme) + "\"" + tyme_ns_json(o.end_tyme, "end_tyme_ns") + "}"
           : std::string("null")) +
      ", \"passes\": " + std::to_string(r.passes) + ", \"wall_s\": " + wall +
      ", \"events\": " + std::to_string(r.events) + ", \"digest\": \"" +
      replay::format_digest(r.digest) +
      "\", \"recorded_events\": " + std::to_string(r.recorded_events) +
      ", \"recorded_digest\": \"" + replay::format_digest(r.recorded_digest) + "\", " +
      json_field_or_null("journal", o.record_path) + ", " +
      json_field_or_null("journal_lost", o.journal_lost) + ", " + format_journal_failure_json(o) +
      ", \"journal_error\": " +
      (r.journal_error
           ? replay::format_error(*r.journal_error, {.format = replay::LineFormat::json})
           : "null");
  const replay::NoiseStats& n = r.noise;
  out += ", \"noise\": {\"rx\": " + std::to_string(n.rx_seen) +
         ", \"dropped\": " + std::to_string(n.dropped) +
         ", \"delayed\": " + std::to_string(n.delayed) +
         ", \"duplicated\": " + std::to_string(n.duplicated) +
         ", \"corrupted\": " + std::to_string(n.corrupted) +
         ", \"reordered\": " + std::to_string(n.reordered) +
         ", \"undelivered\": " + std::to_string(n.undelivered) +
         ", \"stalled_dropped\": " + std::to_string(n.stalled_dropped) +
         ", \"tx_mismatches\": " + std::to_string(n.tx_mismatches) +
         ", \"tx_missing_bytes\": " + std::to_string(n.tx_missing_bytes) +
         ", \"tx_extra_bytes\": " + std::to_string(n.tx_extra_bytes) +
         ", \"tx_datagrams_missing\": " + std::to_string(n.tx_datagrams_missing) +
         ", \"tx_datagrams_extra\": " + std::to_string(n.tx_datagrams_extra) +
         ", \"tx_credit_held_bytes\": " + std::to_string(n.tx_credit_held_bytes) +
         ", \"tx_credit_released_bytes\": " + std::to_string(n.tx_credit_released_bytes) +
         ", \"first_tx_mismatch\": ";
  if (n.first_tx_mismatch) {
    const replay::ReplayDivergence& m = *n.first_tx_mismatch;
    out += "{\"pass\": " + std::to_string(m.pass) + ", \"tyme\": \"" + format_seconds(m.tyme) +
           "\", \"channel\": " + std::to_string(m.channel) + ", " +
           json_field_or_null("channel_name", m.channel_name) + ", " +
           json_field("field", m.field) +
           ", \"offset\": " + std::to_string(replay::first_tx_mismatch_offset(m)) +
           tyme_ns_json(m.tyme) + "}";
  } else {
    out += "null";
  }
  out += ", \"note\": ";
  const NoiseNote note = noise_note(o);
  out +=
      (note == NoiseNote::none ? std::string("null") : "\"" + std::string(to_string(note)) + "\"") +
      "}";
  out += ", " + (r.error ? json_field("error", *r.error) : std::string("\"error\": null"));
  out += std::string(", \"out_of_memory\": ") + (r.out_of_memory ? "true" : "false");
  // The one count a noise sweep's seed gives too (outcome.channel_errors),
  // as hio run --json's "channel_errors" is the run's.
  out += ", \"channel_errors\": " + std::to_string(o.channel_errors);
  out += ", " + format_expectations_json(o.expectations, replay_passed(o));
  out += ", \"divergence\": ";
  if (r.divergence) {
    const replay::ReplayDivergence& d = *r.divergence;
    out += "{\"kind\": \"" + std::string(to_string(d.kind)) +
           "\", \"pass\": " + std::to_string(d.pass) + ", \"tyme\": \"" + format_seconds(d.tyme) +
           "\", \"channel\": " + std::to_string(d.channel) + ", " +
           json_field_or_null("channel_name", d.channel_name) + ", " +
           json_field_or_null("field", d.field) +
           ", \"tx_offset\": " + std::to_string(d.tx_offset) + ", " +
           json_field_or_null("detail", d.detail) + tyme_ns_json(d.tyme) +
           divergence_events_json(d) + "}";
  } else {
    out += "null";
  }
  return out + format_counters_json(o.counters) + "}";
}

}  // namespace hio::tools
