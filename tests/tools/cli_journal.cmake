# The hio binary end to end around journals: run --record (digest printed ==
# trailer digest == the digest without --record; twice => byte-identical files), inspect (filters, damage =>
# byte offset and exit 2), diff (same => 0, divergence => 3, damage => 2),
# and every simulated example recorded twice diffs as the same.
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(udp ${SCENARIOS}/udp_request_response.toml)

# --record: the digest the run prints is the one in the journal's trailer,
# and the one the same run prints without a journal (computed apart: by the
# journal's writer, and by the run's own digest sink).
hio(run ${udp} --seed 7 --record ${WORK}/a.hioj EXIT 0)
if(NOT out MATCHES "digest:    ([0-9a-f]+)\n")
  message(FATAL_ERROR "no digest in:\n${out}")
endif()
set(run_digest ${CMAKE_MATCH_1})
if(NOT out MATCHES "events:    ([0-9]+)")
  message(FATAL_ERROR "no event count in:\n${out}")
endif()
set(run_events ${CMAKE_MATCH_1})
require("${out}" "journal:   ${WORK}/a.hioj" "journal line")

# A journal given where a scenario goes: said so, exit 2 (not a TOML error).
foreach(command run check sweep)
  if(command STREQUAL "sweep")
    hio(sweep ${WORK}/a.hioj --seeds 1..2 EXIT 2)
  else()
    hio(${command} ${WORK}/a.hioj EXIT 2)
  endif()
  require("${err}" "a.hioj: is a hio journal, not a scenario \\(use hio replay / hio inspect\\)"
          "${command} of a journal not recognised")
endforeach()
if(run_digest STREQUAL "0000000000000000")
  message(FATAL_ERROR "the run's digest is zero")
endif()
hio(run ${udp} --seed 7 EXIT 0)
require("${out}" "digest:    ${run_digest}\n" "digest without --record")
require("${out}" "events:    ${run_events}" "event count without --record")
hio(inspect ${WORK}/a.hioj EXIT 0)
require("${out}" "^header format=1 [^\n]* seed=7 tock=0.001 mode=sim scenario=" "header line")
require("${out}" "\ntrailer passes=3000 [^\n]* digest=${run_digest} end=limit" "trailer digest")
hio(run ${udp} --seed 7 --json --record ${WORK}/json.hioj EXIT 0)
require("${out}" "\"digest\": \"${run_digest}\", \"journal\": \"${WORK}/json.hioj\"" "json digest")
require_json("${out}" STRING journal "run --json journal with --record")
hio(run ${udp} --seed 7 --json EXIT 0)
require_json("${out}" NULL journal "run --json journal without --record")
require_json("${out}" NULL error "run --json error of a run that did not throw")

# inspect --stats: the total counts every event; its rx chunks are the rx
# lines inspect prints, and a damaged journal still ends with the error.
hio(inspect ${WORK}/a.hioj --stats EXIT 0)
require("${out}" "\nstats total channels=[0-9]+ events=${run_events} " "stats total events")
require("${out}" "\nstats #1 name=\"[^\n]*\n(stats [^\n]*\n)*trailer passes=3000 " "stats lines, then the trailer")
hio(inspect ${WORK}/a.hioj --kind rx EXIT 0)
string(REGEX MATCHALL "\np[0-9]+ [0-9.]+ s[0-9]+ #[0-9]+ rx " rx_lines "${out}")
list(LENGTH rx_lines rx_count)
hio(inspect ${WORK}/a.hioj --stats --kind rx --json EXIT 0)
require("${out}" "\n\\{\"type\":\"stats_total\",[^\n]*\"events\":${rx_count},[^\n]*\"rx_chunks\":${rx_count},"
        "stats --kind rx: the rx lines")
# Twice, separate processes: byte-identical journals.
hio(run ${udp} --seed 7 --record ${WORK}/b.hioj EXIT 0)
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/a.hioj ${WORK}/b.hioj
                RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "run --seed 7 --record twice gave different journals")
endif()

# inspect: filters.
hio(inspect ${WORK}/a.hioj --kind noise --from 1s --to 1.1s EXIT 0)
require("${out}" "\np1001 1.001 s[0-9]+ #1 noise " "noise in range")
if(out MATCHES "\np[0-9]+ [0-9.]+ s[0-9]+ #[0-9]+ (rx|tx|open|connect|close) ")
  message(FATAL_ERROR "--kind noise let other kinds through:\n${out}")
