#include "hio/replay/sync_directory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace hio::replay {

int sync_directory_of(const std::string& file) {
  std::filesystem::path dir = std::filesystem::path(file).parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  int synced = 0;
  do {
    synced = ::fsync(fd);
  } while (synced != 0 && errno == EINTR);
  const int error = synced != 0 && errno != EINVAL ? errno : 0;
  ::close(fd);
  return error;
}

}  // namespace hio::replay
