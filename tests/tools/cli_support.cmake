# Helpers for the CLI tests that run a built binary from a CMake script
# (cmake -P): run it, check its exit code, match its output.
cmake_minimum_required(VERSION 3.25)  # IN_LIST in script mode

# run_tool(TOOL ARGS... EXIT CODE...): runs TOOL with ARGS; fails unless it
# exits with one of the CODEs. Sets `out` and `err` in the caller's scope.
function(run_tool tool)
  cmake_parse_arguments(H "" "" "EXIT" ${ARGN})
  execute_process(COMMAND ${tool} ${H_UNPARSED_ARGUMENTS} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc IN_LIST H_EXIT)
    message(FATAL_ERROR "${tool} ${H_UNPARSED_ARGUMENTS}: exit ${rc}, expected ${H_EXIT}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

# hio(ARGS... EXIT CODE...): run_tool on the hio binary given as -DHIO=.
macro(hio)
  run_tool(${HIO} ${ARGN})
endmacro()

# Fails with WHAT unless TEXT matches REGEX.
function(require text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: no match for '${regex}' in:\n${text}")
  endif()
endfunction()

# regex_quote(TEXT VAR): sets VAR to TEXT with the characters special in a
# regular expression escaped, to put a path (the checkout's or build tree's,
# which may hold a '+', '.' or '(') into the REGEX of require().
function(regex_quote text var)
  string(REGEX REPLACE "([][.*+?^$()|\\\\])" "\\\\\\1" quoted "${text}")
  set(${var} "${quoted}" PARENT_SCOPE)
endfunction()

# Sets VAR to the digest a run's or a replay's summary prints ("digest:    ...").
function(digest_of text var)
  if(NOT text MATCHES "digest:    ([0-9a-f]+)")
    message(FATAL_ERROR "no digest in:\n${text}")
  endif()
  set(${var} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()

# Fails with WHAT unless files A and B are byte-identical.
function(require_same_files a b what)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${a} ${b} RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    message(FATAL_ERROR "${what}: ${a} and ${b} differ")
  endif()
endfunction()

# require_json(TEXT TYPE PATH... WHAT): fails with WHAT unless TEXT is a JSON
# object whose member at PATH (names, or indices of arrays) has TYPE (NULL,
# NUMBER, STRING, BOOLEAN, ARRAY, OBJECT): parsed by CMake's JSON reader, so
# TEXT must be valid JSON too.
function(require_json text type)
  set(path ${ARGN})
  list(POP_BACK path what)
  string(JSON got ERROR_VARIABLE error TYPE "${text}" ${path})
  if(error OR NOT got STREQUAL type)
    message(FATAL_ERROR "${what}: ${path} is not ${type} (${got} ${error}) in:\n${text}")
  endif()
endfunction()