endif()
hio(inspect ${WORK}/a.hioj --channel client --kind open --json EXIT 0)
require("${out}" "^\\{\"type\":\"header\"" "json header")
# Every field of a header and a trailer, null where there is no value (the
# JSON rule; unfixed: no noise fields, "" for the wall clock and end text).
require("${out}" "^[^\n]*,\"wall_clock\":null,\"exit_marked\":true,\"noise\":null,\"noise_seed\":null,\"noise_chain\":\\[\\]}\n" "json header: every field")
require("${out}" "\n\\{\"type\":\"trailer\",[^\n]*,\"end_text\":null,\"stop_signal\":null,\"stop_signal_name\":null,\"ended_at_pass\":false,\"end_by_hio\":false}\n$" "json trailer: every field")
require("${out}" "\n\\{\"type\":\"event\",\"pass\":0,[^\n]*\"channel\":2,\"kind\":\"open\"" "json open")
# Every field of an event too, null where the event has none (unfixed:
# "bytes_len":0,"bytes_hex":"", "accepted":0,"who":"local","noise":"none" on
# an open, and no channel_kind on other kinds).
require("${out}" "\n\\{\"type\":\"event\",[^\n]*\"kind\":\"open\",\"bytes_len\":null,\"bytes_hex\":null,\"peer\":\"[^\"]+\",\"text\":\"client\",\"accepted\":null,\"who\":null,\"noise\":null,\"channel_kind\":\"[a-z]+\"}\n" "json open: every field")
if(out MATCHES "\"channel\":1,")
  message(FATAL_ERROR "--channel client let channel 1 through:\n${out}")
endif()
# The line after the header echoes the filters, as hio diff --json does (a
# channel's ids those it selected in this journal), and the window: every
# field, null for an option not given (unfixed: no such line, the filters
# echoed nowhere).
set(no_window "\"from_ns\":null,\"from\":null,\"to_ns\":null,\"to\":null}\n")
require("${out}" "^[^\n]*\n\\{\"type\":\"filter\",\"kinds\":\\[\"open\"\\],\"channels\":\\[{\"given\":\"client\",\"by\":\"name\",\"ids\":\\[2\\]}\\],${no_window}\\{\"type\":\"event\"" "json: the filter line")
hio(inspect ${WORK}/a.hioj --json EXIT 0)
require("${out}" "^[^\n]*\n\\{\"type\":\"filter\",\"kinds\":null,\"channels\":null,${no_window}" "json: the filter line without filters")
hio(inspect ${WORK}/a.hioj --channel "#1" --channel client --kind rx --kind open --from 1s --to 1.5s --stats --json EXIT 0)
require("${out}" "^[^\n]*\n\\{\"type\":\"filter\",\"kinds\":\\[\"rx\",\"open\"\\],\"channels\":\\[{\"given\":\"#1\",\"by\":\"id\",\"ids\":\\[1\\]},{\"given\":\"client\",\"by\":\"name\",\"ids\":\\[2\\]}\\],\"from_ns\":1000000000,\"from\":\"1\",\"to_ns\":1500000000,\"to\":\"1.5\"}\n\\{\"type\":\"stats\"," "json --stats: the filter line, with the window")
# Text has no such line.
hio(inspect ${WORK}/a.hioj --channel client --kind open EXIT 0)
require("${out}" "^header [^\n]*\np0 " "text: no filter line")
# Repeatable options take one value each, so they may come first.
hio(inspect --kind close --kind connect --channel client ${WORK}/a.hioj EXIT 0)
require("${out}" "\np0 0 s[0-9]+ #2 connect [^\n]*\np[0-9]+ [0-9.]+ s[0-9]+ #2 close [^\n]*\ntrailer " "options first")
hio(inspect ${WORK}/a.hioj --kind bogus EXIT 2)
require("${err}" "--kind bogus: one of open, connect" "bad kind")
# "#2", as the listing prints a channel, is the id 2.
hio(inspect ${WORK}/a.hioj --channel "#2" --kind open EXIT 0)
require("${out}" "\np0 0 s[0-9]+ #2 open [^\n]*\ntrailer " "--channel #2")
# Channels in any order, one given twice (by name and by id): each selected
# event once, in journal order.
hio(inspect ${WORK}/a.hioj --channel client --channel server --channel "#2" --kind open EXIT 0)
require("${out}" "\np0 0 s[0-9]+ #1 open [^\n]*\np0 0 s[0-9]+ #2 open [^\n]*\ntrailer " "--channel in any order")
# An id no channel has is an error naming the channels there are, not an
# empty listing; an id only the events know (a channel opened after the
# header was written, here an accepted remote) is found there.
hio(inspect ${WORK}/a.hioj --channel 9 EXIT 2)
require("${err}" "^hio inspect: --channel 9: the journal has no channel 9; its channels are 0 \\(the network\\), 1 server, 2 client\n$" "no such channel")
if(NOT out STREQUAL "")
  message(FATAL_ERROR "--channel 9 printed a listing:\n${out}")
