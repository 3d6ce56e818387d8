// The stock hio command line in a program that takes its locale from the
// environment, as an embedding program may: setlocale(LC_ALL, "") first.
// Its messages must still be hio's English (tests/tools/cli_locale.sh).
#include <clocale>

#include "hio/tools/cli.hpp"

int main(int argc, char** argv) {
  std::setlocale(LC_ALL, "");
  hio::tools::DoerRegistry registry;
  hio::tools::add_builtin_kinds(registry);
  return hio::tools::run_cli(argc, argv, registry);
}
