// A program that calls run_cli twice with `-` as the scenario: the first
// call reads the standard input to its end, the second is refused (exit 2,
// "-: the standard input was read already ...", which the test looks for on
// stderr) rather than loading the empty rest of it as a scenario. The once-only rule is the CLI's:
// the library's load_scenario_file("-") reads at each call (loader_test.cpp). Usage:
// stdin-twice-embedder < SCENARIO
#include <cstdio>

#include "hio/tools/cli.hpp"
#include "hio/tools/registry.hpp"

int main() {
  hio::tools::DoerRegistry registry;
  hio::tools::add_builtin_kinds(registry);
  const char* const check[] = {"hio", "check", "-", nullptr};
  const int first = hio::tools::run_cli(3, check, registry);
  const int second = hio::tools::run_cli(3, check, registry);
  if (first != 0 || second != 2) {
    std::fprintf(stderr, "stdin-twice-embedder: exit %d then %d, expected 0 then 2\n", first,
                 second);
    return 1;
  }
  return 0;
}
