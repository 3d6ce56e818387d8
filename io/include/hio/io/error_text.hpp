// OS error texts as hio writes them (events, close reasons, journals, the
// command line's messages): the C library's English, whatever the locale.
// A program that embeds hio may call setlocale(LC_ALL, ""); glibc then
// translates strerror, std::error_code::message() and so a
// std::system_error's what(). hio's texts must not depend on that
// (docs/determinism.md).
#pragma once

#include <string>
#include <system_error>

namespace hio {

// strerror(error) in the "C" locale ("error N" if the C library cannot make
// that locale).
std::string errno_text(int error);

// ec.message(), but errno_text(ec.value()) for the categories whose
// messages come from the C library (std::generic_category(),
// std::system_category(), errno_category()). Others are kept as they are.
std::string error_text(const std::error_code& ec);

// std::generic_category() with errno_text as its messages: codes made with
// it compare equal to std::errc values as generic ones do, and a
// std::system_error thrown with it has a what() that does not depend on the
// locale ("cannot open 'x': No such file or directory").
const std::error_category& errno_category() noexcept;

}  // namespace hio
