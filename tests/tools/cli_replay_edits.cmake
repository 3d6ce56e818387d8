# `hio replay` of journals edited (tests/tools/journal_edit.cpp) or cut so
# that the replay meets what a plain recording never shows it.
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

# A tool to run: journal-edit (given as -DEDIT=).
macro(edit)
  run_tool(${EDIT} ${ARGN})
endmacro()

set(jitter ${SCENARIOS}/tcp_echo_jitter.toml)
hio(run ${jitter} --record ${WORK}/jitter.hioj EXIT 0)

# 1. A listener whose open differs from the recorded one (the header's
# scenario edited: another port): a divergence at pass 0 (exit 3, the usual
# report), not the scenario error the client naming it would give ('@server'
# names no listening doer: the listener never got its recorded address).
edit(scenario ${WORK}/jitter.hioj ${WORK}/listener.hioj "address = \"sim://server:7\""
     "address = \"sim://server:8\"" EXIT 0)
hio(diff ${WORK}/jitter.hioj ${WORK}/listener.hioj EXIT 0 3)
hio(replay ${WORK}/listener.hioj --record ${WORK}/listener-replay.hioj EXIT 3)
require("${out}" ": diverged\n" "listener open: status")
require("${out}" "replay diverged at pass 0 \\(tyme 0 s\\) on channel #1 \"server\": event differs \\(peer\\)\n  expected: p0 0 s0 #1 open listener name=\"server\" address=\"sim://server:7\"\n  actual:   p0 0 s0 #1 open listener name=\"server\" address=\"sim://server:8\"\n"
        "listener open: the divergence")
hio(inspect ${WORK}/listener-replay.hioj EXIT 0)
require("${out}" "\ntrailer [^\n]* end=error end_tyme=0 end_text=\"replay diverged at pass 0 " "listener open: the replay's trailer")
hio(replay ${WORK}/listener.hioj --json EXIT 3)
require("${out}" "\"divergence\": \\{\"kind\": \"event differs\", \"pass\": 0, " "listener open: json")
