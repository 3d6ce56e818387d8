# `hio replay` end to end: every example recorded (the real-mode one over
# loopback TCP too) replays identical with the run's digest; a replay's own
# journal has the same event stream; noise is reproducible by seed and
# differs by seed; a changed doer (tests/tools/shouting_hio.cpp) diverges
# with exit 3 at the first echoed byte; bad input exits 2.
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)
function(digest_of text var)
  if(NOT text MATCHES "digest:    ([0-9a-f]+)")
    message(FATAL_ERROR "no digest in:\n${text}")
  endif()
  set(${var} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

# Every example: record, replay identical with the same digest, and the
# replay's journal carries the same event stream (diff compares events).
file(GLOB examples ${SCENARIOS}/*.toml)
foreach(example ${examples})
  get_filename_component(stem ${example} NAME_WE)
  hio(run ${example} --record ${WORK}/${stem}.hioj EXIT 0)
  digest_of("${out}" run_digest)
  string(REGEX MATCH "expect:    [0-9]+ of [0-9]+ passed" run_expect "${out}")
  hio(replay ${WORK}/${stem}.hioj --record ${WORK}/${stem}-replay.hioj EXIT 0)
  require("${out}" ": identical\n" "${stem} replay status")
  require("${out}" "\n${run_expect}\n" "${stem} replay expectations as in the run")
  require("${out}" "digest:    ${run_digest} \\(journal: ${run_digest}\\)" "${stem} replay digest")
  hio(diff ${WORK}/${stem}.hioj ${WORK}/${stem}-replay.hioj EXIT 0)
  # (The header says mode replay, its channel table may list the accepted
  # channels too; the events are the same.)
  require("${out}" "^header differs: mode: [a-z]+ vs replay\n(header differs: channels: [^\n]*\n)?same: [0-9]+ events, digest ${run_digest}\n"
          "${stem} replay journal")
endforeach()

# A datagram to a closed port, dropped at arrival after its sender closed:
# the drop is a fact of the network, journaled on channel 0 as noise, and a
# replay (which simulates no network) delivers it as an input.
file(WRITE ${WORK}/closed_port.toml [=[
[run]
name = "udp-closed-port"
tock = "1ms"
limit = "1s"
seed = 4

[net]
hosts = ["client", "server"]

[[net.link]]
from = "client"
to = "server"
latency = "200ms"

[[doer]]
kind = "udp_responder"
name = "server"
address = "sim://server:7"

[[doer]]
kind = "udp_requester"
name = "client"
address = "sim://client:0"
to = "server:9"
requests = 2
size = 16
interval = "10ms"
timeout = "50ms"
]=])
hio(run ${WORK}/closed_port.toml --record ${WORK}/closed_port.hioj EXIT 0)
digest_of("${out}" closed_digest)
hio(inspect ${WORK}/closed_port.hioj --kind noise EXIT 0)
require("${out}" "\np200 0.2 s[0-9]+ #0 noise drop 16 \"00000000:[^\n]*\" peer=\"server:9\" detail=\"nobody bound at arrival on link client->server\"\n"
        "closed port: the drop on channel 0")
hio(replay ${WORK}/closed_port.hioj EXIT 0)
require("${out}" ": identical\n" "closed port replay status")
require("${out}" "digest:    ${closed_digest} \\(journal: ${closed_digest}\\)" "closed port replay digest")
hio(replay ${WORK}/closed_port.hioj --noise dup=0.5 --seed 2 EXIT 0)
require("${out}" ": perturbed\n" "closed port noise replay")

# Noise on a simulated run's journal: the scenario's expectations are checked
# on the perturbed run (exit 1 when one fails).
set(udp ${WORK}/udp_request_response.hioj)
hio(replay ${udp} --noise drop=0.3 --seed 1 EXIT 1)
require("${out}" ": perturbed\n" "noise status")
require("${out}" "\nnoise:     [0-9]+ rx: [1-9][0-9]* dropped, " "noise counts")
require("${out}" "\nexpect:    5 of 6 passed\n[^\n]*\n  FAIL  client.responses >= 180 " "noise fails")
hio(replay ${udp} --noise dup=0.01 --seed 1 EXIT 0)
require("${out}" "\nexpect:    6 of 6 passed\n" "mild noise passes")

# Noise on a real capture: same seed => byte-identical journals; another seed
# => another run. (Whether the doers cope depends on the capture's timing:
# exit 0 or 1.)
set(real ${WORK}/tcp_loopback_real.hioj)
set(noise "drop=0.05,dup=0.05,corrupt=0.05,reorder=0.1,delay=0-30ms")
hio(replay ${real} --noise ${noise} --seed 9 --record ${WORK}/n9a.hioj EXIT 0 1)
require("${out}" ": perturbed\n" "noise status")
require("${out}" "\nnoise:     [0-9]+ rx: " "noise counts")
hio(replay ${real} --noise ${noise} --seed 9 --record ${WORK}/n9b.hioj EXIT 0 1)
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/n9a.hioj ${WORK}/n9b.hioj
                RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "replay --noise --seed 9 twice gave different journals")
endif()
hio(replay ${real} --noise ${noise} --seed 10 --record ${WORK}/n10.hioj EXIT 0 1)
hio(diff ${WORK}/n9a.hioj ${WORK}/n10.hioj EXIT 3)
hio(replay ${real} --noise ${noise} --seed 9 --json EXIT 0 1)
require("${out}" "^\\{\"name\": \"tcp-loopback-real\", [^\n]*\"status\": \"perturbed\"" "json")
require("${out}" "\"expectations\": \\[\\{\"text\": " "json expectations")

# A changed doer: the upper-casing echo diverges at its first tx.
run_tool(${SHOUTING} replay ${real} EXIT 3)
require("${out}" ": diverged\n" "divergence status")
require("${out}" "replay diverged at pass [0-9]+ \\(tyme [0-9.]+ s\\) on channel #[0-9]+ \"server/[0-9]+\": tx differs"
        "divergence line")
require("${out}" "\n- 00000000 " "hex diff expected")
require("${out}" "\n\\+ 00000000 " "hex diff actual")
run_tool(${SHOUTING} replay ${real} --json EXIT 3)
require("${out}" "\"divergence\": \\{\"kind\": \"tx differs\", \"pass\": [0-9]+" "json divergence")

# Bad input: exit 2, a precise message.
hio(replay ${WORK}/missing.hioj EXIT 2)
require("${err}" "hio replay: ${WORK}/missing.hioj: byte 0 " "missing journal")
file(WRITE ${WORK}/garbage.hioj "this is no journal\n")
hio(replay ${WORK}/garbage.hioj EXIT 2)
require("${err}" "garbage.hioj: byte 0 \\(before any pass\\): bad_magic: " "garbage")
hio(replay ${real} --noise drop=1.5 --seed 1 EXIT 2)
require("${err}" "--noise drop=1.5: noise spec: at offset 5 \\(key 'drop'\\)" "bad noise")
hio(replay ${real} --seed 1 EXIT 2)
require("${err}" "--seed requires --noise" "seed without noise")
hio(replay ${real} --noise drop=0.1 --seed -3 EXIT 2)
hio(replay ${real} --record ${WORK}/no/such/dir/x.hioj EXIT 2)
require("${err}" "x.hioj: cannot create the journal" "unwritable record")
