# hio run's warnings on stderr: a real-time run that falls behind says so once
# at the end (and in --json), a simulated run never; channels that fail while
# a scenario is built that then cannot be built print no warning; hio check
# and hio sweep say those of a scenario that can be built, once. And where
# doers on port 0 listen.
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

# A tock of 1 ns: no pass can end before the next is due.
hio(run ${SCENARIOS}/quickstart.toml --real --set run.tock=1ns --limit 10us EXIT 0 1)
require("${err}" "^hio run: warning: the run fell behind real time: ([0-9]+) of ([0-9]+) passes ended after the next was due, at worst 0.[0-9]+ s behind; the longest pass took 0.[0-9]+ s, longer than the tock \\(0.000000001 s\\)\n$" "lag warning")
string(REGEX MATCHALL "fell behind" once "${err}")
list(LENGTH once count)
if(NOT count EQUAL 1)
  message(FATAL_ERROR "the lag warning came ${count} times:\n${err}")
endif()
# --json has the warning's figures, the longest pass too (its cause: here
# longer than the 1 ns tock), in seconds, a string like "tyme".
hio(run ${SCENARIOS}/quickstart.toml --real --set run.tock=1ns --limit 10us --json EXIT 0 1)
string(JSON late GET "${out}" late_passes)
string(JSON worst GET "${out}" worst_lag)
string(JSON longest GET "${out}" longest_pass)
if(late LESS 1 OR worst STREQUAL "0" OR NOT longest MATCHES "^0\\.[0-9]*[1-9]")
  message(FATAL_ERROR "--json lag: ${late} ${worst} ${longest}:\n${out}")
endif()
# Virtual time: no lag, no warning, whatever the tock.
hio(run ${SCENARIOS}/quickstart.toml --set run.tock=1ns --limit 10us --json EXIT 0 1)
string(JSON late GET "${out}" late_passes)
string(JSON worst GET "${out}" worst_lag)
string(JSON longest GET "${out}" longest_pass)
string(JSON rebases GET "${out}" rebases)
string(JSON given_up GET "${out}" given_up)
if(NOT late EQUAL 0 OR NOT worst STREQUAL "0" OR NOT longest STREQUAL "0" OR NOT err STREQUAL "")
  message(FATAL_ERROR "a simulated run lagged: ${late} ${worst} ${longest} ${err}")
endif()
if(NOT rebases EQUAL 0 OR NOT given_up STREQUAL "0")
  message(FATAL_ERROR "a simulated run re-based: ${rebases} ${given_up}")
endif()
# run.max_lag reaches the Doist: 0 re-bases at any lag, and every wait ends
# some nanoseconds after the pass was due (the clock never wakes a thread
# early), so each of the 3 passes' does; no timed threshold. Said in --json
# and in the warning.
hio(run ${SCENARIOS}/quickstart.toml --real --set run.tock=50ms --set run.max_lag=0 --limit 150ms --json EXIT 0 1)
string(JSON rebases GET "${out}" rebases)
string(JSON given_up GET "${out}" given_up)
if(rebases LESS 1 OR given_up STREQUAL "0")
  message(FATAL_ERROR "run.max_lag=0 did not re-base: ${rebases} ${given_up}:\n${out}")
endif()
require("${err}" "s of wall time given up, not caught up in a burst of passes \\([0-9]+ times? more than max_lag, 0 s, behind\\)" "re-base warning")

