# Runs the hio binary with inputs that must give each defined exit code.
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)

hio(run ${SCENARIOS}/quickstart.toml EXIT 0)
hio(run ${SCENARIOS}/quickstart.toml --set run.limit=250ms EXIT 1)
require("${out}" "FAIL  every_pass.runs == 16" "failed expectation not reported")
hio(run ${DATA}/bad/doer_unknown_kind.toml EXIT 2)
require("${err}" "doer_unknown_kind.toml:2:8: unknown doer kind 'tikcer'; did you mean 'ticker'\\?" "diagnostic not as expected")
hio(check ${DATA}/bad/tock_bad_unit.toml EXIT 2)
hio(run /nonexistent/scenario.toml EXIT 2)
hio(run EXIT 2)
hio(frobnicate EXIT 2)
hio(run ${SCENARIOS}/quickstart.toml --set run.tock=fast EXIT 2)
hio(run ${SCENARIOS}/quickstart.toml --seed -4 EXIT 2)
hio(--help EXIT 0)
# Of two stop signals the first delivered counts, and two sent back to back
# are delivered in signal-number order (TERM then HUP gives 129): the help
# said "a signal" only, and scenarios.md "the first counts", which a
# supervisor's TERM then HUP contradicted.
string(REGEX REPLACE "[ \n]+" " " help "${out}")
require("${help}" "the first delivered: two sent together, as systemd's SIGTERM then SIGHUP, are delivered in signal-number order, SIGHUP, SIGINT, SIGTERM"
        "--help does not say which of two signals counts")

# Out of memory is not bad input: exit 6 (it was 2, "hio check: error:
# std::bad_alloc", or a diagnostic "cannot build doer 't': std::bad_alloc"
# where a factory ran out), --json's error object says it. A million doers
# need ~350 MB (400 before session 24's smaller Doer); the bad_alloc comes while
# the tree is built, wherever.
if(NOT SANITIZE)  # ASan and TSan reserve terabytes of address space: no ulimit -v
  file(READ ${SCENARIOS}/scale_10k.toml scale)
  string(REPLACE "9_999" "999_999" scale "${scale}")
  set(million ${CMAKE_CURRENT_BINARY_DIR}/cli_exit_codes_million.toml)
  file(WRITE ${million} "${scale}")
  foreach(vm 200000 320000)
    set(small_vm sh -c "ulimit -v ${vm} && exec \"$0\" \"$@\"" ${HIO})
    run_tool(${small_vm} check ${million} EXIT 6)
    require("${err}" "^hio check: error: out of memory \\(std::bad_alloc\\)\n$"
            "out of memory (${vm} KB) not said")
    run_tool(${small_vm} run ${million} --json EXIT 6)
    require("${out}" "^{\"error\": \"hio run: error: out of memory \\(std::bad_alloc\\)\", \"exit\": 6, [^\n]*}\n$"
            "out of memory (${vm} KB): no error object")
  endforeach()

  # A sweep whose seeds' trees do not fit (300,000 doers: one tree fits in
  # 200,000 KB, as the check before the seeds shows, two built at once do
  # not; or one built runs out in its first pass while the other is built,
  # as in session 24's CI) is out of memory, exit 6, not failing seeds (it
  # was "seed 1: FAIL error: std::bad_alloc", exit 1), and writes no report,
  # as when its threads cannot start.
  file(READ ${SCENARIOS}/scale_10k.toml k300_text)
  string(REPLACE "9_999" "299_999" k300_text "${k300_text}")
  string(FIND "${k300_text}" "[[expect]]" at)
  string(SUBSTRING "${k300_text}" 0 ${at} k300_text)
  set(k300 ${CMAKE_CURRENT_BINARY_DIR}/cli_exit_codes_300k.toml)
  file(WRITE ${k300} "${k300_text}")
  set(sweep_out ${CMAKE_CURRENT_BINARY_DIR}/cli_exit_codes_oom_sweep)
  file(REMOVE_RECURSE ${sweep_out})
  set(small_vm sh -c "ulimit -v 200000 && exec \"$0\" \"$@\"" ${HIO})
  run_tool(${small_vm} sweep ${k300} --seeds 1..2 --jobs 2 --set run.limit=10ms --out ${sweep_out}
           EXIT 6)
  require("${err}" "hio sweep: error: out of memory \\(std::bad_alloc\\) while the seeds ran; [^\n]*no report written\n$"
          "sweep out of memory not said")
  if(out MATCHES "FAIL" OR EXISTS ${sweep_out}/report.json)
    message(FATAL_ERROR "sweep out of memory: a failing seed or a report:\n${out}")
  endif()
  run_tool(${small_vm} sweep ${k300} --seeds 1..2 --jobs 2 --set run.limit=10ms --json EXIT 6)
  require("${out}" "{\"error\": \"hio sweep: error: out of memory \\(std::bad_alloc\\) [^\n]*\", \"exit\": 6, [^\n]*}\n$"
          "sweep out of memory: no error object")
