# What hio says of the user's text: a control character never reaches the
# terminal raw, a value is quoted once, and one reading of the command line
# decides both what it does and whether it answers in JSON (docs/scenarios.md,
# Output and escaping; --json when a command fails).
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(quick ${SCENARIOS}/quickstart.toml)
string(ASCII 27 esc)
hio(run ${quick} --record ${WORK}/q.hioj EXIT 0)

# no_raw_esc(WHAT): fails unless out and err are free of a raw ESC.
function(no_raw_esc what)
  if("${out}${err}" MATCHES "${esc}")
    message(FATAL_ERROR "${what}: a raw ESC reached the terminal:\n${out}${err}")
  endif()
endfunction()

# A duration's own message, quoting the text again, escaped as the option's
# value is (it sent the ESC raw: "1\e[2Js" cleared the screen). No '[' in
# the arguments here: CMake's lists do not split inside brackets.
hio(inspect ${WORK}/q.hioj --to "1${esc}Js" EXIT 2)
no_raw_esc("inspect --to")
require("${err}" "duration \"1\\\\x1bJs\" has unknown unit" "inspect --to: the duration's message")
hio(inspect ${WORK}/q.hioj --from "1${esc}s" --json EXIT 2)
no_raw_esc("inspect --from --json")

# Quoted once: '1\x1bJ', not '"1\x1bJ"'.
hio(sweep ${quick} --seeds 1..2 --jobs "1${esc}J" EXIT 2)
require("${err}" "--jobs: '1\\\\x1bJ' is not a whole number" "sweep --jobs: quoted once")
hio("r${esc}un" EXIT 2)
require("${err}" "^hio: unknown command 'r\\\\x1bun'" "unknown command: quoted once")
hio("--x${esc}" EXIT 2)
require("${err}" "^hio: unknown option '--x\\\\x1b'" "unknown option: quoted once")

# A path forgotten before a flag: CLI11 gives --record the value --json.
# Refused, saying so, in text (no JSON was asked for by the parser's reading;
# it recorded into a file named --json, and answered in JSON only when the
# command failed).
file(WRITE ${WORK}/bad.toml "[run]\nlimt = 1\n")
foreach(args "run;${quick};--record;--json" "run;${WORK}/bad.toml;--record;--json"
        "run;${WORK}/bad.toml;--set;--json" "sweep;${quick};--seeds;1..2;--out;--json"
        "inspect;${WORK}/q.hioj;--channel;--json=true")
  execute_process(COMMAND ${HIO} ${args} WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 2 OR NOT out STREQUAL "" OR EXISTS ${WORK}/--json)
    message(FATAL_ERROR "hio ${args}: exit ${rc}, stdout '${out}', or ./--json made\n${err}")
  endif()
  require("${err}" " --json[=a-z]*: --json is an option of hio [a-z]+, not the [A-Z=]+ " "hio ${args}: refused")
endforeach()
hio(run ${quick} --record ${WORK}/--json EXIT 0)  # a file so named, as ./--json
# A usage error of a command given --json still answers in JSON.
hio(run ${WORK}/bad.toml --json --seed x EXIT 2)
require_json("${out}" STRING error "run --json --seed x")

# A run with no name has none: "name": null, as the text's (unnamed)
# (it was "name": "", against the rule that a field with no value is null).
file(WRITE ${WORK}/unnamed.toml "[[doer]]\nkind = \"ticker\"\nname = \"t\"\ncount = 1\n")
hio(run ${WORK}/unnamed.toml --json --record ${WORK}/unnamed.hioj EXIT 0)
require_json("${out}" NULL name "run --json, no name")
hio(replay ${WORK}/unnamed.hioj --json EXIT 0)
require_json("${out}" NULL name "replay --json, no name")
hio(replay ${WORK}/q.hioj --set run.name= --json EXIT 0)
require_json("${out}" NULL name "replay --json --set run.name=")
