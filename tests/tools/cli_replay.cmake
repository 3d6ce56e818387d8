# `hio replay` end to end: every example recorded (the real-mode one over
# loopback TCP too) replays identical with the run's digest; a replay's own
# journal has the same event stream; noise is reproducible by seed and
# differs by seed; a changed doer (tests/tools/shouting_hio.cpp) diverges
# with exit 3 at the first echoed byte; bad input exits 2. A replay's journal
# ends as the replay did (the recorded end, or the divergence); a damaged
# journal replays its intact prefix, says so, judges only what the prefix
# decides and exits 2; names from a journal are escaped.
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)

# The trailer line's end reason (and end text) of a journal.
function(trailer_end_of journal var)
  hio(inspect ${journal} EXIT 0)
  if(NOT out MATCHES "\ntrailer [^\n]* (end=[a-z]+ end_tyme=[0-9.]+[^\n]*)\n$")
    message(FATAL_ERROR "no trailer line in:\n${out}")
  endif()
  set(${var} "${CMAKE_MATCH_1}" PARENT_SCOPE)
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
  # The replay's trailer ends as the recorded run did (not "interrupted",
  # though the replayer stops the run at the recorded end).
  trailer_end_of(${WORK}/${stem}.hioj run_end)
  trailer_end_of(${WORK}/${stem}-replay.hioj replay_end)
  if(NOT run_end STREQUAL replay_end)
    message(FATAL_ERROR "${stem}: the replay's trailer ends '${replay_end}', the run's '${run_end}'")
  endif()
  hio(diff ${WORK}/${stem}.hioj ${WORK}/${stem}-replay.hioj EXIT 0)
  # The header differs in its mode only: its channel table is the run's at
  # its first pass (a capture's accepts in pass 0, tcp_loopback_real's, are
  # not in it), and the events are the same.
  require("${out}" "^header differs: mode: [a-z]+ vs replay\nsame: [0-9]+ events, digest ${run_digest}\n"
          "${stem} replay journal")
endforeach()

# Runs cut while their traffic goes on: events in the last passes and at the
# end tyme, and for a real-time run data received while it waited out its
# last tock (journaled at the end tyme, before the exit's closes). The replay
# ends at the recorded end, delivers those, and is identical.
file(WRITE ${WORK}/end_busy.toml [=[
[run]
tock = "1ms"

[net]
hosts = ["c", "s"]
client_host = "c"

[[doer]]
kind = "echo_server"
name = "server"
address = "sim://s:7"

[[doer]]
kind = "echo_client"
name = "client"
address = "@server"
messages = 1
]=])
foreach(limit 3ms 4ms 5ms)
  hio(run ${WORK}/end_busy.toml --set run.limit=${limit} --record ${WORK}/end_busy_${limit}.hioj
      EXIT 0)
  hio(replay ${WORK}/end_busy_${limit}.hioj EXIT 0)
  require("${out}" ": identical\n" "end_busy cut at ${limit}")
endforeach()
foreach(limit 150ms 250ms)
  # Cut early, the example's expectations fail (exit 1), in the replay too.
  hio(run ${SCENARIOS}/tcp_loopback_real.toml --limit ${limit} --record ${WORK}/real_${limit}.hioj
      EXIT 1)
  hio(replay ${WORK}/real_${limit}.hioj EXIT 1)
  require("${out}" ": identical\n" "real capture cut at ${limit}")
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
# --channel 0 selects exactly the network's own events.
hio(inspect ${WORK}/closed_port.hioj --channel 0 EXIT 0)
require("${out}" "\np200 0.2 s[0-9]+ #0 noise drop 16 " "--channel 0 lost the channel-0 drop")
if(out MATCHES "\n[^\n]* #[1-9]")
  message(FATAL_ERROR "--channel 0 let another channel through:\n${out}")
endif()
hio(replay ${WORK}/closed_port.hioj EXIT 0)
require("${out}" ": identical\n" "closed port replay status")
require("${out}" "digest:    ${closed_digest} \\(journal: ${closed_digest}\\)" "closed port replay digest")
hio(replay ${WORK}/closed_port.hioj --noise dup=0.5 --seed 2 EXIT 0)
require("${out}" ": perturbed\n" "closed port noise replay")

