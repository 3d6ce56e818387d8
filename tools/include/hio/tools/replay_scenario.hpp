// Replays a journal recorded by `hio run` (or `hio sweep --out`): rebuilds the
// scenario from the text in the journal's header with a registry, feeds it the
// recorded inputs through hio::replay's Replayer and compares every output.
// Optionally perturbs the inputs with seeded noise and journals the replay.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hio/replay/replayer.hpp"
#include "hio/tools/registry.hpp"
#include "hio/tools/runner.hpp"

namespace hio::tools {

struct ReplayScenarioOptions {
  std::string journal{};      // the journal to replay
  std::string record_path{};  // journal the replay into this file ("" for none)
  std::string noise{};        // a noise spec (docs/replay.md); "" for a strict replay
  std::uint64_t noise_seed = 0;
  Tock overrun{0};  // with noise: run this long past the recorded end (ReplayOptions::overrun)
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
  // The recorded run was interrupted by this signal (its trailer says so)
  // and the replay reached that end: `final` expectations are not judged,
  // as in the run, and the exit code is the run's (130, 143). 0 otherwise.
  int recorded_stop_signal = 0;
  double wall_seconds = 0;    // the replay's, for people only
  std::string record_path{};  // the replay's journal, if any
  // Every channel of the journal's table is a SimNet one (sim://): the
  // doers talked to each other, and noise on replay does not propagate
  // between them (docs/replay.md, "Noise on replay").
  bool all_channels_simulated = false;
};

// Always in virtual time with the journal's tock and seed, whatever mode
// recorded it; no SimNet is built (the replay transports stand in for every
// scheme). Throws replay::JournalException (an unreadable or damaged
// header), replay::NoiseSpecError (a bad noise spec) and ScenarioError (the
// header's scenario text does not load or build with this registry): all bad
// input; OutputError (a ScenarioError) if the replay journal cannot be
// created, and replay::JournalWriteError if it cannot be written. A damaged or cut journal
// replays its intact prefix; result.journal_error says where it ends, and the
// expectations the cut made meaningless (`final`, `by` deadlines after it)
// are not judged. SIGINT ends the replay after the current pass, as it ends a
// run: `interrupted` is set. The replay's journal (record_path) gets a
// trailer saying how the replay ended: the recorded run's end when it
// reached it; `error` with the divergence's first line; `unknown` with the
// damage for a damaged journal; `interrupted` for SIGINT.
ReplayScenarioOutcome replay_scenario(const ReplayScenarioOptions& options,
                                      const DoerRegistry& registry);

// hio replay's exit code: kExitInterrupted (SIGINT), kExitDivergence,
// kExitBadInput (a damaged or cut journal: only its prefix was replayed),
// kExitExpectationsFailed, kExitOk - the first that applies.
int replay_exit_code(const ReplayScenarioOutcome& outcome);

// Human summary (several lines, the divergence with its hex diff if any) and
// the same as one JSON object.
std::string format_replay_outcome(const ReplayScenarioOutcome& outcome);
std::string format_replay_outcome_json(const ReplayScenarioOutcome& outcome);

}  // namespace hio::tools
