#include "file_out.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "hio/engine/stop_read.hpp"
#include "hio/io/error_text.hpp"
#include "hio/replay/error.hpp"
#include "hio/replay/sync_directory.hpp"

namespace hio::replay::detail {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw JournalWriteError(errno, errno_category(), "journal " + what + " '" + path + "'");
}

bool is_regular(int fd) {
  struct stat status {};
  return ::fstat(fd, &status) == 0 && S_ISREG(status.st_mode);
}

}  // namespace

FileOut::FileOut(const std::string& path, std::string name, int fd)
    : path_(name.empty() ? path : std::move(name)), opened_(path) {
  if (fd >= 0) {
    fd_ = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (fd_ < 0) fail("cannot create", path_);
    regular_ = is_regular(fd_);
    return;
  }
  // A FIFO with no reader is waited on until one comes, or until a stop
  // signal is caught (EINTR), also one that came before this open. It stays
  // O_NONBLOCK (the open file is this one's alone; a regular file ignores
  // the flag): a full FIFO whose reader does not read is waited on by
  // write_unless_stopped, which a stop signal ends, not by write(2), which
  // only a signal to this very thread would interrupt.
  fd_ = open_unless_stopped(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK,
                            0644);
  if (fd_ < 0) fail("cannot create", path_);
  regular_ = is_regular(fd_);
}

FileOut::~FileOut() {
  if (fd_ >= 0) ::close(fd_);
}

void FileOut::flush() {
  const unsigned char* p = buffer_.data();
  std::size_t left = buffer_.size();
  // Cut since the last write: the end's check of the file (its size, its
  // first bytes) cannot see a cut to more than those bytes once written on.
  // One fstat per flush (each pass in real time, each full buffer else).
  if (left > 0 && regular_ && !cut_size_) {
    struct stat status {};
    if (::fstat(fd_, &status) == 0 && static_cast<std::uint64_t>(status.st_size) < written_) {
      cut_size_ = static_cast<std::uint64_t>(status.st_size);
      cut_written_ = written_;
    }
  }
  while (left > 0) {
    const ssize_t n = write_unless_stopped(fd_, p, left);
    if (n < 0 && errno == EINTR) {
      // Full, its reader not reading, and a stop signal caught: what was
      // written stays; the journal is cut there, said as a write error.
      throw JournalWriteError(
          EINTR, errno_category(),
          "journal cannot write '" + path_ + "': its reader took no more before the stop signal");
    }
    if (n < 0) fail("cannot write", path_);
    p += n;
    left -= static_cast<std::size_t>(n);
    written_ += static_cast<std::uint64_t>(n);
  }
  buffer_.clear();
}

void FileOut::sync() {
  if (!syncable_) return;
  while (::fdatasync(fd_) != 0) {
    if (errno == EINVAL && !regular_) {
      // A pipe, FIFO, socket or terminal: nothing of it is kept to sync
      // (its reader has what was written), nor is its name the journal's.
      // A regular file whose file system cannot sync it fails below: the
      // durability asked for is not dropped without a word.
      syncable_ = false;
      return;
    }
    if (errno != EINTR) fail("cannot sync", path_);
  }
  // The file's name too, once: it may have been created by the open.
  if (directory_synced_) return;
  if (const int error = sync_directory_of(opened_); error != 0) {
    errno = error;
    fail("cannot sync the directory of", path_);
  }
  directory_synced_ = true;
}

void FileOut::close() {
  if (fd_ < 0) return;
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 && errno != EINTR) fail("cannot close", path_);
}

}  // namespace hio::replay::detail
