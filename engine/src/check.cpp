#include "hio/engine/check.hpp"

#include <cstdio>
#include <cstdlib>

#include "hio/engine/report.hpp"

namespace hio::detail {

void check_failed(const char* expr, const char* file, int line, const std::string& what) {
  char number[16];
  std::snprintf(number, sizeof number, "%d", line);
  report({"invariant failed at ", file, ":", number, ": ", expr, " (", what, ")"});
  std::abort();
}

}  // namespace hio::detail
