# With --json every exit prints one final JSON object on stdout
# (docs/scenarios.md, --json when a command fails): the command's own, or,
# when it failed before it had a result, the error object
# {"error", "exit", "file", "line", "column", "journal", "journal_error"}.
# Unfixed, these printed nothing on stdout (only diff --json had an object).
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(udp ${SCENARIOS}/udp_request_response.toml)
hio(run ${udp} --record ${WORK}/a.hioj EXIT 0)
file(WRITE ${WORK}/empty.hioj "")
execute_process(COMMAND head -c 100 ${WORK}/a.hioj OUTPUT_FILE ${WORK}/cut.hioj
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "head -c 100: ${rc}")
endif()

# failed(CODE ARGS...): hio ARGS exits CODE, stdout one line, the error
# object: "exit" CODE, "error" what stderr said, every member there.
function(failed code)
  hio(${ARGN} EXIT ${code})
  if(NOT out MATCHES "^{[^\n]*}\n$")
    message(FATAL_ERROR "hio ${ARGN}: not one JSON line on stdout:\n'${out}'\n${err}")
  endif()
  string(JSON exit GET "${out}" exit)
  string(JSON error GET "${out}" error)
  string(STRIP "${err}" said)
  if(NOT exit EQUAL code OR NOT error STREQUAL said)
    message(FATAL_ERROR "hio ${ARGN}: exit ${exit}, error '${error}' (stderr '${said}')")
  endif()
  foreach(member file line column journal journal_error)
    string(JSON type ERROR_VARIABLE missing TYPE "${out}" ${member})
    if(missing)
      message(FATAL_ERROR "hio ${ARGN}: no ${member} in ${out}")
    endif()
  endforeach()
  set(out "${out}" PARENT_SCOPE)
endfunction()

# run: a scenario file that is not there, one with a problem (file:line:col),
# an empty path, a --record that cannot be created (exit 4), a usage error.
failed(2 run ${WORK}/none.toml --json)
require_json("${out}" STRING file "missing scenario: file")
require_json("${out}" NULL line "missing scenario: no line")
failed(2 run ${DATA}/bad/bad_string_escape.toml --json)
require_json("${out}" NUMBER line "bad scenario: line")
require_json("${out}" NUMBER column "bad scenario: column")
string(JSON file GET "${out}" file)
require("${file}" "bad_string_escape.toml$" "bad scenario: file")
execute_process(COMMAND ${HIO} run "" --json RESULT_VARIABLE rc OUTPUT_VARIABLE out)
require("${out}" "^{\"error\": \"hio run: scenario: the file name is empty[^\n]*\"exit\": 2, " "run '' --json")
failed(4 run ${udp} --json --record ${WORK}/no/such/x.hioj)
require_json("${out}" NULL journal_error "--record: no journal_error")
# "file" is where a scenario's problem is, never the output's path (it was
# the --record path for run and replay, null for salvage and sweep --out);
# the error has the command's name, as salvage's has.
require_json("${out}" NULL file "run --record: file")
require("${out}" "^{\"error\": \"hio run: [^\n]*/no/such/x.hioj: cannot create the journal" "run --record: error")
failed(4 replay ${WORK}/a.hioj --json --record ${WORK}/no/such/x.hioj)
require_json("${out}" NULL file "replay --record: file")
require("${out}" "^{\"error\": \"hio replay: [^\n]*/no/such/x.hioj: cannot create the journal" "replay --record: error")
failed(2 run ${udp} --json --sed 3)
# check: its own object for a scenario that is ok (its warnings listed), the
# error object for one with problems (file:line:col of the first) and for a
# bad --set. Unfixed, check had no --json: a usage error, nothing on stdout.
hio(check ${udp} --json EXIT 0)
if(NOT out STREQUAL "{\"scenario\": \"${udp}\", \"ok\": true, \"doers\": 2, \"expectations\": 6, \"warnings\": []}\n")
  message(FATAL_ERROR "check --json of an ok scenario:\n'${out}'\n${err}")
