// How many names the CounterBoards of this thread have compared: the work of
// their searches, which tests measure (a complexity check that counts, where
// a timing would be flaky) without an accessor in the board's public API.
#pragma once

#include <cstdint>

namespace hio::tools::detail {

extern thread_local std::uint64_t counter_name_comparisons;

}  // namespace hio::tools::detail
