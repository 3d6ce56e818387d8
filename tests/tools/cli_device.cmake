# The device user's findings of session 7, each through the hio binary:
# messages, sweep and replay arguments, build errors, --set for [net],
# --counters, real-time sweeps.
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

# A control character in a message is escaped where it is; the rest (UTF-8
# too) is printed as is, the message not quoted whole.
hio(check ${DATA}/device/escaped_address.toml EXIT 2)
require("${err}" "escaped_address.toml:7:11: cannot build doer 'c': bad address 'tcp://s\\\\x07érver:1'"
        "message escaped in place")
string(FIND "${err}" "\"cannot build" quoted)
if(NOT quoted EQUAL -1)
  message(FATAL_ERROR "the message is quoted whole:\n${err}")
endif()

# sweep --force without --out would remove nothing and say nothing.
hio(sweep ${SCENARIOS}/quickstart.toml --seeds 1..2 --force EXIT 2)
require("${err}" "^hio sweep: --force needs --out DIR" "--force without --out")
string(FIND "${out}" "seeds passed" ran)
if(NOT ran EQUAL -1)
  message(FATAL_ERROR "sweep --force without --out ran:\n${out}")
endif()

# --keep: N >= 0, and only with --out (it limits the journals saved there).
foreach(value -1 x 1.5)
  hio(sweep ${SCENARIOS}/quickstart.toml --seeds 1..2 --out ${WORK}/keep_bad --keep ${value} EXIT 2)
  require("${err}" "^hio sweep: --keep: '${value}' is not a whole number >= 0\n$" "--keep ${value}")
endforeach()
if(EXISTS ${WORK}/keep_bad)
  message(FATAL_ERROR "a refused --keep created its --out")
endif()
hio(sweep ${SCENARIOS}/quickstart.toml --seeds 1..2 --keep 3 EXIT 2)
require("${err}" "^hio sweep: --keep needs --out DIR: it limits the journals saved there, and without --out none is saved\n$"
        "--keep without --out")

# --noise "": refused, not a replay without noise.
hio(run ${SCENARIOS}/udp_request_response.toml --record ${WORK}/udp.hioj EXIT 0)
# The help names what an option takes (unfixed: TEXT, and --max's range
# before its description).
hio(run --help EXIT 0)
require("${out}" "\n  scenario FILE REQUIRED +scenario file[^\n]*\n[^$]*\n  --record FILE +journal the run into FILE"
        "run --help")
hio(diff --help EXIT 0)
require("${out}" "\n  --max N Needs: --all +with --all: list at most N divergences, 1 to 1000 "
        "diff --help")
# Each --help names what its docs promise on stderr.
hio(run --help EXIT 0)
require("${out}" "^[^\n]*channel failures are warned on stderr, and where each port-0 listener listens is said there\n"
        "run --help")
hio(check --help EXIT 0)
require("${out}" "^[^\n]*; a listener whose port is in use, or a host name that does not resolve, is warned on stderr\n" "check --help")
hio(sweep --help EXIT 0)
require("${out}" "^[^\n]*; a channel that fails while the scenario is built is warned on stderr, once\n"
        "sweep --help")
require("${out}" "\n  --seeds A..B REQUIRED +[^\n]*\n[^$]*\n  --out DIR +save DIR" "sweep --help")

# --out "": refused, not a sweep without --out (no report, silently);
# sweep and a noise sweep alike, with --force too.
foreach(command "sweep '${SCENARIOS}/quickstart.toml'"
                "replay '${WORK}/udp.hioj' --noise drop=0.1")
  foreach(force "" "--force")
    run_tool(sh -c "'${HIO}' ${command} --seeds 1..2 --out '' ${force}" EXIT 2)
    require("${err}" "^hio [a-z]+: --out: the directory name is empty; give a directory, or leave --out out to write no report\n$"
            "${command} --out '' ${force}")
    require("${out}" "^$" "${command} --out '' ${force} ran")
  endforeach()
