// The error a host name's lookup that ran out of memory on its own thread
// comes out as, on the thread that takes its answer: hio's failure, not a
// doer's.
#pragma once

#include <new>

namespace hio {

// Thrown by IoHub::poll (so out of Doist::run) when the thread a real
// channel's host name is looked up on ran out of memory, and by
// OpenChecker::known_open_failure for its own lookups. A std::bad_alloc, so
// whoever treats out of memory as its own failure does so with this too;
// its type tells it from a doer's std::bad_alloc, which a run reports as the
// doer's exception (hio run: exit 5): this one is the process's, not the
// doers' (hio run: exit 6, "out of memory"). The run's doers are closed as
// after any exception from a pass, and a journal ends with end=error and
// what() (docs/io.md, "Host names").
class HostLookupOutOfMemory : public std::bad_alloc {
 public:
  const char* what() const noexcept override { return kWhat; }
  // what(): also the end text of a journal this error ended, whose trailer
  // marks the end as hio's (endByHio: replay::ended_by_hio_failure); a doer's
  // exception with the same text stays a doer's.
  static constexpr const char* kWhat =
      "out of memory (std::bad_alloc) on the thread host names are looked up on";
};

}  // namespace hio
