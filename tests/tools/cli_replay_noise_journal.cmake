# The journal of a noise replay replays strictly (identical), as replay.md
# says (xgen16 finding 2). data/noise_journal/:
# - accept_after_released.toml: an echo server with idle_timeout and
#   remotes_max = 1; under delay its first remote closes idle at once, and
#   the recorded remote close of that released channel held the whole feed
#   to the pass's end: the accept behind it reached the server a pass late,
#   and its idle close came a pass later than the journal's accept explains
#   (strict replay: `extra event ... close`).
# - idle_remote_drop.toml: the same under drop, the server's remote closed idle
#   while the recording kept it: the client's rx behind its recorded inputs
#   came after the client's run, and it read two echoes in one run that its
#   strict replay reads in two (`extra tx`).
# - tocked_client.toml: an echo client with a tock of its own (xgen16
#   finding 1 under noise: the park rule of the driver doers).
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

function(noise_journal_replays name spec)
  hio(run ${DATA}/noise_journal/${name}.toml --record ${WORK}/${name}.hioj EXIT 0 1)
  foreach(seed ${ARGN})
    set(noisy ${WORK}/${name}_${seed}.hioj)
    hio(replay ${WORK}/${name}.hioj --noise ${spec} --seed ${seed} --record ${noisy} EXIT 0 1)
    digest_of("${out}" perturbed)
    hio(replay ${noisy} EXIT 0)
    require("${out}" "replay:    [^\n]*: identical\n" "${name} ${spec} seed ${seed}: strict replay")
    require("${out}" "digest:    ${perturbed} " "${name} ${spec} seed ${seed}: digest")
  endforeach()
endfunction()

noise_journal_replays(accept_after_released delay=0-1s 2 5)
noise_journal_replays(idle_remote_drop drop=0.5 14 16)
noise_journal_replays(tocked_client drop=0.1 1 2)
