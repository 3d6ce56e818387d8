# Runs a build of TARGET (a target that must not compile) in BUILD_DIR and
# passes only when it fails, saying EXPECT (a regular expression) somewhere in
# the compiler's output: a failure for any other reason (a typo, a missing
# header) is this test's failure, not its success.
#
# cmake -DBUILD_DIR=dir -DTARGET=name -DEXPECT=regex [-DCONFIG=cfg] -P compile_fails.cmake
set(config_args)
if(CONFIG)
  set(config_args --config ${CONFIG})
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET} ${config_args}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${TARGET} compiled; it must not:\n${out}")
endif()
if(NOT out MATCHES "${EXPECT}")
  message(FATAL_ERROR "${TARGET} did not compile, but its errors do not say '${EXPECT}':\n${out}")
endif()
message(STATUS "${TARGET} did not compile, as it must: its errors say '${EXPECT}'")
