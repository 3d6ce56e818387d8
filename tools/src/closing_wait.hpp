// The wait after a real run for its closed channels still sending
// (IoHub::finish_closing, io.md "Closing"), and what is said of it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "hio/io/hub.hpp"

namespace hio::tools {

// How long the wait goes unsaid. The last bytes of a TCP/TLS stream closed
// at the end (a TLS close_notify, the FIN) are often acknowledged only a
// delayed ACK later (40 ms on Linux, 200 ms at most), which the peer's
// kernel does by itself: nothing a user waits for, nor could help.
inline constexpr std::chrono::milliseconds kClosingUnsaidFor{250};

// Runs io.finish_closing(stop). Through `say` (when set): once the wait has
// lasted kClosingUnsaidFor with channels still closing, how many it waits
// for (format_closing_wait); after it, how many were reset
// (format_closing_reset). Returns how many were reset.
std::size_t finish_closing_after_run(IoHub& io, const std::function<bool()>& stop,
                                     const std::function<void(const std::string&)>& say);

// "waiting for 2 closed channels to finish sending (close_linger; Ctrl-C
// resets them)".
std::string format_closing_wait(std::size_t closing);

// The warning for RunSummary::closing_reset > 0: "warning: 2 closed channels
// reset at the end before they finished sending (at their close_linger, or
// stopped): their peers may have got less than the journal's tx".
std::string format_closing_reset(std::size_t reset);

}  // namespace hio::tools