# Noise on a simulated run's journal: the scenario's expectations are checked
# on the perturbed run (exit 1 when one fails).
set(udp ${WORK}/udp_request_response.hioj)
hio(replay ${udp} --noise drop=0.3 --seed 1 EXIT 1)
require("${out}" "^replay:    udp-request-response, seed 3, noise seed 1: perturbed\n" "noise seed named")
require("${out}" "\nnoise:     [0-9]+ rx: [1-9][0-9]* dropped, " "noise counts")
require("${out}" "\nexpect:    5 of 6 passed\n[^\n]*\n  FAIL  client.responses >= 180 " "noise fails")
hio(replay ${udp} --noise dup=0.01 --seed 1 EXIT 0)
require("${out}" "\nexpect:    6 of 6 passed\n" "mild noise passes")
# Its channels are all SimNet's: the note that noise does not propagate between
# doers that talk to each other (a real capture's replay has no such note, below).
require("${err}" "^hio replay: note: every channel of this journal is a SimNet channel" "sim note")

# The responder's rx in the journal (#1 "server"): how many datagrams, and
# their bytes; and every channel's rx. The counts a noise replay must give are
# worked out from these, by hand.
function(rx_of journal channel count_var bytes_var)
  if(channel STREQUAL "")
    hio(inspect ${journal} --kind rx EXIT 0)
  else()
    hio(inspect ${journal} --channel ${channel} --kind rx EXIT 0)
  endif()
  string(REGEX MATCHALL "\n[^\n]* #[0-9]+ rx [0-9]+ " lines "${out}")
  set(count 0)
  set(bytes 0)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE ".* rx ([0-9]+) $" "\\1" n "${line}")
    math(EXPR count "${count} + 1")
    math(EXPR bytes "${bytes} + ${n}")
  endforeach()
  set(${count_var} ${count} PARENT_SCOPE)
  set(${bytes_var} ${bytes} PARENT_SCOPE)
endfunction()
rx_of(${udp} 1 server_rx server_rx_bytes)
rx_of(${udp} "" all_rx all_rx_bytes)
if(server_rx LESS 100)
  message(FATAL_ERROR "the udp journal's responder got ${server_rx} datagrams")
endif()
# UDP tx is compared datagram by datagram: with every rx delivered twice
# (dup=1) the responder answers each request it got twice - one datagram
# extra per request, its bytes extra, and every recorded answer still pairs
# (no mismatch); the requester's requests are the recorded ones. Compared as
# one byte stream, every answer after the first duplicate was a mismatch.
hio(replay ${udp} --noise dup=1 --seed 1 EXIT 0 1)
require("${out}" "\nnoise:     ${all_rx} rx: 0 dropped, 0 delayed, ${all_rx} duplicated, 0 corrupted, 0 reordered, 0 undelivered; tx: 0 mismatches, 0 bytes missing, ${server_rx_bytes} bytes extra, 0 datagrams missing, ${server_rx} datagrams extra\n"
        "dup=1: one extra answer per request the responder got")
# Every rx dropped: the responder answers nothing - each of its recorded
# answers (one per request it got) is missing, and nothing else differs.
hio(replay ${udp} --noise drop=1 --seed 1 EXIT 0 1)
require("${out}" "\nnoise:     ${all_rx} rx: ${all_rx} dropped, [^\n]*; tx: 0 mismatches, ${server_rx_bytes} bytes missing, 0 bytes extra, ${server_rx} datagrams missing, 0 datagrams extra\n"
        "drop=1: every answer missing")
# --json says which way the first datagram differed, as the text's "first
# tx:" line does (xudp25: "field" was only in the API's ReplayDivergence, so
# a script could not tell a missing answer from an extra one).
hio(replay ${udp} --noise drop=1 --seed 1 --json EXIT 0 1)
require("${out}" "\"first_tx_mismatch\": {\"pass\": [0-9]+, \"tyme\": \"[0-9.]+\", \"channel\": 1, \"channel_name\": \"server\", \"field\": \"missing\", \"offset\": 0, \"tyme_ns\": [0-9]+}"
        "drop=1: the first answer missing, in --json")
