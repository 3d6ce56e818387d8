// hio check opens no serial device (an open can reset it, or take bytes that
// are the run's), but what a device's path alone says it says in the run's
// words (OpenChecker, docs/scenarios.md): a path that is not there, a
// directory, a file that is no device, a socket, a device its user may not
// use (said with why). A tty is left for the run, untouched.
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "hio/io/open_check.hpp"
#include "io_run.hpp"
#include "pty.hpp"
#include "temp_dir.hpp"

namespace hio::test {
namespace {
namespace serial_check_test {

std::string checked_failure(const std::string& url) {
  OpenChecker checker;
  return checker.known_open_failure(parse_address_or_throw(url), ChannelRole::connect).failure;
}

// A unix socket bound at `path`, closed with the test (the file stays).
class BoundSocket {
 public:
  explicit BoundSocket(const std::string& path) : fd_(::socket(AF_UNIX, SOCK_STREAM, 0)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    bound_ =
        fd_ >= 0 && ::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  ~BoundSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  BoundSocket(const BoundSocket&) = delete;
  BoundSocket& operator=(const BoundSocket&) = delete;
  bool bound() const { return bound_; }

 private:
  int fd_;
  bool bound_ = false;
};

// Unfixed, the check said nothing of any of them (OpenChecker answered {}
// for serial://), and the run was the first to say the device was not there.
TEST(IoSerialCheck, ThePathAloneFailsAsTheRunsOpenDoes) {
  // Under /tmp: a $TMPDIR with a space would be no serial:// path.
  const TempDir dir("hio-serial-check", "/tmp");
  std::ofstream(dir.file("file")) << "not a device\n";
  ASSERT_EQ(::mkfifo(dir.file("fifo").c_str(), 0600), 0);
  const BoundSocket socket(dir.file("sock"));
  ASSERT_TRUE(socket.bound());
  const std::vector<std::string> paths = {dir.file("missing"),  dir.path(),
                                          dir.file("file"),     dir.file("fifo"),
                                          dir.file("file/dev"), dir.file("sock")};
  RealRun run;
  for (const std::string& path : paths) {
    const std::string url = "serial://" + path + "?baud=9600";
    const std::string checked = checked_failure(url);
    const Channel& opened = run.io.connect(url);
    ASSERT_EQ(opened.state(), ChannelState::failed) << path;
    EXPECT_EQ(checked, opened.reason()) << path;
  }
  EXPECT_EQ(checked_failure("serial://" + dir.file("missing")),
            "cannot open serial device " + dir.file("missing") + ": No such file or directory");
}

// A tty is what only its open tells more of (in use? a baud it cannot
// make?): nothing is said, and nothing is done to it.
TEST(IoSerialCheck, ATtyIsLeftAlone) {
  Pty pty;
  const termios before = pty.settings();
  EXPECT_EQ(checked_failure(pty.url(74880)), "");
  EXPECT_EQ(checked_failure("serial:///dev/null"), "");  // no tty, but only an open says so
  const termios after = pty.settings();
  EXPECT_EQ(cfgetospeed(&after), cfgetospeed(&before));
  EXPECT_EQ(after.c_lflag, before.c_lflag);
  EXPECT_EQ(after.c_cflag, before.c_cflag);
}

// What the check and the run's open say of `url`, from a child process
// that is not root (as root every open succeeds): it gives root up for
// nobody's ids (65534) when it has it. "check\nrun".
std::string failures_as_another_user(const std::string& url) {
  int out[2];
  if (::pipe(out) != 0) return "no pipe";
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(out[0]);
    if (::geteuid() == 0 &&
        (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      ::_exit(1);
    }
    std::string said = checked_failure(url) + "\n";
    {
      RealRun run;
      said += run.io.connect(url).reason();
    }
    const bool written =
        ::write(out[1], said.data(), said.size()) == static_cast<ssize_t>(said.size());
    ::_exit(written ? 0 : 1);
  }
  ::close(out[1]);
  std::string said;
  char buffer[512];
  for (ssize_t n; (n = ::read(out[0], buffer, sizeof buffer)) > 0;)
    said.append(buffer, static_cast<std::size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? said : "the child failed: " + said;
}

// A device its user may not read and write: "Permission denied" alone left
// the user to guess (unfixed); a serial device is nearly always for a group
// (dialout) that its user has to join, and the check says it too.
TEST(IoSerialCheck, ADeviceTheUserMayNotUseSaysWhy) {
  Pty pty;
  const std::string failure = "cannot open serial device " + pty.path() + ": Permission denied";
  if (::geteuid() == 0) {
    // Root's pty, for group 20 (dialout on Debian), which nobody is not in.
    ASSERT_EQ(::chown(pty.path().c_str(), 0, 20), 0);
    ASSERT_EQ(::chmod(pty.path().c_str(), 0660), 0);
    const group* dialout = ::getgrgid(20);
    const std::string name = dialout != nullptr ? dialout->gr_name : "20";
    const std::string expected = failure + ": it is for group '" + name +
                                 "' (mode 0660), which this user is not in (add the user to it, "
                                 "then log in again)";
    EXPECT_EQ(failures_as_another_user(pty.url(9600)), expected + "\n" + expected);
    // Not for the group either: who may use it.
    ASSERT_EQ(::chmod(pty.path().c_str(), 0600), 0);
    const std::string owner_only = failure + " (mode 0600, owner root, group " + name + ")";
    EXPECT_EQ(failures_as_another_user(pty.url(9600)), owner_only + "\n" + owner_only);
  } else {
    // The user's own pty (its group the devpts', tty), for nobody.
    ASSERT_EQ(::chmod(pty.path().c_str(), 0), 0);
    struct stat node {};
    ASSERT_EQ(::stat(pty.path().c_str(), &node), 0);
    const passwd* owner = ::getpwuid(node.st_uid);
    const group* its_group = ::getgrgid(node.st_gid);
    ASSERT_TRUE(owner != nullptr && its_group != nullptr);
    const std::string expected =
        failure + " (mode 0000, owner " + owner->pw_name + ", group " + its_group->gr_name + ")";
    EXPECT_EQ(failures_as_another_user(pty.url(9600)), expected + "\n" + expected);
  }
}

}  // namespace serial_check_test
}  // namespace
}  // namespace hio::test
