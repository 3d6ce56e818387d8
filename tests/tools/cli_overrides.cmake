# What ran is what replays: --set, --limit and --real are written into
# the scenario text of the journal's header, so a replay rebuilds the same run
# (name, limit, skip ...); and names in UTF-8 are printed as they are, through
# run, inspect, replay and diff.
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

# Overrides: the replay says the overridden name and seed, and judges the
# expectations as the run did (the shorter limit fails one of them in both).
hio(run ${SCENARIOS}/quickstart.toml --set run.name=renamed --set run.skip=false --limit 250ms
    --seed 9 --record ${WORK}/q.hioj EXIT 1)
require("${out}" "^run:       renamed, seed 9, ended: limit\npasses:    8 " "run with overrides")
string(REGEX MATCH "expect:.*" run_expect "${out}")
hio(replay ${WORK}/q.hioj EXIT 1)
require("${out}" "^replay:    renamed, seed 9: identical\n" "replay of a run with overrides")
string(REGEX MATCH "expect:.*" replay_expect "${out}")
if(NOT run_expect STREQUAL replay_expect)
  message(FATAL_ERROR "the replay judged otherwise:\n${run_expect}\nvs\n${replay_expect}")
endif()
hio(inspect ${WORK}/q.hioj --json --kind log EXIT 0)
string(REGEX MATCH "^[^\n]*" header "${out}")
string(JSON text GET "${header}" scenario)
require("${text}" "\\[run\\]\nname = \"renamed\"\ntock = \"31.25ms\"\nlimit = \"0.25s\"\nseed = 1\n" "the header's scenario text (--seed is the header's seed, as for a sweep)")
# The journal of a replay of that journal is the same run again.
hio(replay ${WORK}/q.hioj --record ${WORK}/q2.hioj --json EXIT 1)
string(JSON name GET "${out}" name)
if(NOT name STREQUAL "renamed")
  message(FATAL_ERROR "replay --json name: ${name}")
endif()
# Sweep: its --set goes into each failing seed's journal too.
hio(sweep ${SCENARIOS}/quickstart.toml --seeds 1..1 --set run.limit=250ms --set run.name=swept
    --out ${WORK}/sweep EXIT 1)
hio(replay ${WORK}/sweep/seed-1.hioj EXIT 1)
require("${out}" "^replay:    swept, seed 1: identical\n" "replay of a sweep's journal with --set")

# Command lines that run the same scenario record the same journal, byte for
# byte: --sets in either order (keys the file lacks go in by name), a --set
# of the value the file has (tock = "1ms" stays as written), one value in
# other spellings (10s, 10000ms; 0.02, 2E-2).
set(udp ${SCENARIOS}/udp_request_response.toml)
hio(run ${udp} --set net.listen_backlog=8 --set net.stall_timeout=10s
    --set net.default_link.loss=0.02 --record ${WORK}/order1.hioj EXIT 0)
hio(run ${udp} --set net.default_link.loss=2E-2 --set net.stall_timeout=10000ms
    --set net.listen_backlog=8 --record ${WORK}/order2.hioj EXIT 0)
require_same_files(${WORK}/order1.hioj ${WORK}/order2.hioj "--sets in another order")
hio(run ${udp} --record ${WORK}/plain.hioj EXIT 0)
hio(run ${udp} --set run.tock=1ms --limit 3000ms --record ${WORK}/same.hioj EXIT 0)
require_same_files(${WORK}/plain.hioj ${WORK}/same.hioj "--set of the file's own values")

