// The CLI's own output streams (tools/src/output.hpp), as the commands use
// them from several threads at once.
#include "output.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "temp_dir.hpp"

namespace hio::tools {
namespace {
namespace output_test {

// Standard output (or error) sent to `path` while it lives, put back after.
class Redirected {
 public:
  Redirected(int fd, const std::string& path) : fd_(fd), saved_(::dup(fd)) {
    std::cout.flush();
    const int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    EXPECT_GE(file, 0);
    ::dup2(file, fd);
    ::close(file);
  }
  ~Redirected() {
    ::dup2(saved_, fd_);
    ::close(saved_);
  }
  Redirected(const Redirected&) = delete;
  Redirected& operator=(const Redirected&) = delete;

 private:
  int fd_;
  int saved_;
};

// hio sweep's threads: one writes a seed's line to cli_out() (on_result),
// another says a line on cli_err() (a worker's closing notice, a library
// line through run_cli's report sink: write_line). cli_err() is tied to
// cli_out(), so each of its lines flushes cli_out()'s buffer from that
// other thread. Every line comes out once and whole, in order (unfixed: the
// buffer had no lock, and ~400,000 lines came out of 200,000, some cut).
TEST(CliOutput, AMessageOnAnotherThreadFlushesStdoutWithoutLosingOrRepeatingIt) {
  constexpr int kLines = 200'000;
  // A few rounds: two threads of a loaded machine may not overlap in one.
  for (int round = 0; round < 4; ++round) {
    const hio::test::TempDir dir("hio-output");
    {
      const Redirected out(STDOUT_FILENO, dir.file("out"));
      const Redirected err(STDERR_FILENO, dir.file("err"));
      StdoutWriter writer;
      std::atomic<bool> started{false};  // both write at once
      std::thread sayer([&started] {
        while (!started)
          std::this_thread::yield();
        for (int i = 0; i < kLines; ++i)
          write_line(cli_err(), "notice");
      });
      started = true;
      for (int i = 0; i < kLines; ++i)
        cli_out() << "{\"seed\": " << i << "}\n";
      sayer.join();
      EXPECT_EQ(writer.finish(0), 0);
    }
    std::ifstream in(dir.file("out"));
    std::string line;
    int lines = 0;
    int wrong = 0;
    while (std::getline(in, line)) {
      if (line != "{\"seed\": " + std::to_string(lines) + "}") ++wrong;
      ++lines;
    }
    ASSERT_EQ(lines, kLines) << "round " << round;
    ASSERT_EQ(wrong, 0) << "round " << round;
  }
}

}  // namespace output_test
}  // namespace
}  // namespace hio::tools