hio(replay ${udp} --noise dup=1 --seed 1 --json EXIT 0 1)
require("${out}" "\"first_tx_mismatch\": {\"pass\": [0-9]+, \"tyme\": \"[0-9.]+\", \"channel\": 1, \"channel_name\": \"server\", \"field\": \"extra\", \"offset\": [0-9]+, \"tyme_ns\": [0-9]+}"
        "dup=1: the first answer extra, in --json")

# Noise on a serial line's journal (serial_noisy_line: sim-serial, a byte
# stream in 16-byte UART chunks): the recorded rx of both ends is perturbed as
# any stream's, each decision a noise event on its serial channel; the same
# noise seed gives a byte-identical journal, another seed another one.
set(serial ${WORK}/serial_noisy_line.hioj)
set(serial_noise "drop=0.05,dup=0.05,corrupt=0.05,delay=0-20ms,delay_p=0.2")
hio(replay ${serial} --noise ${serial_noise} --seed 3 --record ${WORK}/serial3a.hioj EXIT 0 1)
require("${out}" "^replay:    serial-noisy-line, seed 2, noise seed 3: perturbed\n" "serial noise status")
require("${out}" "\nnoise:     [0-9]+ rx: [1-9][0-9]* dropped, [1-9][0-9]* delayed, [1-9][0-9]* duplicated, [1-9][0-9]* corrupted, 0 reordered, 0 undelivered; "
        "serial noise counts")
# The first place the tx differs, said after the counts (and in --json).
require("${out}" "\nfirst tx:  pass [0-9]+ \\(tyme [0-9.]+ s\\) on channel #[12] \"(device|host)\": the bytes differ from tx stream offset [0-9]+\n"
        "serial first tx mismatch")
hio(replay ${serial} --noise ${serial_noise} --seed 3 --json EXIT 0 1)
require("${out}" "\"first_tx_mismatch\": {\"pass\": [0-9]+, \"tyme\": \"[0-9.]+\", \"channel\": [12], \"channel_name\": \"(device|host)\", \"field\": \"bytes\", \"offset\": [0-9]+, \"tyme_ns\": [0-9]+}"
        "serial first tx mismatch in --json")
# The serial_noisy_line example of docs/replay.md: a lost chunk is one
# mismatch, and the bytes after it agree again (by byte offset: 163; 15 while
# a meeting could be taken on the bytes of one recorded chunk, a count that
# depended on the order the two sides' bytes arrived in). 10 corrupted, 13
# mismatches since session 18: the 13 chunks corrupt=0.05 alone flips less
# the 3 of them drop loses (12 and 14 while a drop shifted corrupt's draws).
hio(replay ${serial} --noise drop=0.05,corrupt=0.05 --seed 3 EXIT 0 1)
require("${out}" "\nnoise:     360 rx: 19 dropped, 0 delayed, 0 duplicated, 10 corrupted, 0 reordered, 0 undelivered; tx: 13 mismatches, 134 bytes missing, 0 bytes extra\n"
        "docs/replay.md's serial example")
hio(replay ${serial} --noise ${serial_noise} --seed 3 --record ${WORK}/serial3b.hioj EXIT 0 1)
require_same_files(${WORK}/serial3a.hioj ${WORK}/serial3b.hioj "serial replay --noise --seed 3 twice")
hio(replay ${serial} --noise ${serial_noise} --seed 4 --record ${WORK}/serial4.hioj EXIT 0 1)
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/serial3a.hioj ${WORK}/serial4.hioj
                RESULT_VARIABLE serial_differs)
if(serial_differs EQUAL 0)
  message(FATAL_ERROR "serial noise seeds 3 and 4 gave the same journal")
