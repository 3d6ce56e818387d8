# hio_run_expecting(EXPECTED WORKING_DIR COMMAND... [EXPECT_LOG LOG]): runs
# COMMAND in WORKING_DIR; it must exit 0 and, if EXPECTED (a file) is given,
# print on stdout exactly that file's text, with digests ("digest" and 16 hex
# digits) masked on both sides: a real capture's differ from run to run. The
# docs' programs are checked against the output the docs show with it
# (tests/consumer/run_consumer.cmake, the replay_example test, the
# io_example_* tests).
#
# If LOG (a file) is given, stderr (a hio::Log's console) must be its text,
# with what a real-time run over loopback changes from run to run masked on
# both sides: the tyme that starts each log record ("0.003 info [hello]") and
# the ports of 127.0.0.1 and [::1].
#
# As a script: cmake -DEXPECTED=file [-DEXPECT_LOG=file] -DWORKING_DIR=dir
# -DCOMMAND=prog|args -P expect_output.cmake
function(hio_expect_text what expected actual)
  file(READ ${expected} shown)
  set(digest "digest [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]")
  set(digest "${digest}[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]")
  string(REGEX REPLACE "${digest}" "digest (masked)" masked_actual "${actual}")
  string(REGEX REPLACE "${digest}" "digest (masked)" masked_shown "${shown}")
  if(what STREQUAL "stderr")
    # (Not a list of regexes: CMake lists do not split inside brackets.)
    set(record "(^|\n)[0-9]+(\\.[0-9]+)? (trace|debug|info|warning|error|critical) ")
    set(port "(127\\.0\\.0\\.1|\\[::1\\]):[0-9]+")
    foreach(side masked_actual masked_shown)
      string(REGEX REPLACE "${record}" "\\1(tyme) \\3 " ${side} "${${side}}")
      string(REGEX REPLACE "${port}" "\\1:(port)" ${side} "${${side}}")
    endforeach()
  endif()
  if(NOT masked_actual STREQUAL masked_shown)
    message(FATAL_ERROR "${ARGN} printed on ${what}:\n${actual}\nnot what ${expected} shows:\n${shown}")
  endif()
endfunction()

function(hio_run_expecting expected working_dir)
  cmake_parse_arguments(ARG "" "EXPECT_LOG" "" ${ARGN})
  set(command ${ARG_UNPARSED_ARGUMENTS})
  set(capture_err)
  if(ARG_EXPECT_LOG)
    set(capture_err ERROR_VARIABLE err)
  endif()
  execute_process(COMMAND ${command} WORKING_DIRECTORY ${working_dir} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ${capture_err})
  if(rc)
    message(FATAL_ERROR "${command} failed: ${rc}\n${out}\n${err}")
  endif()
  if(expected)
    hio_expect_text(stdout ${expected} "${out}" ${command})
  endif()
  if(ARG_EXPECT_LOG)
    hio_expect_text(stderr ${ARG_EXPECT_LOG} "${err}" ${command})
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  string(REPLACE "|" ";" command "${COMMAND}")
  if(EXPECT_LOG)
    list(APPEND command EXPECT_LOG ${EXPECT_LOG})
  endif()
  hio_run_expecting("${EXPECTED}" "${WORKING_DIR}" ${command})
endif()
