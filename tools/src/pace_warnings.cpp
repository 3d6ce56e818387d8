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

// A doer's own tock that is no multiple of its scheduler's: it is due every
// `tock` from its first run and runs at the first pass from then on, so its
// runs come at uneven gaps (tock 3ms under 2ms: at 0, 4, 6, 10, 12 ms), and
// under a finer scheduler's tock at every pass.
void add_tock_warning(const DoerSpec& doer, const Grid& grid, std::vector<std::string>& out) {
  const Tock own = doer.tock;
  const Tock tock = grid.tock;
  if (own <= Tock{0} || tock <= Tock{0} || own % tock == Tock{0}) return;
  const Tock fewer = own / tock * tock;  // the gaps: the multiples of `tock` around `own`
  const std::string pace = fewer == Tock{0}
                               ? "it runs once a pass at most, so every " + format_duration(tock)
                               : "it runs at the first pass at or after each " +
                                     format_duration(own) + ", so " + format_duration(fewer) +
                                     " or " + format_duration(fewer + tock) + " apart";
  // A group's doers (of tock 0) are due `own` after their last run and wait
  // for its first run from then on: slower still (tock 3ms under 2ms: at 0,
  // 4, 10, 16 ms; its run at 6 ms comes before 4 + 3).
  std::string doers;
  if (!doer.children.empty()) {
    doers =
        ", and its doers at those runs only, each due " + format_duration(own) + " after its last";
  }
  const SourcePos& at = doer.tock_pos.file.empty() ? doer.pos : doer.tock_pos;
  out.push_back("warning: " + at.str() + ": doer '" + doer.name + "': tock " +
                format_duration(own) + " is no multiple of " + grid.whose + " (" +
                format_duration(tock) + "): " + pace + ", not every " + format_duration(own) +
                doers + " (docs/scenarios.md)");
}

void add_warnings(const std::vector<DoerSpec>& doers, const std::vector<Grid>& grids,
                  std::vector<std::string>& out) {
  for (const DoerSpec& doer : doers) {
    add_tock_warning(doer, grids.front(), out);
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
