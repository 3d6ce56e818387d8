// A program that embeds run_cli and gives std::cerr a buffer of its own (a
// log file, LOG) before it runs `hio ARGS...`: hio's stderr lines go there,
// the progress line of `hio run` on a terminal too (it was written with
// fprintf(stderr), on the terminal under the program's log).
//   cerr-embedder LOG ARGS...
#include <fstream>
#include <iostream>

#include "hio/tools/cli.hpp"
#include "hio/tools/registry.hpp"

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  std::filebuf log;
  if (log.open(argv[1], std::ios::out | std::ios::trunc) == nullptr) return 2;
  hio::tools::DoerRegistry registry;
  hio::tools::add_builtin_kinds(registry);
  std::streambuf* const stderr_buffer = std::cerr.rdbuf(&log);
  argv[1] = argv[0];  // hio ARGS...
  const int code = hio::tools::run_cli(argc - 1, argv + 1, registry);
  std::cerr.rdbuf(stderr_buffer);
  return code;
}
