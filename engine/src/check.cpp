#include "hio/engine/check.hpp"

#include <cstdio>
#include <cstdlib>

namespace hio::detail {

void check_failed(const char* expr, const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "hio: invariant failed at %s:%d: %s (%s)\n", file, line, expr, what.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace hio::detail
