// A directory of a test's own: made by mkdtemp under $TMPDIR (/tmp without
// it) and removed with all it holds when the test is done. Never a fixed
// name in the shared /tmp: another user's file of that name, or another
// run of the suite at the same time (two worktrees, release and asan),
// would be met there.
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace hio::test {

class TempDir {
 public:
  // PREFIX names what the directory is for: PREFIX-XXXXXX, in UNDER when
  // given (a test whose path must not hold what $TMPDIR may, as a space).
  explicit TempDir(const std::string& prefix = "hio-test", std::string under = "") {
    const char* tmpdir = std::getenv("TMPDIR");
    if (under.empty()) under = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
    std::string pattern = under + "/" + prefix + "-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(),
                              "cannot make a temporary directory " + pattern);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace hio::test