endif()

# Problems found while building the tree: still exit 2, nothing runs.
hio(run ${DATA}/bad_build/dangling_address.toml EXIT 2)
require("${err}" "dangling_address.toml:5:11: cannot build doer 'c': address '@nobody' names no listening doer" "dangling address not reported")
hio(run ${DATA}/bad_build/unknown_counter.toml EXIT 2)
require("${err}" "unknown_counter.toml:6:10: no doer publishes counter 't.rusn'" "unknown counter not reported")
# Among 3,001 doers' counters: the nearest name, ten listed and a count, one short line.
hio(check ${DATA}/bad_build/unknown_counter_copies.toml EXIT 2)
require("${err}" "^[^\n]*unknown_counter_copies.toml:18:10: no doer publishes counter 't-3000.rnus'; did you mean 't-3000.runs'\\? \\(published: last.runs, t-1.runs, [^\n]*, \\.\\.\\. \\(2992 more\\)\\)\n$" "unknown counter among many")
string(LENGTH "${err}" length)
if(length GREATER 400)
  message(FATAL_ERROR "unknown counter: a ${length}-byte message:\n${err}")
endif()

# sweep: all seeds pass => 0; a failing expectation on every seed => 1; bad ranges => 2.
hio(sweep ${SCENARIOS}/quickstart.toml --seeds 1..6 --jobs 2 EXIT 0)
require("${out}" "6 of 6 seeds passed" "sweep summary wrong")
hio(sweep ${SCENARIOS}/quickstart.toml --seeds 1..3 --set run.limit=250ms EXIT 1)
require("${out}" "seed 1: FAIL every_pass.runs == 16" "failing seed not listed")
hio(sweep ${SCENARIOS}/quickstart.toml --seeds 9..3 EXIT 2)
hio(sweep ${SCENARIOS}/quickstart.toml --seeds 1..3 --shard 3/2 EXIT 2)
hio(sweep ${SCENARIOS}/quickstart.toml --seeds 1..3 --jobs 0 EXIT 2)

