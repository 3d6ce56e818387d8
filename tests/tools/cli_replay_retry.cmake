# `hio replay` of clients that reconnect (the `retry` key): refused connects
# retried on SimNet and on real loopback TCP, and a reconnect after the
# server's host went down, replay identical (exit 0) with the run's digest,
# the reopens at the recorded passes; a client that retries otherwise
# (tests/tools/patient_hio.cpp: three times the retry) diverges at the first
# recorded reopen (exit 3); noise on such a replay is reproducible by seed.
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

# The open events of channel #1 ("c"), as inspect prints them.
function(opens_of journal var)
  hio(inspect ${journal} --channel 1 --kind open EXIT 0)
  string(REGEX MATCHALL "p[0-9]+ [0-9.]+ s[0-9]+ #1 open" opens "${out}")
  list(TRANSFORM opens REPLACE " s[0-9]+ " " ")
  set(${var} "${opens}" PARENT_SCOPE)
endfunction()

# Records `stem`.toml, replays it (identical, same digest, the same opens),
# and diffs the replay's journal against it (same events).
function(record_and_replay stem)
  hio(run ${WORK}/${stem}.toml --record ${WORK}/${stem}.hioj EXIT 0)
  digest_of("${out}" run_digest)
  string(REGEX MATCH "expect:    [0-9]+ of [0-9]+ passed" run_expect "${out}")
  hio(replay ${WORK}/${stem}.hioj --record ${WORK}/${stem}-replay.hioj EXIT 0)
  require("${out}" ": identical\n" "${stem} replay status")
  require("${out}" "digest:    ${run_digest} \\(journal: ${run_digest}\\)" "${stem} replay digest")
  if(run_expect)
    require("${out}" "\n${run_expect}\n" "${stem} replay expectations as in the run")
  endif()
  opens_of(${WORK}/${stem}.hioj recorded)
  opens_of(${WORK}/${stem}-replay.hioj replayed)
  list(LENGTH recorded n)
  if(n LESS 3)
    message(FATAL_ERROR "${stem}: the run did not reconnect: ${recorded}")
  endif()
  if(NOT recorded STREQUAL replayed)
    message(FATAL_ERROR "${stem}: reopens differ:\nrun:    ${recorded}\nreplay: ${replayed}")
  endif()
  hio(diff ${WORK}/${stem}.hioj ${WORK}/${stem}-replay.hioj EXIT 0)
  require("${out}" "same: [0-9]+ events, digest ${run_digest}\n" "${stem} replay journal")
  set(opens "${recorded}" PARENT_SCOPE)
endfunction()

# A client "c" retrying every 50 ms where nobody listens, for 200 ms.
function(refused_scenario stem mode address)
  file(WRITE ${WORK}/${stem}.toml "[run]\ntock = \"10ms\"\nlimit = \"200ms\"\nmode = \"${mode}\"\n"
       "${ARGN}[[doer]]\nkind = \"echo_client\"\nname = \"c\"\naddress = \"${address}\"\n"
       "retry = \"50ms\"\n")
endfunction()

# Refused on SimNet (nobody listens on s:1): an attempt every 50 ms.
refused_scenario(retrysim sim "sim://s:1" "[net]\nhosts = [\"c\", \"s\"]\nclient_host = \"c\"\n")
record_and_replay(retrysim)
if(NOT opens STREQUAL "p0 0 #1 open;p5 0.05 #1 open;p10 0.1 #1 open;p15 0.15 #1 open")
  message(FATAL_ERROR "retrysim: the retries are not on the 50 ms grid: ${opens}")
endif()

# The same client, a version that waits three times as long: the recorded reopen
# at 50 ms is missing.
run_tool(${PATIENT} replay ${WORK}/retrysim.hioj EXIT 3)
require("${out}" "replay diverged at pass 5 \\(tyme 0.05 s\\) on channel #1 \"c\": event missing\n"
        "a client retrying later")
require("${out}" "expected: p5 0.05 s[0-9]+ #1 open stream name=\"c\"" "the missing reopen")

# Refused on real loopback TCP (port 1: nobody listens there), in real time.
refused_scenario(retryreal real "tcp://127.0.0.1:1")
record_and_replay(retryreal)
run_tool(${PATIENT} replay ${WORK}/retryreal.hioj EXIT 3)
require("${out}" ": event missing\n" "a real capture replayed with a client retrying later")

