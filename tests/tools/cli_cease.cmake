# A doer that throws what is not a std::exception (an unrequested hio::Cease)
# ends the run as any doer's error does: exit 5, a summary, a journal ending
# with end=error, and a replay by the same program that reproduces it. Before,
# hio run and hio replay caught only std::exception: std::terminate (SIGABRT).
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

set(text "an exception that is not a std::exception")
run_tool(${CEASING} run ${SCENARIOS}/tcp_echo_jitter.toml --record ${WORK}/cease.hioj EXIT 5)
require("${out}" "ended: error: a doer threw ${text}\n" "run summary")
require("${err}" "a doer threw: ${text}; the journal [^\n]*cease.hioj ends with it" "run stderr")
run_tool(${CEASING} run ${SCENARIOS}/tcp_echo_jitter.toml --json EXIT 5)
require("${out}" "\"end\": \"error\", \"error\": \"${text}\"" "run --json")
hio(inspect ${WORK}/cease.hioj EXIT 0)
require("${out}" "trailer [^\n]* end=error end_tyme=[0-9.]+ end_text=\"${text}\"" "trailer")
run_tool(${CEASING} replay ${WORK}/cease.hioj EXIT 5)
require("${out}" ": identical\n" "the same program's replay")
require("${out}" "ended:     the doers threw \"${text}\" at tyme [0-9.]+ s, as in the recorded run \\(reproduced\\)"
        "the same program's replay: reproduced")
