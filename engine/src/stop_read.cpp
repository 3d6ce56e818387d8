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
    // Input that is there (a regular file's always is) is read whatever was
    // caught: the signal, process-wide, may be another run's, and only a
    // wait for input needs ending (a program's JournalReader of a file on
    // another thread failed while a run Ctrl-C stopped was closing).
    pollfd wanted{fd, POLLIN, 0};
    int ready = ::poll(&wanted, 1, 0);
    if (ready == 0) {
      if (caught_stop_signal() != 0) {
        errno = EINTR;
        return -1;
      }
      ready = ::poll(&wanted, 1, kAskEveryMs);
    }
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
    if (errno == EINTR) {
      if (caught_stop_signal() == 0) continue;
      return -1;  // a blocking write the stop signal interrupted
    }
    // No room: wait for it in steps. After a stop signal a reader that still
    // reads gets up to 100 ms for each step's room (a slow, live reader gets
    // the journal's trailer); one that takes nothing in that time ends the
    // wait.
    pollfd wanted{fd, POLLOUT, 0};
    const int ready = ::poll(&wanted, 1, kAskEveryMs);  // room, a hang-up, a signal or 100 ms
    if (ready == 0 && caught_stop_signal() != 0) {
      errno = EINTR;
      return -1;
    }
  }
}

namespace {

// A FIFO opened for reading, without waiting (O_NONBLOCK), once it has
// something to read: bytes, or the end of a writer that came and left. A
// read before a writer came would give 0, the end of the input, at once
// (an empty journal or scenario), so the wait for the writer that open(2)
// does is done here, by poll, in steps that ask caught_stop_signal(). On
// Linux, poll reports no hang-up to a reader that no writer has left yet.
int open_fifo_reader(const char* path, int flags, mode_t mode) {
  const int fd = ::open(path, flags | O_NONBLOCK, mode);
  if (fd < 0) return -1;
  for (;;) {
    if (caught_stop_signal() != 0) {
      ::close(fd);
      errno = EINTR;
      return -1;
    }
    pollfd wanted{fd, POLLIN, 0};
    const int ready = ::poll(&wanted, 1, kAskEveryMs);
    if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
    // Bytes, a hang-up or an error: the reads that follow say which.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
  }
}

}  // namespace

int open_unless_stopped(const char* path, int flags, mode_t mode) {
  struct stat status {};
  const int access = flags & O_ACCMODE;
  const bool fifo = access != O_RDWR && ::stat(path, &status) == 0 && S_ISFIFO(status.st_mode);
  if (!fifo) return ::open(path, flags, mode);
  if (caught_stop_signal() != 0) {
    errno = EINTR;
    return -1;
  }
  if (access == O_RDONLY) {
    // A reader that asked not to wait does not.
    if ((flags & O_NONBLOCK) != 0) return ::open(path, flags, mode);
    return open_fifo_reader(path, flags, mode);
  }
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
