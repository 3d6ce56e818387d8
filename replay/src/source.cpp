#include "source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <system_error>

#include "byte_buffer.hpp"
#include "hio/engine/doist.hpp"
#include "hio/engine/stop_read.hpp"
#include "hio/io/error_text.hpp"

namespace hio::replay::detail {

namespace {

class MemorySource final : public Source {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  std::string_view get(std::size_t n) override { return bytes_.substr(pos_, n); }
  void advance(std::size_t n) override { pos_ += n; }
  std::size_t buffer_bytes() const override { return 0; }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

class FileSource final : public Source {
 public:
  FileSource(std::string path, std::function<bool()> stop)
      : path_(std::move(path)), stop_(std::move(stop)) {
    // "-": the standard input, read as it comes (a pipe is read once). A
    // FIFO's wait for a writer ends on a stop signal, one caught before the
    // open too (open_unless_stopped), as the reads' waits do.
    fd_ = path_ == "-" ? ::dup(STDIN_FILENO)
                       : open_unless_stopped(path_.c_str(), O_RDONLY | O_CLOEXEC, 0);
    if (path_ == "-") path_ = "standard input";
    if (fd_ < 0) {
      throw std::system_error(errno, errno_category(), "cannot open '" + path_ + "'");
    }
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
      left_ = static_cast<std::uint64_t>(st.st_size);
      regular_ = true;
    }
  }
  ~FileSource() override { ::close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  std::string_view get(std::size_t n) override {
    if (available() < n && !eof_) fill(n);
    const std::size_t have = std::min(n, available());
    return std::string_view(reinterpret_cast<const char*>(buf_.data() + pos_), have);
  }
  void advance(std::size_t n) override { pos_ += n; }
  std::size_t buffer_bytes() const override { return buf_.capacity(); }

 private:
  std::size_t available() const { return buf_.size() - pos_; }

  // Reads until `n` bytes are available or the file ends. The buffer is one
  // block, which each fill tops up after the bytes it keeps (small frames
  // cost no system call each), or as large as `n` bytes, when one frame is
  // larger: it never grows beyond the larger of the two (it doubled on a
  // second fill, to 512 KiB).
  void fill(std::size_t n) {
    if (pos_ > 0) {
      const std::size_t keep = available();
      std::memmove(buf_.data(), buf_.data() + pos_, keep);
      buf_.truncate(keep);
      pos_ = 0;
    }
    std::size_t wanted = std::max(kReadBlockBytes, n) - available();
    // A length field can claim far more than the file holds: never allocate
    // beyond the end of a regular file (its size when opened). The file is
    // still read to its end, a block at most at a time: one that grew since,
    // or one whose size says nothing (/proc's files say 0).
    if (regular_ && wanted > left_) {
      wanted =
          left_ > 0 ? static_cast<std::size_t>(left_) : std::min(kReadBlockBytes, n - available());
    }
    buf_.reserve(available() + wanted);
    while (available() < n) {
      const bool stopped = stop_ && stop_();
      if (stopped) errno = EINTR;
      const ssize_t got = stopped ? -1 : read_unless_stopped(fd_, buf_.tail(), buf_.spare());
      if (got < 0) {
        // Or the reader's owner stopped it (ReaderOptions::stop: a command's
        // Ctrl-C, also while a regular file has more to read).
        // A pipe or terminal that gives nothing: a stop signal the command
        // catches (caught_stop_signal) ends the wait, as an error of the
        // reading, rather than being kept while the input never comes - one
        // that came just before the read too (read_unless_stopped).
        throw std::system_error(errno, errno_category(), "cannot read '" + path_ + "'");
      }
      if (got == 0) {
        eof_ = true;
        return;
      }
      buf_.commit(static_cast<std::size_t>(got));
      left_ -= std::min(left_, static_cast<std::uint64_t>(got));
      // A file that grew since it was opened, or whose size said nothing:
      // towards `n` (which may be a damaged length field: the bytes come
      // first), doubling, so that a large frame costs linear copying, not a
      // copy of all it holds per block; never beyond `n`.
      if (buf_.spare() == 0 && available() < n)
        buf_.reserve(std::min(n, buf_.size() + std::max(buf_.size(), kReadBlockBytes)));
    }
  }

  std::string path_;
  std::function<bool()> stop_;
  int fd_ = -1;
  ByteBuffer buf_;
  std::size_t pos_ = 0;
  bool eof_ = false;
  bool regular_ = false;
  std::uint64_t left_ = 0;  // regular files: bytes not yet read
};

}  // namespace

std::unique_ptr<Source> open_file_source(const std::string& path, std::function<bool()> stop) {
  return std::make_unique<FileSource>(path, std::move(stop));
}

std::unique_ptr<Source> memory_source(std::string_view bytes) {
  return std::make_unique<MemorySource>(bytes);
}

}  // namespace hio::replay::detail