endforeach()
# --out naming the report (it became a directory report.json holding the
# report) or an existing file (exit 4, "cannot create"): refused, exit 2,
# nothing run, nothing created.
file(WRITE ${WORK}/plain_out "")
foreach(command "sweep;${SCENARIOS}/quickstart.toml" "replay;${WORK}/udp.hioj;--noise;drop=0.1")
  list(GET command 0 name)
  hio(${command} --seeds 1..2 --out ${WORK}/named/report.json EXIT 2)
  require("${err}" "^hio ${name}: --out [^\n]*/named/report.json: --out names the directory the report is written in \\(as DIR/report.json\\), not the report; give [^\n]*/named\n$"
          "${name} --out DIR/report.json")
  require("${out}" "^$" "${name} --out DIR/report.json ran")
  if(EXISTS ${WORK}/named)
    message(FATAL_ERROR "${name} --out DIR/report.json created ${WORK}/named")
  endif()
  hio(${command} --seeds 1..2 --out ${WORK}/plain_out EXIT 2)
  require("${err}" "^hio ${name}: --out [^\n]*/plain_out: it is a file, not a directory; give a directory \\(the report is written in it as DIR/report.json\\)\n$"
          "${name} --out FILE")
  require("${out}" "^$" "${name} --out FILE ran")
endforeach()
hio(sweep ${SCENARIOS}/quickstart.toml --seeds 1..2 --out report.json/ EXIT 2)
require("${err}" "^hio sweep: --out report.json/: [^\n]*; give .\n$" "--out report.json/")
# (Through sh: CMake drops an empty argument.)
run_tool(sh -c "'${HIO}' replay '${WORK}/udp.hioj' --noise ''" EXIT 2)
require("${err}" "^hio replay: --noise \"\": the noise spec is empty; give one or more KEY=VALUE"
        "empty --noise")
run_tool(sh -c "'${HIO}' replay '${WORK}/udp.hioj' --noise '' --seed 3" EXIT 2)
require("${err}" "^hio replay: --noise \"\": the noise spec is empty" "empty --noise with --seed")

# An unknown noise key: named, the known ones listed, the nearest suggested
# (the replay library names the key; hio adds the suggestion), as for options.
hio(replay ${WORK}/udp.hioj --noise drp=0.1 EXIT 2)
require("${err}" "^hio replay: --noise drp=0.1: noise spec: at offset 0: unknown key 'drp' \\(known: drop, dup, corrupt, reorder, delay, delay_p\\); did you mean 'drop' or 'dup'\\?\n$"
        "--noise drp=0.1")
hio(replay ${WORK}/udp.hioj --noise drop=0.1,corupt=0.5 --seeds 1..2 EXIT 2)
require("${err}" "^hio replay: [^\n]*: unknown key 'corupt' [^\n]*; did you mean 'corrupt'\\?\n$"
        "--noise corupt=0.5 --seeds")
hio(replay ${WORK}/udp.hioj --noise lose=0.1 EXIT 2)
require("${err}" "unknown key 'lose' \\(known: [^)]*\\)\n$" "--noise lose=0.1: nothing near")

# delay_p without delay did nothing: refused, at its offset.
hio(replay ${WORK}/udp.hioj --noise drop=0.1,delay_p=0.5 --seed 1 EXIT 2)
require("${err}" "^hio replay: --noise drop=0.1,delay_p=0.5: noise spec: at offset 9 \\(key 'delay_p'\\): delay_p without delay does nothing"
        "delay_p without delay")
# ... and reorder without reorder_delay in a scenario, at its key.
file(WRITE ${WORK}/reorder.toml "[net]\nhosts = [\"a\", \"b\"]\n[[net.link]]\nfrom = \"a\"\nto = \"b\"\nreorder = 0.1\n[[doer]]\nkind = \"ticker\"\nname = \"t\"\n")
hio(check ${WORK}/reorder.toml EXIT 2)
require("${err}" "reorder.toml:6:11: net.link.reorder without reorder_delay does nothing"
        "reorder without reorder_delay")

# hio check finds a datagram peer of the other address family (every send
# would fail at run time), at the 'to' key.
hio(check ${DATA}/device/udp_family_mismatch.toml EXIT 2)
require("${err}" "udp_family_mismatch.toml:14:6: cannot build doer 'gw': to = '127.0.0.1:9': destination '127.0.0.1:9' is an IPv4 address, and this endpoint is bound to the IPv6 address ::1: it can send to IPv6 peers only"
        "address family mismatch")

