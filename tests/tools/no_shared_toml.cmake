# hio does not load the distribution's shared toml++ library: hio::tools
# compiles toml++ header-only (tools/src/toml_parse.hpp), and its CMake
# target links only the headers (tools/CMakeLists.txt). Linked with the
# package's target, the program had NEEDED libtomlplusplus.so.3, a runtime
# dependency nothing used. -DOBJDUMP=objdump -DPROGRAM=path.
execute_process(COMMAND ${OBJDUMP} -p ${PROGRAM} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(rc)
  message(FATAL_ERROR "${OBJDUMP} -p ${PROGRAM}: exit ${rc}\n${err}")
endif()
string(REGEX MATCHALL "NEEDED +[^\n]+" needed "${out}")
if(NOT needed MATCHES "libc\\.so")
  message(FATAL_ERROR "${PROGRAM}: no NEEDED libc.so read from objdump:\n${out}")
endif()
if(needed MATCHES "toml")
  message(FATAL_ERROR "${PROGRAM} needs a shared toml++ library:\n${needed}")
endif()
