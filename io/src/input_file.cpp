#include "hio/io/input_file.hpp"

#include <system_error>

namespace hio {

namespace {

// `bytes` for people: whole MiB or KiB as such ("4 MiB"), else in bytes.
std::string size_words(std::uintmax_t bytes) {
  constexpr std::uintmax_t kKiB = 1024;
  constexpr std::uintmax_t kMiB = kKiB * kKiB;
  if (bytes != 0 && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  if (bytes != 0 && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB";
  return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

}  // namespace

std::optional<UnfitInput> unfit_input(const std::string& path, std::uintmax_t size_max) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec) return std::nullopt;
  if (status.type() != fs::file_type::regular) return UnfitInput{status.type(), 0};
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec || size <= size_max) return std::nullopt;
  return UnfitInput{fs::file_type::regular, size};
}

std::string unfit_input_words(const UnfitInput& unfit, std::uintmax_t size_max) {
  using Type = std::filesystem::file_type;
  switch (unfit.type) {
    case Type::regular:
      return std::to_string(unfit.size) + " bytes, more than the " + size_words(size_max) +
             " hio reads of it";
    case Type::directory:
      return "a directory";
    case Type::fifo:
      return "a FIFO (a named pipe or a process substitution)";
    case Type::character:
      return "a character device";
    case Type::block:
      return "a block device";
    case Type::socket:
      return "a socket";
    default:
      break;
  }
  return "not a regular file";
}

}  // namespace hio