# --counters: every doer's counters at the end, in doer order, in text and JSON.
hio(run ${DATA}/device/counters.toml --counters EXIT 0)
require("${out}" "\ncounters:  5\n  z.runs = 2\n  inner.runs = 1\n  a.runs = 6\n  a-1.runs = 3\n  a-2.runs = 3\n$"
        "--counters text")
hio(run ${DATA}/device/counters.toml --counters --json EXIT 0)
require("${out}" ", \"counters\": \\[{\"name\": \"z.runs\", \"value\": 2}, {\"name\": \"inner.runs\", \"value\": 1}, {\"name\": \"a.runs\", \"value\": 6}, {\"name\": \"a-1.runs\", \"value\": 3}, {\"name\": \"a-2.runs\", \"value\": 3}\\]}\n$"
        "--counters JSON")
# Without --counters, JSON has "counters": null (one JSON rule: a field with
# no value is null, never left out; tail9 item 1).
hio(run ${DATA}/device/counters.toml --json EXIT 0)
require("${out}" ", \"counters\": null}\n$" "run --json without --counters")
hio(run ${DATA}/device/counters.toml EXIT 0)
string(FIND "${out}" "counters:" listed)
if(NOT listed EQUAL -1)
  message(FATAL_ERROR "counters listed without --counters:\n${out}")
endif()
# hio replay --counters: the same lines and JSON member (xcap9 finding 6).
hio(run ${DATA}/device/counters.toml --record ${WORK}/counters.hioj EXIT 0)
hio(replay ${WORK}/counters.hioj --counters EXIT 0)
require("${out}" "\ncounters:  5\n  z.runs = 2\n  inner.runs = 1\n  a.runs = 6\n  a-1.runs = 3\n  a-2.runs = 3\n$"
        "replay --counters text")
hio(replay ${WORK}/counters.hioj --counters --json EXIT 0)
require("${out}" ", \"counters\": \\[{\"name\": \"z.runs\", \"value\": 2}, {\"name\": \"inner.runs\", \"value\": 1}, {\"name\": \"a.runs\", \"value\": 6}, {\"name\": \"a-1.runs\", \"value\": 3}, {\"name\": \"a-2.runs\", \"value\": 3}\\]}\n$"
        "replay --counters JSON")
hio(replay ${WORK}/counters.hioj --json EXIT 0)
require("${out}" ", \"counters\": null}\n$" "replay --json without --counters")
hio(replay ${WORK}/counters.hioj EXIT 0)
string(FIND "${out}" "counters:" listed)
if(NOT listed EQUAL -1)
  message(FATAL_ERROR "counters listed without replay --counters:\n${out}")
endif()
# A diverged replay lists them too, after the divergence, as its --json
# does (xudp25: the text stopped at the divergence and listed none): here a
# udp_requester replayed with a longer interval sends its second request late.
hio(run ${SCENARIOS}/udp_request_response.toml --record ${WORK}/udp_counters.hioj EXIT 0)
file(READ ${SCENARIOS}/udp_request_response.toml udp_text)
string(REPLACE "interval = \"5ms\"" "interval = \"6ms\"" udp_text "${udp_text}")
file(WRITE ${WORK}/udp_slower.toml "${udp_text}")
hio(replay ${WORK}/udp_counters.hioj --scenario ${WORK}/udp_slower.toml --counters EXIT 3)
require("${out}" "\nreplay diverged at pass 5 [^\n]*\n([^\n]*\n)*counters:  16\n  server.refused = 0\n  server.rx_bytes = [0-9]+\n"
        "diverged replay --counters text")
require("${out}" "\n  client.sent = [0-9]+\n" "diverged replay --counters text: the requester's")

# Every build error of every doer, not only each doer's first, in file order.
hio(check ${DATA}/device/build_errors.toml EXIT 2)
require("${err}" "build_errors.toml:9:8: cannot build doer 'c1': size must be from 10 to 65507\n[^\n]*build_errors.toml:10:12: cannot build doer 'c1': requests must be from 0 to 100000000 \\(a request.s number has 8 digits\\)\n[^\n]*build_errors.toml:15:8: cannot build doer 'c2': size must be from 1 to 16777216\n[^\n]*build_errors.toml:16:12: cannot build doer 'c2': messages must be >= 0\n$"
        "every build error")
