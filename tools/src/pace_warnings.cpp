#include "pace_warnings.hpp"

#include <string_view>

#include "hio/tools/duration.hpp"

namespace hio::tools {

namespace {

// The built-in kinds that send one thing a pass, every `interval`, and
// what they call it.
const char* paced_item(std::string_view kind) {
  if (kind == "udp_requester") return "request";
  if (kind == "serial_sender") return "line";
  return nullptr;
}

void add_warnings(const std::vector<DoerSpec>& doers, Tock tock, std::vector<std::string>& out) {
  for (const DoerSpec& doer : doers) {
    add_warnings(doer.children, tock, out);
    const char* item = paced_item(doer.kind);
    const auto interval = doer.params.find("interval");
    if (item == nullptr || interval == doer.params.end() || tock <= Tock{0}) continue;
    const Tock asked = doer.duration("interval");
    if (asked <= Tock{0} || asked % tock == Tock{0} || asked > Tock::max() - tock) continue;
    // The first pass at or after `asked` from the pass that sent: the next
    // multiple of the tock (below Tock::max(), as checked).
    const Tock kept = (asked / tock + 1) * tock;
    out.push_back("warning: " + interval->second.pos.str() + ": doer '" + doer.name +
                  "': interval " + format_duration(asked) + " is no multiple of the tock (" +
                  format_duration(tock) + "): it sends a " + item +
                  " a pass at most, the next one at the first pass " + format_duration(asked) +
                  " after the last, so one every " + format_duration(kept) +
                  " at best (docs/scenarios.md)");
  }
}

}  // namespace

std::vector<std::string> pace_warnings(const Scenario& scenario) {
  std::vector<std::string> out;
  add_warnings(scenario.doers, scenario.run.tock, out);
  return out;
}

}  // namespace hio::tools
