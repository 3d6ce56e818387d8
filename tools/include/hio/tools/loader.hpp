// Loads a TOML scenario: parses it, checks every key and value against the
// run settings, the doer kinds of a registry and the expectation syntax, and
// reports every problem as "file:line:col: what is wrong".
#pragma once

#include <cstddef>
#include <string>

#include "hio/tools/registry.hpp"
#include "hio/tools/scenario.hpp"

namespace hio::tools {

// The largest scenario text loaded, from a file or a journal's header: a
// bound, so that a wrong path (/dev/zero, a huge log) or a crafted journal is
// an error, not seconds and gigabytes of parsing. Real scenarios are
// kilobytes (copies = N makes large trees from a few lines).
inline constexpr std::size_t kScenarioBytesMax = std::size_t{16} << 20;

// Throws ScenarioError listing every problem found (unknown keys with a
// did-you-mean, wrong types, bad durations, unknown doer kinds, duplicate
// names, malformed expectations; a text over kScenarioBytesMax: "larger
// than 16 MiB: not a scenario file", unparsed). `path` is used in messages
// only.
Scenario load_scenario_text(std::string text, std::string path, const DoerRegistry& registry);

// As above, from a file; an unreadable file is a ScenarioError too. `-` is
// the standard input, read to its end (each call reads what is left of it:
// the hio CLI reads it once per process); messages name it `-`.
Scenario load_scenario_file(const std::string& path, const DoerRegistry& registry);

// Throws ScenarioError ("larger than 16 MiB once --set is applied: not a
// scenario file") when the text the settings (--set, --limit, --real) left
// in scenario.text is over kScenarioBytesMax: the journal's header holds that
// text, and hio replay refuses a larger one. Called once every setting is in.
void check_set_text_size(const Scenario& scenario);

// Applies a "key=value" override (--set): run.tock, run.limit, run.seed,
// run.mode, run.skip, run.name, run.max_lag, and the scalar keys of [net] (net.client_host,
// net.stall_timeout, net.segment_bytes_max, net.listen_backlog,
// net.receive_buffer_bytes, net.default_link.<link key>) of a scenario that has
// a [net]. Throws SettingError (a ScenarioError), a usage error: "--set
// KEY=VALUE: what is wrong" (the command adds its name). The scenario's text (the one a journal's
// header holds) then says the same: see record_run_setting; a net key is written into the text as
// a run key is (one spelling per value: "0.001s" for "1ms", 0.02 for 2e-2) and the [net] read back
// from it by the loader (the file's checks and messages), its positions the file's (where the file
// writes it) or the --set's (what a --set wrote): scenario.text_edits.
void apply_override(Scenario& scenario, const std::string& assignment);

// Writes the value scenario.run has for `key` (name, tock, limit, mode, max_lag) into
// scenario.text (not run.seed, the journal header's; nor run.skip, which changes no event), so that
// the text loads as the scenario that runs: the key's value replaced where the text has it (left as
// written when it is the same value: limit = "1000ms" for 1s), else the key added to the [run]
// table in its place by name (a [run] table added at the end if there is none), so the text does
// not depend on the order settings are written in. Durations are written as exact seconds
// ("0.25s"). The rest of the text stays byte for byte. scenario.text must be a scenario that
// loaded. What it changes is added to scenario.text_edits as `setting`'s, the command line's
// words for it ("--limit 2s", "--real"; "" says "run.<key> = <value>"): a position in what it
// wrote is said as that setting, one after it where the file has it.
void record_run_setting(Scenario& scenario, std::string_view key, std::string_view setting = "");

// Where scenario.text writes run.<key> (the value's line and column in the
// file, or the setting that wrote it: file_position), or {scenario.path, 0,
// 0} when it does not. scenario.text must be a scenario that loaded.
SourcePos run_setting_pos(const Scenario& scenario, std::string_view key);

}  // namespace hio::tools
