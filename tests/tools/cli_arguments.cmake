# Usage errors about the arguments themselves (docs/scenarios.md, Usage
# errors): an empty path argument is named, as an empty --record is (it said
# ": cannot read the file" with no command, or "cannot open ''"), and an
# argument after `--` is said to be a positional one, with no suggestion of
# the very option typed (it said "-- --json ...; did you mean '--json'?").
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(udp ${SCENARIOS}/udp_request_response.toml)
hio(run ${udp} --record ${WORK}/a.hioj EXIT 0)

# empty(COMMAND NAME [BEFORE ARGS...] [AFTER ARGS...]): hio COMMAND BEFORE ""
# AFTER exits 2 saying NAME is empty. (CMake drops an empty element of a
# list, so the "" is written out here.)
function(empty command name)
  cmake_parse_arguments(E "" "" "BEFORE;AFTER" ${ARGN})
  execute_process(COMMAND ${HIO} ${command} ${E_BEFORE} "" ${E_AFTER} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "${command} '': exit ${rc}, expected 2\n${err}")
  endif()
  require("${err}" "^hio ${command}: ${name}: the file name is empty; give a file" "${command} ''")
endfunction()
empty(run scenario)
empty(check scenario)
empty(sweep scenario AFTER --seeds 1..2)
empty(replay journal)
empty(inspect journal)
empty(diff expected AFTER ${WORK}/a.hioj)
empty(diff actual BEFORE ${WORK}/a.hioj)
empty(salvage input AFTER ${WORK}/o.hioj)
empty(salvage output BEFORE ${WORK}/a.hioj)

# After --: positional, said so; the option typed is not "suggested".
set(positional "; everything after -- is a positional argument, never an option, and hio run takes 1 \\(scenario\\): put options before --\n")
hio(run -- ${udp} --json EXIT 2)
require("${err}" "^hio run: the following argument was not expected: --json${positional}" "run -- S --json")
hio(run ${udp} -- --json EXIT 2)
require("${err}" "^hio run: the following argument was not expected: --json${positional}" "run S -- --json")
if(err MATCHES "did you mean")
  message(FATAL_ERROR "an option after -- suggested:\n${err}")
endif()
# A misspelt option still gets its suggestion, and an exact one none.
hio(run ${udp} --jsn EXIT 2)
require("${err}" "not expected: --jsn; did you mean '--json'\\?" "run --jsn")
