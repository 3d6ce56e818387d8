#include "error_text.hpp"

#include <locale.h>
#include <string.h>

namespace hio::detail {

namespace {

// Made once, never freed (it is used until the process ends); (locale_t)0
// if the C library could not make it.
locale_t c_locale() {
  static const locale_t c = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  return c;
}

}  // namespace

std::string errno_text(int error) {
  const locale_t c = c_locale();
  if (c == static_cast<locale_t>(nullptr)) return "error " + std::to_string(error);
  return strerror_l(error, c);
}

std::string error_text(const boost::system::error_code& ec) {
  if (ec.category() == boost::system::system_category() ||
      ec.category() == boost::system::generic_category()) {
    return errno_text(ec.value());
  }
  return ec.message();
}

}  // namespace hio::detail