# A sim:// address with no [net]: a build problem at the doer, exit 2.
hio(run ${DATA}/bad_build/sim_without_net.toml EXIT 2)
require("${err}" "sim_without_net.toml:4:11: cannot build doer 'c': a sim:// address needs a \\[net\\] section" "sim without net not reported")
# Parameters beyond what a doer can do: refused at build, exit 2.
hio(run ${DATA}/bad_build/datagram_too_large.toml EXIT 2)
require("${err}" "datagram_too_large.toml:16:8: cannot build doer 'client': size must be from 10 to 65507" "oversized datagram not reported")
# Build problems point at the key's value (line:col), not at [[doer]], and
# speak the scenario's words (no internal function names).
hio(check ${DATA}/bad_build/ticker_count_negative.toml EXIT 2)
require("${err}" "/ticker_count_negative.toml:6:9: cannot build doer 't': count must be >= 0 \\(0 = never done\\)\n$" "negative count")
hio(check ${DATA}/bad_build/size_zero.toml --real EXIT 2)
require("${err}" "/size_zero.toml:12:8: cannot build doer 'client': size must be from 1 to 16777216\n$" "size 0 not at its key")
# A sweep builds the scenario once first: refused as check refuses it, no seed run.
hio(sweep ${DATA}/bad_build/size_zero.toml --seeds 1..5 --set run.mode=real EXIT 2)
require("${err}" "/size_zero.toml:12:8: cannot build doer 'client': size must be from 1 to 16777216\n$" "sweep of an unbuildable scenario")
hio(check ${DATA}/bad_build/unknown_client_host.toml EXIT 2)
require("${err}" "/unknown_client_host.toml:14:8: cannot build doer 'alice': unknown host 'clinet'; did you mean 'client'\\? \\(net.hosts lists them\\)\n$" "unknown host")
# Two doers on one fixed address: check says so, with both places.
hio(check ${DATA}/bad_build/two_servers_one_port.toml --real EXIT 2)
require("${err}" "/two_servers_one_port.toml:11:11: cannot build doer 'second': address 'tcp://127.0.0.1:47123' is taken: doer 'first' \\(.*/two_servers_one_port.toml:6:11\\) listens there already\n$" "port clash")
hio(run ${DATA}/bad_build/two_servers_one_port.toml --real EXIT 2)
# A wildcard address takes its port on every address of its family.
hio(check ${DATA}/bad_build/wildcard_port_clash.toml --real EXIT 2)
require("${err}" "/wildcard_port_clash.toml:12:11: cannot build doer 'everywhere': address 'tcp://0.0.0.0:47124' is taken: doer 'local' \\(.*/wildcard_port_clash.toml:7:11\\) listens on 'tcp://127.0.0.1:47124' already, and 0.0.0.0 means every IPv4 address\n$" "wildcard clash")
# A serial device has one opener.
hio(check ${DATA}/bad_build/two_serial_openers.toml EXIT 2)
require("${err}" "/two_serial_openers.toml:17:11: cannot build doer 'again': device 'sim-serial://ttyB' is taken: doer 'echo' \\(.*/two_serial_openers.toml:12:11\\) opens 'sim-serial://ttyB\\?baud=9600' already; a serial device has one opener\n$" "two serial openers")
hio(check ${DATA}/bad_build/two_sim_responders.toml EXIT 2)
require("${err}" "/two_sim_responders.toml:17:13: cannot build doer 'b': address 'sim://server:7' is taken: doer 'a' \\(.*/two_sim_responders.toml:8:11\\) is bound there already\n$" "sim clash")
hio(check ${DATA}/bad_build/datagram_peer_unknown.toml --real EXIT 2)
require("${err}" "cannot build doer 'sim_typo': .*unknown host 'sever'" "unknown sim peer not reported")
require("${err}" "cannot build doer 'real_name': to = 'localhost:9': destination 'localhost:9' is not an IP address" "non-IP udp peer not reported")
# A peer on another network than the requester's: refused at `to`, naming
# both schemes (not an unknown host).
hio(check ${DATA}/bad_build/datagram_peer_other_network.toml --real EXIT 2)
require("${err}" "^[^\n]*/datagram_peer_other_network.toml:16:6: cannot build doer 'real_to_sim': to = 'sim://server:7' is a sim:// address, and this doer sends datagrams over udp:// \\(address 'udp://127.0.0.1:0'\\): give a peer on the same network, as host:port\n" "sim peer of a udp doer")
require("${err}" "\n[^\n]*/datagram_peer_other_network.toml:22:6: cannot build doer 'real_to_named_sim': to = '@responder' \\(the address 'sim://server:7'\\) is a sim:// address, and this doer sends datagrams over udp://" "@name on another network")
require("${err}" "\n[^\n]*/datagram_peer_other_network.toml:28:6: cannot build doer 'sim_to_real': to = 'udp://127.0.0.1:9' is a udp:// address, and this doer sends datagrams over sim://" "udp peer of a sim doer")
require("${err}" "\n[^\n]*/datagram_peer_other_network.toml:34:6: cannot build doer 'real_to_net_host': to = 'server:7': 'server' is a host of the simulated network \\(\\[net\\]\\), but udp:// is the real network, which would look 'server' up in DNS; use sim://server:7\n$" "a [net] host on udp://")
# tls:// to a [net] host: real TLS, which would look the name up in DNS.
hio(check ${DATA}/bad_build/tls_on_net_host.toml EXIT 2)
require("${err}" "^[^\n]*/tls_on_net_host.toml:9:11: cannot build doer 'c': address = 'tls://server:7': 'server' is a host of the simulated network \\(\\[net\\]\\), but tls:// is the real network, which would look 'server' up in DNS; the simulated network has no TLS: use sim://server:7 \\(no TLS\\), or tls:// to a real address such as 127.0.0.1\n$" "tls on a [net] host")
# A failing expectation in a [net] scenario: exit 1, the first failure shown.
hio(run ${SCENARIOS}/tcp_echo_jitter.toml --seed 2 EXIT 1)
require("${out}" "FAIL  client.echoed == 40  \\(never held by 1.38 s" "deadline failure not reported")
# The stock hio does not know a user program's kind (tools/examples).
hio(check ${SCENARIOS}/../tools/examples/blinker.toml EXIT 2)
require("${err}" "blinker.toml:9:8: unknown doer kind 'blinker' \\(known kinds: " "unknown user kind not reported")
# A scenario that cannot be built leaves no journal.
set(never ${CMAKE_CURRENT_BINARY_DIR}/never.hioj)
file(REMOVE ${never})
hio(run ${DATA}/bad_build/unknown_counter.toml --record ${never} EXIT 2)
if(EXISTS ${never})
  message(FATAL_ERROR "a scenario that did not run left a journal")
