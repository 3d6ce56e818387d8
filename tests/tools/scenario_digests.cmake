# Every simulated example scenario records the digests this build's siblings
# record: each of scenarios/*.toml (but the real-time ones, whose captures
# differ from run to run) run with two seeds, and each journal replayed with
# one noise spec and seed, must give the digest and event count (and the
# run's doers their counters) listed in
# tests/data/golden/scenario_digests.txt. Every build runs it - g++ -O2
# (release), -O1 (asan) and clang++ -O2 (clang) - so the list ties them
# together: DESIGN.md section 3 asks for byte-identical journals across
# compilers and levels, and before session 28 only one hand-made SimNet
# program (SimDeterminism.EveryBuildGivesTheGoldenDigest) and the scenarios
# the docs' console blocks run were pinned so (xjrn28).
#
# A difference between builds of one version is a determinism bug: find the
# first divergence with `hio diff` of the two builds' journals. After an
# intended Journal change (docs/changes.md), HIO_REGENERATE_GOLDEN=1 rewrites
# the list (review the diff!).
#
# cmake -DHIO=... -DSCENARIOS=... -DGOLDEN=... -DWORK=... -P scenario_digests.cmake
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)

set(seeds 1 7)
set(noise "drop=0.1,dup=0.1,corrupt=0.05,reorder=0.1,delay=0-30ms")
set(noise_seed 5)

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

# "<digest> <events>" of a run's or a replay's --json summary.
function(digest_and_events json var)
  string(JSON digest GET "${json}" digest)
  string(JSON events GET "${json}" events)
  set(${var} "${digest} ${events}" PARENT_SCOPE)
endfunction()

# The "counters" array as hio printed it, byte for byte: its last member (a
# name's quote is escaped in JSON, so `"counters": [` is no string's text).
# Not string(JSON GET), whose re-serialised JSON another CMake may format
# otherwise, changing every hash with no change in hio (rev28b LOW 4).
function(counters_text json var)
  if(NOT json MATCHES "^.*, \"counters\": (\\[.*\\])}[\n]*$")
    message(FATAL_ERROR "no \"counters\" array last in hio run --json --counters:\n${json}")
  endif()
  set(${var} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()

# A real-time scenario (run.mode = "real") records what the wall clock and the
# kernel did: not pinned. Found by its mode key in any TOML spelling: [run]'s
# `mode = "real"`, `mode='real'`, `"mode" = "real"`, a dotted `run.mode` or an
# inline table's (it was one exact text: rev28b LOW 6). A match where it means
# something else only leaves a scenario out; one the pattern misses is run,
# and its journal's header (mode=real) fails the test, saying so.
set(real_mode "mode[\"']?[ \t]*=[ \t]*[\"']+real[\"']")

file(GLOB scenarios ${SCENARIOS}/*.toml)
list(SORT scenarios)
set(lines "")
foreach(scenario ${scenarios})
  get_filename_component(name ${scenario} NAME)
  file(READ ${scenario} text)
  if(text MATCHES "${real_mode}")
    continue()
  endif()
  foreach(seed ${seeds})
    set(journal ${WORK}/${name}-${seed}.hioj)
    # Expectations may fail with another seed (exit 1): the digest is the point.
    hio(run ${scenario} --seed ${seed} --record ${journal} --json --counters EXIT 0 1)
    digest_and_events("${out}" run)
    # The digest covers channel events only: a scenario of doers without
    # channels (quickstart, nested_groups, scale_10k) records none, and its
    # doers' counters are what it computed.
    counters_text("${out}" counters)
    string(SHA256 counters "${counters}")
    string(SUBSTRING ${counters} 0 16 counters)
    if(seed EQUAL 1)
      hio(inspect ${journal} --stats EXIT 0)
      if(NOT out MATCHES "^header [^\n]* mode=sim ")
        string(REGEX MATCH "^[^\n]*" header "${out}")
        message(FATAL_ERROR "${name} did not run simulated, yet the pattern for a real-time "
                            "scenario did not match it: extend real_mode in ${CMAKE_CURRENT_LIST_FILE}\n${header}")
      endif()
    endif()
    string(APPEND lines "${name} seed ${seed} run ${run} counters ${counters}\n")
    hio(replay ${journal} --noise ${noise} --seed ${noise_seed} --json EXIT 0 1)
    digest_and_events("${out}" noisy)
    string(APPEND lines "${name} seed ${seed} noise ${noisy}\n")
  endforeach()
endforeach()

set(header "# scenario seed S run|noise DIGEST EVENTS [counters SHA256/64 of the --json --counters \"counters\" array as hio prints it]:\n")
string(APPEND header "# written by tests/tools/scenario_digests.cmake\n")
string(APPEND header "# (noise: the run's journal replayed with --noise ${noise} --seed ${noise_seed})\n")
if(DEFINED ENV{HIO_REGENERATE_GOLDEN})
  file(WRITE ${GOLDEN} "${header}${lines}")
  message(STATUS "regenerated ${GOLDEN}")
  return()
endif()

file(READ ${GOLDEN} golden)
string(REGEX REPLACE "#[^\n]*\n" "" golden "${golden}")
if(NOT golden STREQUAL lines)
  string(REPLACE "\n" ";" want "${golden}")
  string(REPLACE "\n" ";" got "${lines}")
  set(report "")
  foreach(line ${got})
    if(NOT line IN_LIST want)
      string(APPEND report "  this build: ${line}\n")
    endif()
  endforeach()
  foreach(line ${want})
    if(NOT line IN_LIST got)
      string(APPEND report "  listed:     ${line}\n")
    endif()
  endforeach()
  message(FATAL_ERROR
    "the example scenarios' digests differ from ${GOLDEN}:\n${report}"
    "Builds of one hio version must record the same journals (docs/determinism.md); "
    "after an intended Journal change, HIO_REGENERATE_GOLDEN=1 ctest -R scenario_digests "
    "rewrites the list.")
endif()
