# A sweep's per-seed "channel_errors" (session 27) is the seed's count of
# channel error events, the one hio run --json says for that seed; a noise
# sweep's (hio replay --seeds) is its replay's. Until this test every check
# of the field matched 0 or any number, so a count that stayed 0 passed.
# serial_unplug.toml: both serial ends fail while the adapter is out.
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(unplug ${SCENARIOS}/serial_unplug.toml)

hio(run ${unplug} --seed 2 --json --record ${WORK}/unplug.hioj EXIT 0)
require("${out}" "\"channel_errors\": [1-9][0-9]*" "the run has channel errors")
string(REGEX MATCH "\"channel_errors\": ([0-9]+)" _ "${out}")
set(errors ${CMAKE_MATCH_1})

hio(sweep ${unplug} --seeds 2..2 --json EXIT 0)
require("${out}" "^\\{\"seed\": 2, [^\n]*\"dropped_datagrams\": 0, \"channel_errors\": ${errors}, "
        "a sweep's seed counts its run's channel errors")

# A noise sweep: the replay's error events (the recorded failures, delivered
# as inputs, whatever the noise does to the serial bytes).
hio(replay ${WORK}/unplug.hioj --noise drop=0.01 --seeds 1..1 --json EXIT 0 1)
require("${out}" "^\\{\"seed\": 1, [^\n]*\"channel_errors\": [1-9][0-9]*, "
        "a noise sweep's seed counts its replay's channel errors")

# A single replay's --json has the count too (session 28; it had none): a
# strict replay delivers the recorded errors, so it counts the run's.
hio(replay ${WORK}/unplug.hioj --json EXIT 0)
require("${out}" "\"out_of_memory\": false, \"channel_errors\": ${errors}, "
        "a strict replay counts the recorded run's channel errors")
hio(replay ${WORK}/unplug.hioj --noise drop=0.01 --seed 1 --json EXIT 0 1)
require("${out}" "\"channel_errors\": [1-9][0-9]*, " "a noise replay counts its channel errors")
