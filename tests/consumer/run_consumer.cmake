# ctest driver: configure, build and run a project outside hio that uses hio
# the way docs/embedding.md says. Variables:
#   MODE       install (default): `cmake --install` BUILD_DIR into a scratch
#              prefix, found through CMAKE_PREFIX_PATH; build-tree: found
#              through hio_DIR=BUILD_DIR; subdirectory: the project gets
#              -DHIO_SOURCE_DIR=HIO_SOURCE and add_subdirectory()s it
#   BUILD_DIR  hio's build tree;  HIO_SOURCE  hio's source tree
#   SOURCE_DIR the consumer project, and/or
#   DOC        a Markdown file whose blocks marked `<!-- consumer: NAME -->`
#              (the marker line, then a fenced block) are the project's files
#              (cmake/HioDocBlocks.cmake), put next to SOURCE_DIR's if both
#              are given (a project around a page's samples: doc_snippets);
#              or several, separated by | (C++ headers too: their usage
#              comments' blocks)
#   WORK_DIR   scratch; CXX, LAUNCHER: compiler and its launcher (ccache)
#   ARGS       more configure arguments, separated by |
#   TARGET     the target to build (default: all)
#   RUN        the command to run in the consumer's build directory,
#              separated by | (the program relative to that directory); none
#              if empty
#   EXPECT_OUTPUT  a file of the project: RUN's stdout must be its text
#              (tests/expect_output.cmake)
#   EXPECT_LOG a file of the project: RUN's stderr (its hio::Log console)
#              must be its text, the tymes of a real-time run and loopback
#              ports aside (tests/expect_output.cmake)
#   EXPECT_CONFIGURE_ERROR  a regex: the configure must fail saying it
#   INSTALLS   if set, the files (relative, separated by |) the consumer's own
#              `cmake --install` must install, and nothing else; an entry
#              ending in / stands for the files under that directory (at
#              least one)
#   THEN_ARGS  if set, configure arguments (separated by |) given to the
#              built project once INSTALLS is checked; it is built again (a
#              change of what is installed rebuilds nothing) and its install
#              must then put exactly THEN_INSTALLS
#   HIO_INSTALLS  MODE install: files (relative to the prefix, separated by
#              |) hio's `cmake --install` must have installed, each the same
#              as the source tree's file named after a = (share/x=src/x)
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE ${WORK_DIR})
if(NOT MODE)
  set(MODE install)
endif()

if(DOC)
  if(SOURCE_DIR)
    file(COPY ${SOURCE_DIR}/ DESTINATION ${WORK_DIR}/src)
  endif()
  set(SOURCE_DIR ${WORK_DIR}/src)
  include(${HIO_SOURCE}/cmake/HioDocBlocks.cmake)
  string(REPLACE "|" ";" docs "${DOC}")
  foreach(doc IN LISTS docs)
    hio_doc_blocks(${doc} ${SOURCE_DIR})
  endforeach()
endif()

set(configure_args -DCMAKE_CXX_COMPILER=${CXX})
if(LAUNCHER)
  list(APPEND configure_args -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
  # A Debug consumer compiles with -g, and ccache then keys each object on
  # the working directory (hash_dir): a checkout at another path missed every
  # file of hio's (consumer_add_subdirectory built all of it again,
  # over its 1800 s under load). Only the debug info's compilation directory
  # differs, which no test reads.
  set(ENV{CCACHE_NOHASHDIR} 1)
endif()
if(MODE STREQUAL "install")
  execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix
                  RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "install failed: ${rc}")
  endif()
  list(APPEND configure_args -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
  string(REPLACE "|" ";" hio_installs "${HIO_INSTALLS}")
  foreach(pair IN LISTS hio_installs)
    string(REPLACE "=" ";" pair "${pair}")
    list(GET pair 0 installed)
    list(GET pair 1 source)
    if(NOT EXISTS ${WORK_DIR}/prefix/${installed})
      message(FATAL_ERROR "hio's install has no ${installed}")
    endif()
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK_DIR}/prefix/${installed}
                            ${HIO_SOURCE}/${source} RESULT_VARIABLE differ)
    if(differ)
      message(FATAL_ERROR "hio's install: ${installed} is not ${source}")
    endif()
  endforeach()
