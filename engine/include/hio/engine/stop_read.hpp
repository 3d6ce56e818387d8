// A read(2) that a caught stop signal ends, whichever thread the signal
// interrupted and whenever it came.
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace hio {

// ::read(fd, buffer, size), waiting for input in steps of at most 100 ms
// (poll) and asking caught_stop_signal() before each: a stop signal the
// process catches ends the wait even when it interrupted no read of this
// thread (it came just before the read, or to another thread). Returns -1
// with errno EINTR then, and only then; otherwise what read returned (an
// EINTR of its own is retried).
ssize_t read_unless_stopped(int fd, void* buffer, std::size_t size);

}  // namespace hio