endif()
hio(inspect ${WORK}/serial3a.hioj --kind noise EXIT 0)
require("${out}" "\np[0-9]+ [0-9.]+ s[0-9]+ #1 noise drop [0-9]+ [^\n]* detail=\"replay noise: dropped\"\n"
        "a serial chunk of the device dropped")
require("${out}" "\np[0-9]+ [0-9.]+ s[0-9]+ #2 noise [a-z]+ [^\n]* detail=\"replay noise: "
        "the host's serial rx perturbed")

# Noise on a real capture: same seed => byte-identical journals; another seed
# => another run. (Whether the doers cope depends on the capture's timing:
# exit 0 or 1.)
set(real ${WORK}/tcp_loopback_real.hioj)
set(noise "drop=0.05,dup=0.05,corrupt=0.05,reorder=0.1,delay=0-30ms")
hio(replay ${real} --noise ${noise} --seed 9 --record ${WORK}/n9a.hioj EXIT 0 1)
require("${out}" ": perturbed\n" "noise status")
if(err MATCHES "SimNet")
  message(FATAL_ERROR "a real capture's noise replay has the SimNet note:\n${err}")
endif()
require("${out}" "\nnoise:     [0-9]+ rx: " "noise counts")
hio(replay ${real} --noise ${noise} --seed 9 --record ${WORK}/n9b.hioj EXIT 0 1)
require_same_files(${WORK}/n9a.hioj ${WORK}/n9b.hioj "replay --noise --seed 9 twice")
# The noise replay's header says how it was made, and a strict replay's does not.
hio(inspect ${WORK}/n9a.hioj --kind open EXIT 0)
require("${out}" "^header [^\n]* mode=replay [^\n]* noise=\"${noise}\" noise_seed=9\n" "noise replay header")
hio(inspect ${WORK}/tcp_loopback_real-replay.hioj --kind open EXIT 0)
if(out MATCHES "noise=")
  message(FATAL_ERROR "a strict replay's header names noise:\n${out}")
endif()
hio(replay ${real} --noise ${noise} --seed 10 --record ${WORK}/n10.hioj EXIT 0 1)
hio(diff ${WORK}/n9a.hioj ${WORK}/n10.hioj EXIT 3)
hio(replay ${real} --noise ${noise} --seed 9 --json EXIT 0 1)
require("${out}" "^\\{\"name\": \"tcp-loopback-real\", \"seed\": 0, \"noise_spec\": \"${noise}\", \"noise_seed\": 9, [^\n]*\"status\": \"perturbed\"" "json")
hio(replay ${real} --json EXIT 0)
require("${out}" "^\\{\"name\": \"tcp-loopback-real\", \"seed\": 0, \"noise_spec\": null, \"noise_seed\": null, " "json without noise")
require_json("${out}" NULL noise_spec "replay --json noise_spec without --noise")
require_json("${out}" NULL journal "replay --json journal without --record")
require_json("${out}" NUMBER noise stalled_dropped "replay --json noise.stalled_dropped")
require("${out}" "\"expectations\": \\[\\{\"text\": " "json expectations")

# A changed doer: the upper-casing echo diverges at its first tx.
run_tool(${SHOUTING} replay ${real} EXIT 3)
require("${out}" ": diverged\n" "divergence status")
require("${out}" "replay diverged at pass [0-9]+ \\(tyme [0-9.]+ s\\) on channel #[0-9]+ \"server/[0-9]+\": tx differs"
        "divergence line")
require("${out}" "\n- 00000000 " "hex diff expected")
require("${out}" "\n\\+ 00000000 " "hex diff actual")
run_tool(${SHOUTING} replay ${real} --record ${WORK}/shouted.hioj EXIT 3)
trailer_end_of(${WORK}/shouted.hioj shouted_end)
require("${shouted_end}" "^end=error end_tyme=[0-9.]+ end_text=\"replay diverged at pass [0-9]+ "
        "a diverged replay's trailer")
