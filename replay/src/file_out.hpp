// FileOut: the writer's file — a POSIX descriptor with one buffer in front, so
// frames are written with few system calls, and flush() puts everything in the
// kernel's hands (where it survives the process being killed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "byte_buffer.hpp"

namespace hio::replay::detail {

// Errors: std::system_error naming the file (path(): `name`, or else the
// path opened) and the operation.
class FileOut {
 public:
  // Creates or truncates the file at `path` (mode 0644); with `fd` >= 0,
  // writes a duplicate of it instead and opens nothing (`path` is where
  // that file is: sync_directory_of).
  explicit FileOut(const std::string& path, std::string name = {}, int fd = -1);
  ~FileOut();  // closes; does not write what is still buffered (call flush)
  FileOut(const FileOut&) = delete;
  FileOut& operator=(const FileOut&) = delete;

  // Bytes are appended here, then committed with buffer().commit / append.
  ByteBuffer& buffer() { return buffer_; }
  // Bytes already handed to the OS.
  std::uint64_t written() const { return written_; }
  // The file's name in messages.
  const std::string& path() const { return path_; }
  // A regular file found shorter than written() before a later write (the
  // first time): its size then, and written() then. Another process cut it
  // (a `truncate -s N`, logrotate's copytruncate) and the writes went on at
  // their offset, so the bytes between the two read as zeros, although the
  // file ends as long as written() with its first bytes intact. nullopt if
  // never, and for a pipe or a device. (A cut between that check and the
  // write it precedes is not seen.)
  std::optional<std::uint64_t> cut_size() const { return cut_size_; }
  std::uint64_t cut_written() const { return cut_written_; }

  void flush();  // write(2) everything buffered
  // fdatasync(2); the first time, the directory's fsync too. Nothing for a
  // descriptor that cannot be synced (EINVAL: a pipe, FIFO, socket or
  // terminal), which has no data kept to sync.
  void sync();
  void close();  // flush is not implied

 private:
  std::string path_;
  std::string opened_;  // the path opened (sync_directory_of)
  bool directory_synced_ = false;
  bool syncable_ = true;  // sync() has not found it is a pipe or the like
  int fd_ = -1;
  bool regular_ = false;  // a regular file: cut_seen() is looked for
  ByteBuffer buffer_;
  std::uint64_t written_ = 0;
  std::optional<std::uint64_t> cut_size_;
  std::uint64_t cut_written_ = 0;
};

}  // namespace hio::replay::detail
