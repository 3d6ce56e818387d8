# Compiles SOURCE (a file that must not compile with DEFINE set) with
# COMPILER -fsyntax-only and the flags in FLAGS_FILE (a response file: its
# build's flags, include directories and definitions), writing nothing. It
# passes only when the file compiles without DEFINE (the control: the flags
# are right) and fails with it, saying EXPECT (a regular expression) in the
# compiler's output: a failure for any other reason (a typo, a missing
# header) is this test's failure, not its success.
#
# cmake -DCOMPILER=c++ -DFLAGS_FILE=f.rsp -DSOURCE=file.cpp -DDEFINE=NAME -DEXPECT=regex
#       -P compile_fails.cmake
foreach(var COMPILER FLAGS_FILE SOURCE DEFINE EXPECT)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "compile_fails.cmake: -D${var}=... is required")
  endif()
endforeach()
set(compile ${COMPILER} @${FLAGS_FILE} -fsyntax-only)
execute_process(COMMAND ${compile} ${SOURCE} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${SOURCE} does not compile even without ${DEFINE} (the control): "
                      "the flags in ${FLAGS_FILE} are wrong, or the file is:\n${out}")
endif()
execute_process(COMMAND ${compile} -D${DEFINE} ${SOURCE} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled with ${DEFINE}; it must not:\n${out}")
endif()
if(NOT out MATCHES "${EXPECT}")
  message(FATAL_ERROR "${SOURCE} did not compile with ${DEFINE}, but its errors do not say "
                      "'${EXPECT}':\n${out}")
endif()
message(STATUS "${SOURCE} did not compile with ${DEFINE}, as it must: its errors say '${EXPECT}'")