run_tool(${SHOUTING} replay ${real} --json EXIT 3)
require("${out}" "\"divergence\": \\{\"kind\": \"tx differs\", \"pass\": [0-9]+" "json divergence")
# It carries the two events the text shows under it (its "expected:" and
# "actual:" lines, then the hex diff), as inspect --json prints them and as
# hio diff --json's divergences carry theirs; before session 28 a script got
# where the replay parted, not the bytes (xjrn28). And its exact tyme.
require_json("${out}" NUMBER divergence tyme_ns "json divergence tyme_ns")
foreach(side expected actual)
  string(JSON kind GET "${out}" divergence ${side} kind)
  string(JSON type GET "${out}" divergence ${side} type)
  if(NOT kind STREQUAL "tx" OR NOT type STREQUAL "event")
    message(FATAL_ERROR "json divergence: ${side} is no tx event (${type} ${kind}) in:\n${out}")
  endif()
  string(JSON ${side}_hex GET "${out}" divergence ${side} bytes_hex)
endforeach()
# The shouting echo sends the recorded bytes upper-cased: the echo client's
# lower-case letters (0x61-0x7a) as 0x41-0x5a, as many.
string(LENGTH "${expected_hex}" expected_length)
string(LENGTH "${actual_hex}" actual_length)
if(NOT expected_hex MATCHES "^(6[1-9a-f]|7[0-9a])" OR NOT actual_hex MATCHES "^(4[1-9a-f]|5[0-9a])"
   OR NOT expected_length EQUAL actual_length)
  message(FATAL_ERROR "json divergence: expected ${expected_hex}, actual ${actual_hex}")
endif()

# Bad input: exit 2, a precise message.
hio(replay ${WORK}/missing.hioj EXIT 2)
require("${err}" "hio replay: ${WORK}/missing.hioj: byte 0 " "missing journal")
file(WRITE ${WORK}/garbage.hioj "this is no journal\n")
hio(replay ${WORK}/garbage.hioj EXIT 2)
require("${err}" "garbage.hioj: byte 0 \\(before any pass\\): bad_magic: " "garbage")
hio(replay ${real} --noise drop=1.5 --seed 1 EXIT 2)
require("${err}" "--noise drop=1.5: noise spec: at offset 5 \\(key 'drop'\\)" "bad noise")
hio(replay ${real} --seed 1 EXIT 2)
require("${err}" "^hio replay: --seed requires --noise: it seeds the noise \\(the recorded run's seed comes from the journal\\)\n$" "seed without noise")
# A negative delay is named as such, as a scenario's duration is.
hio(replay ${real} --noise delay=-1ms --seed 1 EXIT 2)
require("${err}" "^hio replay: --noise delay=-1ms: noise spec: at offset 6 \\(key 'delay'\\): duration \"-1ms\" is negative\n$" "negative delay")
hio(replay ${real} --noise drop=0.1 --seed -3 EXIT 2)
# An output that cannot be created is exit 4 (the output-error code), as one
# that fails while written is: the input was fine.
hio(replay ${real} --record ${WORK}/no/such/dir/x.hioj EXIT 4)
require("${err}" "x.hioj: cannot create the journal" "unwritable record")

# A damaged journal (one byte zeroed in the middle: a bad CRC) replays its
# intact prefix, says so with the byte offset and pass, does not judge the
# expectations the cut made meaningless, and exits 2 with the error on stderr.
file(SIZE ${udp} udp_size)
math(EXPR middle "${udp_size} / 2")
file(COPY_FILE ${udp} ${WORK}/bad_crc.hioj)
execute_process(COMMAND sh -c "printf '\\000' | dd of=\"$0\" bs=1 seek=$1 conv=notrunc 2>/dev/null"
                        ${WORK}/bad_crc.hioj ${middle}
                RESULT_VARIABLE dd_rc)
if(NOT dd_rc EQUAL 0)
  message(FATAL_ERROR "could not damage the journal")
endif()
hio(replay ${WORK}/bad_crc.hioj --record ${WORK}/bad_crc-replay.hioj EXIT 2)
require("${out}" "^replay:    udp-request-response, seed [0-9]+: identical up to the damage\nDAMAGED:   the journal is damaged at byte [0-9]+ \\(after pass [0-9]+, tyme [0-9.]+ s\\): bad_crc: "
        "damage said first")
