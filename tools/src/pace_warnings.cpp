#include "pace_warnings.hpp"

#include <string>
#include <string_view>
#include <vector>

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

// A tock a doer runs on, innermost first: its groups' (a DoDoer runs its
// children at its own runs only), the run's. An interval that is no
// multiple of one of them is rounded up to it. (The doer's own tock is not
// one: a paced doer parks until its next send, and a park's deadline makes
// it due at the first pass of its scheduler from then on.)
struct Grid {
  Tock tock;
  std::string whose;  // "the tock", "the tock of its group 'g'"
};

void add_warnings(const std::vector<DoerSpec>& doers, const std::vector<Grid>& grids,
                  std::vector<std::string>& out) {
  for (const DoerSpec& doer : doers) {
    if (!doer.children.empty()) {
      std::vector<Grid> inner = grids;
      if (doer.tock > Tock{0}) {
        inner.insert(inner.begin(), Grid{doer.tock, "the tock of its group '" + doer.name + "'"});
      }
      add_warnings(doer.children, inner, out);
    }
    const char* item = paced_item(doer.kind);
    const auto interval = doer.params.find("interval");
    if (item == nullptr || interval == doer.params.end()) continue;
    const Tock asked = doer.duration("interval");
    if (asked <= Tock{0}) continue;
    for (const Grid& grid : grids) {
      const Tock tock = grid.tock;
      if (tock <= Tock{0} || asked % tock == Tock{0}) continue;
      if (asked > Tock::max() - tock) break;
      // The first pass at or after `asked` from the pass that sent: the next
      // multiple of the tock (below Tock::max(), as checked).
      const Tock kept = (asked / tock + 1) * tock;
      out.push_back("warning: " + interval->second.pos.str() + ": doer '" + doer.name +
                    "': interval " + format_duration(asked) + " is no multiple of " + grid.whose +
                    " (" + format_duration(tock) + "): it sends a " + item +
                    " a pass at most, the next one at the first pass " + format_duration(asked) +
                    " after the last, so one every " + format_duration(kept) +
                    " at best (docs/scenarios.md)");
      break;  // one warning a doer: the innermost tock that rounds it
    }
  }
}

}  // namespace

std::vector<std::string> pace_warnings(const Scenario& scenario) {
  std::vector<std::string> out;
  add_warnings(scenario.doers, {Grid{scenario.run.tock, "the tock"}}, out);
  return out;
}

}  // namespace hio::tools
