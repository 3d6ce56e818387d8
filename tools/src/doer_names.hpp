// The doer names a scenario takes, its copies' included, as the loader checks
// them for clashes; and how a name reads as a copy's.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace hio::tools {

// A copy's name, "<base>-<index>": the doer with `copies` names its copies
// so, index from 1, written as std::to_string writes it.
struct CopyName {
  std::string_view base;
  std::int64_t index = 0;
};

// `name` read as a copy's: after its last '-', digits with no leading zero
// (no sign) of a number from 1 to INT64_MAX; nullopt when it cannot be one.
std::optional<CopyName> parse_copy_name(std::string_view name);

// Every doer name taken so far, and every copy's. A scenario may have two
// million copies (the loader's doer limit): their names are kept as one
// range per doer with copies (<base>-1 ... <base>-n), not a string each, as
// a set of them took seconds and 150 MB to fill. Clashes are found exactly
// as a set of every name, filled in the same order, finds them.
class DoerNames {
 public:
  // Takes `name` for a doer said to be `where` (its name's file:line:col):
  // false, and nothing taken, when a doer or a copy has it already.
  bool take(const std::string& name, const std::string& where = "");
  // Who has `name`, as a message says it ("the doer at s.toml:6:8", "copy 1
  // of doer 't' at s.toml:8:8"); "" when no doer or copy has it.
  std::string holder(std::string_view name) const;
  // Takes <base>-1 ... <base>-<count>, in order, up to the first one a doer
  // or a copy has already: that one's index (those before it are taken), or
  // 0 when all are taken.
  std::int64_t take_copies(const std::string& base, std::int64_t count);

 private:
  std::map<std::string, std::string, std::less<>> doers_;  // name -> where
  // Of the doers' names that read as a copy's, the indexes by base: the
  // first copy of a base a doer's name took is the first of this set.
  std::map<std::string, std::set<std::int64_t>, std::less<>> doers_as_copies_;
  // By base, n when the copies <base>-1 ... <base>-n are taken (ranges from
  // 1, so that the union of several is the longest).
  std::map<std::string, std::int64_t, std::less<>> copies_;
};

}  // namespace hio::tools
