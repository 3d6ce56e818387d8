# Usage errors about the arguments themselves (docs/scenarios.md, Usage
# errors): an empty path argument is named, as an empty --record is (it said
# ": cannot read the file" with no command, or "cannot open ''"), and an
# argument after `--` is said to be a positional one, with no suggestion of
# the very option typed (it said "-- --json ...; did you mean '--json'?").
include(${CMAKE_CURRENT_LIST_DIR}/cli_support.cmake)

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(udp ${SCENARIOS}/udp_request_response.toml)
hio(run ${udp} --record ${WORK}/a.hioj EXIT 0)

# empty(COMMAND NAME [BEFORE ARGS...] [AFTER ARGS...]): hio COMMAND BEFORE ""
# AFTER exits 2 saying NAME is empty. (CMake drops an empty element of a
# list, so the "" is written out here.)
function(empty command name)
  cmake_parse_arguments(E "" "" "BEFORE;AFTER" ${ARGN})
  execute_process(COMMAND ${HIO} ${command} ${E_BEFORE} "" ${E_AFTER} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "${command} '': exit ${rc}, expected 2\n${err}")
  endif()
  require("${err}" "^hio ${command}: ${name}: the file name is empty; give a file" "${command} ''")
endfunction()
empty(run scenario)
empty(check scenario)
empty(sweep scenario AFTER --seeds 1..2)
empty(replay journal)
empty(inspect journal)
empty(diff expected AFTER ${WORK}/a.hioj)
empty(diff actual BEFORE ${WORK}/a.hioj)
empty(salvage input AFTER ${WORK}/o.hioj)
empty(salvage output BEFORE ${WORK}/a.hioj)

# After --: positional, said so; the option typed is not "suggested".
set(positional "; everything after -- is a positional argument, never an option, and hio run takes 1 \\(scenario\\): put options before --\n")
hio(run -- ${udp} --json EXIT 2)
require("${err}" "^hio run: the following argument was not expected: --json${positional}" "run -- S --json")
hio(run ${udp} -- --json EXIT 2)
require("${err}" "^hio run: the following argument was not expected: --json${positional}" "run S -- --json")
if(err MATCHES "did you mean")
  message(FATAL_ERROR "an option after -- suggested:\n${err}")
endif()
# A misspelt option still gets its suggestion, and an exact one none.
hio(run ${udp} --jsn EXIT 2)
require("${err}" "not expected: --jsn; did you mean '--json'\\?" "run --jsn")

# An unexpected argument is the mistake even when a required one is missing
# because of it (it said "scenario is required", "--seeds is required"). A
# missing positional argument is said with the command's form.
hio(run -zzz EXIT 2)
require("${err}" "^hio run: the following argument was not expected: -zzz; a file whose name starts with - is given as ./NAME, or after -- \\(SCENARIO is missing too\\)\n" "run -zzz")
hio(sweep -- ${udp} --seeds 1..3 EXIT 2)
require("${err}" "^hio sweep: the following arguments were not expected: --seeds 1..3; everything after -- is a positional argument, never an option, and hio sweep takes 1 \\(scenario\\): put options before -- \\(--seeds is required too\\)\n" "sweep -- S --seeds")
hio(sweep ${udp} 3 EXIT 2)
require("${err}" "^hio sweep: the following argument was not expected: 3 \\(--seeds is required too\\)\n" "sweep S 3")
hio(run --sed 3 EXIT 2)
require("${err}" "^hio run: the following argument was not expected: --sed; did you mean '--seed' or '--set'\\?\n" "run --sed 3")
# Nothing missing: as before.
hio(run EXIT 2)
require("${err}" "^hio run: SCENARIO is missing: hio run SCENARIO \\[OPTIONS\\]\n" "run")

