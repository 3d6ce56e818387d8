// How many adopt() calls are in progress on this thread: their doer's enter
// ran or runs, and the DoDoer has not taken it yet (DoDoer::enroll, then
// DoDoer::own). Private to the engine.
#pragma once

#include <cstddef>

namespace hio::detail {

// An adopt() inside the enter of a doer that is being adopted nests, and the
// outer one takes its doer only after the inner ones took theirs: each may
// then hand its doer to a DoDoer's released list (a doer whose enter removed
// it), which must not allocate there (DoerList::release). So the room made
// in a released list (DoerList::reserve_one_more) counts one place for each
// adopt in progress, whatever DoDoer it adopts into (a few places too many
// at worst). Winding never leaves its thread, nor does adopting.
std::size_t& adopts_in_progress();

}  // namespace hio::detail
