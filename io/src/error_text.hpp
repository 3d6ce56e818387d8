// The text of an OS error as hio records it: strerror's English, whatever
// the process locale. A program that embeds hio may call setlocale(LC_ALL,
// ""), and glibc then translates strerror and error_code::message(); event
// and close reasons must not depend on that (docs/determinism.md).
#pragma once

#include <boost/system/error_code.hpp>
#include <string>

namespace hio::detail {

// strerror(error) in the "C" locale.
std::string errno_text(int error);
// ec.message(), but errno_text for the system and generic categories (the
// ones whose messages come from the C library). Every other category's
// message (Asio's own, OpenSSL's) is a fixed English text already.
std::string error_text(const boost::system::error_code& ec);

}  // namespace hio::detail