endif()
hio(check ${udp} EXIT 0)
require("${out}" "^[^\n]*udp_request_response.toml: ok \\(2 top-level doers, 6 expectations\\)\n$" "check without --json")
file(WRITE ${WORK}/warned.toml "[run]
mode = \"real\"
[[doer]]
kind = \"echo_server\"
name = \"server\"
address = \"tcp://192.0.2.1:0\"
")
hio(check ${WORK}/warned.toml --json EXIT 0)
require_json("${out}" BOOLEAN ok "check --json, a warning: ok")
string(JSON warning GET "${out}" warnings 0)
string(STRIP "${err}" said)
if(NOT "hio check: ${warning}" STREQUAL said)
  message(FATAL_ERROR "check --json: warning '${warning}', stderr '${said}'")
endif()
failed(2 check ${DATA}/bad/bad_string_escape.toml --json)
require_json("${out}" NUMBER line "check, bad scenario: line")
require_json("${out}" NUMBER column "check, bad scenario: column")
failed(2 check ${udp} --json --set run.seed=x)
require("${out}" "^{\"error\": \"hio check: --set run.seed=x" "check --json, bad --set")

# replay: an empty journal, one cut in its header (journal_error as inspect
# --json prints an error), - with --seeds.
failed(2 replay ${WORK}/empty.hioj --json)
require_json("${out}" OBJECT journal_error "empty journal: journal_error")
string(JSON kind GET "${out}" journal_error kind)
string(JSON journal GET "${out}" journal)
if(NOT kind STREQUAL "truncated" OR NOT journal STREQUAL "${WORK}/empty.hioj")
  message(FATAL_ERROR "empty journal: ${kind} ${journal}")
endif()
failed(2 replay ${WORK}/cut.hioj --json)
require_json("${out}" OBJECT journal_error "cut journal: journal_error")
failed(2 replay - --noise drop=0.1 --seeds 1..2 --json)

# salvage: a cut input (2), an OUT that cannot be created (4).
failed(2 salvage ${WORK}/cut.hioj ${WORK}/o.hioj --json)
require_json("${out}" OBJECT journal_error "salvage cut: journal_error")
failed(4 salvage ${WORK}/a.hioj ${WORK}/no/such/x.hioj --json)

# sweep, inspect, diff.
failed(2 sweep ${WORK}/none.toml --seeds 1..2 --json)
failed(2 inspect ${WORK}/empty.hioj --json)
require_json("${out}" OBJECT journal_error "inspect: journal_error")
failed(2 diff ${WORK}/a.hioj ${WORK}/a.hioj --all --max 0 --json)

# A command's own object stays the only one: a run, a damaged diff.
hio(run ${udp} --json EXIT 0)
require_json("${out}" BOOLEAN passed "run --json")
if(out MATCHES "\n.")
  message(FATAL_ERROR "run --json: more than one line:\n${out}")
endif()
hio(diff ${WORK}/empty.hioj ${WORK}/a.hioj --json EXIT 2)
require_json("${out}" STRING result "diff --json of an empty journal")
# --json=VALUE is refused, whatever VALUE (a flag takes no value; CLI11 read
# --json=false as "not given"), with the error object: --json was written.
foreach(args "run;${WORK}/none.toml;--json=true" "sweep;${WORK}/none.toml;--seeds;1..2;--json=1"
        "replay;${WORK}/empty.hioj;--json=false;--json=yes" "inspect;${WORK}/empty.hioj;--json=ON"
        "run;${udp};--json=maybe" "run;${WORK}/none.toml;--json=false" "run;${udp};--json;--json=no")
  failed(2 ${args})
  require("${out}" "--json=[a-zA-Z01]+: --json takes no value" "${args}: refused")
endforeach()
# --json after -- is a positional, not the option: no JSON asked for.
hio(run ${udp} -- --json EXIT 2)
if(NOT out STREQUAL "")
  message(FATAL_ERROR "--json after --: stdout not empty:\n${out}")
endif()
# stderr past the 64 KiB the error object keeps: cut where a character ends,
# and said so (it was cut mid-"é", silently, and the whole message became
# error_hex). Two names a byte apart: one of them puts the cut mid-character.
string(REPEAT "é" 40000 key)
foreach(name long_utf8_key.toml long_utf8_keyy.toml)
  file(WRITE ${WORK}/${name} "[run]\n\"${key}\" = 1\n[[doer]]\nkind=\"ticker\"\nname=\"t\"\n")
  execute_process(COMMAND ${HIO} check ${name} --json WORKING_DIRECTORY ${WORK}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_QUIET)
  require_json("${out}" STRING error "${name}: the error, not error_hex")
  string(JSON error GET "${out}" error)
  require("${error}" "é \\[\\.\\.\\. [0-9]+ more bytes on stderr\\]$" "${name}: the cut marked")
endforeach()
# stderr that cannot be written (a full disk here; closed, 2>&-, or a reader
# gone alike): the error object still holds all hio said, the one place left
# to read it (unfixed: "hio inspect: " alone, or a scenario's first problem
# only: stderr's failure stopped the message stream at its first write).
if(EXISTS /dev/full)
  file(WRITE ${WORK}/two_problems.toml "[run]\nlimit = \"x\"\n")
  foreach(args "inspect;${WORK}/none.hioj;--json" "run;${WORK}/two_problems.toml;--json")
    failed(2 ${args})
    string(JSON said GET "${out}" error)
    execute_process(COMMAND ${HIO} ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                    ERROR_FILE /dev/full)
    string(JSON error GET "${out}" error)
    if(NOT rc EQUAL 2 OR NOT error STREQUAL said)
      message(FATAL_ERROR "${args} 2>/dev/full: exit ${rc}, error '${error}', not '${said}'")
    endif()
  endforeach()
endif()
