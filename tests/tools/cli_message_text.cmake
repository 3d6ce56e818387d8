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

# A doer named as inspect --channel reads an id ("2", "#1") is refused at its
# value: --channel 2 selected channel #2, another doer's, silently.
file(WRITE ${WORK}/digits.toml "[net]
hosts = [\"a\", \"b\"]
[[doer]]
kind = \"udp_responder\"
name = \"2\"
address = \"sim://b:7\"
[[doer]]
kind = \"udp_requester\"
name = \"#1\"
address = \"sim://a:0\"
to = \"sim://b:7\"
")
hio(check ${WORK}/digits.toml EXIT 2)
require("${err}" "digits.toml:5:8: doer name '2' reads as a channel id \\(hio inspect --channel 2 selects channel #2\\)" "digits: '2' refused")
require("${err}" "digits.toml:9:8: doer name '#1' reads as a channel id" "digits: '#1' refused")
# A journal from elsewhere may still name a channel so (a program of its own,
# here an edited one): --channel 1 is the id, and says what it did not select.
file(WRITE ${WORK}/named.toml "[net]
hosts = [\"a\", \"b\"]
[[doer]]
kind = \"udp_responder\"
name = \"srv\"
address = \"sim://b:7\"
[[doer]]
kind = \"udp_requester\"
name = \"cli\"
address = \"sim://a:0\"
to = \"sim://b:7\"
")
hio(run ${WORK}/named.toml --set run.limit=50ms --record ${WORK}/named.hioj EXIT 0)
run_tool(${EDIT} rename ${WORK}/named.hioj ${WORK}/digits.hioj srv 2 EXIT 0)
hio(inspect ${WORK}/digits.hioj --channel 2 --kind open EXIT 0)
require("${err}" "^hio inspect: warning: --channel 2 selects channel #2 by its id; channel #1 is named 2: select it by its id, --channel 1\n$" "inspect --channel 2 of a channel named 2")

# A float no double holds is said as a float (it was "more than a TOML
# integer holds: at most 2^63-1"; through --set, "not a probability").
foreach(case "tiny|1e-400|is closer to 0 than a double holds"
        "huge|-1_0.5e400|is too large for a double")
  string(REPLACE "|" ";" case "${case}")
  list(GET case 0 name)
  list(GET case 1 loss)
  list(GET case 2 said)
  file(WRITE ${WORK}/${name}.toml "[net]\nhosts = [\"a\"]\n[net.default_link]\nloss = ${loss}
[[doer]]\nkind = \"ticker\"\nname = \"t\"\ncount = 1\n")
  hio(check ${WORK}/${name}.toml EXIT 2)
  require("${err}" "${name}.toml:4:8: net.default_link.loss = ${loss} ${said}" "loss = ${loss}")
endforeach()
hio(check ${WORK}/named.toml --set net.default_link.loss=1e-400 EXIT 2)
require("${err}" "--set net.default_link.loss=1e-400: net.default_link.loss = 1e-400 is closer to 0 than a double holds" "--set loss=1e-400")

# A --set net.* value that is not UTF-8: the key and the byte, as run.name's
# (it was toml++'s "Encountered invalid utf-8 sequence").
string(ASCII 255 ff)
hio(check ${WORK}/named.toml "--set=net.client_host=a${ff}" EXIT 2)
require("${err}" "net.client_host is not valid UTF-8 \\(byte 1\\)" "--set net.client_host, not UTF-8")
