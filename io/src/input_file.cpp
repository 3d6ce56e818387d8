#include "hio/io/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "hio/io/error_text.hpp"

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

std::filesystem::file_type type_of(mode_t mode) {
  using Type = std::filesystem::file_type;
  if (S_ISREG(mode)) return Type::regular;
  if (S_ISDIR(mode)) return Type::directory;
  if (S_ISFIFO(mode)) return Type::fifo;
  if (S_ISCHR(mode)) return Type::character;
  if (S_ISBLK(mode)) return Type::block;
  if (S_ISSOCK(mode)) return Type::socket;
  return Type::unknown;
}

// Closes the descriptor it holds when it goes.
struct Closer {
  int fd;
  ~Closer() { ::close(fd); }
};

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

InputRead read_input(const std::string& path, std::uintmax_t size_max) {
  InputRead read;
  // Not opened unless a regular file: opening a device can act (a serial
  // port raises its lines).
  read.unfit = unfit_input(path, size_max);
  if (read.unfit) return read;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    read.error = errno;
    return read;
  }
  const Closer closer{fd};
  struct stat status {};
  if (::fstat(fd, &status) != 0) {
    read.error = errno;
    return read;
  }
  if (!S_ISREG(status.st_mode)) {
    read.unfit = UnfitInput{type_of(status.st_mode), 0};
    return read;
  }
  const auto size = static_cast<std::uintmax_t>(status.st_size);
  if (size > size_max) {
    read.unfit = UnfitInput{std::filesystem::file_type::regular, size};
    return read;
  }
  // Read in blocks until the end, whatever the stat size, or until more
  // than size_max bytes came: the file is then too large. (Whole blocks:
  // some /proc files take reads of a multiple of 8 bytes only.)
  constexpr std::size_t kBlock = 64 * 1024;
  std::size_t have = 0;
  for (;;) {
    if (have > size_max) {
      read.bytes.clear();
      read.unfit = UnfitInput{std::filesystem::file_type::regular, 0};
      return read;
    }
    read.bytes.resize(have + kBlock);
    const ssize_t got = ::read(fd, read.bytes.data() + have, kBlock);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      read.error = errno;
      read.bytes.clear();
      return read;
    }
    if (got == 0) break;
    have += static_cast<std::size_t>(got);
  }
  read.bytes.resize(have);
  return read;
}

std::string input_error_words(int error) {
  if (error == EAGAIN || error == EWOULDBLOCK) {
    return "it has no bytes to give without waiting (" + errno_text(error) +
           "), and hio does not wait for a file it reads whole";
  }
  return errno_text(error);
}

std::string unfit_input_words(const UnfitInput& unfit, std::uintmax_t size_max) {
  using Type = std::filesystem::file_type;
  switch (unfit.type) {
    case Type::regular:
      if (unfit.size == 0) return "more than the " + size_words(size_max) + " hio reads of it";
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

std::string never_read_kind(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  const std::filesystem::file_type type = type_of(st.st_mode);
  if (type != std::filesystem::file_type::socket && type != std::filesystem::file_type::block)
    return "";
  return unfit_input_words(UnfitInput{type, 0}, 0);
}

}  // namespace hio
