// Files hio reads whole because they are named to it (TLS certificates,
// keys and CAs; an earlier sweep's report.json): only a regular file of
// bounded size is read, so that a FIFO is never waited on, a device never
// read without end, and no file far larger than such inputs ever are read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace hio {

// Why a file is not read: it is not a regular file (`type`), or it is one
// of `size` bytes, more than the limit it was checked against (0: more
// than the limit, the size unknown - a file that grew while it was read,
// or one whose stat size says nothing, as /proc's).
struct UnfitInput {
  std::filesystem::file_type type;
  std::uintmax_t size = 0;  // for a regular file only

  bool too_large() const { return type == std::filesystem::file_type::regular; }
};

// The file at `path` (symbolic links followed), checked without opening
// it: nullopt for a regular file of at most `size_max` bytes, and for a
// path whose status cannot be had (the open that follows says why: "No
// such file or directory"); else why it is not to be read.
std::optional<UnfitInput> unfit_input(const std::string& path, std::uintmax_t size_max);

// A file read whole by read_input: its bytes, or why it was not read.
struct InputRead {
  std::string bytes;                // all of the file, when neither of the below
  std::optional<UnfitInput> unfit;  // not a file to read (nothing, or part, was read)
  int error = 0;                    // the errno of the open or a read that failed
};

// The bytes of the file at `path` (symbolic links followed), read once: the
// bytes checked are the bytes used, whatever the file does meanwhile. A path
// that is not a regular file (stat) is not opened; the file is opened
// without waiting (O_NONBLOCK: a FIFO swapped in meanwhile is not waited
// on) and checked again on the descriptor (fstat), and read until its end
// or until more than `size_max` bytes came (a block of 64 KiB past it at
// most), whatever its stat size says (a /proc file says 0). A
// file that has no bytes to give at once (/proc/kmsg) fails with EAGAIN,
// and is not waited on.
InputRead read_input(const std::string& path, std::uintmax_t size_max);

// errno_text(error), but for EAGAIN what it means for a file read whole.
std::string input_error_words(int error);

// What the file is, to follow "'<path>' is ": "a directory", "a FIFO (a
// named pipe or a process substitution)", "a character device", ...; for
// one too large, "5000000 bytes, more than the 4 MiB hio reads of it".
std::string unfit_input_words(const UnfitInput& unfit, std::uintmax_t size_max);

// What the file at `path` (symbolic links followed) is, when it is a kind
// hio never reads as a file named to it (a scenario, a journal): "a socket"
// (whose open(2) fails with ENXIO, "No such device or address", which reads
// as a missing device) or "a block device" (a disk, read as data: an empty
// one as an empty scenario), in unfit_input_words' words; "" for any other
// kind (a regular file, a FIFO, a character device, ...) and for a path whose
// status cannot be had (the open that follows says why).
std::string never_read_kind(const std::string& path);

}  // namespace hio
