# sweep of 200 seeds on the jittery echo scenario: the same failing seeds
# with --jobs 1 and --jobs 2, some but not all seeds fail, and --out saves
# each failing seed's journal and a JSON report.
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(quick ${SCENARIOS}/quickstart.toml)
regex_quote("${WORK}" work_re)

# --jobs: 1 to 256, a usage error outside; never more threads than seeds, so
# --jobs 256 over 3 seeds fits in 1 GB of address space (256 threads' stacks
# would not); threads that cannot be started are an error, not an abort, and
# not bad input (exit 6, as out of memory: it was 2).
hio(sweep ${quick} --seeds 1..3 --jobs 100000 EXIT 2)
require("${err}" "hio sweep: --jobs: '100000' is not a whole number from 1 to 256" "--jobs 100000 not refused")
hio(sweep ${quick} --seeds 1..3 --jobs 257 EXIT 2)
if(NOT SANITIZE)  # ASan and TSan reserve terabytes of address space: no ulimit -v
  set(small_vm sh -c "ulimit -v 1000000 && ulimit -s 8192 && exec \"$0\" \"$@\"" ${HIO})
  run_tool(${small_vm} sweep ${quick} --seeds 1..3 --jobs 256 EXIT 0)
  # (the quickstart draws on no seed: its seeds are one run, and the sweep says so)
  require("${out}" "^3 of 3 seeds passed\nnote: every seed gave the same run \\(digest 323def0871273387\\): [^\n]*\n$" "--jobs 256 over 3 seeds")
  run_tool(${small_vm} sweep ${quick} --seeds 1..300 --jobs 256 --out ${WORK}/nothreads EXIT 6)
  require("${err}" "^hio sweep: cannot start 256 worker threads \\([^)]+\\); nothing was run: try a smaller --jobs\n$"
          "thread start failure not reported")
  # Nor is the --out it created left behind, empty (it was).
  if(NOT out STREQUAL "" OR EXISTS ${WORK}/nothreads)
    message(FATAL_ERROR "a sweep whose threads did not start reported or left --out:\n${out}")
  endif()
  # One thread whose stack does not fit (ulimit -s near ulimit -v): no
  # smaller --jobs to try (it said "cannot start 1 worker threads ... try a
  # smaller --jobs"). A --out that was there stays.
  set(big_stack sh -c "ulimit -v 1000000 && ulimit -s 990000 && exec \"$0\" \"$@\"" ${HIO})
  file(MAKE_DIRECTORY ${WORK}/kept_out)
  foreach(out_dir nothread kept_out)
    # --jobs 4 over 1 seed starts one thread: the same words.
    run_tool(${big_stack} sweep ${quick} --seeds 1..1 --jobs 4 --out ${WORK}/${out_dir} EXIT 6)
    require("${err}" "^hio sweep: cannot start a worker thread \\([^)]+\\); nothing was run: give it more memory \\(ulimit -v, or a smaller ulimit -s\\) or more threads \\(ulimit -u\\)\n$"
            "one thread's start failure not reported")
  endforeach()
  if(EXISTS ${WORK}/nothread OR NOT IS_DIRECTORY ${WORK}/kept_out)
    message(FATAL_ERROR "--out of a sweep whose thread did not start: left, or the user's removed")
  endif()
endif()

# --out that cannot be written (a directory under a file): the output failed,
# exit 4, not bad input.
file(WRITE ${WORK}/plain "a file")
hio(sweep ${quick} --seeds 1..2 --out ${WORK}/plain/out EXIT 4)
require("${err}" "^hio sweep: cannot create ${work_re}/plain/out: " "--out not creatable")