# --NAME= (nothing after '=', an unset variable in --record="$OUT") is an
# empty value, as --NAME '' is (it said "1 required FILE missing", or took
# the next word as the value: `run --record= S` said "scenario is required").
hio(replay ${WORK}/a.hioj --record= EXIT 2)
require("${err}" "^hio replay: --record: the file name is empty; give a file\n" "replay --record=")
hio(run --record= ${udp} EXIT 2)
require("${err}" "^hio run: --record: the file name is empty; give a file\n" "run --record= S")
hio(replay ${WORK}/a.hioj --scenario= EXIT 2)
# --scenario takes - too, and says so as the positionals do.
require("${err}" "^hio replay: --scenario: the file name is empty; give a file \\(- for the standard input\\)\n" "replay --scenario=")
hio(sweep ${udp} --seeds 1..2 --out= EXIT 2)
require("${err}" "^hio sweep: --out: the directory name is empty" "sweep --out=")
# After --, a positional like any other.
hio(run -- --record= EXIT 2)
require("${err}" "^--record=: cannot read" "run -- --record=")
# An empty value that is not a file is named as `""` (it was "--limit :
# empty duration", a stray space and nothing to see).
hio(run ${udp} --limit= EXIT 2)
require("${err}" "^hio run: --limit \"\": empty duration; write e.g." "run --limit=")
hio(replay ${WORK}/a.hioj --noise drop=0.1 --overrun= EXIT 2)
require("${err}" "^hio replay: --overrun \"\": empty duration" "replay --overrun=")
hio(inspect ${WORK}/a.hioj --from= EXIT 2)
require("${err}" "^hio inspect: --from \"\": empty duration" "inspect --from=")
hio(sweep ${udp} --seeds 1..2 --jobs= EXIT 2)
require("${err}" "^hio sweep: --jobs: '' is not a whole number from 1 to 256\n$" "sweep --jobs=")
# In the words of every option that takes a whole number (--max, --seed,
# --keep): it said "--jobs abc: must be from 1 to 256".
hio(sweep ${udp} --seeds 1..2 --jobs abc EXIT 2)
require("${err}" "^hio sweep: --jobs: 'abc' is not a whole number from 1 to 256\n$" "sweep --jobs abc")
hio(diff ${WORK}/a.hioj ${WORK}/a.hioj --all --max abc EXIT 2)
require("${err}" "^hio diff: --max: 'abc' is not a whole number from 1 to 1000\n$" "diff --max abc")
hio(sweep ${udp} --seeds 1..2 --shard= EXIT 2)
require("${err}" "^hio sweep: --shard \"\": expected K/N\n$" "sweep --shard=")
# --set= too (it said "--set : expected key=value"), also given twice (not
# "--set  and --set  both set ; give one"), and in sweep and replay.
hio(run ${udp} --set= EXIT 2)
require("${err}" "^hio run: --set \"\": expected key=value\n$" "run --set=")
hio(check ${udp} --set= --set= EXIT 2)
require("${err}" "^hio check: --set \"\": expected key=value\n$" "check --set= --set=")
hio(sweep ${udp} --seeds 1..2 --set= EXIT 2)
require("${err}" "^hio sweep: --set \"\": expected key=value\n$" "sweep --set=")
hio(replay ${WORK}/a.hioj --set= EXIT 2)
require("${err}" "^hio replay: --set \"\": expected key=value\n$" "replay --set=")
# A flag takes no value (it took CLI11's: `--real=false` meant "not given",
# so a file's mode = "real" held and the run was in real time; `--real=2`,
# `--counters=` meant given; `--real=banana` said "Could not convert").
# Refused, the word as written, in every command, whatever the value.
file(WRITE ${WORK}/real.toml "[run]\nmode = \"real\"\nlimit = \"1s\"\n[[doer]]\nkind = \"ticker\"\nname = \"t\"\nperiod = \"100ms\"\ncount = 1\n")
set(no_value "takes no value; give ([-a-z]+) alone to ask for it, or leave it out\nRun with --help")
foreach(case "run;${WORK}/real.toml;--real=false" "run;${udp};--counters=" "run;${udp};--real=banana"
        "check;${udp};--real=no" "run;${udp};--real=true" "sweep;${udp};--seeds;1..2;--force=0"
        "replay;${WORK}/a.hioj;--counters=1" "inspect;${WORK}/a.hioj;--stats=off"
        "inspect;${WORK}/a.hioj;--resync=yes" "diff;${WORK}/a.hioj;${WORK}/a.hioj;--all=false"
        "diff;${WORK}/a.hioj;${WORK}/a.hioj;--ignore-addresses=1"
        "salvage;--resync=1;${WORK}/a.hioj;${WORK}/s.hioj")
  list(GET case 0 command)
  hio(${case} EXIT 2)
  require("${err}" "^hio ${command}: --[-a-z]+=[a-z0-9]*: --[-a-z]+ ${no_value}" "${case}")
endforeach()
if(EXISTS ${WORK}/s.hioj)
  message(FATAL_ERROR "salvage --resync=1 wrote its output")