endif()

# One rule for outputs: a --record FILE that cannot be created is exit 4, as
# a journal that fails while written (cli_record_error.sh) and a sweep --out
# that cannot be created (cli_sweep.cmake) are; a bad scenario stays 2.
hio(run ${SCENARIOS}/quickstart.toml --record ${CMAKE_CURRENT_BINARY_DIR}/no/such/dir/x.hioj EXIT 4)
require("${err}" "no/such/dir/x.hioj: cannot create the journal: No such file or directory\n$" "uncreatable --record")
hio(run ${DATA}/bad/doer_unknown_kind.toml --record ${CMAKE_CURRENT_BINARY_DIR}/x.hioj EXIT 2)
# The journal file is created before the tree is built: both wrong, the
# output is said first.
hio(run ${DATA}/bad_build/unknown_counter.toml --record ${CMAKE_CURRENT_BINARY_DIR}/no/such/dir/x.hioj EXIT 4)

# check builds the tree as run does: problems only a build finds fail it too.
hio(check ${DATA}/bad_build/unknown_counter.toml EXIT 2)
require("${err}" "unknown_counter.toml:6:10: no doer publishes counter 't.rusn'" "check missed an unknown counter")
hio(check ${DATA}/bad_build/dangling_address.toml EXIT 2)
require("${err}" "cannot build doer 'c': address '@nobody'" "check missed a dangling address")

# A scenario that cannot be built leaves an existing journal as it was.
set(precious ${CMAKE_CURRENT_BINARY_DIR}/precious.hioj)
file(WRITE ${precious} "not to be lost")
hio(run ${DATA}/bad_build/unknown_counter.toml --record ${precious} EXIT 2)
file(READ ${precious} kept)
file(GLOB leftovers ${precious}.*)
if(NOT kept STREQUAL "not to be lost" OR leftovers)
  message(FATAL_ERROR "a scenario that did not run touched an existing journal")
endif()

# --record never overwrites the input it runs or replays, by any path.
set(own ${CMAKE_CURRENT_BINARY_DIR}/own.toml)
configure_file(${SCENARIOS}/quickstart.toml ${own} COPYONLY)
file(SHA256 ${own} before)
get_filename_component(own_dir ${own} DIRECTORY)
hio(run ${own} --record ${own_dir}/./own.toml EXIT 2)
require("${err}" "--record .*own.toml would overwrite the scenario file \\(the same file\\)" "own scenario as journal not refused")
file(SHA256 ${own} after)
set(own_journal ${CMAKE_CURRENT_BINARY_DIR}/own.hioj)
hio(run ${own} --record ${own_journal} EXIT 0)
file(SHA256 ${own_journal} journal_before)
hio(replay ${own_journal} --record ${own_journal} EXIT 2)
require("${err}" "would overwrite the journal being replayed" "own journal as replay journal not refused")
file(SHA256 ${own_journal} journal_after)
if(NOT before STREQUAL after OR NOT journal_before STREQUAL journal_after)
  message(FATAL_ERROR "--record overwrote its own input")
