// The text of an OS error as hio records it, for Boost's error codes (Asio):
// strerror's English whatever the process locale (hio/io/error_text.hpp has
// the same for errno values and std::error_code).
#pragma once

#include <boost/system/error_code.hpp>
#include <string>

#include "hio/io/error_text.hpp"

namespace hio::detail {

// ec.message(), but errno_text for the system and generic categories (the
// ones whose messages come from the C library). Every other category's
// message (Asio's own, OpenSSL's) is a fixed English text already.
std::string error_text(const boost::system::error_code& ec);

}  // namespace hio::detail
