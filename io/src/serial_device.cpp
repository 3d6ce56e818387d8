#include "serial_device.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>
#include <utility>

#include "error_text.hpp"
#include "serial_permission.hpp"

// Linux: termios2 sets any baud (BOTHER), not only the B-constants of
// <termios.h>, which this file must not include (its struct termios clashes
// with the kernel's).
#if defined(__linux__)
#include <asm/termbits.h>
#else
#include <termios.h>
#endif

namespace hio::detail {

#if defined(__linux__)
struct SerialDevice::Saved {
  struct termios2 tio;
};
namespace {
bool get_line(int fd, struct termios2& tio) {
  return ::ioctl(fd, TCGETS2, &tio) == 0;
}
bool set_line(int fd, const struct termios2& tio) {
  return ::ioctl(fd, TCSETS2, &tio) == 0;
}
// The baud the line runs at as the driver reports it back.
std::uint32_t line_baud(const struct termios2& tio) {
  return tio.c_ospeed;
}
// A baud of <termios.h>'s table is set as its B-constant (what drivers and
// tools such as stty know best), any other as BOTHER with the number.
void set_baud(struct termios2& tio, std::uint32_t baud) {
  static constexpr std::pair<std::uint32_t, tcflag_t> kTable[] = {
      {50, B50},           {75, B75},           {110, B110},         {134, B134},
      {150, B150},         {200, B200},         {300, B300},         {600, B600},
      {1200, B1200},       {1800, B1800},       {2400, B2400},       {4800, B4800},
      {9600, B9600},       {19200, B19200},     {38400, B38400},     {57600, B57600},
      {115200, B115200},   {230400, B230400},   {460800, B460800},   {500000, B500000},
      {576000, B576000},   {921600, B921600},   {1000000, B1000000}, {1152000, B1152000},
      {1500000, B1500000}, {2000000, B2000000}, {2500000, B2500000}, {3000000, B3000000},
      {3500000, B3500000}, {4000000, B4000000}};
  tcflag_t code = BOTHER;
  for (const auto& [rate, constant] : kTable) {
    if (rate == baud) code = constant;
  }
  tio.c_cflag &= ~static_cast<tcflag_t>(CBAUD | (CBAUD << IBSHIFT));
  tio.c_cflag |= code | (code << IBSHIFT);
  tio.c_ispeed = baud;
  tio.c_ospeed = baud;
}
void discard_output(int fd) {
  ::ioctl(fd, TCFLSH, TCOFLUSH);
}
}  // namespace
#else
struct SerialDevice::Saved {
  struct termios tio;
};
namespace {
bool get_line(int fd, struct termios& tio) {
  return ::tcgetattr(fd, &tio) == 0;
}
bool set_line(int fd, const struct termios& tio) {
  return ::tcsetattr(fd, TCSANOW, &tio) == 0;
}
std::uint32_t line_baud(const struct termios& tio) {
  return static_cast<std::uint32_t>(::cfgetospeed(&tio));
}
// BSD and macOS take the number itself as the speed.
void set_baud(struct termios& tio, std::uint32_t baud) {
  ::cfsetspeed(&tio, static_cast<speed_t>(baud));
}
void discard_output(int fd) {
  ::tcflush(fd, TCOFLUSH);
}
}  // namespace
#endif

namespace {
// Waits until the driver's output queue has gone out on the line, for at most
// sent_wait_bound: TCSADRAIN would wait for ever on a device that stops taking
// bytes (a USB adapter whose far end hangs), and 4 KiB at 50 baud take 14
// minutes. What is left then is dropped: the restored baud would garble it.
// Wall time, as close_linger's; nothing on record depends on it.
void wait_sent(int fd, std::uint32_t baud, Tock limit) {
  int queued = 0;
  if (baud == 0 || ::ioctl(fd, TIOCOUTQ, &queued) != 0 || queued <= 0) return;
  using Clock = std::chrono::steady_clock;
  const Clock::time_point until =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         sent_wait_bound(static_cast<std::uint64_t>(queued), baud, limit));
  while (::ioctl(fd, TIOCOUTQ, &queued) == 0 && queued > 0 && Clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (queued > 0) discard_output(fd);
}
// A driver that cannot make the baud sets the nearest it can (and says so
// when asked back): more than 3% off, and a UART at the far end reads
// garbage.
bool close_enough(std::uint32_t got, std::uint32_t want) {
  const std::uint64_t diff = got > want ? got - want : want - got;
  return diff * 100 <= std::uint64_t{want} * 3;
}
}  // namespace

Tock sent_wait_bound(std::uint64_t queued, std::uint32_t baud, Tock limit) {
  if (baud == 0) return Tock{0};
  // 10 bits a byte (8N1), twice over; in nanoseconds, without overflow for
  // any queue a driver holds.
  const Tock need =
      Tock{static_cast<Tock::rep>(std::uint64_t{2} * 10 * 1'000'000'000 / baud * queued)} +
      std::chrono::milliseconds(200);
  return limit > Tock{0} ? std::min(need, limit) : need;
}

std::string serial_open_failure(const std::string& path, std::string_view reason) {
  return "cannot open serial device " + path + ": " + std::string(reason);
}

std::string serial_failure_without_opening(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return serial_open_failure(path, errno_text(errno));
  // In the order open(2) finds them (Linux may_open): a directory opened for
  // writing, then the permissions, then a socket, which has no open; a file
  // that opens is then no terminal (SerialDevice::open's tcgetattr).
  if (S_ISDIR(st.st_mode)) return serial_open_failure(path, errno_text(EISDIR));
  if (::faccessat(AT_FDCWD, path.c_str(), R_OK | W_OK, AT_EACCESS) != 0) {
    const int e = errno;
    if (e == EACCES) return serial_open_failure(path, permission_denied_reason(path));
    if (e == EROFS) return serial_open_failure(path, errno_text(e));
    return {};  // gone since the stat, say: the open will tell
  }
  if (S_ISSOCK(st.st_mode)) return serial_open_failure(path, errno_text(ENXIO));
  if (!S_ISCHR(st.st_mode)) return serial_open_failure(path, kNotATerminal);
  return {};
}

SerialDevice::SerialDevice() = default;

SerialDevice::~SerialDevice() {
  if (fd_ >= 0) {
    restore(fd_, true);
    ::close(fd_);
  }
}

bool SerialDevice::open(const std::string& path, std::uint32_t baud, std::string& error) {
  fd_ = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd_ < 0) {
    const int e = errno;
    // TIOCEXCL, which an opener sets (hio's below, picocom's): a second
    // open is refused, root's aside, who then meets the lock below. Read
    // alike: the other opener may be another program or another doer of
    // this one.
    std::string reason = e == EBUSY    ? "in use: another opener has it open exclusively (TIOCEXCL)"
                         : e == EACCES ? permission_denied_reason(path)
                                       : errno_text(e);
    error = serial_open_failure(path, reason);
    return false;
  }
  auto fail = [&](std::string why) {
    error = std::move(why);
    ::close(fd_);
    fd_ = -1;
    saved_.reset();
    return false;
  };
  // One opener: a second hio, picocom or minicom would take part of the
  // bytes each. flock is what those check, and holds against root too.
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    if (e == EWOULDBLOCK) {
      return fail(serial_open_failure(path, "in use: another opener holds its lock (flock)"));
    }
    return fail(serial_open_failure(path, "cannot lock it: " + errno_text(e)));
  }
  auto saved = std::make_unique<Saved>();
  if (!get_line(fd_, saved->tio)) {
    const int e = errno;
    // tcgetattr's ENOTTY reads "Inappropriate ioctl for device".
    if (e == ENOTTY) return fail(serial_open_failure(path, kNotATerminal));
    return fail(serial_open_failure(path, errno_text(e)));
  }
  saved_ = std::move(saved);
  ::ioctl(fd_, TIOCEXCL);  // a second open of the tty is refused (EBUSY)

  // Raw: no echo, no line editing, no CR/LF or case translation, no signal
  // characters, all 8 bits; 8N1, receiver on, modem lines ignored, no flow
  // control; a read returns what has come.
  auto tio = saved_->tio;
  tio.c_iflag &= ~static_cast<tcflag_t>(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL |
                                        IXON | IXOFF | IXANY | INPCK);
#if defined(IUCLC)
  tio.c_iflag &= ~static_cast<tcflag_t>(IUCLC);
#endif
  tio.c_iflag |= IGNPAR;
  tio.c_oflag &= ~static_cast<tcflag_t>(OPOST);
  tio.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  tio.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | CSTOPB | CRTSCTS);
  tio.c_cflag |= CS8 | CREAD | CLOCAL;
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  set_baud(tio, baud);
  baud_ = baud;
  const std::string at = std::to_string(baud) + " baud";
  if (!set_line(fd_, tio)) {
    const int e = errno;
    restore(fd_, true);
    return fail("cannot set raw 8N1 at " + at + " on " + path + ": " + errno_text(e));
  }
  if (get_line(fd_, tio) && !close_enough(line_baud(tio), baud)) {
    restore(fd_, true);
    return fail("cannot set " + at + " on " + path + ": its driver runs it at " +
                std::to_string(line_baud(tio)) + " baud");
  }
  return true;
}

int SerialDevice::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

void SerialDevice::restore(int fd, bool discard, Tock wait_limit) {
  if (!saved_ || fd < 0) return;
  // The restored baud must not garble what the driver still sends.
  if (discard) {
    discard_output(fd);
  } else {
    wait_sent(fd, baud_, wait_limit);
  }
  set_line(fd, saved_->tio);
  ::ioctl(fd, TIOCNXCL);
  saved_.reset();
}

}  // namespace hio::detail
