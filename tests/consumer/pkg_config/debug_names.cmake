# A Debug install's pkg-config files have names of their own
# (hio-engine-debug.pc, ..., hio-debug.pc, each requiring the others by
# those names), as its archives do (libhio_engined.a): a Debug and a Release
# install share one prefix (docs/embedding.md). They had the Release files'
# names, so the last install's won, silently. hio configured (only: nothing
# is built) as Debug; its generated files and its install script are read.
# Usage: cmake -DSOURCE=... -DWORK=... -DGENERATOR=... -DCXX=... -P debug_names.cmake
file(REMOVE_RECURSE ${WORK})
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK} -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX}
          -DCMAKE_BUILD_TYPE=Debug -DHIO_INSTALL=ON -DHIO_BUILD_TESTS=OFF -DHIO_BUILD_TOOLS=OFF
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configure as Debug failed (${rc}):\n${out}")
endif()
file(STRINGS ${SOURCE}/CMakeLists.txt project REGEX "^project\\(hio VERSION ")
string(REGEX REPLACE "^project\\(hio VERSION ([0-9.]+) .*" "\\1" version "${project}")
set(dir ${WORK}/pkgconfig-Debug)
# file, the line that starts with KEY, what it must be.
function(expect_line file key want)
  if(NOT EXISTS ${dir}/${file})
    file(GLOB made RELATIVE ${dir} ${dir}/*)
    message(FATAL_ERROR "no ${file} among the Debug files (${made})")
  endif()
  file(STRINGS ${dir}/${file} line REGEX "^${key}:")
  if(NOT line STREQUAL "${key}: ${want}")
    message(FATAL_ERROR "${file}: '${line}', expected '${key}: ${want}'")
  endif()
endfunction()
expect_line(hio-engine-debug.pc Libs "-L\${libdir} -lhio_engined ")
expect_line(hio-engine-debug.pc Name "hio-engine-debug")
expect_line(hio-io-debug.pc Requires "hio-engine-debug = ${version}, openssl, spdlog")
expect_line(hio-replay-debug.pc Requires "hio-io-debug = ${version}, capnp, kj")
expect_line(hio-tools-debug.pc Requires "hio-replay-debug = ${version}")
expect_line(hio-debug.pc Requires "hio-tools-debug = ${version}, hio-replay-debug = ${version}, \
hio-io-debug = ${version}, hio-engine-debug = ${version}")
# Installed under those names, and under no Release file's name.
file(READ ${WORK}/cmake_install.cmake install)
foreach(file hio hio-engine hio-io hio-replay hio-tools)
  if(NOT install MATCHES "/${file}-debug\\.pc\"")
    message(FATAL_ERROR "the install does not put ${file}-debug.pc")
  endif()
  if(install MATCHES "/${file}\\.pc\"")
    message(FATAL_ERROR "a Debug install puts ${file}.pc, the Release file's name")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
