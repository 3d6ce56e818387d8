#include "hio/engine/stop_read.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "hio/engine/doist.hpp"  // caught_stop_signal

namespace hio {

namespace {
constexpr int kAskEveryMs = 100;
}  // namespace

ssize_t read_unless_stopped(int fd, void* buffer, std::size_t size) {
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

ssize_t write_unless_stopped(int fd, const void* buffer, std::size_t size) {
  for (;;) {
    const ssize_t n = ::write(fd, buffer, size);
    if (n >= 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) return n;
    if (caught_stop_signal() != 0) {
      errno = EINTR;
      return -1;
    }
    if (errno == EINTR) continue;
    pollfd wanted{fd, POLLOUT, 0};
    ::poll(&wanted, 1, kAskEveryMs);  // room, a hang-up, a signal or 100 ms: write says which
  }
}

int open_unless_stopped(const char* path, int flags, mode_t mode) {
  struct stat status {};
  const bool fifo_writer =
      (flags & O_ACCMODE) == O_WRONLY && ::stat(path, &status) == 0 && S_ISFIFO(status.st_mode);
  if (!fifo_writer) return ::open(path, flags, mode);
  for (;;) {
    if (caught_stop_signal() != 0) {
      errno = EINTR;
      return -1;
    }
    const int fd = ::open(path, flags | O_NONBLOCK, mode);
    if (fd >= 0) {
      // The reader is there: the descriptor blocks again, as `flags` ask.
      if ((flags & O_NONBLOCK) == 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      return fd;
    }
    if (errno != ENXIO && errno != EINTR) return -1;
    // No reader yet (ENXIO): asked again after a while. A signal ends the
    // sleep early (EINTR), and is then seen at once.
    const timespec step{0, kAskEveryMs * 1'000'000L};
    ::nanosleep(&step, nullptr);
  }
}

}  // namespace hio
