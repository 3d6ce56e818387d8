// A real pseudo-terminal pair for serial tests: hio opens the slave by its
// path as a serial device; the test talks through the master, non-blocking.
#pragma once

#include <fcntl.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hio::test {

class Pty {
 public:
  Pty() {
    char name[256] = {};
    if (::openpty(&master_, &slave_, name, nullptr, nullptr) != 0) {
      throw std::runtime_error("openpty failed, errno " + std::to_string(errno));
    }
    path_ = name;
    ::fcntl(master_, F_SETFL, ::fcntl(master_, F_GETFL) | O_NONBLOCK);
  }
  ~Pty() {
    close_master();
    if (slave_ >= 0) ::close(slave_);
  }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;

  const std::string& path() const { return path_; }
  std::string url(unsigned baud) const {
    return "serial://" + path_ + "?baud=" + std::to_string(baud);
  }
  // The slave's settings, as whoever opened it last left them.
  termios settings() const {
    termios t{};
    ::tcgetattr(slave_, &t);
    return t;
  }

  void set_settings(const termios& t) { ::tcsetattr(slave_, TCSANOW, &t); }

  // What the device "sends": written to the master, read on the slave. Never
  // blocks: returns how much the pty took (it holds a few KiB until read).
  std::size_t send(std::string_view bytes) {
    const ssize_t n = ::write(master_, bytes.data(), bytes.size());
    if (n < 0 && errno == EAGAIN) return 0;
    if (n < 0) throw std::runtime_error("pty write failed, errno " + std::to_string(errno));
    return static_cast<std::size_t>(n);
  }
  // What the device has received so far (written on the slave); never blocks.
  std::string receive() {
    std::string out;
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(master_, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  // What the device can read now: the bytes the kernel has put in the
  // master's line discipline (FIONREAD). A write on the slave gets there a
  // moment later, through the kernel's flip buffers and a worker thread.
  std::size_t pending() const {
    int n = 0;
    if (::ioctl(master_, FIONREAD, &n) != 0 || n < 0) return 0;
    return static_cast<std::size_t>(n);
  }
  // The device goes away: the slave side sees a hangup.
  void close_master() {
    if (master_ >= 0) ::close(master_);
    master_ = -1;
  }
  // Closes the test's own slave descriptor, so only hio holds the slave.
  void close_slave() {
    if (slave_ >= 0) ::close(slave_);
    slave_ = -1;
  }

 private:
  int master_ = -1;
  int slave_ = -1;
  std::string path_;
};

}  // namespace hio::test
