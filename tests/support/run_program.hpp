// Running another program from a test. Paths come from $TMPDIR and the
// checkout's place, which may hold a space or a quote: run_program() hands
// the words to the program as they are (no shell); where a shell is
// needed, shell_quote() makes each one a single word of its command line.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

extern char** environ;

namespace hio::test {

struct ProgramResult {
  int status = -1;     // as waitpid(2) gives it: 0 for exit 0
  std::string output;  // stdout and stderr, as they interleaved
};

// Runs ARGV[0] (looked up in PATH when it has no '/') with ARGV, and waits
// for it. Throws when it cannot be started.
inline ProgramResult run_program(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  ::posix_spawn_file_actions_adddup2(&actions, out[1], 2);
  pid_t pid = -1;
  const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (spawned != 0) {
    ::close(out[0]);
    throw std::system_error(spawned, std::generic_category(), "cannot start " + argv.at(0));
  }
  ProgramResult result;
  char buffer[4096];
  for (ssize_t n; (n = ::read(out[0], buffer, sizeof buffer)) != 0;) {
    if (n > 0) result.output.append(buffer, static_cast<std::size_t>(n));
    if (n < 0 && errno != EINTR) break;
  }
  ::close(out[0]);
  while (::waitpid(pid, &result.status, 0) < 0 && errno == EINTR) {
  }
  return result;
}

// WORD as one word of a POSIX shell's command line: in single quotes, a
// quote in it as '\''.
inline std::string shell_quote(std::string_view word) {
  std::string quoted = "'";
  for (const char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace hio::test
