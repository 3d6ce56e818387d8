// Where two journals' scenario texts part: the line `hio diff` shows under a
// differing scenario_digest, so that a user sees what changed, not two hashes.
#pragma once

#include <string>
#include <string_view>

namespace hio::replay {

// "first differs at line 9, column 10: \"limit = \\\"0.06s\\\"\" vs \"limit =
// \\\"0.2s\\\"\"" for the first line (split at '\n') where `a` and `b` differ,
// each line quoted and escaped (a '\r' of a CRLF copy shows as \r; both as
// bytes, \xNN beyond ASCII, when the difference is beyond ASCII, so that a
// byte order mark or a no-break space shows), a long one cut to the bytes
// around the difference with "..."; "line 40 is only in
// the second: ..." when one text is the other's first lines; "" when the
// texts are equal.
std::string describe_scenario_difference(std::string_view a, std::string_view b);

}  // namespace hio::replay
