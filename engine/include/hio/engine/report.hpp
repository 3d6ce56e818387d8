// Where hio's libraries say what no caller can be told otherwise: a journal
// that a destructor could not finish, an invariant that failed (just before
// the abort). One sink for the process, which a program may set (hio's
// command line does, so that these lines carry the running command's name).
#pragma once

#include <functional>
#include <initializer_list>
#include <string_view>

namespace hio {

// Gets one line, without its newline and without a prefix ("journal 'x.hioj'
// was not finished and lost its last pass: ..."). May be called from any
// thread, and from a destructor: it should not throw (what it throws is
// dropped, and the line goes to stderr instead).
using ReportSink = std::function<void(std::string_view line)>;

// Sets the sink (an empty one: the default again, stderr with "hio: " before
// each line) and returns the one it replaced, for a caller that sets one for
// a while and puts the old one back. Thread-safe; a line said while the
// sink is replaced goes to the one or the other, whole.
ReportSink set_report_sink(ReportSink sink);

// Says the line made of `pieces` (joined as they are) through the sink.
// Never throws: without the memory to join them, the pieces go to stderr.
void report(std::initializer_list<std::string_view> pieces) noexcept;

}  // namespace hio