endif()
hio(run ${SCENARIOS}/tcp_echo_jitter.toml --record ${WORK}/tcp.hioj EXIT 0)
hio(inspect ${WORK}/tcp.hioj --channel 3 --kind open EXIT 0)
require("${out}" "\np[0-9]+ [0-9.]+ s[0-9]+ #3 open stream name=\"server/3\"" "accepted channel by id")
# ... and by the name listings print for it, which only the events have.
hio(inspect ${WORK}/tcp.hioj --channel server/3 --kind open EXIT 0)
require("${out}" "\np[0-9]+ [0-9.]+ s[0-9]+ #3 open stream name=\"server/3\"[^\n]*\ntrailer " "accepted channel by name")
# A name the journal does not have: the nearest one, and all there are.
hio(inspect ${WORK}/tcp.hioj --channel sevrer/3 EXIT 2)
require("${err}" "^hio inspect: --channel sevrer/3: the journal has no channel named sevrer/3 \\(did you mean 'server/3'\\?\\); its channels are 0 \\(the network\\), 1 server, 2 client, 3 server/3\n$" "unknown channel name")
hio(inspect ${WORK}/a.hioj --channel nobody EXIT 2)
require("${err}" "^hio inspect: --channel nobody: the journal has no channel named nobody; its channels are 0 \\(the network\\), 1 server, 2 client\n$" "unknown channel name, none near")
# An empty name is said to be one (it said "no channel named ;").
# (execute_process: hio() would drop the empty argument.)
execute_process(COMMAND ${HIO} inspect ${WORK}/a.hioj --channel "" RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
require("${rc}" "^2$" "empty channel name: exit")
require("${err}" "^hio inspect: --channel \"\": the channel name is empty; the journal's channels are 0 \\(the network\\), 1 server, 2 client\n$" "empty channel name")
hio(inspect ${WORK}/a.hioj --from 1parsec EXIT 2)
# A window may reach past 100 years (a run's tyme goes on to ~292), not beyond tyme.
hio(inspect ${WORK}/a.hioj --from 876001h --to 2562047h EXIT 0)
hio(inspect ${WORK}/a.hioj --to 2562048h EXIT 2)
require("${err}" "too large \\(max the end of tyme, about 292 years\\)" "--to beyond tyme")
hio(inspect ${WORK}/a.hioj --from 2s --to 1s EXIT 2)
require("${err}" "hio inspect: --from 2s is not before --to 1s: no tyme is in that window" "empty window")
# --from's default is 0: --to 0 alone is the empty [0, 0) too (unfixed:
# accepted, exit 0, "stopped before pass 0"), as --from 0 --to 0 is.
foreach(window "--from;0;--to;0" "--to;0" "--to;0s")
  hio(inspect ${WORK}/a.hioj ${window} EXIT 2)
  require("${err}" "^hio inspect: --from 0[^\n]* is not before --to 0s?: no tyme is in that window\n$" "empty window ${window}")
endforeach()
require("${err}" "--from 0 \\(the default\\) is not before" "the default named")
hio(inspect ${WORK}/a.hioj --to 1ns EXIT 0)
hio(inspect ${WORK}/missing.hioj EXIT 2)
require("${err}" "hio inspect: ${WORK}/missing.hioj: byte 0 [^\n]*: io: " "missing journal")
# Damage: a cut journal and garbage, each with its byte offset.
execute_process(COMMAND head -c 3000 ${WORK}/a.hioj OUTPUT_FILE ${WORK}/cut.hioj)
hio(inspect ${WORK}/cut.hioj EXIT 2)
require("${err}" "cut.hioj: byte [0-9]+ \\(after pass [0-9]+, tyme [0-9.]+ s\\): truncated: " "cut")
# A window (--to) stops reading at the first frame past it, and says so;
# damage after the window is not read (inspect without --to validates it all).
hio(inspect ${WORK}/a.hioj --to 100ms EXIT 0)
require("${out}" "\np9[0-9] 0.09[0-9] [^\n]*\nstopped before pass 1[0-9][0-9] \\(tyme 0.1[0-9]* s, byte [0-9]+\\): past the window; the rest was not read\n$" "window stop")
file(SIZE ${WORK}/a.hioj a_size)
math(EXPR tail_cut "${a_size} - 10")
execute_process(COMMAND head -c ${tail_cut} ${WORK}/a.hioj OUTPUT_FILE ${WORK}/tail_cut.hioj)
hio(inspect ${WORK}/tail_cut.hioj --to 100ms EXIT 0)
hio(inspect ${WORK}/tail_cut.hioj EXIT 2)
require("${err}" "tail_cut.hioj: byte [0-9]+ \\(after pass 3000, tyme 3 s\\): truncated: " "cut")
require("${out}" "\nerror byte [0-9]+ [^\n]*truncated: [^\n]*\n$" "cut error line")
file(WRITE ${WORK}/garbage.hioj "this is no journal\n")
hio(inspect ${WORK}/garbage.hioj EXIT 2)
require("${err}" "garbage.hioj: byte 0 \\(before any pass\\): bad_magic: " "garbage")
# A file whose size says 0 but which holds bytes (/proc's, some FUSE file
# systems') is read to its end, as any: /proc/self/status is no journal.
# It used to be read as empty ("truncated: ... after 0 bytes").
if(EXISTS /proc/self/status)
  hio(inspect /proc/self/status EXIT 2)
  require("${err}" "status: byte 0 \\(before any pass\\): bad_magic: " "a file of size 0 with bytes")
endif()

# diff: same => 0; another seed => 3 with where and what; damage => 2.
hio(diff ${WORK}/a.hioj ${WORK}/b.hioj EXIT 0)
require("${out}" "^same: [0-9]+ events, digest ${run_digest}\n" "diff same")
hio(run ${udp} --seed 8 --record ${WORK}/c.hioj EXIT 0)
hio(diff ${WORK}/a.hioj ${WORK}/c.hioj EXIT 3)
require("${out}" "header differs: seed: 7 vs 8" "diff header")
require("${out}" "first divergence at event [0-9]+: pass [0-9]+, tyme " "diff divergence")
# A cut journal: the part both have is compared and said so on stdout (exit 2,
# the cut on stderr too).
hio(diff ${WORK}/a.hioj ${WORK}/cut.hioj EXIT 2)
require("${out}" "^same for the first [0-9]+ events, then ${WORK}/cut.hioj is cut or damaged at byte [0-9]+ \\(after pass [0-9]+, tyme [0-9.]+ s\\): truncated: [^\n]*\n$" "diff of a cut journal")
require("${err}" "hio diff: ${WORK}/cut.hioj: byte [0-9]+ " "diff cut on stderr")
hio(diff ${WORK}/cut.hioj ${WORK}/a.hioj EXIT 2)
require("${out}" "^same for the first [0-9]+ events, then ${WORK}/cut.hioj is cut" "diff of a cut journal first")
hio(diff ${WORK}/garbage.hioj ${WORK}/a.hioj EXIT 2)
hio(diff ${WORK}/a.hioj EXIT 2)

# Every simulated example, recorded twice, is the same run; and the same
# again, byte for byte, with time skipping off.
file(GLOB examples ${SCENARIOS}/*.toml)
foreach(example ${examples})
  file(READ ${example} text)
  if(text MATCHES "mode = \"real\"")
    continue()
  endif()
  get_filename_component(stem ${example} NAME_WE)
  hio(run ${example} --record ${WORK}/${stem}-1.hioj EXIT 0)
  hio(run ${example} --record ${WORK}/${stem}-2.hioj EXIT 0)
  hio(diff ${WORK}/${stem}-1.hioj ${WORK}/${stem}-2.hioj EXIT 0)
  hio(run ${example} --set run.skip=false --record ${WORK}/${stem}-noskip.hioj EXIT 0)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/${stem}-1.hioj
                          ${WORK}/${stem}-noskip.hioj RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    message(FATAL_ERROR "${stem}: time skipping on and off gave different journals")
  endif()
endforeach()
