#include "hio/engine/dog.hpp"

#include <stdexcept>
#include <string>
#include <typeinfo>

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#endif

namespace hio {

bool handling_exactly_cease() noexcept {
#if __has_include(<cxxabi.h>)
  const std::type_info* type = abi::__cxa_current_exception_type();
  return type != nullptr && *type == typeid(Cease);
#else
  return false;
#endif
}

void throw_negative_tock(Tock tock) {
  throw std::invalid_argument("a dog co_yielded a negative tock (" + format_seconds(tock) +
                              " s); a tock must be >= 0");
}

}  // namespace hio
