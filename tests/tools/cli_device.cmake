# The device user's findings of session 7, each through the hio binary:
# messages, sweep and replay arguments, build errors, --set for [net],
# --counters, real-time sweeps.
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

# A control character in a message is escaped where it is; the rest (UTF-8
# too) is printed as is, the message not quoted whole.
hio(check ${DATA}/device/escaped_address.toml EXIT 2)
require("${err}" "escaped_address.toml:7:11: cannot build doer 'c': bad address 'tcp://s\\\\x07érver:1'"
        "message escaped in place")
string(FIND "${err}" "\"cannot build" quoted)
if(NOT quoted EQUAL -1)
  message(FATAL_ERROR "the message is quoted whole:\n${err}")
endif()

# sweep --force without --out would remove nothing and say nothing.
hio(sweep ${SCENARIOS}/quickstart.toml --seeds 1..2 --force EXIT 2)
require("${err}" "^hio sweep: --force needs --out DIR" "--force without --out")
string(FIND "${out}" "seeds passed" ran)
if(NOT ran EQUAL -1)
  message(FATAL_ERROR "sweep --force without --out ran:\n${out}")
endif()

# --noise "": refused, not a replay without noise.
hio(run ${SCENARIOS}/udp_request_response.toml --record ${WORK}/udp.hioj EXIT 0)
# (Through sh: CMake drops an empty argument.)
run_tool(sh -c "'${HIO}' replay '${WORK}/udp.hioj' --noise ''" EXIT 2)
require("${err}" "^hio replay: --noise \"\": the noise spec is empty; give one or more KEY=VALUE"
        "empty --noise")
run_tool(sh -c "'${HIO}' replay '${WORK}/udp.hioj' --noise '' --seed 3" EXIT 2)
require("${err}" "^hio replay: --noise \"\": the noise spec is empty" "empty --noise with --seed")

# delay_p without delay did nothing: refused, at its offset.
hio(replay ${WORK}/udp.hioj --noise drop=0.1,delay_p=0.5 --seed 1 EXIT 2)
require("${err}" "^hio replay: --noise drop=0.1,delay_p=0.5: noise spec: at offset 9 \\(key 'delay_p'\\): delay_p without delay does nothing"
        "delay_p without delay")
# ... and reorder without reorder_delay in a scenario, at its key.
file(WRITE ${WORK}/reorder.toml "[net]\nhosts = [\"a\", \"b\"]\n[[net.link]]\nfrom = \"a\"\nto = \"b\"\nreorder = 0.1\n[[doer]]\nkind = \"ticker\"\nname = \"t\"\n")
hio(check ${WORK}/reorder.toml EXIT 2)
require("${err}" "reorder.toml:6:11: net.link.reorder without reorder_delay does nothing"
        "reorder without reorder_delay")
