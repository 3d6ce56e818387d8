// Warnings about a paced doer whose `interval` the run's passes cannot keep:
// udp_requester and serial_sender send one request (line) a pass at most, the
// next due `interval` after the pass that sent the last, so an interval that
// is no multiple of the run's tock, or of the tock of a group it is in (a
// group runs its children at its own runs only), is rounded up to one. hio
// check and hio run say it; the run is the same either way.
#pragma once

#include <string>
#include <vector>

#include "hio/tools/scenario.hpp"

namespace hio::tools {

// "warning: FILE:LINE:COL: ..." lines, one per doer (copies: once), in tree
// order, at the doer's `interval`.
std::vector<std::string> pace_warnings(const Scenario& scenario);

}  // namespace hio::tools