# ... up to 50 of them, then a count of the rest.
set(many "")
foreach(i RANGE 1 60)
  string(APPEND many "x${i} = 1\n")
endforeach()
file(WRITE ${WORK}/many.toml "${many}[[doer]]\nkind = \"ticker\"\nname = \"t\"\n")
hio(check ${WORK}/many.toml EXIT 2)
require("${err}" "many.toml:50:1: unknown key 'x50' in top level\n[^\n]*many.toml: and 10 more problems \\(the first 50 are listed\\)\n$"
        "diagnostics capped")
string(FIND "${err}" "x51" listed)
if(NOT listed EQUAL -1)
  message(FATAL_ERROR "more than 50 diagnostics listed:\n${err}")
endif()

# A real-time sweep with --jobs > 1 of a scenario that binds a fixed port:
# refused before any seed runs (runs at once would fail as seed failures).
hio(sweep ${DATA}/device/fixed_port.toml --seeds 1..4 --jobs 2 EXIT 2)
require("${err}" "^hio sweep: --jobs 2: doer 'srv' \\([^)]*fixed_port.toml:9:11\\) listens on 'tcp://127.0.0.1:47683', and the runs are in real time"
        "fixed port with --jobs 2")
# Port 0 is offered in the words of a build error's hint: a listener listens
# on it, a UDP responder binds to it (rev25 #5: "clients name the listener"
# for a responder too, then "port 0" alone).
require("${err}" "give --jobs 1, or listen on port 0 \\(the doers that reach it name it '@name'\\)\n$"
        "fixed port with --jobs 2: the port 0 advice")
file(WRITE ${WORK}/udp_jobs.toml "[run]\nmode = \"real\"\nlimit = \"10ms\"\n[[doer]]\nkind = \"udp_responder\"\nname = \"resp\"\naddress = \"udp://127.0.0.1:47684\"\n")
hio(sweep ${WORK}/udp_jobs.toml --seeds 1..2 --jobs 2 EXIT 2)
require("${err}" "doer 'resp' \\([^)]*udp_jobs.toml:7:11\\) binds 'udp://127.0.0.1:47684', and the runs are in real time: .*, or bind to port 0 \\(the doers that reach it name it '@name'\\)\n$"
        "a UDP responder with --jobs 2")
file(WRITE ${WORK}/mixed_jobs.toml "[run]\nmode = \"real\"\nlimit = \"10ms\"\n[[doer]]\nkind = \"udp_responder\"\nname = \"resp\"\naddress = \"udp://127.0.0.1:47684\"\n[[doer]]\nkind = \"echo_server\"\nname = \"srv\"\naddress = \"tcp://127.0.0.1:47685\"\n")
hio(sweep ${WORK}/mixed_jobs.toml --seeds 1..2 --jobs 2 EXIT 2)
# Every fixed address is named (it named the first "(and 1 more)": freeing
# that one port was refused again for the next).
require("${err}" "--jobs 2: doer 'resp' \\([^)]*mixed_jobs.toml:7:11\\) binds 'udp://127.0.0.1:47684' and doer 'srv' \\([^)]*mixed_jobs.toml:11:11\\) listens on 'tcp://127.0.0.1:47685', and the runs are in real time: runs at once would all need them, .*, or listen on or bind to port 0 \\(the doers that reach it name it '@name'\\)\n$"
        "a UDP responder and a listener with --jobs 2")
# Beyond four, how many more.
set(five "[run]\nmode = \"real\"\nlimit = \"10ms\"\n")
foreach(i 1 2 3 4 5)
  string(APPEND five "[[doer]]\nkind = \"udp_responder\"\nname = \"r${i}\"\naddress = \"udp://127.0.0.1:4769${i}\"\n")
endforeach()
file(WRITE ${WORK}/five_jobs.toml "${five}")
hio(sweep ${WORK}/five_jobs.toml --seeds 1..2 --jobs 2 EXIT 2)
require("${err}" "--jobs 2: doer 'r1' [^,]*, doer 'r2' [^,]*, doer 'r3' [^,]*, doer 'r4' \\([^)]*five_jobs.toml:19:11\\) binds 'udp://127.0.0.1:47694' and 1 more, and the runs are in real time"
        "five fixed ports with --jobs 2")
