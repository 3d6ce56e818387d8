#include "journal_target.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <system_error>
#include <utility>
#include <vector>

#include "hio/engine/doist.hpp"
#include "hio/io/error_text.hpp"
#include "hio/replay/sync_directory.hpp"
#include "hio/tools/runner.hpp"
#include "hio/tools/scenario.hpp"

namespace hio::tools {

namespace fs = std::filesystem;

namespace {

// One file, whatever its names: the same device and inode.
bool same_inode(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// The process's umask, without changing it (umask(2) can only set it, and
// a sweep's threads create files meanwhile): /proc's "Umask:" line (Linux
// 4.7 and later); without it, set and restored at once.
mode_t process_umask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) == 0) {
      return static_cast<mode_t>(std::strtoul(line.c_str() + 6, nullptr, 8) & 0777);
    }
  }
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return mask;
}

// Follows the symbolic links from `path` (the path itself; its directories
// are weakly_canonical's), calling `stop` with each path on the way, `path`
// first, until it returns true. `at`: the last one. 0, or ELOOP for links
// that loop.
int follow_links(const std::string& path, const std::function<bool(const fs::path&)>& stop,
                 fs::path& at) {
  constexpr int kLinksMax = 40;  // Linux's MAXSYMLINKS
  at = path;
  for (int links = 0;; ++links) {
    if (stop(at)) return 0;
    std::error_code error;
    if (!fs::is_symlink(fs::symlink_status(at, error))) return 0;
    if (links == kLinksMax) return ELOOP;
    const fs::path target = fs::read_symlink(at, error);
    if (error) return 0;
    at = target.is_absolute() ? target : at.parent_path() / target;
  }
}

// Whether this process has `capability` in its effective set (capget(2):
// hio does not link libcap). Where capget fails (no such call): uid 0.
bool has_capability(int capability) {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;  // this process
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return ::geteuid() == 0;
  const auto word = static_cast<std::size_t>(capability / 32);
  return (data[word].effective & (1U << (capability % 32))) != 0;
}

// Whether `id`, as stat(2) gives it here, is mapped in this process's user
// namespace by `map` (/proc/self/uid_map or gid_map: "inside outside
// count" lines). Unmapped ids read as the overflow id (65534), which such
// a map leaves out. No map to read (no /proc): mapped, as in the initial
// namespace, which maps every id.
bool id_mapped(const char* map, unsigned long id) {
  std::ifstream lines(map);
  if (!lines) return true;
  unsigned long inside = 0;
  unsigned long outside = 0;
  unsigned long count = 0;
  while (lines >> inside >> outside >> count) {
    if (id >= inside && id - inside < count) return true;
  }
  return false;
}

// Whether the kernel lets this process do as a file's owner would where
// CAP_FOWNER decides (renaming over another's file in a sticky directory):
// the capability in its effective set, rather than uid 0 (root that dropped
// it may not, another user given it may), and the file's owner and group
// mapped in its user namespace (capable_wrt_inode_uidgid: root in a
// rootless container may not, over a file of a user it does not map).
bool fowner_over(const struct stat& file) {
  return has_capability(CAP_FOWNER) && id_mapped("/proc/self/uid_map", file.st_uid) &&
         id_mapped("/proc/self/gid_map", file.st_gid);
}

// The longest file name `dir`'s file system allows (NAME_MAX where it
// does not say).
std::size_t name_max(const fs::path& dir) {
  const long max = ::pathconf(dir.empty() ? "." : dir.c_str(), _PC_NAME_MAX);
  return max > 0 ? static_cast<std::size_t>(max) : NAME_MAX;
}

// The first bytes compared at the end (written_file_lost): the journal's
// preamble and more, the start of a report.
constexpr std::size_t kHeadBytes = 64;

