# The pkg-config files carry each component's public compile definitions:
# hio configured (only: nothing is built) with HIO_DIGEST_LANES_PROTOTYPE=ON,
# which changes replay's headers, writes -DHIO_DIGEST_LANES_PROTOTYPE in
# hio-replay.pc's Cflags, and no -D in the others' (it wrote none: a program
# built with `pkg-config --cflags hio` read another digest than the
# archive's). Usage: cmake -DSOURCE=... -DWORK=... -DGENERATOR=...
# -DCXX=... -P definitions.cmake
file(REMOVE_RECURSE ${WORK})
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK} -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX}
          -DCMAKE_BUILD_TYPE=Release -DHIO_INSTALL=ON -DHIO_BUILD_TESTS=OFF
          -DHIO_BUILD_TOOLS=OFF -DHIO_DIGEST_LANES_PROTOTYPE=ON
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configure with HIO_DIGEST_LANES_PROTOTYPE=ON failed (${rc}):\n${out}")
endif()
foreach(component engine io replay)
  file(STRINGS ${WORK}/pkgconfig-Release/hio-${component}.pc cflags REGEX "^Cflags:")
  if(component STREQUAL "replay")
    set(want "Cflags: -I\${includedir} -DHIO_DIGEST_LANES_PROTOTYPE")
  else()
    set(want "Cflags: -I\${includedir}")
  endif()
  if(NOT cflags STREQUAL want)
    message(FATAL_ERROR "hio-${component}.pc: '${cflags}', expected '${want}'")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
