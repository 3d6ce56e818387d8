#include "hio/engine/wake_fd.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <ctime>
#include <system_error>

namespace hio {

namespace {

std::uint64_t next_wake_id() {
  static std::atomic<std::uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

// Never descriptor 0, 1 or 2: in a program started with one of them closed
// (`hio inspect J >&-`), the eventfd would take it, and the program's writes
// to stdout would go to the eventfd (EINVAL) instead of failing as writes to
// a closed stdout do.
int make_eventfd() {
  int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  if (fd <= STDERR_FILENO) {
    const int above = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    const int error = errno;
    ::close(fd);
    if (above < 0) throw std::system_error(error, std::generic_category(), "eventfd");
    fd = above;
  }
  return fd;
}

}  // namespace

WakeFd::WakeFd() : fd_(make_eventfd()), id_(next_wake_id()) {}

WakeFd::~WakeFd() {
  ::close(fd_);
}

void WakeFd::ring() const noexcept {
  // From a signal handler too: write(2) is async-signal-safe, and errno is
  // the interrupted code's. A full counter (EAGAIN) is readable already.
  const int saved = errno;
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(fd_, &one, sizeof one);
  errno = saved;
}

void WakeFd::clear() const noexcept {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = ::read(fd_, &count, sizeof count);
}

bool sleep_until_woken(std::chrono::steady_clock::time_point deadline, StopWakes wakes) {
  pollfd fds[2];
  nfds_t count = 0;
  for (const WakeFd* wake : {wakes.request, wakes.signal}) {
    if (wake != nullptr) fds[count++] = pollfd{wake->fd(), POLLIN, 0};
  }
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - now);
    timespec timeout{};
    timeout.tv_sec = static_cast<time_t>(left.count() / 1'000'000'000);
    timeout.tv_nsec = static_cast<long>(left.count() % 1'000'000'000);
    // ppoll, not poll: its timeout is in nanoseconds (poll's in whole ms).
    const int ready = ::ppoll(fds, count, &timeout, nullptr);
    if (ready > 0) return true;
    // 0: the timeout (checked against the clock at the top); EINTR: again.
  }
}

}  // namespace hio
