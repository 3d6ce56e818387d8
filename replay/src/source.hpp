// Where the reader's bytes come from: a file read in large blocks into one
// buffer, or memory that is read in place. Both hand out contiguous views.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace hio::replay::detail {

class Source {
 public:
  virtual ~Source() = default;
  // Up to `n` bytes from the current position, contiguous; fewer only at the
  // end of the input. Valid until the next call. Throws std::system_error if
  // the file cannot be read.
  virtual std::string_view get(std::size_t n) = 0;
  // Moves the position on by n (<= what get() returned).
  virtual void advance(std::size_t n) = 0;
};

// Throws std::system_error if the file cannot be opened. "-" is the standard
// input (its descriptor duplicated: closing the source leaves it open).
std::unique_ptr<Source> open_file_source(const std::string& path);
std::unique_ptr<Source> memory_source(std::string_view bytes);

}  // namespace hio::replay::detail