elseif(MODE STREQUAL "build-tree")
  list(APPEND configure_args -Dhio_DIR=${BUILD_DIR})
elseif(MODE STREQUAL "subdirectory")
  list(APPEND configure_args -DHIO_SOURCE_DIR=${HIO_SOURCE})
else()
  message(FATAL_ERROR "MODE ${MODE}: not install, build-tree or subdirectory")
endif()
string(REPLACE "|" ";" extra "${ARGS}")

execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -G Ninja
                        ${configure_args} ${extra}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(EXPECT_CONFIGURE_ERROR)
  if(NOT rc)
    message(FATAL_ERROR "the configure passed, expected it to fail:\n${out}")
  endif()
  if(NOT out MATCHES "${EXPECT_CONFIGURE_ERROR}")
    message(FATAL_ERROR "the configure failed without saying '${EXPECT_CONFIGURE_ERROR}':\n${out}")
  endif()
  return()
endif()
if(rc)
  message(FATAL_ERROR "consumer configure failed: ${rc}\n${out}")
endif()

set(build_args)
if(TARGET)
  set(build_args --target ${TARGET})
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build ${build_args}
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "consumer build failed: ${rc}")
endif()

if(RUN)
  include(${HIO_SOURCE}/tests/expect_output.cmake)
  string(REPLACE "|" ";" run "${RUN}")
  list(POP_FRONT run program)
  set(expected)
  if(EXPECT_OUTPUT)
    set(expected ${SOURCE_DIR}/${EXPECT_OUTPUT})
  endif()
  if(EXPECT_LOG)
    list(APPEND run EXPECT_LOG ${SOURCE_DIR}/${EXPECT_LOG})
  endif()
  hio_run_expecting("${expected}" ${WORK_DIR}/build ${WORK_DIR}/build/${program} ${run})
endif()

# check_install(PREFIX EXPECTED): the consumer's `cmake --install` into
# PREFIX puts exactly the files EXPECTED lists (see INSTALLS).
function(check_install prefix expected)
  execute_process(COMMAND ${CMAKE_COMMAND} --install ${WORK_DIR}/build --prefix ${prefix}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(rc)
    message(FATAL_ERROR "the consumer's install failed: ${rc}\n${out}")
  endif()
  file(GLOB_RECURSE installed RELATIVE ${prefix} ${prefix}/*)
  list(SORT installed)
  string(REPLACE "|" ";" expected "${expected}")
  list(SORT expected)
  set(unmatched ${expected})
  foreach(file IN LISTS installed)
    set(matched FALSE)
    foreach(entry IN LISTS expected)
      string(LENGTH "${entry}" length)
      string(SUBSTRING "${file}" 0 ${length} head)
      if(file STREQUAL entry OR (entry MATCHES "/$" AND head STREQUAL entry))
        set(matched TRUE)
        list(REMOVE_ITEM unmatched ${entry})
      endif()
    endforeach()
    if(NOT matched)
      message(FATAL_ERROR "the consumer's install put ${file}, not among ${expected}")
    endif()
  endforeach()
  if(unmatched)
    message(FATAL_ERROR "the consumer's install has no ${unmatched} (it put ${installed})")
  endif()
endfunction()

if(DEFINED INSTALLS AND NOT INSTALLS STREQUAL "")
  check_install(${WORK_DIR}/consumer-prefix "${INSTALLS}")
endif()

# The same build configured again with THEN_ARGS: options that change what
# is installed, not what is compiled, so nothing is built twice (a second
# project would build all of hio once more: minutes on two cores).
if(THEN_ARGS)
  string(REPLACE "|" ";" then "${THEN_ARGS}")
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build ${then}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(rc)
    message(FATAL_ERROR "consumer configure with ${THEN_ARGS} failed: ${rc}\n${out}")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build ${build_args}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(rc)
    message(FATAL_ERROR "consumer build with ${THEN_ARGS} failed: ${rc}\n${out}")
  endif()
  if(out MATCHES "Building CXX object")
    message(FATAL_ERROR "${THEN_ARGS} made the consumer compile again:\n${out}")
  endif()
  check_install(${WORK_DIR}/consumer-prefix-then "${THEN_INSTALLS}")
endif()
