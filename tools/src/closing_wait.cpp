#include "closing_wait.hpp"

#include "hio/engine/counted.hpp"

namespace hio::tools {

std::size_t finish_closing_after_run(IoHub& io, const std::function<bool()>& stop,
                                     const std::function<void(const std::string&)>& say) {
  // Wall time, as the wait itself: after the run, off the record.
  const auto start = std::chrono::steady_clock::now();
  bool said = false;
  const std::size_t reset = io.finish_closing([&] {
    // Asked at least every 20 ms while a stream is still closing, so the
    // line comes at most that much after the grace.
    if (say && !said && std::chrono::steady_clock::now() - start >= kClosingUnsaidFor) {
      said = true;
      if (const std::size_t closing = io.closing(); closing > 0) say(format_closing_wait(closing));
    }
    return stop && stop();
  });
  if (say && reset > 0) say(format_closing_reset(reset));
  return reset;
}

// The words fit either wait: a write in flight (its bytes not all handed to
// the kernel yet), and a TCP/TLS stream whose kernel holds bytes its peer
// has not acknowledged (every byte handed over, not all taken).
std::string format_closing_wait(std::size_t closing) {
  return "waiting for " + counted(closing, "closed channel") +
         " to finish sending (close_linger; Ctrl-C resets " + (closing == 1 ? "it" : "them") + ")";
}

std::string format_closing_reset(std::size_t reset) {
  const bool one = reset == 1;
  return "warning: " + counted(reset, "closed channel") + " reset at the end before " +
         (one ? "it" : "they") + " finished sending (at " + (one ? "its" : "their") +
         " close_linger, or stopped): " + (one ? "its peer" : "their peers") +
         " may have got less than the journal's tx";
}

}  // namespace hio::tools
