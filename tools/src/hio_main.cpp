// The hio command line with the built-in doer kinds.
#include "hio/tools/cli.hpp"

int main(int argc, char** argv) {
  hio::tools::DoerRegistry registry;
  hio::tools::add_builtin_kinds(registry);
  return hio::tools::run_cli(argc, argv, registry);
}
