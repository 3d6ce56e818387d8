# hio_run_expecting(EXPECTED WORKING_DIR COMMAND...): runs COMMAND in
# WORKING_DIR; it must exit 0 and, if EXPECTED (a file) is given, print on
# stdout exactly that file's text, with digests ("digest" and 16 hex digits)
# masked on both sides: a real capture's differ from run to run. The docs'
# programs are checked against the output the docs show with it
# (tests/consumer/run_consumer.cmake, the replay_example test).
#
# As a script: cmake -DEXPECTED=file -DWORKING_DIR=dir -DCOMMAND=prog|args -P
# expect_output.cmake
function(hio_run_expecting expected working_dir)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${working_dir} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out)
  if(rc)
    message(FATAL_ERROR "${ARGN} failed: ${rc}\n${out}")
  endif()
  if(NOT expected)
    return()
  endif()
  file(READ ${expected} shown)
  set(digest "digest [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]")
  set(digest "${digest}[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]")
  string(REGEX REPLACE "${digest}" "digest (masked)" masked_out "${out}")
  string(REGEX REPLACE "${digest}" "digest (masked)" masked_shown "${shown}")
  if(NOT masked_out STREQUAL masked_shown)
    message(FATAL_ERROR "${ARGN} printed:\n${out}\nnot what ${expected} shows:\n${shown}")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  string(REPLACE "|" ";" command "${COMMAND}")
  hio_run_expecting("${EXPECTED}" "${WORKING_DIR}" ${command})
endif()