endif()
# --help too (it printed the help, the value unsaid), with --json its error
# object.
hio(run --help=x EXIT 2)
require("${err}" "^hio run: --help=x: --help ${no_value}" "run --help=x")
hio(check ${udp} --help= --json EXIT 2)
require("${err}" "^hio check: --help=: --help ${no_value}" "check --help= --json")
require("${out}" "^{\"error\": \"hio check: --help=: --help takes no value" "check --help= --json: object")
hio(run --help EXIT 0)
require("${out}" "^run a scenario" "run --help")
# -h, --help's short name, too (-h=x printed the help), and hio's own flags
# before any command: --version=x said CLI11's "Could not convert: --version
# = x", --version= printed the version, --help=x and -h=x were "unknown
# options" that "come after a command".
hio(run -h=x EXIT 2)
require("${err}" "^hio run: -h=x: -h ${no_value}" "run -h=x")
hio(check ${udp} -h= --json EXIT 2)
require("${out}" "^{\"error\": \"hio check: -h=: -h takes no value" "check -h= --json: object")
hio(--version=x EXIT 2)
require("${err}" "^hio: --version=x: --version ${no_value}" "--version=x")
hio(--version= EXIT 2)
require("${err}" "^hio: --version=: --version ${no_value}" "--version=")
hio(--help=x EXIT 2)
require("${err}" "^hio: --help=x: --help ${no_value}" "--help=x")
hio(-h=x EXIT 2)
require("${err}" "^hio: -h=x: -h ${no_value}" "-h=x")
hio(--version EXIT 0)
require("${out}" "^hio [0-9]+\\.[0-9]+\\.[0-9]+\n$" "--version")
hio(-h EXIT 0)
require("${out}" "^hio: deterministic doers" "-h")
# `hio --help COMMAND` is COMMAND's help; a word after it that is no command
# is a usage error (it printed the main help, exit 0, the word unsaid).
hio(--help run EXIT 0)
require("${out}" "^run a scenario" "--help run")
hio(--help x EXIT 2)
require("${err}" "^hio: --help x: unknown command 'x'; the commands are run, [^\n]*; give --help alone, or a command after it for its help \\(hio --help run\\)\n$" "--help x")
hio(-h rnu EXIT 2)
require("${err}" "^hio: -h rnu: unknown command 'rnu'[^\n]*'run'" "-h rnu")
if(NOT out STREQUAL "")
  message(FATAL_ERROR "-h rnu: no help expected:\n${out}")
endif()
# -h with letters after it: CLI11 read `-hx` as `-h -x` and printed the
# help, the rest unsaid (exit 0), as -h=x did.
hio(run -hx EXIT 2)
require("${err}" "^hio run: -hx: -h ${no_value}" "run -hx")
hio(check ${udp} -hjson --json EXIT 2)
require("${out}" "^{\"error\": \"hio check: -hjson: -h takes no value" "check -hjson --json: object")
hio(-hx EXIT 2)
require("${err}" "^hio: -hx: -h ${no_value}" "-hx")
# `--` is no option's value: CLI11 gave it to the option before it (`--set
# --` said "expected key=value"; `--record --` recorded to a file named --).
set(separator ": -- ends the options \\(the words after it are arguments\\), not the")
hio(run ${udp} --set -- EXIT 2)
require("${err}" "^hio run: --set --${separator} KEY=VALUE --set takes: give --set its KEY=VALUE first\n$" "run --set --")
hio(replay ${WORK}/a.hioj --set -- --json EXIT 2)
require("${err}" "^hio replay: --set --${separator} KEY=VALUE --set takes" "replay --set -- --json")
hio(run ${udp} --record -- EXIT 2)
require("${err}" "^hio run: --record --${separator} FILE --record takes: give --record its FILE first \\(a file so named is given as ./--\\)\n$" "run --record --")
# Written with `=`, `--` ends nothing: it is refused as a name, and said so
# (it was said to end the options, which it had not).
hio(run ${udp} --record=-- EXIT 2)
require("${err}" "^hio run: --record=--: -- is the word that ends the options, not a FILE: a file so named is read as that wherever it is given alone \\(hio inspect --, rm --\\); if it is the one meant, give it as --record=./--\n$" "run --record=--")
hio(sweep ${udp} --seeds 1..2 --out=-- EXIT 2)
require("${err}" "^hio sweep: --out=--: -- is the word that ends the options, not a DIR: a directory so named" "sweep --out=--")
hio(run ${udp} --set=-- EXIT 2)
require("${err}" "^hio run: --set=--: -- is the word that ends the options, not a KEY=VALUE; give --set its KEY=VALUE\n$" "run --set=--")
if(EXISTS ${CMAKE_CURRENT_BINARY_DIR}/--)
  message(FATAL_ERROR "a file named -- was written")
