// Opening and closing a tty for the serial transport, below Asio: exclusive
// to one opener, raw 8N1 without flow control at any baud the driver takes
// (Linux: termios2, BOTHER), and given back with the settings it had.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hio/engine/tyme.hpp"

namespace hio::detail {

// The words of every failure to open a serial device: "cannot open serial
// device /dev/ttyUSB0: REASON".
std::string serial_open_failure(const std::string& path, std::string_view reason);
// The reason when the path is no tty (a regular file, a FIFO, /dev/null).
inline constexpr std::string_view kNotATerminal = "it is not a terminal, so not a serial device";

// What SerialDevice::open(path, ...) would fail with, in its words, as far
// as the path alone says it without opening anything (stat, and access with
// the effective ids, as open checks them): a path that is not there, a
// directory, a device the user may not read and write, a socket, a file
// that is no device. "" when only an open can tell: a character device (a
// tty, or /dev/null), or one in use. For hio check, which opens no device:
// an open can reset the device, or take bytes that are the run's.
std::string serial_failure_without_opening(const std::string& path);

// How long a close waits for the `queued` bytes the driver still holds to go
// out at `baud`: twice the time the baud needs for them plus 200 ms, and at
// most `limit` (the channel's close_linger; 0: no bound but the baud's).
// Wall time, in the run thread.
Tock sent_wait_bound(std::uint64_t queued, std::uint32_t baud, Tock limit);

// A device's open, for SerialLine: the descriptor and the line settings
// found at open.
class SerialDevice {
 public:
  SerialDevice();
  SerialDevice(const SerialDevice&) = delete;
  SerialDevice& operator=(const SerialDevice&) = delete;
  ~SerialDevice();

  // Opens `path` (non-blocking, not as the controlling tty), locks it
  // (flock LOCK_EX|LOCK_NB, as picocom does, and TIOCEXCL), keeps its
  // settings, and makes it raw 8N1 without flow control at `baud`. Returns
  // false with `error` ("cannot open serial device /dev/ttyUSB0: ...") and
  // nothing left open. On success the descriptor is fd(); hand it to Asio
  // with release().
  bool open(const std::string& path, std::uint32_t baud, std::string& error);
  int fd() const { return fd_; }
  // The descriptor now belongs to the caller (an Asio serial_port); call
  // restore() before that closes it.
  int release();
  // Puts back the settings found at open and lifts TIOCEXCL, on `fd` (the
  // released descriptor, still open). `discard`: drops output the driver
  // still holds first (an aborted close); else waits until it has been sent,
  // for at most sent_wait_bound(..., wait_limit), so the restored baud does
  // not garble it, and drops what is left then. Errors are ignored (a device
  // that hung up takes none). Once.
  void restore(int fd, bool discard, Tock wait_limit = Tock{0});

 private:
  // The settings found at open (termios2 on Linux); kept out of this header,
  // whose includers see <termios.h> through Asio, which clashes with
  // <asm/termbits.h>.
  struct Saved;
  int fd_ = -1;
  std::uint32_t baud_ = 0;
  std::unique_ptr<Saved> saved_;
};

}  // namespace hio::detail