# UTF-8 names are printed as they are; a control character is refused.
file(WRITE ${WORK}/utf8.toml "[run]
name = \"запрос-ответ\"
tock = \"1ms\"
limit = \"200ms\"
[net]
hosts = [\"client\", \"server\"]
[[doer]]
kind = \"udp_responder\"
name = \"сервер\"
address = \"sim://server:7\"
[[doer]]
kind = \"udp_requester\"
name = \"клиент\"
address = \"sim://client:0\"
to = \"@сервер\"
requests = 5
[[expect]]
final = \"клиент.responses == 5\"
")
hio(run ${WORK}/utf8.toml --record ${WORK}/utf8.hioj EXIT 0)
require("${out}" "^run:       запрос-ответ, seed 0, ended: " "UTF-8 run name")
require("${out}" "\n  ok    клиент.responses == 5  \\(клиент.responses was 5\\)\n" "UTF-8 expectation")
hio(inspect ${WORK}/utf8.hioj --kind open EXIT 0)
require("${out}" " #1=\"сервер\":datagram:sim://server:7 #2=\"клиент\":datagram:" "UTF-8 channel table")
require("${out}" "\np0 0 s[0-9]+ #2 open datagram name=\"клиент\" " "UTF-8 open event")
hio(inspect ${WORK}/utf8.hioj --channel клиент --kind open EXIT 0)
hio(replay ${WORK}/utf8.hioj EXIT 0)
require("${out}" "^replay:    запрос-ответ, seed 0: identical\n" "UTF-8 replay")
file(WRITE ${WORK}/esc.toml "[[doer]]\nkind = \"ticker\"\nname = \"a\\u001b[2J\"\n")
hio(check ${WORK}/esc.toml EXIT 2)
require("${err}" "esc.toml:3:8: doer name \"a\\\\x1b\\[2J\" holds a control character \\(U\\+001B at byte 1\\)" "control character refused")
hio(run ${SCENARIOS}/quickstart.toml --set "run.name=x\ty" EXIT 2)
require("${err}" "run.name holds a control character \\(U\\+0009 at byte 1\\)" "--set run.name with a tab")

# A file that starts with a UTF-8 byte order mark, a setting on line 1 (an
# inline run table, dotted run and net keys): --set, --limit and its
# shorthands write the value where it is (toml++ does not count the mark as a
# column), or a line before line 1 after the mark, so that each journal's
# scenario text loads and replays: run, sweep, replay --set and its journal.
string(ASCII 239 187 191 bom)
set(pair "[[doer]]
kind = \"udp_responder\"
name = \"server\"
address = \"sim://server:7\"
[[doer]]
kind = \"udp_requester\"
name = \"client\"
address = \"sim://client:0\"
to = \"@server\"
requests = 5
[[expect]]
final = \"client.responses == 5\"
")
file(WRITE ${WORK}/bom_inline.toml
     "${bom}run = { name = \"bom\", tock = \"1ms\", limit = \"3s\" }\n[net]\nhosts = [\"client\", \"server\"]\n${pair}")
file(WRITE ${WORK}/bom_run.toml "${bom}run.name = \"bom\"\nnet.hosts = [\"client\", \"server\"]\n${pair}")
file(WRITE ${WORK}/bom_net.toml "${bom}net.hosts = [\"client\", \"server\"]\nrun.name = \"bom\"\n${pair}")
foreach(case "bom_inline;--set;run.limit=400ms;--set;net.stall_timeout=2s"
             "bom_inline;--limit;400ms;--set;run.name=renamed"
             "bom_run;--set;run.limit=400ms;--set;run.tock=2ms"
             "bom_net;--set;net.default_link.latency=3ms;--set;net.client_host=client;--limit;400ms")
  list(POP_FRONT case stem)
  string(MAKE_C_IDENTIFIER "${stem}${case}" tag)
  hio(run ${WORK}/${stem}.toml ${case} --record ${WORK}/${tag}.hioj EXIT 0)
  digest_of("${out}" run_digest)
  hio(replay ${WORK}/${tag}.hioj EXIT 0)
  require("${out}" "^replay:    [a-z]+, seed 0: identical\n" "replay of ${stem} run with ${case}")
  require("${out}" "digest:    ${run_digest} " "replay digest of ${stem} with ${case}")
  hio(inspect ${WORK}/${tag}.hioj --json --kind log EXIT 0)
  string(REGEX MATCH "^[^\n]*" header "${out}")
  string(JSON text GET "${header}" scenario)
  string(FIND "${text}" "${bom}" first)
  string(FIND "${text}" "${bom}" last REVERSE)
  if(NOT first EQUAL 0 OR NOT last EQUAL 0)
    message(FATAL_ERROR "${stem} ${case}: the byte order mark moved or doubled:\n${text}")
  endif()
endforeach()
hio(sweep ${WORK}/bom_inline.toml --seeds 1..2 --set run.limit=1ms --out ${WORK}/bom_sweep EXIT 1)
hio(replay ${WORK}/bom_sweep/seed-1.hioj EXIT 1)
require("${out}" "^replay:    bom, seed 1: identical\n" "replay of a BOM sweep's journal")
hio(run ${WORK}/bom_inline.toml --record ${WORK}/bom_base.hioj EXIT 0)
hio(replay ${WORK}/bom_base.hioj --set run.name=fixed --record ${WORK}/bom_fixed.hioj EXIT 0)
hio(replay ${WORK}/bom_fixed.hioj EXIT 0)
require("${out}" "^replay:    fixed, seed 0: identical\n" "replay of a BOM replay's journal with --set")

# hio check takes --set as hio run does: what run would refuse, check refuses
# in the same words (only the command named differs); what run would take,
# check takes (it checks the scenario with the setting, not without it).
hio(check ${WORK}/bom_net.toml --set net.client_host=server --set run.limit=2s EXIT 0)
require("${out}" "bom_net.toml: ok \\(2 top-level doers, 1 expectation\\)\n$" "check --set: ok")
foreach(case "--set;run.name=x\ty"
             "--set;net.hots=1"
             "--set;run.limit=abc"
             "--set;net.client_host=nowhere"
             "--set;run.limit=1s;--set;run.limit=2s"
             "--real;--set;run.mode=sim")
  hio(run ${WORK}/bom_net.toml ${case} EXIT 2)
  string(REPLACE "hio run: " "hio check: " run_err "${err}")
  hio(check ${WORK}/bom_net.toml ${case} EXIT 2)
  if(NOT err STREQUAL run_err)
    message(FATAL_ERROR "check ${case}: not run's refusal:\n${err}\nrun said:\n${run_err}")
  endif()
  if(err STREQUAL "")
    message(FATAL_ERROR "check ${case}: refused without a word")
  endif()
endforeach()

# One problem, the file's words through --set too (it said "mode must be sim
# or real", "skip must be true or false").
hio(run ${SCENARIOS}/quickstart.toml --set run.mode=fast EXIT 2)
require("${err}" "^hio run: --set run.mode=fast: run.mode must be \"sim\" or \"real\", not \"fast\"\n$"
        "--set run.mode: the file's words")
hio(run ${SCENARIOS}/quickstart.toml --set run.skip=1 EXIT 2)
require("${err}" "^hio run: --set run.skip=1: run.skip must be true or false\n$"
        "--set run.skip: the file's words")
# A bad --set is said also when the file has problems of its own (it was
# found only once the file was fixed); a good one is not.
file(WRITE ${WORK}/bad.toml "[run]\nlimit = 5\n[[doer]]\nkind = \"ticker\"\nname = \"a\"\n")
foreach(command run check)
  hio(${command} ${WORK}/bad.toml --set run.limit=x --set net.client_host=h EXIT 2)
  require("${err}" "^[^\n]*bad.toml:2:9: run.limit must be [^\n]*\nhio ${command}: --set run.limit=x: [^\n]*\n$"
          "${command}: the file's problem and the --set's")
endforeach()
hio(sweep ${WORK}/bad.toml --seeds 1..2 --set run.limit=x EXIT 2)
require("${err}" "^[^\n]*bad.toml:2:9: run.limit must be [^\n]*\nhio sweep: --set run.limit=x: [^\n]*\n$"
        "sweep: the file's problem and the --set's")

# A net.* number that is no TOML number gets the key's words, not toml++'s
# parse error of the text it was written into ("Error while parsing
# key-value pair: expected a comment or whitespace, saw '_'"); an integer
# beyond 64 bits keeps its own message. toml++'s "expected expected" is said
# once, in a file too.
foreach(case "net.segment_bytes_max=1_|net.segment_bytes_max must be an integer >= 1"
        "net.default_link.bandwidth=00|net.default_link.bandwidth must be an integer >= 0"
        "net.default_link.bandwidth=1__0|net.default_link.bandwidth must be an integer >= 0"
        "net.default_link.loss=--1|net.default_link.loss must be a probability in \\[0, 1\\]"
        "net.default_link.loss=+-1|net.default_link.loss must be a probability in \\[0, 1\\]"
        "net.segment_bytes_max=99999999999999999999|= 99999999999999999999 is more than a TOML integer holds")
  string(REPLACE "|" ";" case "${case}")
  list(GET case 0 set)
  list(GET case 1 said)
  hio(check ${udp} --set ${set} EXIT 2)
  require("${err}" "^hio check: --set [^:]+: [^\n]*${said}" "--set ${set}")
  if(err MATCHES "Error while parsing")
    message(FATAL_ERROR "--set ${set}: toml++'s words:\n${err}")
  endif()
endforeach()
file(WRITE ${WORK}/minus.toml "[run]\nlimit = \"1s\"\n[net]\n[net.default_link]\nloss = --1\n")
hio(check ${WORK}/minus.toml EXIT 2)
require("${err}" "minus.toml:5:9: Error while parsing decimal integer: expected digit or sign, saw '-'\n" "loss = --1")

# Many --set are refused at once: the repeated keys are looked for in one
# pass (pairwise, 60,000 took a minute before the first, unknown, was said;
# one pass takes well under a second).
# (seq: a CMake loop appending 60,000 times takes longer than hio did.)
execute_process(COMMAND seq -f "--set;k%.0f=1" 60000 OUTPUT_VARIABLE many)
string(REPLACE "\n" ";" many "${many}")
execute_process(COMMAND ${HIO} check ${SCENARIOS}/quickstart.toml ${many} TIMEOUT 20
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "^hio check: --set k1=1: unknown key")
  message(FATAL_ERROR "60,000 --set: exit ${rc} (2 within 20 s expected)\n${err}")
endif()

# A --set value in TOML quotes is that string, for every command that takes
# --set (xsim27 L3: run.name="q" named the run "q" with its quotes, and
# net.client_host="client" was an unknown host '"client"').
hio(run ${SCENARIOS}/quickstart.toml --set "run.name=\"quoted\"" --set "run.limit='250ms'"
    --record ${WORK}/quoted.hioj EXIT 1)
require("${out}" "^run:       quoted, seed 1, ended: limit\n" "run: a quoted --set value")
hio(check ${SCENARIOS}/udp_request_response.toml --set "net.client_host=\"client\"" EXIT 0)
hio(sweep ${SCENARIOS}/quickstart.toml --seeds 1..1 --set "run.name='swept'"
    --set run.limit=250ms --out ${WORK}/quoted-sweep EXIT 1)
hio(replay ${WORK}/quoted-sweep/seed-1.hioj EXIT 1)
require("${out}" "^replay:    swept, seed 1: identical\n" "sweep: a quoted --set value")
hio(replay ${WORK}/quoted.hioj --set "run.name=\"again\"" EXIT 1)
require("${out}" "^replay:    again, seed 1: " "replay: a quoted --set value")
hio(run ${SCENARIOS}/quickstart.toml --set "run.seed=\"3\"" EXIT 2)
require("${err}" "run.seed takes an integer, not a string: write it without the quotes"
        "a quoted number")