require("${out}" "\n           only the [0-9]+ recorded events before that byte were replayed, up to pass [0-9]+ "
        "what was replayed")
require("${out}" "\nexpect:    [0-9]+ of 6 passed, [1-9] not judged\n" "expectations not judged")
require("${out}" "\n  --    client.sent == 200  \\(not judged: the replay stopped at tyme [0-9.]+ s, where the journal's intact part ends "
        "final not judged")
require("${err}" "^hio replay: ${WORK}/bad_crc.hioj: byte [0-9]+ \\(after pass [0-9]+, tyme [0-9.]+ s\\): bad_crc: " "stderr")
trailer_end_of(${WORK}/bad_crc-replay.hioj damaged_end)
require("${damaged_end}" "^end=interrupted end_tyme=[0-9.]+ end_text=\"replayed the intact prefix of a damaged journal: byte [0-9]+ "
        "a damaged journal's replay trailer")
# That journal ends where its doers closed: it replays identical in its turn.
hio(replay ${WORK}/bad_crc-replay.hioj EXIT 1)
require("${out}" ": identical\n" "the replay of a damaged journal's replay")
hio(replay ${WORK}/bad_crc.hioj --json EXIT 2)
require("${out}" "\"journal_error\": \\{\"type\":\"error\",\"kind\":\"bad_crc\",\"offset\":[0-9]+,\"last_pass\":[0-9]+,"
        "json journal error")
require("${out}" "\\{\"text\": \"client.sent == 200\", \"passed\": false, \"judged\": false, " "json not judged")
# Cut (a killed capture): the same policy.
math(EXPR third "${udp_size} / 3")
execute_process(COMMAND head -c ${third} ${udp} OUTPUT_FILE ${WORK}/cut.hioj)
hio(replay ${WORK}/cut.hioj EXIT 2)
require("${out}" "\nDAMAGED:   the journal is damaged at byte [0-9]+ \\(after pass [0-9]+, tyme [0-9.]+ s\\): truncated: " "cut")
# Cut inside its first pass frame, or right after the header: the client
# names the server by '@server', whose recorded address is in that frame. The
# damage is said (unfixed: a scenario error, "address '@server' names doer
# 'server', whose address ... is still being resolved"), and no expectation
# is judged.
file(READ ${udp} header_length OFFSET 16 LIMIT 4 HEX)
string(REGEX REPLACE "^(..)(..)(..)(..)$" "0x\\4\\3\\2\\1" header_length "${header_length}")
math(EXPR header_end "24 + ${header_length}")
math(EXPR first_cut "${header_end} + 10")
foreach(cut ${first_cut} ${header_end})
  execute_process(COMMAND head -c ${cut} ${udp} OUTPUT_FILE ${WORK}/cut_${cut}.hioj)
  hio(replay ${WORK}/cut_${cut}.hioj EXIT 2)
  require("${out}" "^replay:    udp-request-response, seed [0-9]+: identical up to the damage\nDAMAGED:   the journal is damaged at byte ${header_end} \\(before any pass\\): truncated: "
          "cut at ${cut}: the damage")
  require("${out}" "\nexpect:    0 of 6 passed, 6 not judged\n  --    client.sent == 200  \\(not judged: the replay stopped before its first pass "
          "cut at ${cut}: not judged")
  require("${err}" "^hio replay: ${WORK}/cut_${cut}.hioj: byte ${header_end} \\(before any pass\\): truncated: [^\n]*\n$"
          "cut at ${cut}: stderr")
endforeach()

