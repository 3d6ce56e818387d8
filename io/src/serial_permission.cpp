#include "serial_permission.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include "hio/io/error_text.hpp"

namespace hio::detail {

namespace {

// getgrgid_r/getpwuid_r's buffer: enough for every entry but a group of
// very many members, which then goes by its number.
constexpr std::size_t kEntryBytesMax = 64 * 1024;

std::string group_name(gid_t gid) {
  std::vector<char> buffer(kEntryBytesMax);
  struct group entry {};
  struct group* found = nullptr;
  if (::getgrgid_r(gid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return found->gr_name;
  }
  return std::to_string(gid);
}

std::string user_name(uid_t uid) {
  std::vector<char> buffer(kEntryBytesMax);
  struct passwd entry {};
  struct passwd* found = nullptr;
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return found->pw_name;
  }
  return std::to_string(uid);
}

// Whether the process has `gid`, as open(2) checks it (effective and
// supplementary groups).
bool in_group(gid_t gid) {
  if (::getegid() == gid) return true;
  const int count = ::getgroups(0, nullptr);
  if (count <= 0) return false;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  const int got = ::getgroups(count, groups.data());
  for (int i = 0; i < got; ++i) {
    if (groups[static_cast<std::size_t>(i)] == gid) return true;
  }
  return false;
}

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

std::string permission_denied_reason(const std::string& path) {
  std::string reason = errno_text(EACCES);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return reason;
  const std::string group = group_name(st.st_gid);
  const mode_t group_rw = S_IRGRP | S_IWGRP;
  if ((st.st_mode & group_rw) == group_rw && ::geteuid() != st.st_uid && !in_group(st.st_gid)) {
    return reason + ": it is for group '" + group + "' (mode " + octal_mode(st.st_mode) +
           "), which this user is not in (add the user to it, then log in again)";
  }
  return reason + " (mode " + octal_mode(st.st_mode) + ", owner " + user_name(st.st_uid) +
         ", group " + group + ")";
}

}  // namespace hio::detail
