// Replays a journal recorded by `hio run` (or `hio sweep --out`): rebuilds the
// scenario from the text in the journal's header with a registry, feeds it the
// recorded inputs through hio::replay's Replayer and compares every output.
// Optionally perturbs the inputs with seeded noise and journals the replay.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hio/replay/replayer.hpp"
#include "hio/tools/registry.hpp"
#include "hio/tools/runner.hpp"
#include "hio/tools/sweep.hpp"

namespace hio::tools {

struct ReplayScenarioOptions {
  std::string journal{};      // the journal to replay
  std::string record_path{};  // journal the replay into this file ("" for none)
  std::string noise{};        // a noise spec (docs/replay.md); "" for a strict replay
  std::uint64_t noise_seed = 0;
  // Replay against a modified scenario: this file's instead of the header's
  // text ("" for the header's), and run-setting overrides ("run.limit=2s",
  // as hio run's --set) applied to whichever is used. See
  // load_replay_scenario for what may differ from the recording.
  std::string scenario_path{};
  std::vector<std::string> sets{};
  // Set by another thread (a sweep's, on SIGINT or SIGTERM): the replay
  // ends when it is set, as RunOptions::stop ends a run.
  const StopFlag* stop = nullptr;
  // With noise: run this long past the recorded end (ReplayOptions::overrun;
  // not set: a noise replay with delay runs on by itself as that says).
  std::optional<Tock> overrun{};
  // Read every doer's counters at the end into ReplayScenarioOutcome::counters
  // (hio replay --counters), as RunOptions::counters does for a run.
  bool counters = false;
  // How record_path is written, as RunOptions::record_options.
  replay::JournalOptions record_options{};
};

struct ReplayScenarioOutcome {
  std::string name{};            // the scenario's run.name
  std::uint64_t seed = 0;        // the recorded run's
  std::string noise{};           // the noise spec as given ("" for a strict replay)
  std::uint64_t noise_seed = 0;  // the noise's seed (with noise)
  replay::ReplayResult result{};
  // The scenario's expectations on the replay (as `hio run` checks them);
  // empty when it diverged: a diverged run stops early and proves nothing.
  std::vector<ExpectationResult> expectations{};
  std::shared_ptr<const Scenario> scenario{};  // what `expectations` point into
  bool interrupted = false;                    // SIGINT or SIGTERM ended it before the recorded end
  int stop_signal = 0;                         // which of the two
  // The replay's channel errors (error events, as RunSummary::channel_errors
  // counts a run's): a noise sweep's seed "channel_errors".
  std::uint64_t channel_errors = 0;
  // The recorded run was interrupted by this signal (its trailer says so)
  // and the replay reached that end (or ran past it: past_recorded_end). The
  // recording ends there, so the expectations are judged there, `final`
  // ones included, as at a run's end (the run itself could not judge them:
  // stopped from outside, it did not know that it was its end); the exit
  // code is the verdicts', not the run's 130 (docs/replay.md). 0 otherwise.
  int recorded_stop_signal = 0;
  // The replay reached the recorded end and ran on past it (an overrun
  // given, or a noise replay's delay: ReplayResult::ran_on) to end_tyme:
  // its own end (done when its doers finished, else where it stopped),
  // not the recorded run's. recorded_end_tyme is the trailer's.
  bool past_recorded_end = false;
  Tyme end_tyme{};           // the replay's (the Doist's tyme after its run)
  Tyme recorded_end_tyme{};  // the journal's trailer's, when it has a trusted one
  Tock overrun{0};           // ReplayScenarioOptions::overrun as given (0: none)
  // The recorded run was ended by hio's own failure, not its doers'
  // (replay::ended_by_hio_failure: out of memory on the thread host names
  // are looked up on), and the replay reached that end: its text. `final`
  // expectations are not judged, and the exit code is the run's (6).
  std::string recorded_hio_failure{};
  double wall_seconds = 0;    // the replay's, for people only
  std::string record_path{};  // the replay's journal, if any
  // Not "": the replay's journal no longer is record_path at the end
  // (removed, replaced or truncated in place during the replay), why; exit 4.
  std::string journal_lost{};
  bool journal_moved = false;  // journal_lost is a move (RunSummary::journal_moved)
  // The replay's journal could not be written (a full disk), as for a run
  // (RunSummary's fields of these names): journal_lost is the write's error.
  // During the replay, the failed write stopped it there (as a signal
  // would: what follows is not compared, `final` expectations not judged);
  // journal_failed_at_end: the replay had reached its end, judged as it
  // ended, and only the journal's end failed. Exit 4.
  bool journal_failed = false;
  bool journal_failed_at_end = false;
  std::uint64_t journal_flushed_bytes = 0;                 // where FILE's intact part ends
  bool journal_incomplete = false;                         // FILE holds that part
  std::function<std::string(int, bool*)> journal_check{};  // RunSummary::journal_check
  // Every channel of the journal's table is a SimNet one (sim://): the
  // doers talked to each other, and noise on replay does not propagate
  // between them (docs/replay.md, "Noise on replay").
  bool all_channels_simulated = false;
  // The scenario was not the header's as recorded (scenario_path or sets
  // given): what was used instead, and the two texts' digests
  // (replay::digest_bytes, as the header's scenario_digest).
  bool scenario_replaced = false;
  std::string scenario_path{};  // "" for the header's text
  std::vector<std::string> sets{};
  std::uint64_t scenario_digest = 0;
  std::uint64_t recorded_scenario_digest = 0;
  // A replaced scenario's run.limit ended the replay before the recorded
  // end: the rest of the journal was not compared, and the expectations were
  // judged as at a run's end (a `final` one at the limit).
  bool stopped_at_limit = false;
  Tock limit{0};  // the scenario's run.limit
  // ReplayScenarioOptions::counters: every doer's counters at the end
  // (nullopt without it).
  std::optional<DoerCounters> counters{};
};

// replay_scenario's journal could not be written: summary() is the
// replay's outcome (journal_failed), as RunJournalWriteError's for a run.
using ReplayJournalWriteError = JournalWriteFailure<ReplayScenarioOutcome>;

// The scenario a replay rebuilds: the header's text, or scenario_path's
// file when given, loaded with `registry`, then `sets` applied (written into
// its text, as hio run does). The seed and the tock are the recording's: the
// header's seed replaces the file's run.seed, and a file whose run.tock is
// not the journal's is refused (a replay runs at its journal's tock); sets
// of run.seed, run.tock and run.mode are refused. Everything else may
// differ: doer parameters (the replay then diverges where the doers behave
// otherwise), expectations (checked on the replay), run.name, run.skip and
// run.limit: a limit before the recorded end ends the replay there (the
// journal after it is not compared; see stopped_at_limit), one after it
// changes nothing (a replay runs past the recorded end only with noise:
// ReplayScenarioOptions::overrun).
// Throws ScenarioError (file:line:col; the header's text is
// "JOURNAL:scenario"), all bad input; a text the sets make longer than
// kScenarioBytesMax too (check_set_text_size: the replay's own journal
// could not be replayed).
std::shared_ptr<const Scenario> load_replay_scenario(const ReplayScenarioOptions& options,
                                                     const replay::JournalHeader& header,
                                                     const DoerRegistry& registry);

// Always in virtual time with the journal's tock and seed, whatever mode
// recorded it; no SimNet is built (the replay transports stand in for every
// scheme). Throws replay::JournalException (an unreadable or damaged
// header), replay::NoiseSpecError (a bad noise spec) and ScenarioError (the
// header's scenario text does not load or build with this registry): all bad
// input; OutputError (a ScenarioError) if the replay journal cannot be
// created, and ReplayJournalWriteError (a replay::JournalWriteError, with
// the outcome: journal_failed) if it cannot be written. A damaged or cut journal
// replays its intact prefix; result.journal_error says where it ends, and the
// expectations the cut made meaningless (`final`, `by` deadlines after it)
// are not judged. SIGINT ends the replay after the current pass, as it ends a
// run: `interrupted` is set. The replay's journal (record_path) gets a
// trailer saying how the replay ended: the recorded run's end when it
// reached it; `error` with the divergence's first line; `unknown` with the
// damage for a damaged journal; `interrupted` for SIGINT.
//
// A replaced scenario's doers must make the channels the journal has: the
// replay delivers each recorded input to the channel with its id, so every
// channel they make while they are built must have the name, kind and
// address of the journal's channel with that id, and every channel the
// journal's run made then (not accepted ones, which the replay makes) must
// be made. A mismatch is a ScenarioError naming the channel (at the doer of
// that name in the file, if there is one), before any pass runs, strict or
// noise replay alike.
ReplayScenarioOutcome replay_scenario(const ReplayScenarioOptions& options,
                                      const DoerRegistry& registry);
// The same with the scenario loaded already (load_replay_scenario with the
// journal's header), shared by every replay of a sweep.
ReplayScenarioOutcome replay_scenario(const ReplayScenarioOptions& options,
                                      const DoerRegistry& registry,
                                      std::shared_ptr<const Scenario> scenario);
// Everything replay_scenario checks before its first pass (the build on a
// replay hub, the channels of a replaced scenario), without running one.
// Throws as replay_scenario does.
void check_replay_scenario(const ReplayScenarioOptions& options, const DoerRegistry& registry,
                           std::shared_ptr<const Scenario> scenario);

// A sweep's runner for hio replay --seeds: one replay per seed with
// `options` and noise_seed = the seed (record_path and stop from the sweep).
// passed: the replay did not diverge and no expectation failed. end: the
// recorded run's end when the replay reached it (done, limit, stalled,
// interrupted; a salvaged journal's unknown end as interrupted), else the
// replay's own (interrupted for a divergence). digest: the replay's.
SeedRunner replay_seed_runner(const ReplayScenarioOptions& options, const DoerRegistry& registry,
                              std::shared_ptr<const Scenario> scenario);

// Every channel of the header's table is a SimNet one (sim://, sim-serial://).
bool all_channels_simulated(const replay::JournalHeader& header);

// The note a noise replay adds on stderr (and --json as "noise"."note"):
// the doers talked to each other, so noise on one side's inputs does not
// reach the other (docs/replay.md, "Noise on replay"). none for a strict
// replay, or one whose channels have a peer outside the run.
enum class NoiseNote { none, simulated_network, doers_on_both_ends };
NoiseNote noise_note(const ReplayScenarioOutcome& outcome);
// "simulated_network", "doers_on_both_ends" ("" for none).
const char* to_string(NoiseNote note);

// The replay passed: no divergence, its doers did not throw, its journal was
// read whole (not damaged or cut: exit 2), and every expectation was judged
// and held - and there was one, if the replay was interrupted (the
// top-level "passed" of --json, and a noise sweep's seed:
// replay_seed_runner). The replay of an interrupted run's journal judges
// its recorded end as a run's end (recorded_stop_signal).
bool replay_passed(const ReplayScenarioOutcome& outcome);
// Why it did not pass, "" when it did (the one rule of replay_passed): the
// divergence's first line, the doer's exception, the first expectation that
// failed or was not judged, the journal's damage, or "nothing judged: ..." for
// an interrupted replay with no expectations (a seed's "FAIL ...").
std::string replay_first_failure(const ReplayScenarioOutcome& outcome);

// hio replay's exit code: kExitInterrupted (SIGINT), kExitDivergence,
// kExitBadInput (a damaged or cut journal: only its prefix was replayed),
// kExitExpectationsFailed, kExitOk - the first that applies.
int replay_exit_code(const ReplayScenarioOutcome& outcome);

// Human summary (several lines, the divergence with its hex diff if any) and
// the same as one JSON object.
std::string format_replay_outcome(const ReplayScenarioOutcome& outcome);
std::string format_replay_outcome_json(const ReplayScenarioOutcome& outcome);

}  // namespace hio::tools
