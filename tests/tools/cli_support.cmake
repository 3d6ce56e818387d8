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

# Sets VAR to the digest that `hio run` or `hio replay` printed in TEXT.
function(digest_of text var)
  if(NOT text MATCHES "digest:    ([0-9a-f]+)")
    message(FATAL_ERROR "no digest in:\n${text}")
  endif()
  set(${var} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()
