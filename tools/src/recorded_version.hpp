// What a replay says of a journal that another hio version recorded
// (docs/changes.md, "Versions"): determinism holds per version, so a journal
// of another one may diverge, through a Journal change between the two, or
// hold a scenario this one refuses, through a change listed there. A replay
// that fails so names both versions, as `hio diff` does, rather than leave a
// bare "diverged" or a scenario error that reads as damage; but only where
// the versions can explain it: not for a scenario the user replaced.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hio/tools/scenario.hpp"

namespace hio::tools {

// "" when `recorded` (a journal header's engine_version) is this hio's
// version; otherwise "recorded by hio 0.15.0; this is hio 0.21.0" (the
// journal's text as replay::format_engine_version shows it: quoted when it
// names no hio, as the `recorded:` line quotes it).
std::string recorded_by_other_version(std::string_view recorded);

// The `recorded:` line a diverged replay of such a journal prints before the
// divergence, replay::format_recorded_version's words: "" when no Journal
// change lies between the two versions (the same version, another PATCH,
// MINORs with none between), where the versions explain nothing.
std::string divergence_version_line(std::string_view recorded);

// For a ScenarioError out of a journal's own scenario (its header's text
// does not load, or its doers cannot be built): a last diagnostic, at
// `journal`, saying that another version recorded it. Nothing for a journal
// of this version.
void note_scenario_version(std::vector<Diagnostic>& problems, std::string_view recorded,
                           const std::string& journal);

}  // namespace hio::tools
