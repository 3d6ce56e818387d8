#include "journal_target.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "hio/tools/scenario.hpp"

namespace hio::tools {

void FileTarget::cannot_create(const std::string& why) const {
  throw OutputError(
      {Diagnostic{SourcePos{path_, 0, 0}, "cannot create the " + what_ + ": " + why}});
}

FileTarget::FileTarget(std::string path, std::string what)
    : path_(std::move(path)), what_(std::move(what)), write_path_(path_) {
  if (path_.empty()) return;
  struct stat status {};
  if (::stat(path_.c_str(), &status) == 0 && !S_ISREG(status.st_mode)) return;  // a pipe, a device
  // Through a symbolic link to the file it names, so that the link stays.
  std::error_code ignored;
  const std::filesystem::path resolved = std::filesystem::weakly_canonical(path_, ignored);
  final_path_ = resolved.empty() ? path_ : resolved.string();
  // FILE.XXXXXX beside FILE, so that the rename stays in one file system.
  std::vector<char> name(final_path_.begin(), final_path_.end());
  const char suffix[] = ".XXXXXX";
  name.insert(name.end(), suffix, suffix + sizeof suffix);  // with the NUL
  const int fd = ::mkstemp(name.data());
  if (fd < 0) cannot_create(std::strerror(errno));
  // mkstemp makes it 0600; a journal or a report is as readable as any file written.
  ::fchmod(fd, 0644);
  ::close(fd);
  write_path_ = name.data();
  temporary_ = true;
}

FileTarget::~FileTarget() {
  if (!temporary_ || committed_) return;
  std::error_code ignored;
  std::filesystem::remove(write_path_, ignored);
}

void JournalTarget::open(std::optional<replay::Journal>& journal, Doist& doist, IoHub& hub,
                         replay::JournalHeader header) const {
  // Errors name FILE, not the temporary name it is written under.
  replay::JournalOptions options;
  options.writer.name = path();
  try {
    journal.emplace(doist, hub, write_path(), std::move(header), std::move(options));
  } catch (const std::system_error& error) {
    cannot_create(error.what());
  }
}

void FileTarget::commit() {
  committed_ = true;
  if (!temporary_) return;
  std::error_code error;
  std::filesystem::rename(write_path_, final_path_, error);
  if (error) {
    committed_ = false;  // the destructor removes the file written
    cannot_create(error.message());
  }
}

}  // namespace hio::tools
