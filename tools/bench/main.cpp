// hio-bench: the project's benchmarks. `hio-bench SUITE... [--json] [--quick] [--cpu-time]`
// prints one figure per line ({"name", "value", "unit"} with --json).
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "bench.hpp"

namespace {

constexpr std::pair<const char*, hio::bench::Suite> kSuites[] = {
    {"engine", hio::bench::engine_suite},   {"sim", hio::bench::sim_suite},
    {"journal", hio::bench::journal_suite}, {"io", hio::bench::io_suite},
    {"tools", hio::bench::tools_suite},
};

int usage() {
  std::fprintf(stderr, "usage: hio-bench SUITE... [--json] [--quick] [--cpu-time]\nsuites: all");
  for (const auto& suite : kSuites)
    std::fprintf(stderr, " %s", suite.first);
  std::fprintf(stderr, "\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  hio::bench::Options options;
  std::vector<std::string> names;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--json") {
      options.json = true;
    } else if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "--cpu-time") {
      options.cpu_time = true;
    } else if (arg == "-h" || arg == "--help") {
      usage();
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "hio-bench: unknown option '%s'\n", arg.c_str());
      return usage();
    } else {
      names.push_back(arg);
    }
  }
  if (names.empty()) return usage();
  std::vector<hio::bench::Suite> chosen;
  for (const std::string& name : names) {
    bool found = false;
    for (const auto& suite : kSuites) {
      if (name == "all" || name == suite.first) {
        chosen.push_back(suite.second);
        found = true;
      }
    }
    if (!found) {
      std::fprintf(stderr, "hio-bench: unknown suite '%s'\n", name.c_str());
      return usage();
    }
  }
  hio::bench::Report report(options.json);
  for (hio::bench::Suite suite : chosen)
    suite(options, report);
  return 0;
}