endif()
# Nor the scenario a replay runs against (--scenario): by its path, another
# path, a symbolic link or a hard link to it.
file(REMOVE ${own_dir}/own_symlink.toml ${own_dir}/own_hardlink.toml)
file(CREATE_LINK ${own} ${own_dir}/own_symlink.toml SYMBOLIC)
file(CREATE_LINK ${own} ${own_dir}/own_hardlink.toml)
foreach(record ${own} ${own_dir}/./own.toml ${own_dir}/own_symlink.toml ${own_dir}/own_hardlink.toml)
  hio(replay ${own_journal} --scenario ${own} --record ${record} EXIT 2)
  require("${err}" "^hio replay: --record [^\n]* would overwrite the scenario file given by --scenario \\(the same file\\); record into another file\n$"
          "replay --record ${record} over its --scenario not refused")
  hio(replay ${own_journal} --scenario ${record} --record ${own} EXIT 2)
endforeach()
file(SHA256 ${own} after)
if(NOT before STREQUAL after)
  message(FATAL_ERROR "replay --record overwrote its --scenario")
endif()
execute_process(COMMAND ${HIO} run ${own} --record "" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "--record: the file name is empty")
  message(FATAL_ERROR "an empty --record gave exit ${rc}: ${err}")
endif()
# `-` is the standard input wherever hio reads a journal and names no output:
# --record - and --out - are refused, as salvage's OUT - is (unfixed: a file
# or a directory named `-` was written, "journal: -").
set(dash_dir ${CMAKE_CURRENT_BINARY_DIR}/dash)
file(REMOVE_RECURSE ${dash_dir})
file(MAKE_DIRECTORY ${dash_dir})
foreach(command "run;${own};--record;-" "replay;${own_journal};--record;-"
                "sweep;${own};--seeds;1..2;--out;-" "replay;${own_journal};--noise;drop=0.1;--seeds;1..2;--out;-"
                "salvage;${own_journal};-")
  execute_process(COMMAND ${HIO} ${command} WORKING_DIRECTORY ${dash_dir} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 2 OR NOT err MATCHES "(--record -|--out -|OUT cannot be -)[^\n]*standard output")
    message(FATAL_ERROR "hio ${command}: exit ${rc}, not refused:\n${out}${err}")
  endif()
endforeach()
execute_process(COMMAND ${HIO} run ${own} --record - WORKING_DIRECTORY ${dash_dir}
                ERROR_VARIABLE err OUTPUT_QUIET)
require("${err}" "^hio run: --record -: the standard output carries the summary, not the journal; give a file name \\(./- for a file named -\\)" "--record - said")
if(EXISTS ${dash_dir}/-)
  message(FATAL_ERROR "a file named - was written")
endif()
# A file named - is ./-, as for every input.
execute_process(COMMAND ${HIO} run ${own} --record ./- WORKING_DIRECTORY ${dash_dir}
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 0 OR NOT EXISTS ${dash_dir}/-)
  message(FATAL_ERROR "--record ./- gave exit ${rc}")
endif()

# `-` as the scenario is the standard input (it was refused: "-: cannot read
# the file: No such file or directory"): run, check, sweep and replay
# --scenario read it once; the journal is the file's, byte for byte.
set(quick ${SCENARIOS}/quickstart.toml)
execute_process(COMMAND ${HIO} run - --record ${dash_dir}/stdin.hioj INPUT_FILE ${quick}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "expect:    4 of 4 passed")
  message(FATAL_ERROR "hio run - < quickstart.toml: exit ${rc}\n${out}${err}")