hio(sweep ${DATA}/device/fixed_port.toml --seeds 1..2 --jobs 1 EXIT 0)
require("${out}" "^2 of 2 seeds passed\n" "fixed port with --jobs 1")
# One seed runs on one thread: nothing to refuse.
hio(sweep ${DATA}/device/fixed_port.toml --seeds 5 --jobs 2 EXIT 0)
# A serial device has one opener, port 0 or not: the refusal does not
# offer port 0 for it (unfixed: "give --jobs 1, or port 0 (clients name the
# listener '@name')"). The device need not be there (the check warns).
file(WRITE ${WORK}/serial_jobs.toml "[run]\nmode = \"real\"\nlimit = \"10ms\"\n[[doer]]\nkind = \"serial_echo\"\nname = \"dev\"\naddress = \"serial:///dev/hio-no-such-tty\"\n")
hio(sweep ${WORK}/serial_jobs.toml --seeds 1..2 --jobs 2 EXIT 2)
require("${err}" "hio sweep: --jobs 2: doer 'dev' \\([^)]*serial_jobs.toml:7:11\\) opens 'serial:///dev/hio-no-such-tty', and the runs are in real time: runs at once would all need it, and all but one would fail for that alone; give --jobs 1 \\(a serial device has one opener\\)\n$"
        "a serial device with --jobs 2")
# A serial device and a fixed port: port 0 would free the port only, so the
# refusal names the device and does not offer it (rev24 #10: it named the
# first entry, here the port, and offered port 0).
file(WRITE ${WORK}/serial_port_jobs.toml "[run]\nmode = \"real\"\nlimit = \"10ms\"\n[[doer]]\nkind = \"udp_responder\"\nname = \"srv\"\naddress = \"udp://127.0.0.1:47684\"\n[[doer]]\nkind = \"serial_echo\"\nname = \"dev\"\naddress = \"serial:///dev/hio-no-such-tty\"\n")
hio(sweep ${WORK}/serial_port_jobs.toml --seeds 1..2 --jobs 2 EXIT 2)
require("${err}" "hio sweep: --jobs 2: doer 'dev' \\([^)]*serial_port_jobs.toml:11:11\\) opens 'serial:///dev/hio-no-such-tty' and doer 'srv' \\([^)]*serial_port_jobs.toml:7:11\\) binds 'udp://127.0.0.1:47684', and the runs are in real time: runs at once would all need them, and all but one would fail for that alone; give --jobs 1 \\(a serial device has one opener\\)\n$"
        "a serial device and a fixed port with --jobs 2")
# The device is not there: check says it as the run would, without opening
# anything, and the scenario is still ok (unfixed: ok, and no word of it).
require("${err}" "^hio sweep: warning: dev \\(stream serial:///dev/hio-no-such-tty\\?baud=115200\\) failed while the doers were built: cannot open serial device /dev/hio-no-such-tty: No such file or directory\n"
        "sweep's check of a missing serial device")
hio(check ${WORK}/serial_jobs.toml EXIT 0)
require("${err}" "^hio check: warning: dev \\(stream serial:///dev/hio-no-such-tty\\?baud=115200\\) failed while the doers were built: cannot open serial device /dev/hio-no-such-tty: No such file or directory\n$"
        "check of a missing serial device")
require("${out}" "1 warning above\\)\n$" "check of a missing serial device: ok")

# A real-time sweep's failing seed: the report's digest is the digest of the
# journal kept (the run that failed is the run journaled; a re-run would be
# another run, with another digest).
hio(sweep ${DATA}/device/real_sweep.toml --seeds 1..3 --out ${WORK}/real EXIT 1)
# Its rerun line says so: a user hunting a flaky failure would run it again
# and take a pass for a fix (unfixed: only "runs again with").
require("${out}" "\na failing seed N runs again with: [^\n]* --seed N\n\\(in real time that is another run, which may pass; the run that failed is its journal, [^\n]*real/seed-N.hioj, which hio replay replays\\)\nreport in "
        "real-time sweep: its rerun line says the failed run is the journal")
