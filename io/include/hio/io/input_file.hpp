// Files hio reads whole because they are named to it (TLS certificates,
// keys and CAs; an earlier sweep's report.json): only a regular file of
// bounded size is opened, so that a FIFO is never waited on, a device never
// read without end, and no file far larger than such inputs ever are read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace hio {

// Why a file is not read: it is not a regular file (`type`), or it is one
// of `size` bytes, more than the limit it was checked against.
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

// What the file is, to follow "'<path>' is ": "a directory", "a FIFO (a
// named pipe or a process substitution)", "a character device", ...; for
// one too large, "5000000 bytes, more than the 4 MiB hio reads of it".
std::string unfit_input_words(const UnfitInput& unfit, std::uintmax_t size_max);

}  // namespace hio
