# Real-IO addresses (tcp://, tls://, udp://, serial://) in a virtual-time run
# (mode = "sim") are refused by check, run and sweep, at the address's value:
# they would run against the wall clock while tyme is virtual, and give other
# results on every run. mode = "real" or --real accepts them; a replay of a
# real capture is not affected (cli_replay covers it).
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)
file(MAKE_DIRECTORY ${WORK})

set(hint "is real IO, paced by the wall clock, but the run is in virtual time \\(mode = \"sim\"\\), so its results would change from run to run: set \\[run\\] mode = \"real\" or pass --real")

file(WRITE ${WORK}/tcp.toml [=[
[run]
limit = "100ms"

[[doer]]
kind = "echo_server"
name = "server"
address = "tcp://127.0.0.1:0"
]=])
foreach(command check run)
  hio(${command} ${WORK}/tcp.toml EXIT 2)
  require("${err}" "^[^\n]*/tcp.toml:7:11: cannot build doer 'server': 'tcp://127.0.0.1:0' ${hint}" "${command}: tcp in sim mode")
endforeach()
hio(sweep ${WORK}/tcp.toml --seeds 1..3 EXIT 2)
require("${err}" "/tcp.toml:7:11: cannot build doer 'server': 'tcp://127.0.0.1:0' ${hint}" "sweep: tcp in sim mode")
require("${out}" "^$" "sweep ran seeds of a refused scenario")
# The same file in real time: fine.
hio(check ${WORK}/tcp.toml --real EXIT 0)
hio(run ${WORK}/tcp.toml --real EXIT 0)
hio(run ${WORK}/tcp.toml --set run.mode=real EXIT 0)
hio(sweep ${WORK}/tcp.toml --seeds 1..2 --set run.mode=real EXIT 0)
# No journal is left behind by a refused run.
hio(run ${WORK}/tcp.toml --record ${WORK}/tcp.hioj EXIT 2)
if(EXISTS ${WORK}/tcp.hioj)
  message(FATAL_ERROR "a refused run left a journal")
endif()

# udp:// (a requester's own address and its peer), serial://, tls://: each at its value.
file(WRITE ${WORK}/others.toml [=[
[run]
mode = "sim"

[[doer]]
kind = "udp_requester"
name = "u"
address = "udp://127.0.0.1:0"
to = "127.0.0.1:9"

[[doer]]
kind = "serial_echo"
name = "s"
address = "serial:///dev/null"

[[doer]]
kind = "echo_client"
name = "t"
address = "tls://127.0.0.1:9"
]=])
hio(check ${WORK}/others.toml EXIT 2)
require("${err}" "/others.toml:7:11: cannot build doer 'u': 'udp://127.0.0.1:0' ${hint}" "udp in sim mode")
require("${err}" "/others.toml:13:11: cannot build doer 's': 'serial:///dev/null' ${hint}" "serial in sim mode")
require("${err}" "/others.toml:18:11: cannot build doer 't': 'tls://127.0.0.1:9' ${hint}" "tls in sim mode")

# Simulated addresses stay allowed in virtual time.
hio(check ${SCENARIOS}/serial_noisy_line.toml EXIT 0)

# Made virtual by --set run.mode=sim: said so, rather than asking for the
# mode = "real" the file already has (it said "set [run] mode = \"real\"").
file(WRITE ${WORK}/real.toml [=[
[run]
mode = "real"
limit = "100ms"

[[doer]]
kind = "echo_server"
name = "server"
address = "tcp://127.0.0.1:0"
]=])
foreach(command check run)
  hio(${command} ${WORK}/real.toml --set run.mode=sim EXIT 2)
  require("${err}" "^[^\n]*/real.toml:8:11: cannot build doer 'server': 'tcp://127.0.0.1:0' is real IO, paced by the wall clock, but the run is in virtual time \\(mode = \"sim\", by --set run.mode=sim\\), so its results would change from run to run: leave --set run.mode=sim out \\(the scenario's own mode then holds\\) or give --set run.mode=real, or use sim://" "${command} --set run.mode=sim")
endforeach()
hio(check ${WORK}/real.toml EXIT 0)
