// open_unless_stopped on a FIFO opened for reading, over real FIFOs: a stop
// signal caught before the open ends the wait for a writer, and without
// one the open waits for the writer and its bytes, so that "no writer yet"
// is never read as the end of the input. read_unless_stopped after a stop
// signal: a regular file and a pipe with bytes are read, an empty pipe's
// wait ends.
#include "hio/engine/stop_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <string>
#include <thread>

#include "hio/engine/doist.hpp"
#include "temp_dir.hpp"

namespace hio {
namespace {
namespace stop_read_test {

// A FIFO in a directory of its own (whoever else runs this test), removed
// at the end.
struct Fifo {
  test::TempDir dir;
  std::string path;
  explicit Fifo(const std::string& name) : dir("hio-stop-read-" + name), path(dir.file("f")) {
    EXPECT_EQ(::mkfifo(path.c_str(), 0600), 0);
  }
};

// Opens `path` for writing after `delay` (polling without waiting, so that
// it gives up when `done` is set first), writes `bytes`, and closes it; sets
// `came` (if given) before its first open.
std::thread writer_after(const std::string& path, std::chrono::milliseconds delay,
                         std::string bytes, const std::atomic<bool>& done,
                         std::atomic<bool>* came = nullptr) {
  return std::thread([path, delay, bytes = std::move(bytes), &done, came] {
    for (auto waited = std::chrono::milliseconds(0); waited < delay && !done;
         waited += std::chrono::milliseconds(20)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (came != nullptr && !done) *came = true;
    while (!done) {
      const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0) {
        if (!bytes.empty()) {
          EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
        }
        ::close(fd);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
}

// Raised before the open, SIGINT interrupts no open(2): a plain open for
// reading waited for a writer (here one that comes after 2 s, so that the
// unfixed open ends too, and succeeds).
TEST(OpenUnlessStopped, AStopSignalBeforeAFifoIsOpenedForReadingEndsTheWaitForAWriter) {
  const Fifo fifo("reader_stopped");
  std::atomic<bool> done{false};
  std::atomic<bool> came{false};
  std::thread writer = writer_after(fifo.path, std::chrono::milliseconds(2000), "", done, &came);
  int fd = -1;
  int error = 0;
  {
    const StopSignalCatch catching;
    std::raise(SIGINT);
    ASSERT_EQ(caught_stop_signal(), SIGINT);
    fd = open_unless_stopped(fifo.path.c_str(), O_RDONLY | O_CLOEXEC, 0);
    error = errno;
  }
  const bool writer_came = came;
  done = true;
  writer.join();
  if (fd >= 0) ::close(fd);
  EXPECT_EQ(fd, -1) << "the open ended only when a writer came";
  EXPECT_EQ(error, EINTR);
  EXPECT_FALSE(writer_came) << "the open ended after the writer came, not when the signal said";
}

// Without a stop signal, the reader waits for the writer (no "end of input"
// before it came), gets a blocking descriptor, and reads what it wrote; a
// writer that comes and leaves without a byte is the end of the input.
TEST(OpenUnlessStopped, AFifoOpenedForReadingWaitsForItsWriter) {
  for (const std::string bytes : {"journal bytes", ""}) {
    const Fifo fifo("reader_waits");
    std::atomic<bool> done{false};
    std::thread writer = writer_after(fifo.path, std::chrono::milliseconds(300), bytes, done);
    const int fd = open_unless_stopped(fifo.path.c_str(), O_RDONLY | O_CLOEXEC, 0);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    EXPECT_EQ(::fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
    writer.join();
    std::string got(64, '\0');
    const ssize_t n = ::read(fd, got.data(), got.size());
    ASSERT_GE(n, 0);
    got.resize(static_cast<std::size_t>(n));
    EXPECT_EQ(got, bytes);
    EXPECT_EQ(::read(fd, got.data(), 1), 0);
    ::close(fd);
    done = true;
  }
}

// After a stop signal, a read that can be made at once is made: a regular
// file (its reads never wait), a pipe with bytes in it. Only a wait for
// input (an empty pipe whose writer stays) ends, with EINTR. Unfixed, every
// read of the process failed with EINTR once a stop signal was caught: a
// program's JournalReader or load_scenario_file of a regular file, on any
// thread, while a run that Ctrl-C stopped was still closing.
TEST(ReadUnlessStopped, AfterAStopSignalOnlyAWaitForInputEnds) {
  const test::TempDir temp("hio-stop-read-regular");
  const std::string file = temp.file("regular");
  {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "regular", 7), 7);
    ::close(fd);
  }
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  ASSERT_EQ(::write(pipe_fds[1], "piped", 5), 5);
  std::string from_file(16, '\0');
  std::string from_pipe(16, '\0');
  ssize_t file_n = -1;
  ssize_t pipe_n = -1;
  ssize_t waiting_n = 0;
  int waiting_errno = 0;
  {
    const StopSignalCatch catching;
    std::raise(SIGINT);
    ASSERT_EQ(caught_stop_signal(), SIGINT);
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    file_n = read_unless_stopped(fd, from_file.data(), from_file.size());
    ::close(fd);
    pipe_n = read_unless_stopped(pipe_fds[0], from_pipe.data(), from_pipe.size());
    // The pipe is empty now and its writer stays: that wait is ended.
    waiting_n = read_unless_stopped(pipe_fds[0], from_pipe.data(), from_pipe.size());
    waiting_errno = errno;
  }
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  ASSERT_EQ(file_n, 7) << std::strerror(errno);
  EXPECT_EQ(from_file.substr(0, 7), "regular");
  ASSERT_EQ(pipe_n, 5);
  EXPECT_EQ(from_pipe.substr(0, 5), "piped");
  EXPECT_EQ(waiting_n, -1);
  EXPECT_EQ(waiting_errno, EINTR);
}

}  // namespace stop_read_test
}  // namespace
}  // namespace hio
