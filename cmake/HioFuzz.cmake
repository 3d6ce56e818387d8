# libFuzzer targets and their ctest smoke runs (clang only, -DHIO_FUZZ=ON; with
# any other compiler or without HIO_FUZZ these functions add nothing).

# hio_add_fuzz_target(NAME SOURCES ... [INCLUDES ...] [SYSTEM_INCLUDES ...]
#                     [DEFINITIONS ...] [LIBS ...])
# The component's sources are compiled into the target again, instrumented for
# coverage, ASan and UBSan, so the component's own library stays uninstrumented.
# Library checks are on: -UNDEBUG comes after the preset's -DNDEBUG (target
# options come last), so toml++'s TOML_ASSERT (where hio has not turned it
# off: tools/src/toml_parse.hpp) and kj's KJ_DEBUG checks are live, and UBSan
# reports what __builtin_unreachable() and friends would make silent
# undefined behaviour (the toml++ 3.3 defect misread_by_toml guards against).
function(hio_add_fuzz_target name)
  if(NOT (HIO_FUZZ AND CMAKE_CXX_COMPILER_ID MATCHES "Clang"))
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;INCLUDES;SYSTEM_INCLUDES;DEFINITIONS;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${ARG_INCLUDES})
  if(ARG_SYSTEM_INCLUDES)
    target_include_directories(${name} SYSTEM PRIVATE ${ARG_SYSTEM_INCLUDES})
  endif()
  target_compile_definitions(${name} PRIVATE ${ARG_DEFINITIONS})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined
                         -fno-sanitize-recover=all -UNDEBUG -g)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  hio_set_warnings(${name})
endfunction()

# hio_add_fuzz_smoke(TARGET CORPUS dir... [ARGS ...]): the test TARGET_smoke, a
# short bounded run over the checked-in seed corpora: every seed input is run
# (libFuzzer runs them all before it looks at the clock), then mutations from
# a fixed seed, up to 20,000 runs or 30 s since the start, whichever comes
# first, so that the smoke costs CI about 30 s plus its seeds, and a new find
# does not fail CI at random; long runs are by hand (docs/development.md).
# New inputs go to a scratch corpus in the build tree, never the source tree,
# emptied before each smoke (the fixture TARGET_smoke_scratch): kept, each
# run's finds were run again as seeds by the next one, which took longer
# every time and mutated other inputs than the seed alone gives.
function(hio_add_fuzz_smoke target)
  if(NOT TARGET ${target})
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "CORPUS;ARGS" ${ARGN})
  set(scratch ${CMAKE_CURRENT_BINARY_DIR}/${target}-corpus)
  add_test(NAME ${target}_smoke_scratch COMMAND ${CMAKE_COMMAND} -E rm -rf ${scratch})
  set_tests_properties(${target}_smoke_scratch PROPERTIES LABELS fuzz
    FIXTURES_SETUP ${target}_scratch)
  add_test(NAME ${target}_smoke
    COMMAND ${target} -seed=1 -runs=20000 -max_total_time=30 -rss_limit_mb=1024
      -create_missing_dirs=1 ${ARG_ARGS} ${scratch} ${ARG_CORPUS})
  # The kill bound, not the cost: the seeds alone took over 2 minutes at load
  # 22 on a shared 2-core machine (session 20).
  set_tests_properties(${target}_smoke PROPERTIES LABELS fuzz TIMEOUT 300
    FIXTURES_REQUIRED ${target}_scratch)
endfunction()
