# hio replay --scenario with a lower limit that shapes what a transport
# delivers (xtcp26 MEDIUM 1): an input the recorded run received under the
# higher limit, which the doers' channel could not have received, diverges
# there (input not deliverable, with the limit), instead of identical. A
# journal recorded at the limit replays identical: the accepted remotes
# alive are counted as the acceptors count them (one released in the same
# pass frees its place).
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

# SimNet, remotes_max = 2: at the limit, identical (with its own scenario and
# from its file).
set(sim ${DATA}/replay_limits/remotes_sim.toml)
hio(run ${sim} --record ${WORK}/sim2.hioj EXIT 0)
hio(replay ${WORK}/sim2.hioj EXIT 0)
require("${out}" "^replay:    remotes-at-limit, seed 0: identical\n" "remotes_max 2: identical")
hio(replay ${WORK}/sim2.hioj --scenario ${sim} EXIT 0)
require("${out}" ": identical\n" "remotes_max 2 from its file: identical")

# A lower remotes_max: the second accept of pass 2 came with one remote alive.
file(READ ${sim} text)
string(REPLACE "remotes_max = 2" "remotes_max = 1" one "${text}")
file(WRITE ${WORK}/sim1.toml "${one}")
hio(replay ${WORK}/sim2.hioj --scenario ${WORK}/sim1.toml EXIT 3)
require("${out}" "\nreplay diverged at pass 2 \\(tyme 0.002 s\\) on channel #1 \"server\": input not deliverable\n  channel #1 has 1 accepted remote alive, its remotes_max \\(1\\): the recorded run accepted it, a listener at this remotes_max accepts no more until one of them ends\n  expected: p2 0.002 s9 #1 accept #7 "
        "remotes_max 1: the second accept diverges")

# Only a replaced scenario is held to its limits: with the recorded one the
# record is the truth (a transport of an embedder's own need not hold
# remotes_max; rev27 MEDIUM 1). A journal whose own scenario says 1 though
# it recorded 2 alive replays identical; `--set` of any key replaces the
# scenario, and then its remotes_max holds.
run_tool(${EDIT} scenario ${WORK}/sim2.hioj ${WORK}/sim2said1.hioj "remotes_max = 2" "remotes_max = 1" EXIT 0)
hio(replay ${WORK}/sim2said1.hioj EXIT 0)
require("${out}" "^replay:    remotes-at-limit, seed 0: identical\n" "its own scenario: the record holds")
hio(replay ${WORK}/sim2said1.hioj --set run.name=again EXIT 3)
require("${out}" "\nreplay diverged at pass 2 \\(tyme 0.002 s\\) on channel #1 \"server\": input not deliverable\n"
        "--set replaces the scenario: its remotes_max holds")

# Recorded under 3 (three accepted at once), replayed under 2.
string(REPLACE "remotes_max = 2" "remotes_max = 3" three "${text}")
file(WRITE ${WORK}/sim3.toml "${three}")
hio(run ${WORK}/sim3.toml --record ${WORK}/sim3.hioj EXIT 0)
hio(replay ${WORK}/sim3.hioj --scenario ${sim} EXIT 3)
require("${out}" "\nreplay diverged at pass 2 \\(tyme 0.002 s\\) on channel #1 \"server\": input not deliverable\n  channel #1 has 2 accepted remotes alive, its remotes_max \\(2\\)"
        "recorded under 3, replayed under 2")
# A noise replay delivers recorded accepts whatever the limit (replay.md),
# and its journal, whose header carries the noise, replays identical: its
# accepts are the noise replay's, not a network's.
hio(replay ${WORK}/sim3.hioj --scenario ${sim} --noise delay=0-1ms --seed 1
    --record ${WORK}/noisy.hioj EXIT 0 1)
require("${out}" "^replay:    remotes-at-limit, seed 0, noise seed 1: perturbed\n" "a noise replay does not refuse")
hio(replay ${WORK}/noisy.hioj EXIT 0 1)
require("${out}" "^replay:    remotes-at-limit, seed 0: identical\n" "the noise replay's journal")

# Real TCP at its limit (remotes_max = 1): the kernel's backlog, the gate of
# TcpAcceptor; every accept comes after the remote before it ended.
hio(run ${DATA}/replay_limits/remotes_tcp.toml --record ${WORK}/tcp1.hioj EXIT 0)
hio(replay ${WORK}/tcp1.hioj --scenario ${DATA}/replay_limits/remotes_tcp.toml EXIT 0)
require("${out}" "^replay:    remotes-tcp, seed 0: identical\n" "TCP at remotes_max 1: identical")

# datagram_bytes_max: a transport discards a larger datagram as it arrives.
set(udp ${SCENARIOS}/udp_request_response.toml)
hio(run ${udp} --record ${WORK}/udp.hioj EXIT 0)
file(READ ${udp} text)
string(REPLACE "address = \"sim://server:7\"" "address = \"sim://server:7\"\ndatagram_bytes_max = 32" small "${text}")
file(WRITE ${WORK}/udp32.toml "${small}")
hio(replay ${WORK}/udp.hioj --scenario ${WORK}/udp32.toml EXIT 3)
require("${out}" "on channel #1 \"server\": input not deliverable\n  its datagram of 64 bytes exceeds the datagram_bytes_max \\(32\\) of channel #1: the recorded run received it, a transport at this limit discards it as it arrives\n  expected: [^\n]* #1 rx 64 "
        "datagram_bytes_max 32: the first request diverges")
string(REPLACE "address = \"sim://server:7\"" "address = \"sim://server:7\"\ndatagram_bytes_max = 64" exact "${text}")
file(WRITE ${WORK}/udp64.toml "${exact}")
hio(replay ${WORK}/udp.hioj --scenario ${WORK}/udp64.toml EXIT 0)
require("${out}" ": identical\n" "datagram_bytes_max 64, the requests' size: identical")
