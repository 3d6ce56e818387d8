// libFuzzer target for --set: the input is a scenario text and the --set
// strings the command line gives, separated by NUL bytes (an argv string
// holds none): "scenario\0set\0set...". As hio run does (cli_run.cpp), the
// text is loaded and every --set applied in order; then check_set_text_size.
// Any input either gives a scenario or a ScenarioError (SettingError for a
// --set) that says what is wrong; nothing else may escape, crash or hang.
// And what a --set leaves in scenario.text is what the journal's header
// holds and hio replay loads again: that text must load, as the same run and
// [net] settings; the same --set again must leave it as it is, and --set of
// distinct keys in the other order must write the same text. Built by the
// clang preset (HIO_FUZZ=ON); no run, no build.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "builtin_registry.hpp"
#include "hio/tools/loader.hpp"

namespace {

// More --set than any command line gives is no new path through the code.
constexpr std::size_t kSetsMax = 8;

// An error must say what and where (or which --set).
void require_said(const hio::tools::ScenarioError& error) {
  if (error.diagnostics().empty() || error.diagnostics().front().message.empty()) {
    __builtin_trap();
  }
}

// The settings a --set changes and the text says: those a reload must give
// back (run.seed is the journal header's and run.skip changes no event, so
// neither is in the text).
bool same_settings(const hio::tools::Scenario& a, const hio::tools::Scenario& b) {
  const hio::SimNetOptions& x = a.net.options;
  const hio::SimNetOptions& y = b.net.options;
  return a.run.name == b.run.name && a.run.tock == b.run.tock && a.run.limit == b.run.limit &&
         a.run.mode == b.run.mode && a.run.max_lag == b.run.max_lag &&
         a.net.present == b.net.present && a.net.client_host == b.net.client_host &&
         x.default_link == y.default_link && x.segment_bytes_max == y.segment_bytes_max &&
         x.stall_timeout == y.stall_timeout && x.listen_backlog == y.listen_backlog &&
         x.receive_buffer_bytes == y.receive_buffer_bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t end = bytes.find('\0');
  const std::string text(bytes.substr(0, end));
  // `copies` grows trees of up to 2,000,000 doers (seconds each, loaded
  // twice here): the loader's own target covers them, and --set touches no
  // doer, so such texts are left to it.
  if (text.find("copies") != std::string::npos) return 0;
  std::vector<std::string> sets;
  for (std::size_t at = end; at != std::string_view::npos && sets.size() < kSetsMax;) {
    const std::size_t next = bytes.find('\0', at + 1);
    sets.emplace_back(bytes.substr(at + 1, next == std::string_view::npos ? next : next - at - 1));
    at = next;
  }
  // What the CLI says of each --set when the file does not load: the --set
  // applied to a scenario of defaults (print_load_problems).
  for (const std::string& set : sets) {
    hio::tools::Scenario defaults;
    try {
      hio::tools::apply_override(defaults, set);
    } catch (const hio::tools::ScenarioError& error) {
      require_said(error);
    }
  }
  hio::tools::Scenario scenario;
  try {
    scenario =
        hio::tools::load_scenario_text(text, "fuzz.toml", hio::tools::fuzz::builtin_registry());
  } catch (const hio::tools::ScenarioError& error) {
    require_said(error);
    return 0;
  }
  try {
    for (const std::string& set : sets)
      hio::tools::apply_override(scenario, set);
    hio::tools::check_set_text_size(scenario);
  } catch (const hio::tools::ScenarioError& error) {
    require_said(error);
    return 0;
  }
  // The journaled text, as hio replay loads it from the header.
  hio::tools::Scenario reloaded;
  try {
    reloaded = hio::tools::load_scenario_text(scenario.text, "journal",
                                              hio::tools::fuzz::builtin_registry());
  } catch (const hio::tools::ScenarioError&) {
    __builtin_trap();  // hio run would record a journal hio replay refuses
  }
  if (!same_settings(scenario, reloaded)) __builtin_trap();
  // One value, one text: the same --set again (hio replay --set of such a
  // journal) leaves the text as it is (record_run_setting, write_in_text).
  try {
    for (const std::string& set : sets)
      hio::tools::apply_override(reloaded, set);
  } catch (const hio::tools::ScenarioError&) {
    __builtin_trap();  // refused on the text it wrote
  }
  if (reloaded.text != scenario.text) __builtin_trap();
  // Nor does the text depend on the order of --set of distinct keys (the
  // command line refuses a key given twice).
  std::vector<std::string> keys;
  for (const std::string& set : sets)
    keys.push_back(set.substr(0, set.find('=')));
  std::sort(keys.begin(), keys.end());
  if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) return 0;
  hio::tools::Scenario reversed =
      hio::tools::load_scenario_text(text, "fuzz.toml", hio::tools::fuzz::builtin_registry());
  try {
    for (auto set = sets.rbegin(); set != sets.rend(); ++set)
      hio::tools::apply_override(reversed, *set);
  } catch (const hio::tools::ScenarioError&) {
    __builtin_trap();  // taken in one order, refused in the other
  }
  if (reversed.text != scenario.text) __builtin_trap();
  return 0;
}
