// Where two journals' scenario texts part: the line `hio diff` shows under a
// differing scenario_digest, so that a user sees what changed, not two hashes.
#pragma once

#include <string>
#include <string_view>

namespace hio::replay {

// "first differs at line 9, column 10: \"limit = \\\"0.06s\\\"\" vs \"limit =
// \\\"0.2s\\\"\"" for the first line (split at '\n') where `a` and `b` differ,
// its column in characters as an editor counts them (UTF-8 code points, a
// byte that is not UTF-8 one), each line quoted and escaped (a '\r' of a
// CRLF copy shows as \r; both as bytes, \xNN beyond ASCII, when the
// difference is beyond ASCII, so that a byte order mark or a no-break space
// shows), a long one cut around the difference with "...", never inside a
// character; "line 40 is only in the second: ..." when one text is the
// other's first lines; "line 3 is the same, and ends the second without a
// line end after it[; the first goes on: line 4 is ...]" where one text ends
// without a line end; "the first has no scenario text; the second's line 1
// is ..." for an empty side; "" when the texts are equal.
std::string describe_scenario_difference(std::string_view a, std::string_view b);

}  // namespace hio::replay