# A scenario name with control characters: refused by the loader (its
# message escaped); in a journal someone sent, refused by the replay as the
# scenario does not load - never printed raw.
file(READ ${SCENARIOS}/quickstart.toml quickstart)
string(REPLACE "name = \"quickstart\"" "name = \"evil\\u001b[2J\"" evil "${quickstart}")
file(WRITE ${WORK}/evil.toml "${evil}")
string(ASCII 27 esc)
hio(run ${WORK}/evil.toml --record ${WORK}/evil.hioj EXIT 2)
require("${err}" "evil.toml:[0-9]+:[0-9]+: run.name \"evil\\\\x1b\\[2J\" holds a control character" "run name escaped")
hio(run ${SCENARIOS}/quickstart.toml --record ${WORK}/plain.hioj EXIT 0)
execute_process(COMMAND ${EDIT} scenario ${WORK}/plain.hioj ${WORK}/evil.hioj
                        "name = \"quickstart\"" "name = \"evil\\u001b[2J\"" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "journal-edit scenario failed")
endif()
hio(replay ${WORK}/evil.hioj EXIT 2)
require("${err}" "evil.hioj:scenario:[0-9]+:[0-9]+: run.name \"evil\\\\x1b\\[2J\" holds a control character" "replay name escaped")
string(FIND "${out}${err}" "${esc}" raw_esc)
if(NOT raw_esc EQUAL -1)
  message(FATAL_ERROR "replay wrote a raw ESC:\n${out}${err}")
endif()
# The lead line blames nothing it does not know (it said "does not load with
# this program's doer kinds" for any problem), and --json's position is the
# first problem's, not the lead line's (it gave null).
require("${err}" "^[^\n]*evil.hioj: the scenario in the journal's header does not load:\n[^\n]*evil.hioj:scenario:[0-9]+:[0-9]+: "
        "replay: the lead line")
hio(replay ${WORK}/evil.hioj --json EXIT 2)
require_json("${out}" NUMBER line "replay a scenario that does not load --json: line")
require_json("${out}" NUMBER column "replay a scenario that does not load --json: column")
# A channel name with control characters in a journal (edited: a scenario
# cannot have one) reaches the divergence report: escaped there.
hio(run ${SCENARIOS}/tcp_loopback_real.toml --limit 200ms --record ${WORK}/named_real.hioj EXIT 0 1)
execute_process(COMMAND ${EDIT} rename ${WORK}/named_real.hioj ${WORK}/evil_real.hioj
                        alice "al${esc}[2J" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "journal-edit rename failed")
endif()
hio(replay ${WORK}/evil_real.hioj EXIT 3)
require("${out}" "\n  expected: p0 0 s[0-9]+ #2 open stream name=\"al\\\\x1b\\[2J\" " "divergence channel name escaped")
string(FIND "${out}" "${esc}" raw_esc)
if(NOT raw_esc EQUAL -1)
  message(FATAL_ERROR "the divergence report wrote a raw ESC:\n${out}")
endif()

# Bytes after a whole trailer damage the file, not the recorded run: the
# replay runs in full and judges every expectation, and still exits 2.
configure_file(${udp} ${WORK}/trailing.hioj COPYONLY)
file(APPEND ${WORK}/trailing.hioj "garbage\n")
hio(replay ${WORK}/trailing.hioj EXIT 2)
require("${out}" "seed [0-9]+: identical\n" "trailing bytes made the replay diverge")
require("${out}" "the recorded run before it is whole and was replayed in full" "whole run not said")
require("${out}" "expect:    6 of 6 passed" "expectations not judged after trailing bytes")

# A journal replayed from a pipe, recorded: its trailer has the recorded end
# (the replay reads its input once), and --record to a device writes there.
execute_process(COMMAND sh -c "cat '${udp}' | '${HIO}' replay /dev/stdin --record '${WORK}/piped.hioj'"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "replay from a pipe: exit ${rc}\n${out}\n${err}")
endif()
trailer_end_of(${WORK}/piped.hioj piped_end)
trailer_end_of(${udp} udp_end)
if(NOT piped_end STREQUAL udp_end)
  message(FATAL_ERROR "a piped replay's trailer says '${piped_end}', the recording '${udp_end}'")
endif()
hio(run ${SCENARIOS}/quickstart.toml --record /dev/null EXIT 0)
hio(replay ${udp} --record /dev/null EXIT 0)
