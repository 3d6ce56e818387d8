// Bauds beyond <termios.h>'s B-constants on a real pseudo-terminal: Linux
// sets any baud through termios2 (BOTHER), and so does hio: 74880 (an
// ESP8266's boot log), 250000 (3D printers), 31250 (MIDI). This file reads the
// line's speed back with termios2 itself, so it includes <asm/termbits.h> and
// not <termios.h> (pty.hpp), whose struct termios clashes with it.
#include <asm/termbits.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <string>

#include "io_run.hpp"
#include "serial_device.hpp"

namespace hio::test {
namespace {
namespace serial_baud_test {

// A pty pair opened through /dev/ptmx; the slave's path is the device.
class PtyPair {
 public:
  PtyPair() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ >= 0 && ::grantpt(master_) == 0 && ::unlockpt(master_) == 0) {
      path_ = ::ptsname(master_);
      slave_ = ::open(path_.c_str(), O_RDWR | O_NOCTTY);
    }
  }
  ~PtyPair() {
    if (slave_ >= 0) ::close(slave_);
    if (master_ >= 0) ::close(master_);
  }
  PtyPair(const PtyPair&) = delete;
  PtyPair& operator=(const PtyPair&) = delete;

  bool ok() const { return slave_ >= 0; }
  const std::string& path() const { return path_; }
  // The line's output and input speeds as the kernel holds them.
  std::pair<unsigned, unsigned> speeds() const {
    struct termios2 t {};
    ::ioctl(slave_, TCGETS2, &t);
    return {t.c_ospeed, t.c_ispeed};
  }

 private:
  int master_ = -1;
  int slave_ = -1;
  std::string path_;
};

// Opens the pty's serial line at `baud`: the kernel holds it as its speed
// both ways.
void expect_line_runs_at(unsigned baud) {
  PtyPair pty;
  ASSERT_TRUE(pty.ok());
  RealRun run;
  SerialDoer serial(run.io, "serial://" + pty.path() + "?baud=" + std::to_string(baud));
  ASSERT_TRUE(serial.channel().connected()) << serial.channel().reason();
  EXPECT_EQ(pty.speeds(), std::make_pair(baud, baud));
}

// Unfixed: "cannot set 250000 baud on /dev/pts/N: Invalid argument", blamed
// on the device, from Asio's table of B-constants.
TEST(IoSerialBaud, AnyBaudIsSetThroughTermios2) {
  for (const unsigned baud : {74880u, 250000u, 31250u, 12345u, 115200u}) {
    SCOPED_TRACE(baud);
    expect_line_runs_at(baud);
  }
}

// Every rate of <termios.h>'s table is set as its own B-constant: the line
// runs at that rate (a constant of another rate in the table would read back
// as that rate, and the open would fail).
TEST(IoSerialBaud, EveryRateOfTheTableIsTheLinesSpeed) {
  for (const unsigned baud :
       {50u,      75u,      110u,     134u,     150u,     200u,    300u,     600u,
        1200u,    1800u,    2400u,    4800u,    9600u,    19200u,  38400u,   57600u,
        115200u,  230400u,  460800u,  500000u,  576000u,  921600u, 1000000u, 1152000u,
        1500000u, 2000000u, 2500000u, 3000000u, 3500000u, 4000000u}) {
    SCOPED_TRACE(baud);
    expect_line_runs_at(baud);
  }
}

// The wait at a close for what the driver still holds (before the settings
// go back): the time the baud needs for it, twice, plus 200 ms, and never more
// than close_linger, since it blocks the run thread. Before, 4 KiB at 50 baud
// waited up to 27 minutes whatever close_linger said. (A pty's driver holds
// nothing, TIOCOUTQ 0, so only the bound itself can be shown here.)
TEST(IoSerialBaud, TheCloseWaitsForTheDriversQueueAtMostCloseLinger) {
  EXPECT_EQ(detail::sent_wait_bound(4096, 50, seconds(10)), seconds(10));
  EXPECT_EQ(detail::sent_wait_bound(4096, 50, Tock{0}), Tock{1'638'600'000'000});  // no bound
  EXPECT_EQ(detail::sent_wait_bound(100, 10000, seconds(10)), Tock{400'000'000});
  EXPECT_EQ(detail::sent_wait_bound(100, 10000, Tock{300'000'000}), Tock{300'000'000});
  EXPECT_EQ(detail::sent_wait_bound(100, 0, seconds(10)), Tock{0});
}

}  // namespace serial_baud_test
}  // namespace
}  // namespace hio::test
