# hio replay of a journal a program wrote with the library (docs/replay.md's
# hello_journal): its header has no scenario text, so hio cannot rebuild its
# doers; it says so, and where such a journal is replayed (exit 2), while
# inspect reads it as any journal.
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${EXAMPLE} WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0 OR NOT EXISTS ${WORK}/hello.hioj)
  message(FATAL_ERROR "${EXAMPLE}: exit ${rc}, or no hello.hioj written")
endif()
hio(inspect ${WORK}/hello.hioj EXIT 0)
require("${out}" "\ntrailer " "inspect reads the library's journal")
foreach(json "" "--json")
  hio(replay ${WORK}/hello.hioj ${json} EXIT 2)
  require("${out}${err}"
          "hello.hioj: the journal's header has no scenario text: it was not recorded by `hio run` \\(a program's own capture is replayed by that program, see docs/replay.md\\)"
          "no scenario text ${json}")
endforeach()
# No scenario text is no value: "scenario":null in inspect --json's header,
# as "noise":null beside it (it was "scenario":"", against the rule that a
# field with no value is null, never "").
hio(inspect ${WORK}/hello.hioj --json EXIT 0)
string(REGEX MATCH "^[^\n]*" header "${out}")
require_json("${header}" NULL scenario "inspect --json: a header without scenario text")