# --shard takes time proportional to its own seeds, up to 2^64-1.
foreach(case "0..18446744073709551615;1/18446744073709551615;0,18446744073709551615"
             "0..4000000000;4000000000/4000000000;3999999999"
             "18446744073709551610..18446744073709551615;2/3;18446744073709551611,18446744073709551614")
  list(GET case 0 range)
  list(GET case 1 shard)
  list(GET case 2 expected)
  execute_process(COMMAND ${HIO} sweep ${quick} --seeds ${range} --shard ${shard} --json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
  string(REGEX MATCHALL "\"seed\": [0-9]+" seen "${out}")
  string(REPLACE "\"seed\": " "" seen "${seen}")
  string(REPLACE "," ";" expected "${expected}")
  if(NOT rc EQUAL 0 OR NOT seen STREQUAL expected)
    message(FATAL_ERROR "--seeds ${range} --shard ${shard}: exit ${rc}, seeds ${seen}, expected ${expected}\n${out}\n${err}")
  endif()
endforeach()

# --json: one line per seed with the fields of report.json's seeds (no value:
# null), then the summary line.
hio(sweep ${quick} --seeds 1..2 --json EXIT 0)
string(REPLACE "\n" ";" json_lines "${out}")
list(GET json_lines 0 seed_line)
require_json("${seed_line}" NULL first_failure "sweep --json first_failure of a passing seed")
require_json("${seed_line}" NULL journal "sweep --json journal without --out")
require_json("${seed_line}" NUMBER closing_reset "sweep --json closing_reset")
require_json("${seed_line}" BOOLEAN beyond_keep "sweep --json beyond_keep")
list(GET json_lines 2 summary_line)
require_json("${summary_line}" NULL resume "sweep --json resume when not interrupted")
require_json("${summary_line}" STRING covered "sweep --json covered")

# The sweep sets each run's seed: --set run.seed is a usage error.
hio(sweep ${quick} --seeds 1..3 --set run.seed=5 EXIT 2)
require("${err}" "hio sweep: --set run.seed=5: a sweep sets run.seed from --seeds" "--set run.seed not refused")
hio(sweep ${quick} --seeds 1..2 --set run.limit=250ms --set run.seed=5 EXIT 2)

# A scenario path that is not UTF-8 (and has a quote): report.json is still
# JSON, the path in hex as scenario_hex.
set(weird_cmd sh -c "f=$(printf 'we\"ird\\377.toml') && cp \"$1\" \"$f\" && exec \"$0\" sweep \"$f\" --seeds 1..2 --out weird"
    ${HIO} ${quick})
execute_process(COMMAND ${weird_cmd} WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "sweep of we\"ird\\xff.toml: exit ${rc}\n${out}\n${err}")
endif()
file(READ ${WORK}/weird/report.json report)
string(JSON hex ERROR_VARIABLE bad GET "${report}" scenario_hex)
if(bad OR NOT hex STREQUAL "776522697264ff2e746f6d6c")
  message(FATAL_ERROR "report.json of we\"ird\\xff.toml: ${bad} ${hex}\n${report}")
endif()
string(JSON seeds ERROR_VARIABLE bad LENGTH "${report}" seeds)
if(bad OR NOT seeds EQUAL 2)
  message(FATAL_ERROR "report.json of we\"ird\\xff.toml: ${bad} ${seeds}\n${report}")
endif()

function(sweep jobs dir)
  execute_process(COMMAND ${HIO} sweep ${SCENARIOS}/tcp_echo_jitter.toml --seeds 1..200
                          --jobs ${jobs} --out ${dir}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 1)
    message(FATAL_ERROR "sweep --jobs ${jobs}: exit ${rc}, expected 1\n${out}\n${err}")
  endif()
  if(NOT err STREQUAL "")
    message(FATAL_ERROR "sweep --jobs ${jobs} complained:\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

sweep(1 ${WORK}/j1)
set(out1 "${out}")
sweep(2 ${WORK}/j2)
string(REPLACE "${WORK}/j2" "${WORK}/j1" out2 "${out}")
if(NOT out1 STREQUAL out2)
  message(FATAL_ERROR "--jobs 1 and --jobs 2 differ:\n${out1}\n---\n${out2}")
endif()
string(REGEX MATCHALL "seed [0-9]+: FAIL client.echoed == 40 \\(never held by 1.38 s" fails "${out1}")
list(LENGTH fails failed)
if(failed EQUAL 0 OR failed GREATER 100)
  message(FATAL_ERROR "expected a few failing seeds, got ${failed}:\n${out1}")
endif()
math(EXPR passed "200 - ${failed}")
if(NOT out1 MATCHES "${passed} of 200 seeds passed; failing seeds listed above\na failing seed N runs again with: [^\n]*/hio'? run [^\n]*/tcp_echo_jitter.toml'? --seed N\nreport in ${work_re}/j1/report.json, journals of failing seeds as seed-N.hioj\n$")
  message(FATAL_ERROR "sweep summary:\n${out1}")
endif()

# Each failing seed's journal, and nothing for the passing ones.
string(REGEX MATCHALL "seed ([0-9]+): FAIL" lines "${out1}")
file(GLOB saved RELATIVE ${WORK}/j1 ${WORK}/j1/*.hioj)
list(LENGTH saved saved_count)
if(NOT saved_count EQUAL failed)
  message(FATAL_ERROR "${failed} failing seeds but ${saved_count} journals: ${saved}")
endif()
file(READ ${WORK}/j1/report.json report)
foreach(line ${lines})
  string(REGEX REPLACE "seed ([0-9]+): FAIL" "\\1" seed "${line}")
  foreach(dir j1 j2)
    if(NOT EXISTS ${WORK}/${dir}/seed-${seed}.hioj)
      message(FATAL_ERROR "no journal for failing seed ${seed} in ${dir}")
    endif()
  endforeach()
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/j1/seed-${seed}.hioj
                          ${WORK}/j2/seed-${seed}.hioj RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    message(FATAL_ERROR "seed ${seed}: the journals of the two sweeps differ")
  endif()
  # The journal is the failing run: its trailer digest is the sweep's.
  if(NOT report MATCHES "\\{\"seed\": ${seed}, \"passed\": false, \"end\": \"limit\", \"digest\": \"([0-9a-f]+)\", \"first_failure\": \"client.echoed == 40 [^\"]*\", \"journal\": \"${work_re}/j1/seed-${seed}.hioj\", \"journal_lost\": null, \"closing_reset\": 0, \"dropped_datagrams\": 0, \"channel_errors\": [0-9]+, \"beyond_keep\": false\\}")
    message(FATAL_ERROR "seed ${seed} not in the report as expected:\n${report}")
  endif()
  set(digest ${CMAKE_MATCH_1})
  execute_process(COMMAND ${HIO} inspect ${WORK}/j1/seed-${seed}.hioj --kind close
                  RESULT_VARIABLE rc OUTPUT_VARIABLE inspected)
  if(NOT rc EQUAL 0 OR NOT inspected MATCHES "\ntrailer [^\n]* digest=${digest} ")
    message(FATAL_ERROR "seed ${seed}: journal digest is not ${digest}:\n${inspected}")
  endif()
endforeach()
require_json("${report}" NULL seeds 0 journal "report.json: journal of passing seed 1")
require_json("${report}" NULL seeds 0 first_failure "report.json: first_failure of passing seed 1")
if(NOT report MATCHES "\"seed\": 1, \"passed\": true, [^}]*\"journal\": null, \"journal_lost\": null, \"closing_reset\": 0, \"dropped_datagrams\": 0, \"channel_errors\": [0-9]+, \"beyond_keep\": false\\}")
  message(FATAL_ERROR "passing seed 1 not in the report:\n${report}")
endif()

# --keep 2 with --jobs 2: the same seeds listed, journals of the first two
# failing seeds only (seeds journaled out of order beyond them are removed),
# the others "beyond_keep" in the report.
execute_process(COMMAND ${HIO} sweep ${SCENARIOS}/tcp_echo_jitter.toml --seeds 1..200 --jobs 2
                        --out ${WORK}/keep --keep 2
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err STREQUAL "")
  message(FATAL_ERROR "sweep --keep 2: exit ${rc}\n${out}\n${err}")
endif()
string(REPLACE "${WORK}/keep" "${WORK}/j1" out_keep "${out}")
string(REPLACE "journals of failing seeds as seed-N.hioj"
       "journals of 2 of the ${failed} failing seeds as seed-N.hioj (--keep 2)" expected "${out1}")
if(NOT out_keep STREQUAL expected)
  message(FATAL_ERROR "--keep 2 output:\n${out}\nexpected:\n${expected}")
endif()
list(GET lines 0 first)
list(GET lines 1 second)
string(REGEX REPLACE "seed ([0-9]+): FAIL" "seed-\\1.hioj" first "${first}")
string(REGEX REPLACE "seed ([0-9]+): FAIL" "seed-\\1.hioj" second "${second}")
file(GLOB kept RELATIVE ${WORK}/keep ${WORK}/keep/*.hioj)
list(SORT kept)
set(wanted ${first} ${second})
list(SORT wanted)
if(NOT kept STREQUAL wanted)
  message(FATAL_ERROR "--keep 2 kept ${kept}, not ${wanted}")
endif()
file(READ ${WORK}/keep/report.json report)
string(REGEX MATCHALL "\"beyond_keep\": true" beyond "${report}")
list(LENGTH beyond beyond_count)
math(EXPR beyond_wanted "${failed} - 2")
if(NOT beyond_count EQUAL beyond_wanted)
  message(FATAL_ERROR "${beyond_count} seeds beyond --keep 2 in the report, not ${beyond_wanted}")
endif()
# Journals that cannot be written (a file size limit the small report fits
# in, the journals not: 25 or 50 KiB, as sh counts blocks of 512 or 1024
# bytes): exit 4, and the last line says so instead of blaming --keep
# (unfixed: "no journal saved (--keep 1)").
execute_process(COMMAND sh -c "ulimit -f 50; exec '${HIO}' sweep '${SCENARIOS}/tcp_echo_jitter.toml' --seeds 1..60 --jobs 2 --out '${WORK}/keep_lost' --keep 1"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 4)
  message(FATAL_ERROR "sweep with journals too large: exit ${rc}, expected 4\n${out}\n${err}")
endif()
require("${out}" "\nreport in [^\n]*keep_lost/report.json, no journal saved: 1 journal could not be written \\(--keep 1\\)\n$"
        "journals not written, summary")
require("${err}" "seed-[0-9]+.hioj': File too large" "journals not written, stderr")
# --keep 0: no journal, said so.
hio(sweep ${SCENARIOS}/tcp_echo_jitter.toml --seeds 1..200 --jobs 2 --out ${WORK}/keep0 --keep 0 EXIT 1)
require("${out}" "\nreport in [^\n]*keep0/report.json, no journal saved \\(--keep 0\\)\n$" "--keep 0 summary")
file(GLOB kept ${WORK}/keep0/*.hioj)
if(kept)
  message(FATAL_ERROR "--keep 0 kept ${kept}")
endif()