# A reconnect after the server's host went down (a remote reset) and came back.
file(WRITE ${WORK}/hostdown.toml [=[
[run]
tock = "10ms"
limit = "2s"
[net]
hosts = ["c", "s"]
client_host = "c"
[[net.link]]
from = "c"
to = "s"
latency = "5ms"
[[net.fault]]
action = "host_down"
at = "300ms"
host = "s"
[[net.fault]]
action = "host_up"
at = "600ms"
host = "s"
[[doer]]
kind = "echo_server"
name = "server"
address = "sim://s:7"
[[doer]]
kind = "echo_client"
name = "c"
address = "@server"
messages = 100
interval = "10ms"
retry = "100ms"
[[expect]]
final = "c.connections >= 2"
]=])
# (channel #1 is the server's listener here: the client's opens are on #2)
hio(run ${WORK}/hostdown.toml --record ${WORK}/hostdown.hioj EXIT 0)
require("${out}" "expect:    1 of 1 passed" "hostdown run expectation")
digest_of("${out}" hd_digest)
hio(replay ${WORK}/hostdown.hioj EXIT 0)
require("${out}" ": identical\n" "hostdown replay status")
require("${out}" "expect:    1 of 1 passed" "hostdown replay expectation")
require("${out}" "digest:    ${hd_digest} \\(journal: ${hd_digest}\\)" "hostdown replay digest")
hio(inspect ${WORK}/hostdown.hioj --channel 2 --kind open EXIT 0)
string(REGEX MATCHALL "#2 open" hd_opens "${out}")
list(LENGTH hd_opens n)
if(n LESS 2)
  message(FATAL_ERROR "hostdown: the client did not reconnect:\n${out}")
endif()
run_tool(${PATIENT} replay ${WORK}/hostdown.hioj EXIT 3)
require("${out}" "on channel #2 \"c\": event missing\n" "hostdown with a client retrying later")

# A message in flight when the host went down (at 505 ms, 5 ms after the
# 25th message was sent over a 10 ms link): sent again, whole, once the
# client has reconnected, and every message comes back (unfixed, the client
# waited for an echo of a message it never resent: echoed 24 of 50). The
# replay agrees.
file(WRITE ${WORK}/inflight.toml [=[
[run]
tock = "1ms"
limit = "3s"
[net]
hosts = ["gw", "cloud"]
client_host = "gw"
[[net.link]]
from = "gw"
to = "cloud"
latency = "10ms"
[[net.fault]]
action = "host_down"
at = "505ms"
host = "cloud"
[[net.fault]]
action = "host_up"
at = "1s"
host = "cloud"
[[doer]]
kind = "echo_server"
name = "cloudsrv"
address = "sim://cloud:443"
[[doer]]
kind = "echo_client"
name = "uplink"
address = "@cloudsrv"
messages = 50
size = 100
interval = "20ms"
retry = "100ms"
[[expect]]
final = "uplink.echoed == 50"
[[expect]]
final = "uplink.connections == 2"
[[expect]]
final = "uplink.resent == 1"
[[expect]]
final = "uplink.sent_messages == 50"
[[expect]]
final = "uplink.sent_bytes == 5100"
]=])
hio(run ${WORK}/inflight.toml --record ${WORK}/inflight.hioj EXIT 0)
require("${out}" "expect:    5 of 5 passed" "inflight run expectations")
hio(replay ${WORK}/inflight.hioj EXIT 0)
require("${out}" ": identical\n" "inflight replay status")
require("${out}" "expect:    5 of 5 passed" "inflight replay expectations")

# Noise on the replay: the same seed gives the same journal, another seed another.
foreach(name a b)
  hio(replay ${WORK}/hostdown.hioj --noise drop=0.2,dup=0.1,corrupt=0.1 --seed 3
      --record ${WORK}/noise-${name}.hioj EXIT 0 1)
  require("${out}" ": perturbed\n" "noise replay status")
  # (all but the wall time and the journal's name)
  string(REGEX REPLACE "(passes|journal):[^\n]*\n" "" out_${name} "${out}")
endforeach()
hio(replay ${WORK}/hostdown.hioj --noise drop=0.2,dup=0.1,corrupt=0.1 --seed 4
    --record ${WORK}/noise-c.hioj EXIT 0 1)
file(SHA256 ${WORK}/noise-a.hioj sha_a)
file(SHA256 ${WORK}/noise-b.hioj sha_b)
file(SHA256 ${WORK}/noise-c.hioj sha_c)
if(NOT sha_a STREQUAL sha_b)
  message(FATAL_ERROR "the same noise seed gave two different replay journals")
endif()
if(sha_a STREQUAL sha_c)
  message(FATAL_ERROR "another noise seed gave the same replay journal")
endif()
if(NOT out_a STREQUAL out_b)
  message(FATAL_ERROR "the same noise seed printed differently:\n${out_a}\n---\n${out_b}")
endif()
