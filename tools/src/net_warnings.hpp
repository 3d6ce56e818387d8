// Warnings about a scenario's [net] that loads and runs but does not do what
// it reads as: link settings nothing they act on crosses, a [[net.link]] a
// later one replaces, a default link no way is left to, faults that undo
// nothing or come after the run's limit. hio check and hio run say them; the
// run is the same either way.
#pragma once

#include <string>
#include <vector>

#include "hio/io/hub.hpp"
#include "hio/tools/scenario.hpp"

namespace hio::tools {

// "warning: FILE:LINE:COL: ..." lines, in file order of what they blame.
// `io` holds the channels of the built scenario: its sim:// datagram
// endpoints are the only traffic loss, duplicate, reorder and corrupt act on.
std::vector<std::string> net_warnings(const Scenario& scenario, const IoHub& io);

}  // namespace hio::tools
