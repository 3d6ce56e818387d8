// Where the reader's bytes come from: a file read in large blocks into one
// buffer, or memory that is read in place. Both hand out contiguous views.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace hio::replay::detail {

// What a file source reads at a time, and the size of its buffer (docs/replay.md).
inline constexpr std::size_t kReadBlockBytes = 256 * 1024;

class Source {
 public:
  virtual ~Source() = default;
  // Up to `n` bytes from the current position, contiguous; fewer only at the
  // end of the input. Valid until the next call. Throws std::system_error if
  // the file cannot be read.
  virtual std::string_view get(std::size_t n) = 0;
  // Moves the position on by n (<= what get() returned).
  virtual void advance(std::size_t n) = 0;
  // The bytes of the buffer it reads into, allocated: a file's block
  // (kReadBlockBytes; less for a smaller file), or the largest `n` asked of
  // get() if that is larger, never more. 0 for memory, read in place. For
  // the tests of that bound (source_test; docs/replay.md states it), which
  // nothing else reads.
  virtual std::size_t buffer_bytes() const = 0;
};

// Throws std::system_error if the file cannot be opened. "-" is the standard
// input (its descriptor duplicated: closing the source leaves it open).
// `stop` (ReaderOptions::stop), when set, is asked before each read: true
// fails that read with EINTR.
std::unique_ptr<Source> open_file_source(const std::string& path, std::function<bool()> stop = {});
std::unique_ptr<Source> memory_source(std::string_view bytes);

}  // namespace hio::replay::detail
