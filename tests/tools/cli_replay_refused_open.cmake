# `replay` of a simulated run whose doer opened a sim:// address the [net]
# refuses (an unknown host: std::invalid_argument), caught it and went on:
# identical, with nothing special on the command line. The replay's hub makes
# every transport from the journal; the SimNet of the scenario's [net] names
# refuses the same open first (TransportFactory::check), so the channels made
# after it get their recorded ids. Before, `hio replay` had no SimNet: the
# refused open made a channel, and the replay diverged at the next open.
# REFUSING: a hio with the kind "prober" (refusing_hio.cpp).
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

file(WRITE ${WORK}/refused.toml [=[
[run]
name = "refused-open"
tock = "1ms"
limit = "20ms"
seed = 5

[net]
hosts = ["a", "b"]

[[net.link]]
from = "a"
to = "b"
latency = "2ms"

[[doer]]
kind = "udp_responder"
name = "server"
address = "sim://b:7"

[[doer]]
kind = "prober"
name = "unknown_host"
refused = "sim://nohost:7"
bound = "sim://a:9"

[[doer]]
kind = "prober"
name = "serial"
refused = "sim-serial://nodevice"
bound = "sim://a:10"

[[doer]]
kind = "udp_requester"
name = "client"
address = "sim://a:0"
to = "@server"
requests = 5
size = 16
interval = "2ms"
timeout = "10ms"

[[expect]]
final = "unknown_host.refusals == 1"

[[expect]]
final = "serial.refusals == 1"

[[expect]]
final = "client.responses == 5"
]=])

run_tool(${REFUSING} run ${WORK}/refused.toml --record ${WORK}/refused.hioj EXIT 0)
digest_of("${out}" recorded)
run_tool(${REFUSING} replay ${WORK}/refused.hioj EXIT 0)
require("${out}" "replay:    [^\n]*: identical\n" "replay of the refused opens")
require("${out}" "digest:    ${recorded} " "replay digest")
require("${out}" "expect:    3 of 3 passed" "replay's expectations")

# A stream client connecting from its own `host`, with no net.client_host and
# two hosts: the replay's SimNet of names has no client host of its own, and
# refused the recorded connect until it stood one in (runner.cpp build_net).
file(WRITE ${WORK}/own_host.toml [=[
[run]
name = "own-host"
tock = "1ms"
limit = "200ms"
seed = 3

[net]
hosts = ["a", "b"]

[[net.link]]
from = "a"
to = "b"
latency = "2ms"

[[doer]]
kind = "echo_server"
name = "server"
address = "sim://b:7"

[[doer]]
kind = "echo_client"
name = "client"
host = "a"
address = "@server"
messages = 5
size = 16

[[expect]]
final = "client.echoed == 5"
]=])

run_tool(${REFUSING} run ${WORK}/own_host.toml --record ${WORK}/own_host.hioj EXIT 0)
digest_of("${out}" recorded)
run_tool(${REFUSING} replay ${WORK}/own_host.hioj EXIT 0)
require("${out}" "replay:    [^\n]*: identical\n" "replay of a client with its own host")
require("${out}" "digest:    ${recorded} " "replay digest of a client with its own host")