endif()
hio(run ${quick} --record ${dash_dir}/file.hioj EXIT 0)
require_same_files(${dash_dir}/stdin.hioj ${dash_dir}/file.hioj "hio run - and hio run FILE")
execute_process(COMMAND ${HIO} check - INPUT_FILE ${quick} RESULT_VARIABLE rc OUTPUT_VARIABLE out)
require("${rc}:${out}" "^0:-: ok \\(" "hio check -")
file(REMOVE_RECURSE ${dash_dir}/sweep)
execute_process(COMMAND ${HIO} sweep - --seeds 1..3 --set run.limit=250ms --out ${dash_dir}/sweep
                INPUT_FILE ${quick} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
require("${rc}:${out}" "^1:seed 1: FAIL [^\n]*\nseed 2: FAIL [^\n]*\nseed 3: FAIL [^\n]*\n0 of 3 seeds passed" "hio sweep - (every seed from the one text)")
file(READ ${dash_dir}/sweep/report.json report)
# The report names the version that ran the seeds: hio --version's text.
execute_process(COMMAND ${HIO} --version OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE)
require("${version}" "^hio [0-9]+\\.[0-9]+\\.[0-9]+$" "hio --version")
string(REPLACE "." "\\." version_re "${version}")
require("${report}" "^{\"scenario\": \"-\", \"hio_version\": \"${version_re}\", \"sets\": \\[\"run.limit=250ms\"\\], \"rerun\": \"[^\"]*/hio'? run - --set run.limit=250ms --seed N < SCENARIO\"" "hio sweep -: report (the scenario fed again)")
execute_process(COMMAND ${HIO} replay ${dash_dir}/file.hioj --scenario - INPUT_FILE ${quick}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
require("${rc}:${out}" "^0:replay:[^\n]*identical" "hio replay --scenario -")
# A problem in it is at -:line:col.
file(WRITE ${dash_dir}/typo.toml "[run]\ntock = \"10ms\"\n[[doer]]\nkind = \"ticker\"\nname = \"t\"\ncountt = 3\n")
execute_process(COMMAND ${HIO} run - INPUT_FILE ${dash_dir}/typo.toml RESULT_VARIABLE rc
                ERROR_VARIABLE err OUTPUT_QUIET)
require("${rc}:${err}" "^2:-:6:1: unknown key 'countt'" "a problem in the standard input's scenario")

# A setting given twice, by its option and by --set, is refused.
hio(run ${own} --seed 3 --set run.seed=4 EXIT 2)
require("${err}" "--seed and --set run.seed=4 both set run.seed; give one" "seed conflict not refused")
hio(run ${own} --real --set run.mode=sim EXIT 2)
hio(run ${own} --limit 1s --set run.limit=2s EXIT 2)
# So is one key given twice by --set (the last used to win silently).
hio(run ${own} --set run.limit=1s --set run.limit=2s EXIT 2)
require("${err}" "hio run: --set run.limit=1s and --set run.limit=2s both set run.limit; give one" "repeated --set not refused")
hio(sweep ${own} --seeds 1..2 --set run.tock=10ms --set run.limit=1s --set run.tock=20ms EXIT 2)
require("${err}" "hio sweep: --set run.tock=10ms and --set run.tock=20ms both set run.tock; give one" "repeated --set not refused by sweep")
hio(run ${own} --limit 3x EXIT 2)
require("${err}" "hio run: --limit 3x: " "bad --limit not named")
# Only "0" goes without a unit; "-0" has a sign, which durations do not have.
hio(run ${own} --limit 00 EXIT 2)
require("${err}" "hio run: --limit 00: duration \"00\" has no unit" "unitless 00 accepted")
hio(run ${own} --set run.limit=0.0 EXIT 2)
require("${err}" "duration \"0.0\" has no unit" "unitless 0.0 accepted")
hio(run ${own} --limit -0 EXIT 2)
require("${err}" "hio run: --limit -0: duration \"-0\" has a sign; durations have none: write \"0\"" "-0 called negative")
hio(inspect ${own_journal} --from 0 --to 1ms EXIT 0)
hio(inspect ${own_journal} --from 0.0 EXIT 2)
require("${err}" "hio inspect: --from 0.0: duration \"0.0\" has no unit" "inspect took 0.0")

# A misspelt command is named.
hio(frobnicate EXIT 2)
require("${err}" "unknown command 'frobnicate'; the commands are run, replay, inspect, diff, salvage, check, sweep" "unknown command not named")
# A usage error names its command, lists the arguments not expected in the
# order given, and the nearest command, option or kind (unfixed: no prefix,
# "x.hioj --recrd", no suggestion, "A subcommand is required" for --bogus).
hio(rnu ${own} EXIT 2)
require("${err}" "^hio: unknown command 'rnu'; did you mean 'run'\\? The commands are run, " "rnu")
hio(run ${own} --jsno EXIT 2)
require("${err}" "^hio run: the following argument was not expected: --jsno; did you mean '--json'\\?\n"
        "--jsno")
hio(run ${own} --recrd x.hioj EXIT 2)
require("${err}" "^hio run: the following arguments were not expected: --recrd x.hioj; did you mean '--record'\\?\n"
        "--recrd x.hioj")
# An option that takes one value, given twice: said in hio's words (unfixed:
# CLI11's "--keep: At Most 1 required but received 2").
hio(sweep ${own} --seeds 1..2 --keep 1 --keep 2 EXIT 2)
require("${err}" "^hio sweep: --keep is given 2 times: it takes one value; give it once\n" "--keep twice")
hio(run ${own} --limit 1s --limit 2s EXIT 2)
require("${err}" "^hio run: --limit is given 2 times: it takes one value; give it once\n" "--limit twice")
hio(replay ${own_journal} --noize=drop=0.1 EXIT 2)
require("${err}" "^hio replay: [^\n]*: --noize=drop=0.1; did you mean '--noise'\\?\n" "--noize=")
hio(run EXIT 2)
require("${err}" "^hio run: SCENARIO is missing: hio run SCENARIO \\[OPTIONS\\]\n" "no scenario")
hio(--bogus EXIT 2)
require("${err}" "^hio: unknown option '--bogus': options come after a command; the commands are run, "
        "--bogus")
hio(inspect ${own_journal} --kind rxx EXIT 2)
require("${err}" "^hio inspect: --kind rxx: one of open, [^\n]*, rx_end; did you mean 'rx'\\?\n"
        "--kind rxx")

# --record through a symbolic link replaces the file it names; the link stays.
set(real_journal ${CMAKE_CURRENT_BINARY_DIR}/linked-real.hioj)
set(link_journal ${CMAKE_CURRENT_BINARY_DIR}/linked.hioj)
file(REMOVE ${real_journal} ${link_journal})
file(WRITE ${real_journal} "old")
file(CREATE_LINK ${real_journal} ${link_journal} SYMBOLIC)
hio(run ${SCENARIOS}/quickstart.toml --record ${link_journal} EXIT 0)
if(NOT IS_SYMLINK ${link_journal})
  message(FATAL_ERROR "--record replaced the symbolic link itself")
endif()
hio(inspect ${real_journal} EXIT 0)
require("${out}" "\ntrailer passes=16 " "the linked file is not the new journal")

# A channel that fails at run time is said on stderr, once per channel, then
# counted; the exit code stays what the expectations decide (0 here) and
# stdout is the summary alone. Here the client's first connect meets its
# server's host down; it retries and connects once the host is up.
set(late ${DATA}/runtime/server_host_down_first.toml)
hio(run ${late} --record ${CMAKE_CURRENT_BINARY_DIR}/late.hioj EXIT 0)
require("${err}" "^hio run: warning: c \\(stream sim://s:7\\) failed at tyme 0 s \\(pass 0\\): reset: host s went down \\(it retries\\)\nhio run: warning: 1 channel error in all, on 1 channel; 1 connected again later; hio inspect [^\n]*late.hioj --kind error lists them\n$" "channel failure not warned")
if(out MATCHES "warning")
  message(FATAL_ERROR "a warning went to stdout:\n${out}")
endif()
hio(run ${late} EXIT 0)
require("${err}" "; record the run \\(--record\\) to see each\n$" "count line without a journal")

# udp_requester: the last request's deadline saturates (interval and timeout of
# 100 years, no limit): 3 responses, none lost (the overflowed sum lost one).
hio(run ${DATA}/runtime/udp_century_timeout.toml --counters EXIT 0)
require("${out}" "client\\.responses = 3\n" "a response lost to the overflowed deadline")
require("${out}" "client\\.lost = 0\n" "a request counted lost at an overflowed deadline")
