# PROGRAM (tests/tools/link_probe.cpp's) does not load the
# distribution's shared toml++ library: hio::tools compiles toml++
# header-only (tools/src/toml_parse.hpp), and its CMake target links only
# the headers (tools/CMakeLists.txt). With the package's target on the link
# line, a linker that keeps what it is given (no --as-needed: the probe) made
# the program need libtomlplusplus.so.3, which nothing used.
# -DOBJDUMP=objdump -DPROGRAM=path.
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
