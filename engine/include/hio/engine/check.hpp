// HIO_CHECK: invariant assertions that stay on in release builds and print
// what failed, where, and the values involved. For bugs only; caller errors
// get exceptions, bad input gets precise error messages.
#pragma once

#include <string>

namespace hio::detail {

[[noreturn]] void check_failed(const char* expr, const char* file, int line,
                               const std::string& what);

}  // namespace hio::detail

#define HIO_CHECK(cond, what)                                         \
  do {                                                                \
    if (!(cond)) [[unlikely]]                                         \
      ::hio::detail::check_failed(#cond, __FILE__, __LINE__, (what)); \
  } while (false)
