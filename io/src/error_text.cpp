#include "error_text.hpp"

#include <locale.h>
#include <string.h>

namespace hio {

namespace {

// Made once, never freed (it is used until the process ends); (locale_t)0
// if the C library could not make it.
locale_t c_locale() {
  static const locale_t c = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  return c;
}

class ErrnoCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "generic"; }
  std::string message(int error) const override { return errno_text(error); }
  std::error_condition default_error_condition(int error) const noexcept override {
    return {error, std::generic_category()};
  }
};

}  // namespace

std::string errno_text(int error) {
  const locale_t c = c_locale();
  if (c == static_cast<locale_t>(nullptr)) return "error " + std::to_string(error);
  return strerror_l(error, c);
}

std::string error_text(const std::error_code& ec) {
  if (ec.category() == std::generic_category() || ec.category() == std::system_category() ||
      ec.category() == errno_category()) {
    return errno_text(ec.value());
  }
  return ec.message();
}

const std::error_category& errno_category() noexcept {
  static const ErrnoCategory category;
  return category;
}

namespace detail {

std::string error_text(const boost::system::error_code& ec) {
  if (ec.category() == boost::system::system_category() ||
      ec.category() == boost::system::generic_category()) {
    return errno_text(ec.value());
  }
  return ec.message();
}

}  // namespace detail

}  // namespace hio