endif()
# The first such word is said, also when the parser failed on another.
hio(run ${udp} --json=false --bogus EXIT 2)
require("${err}" "^hio run: --json=false: --json takes no value" "run --json=false --bogus")
# A flag's name taken as another option's value is said as such, as before.
hio(run ${udp} --record --real=1 EXIT 2)
require("${err}" "^hio run: --record --real=1: --real is an option of hio run" "run --record --real=1")
# A short name too (hio's -h): `--record -h` journaled into a file named -h,
# `sweep --out -h` reported into a directory so named, exit 0 both.
file(REMOVE_RECURSE ${CMAKE_CURRENT_BINARY_DIR}/-h)  # the directory the test runs in
hio(run ${udp} --record -h EXIT 2)
require("${err}" "^hio run: --record -h: -h is an option of hio run, not the FILE --record takes: give --record its FILE first \\(a file so named is given as ./-h\\)\n$" "run --record -h")
hio(sweep ${udp} --seeds 1..2 --out -h EXIT 2)
require("${err}" "^hio sweep: --out -h: -h is an option of hio sweep, not the DIR --out takes" "sweep --out -h")
# Written with `=`, no FILE was forgotten: said as written, with the
# spelling that names such a file (it quoted `--record -h`, and "give
# --record its FILE first"; rev22 finding F20). Long names alike.
hio(run ${udp} --record=-h EXIT 2)
require("${err}" "^hio run: --record=-h: -h is an option of hio run, not the FILE --record takes: if a file so named is the one meant, give it as --record=./-h\n$" "run --record=-h")
hio(run ${udp} --record=--json EXIT 2)
require("${err}" "^hio run: --record=--json: --json is an option of hio run, not the FILE --record takes: if a file so named" "run --record=--json")
hio(sweep ${udp} --seeds 1..2 --out=-h EXIT 2)
require("${err}" "^hio sweep: --out=-h: -h is an option of hio sweep, not the DIR --out takes: if a directory so named is the one meant, give it as --out=./-h\n$" "sweep --out=-h")
hio(run ${udp} --set=--seed=3 EXIT 2)
require("${err}" "^hio run: --set=--seed=3: --seed is an option of hio run, not the KEY=VALUE --set takes; give --set its KEY=VALUE\n$" "run --set=--seed=3")
if(EXISTS ${CMAKE_CURRENT_BINARY_DIR}/-h OR EXISTS ${WORK}/-h)
  message(FATAL_ERROR "--record -h or --out -h wrote -h")
endif()

# CLI11's own words, said in hio's: no command, an option with no value after
# it, a positional argument missing.
hio(EXIT 2)
require("${err}" "^hio: a command is needed: hio COMMAND \\[ARGS\\]; the commands are run, replay, " "hio")
hio(run ${udp} --seed EXIT 2)
require("${err}" "^hio run: --seed needs a value \\(N\\); none was given\n" "run S --seed")
hio(check ${udp} --set EXIT 2)
require("${err}" "^hio check: --set needs a value \\(KEY=VALUE\\); none was given\n" "check S --set")
hio(diff ${WORK}/a.hioj EXIT 2)
require("${err}" "^hio diff: ACTUAL is missing: hio diff EXPECTED ACTUAL \\[OPTIONS\\]\n" "diff A")
hio(diff EXIT 2)
require("${err}" "^hio diff: EXPECTED and ACTUAL are missing: hio diff EXPECTED ACTUAL \\[OPTIONS\\]\n" "diff")
hio(replay EXIT 2)
require("${err}" "^hio replay: JOURNAL is missing: hio replay JOURNAL \\[OPTIONS\\]\n" "replay")

# A word taken as the positional argument, the file after it unexpected: the
# word is the mistake (it said "not expected: x.toml", the right file).
hio(check --set run.limit=2s run.name=x ${udp} EXIT 2)
require("${err}" "^hio check: run.name=x was taken as the scenario FILE, and [^\n]*udp_request_response.toml was not expected: --set takes one KEY=VALUE; give --set again for each\n" "check --set a b S")
hio(inspect --kind rx tx ${WORK}/a.hioj EXIT 2)
require("${err}" "^hio inspect: tx was taken as the journal FILE, and [^\n]*a.hioj was not expected: --kind takes one KIND; give --kind again for each\n" "inspect --kind rx tx J")
# Not after a repeatable option (--seed takes one value, once): as before.
hio(run --seed 3 x ${udp} EXIT 2)
require("${err}" "^hio run: the following argument was not expected: [^\n]*udp_request_response.toml\n" "run --seed 3 x S")

# A --set with a blank at an edge is quoted, its key too (it read as
# "--set  run.limit=1s: unknown key; did you mean 'run.limit'?").
hio(check ${udp} "--set= run.limit=1s" EXIT 2)
require("${err}" "^hio check: --set \" run.limit=1s\": unknown key \" run.limit\"; did you mean 'run.limit'\\?" "--set ' run.limit=1s'")
hio(check ${udp} "--set=run.limit=1s " EXIT 2)
require("${err}" "^hio check: --set \"run.limit=1s \": " "--set 'run.limit=1s '")

# --shard with a second '/': K/N expected (it said "'2/3' is not a whole number").
hio(sweep ${udp} --seeds 1..3 --shard 1/2/3 EXIT 2)
require("${err}" "^hio sweep: --shard 1/2/3: expected K/N \\(one /\\)\n$" "sweep --shard 1/2/3")
