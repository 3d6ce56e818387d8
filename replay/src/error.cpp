#include "hio/replay/error.hpp"

namespace hio::replay {

const char* to_string(JournalErrorKind kind) {
  switch (kind) {
    case JournalErrorKind::io:
      return "io";
    case JournalErrorKind::bad_magic:
      return "bad_magic";
    case JournalErrorKind::future_version:
      return "future_version";
    case JournalErrorKind::bad_preamble:
      return "bad_preamble";
    case JournalErrorKind::truncated:
      return "truncated";
    case JournalErrorKind::bad_length:
      return "bad_length";
    case JournalErrorKind::bad_crc:
      return "bad_crc";
    case JournalErrorKind::bad_message:
      return "bad_message";
    case JournalErrorKind::bad_order:
      return "bad_order";
    case JournalErrorKind::bad_trailer:
      return "bad_trailer";
    case JournalErrorKind::trailing_data:
      return "trailing_data";
    case JournalErrorKind::hole:
      return "hole";
  }
  return "?";
}

std::string JournalError::describe() const {
  std::string out = "byte " + std::to_string(offset);
  if (last_pass) {
    out += " (after pass " + std::to_string(*last_pass);
    if (last_tyme) out += ", tyme " + format_seconds(*last_tyme) + " s";
    out += ")";
  } else {
    out += " (before any pass)";
  }
  out += ": ";
  out += to_string(kind);
  out += ": ";
  out += message;
  return out;
}

JournalWriteError::JournalWriteError(const JournalWriteError& error, const std::string& note)
    : std::system_error(error),
      noted_(std::make_shared<const std::string>(std::string(error.what()) + "; " + note)) {}

const char* JournalWriteError::what() const noexcept {
  return noted_ ? noted_->c_str() : std::system_error::what();
}

JournalException::JournalException(JournalError error)
    : std::runtime_error("journal: " + error.describe()), error_(std::move(error)) {}

}  // namespace hio::replay