# A listener that cannot listen (192.0.2.1 is no address of this machine) in
# a scenario whose expectation names a counter no doer has: the build error
# only, exit 2, no warning line.
file(WRITE ${WORK}/unbuilt.toml "[run]
mode = \"real\"
limit = \"100ms\"
[[doer]]
kind = \"echo_server\"
name = \"server\"
address = \"tcp://192.0.2.1:0\"
[[expect]]
final = \"nobody.runs == 1\"
")
hio(run ${WORK}/unbuilt.toml EXIT 2)
require("${err}" "^[^\n]*unbuilt.toml:9:10: no doer publishes counter 'nobody.runs'" "build error")
if(err MATCHES "hio run: warning")
  message(FATAL_ERROR "a warning before the build error:\n${err}")
endif()
# Built, the same listener is warned about, with its count line.
file(WRITE ${WORK}/built.toml "[run]
mode = \"real\"
limit = \"100ms\"
[[doer]]
kind = \"echo_server\"
name = \"server\"
address = \"tcp://192.0.2.1:0\"
")
hio(run ${WORK}/built.toml EXIT 0)
require("${err}" "^hio run: warning: server \\(listener tcp://192.0.2.1:0\\) failed while the doers were built: [^\n]*\nhio run: warning: 1 channel error in all, on 1 channel; " "warning and count when built")
# hio check says it too (building binds what a run binds), in the same
# words, and still passes the scenario: the run would start.
hio(check ${WORK}/built.toml EXIT 0)
require("${err}" "^hio check: warning: server \\(listener tcp://192.0.2.1:0\\) failed while the doers were built: [^\n]*\n$" "check's warning")
require("${out}" "^[^\n]*built.toml: ok \\(1 top-level doer, 0 expectations; 1 warning above\\)\n$" "check's line")
# hio sweep builds the scenario once first, as hio check does, and says the
# same once, before its seeds run (their runs print no channel warnings).
execute_process(COMMAND ${HIO} sweep ${WORK}/built.toml --seeds 1..3 RESULT_VARIABLE rc
                OUTPUT_VARIABLE both ERROR_VARIABLE both)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "sweep of built.toml: exit ${rc}:\n${both}")
endif()
require("${both}" "^hio sweep: warning: server \\(listener tcp://192.0.2.1:0\\) failed while the doers were built: [^\n]*\n3 of 3 seeds passed\n$" "sweep's warning, once, before the seeds")

# A client on a host name that does not resolve (.invalid: nothing, with or
# without a network, and no name server asked): hio check resolves it as the
# run does, without connecting, and warns in the run's words (the same
# reason); the scenario is still ok, exit 0, as the run would start.
# Unfixed, check said nothing.
file(WRITE ${WORK}/unresolved.toml "[run]
mode = \"real\"
limit = \"100ms\"
[[doer]]
kind = \"echo_client\"
name = \"c\"
address = \"tcp://nohost.invalid:7\"
")
hio(check ${WORK}/unresolved.toml EXIT 0)
require("${err}" "^hio check: warning: c \\(stream tcp://nohost.invalid:7\\) failed while the doers were built: (cannot resolve 'nohost.invalid:7': Host not found \\(authoritative\\))\n$" "check's warning about a name that does not resolve")
string(REGEX MATCH "': [^\n]+" check_reason "${err}")
require("${out}" "^[^\n]*unresolved.toml: ok \\(1 top-level doer, 0 expectations; 1 warning above\\)\n$" "check's line")
hio(run ${WORK}/unresolved.toml EXIT 0)
require("${err}" "^hio run: warning: c \\(stream tcp://nohost.invalid:7\\) failed at tyme [0-9.]+ s \\(pass [0-9]+\\): cannot resolve 'nohost.invalid:7': [^\n]+\n" "run's warning")
string(REGEX MATCH "': [^\n]+" run_reason "${err}")
if(NOT run_reason STREQUAL check_reason)
  message(FATAL_ERROR "check said '${check_reason}', the run '${run_reason}'")
endif()

# An error that leaves the channel open (a UDP endpoint discarding datagrams
# beyond its datagram_bytes_max) is not a failure: "had an error ... and
# stays open", once for the channel, both errors counted.
file(WRITE ${WORK}/discard.toml "[run]
mode = \"real\"
limit = \"2s\"
[[doer]]
kind = \"udp_responder\"
name = \"server\"
address = \"udp://127.0.0.1:0\"
datagram_bytes_max = 100
[[doer]]
kind = \"udp_requester\"
name = \"client\"
address = \"udp://127.0.0.1:0\"
to = \"@server\"
requests = 2
size = 200
timeout = \"100ms\"
[[expect]]
final = \"client.responses == 0\"
")
hio(run ${WORK}/discard.toml EXIT 0)
require("${err}" "^hio run: server listens on udp://127.0.0.1:[1-9][0-9]*\nhio run: warning: server \\(datagram udp://127.0.0.1:0\\) had an error at tyme [0-9.]+ s \\(pass [0-9]+, and stays open\\): datagram of 200 bytes from 127.0.0.1:[0-9]+ exceeds datagram_bytes_max \\(100\\); discarded\nhio run: warning: 2 channel errors in all, on 1 channel; " "an error that left the channel open")
if(err MATCHES "failed")
  message(FATAL_ERROR "a channel that stayed open was said to fail:\n${err}")
endif()

# Doers on port 0 are said where they listen, on stderr before the first
# pass (simulated ports too: the same every run), and in --json as
# "listening"; copies say at most 10 lines, then one for the rest, which the
# JSON lists all of. (cli_listening.sh connects to a real one.)
file(WRITE ${WORK}/port0.toml "[run]
limit = \"10ms\"
[net]
hosts = [\"b\"]
[[doer]]
kind = \"udp_responder\"
name = \"any\"
address = \"sim://b:0\"
copies = 12
")
hio(run ${WORK}/port0.toml --json EXIT 0)
set(lines "")
foreach(i RANGE 1 10)
  math(EXPR port "49151 + ${i}")
  string(APPEND lines "hio run: any-${i} listens on sim://b:${port}\n")
endforeach()
string(APPEND lines "hio run: and more doers listen on port 0 \\(hio run --json lists them all\\)\n")
require("${err}" "^${lines}$" "port 0 lines")
string(JSON listed LENGTH "${out}" listening)
string(JSON last GET "${out}" listening 11 address)
if(NOT listed EQUAL 12 OR NOT last STREQUAL "sim://b:49163")
  message(FATAL_ERROR "--json listening: ${listed}, last ${last}:\n${out}")
endif()

# The count line names the journal for `hio inspect ... --kind error` only
# when it is a file: a journal written into a pipe (`--record >(gzip > j.gz)`
# gives /dev/fd/63, gone after the run) or a FIFO (where hio inspect would
# block) gets the hint without a path.
file(WRITE ${WORK}/refused.toml "[run]
limit = \"100ms\"
[net]
hosts = [\"c\", \"s\"]
client_host = \"c\"
[[doer]]
kind = \"echo_client\"
name = \"c\"
address = \"sim://s:1\"
")
set(count_line "hio run: warning: 1 channel error in all, on 1 channel; ")
hio(run ${WORK}/refused.toml --record ${WORK}/refused.hioj EXIT 0)
require("${err}" "\n${count_line}hio inspect [^\n]*/refused.hioj --kind error lists them\n$"
        "the hint for a journal file")
set(pathless "\n${count_line}inspect the journal with --kind error to list them\n$")
execute_process(COMMAND sh -c "\"$0\" run refused.toml --record /dev/fd/3 3>&1 > /dev/null | cat > piped.hioj"
                        ${HIO}
                WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "--record into a pipe: exit ${rc}:\n${err}")
endif()
require("${err}" "${pathless}" "the hint for a journal in a pipe")
file(REMOVE ${WORK}/ff)
execute_process(COMMAND sh -c "mkfifo ff && { cat ff > fifo.hioj & } && \"$0\" run refused.toml --record ff > /dev/null; rc=$?; wait; exit $rc"
                        ${HIO}
                WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "--record into a FIFO: exit ${rc}:\n${err}")
endif()
require("${err}" "${pathless}" "the hint for a journal in a FIFO")
# A regular file reached through a descriptor path (the shell's `7>FILE`)
# gets the hint without a path too: /dev/fd/7 is closed, or another file, in
# the user's shell after the run (it was named).
foreach(via /dev/fd/7 /proc/self/fd/7)
  execute_process(COMMAND sh -c "\"$0\" run refused.toml --record ${via} 7> viafd.hioj > /dev/null"
                          ${HIO}
                  WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "--record ${via}: exit ${rc}:\n${err}")
  endif()
  require("${err}" "${pathless}" "the hint for a journal written through ${via}")
  hio(inspect ${WORK}/viafd.hioj --kind error EXIT 0)
  require("${out}" "connect to s:1 refused: nobody listens" "the journal written through ${via}")
endforeach()
# Both journals are whole: the same as the file's.
hio(inspect ${WORK}/piped.hioj --kind error EXIT 0)
require("${out}" "connect to s:1 refused: nobody listens" "the piped journal")
require_same_files(${WORK}/piped.hioj ${WORK}/fifo.hioj "the piped and the FIFO journals")