// Up to `count` bytes of `fd` from its start.
std::string read_head(int fd, std::size_t count) {
  std::string head(count, '\0');
  std::size_t got = 0;
  while (got < count) {
    const ssize_t n = ::pread(fd, head.data() + got, count - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  head.resize(got);
  return head;
}

// The rule of fs.protected_symlinks=1, whatever this machine's setting: a
// symbolic link `link` in a sticky directory that everyone may write (/tmp)
// is followed only by the link's owner, or where the directory's owner owns
// it too. "" where it may be followed, else why not.
std::string protected_link(const std::string& link, const struct stat& link_status,
                           const std::string& dir) {
  struct stat dir_status {};
  if (link_status.st_uid == ::geteuid() || ::stat(dir.c_str(), &dir_status) != 0 ||
      (dir_status.st_mode & (S_ISVTX | S_IWOTH)) != (S_ISVTX | S_IWOTH) ||
      dir_status.st_uid == link_status.st_uid) {
    return "";
  }
  return display_text(shown_path(link)) + " is a symbolic link of uid " +
         std::to_string(link_status.st_uid) + "'s in the sticky directory " +
         display_text(shown_path(dir)) +
         " that everyone may write: the kernel's fs.protected_symlinks follows such a link only "
         "for its owner (a shell's `>` is refused too), and hio follows it for no one else, root "
         "included; give the path it names, or have the link removed";
}

}  // namespace

int written_path(const std::string& path, std::string& out, std::string* why) {
  constexpr int kLinksMax = 40;  // Linux's MAXSYMLINKS
  // The components still to walk, the next one last.
  std::vector<std::string> rest;
  const auto push = [&rest](const fs::path& p) {
    std::vector<std::string> parts;
    for (const fs::path& part : p.relative_path())
      parts.push_back(part.string());
    rest.insert(rest.end(), parts.rbegin(), parts.rend());
  };
  std::error_code no_cwd;
  fs::path done = fs::path(path).is_absolute() ? fs::path("/") : fs::current_path(no_cwd);
  push(path);
  int links = 0;
  // Whether a component was walked: a relative path whose first one does not
  // exist stays relative, as weakly_canonical leaves it ("x.hioj").
  bool walked = false;
  while (!rest.empty()) {
    const std::string part = rest.back();
    rest.pop_back();
    if (part.empty()) continue;
    const bool first = !walked;
    walked = true;
    if (part == ".") continue;
    if (part == "..") {
      done = done.parent_path();  // `done` has no link left: as the kernel goes up
      continue;
    }
    const fs::path next = done / part;
    struct stat status {};
    if (::lstat(next.c_str(), &status) != 0) {
      // Nothing there (yet): the rest as written, as weakly_canonical does.
      fs::path tail = first && fs::path(path).is_relative() ? fs::path(part) : next;
      for (auto it = rest.rbegin(); it != rest.rend(); ++it)
        tail /= *it;
      out = tail.lexically_normal().string();
      return 0;
    }
    if (!S_ISLNK(status.st_mode)) {
      done = next;
      continue;
    }
    if (++links > kLinksMax) return ELOOP;
    if (std::string refused = protected_link(next.string(), status, done.string());
        !refused.empty()) {
      if (why != nullptr) *why = std::move(refused);
      return EACCES;
    }
    std::error_code unreadable;
    const fs::path target = fs::read_symlink(next, unreadable);
    if (unreadable) {
      done = next;
      continue;
    }
    if (target.is_absolute()) done = "/";
    push(target);
  }
  out = done.string();
  return 0;
}

std::string protected_file(const std::string& file) {
  struct stat status {};
  struct stat dir_status {};
  const fs::path dir = fs::path(file).parent_path();
  if (::lstat(file.c_str(), &status) != 0 ||
      (!S_ISREG(status.st_mode) && !S_ISFIFO(status.st_mode)) ||
      ::stat(dir.empty() ? "." : dir.c_str(), &dir_status) != 0) {
    return "";
  }
  if ((dir_status.st_mode & S_ISVTX) == 0 || (dir_status.st_mode & (S_IWOTH | S_IWGRP)) == 0 ||
      status.st_uid == ::geteuid() || status.st_uid == dir_status.st_uid) {
    return "";
  }
  return "the " + std::string(S_ISFIFO(status.st_mode) ? "FIFO" : "file") + " is uid " +
         std::to_string(status.st_uid) + "'s, in the sticky directory " +
         display_text(shown_path(dir.string())) +
         " that others may write, and neither yours nor the directory owner's: hio neither "
         "writes, replaces nor takes it over, for root neither, as the kernel's fs.protected_" +
         (S_ISFIFO(status.st_mode) ? "fifos" : "regular") +
         "=2 refuses to open such a file with O_CREAT (a shell's `>`); have it removed, or "
         "write another path";
}

std::string shown_path(const std::string& resolved) {
  const char* shell_cwd = std::getenv("PWD");
  std::error_code no_cwd;
  const fs::path cwd = fs::current_path(no_cwd);
  struct stat named {};
  struct stat here {};
  if (shell_cwd == nullptr || shell_cwd[0] != '/' || no_cwd || cwd == shell_cwd ||
      ::stat(shell_cwd, &named) != 0 || ::stat(".", &here) != 0 || !same_inode(named, here)) {
    return resolved;
  }
  // Component by component: /a/bc is not in /a/b.
  const fs::path path(resolved);
  auto part = path.begin();
  for (auto c = cwd.begin(); c != cwd.end(); ++c, ++part) {
    if (part == path.end() || *part != *c) return resolved;
  }
  fs::path shown(shell_cwd);
  for (; part != path.end(); ++part)
    shown /= *part;
  return shown.string();
}

bool descriptor_path(const std::string& path) {
  bool found = false;
  fs::path at;
  follow_links(
      path,
      [&found](const fs::path& hop) {
        std::error_code ignored;
        const std::string p = fs::absolute(hop, ignored).lexically_normal().string();
        // /proc/<pid, self or thread-self>/fd/N, /proc/<pid>/task/<tid>/fd/N.
        found = p == "/dev/stdin" || p == "/dev/stdout" || p == "/dev/stderr" ||
                p.rfind("/dev/fd/", 0) == 0 ||
                (p.rfind("/proc/", 0) == 0 && p.find("/fd/") != std::string::npos);
        return found;
      },
      at);
  return found;
}

bool same_file(const std::string& input, const std::string& output) {
  // A standard input the caller closed is /dev/null opened write-only
  // (reserve_standard_fds): it reads no file.
  if (input == "-" && (::fcntl(STDIN_FILENO, F_GETFL) & O_ACCMODE) == O_WRONLY) return false;
  struct stat in {};
  struct stat out {};
  const int got = input == "-" ? ::fstat(STDIN_FILENO, &in) : ::stat(input.c_str(), &in);
  return got == 0 && ::stat(output.c_str(), &out) == 0 && same_inode(in, out);
}

std::string standard_stream_named(const std::string& output) {
  struct stat out {};
  if (::stat(output.c_str(), &out) != 0) return "";
  const std::pair<int, const char*> streams[] = {{STDOUT_FILENO, "standard output"},
                                                 {STDERR_FILENO, "standard error"}};
  for (const auto& [fd, name] : streams) {
    struct stat status {};
    if (::fstat(fd, &status) != 0 || !same_inode(status, out)) continue;
    if (S_ISCHR(status.st_mode) && ::isatty(fd) == 0) continue;  // /dev/null, /dev/full
    return name;
  }
  return "";
}

void FileTarget::refuse_inputs(const std::vector<std::string>& inputs,
                               const std::string& what) const {
  if (!wanted()) return;
  for (const std::string& input : inputs) {
    if (same_file(input, path_)) {
      throw ScenarioError(
          {Diagnostic{SourcePos{path_, 0, 0}, "the " + what_ + " would overwrite " +
                                                  display_text(input) + ", " + what +
                                                  " (the same file); write it into another file"}});
    }
  }
}

void FileTarget::cannot_create(const std::string& why) const {
  throw OutputError(
      {Diagnostic{SourcePos{path_, 0, 0}, "cannot create the " + what_ + ": " + why}});
}

FileTarget::FileTarget(std::string path, std::string what)
    : path_(std::move(path)), what_(std::move(what)), write_path_(path_) {
  if (path_.empty()) return;
  // Through a symbolic link to the file it names, so that the link stays;
  // but not through one the kernel's protections would not follow, nor into
  // a file they would not let `> FILE` open, whatever this machine's
  // settings (a FIFO, a device included).
  std::string refused;
  if (const int error = written_path(path_, final_path_, &refused); error != 0) {
    cannot_create(errno_text(error) + (refused.empty() ? "" : " (" + refused + ")"));
  }
  struct stat status {};
  const bool exists = ::stat(path_.c_str(), &status) == 0;
  // A directory, as open(2) would refuse it, for every command alike.
  if (exists && S_ISDIR(status.st_mode)) cannot_create(errno_text(EISDIR));
  if (exists && !S_ISREG(status.st_mode)) {  // a pipe, a device: written directly
    if (const std::string why = protected_file(final_path_); !why.empty()) {
      cannot_create(errno_text(EACCES) + " (" + why + ")");
    }
    // Not a terminal (/dev/tty, /dev/pts/N): the file's bytes, a peer's
    // escape sequences among them, would go to the screen raw.
    if (S_ISCHR(status.st_mode)) {
      const int fd = ::open(path_.c_str(), O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
      const bool terminal = fd >= 0 && ::isatty(fd) == 1;
      if (fd >= 0) ::close(fd);
      if (terminal) {
        cannot_create("it is a terminal, where the " + what_ +
                      "'s bytes (a peer's escape sequences among them) would be shown raw; give "
                      "a file name, or a pipe (>(gzip > run.hioj.gz))");
      }
    }
    return;
  }
  // A FILE the user could not open for writing is not replaced either (a
  // write-protected journal stays, as `> FILE` in a shell leaves it), and
  // this is said now, before the run.
  if (exists && ::faccessat(AT_FDCWD, path_.c_str(), W_OK, AT_EACCESS) != 0) {
    const int error = errno;
    cannot_create(errno_text(error) +
                  (error == EACCES ? " (the file exists, and you have no write permission on it: "
                                     "hio replaces only a file it could write)"
                                   : ""));
  }
  descriptor_path_ = descriptor_path(path_);
  // What the rename at commit() would refuse, said now, before the run.
  if (const std::string why = replace_refused(0); !why.empty()) cannot_create(why);
  if (const std::string why = protected_file(final_path_); !why.empty()) {
    cannot_create(errno_text(EACCES) + " (" + why + ")");
  }
  // FILE's directory, held from now on: every name in it (the temporary,
  // FILE) is reached from this descriptor, never again through the path.
  const fs::path final_path(final_path_);
  const fs::path dir = final_path.parent_path().empty() ? fs::path(".") : final_path.parent_path();
  name_ = final_path.filename().string();
  dir_fd_ = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_ < 0) cannot_create(errno_text(errno));
  try {
    if (!open_anonymous()) open_named(exists, dir.string());
  } catch (...) {
    // No destructor runs for a constructor that throws.
    if (write_fd_ >= 0) ::close(write_fd_);
    ::close(dir_fd_);
    throw;
  }
}

void FileTarget::open_named(bool exists, const std::string& dir) {
  // FILE.XXXXXX beside FILE, so that the rename stays in one file system.
  const std::string temporary = (fs::path(dir) / temporary_name(".XXXXXX")).string();
  std::vector<char> name(temporary.begin(), temporary.end());
  name.push_back('\0');
  // Held until commit(): not to be inherited by a process the embedder starts.
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0 && errno == EACCES && exists && ::access(path_.c_str(), W_OK) == 0) {
    // FILE itself may be writable: say why that is not enough.
    cannot_create(errno_text(EACCES) + " (the " + what_ +
                  " is written beside it and renamed over it when complete, which needs write "
                  "permission on the directory " +
                  display_text(shown_path(dir)) + ")");
  }
  if (fd < 0) cannot_create(errno_text(errno));
  write_fd_ = fd;  // kept: the file is never opened by its name again
  temporary_ = true;
  temporary_name_ = fs::path(name.data()).filename().string();
  remember_written(fd);
  // mkstemp went by the path: the name must be in the directory held. If
  // not, the file stays where the path led (a directory swapped in by
  // someone who may write the parent): removing it by that path could
  // remove another's file if the path changes again, and by the held
  // directory the name is not ours.
  if (!is_written_name(temporary_name_)) {
    cannot_create(errno_text(EAGAIN) + " (the temporary file " + display_text(temporary_name_) +
                  " made in " + display_text(shown_path(dir)) +
                  " was removed or replaced by another process as it was made, or the directory "
                  "itself was: someone else writes it)");
  }
  // 0600, which it stays until commit() (take_mode): mkstemp's 0600 less the
  // umask would keep a user with `umask 222` from writing it.
  ::fchmod(fd, 0600);
  // Writers given only a path (write_path()) write the file through /proc,
  // as the file without a name; without /proc, by its name.
  const std::string proc = "/proc/self/fd/" + std::to_string(fd);
  write_path_ = ::access(proc.c_str(), W_OK) == 0 ? proc : name.data();
}