file(READ ${WORK}/real/report.json report)
foreach(seed 1 2 3)
  if(NOT report MATCHES "\"seed\": ${seed}, \"passed\": false, \"end\": \"limit\", \"digest\": \"([0-9a-f]+)\", [^}]*\"journal\": \"[^\"]*seed-${seed}.hioj\"")
    message(FATAL_ERROR "seed ${seed} not in the report as failing with its journal:\n${report}")
  endif()
  set(reported ${CMAKE_MATCH_1})
  hio(diff ${WORK}/real/seed-${seed}.hioj ${WORK}/real/seed-${seed}.hioj EXIT 0)
  require("${out}" "same: [0-9]+ events, digest ${reported}\n" "seed ${seed}: the report's digest is the journal's")
endforeach()
string(FIND "${err}" "not deterministic" noted)
if(NOT noted EQUAL -1)
  message(FATAL_ERROR "a real-time sweep re-ran its failing seeds:\n${err}")
endif()
# --keep 1 in real time: each seed is journaled as it runs; the journals of
# the failing seeds after the first are removed, the seeds still listed.
hio(sweep ${DATA}/device/real_sweep.toml --seeds 1..3 --out ${WORK}/real_keep --keep 1 EXIT 1)
file(GLOB kept RELATIVE ${WORK}/real_keep ${WORK}/real_keep/*.hioj)
if(NOT kept STREQUAL "seed-1.hioj")
  message(FATAL_ERROR "real-time --keep 1 kept: ${kept}")
endif()
require("${out}" "^seed 1: FAIL [^\n]*\nseed 2: FAIL [^\n]*\nseed 3: FAIL [^\n]*\n0 of 3 seeds passed; failing seeds listed above\na failing seed N runs again with: [^\n]* --seed N\n\\(in real time that is another run, [^\n]*\\)\nreport in [^\n]*, journals of 1 of the 3 failing seeds as seed-N.hioj \\(--keep 1\\)\n$"
        "real-time --keep 1 output")
file(READ ${WORK}/real_keep/report.json report)
foreach(seed 2 3)
  if(NOT report MATCHES "\"seed\": ${seed}, \"passed\": false, [^}]*\"journal\": null, \"journal_lost\": null, \"closing_reset\": 0, \"dropped_datagrams\": 0, \"channel_errors\": [0-9]+, \"beyond_keep\": true}")
    message(FATAL_ERROR "seed ${seed} not beyond --keep in the report:\n${report}")
  endif()
endforeach()
# Passing real-time seeds leave no journal.
hio(sweep ${DATA}/device/fixed_port.toml --seeds 1..2 --out ${WORK}/real_pass EXIT 0)
file(GLOB left ${WORK}/real_pass/*.hioj)
if(left)
  message(FATAL_ERROR "journals of passing seeds left: ${left}")
endif()

# --set for [net]: applied (the run changes), checked as the file is, the
# argument named; and written into the journal's scenario text.
set(udp ${DATA}/device/set_net.toml)
hio(run ${udp} EXIT 0)
hio(run ${udp} --set net.default_link.latency=20ms --set net.stall_timeout=3s --record ${WORK}/set_net.hioj EXIT 1)
require("${out}" "FAIL  client.late == 0  \\(client.late was 4\\)" "--set net.default_link.latency applied")
hio(inspect ${WORK}/set_net.hioj --json EXIT 0)
# (A duration in exact seconds, as --set run.limit writes one.)
require("${out}" "default_link.latency = \\\\\"0.02s\\\\\"" "net override in the journal's text")
hio(run ${udp} --set run.limit=1s --set net.listen_backlog=abc EXIT 2)
require("${err}" "^hio run: --set net.listen_backlog=abc: net.listen_backlog must be an integer >= 1\n$" "--set net key checked")
hio(run ${SCENARIOS}/quickstart.toml --set net.stall_timeout=1s EXIT 2)
require("${err}" "^hio run: --set net.stall_timeout=1s: the scenario has no \\[net\\]" "--set net without [net]")
hio(sweep ${udp} --seeds 1..2 --set net.default_link.loss=1.5 EXIT 2)
require("${err}" "^hio sweep: --set net.default_link.loss=1.5: net.default_link.loss must be a probability" "sweep --set net")
