// A program that embeds run_cli and writes std::cout and std::cerr from a
// thread of its own (a service's log lines) while run_cli runs commands on
// another, with and without --json: std::cout and std::cerr stay the
// program's. run_cli used to make an unlocked buffer of hio's std::cout's for
// the whole command (with --json std::cerr's too), freed when it returned:
// the other thread's writes raced with hio's (SIGSEGV in FdWriteBuffer), its
// stderr lines landed in hio's JSON error object. Both threads are bounded
// (the writer stops once the rounds are done). stdout is /dev/null.
// Prints what differs; exit 0 if nothing.
//   cout-embedder SCENARIO
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <streambuf>
#include <string>
#include <thread>

#include "hio/tools/cli.hpp"
#include "hio/tools/registry.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null < 0 || ::dup2(null, STDOUT_FILENO) < 0) return 2;
  ::close(null);
  hio::tools::DoerRegistry registry;
  hio::tools::add_builtin_kinds(registry);
  std::streambuf* const out_buffer = std::cout.rdbuf();
  std::streambuf* const err_buffer = std::cerr.rdbuf();
  std::atomic<bool> done{false};
  std::atomic<long> swapped{0};
  std::thread logger([&] {
    for (long n = 0; !done; ++n) {
      std::cout << "embedder log line " << n << "\n";
      if (n % 64 == 0) std::cerr << "";  // a stderr write (empty: the test's log stays short)
      if (std::cout.rdbuf() != out_buffer || std::cerr.rdbuf() != err_buffer) ++swapped;
    }
  });
  int failures = 0;
  const std::string missing = std::string(argv[1]) + ".missing";
  for (int round = 0; round < 20; ++round) {
    const char* check[] = {"hio", "check", argv[1], "--json"};
    const int checked = hio::tools::run_cli(round % 2 == 0 ? 3 : 4, check, registry);
    const char* bad[] = {"hio", "check", missing.c_str(), "--json"};
    const int refused = hio::tools::run_cli(4, bad, registry);
    if (checked != 0 || refused != 2) {
      std::fprintf(stderr, "cout_embedder: round %d: check gave %d, check of a missing file %d\n",
                   round, checked, refused);
      ++failures;
    }
  }
  done = true;
  logger.join();
  if (swapped != 0) {
    std::fprintf(stderr,
                 "cout_embedder: the program's thread found std::cout or std::cerr with "
                 "another buffer %ld times while run_cli ran\n",
                 static_cast<long>(swapped));
    ++failures;
  }
  if (std::cout.rdbuf() != out_buffer || std::cerr.rdbuf() != err_buffer) {
    std::fprintf(stderr,
                 "cout_embedder: std::cout or std::cerr has another buffer after run_cli\n");
    ++failures;
  }
  return failures == 0 ? 0 : 1;
}
