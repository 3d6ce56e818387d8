#include "hio/engine/stop_read.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "hio/engine/doist.hpp"  // caught_stop_signal

namespace hio {

ssize_t read_unless_stopped(int fd, void* buffer, std::size_t size) {
  constexpr int kAskEveryMs = 100;
  for (;;) {
    if (caught_stop_signal() != 0) {
      errno = EINTR;
      return -1;
    }
    pollfd wanted{fd, POLLIN, 0};
    const int ready = ::poll(&wanted, 1, kAskEveryMs);
    if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
    // Ready, an error or a hang-up, or poll itself failed: read says which.
    const ssize_t n = ::read(fd, buffer, size);
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

}  // namespace hio
