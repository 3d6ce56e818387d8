# The hio binary end to end around journals: run --record (digest printed ==
# trailer digest; twice => byte-identical files), inspect (filters, damage =>
# byte offset and exit 2), diff (same => 0, divergence => 3, damage => 2),
# and every simulated example recorded twice diffs as the same.
function(hio)
  cmake_parse_arguments(H "" "EXIT" "" ${ARGN})
  execute_process(COMMAND ${HIO} ${H_UNPARSED_ARGUMENTS} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL ${H_EXIT})
    message(FATAL_ERROR "hio ${H_UNPARSED_ARGUMENTS}: exit ${rc}, expected ${H_EXIT}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()
function(require text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: no match for '${regex}' in:\n${text}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(udp ${SCENARIOS}/udp_request_response.toml)

# --record: the digest the run prints is the one in the journal's trailer.
hio(EXIT 0 run ${udp} --seed 7 --record ${WORK}/a.hioj)
if(NOT out MATCHES "digest:    ([0-9a-f]+)\n")
  message(FATAL_ERROR "no digest in:\n${out}")
endif()
set(run_digest ${CMAKE_MATCH_1})
require("${out}" "journal:   ${WORK}/a.hioj" "journal line")
if(run_digest STREQUAL "0000000000000000")
  message(FATAL_ERROR "the run's digest is zero")
endif()
hio(EXIT 0 inspect ${WORK}/a.hioj)
require("${out}" "^header format=1 [^\n]* seed=7 tock=0.001 mode=sim scenario=" "header line")
require("${out}" "\ntrailer passes=3000 [^\n]* digest=${run_digest} end=limit" "trailer digest")
hio(EXIT 0 run ${udp} --seed 7 --json --record ${WORK}/json.hioj)
require("${out}" "\"digest\": \"${run_digest}\", \"journal\": \"${WORK}/json.hioj\"" "json digest")

# Twice, separate processes: byte-identical journals.
hio(EXIT 0 run ${udp} --seed 7 --record ${WORK}/b.hioj)
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/a.hioj ${WORK}/b.hioj
                RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "run --seed 7 --record twice gave different journals")
endif()

# inspect: filters.
hio(EXIT 0 inspect ${WORK}/a.hioj --kind noise --from 1s --to 1.1s)
require("${out}" "\np1001 1.001 s[0-9]+ #1 noise " "noise in range")
if(out MATCHES "\np[0-9]+ [0-9.]+ s[0-9]+ #[0-9]+ (rx|tx|open|connect|close) ")
  message(FATAL_ERROR "--kind noise let other kinds through:\n${out}")
endif()
hio(EXIT 0 inspect ${WORK}/a.hioj --channel client --kind open --json)
require("${out}" "^\\{\"type\":\"header\"" "json header")
require("${out}" "\n\\{\"type\":\"event\",\"pass\":0,[^\n]*\"channel\":2,\"kind\":\"open\"" "json open")
if(out MATCHES "\"channel\":1,")
  message(FATAL_ERROR "--channel client let channel 1 through:\n${out}")
endif()
# Repeatable options take one value each, so they may come first.
hio(EXIT 0 inspect --kind close --kind connect --channel client ${WORK}/a.hioj)
require("${out}" "\np0 0 s[0-9]+ #2 connect [^\n]*\np[0-9]+ [0-9.]+ s[0-9]+ #2 close [^\n]*\ntrailer " "options first")
hio(EXIT 2 inspect ${WORK}/a.hioj --kind bogus)
require("${err}" "--kind bogus: one of open, connect" "bad kind")
hio(EXIT 2 inspect ${WORK}/a.hioj --channel nobody)
hio(EXIT 2 inspect ${WORK}/a.hioj --from 1parsec)
hio(EXIT 2 inspect ${WORK}/missing.hioj)
require("${err}" "hio inspect: ${WORK}/missing.hioj: byte 0 [^\n]*: io: " "missing journal")
# Damage: a cut journal and garbage, each with its byte offset.
execute_process(COMMAND head -c 3000 ${WORK}/a.hioj OUTPUT_FILE ${WORK}/cut.hioj)
hio(EXIT 2 inspect ${WORK}/cut.hioj)
require("${err}" "cut.hioj: byte [0-9]+ \\(after pass [0-9]+, tyme [0-9.]+ s\\): truncated: " "cut")
file(WRITE ${WORK}/garbage.hioj "this is no journal\n")
hio(EXIT 2 inspect ${WORK}/garbage.hioj)
require("${err}" "garbage.hioj: byte 0 \\(before any pass\\): bad_magic: " "garbage")

# diff: same => 0; another seed => 3 with where and what; damage => 2.
hio(EXIT 0 diff ${WORK}/a.hioj ${WORK}/b.hioj)
require("${out}" "^same: [0-9]+ events, digest ${run_digest}\n" "diff same")
hio(EXIT 0 run ${udp} --seed 8 --record ${WORK}/c.hioj)
hio(EXIT 3 diff ${WORK}/a.hioj ${WORK}/c.hioj)
require("${out}" "header differs: seed: 7 vs 8" "diff header")
require("${out}" "first divergence at event [0-9]+: pass [0-9]+, tyme " "diff divergence")
hio(EXIT 2 diff ${WORK}/a.hioj ${WORK}/cut.hioj)
hio(EXIT 2 diff ${WORK}/garbage.hioj ${WORK}/a.hioj)
hio(EXIT 2 diff ${WORK}/a.hioj)

# Every simulated example, recorded twice, is the same run; and the same
# again, byte for byte, with time skipping off.
file(GLOB examples ${SCENARIOS}/*.toml)
foreach(example ${examples})
  file(READ ${example} text)
  if(text MATCHES "mode = \"real\"")
    continue()
  endif()
  get_filename_component(stem ${example} NAME_WE)
  hio(EXIT 0 run ${example} --record ${WORK}/${stem}-1.hioj)
  hio(EXIT 0 run ${example} --record ${WORK}/${stem}-2.hioj)
  hio(EXIT 0 diff ${WORK}/${stem}-1.hioj ${WORK}/${stem}-2.hioj)
  hio(EXIT 0 run ${example} --set run.skip=false --record ${WORK}/${stem}-noskip.hioj)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/${stem}-1.hioj
                          ${WORK}/${stem}-noskip.hioj RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    message(FATAL_ERROR "${stem}: time skipping on and off gave different journals")
  endif()
endforeach()