bool FileTarget::open_anonymous() {
#ifdef O_TMPFILE
  // A file with no name in FILE's directory (so that linkat stays in one file
  // system), written through /proc/self/fd/N: a process killed before
  // commit() leaves nothing behind. Not every file system has O_TMPFILE, and
  // /proc may be missing: then the caller falls back to a named temporary.
  // Only the user may read it until commit() (take_mode).
  const int fd = ::openat(dir_fd_, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  // Not less (the umask): it is opened again to be written.
  ::fchmod(fd, 0600);
  const std::string proc = "/proc/self/fd/" + std::to_string(fd);
  if (::access(proc.c_str(), W_OK) != 0) {
    ::close(fd);
    return false;
  }
  remember_written(fd);
  write_fd_ = fd;
  write_path_ = proc;
  temporary_ = true;
  return true;
#else
  return false;
#endif
}

bool FileTarget::is_written_name(const std::string& name) const {
  struct stat status {};
  return ::fstatat(dir_fd_, name.c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0 && is_written(status);
}

std::string FileTarget::rename_written(const std::string& from) const {
  // Only the file written: a name someone else swapped in meanwhile (a
  // link, another file: they can write the directory) is not given FILE.
  if (!is_written_name(from)) {
    return "the file written as " + display_text(from) +
           " beside it was removed or replaced by "
           "another process before it could be renamed (someone else writes its directory)";
  }
  if (::renameat(dir_fd_, from.c_str(), dir_fd_, name_.c_str()) != 0) {
    const int error = errno;
    const std::string why = replace_refused(error);
    return why.empty() ? errno_text(error) : why;
  }
  return "";
}

// linkat cannot replace an existing FILE: then the file gets a fresh name
// beside it first (FILE.<pid>.<n>, the one moment a kill could leave a name)
// and is renamed over FILE.
std::string FileTarget::link_anonymous() const {
  const std::string from = write_path_;
  if (::linkat(AT_FDCWD, from.c_str(), dir_fd_, name_.c_str(), AT_SYMLINK_FOLLOW) == 0) return "";
  int error = errno;
  for (int n = 0; error == EEXIST && n < 100; ++n) {
    const std::string name =
        temporary_name("." + std::to_string(::getpid()) + "." + std::to_string(n));
    if (::linkat(AT_FDCWD, from.c_str(), dir_fd_, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      std::string why = rename_written(name);
      if (!why.empty() && is_written_name(name)) ::unlinkat(dir_fd_, name.c_str(), 0);
      return why;
    }
    error = errno;
  }
  const std::string why = replace_refused(error);
  return why.empty() ? errno_text(error) : why;
}

FileTarget::~FileTarget() {
  if (named_fd_ >= 0) ::close(named_fd_);
  // A temporary with a name goes unless it became FILE (and only if it is
  // still the file written); one without a name goes with its descriptor.
  if (temporary_ && !committed_ && !temporary_name_.empty() && is_written_name(temporary_name_)) {
    ::unlinkat(dir_fd_, temporary_name_.c_str(), 0);
  }
  if (write_fd_ >= 0) ::close(write_fd_);
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

void JournalTarget::open(std::optional<replay::Journal>& journal, Doist& doist, IoHub& hub,
                         replay::JournalHeader header, replay::JournalOptions options) {
  // Errors name FILE, not the temporary name it is written under.
  options.writer.name = path();
  options.writer.fd = write_fd();  // the temporary's own descriptor, never its name
  set_sync(options.writer.sync);   // and FILE's directory at commit()
  options.header_written = [this] {
    header_on_disk_ = true;
    if (tree_built_) commit();
  };
  try {
    journal.emplace(doist, hub, write_path(), std::move(header), std::move(options));
  } catch (const std::system_error& error) {
    // A stop signal while FILE is opened (a FIFO with no reader blocks there):
    // the interruption is what happened, not a journal that cannot be created.
    const int signal = caught_stop_signal();
    if (error.code() == std::errc::interrupted && signal != 0) {
      throw BuildInterrupted(signal, "set up (its journal was being opened)");
    }
    cannot_create(error_text(error.code()));  // what() would name FILE again
  }
}

void JournalTarget::tree_built() {
  tree_built_ = true;
  if (header_on_disk_) commit();
}

void FileTarget::remember_written(int fd) {
  struct stat status {};
  if (::fstat(fd, &status) != 0) return;
  written_dev_ = status.st_dev;
  written_ino_ = status.st_ino;
}

bool FileTarget::is_written(const struct stat& status) const {
  return status.st_dev == written_dev_ && status.st_ino == written_ino_;
}

std::string file_name_now(int fd) {
  std::error_code unknown;
  const std::filesystem::path now =
      std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd), unknown);
  if (unknown) return "";
  // Not the name it was opened by, gone while a second hard link keeps
  // the file: /proc then gives that name with " (deleted)".
  std::string where = now.string();
  const std::string deleted = " (deleted)";
  if (where.size() >= deleted.size() &&
      where.compare(where.size() - deleted.size(), deleted.size(), deleted) == 0) {
    return "";
  }
  return where;
}

namespace {

// The file written, found by its name in `dir_fd` (a descriptor of its
// directory that the caller holds: wherever the directory went since),
// opened; -1 if that name is not it (by device and inode) or there is none.
int open_in_held_directory(const WrittenFile& file, int dir_fd) {
  if (dir_fd < 0) return -1;
  const std::string name = std::filesystem::path(file.final_path).filename().string();
  const int fd =
      ::openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
  if (fd < 0) return -1;
  struct stat status {};
  if (::fstat(fd, &status) != 0 || status.st_dev != file.dev || status.st_ino != file.ino) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::string written_file_lost(const WrittenFile& file, int named_fd, const std::string& during,
                              bool* moved, int dir_fd) {
  if (moved != nullptr) *moved = false;
  if (named_fd < 0) {
    // No descriptor of the file kept (a sweep's journals, checked at its
    // end): found through its directory's, if the caller holds one, a
    // directory renamed since (`mv out out2`) is a move, not a removal.
    const int found = open_in_held_directory(file, dir_fd);
    if (found >= 0) {
      std::string why = written_file_lost(file, found, during, moved);
      ::close(found);
      return why;
    }
  }
  const std::string the = "the " + file.what;
  const std::string lost = ": what was written is lost";
  struct stat status {};
  const bool named = ::stat(file.final_path.c_str(), &status) == 0;
  const int stat_error = errno;
  if (named && status.st_dev == file.dev && status.st_ino == file.ino) {
    // The file itself, cut or written to by another process: logrotate's
    // copytruncate or a `: > FILE` leaves it shorter, or, once the writer
    // wrote on at its offset, as long but starting with zero bytes.
    const auto size = static_cast<std::uint64_t>(status.st_size);
    const std::string sizes =
        std::to_string(file.size) + " bytes written, " + std::to_string(size) + " in the file now";
    std::string head;
    if (named_fd >= 0) {
      head = read_head(named_fd, file.head.size());
    } else if (const int fd = ::open(file.final_path.c_str(),
                                     O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
               fd >= 0) {
      head = read_head(fd, file.head.size());
      ::close(fd);
    } else {
      head = file.head;  // unreadable now: the size alone is compared
    }
    // A size of 0 with the first bytes there is a file system that gives
    // no sizes (as /proc's files; some FUSE ones), not a file cut to 0.
    if (size < file.size && (size != 0 || head != file.head)) {
      return the + " was truncated during " + during + " (" + sizes +
             ": another process cut it, as logrotate's copytruncate or `: > FILE` do)" + lost;
    }
    // Cut and written on, seen by the writer: as long as written, and its
    // first bytes intact when the cut left more than those (a `truncate -s
    // N`), but zeros from the cut to where the writer was. (The same rule
    // for a size of 0 as above: such a file system says 0 to the writer too.)
    if (file.cut_seen && (file.cut_seen->size != 0 || head != file.head)) {
      const replay::JournalCut& cut = *file.cut_seen;
      return the + " was truncated during " + during + " (another process cut it to " +
             std::to_string(cut.size) + " bytes when " + std::to_string(cut.written) +
             " were written, as `truncate -s`, logrotate's copytruncate or `: > FILE` do, and it "
             "was written on: bytes " +
             std::to_string(cut.size) + " to " + std::to_string(cut.written) + " read as zeros; " +
             sizes + ")" + lost;
    }
    if (head != file.head) {
      return the + " was truncated or overwritten during " + during +
             " (its first bytes are not the ones written: another process cut it and it was "
             "written on, as after logrotate's copytruncate or `: > FILE`, or wrote into it; " +
             sizes + ")" + lost;
    }
    if (size > file.size) {
      return the + " was written to by another process during " + during + " (" + sizes + ")" +
             lost;
    }
    return "";
  }
  // Where the file written is now: a name elsewhere (moved: it is complete
  // there), or none (removed, or replaced by a rename over it).
  struct stat written {};
  if (named_fd >= 0 && ::fstat(named_fd, &written) == 0 && written.st_nlink > 0) {
    const std::string where = file_name_now(named_fd);
    if (moved != nullptr) *moved = true;
    return the + " was moved during " + during + " (" +
           (named ? std::string("another file has its name now")
                  : "its name is gone: " + errno_text(stat_error)) +
           "): it is complete" +
           (where.empty() ? " under another name" : ", as " + display_text(shown_path(where))) +
           ", but not at this path";
  }
  if (!named) {
    return the + " was removed during " + during + " (it, or its directory, was deleted" +
           (named_fd >= 0 ? "" : " or moved") + ": " + errno_text(stat_error) + ")" + lost;
  }
  return the + " was replaced during " + during +
         " by another file (another process "
         "wrote the same path: two captures to one file?)" +
         lost;
}

WrittenFile FileTarget::written_file(std::optional<WriterCount> written) const {
  return WrittenFile{what_,
                     final_path_,
                     written_dev_,
                     written_ino_,
                     written ? written->bytes : committed_size_,
                     head_,
                     written ? written->cut_seen : std::nullopt};
}

std::string FileTarget::lost(bool* moved, std::optional<WriterCount> written,
                             const std::string& during) const {
  if (moved != nullptr) *moved = false;
  if (!temporary_ || !committed_) return "";
  return written_file_lost(written_file(written), named_fd_, during, moved);
}

std::function<std::string(int, bool*)> FileTarget::later_check(std::uint64_t size) const {
  if (!temporary_ || !committed_) return {};
  // A cut its writer saw was said at its end (lost()): the size alone.
  return [file = written_file(WriterCount{size, std::nullopt})](int dir_fd, bool* moved) {
    return written_file_lost(file, -1, "the sweep", moved, dir_fd);
  };
}

std::string FileTarget::now_at() const {
  if (named_fd_ < 0 || lost().empty()) return "";
  return shown_path(file_name_now(named_fd_));
}

std::string FileTarget::temporary_name(const std::string& suffix) const {
  const fs::path final_path(final_path_);
  std::string name = name_;
  const std::size_t max = name_max(final_path.parent_path());
  // Shortened to fit: FILE's name of 250 bytes is valid, FILE.XXXXXX not.
  if (name.size() + suffix.size() > max) name.resize(max > suffix.size() ? max - suffix.size() : 0);
  return name + suffix;
}

std::string FileTarget::replace_refused(int error) const {
  const fs::path final_path(final_path_);
  const fs::path dir = final_path.parent_path().empty() ? fs::path(".") : final_path.parent_path();
  if (error == 0 || error == ENAMETOOLONG) {
    const std::size_t name = final_path.filename().string().size();
    const std::size_t max = name_max(dir);
    if (name > max) {
      // The directory as the user wrote it (captures, not /home/u/captures):
      // the name too long is the one given, unless a link led to another.
      const fs::path given(path_);
      const fs::path shown = given.filename() != final_path.filename()
                                 ? fs::path(shown_path(dir.string()))
                             : given.parent_path().empty() ? fs::path(".")
                                                           : given.parent_path();
      return errno_text(ENAMETOOLONG) + " (its name has " + std::to_string(name) +
             " bytes; the file system of " + display_text(shown.string()) + " allows " +
             std::to_string(max) + ")";
    }
  }
  // In a sticky directory (/tmp) only a file's owner, the directory's or a
  // process with CAP_FOWNER (root, unless it dropped it) may rename over it,
  // as the kernel decides: `> FILE` writes into it, hio may not replace it.
  struct stat dir_status {};
  struct stat file_status {};
  const uid_t user = ::geteuid();
  if ((error == 0 || error == EPERM) && ::stat(dir.c_str(), &dir_status) == 0 &&
      (dir_status.st_mode & S_ISVTX) != 0 && dir_status.st_uid != user &&
      ::lstat(final_path_.c_str(), &file_status) == 0 && file_status.st_uid != user &&
      !fowner_over(file_status)) {
    return errno_text(EPERM) + " (the file is another user's, in a directory with the sticky bit " +
           display_text(shown_path(dir.string())) +
           ": only its owner, the directory's or a process with CAP_FOWNER may replace it, and "
           "hio writes a new file and renames it over the old one, never into it; have it "
           "removed, or write another path)";
  }
  return "";
}

void FileTarget::take_mode() const {
  // By the descriptor, FILE looked at in the directory held, never through a
  // link: nothing but the file written changes owner or mode.
  struct stat replaced {};
  if (::fstatat(dir_fd_, name_.c_str(), &replaced, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISREG(replaced.st_mode)) {
    ::fchmod(write_fd_, 0666 & ~process_umask());  // what open(2) would give
    return;
  }
  // The owner and group where the user may give them (root; a group the
  // user is in), else the user's own.
  if (::fchown(write_fd_, replaced.st_uid, replaced.st_gid) != 0) {
    ::fchown(write_fd_, static_cast<uid_t>(-1), replaced.st_gid);
  }
  ::fchmod(write_fd_, replaced.st_mode & 0777);
}

void FileTarget::sync_directory() const {
  if (const int error = replay::sync_directory_of(final_path_); error != 0) {
    cannot_create(errno_text(error) +
                  " (syncing its directory, so that the name survives a power loss)");
  }
}

void FileTarget::commit() {
  committed_ = true;
  if (!temporary_) return;
  take_mode();
  const std::string why =
      temporary_name_.empty() ? link_anonymous() : rename_written(temporary_name_);
  if (!why.empty()) {
    committed_ = false;  // the destructor removes the file written
    cannot_create(why);
  }
  if (sync_) sync_directory();
  // Kept for lost(): the file by its own handle, wherever it goes.
  const int fd =
      ::openat(dir_fd_, name_.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
  struct stat status {};
  if (fd >= 0 && ::fstat(fd, &status) == 0 && is_written(status)) {
    named_fd_ = fd;
    committed_size_ = static_cast<std::uint64_t>(status.st_size);
    head_ = read_head(fd, kHeadBytes);
    return;
  }
  if (fd >= 0) ::close(fd);
  // Not readable (a write-only mode taken from the file replaced): its size
  // by the descriptor, and no first bytes to compare (written_file_lost
  // compares none).
  if (::fstat(write_fd_, &status) == 0)
    committed_size_ = static_cast<std::uint64_t>(status.st_size);
}

}  // namespace hio::tools
