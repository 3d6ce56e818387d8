#!/bin/sh
# A program embedding run_cli (hio-custom-kind, copied as my-hio) calls
# itself by its own name in its usage, help and messages: its users' scenarios
# and journals hold kinds the stock hio refuses, so "(hio --help)" or "hio
# run: ..." sent them to the wrong program. Unfixed, every one said hio (only
# a sweep's rerun lines said ./my-hio; xdoc20 finding 2).
# Usage: cli_program_name.sh CUSTOM_BIN SCENARIOS WORK
set -u
CUSTOM=$1 SCENARIOS=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
fail() { echo "$1"; cat "$2" 2> /dev/null; exit 1; }
cp "$CUSTOM" my-hio || exit 1
./my-hio run --help > usage.out 2>&1 || fail "run --help: exit $?" usage.out
grep -q "^Usage: my-hio run \[OPTIONS\] scenario" usage.out || fail "run --help: not my-hio's usage" usage.out
./my-hio --help > help.out 2>&1 || fail "--help: exit $?" help.out
grep -q "^  my-hio run scenarios/quickstart.toml$" help.out || fail "--help: examples not my-hio's" help.out
grep -E '(^|[ (`])hio [a-z-]' help.out && fail "--help still names hio's commands" help.out
./my-hio rnu x > unknown.out 2>&1
[ $? -eq 2 ] || fail "unknown command: exit not 2" unknown.out
grep -qx "my-hio: unknown command 'rnu'; did you mean 'run'? The commands are run, replay, inspect, diff, salvage, check, sweep (my-hio --help)" unknown.out ||
  fail "unknown command: not said as my-hio" unknown.out
./my-hio run "$SCENARIOS/quickstart.toml" --sed 3 > extra.out 2>&1
[ $? -eq 2 ] || fail "unknown option: exit not 2" extra.out
grep -q "^my-hio run: the following arguments were not expected: --sed 3" extra.out ||
  fail "unknown option: not said as my-hio" extra.out
./my-hio inspect "$SCENARIOS/quickstart.toml" > text.out 2>&1
[ $? -eq 2 ] || fail "inspect of a scenario: exit not 2" text.out
grep -q "is text, not a journal: a scenario is run with my-hio run" text.out ||
  fail "inspect of a scenario: not my-hio's commands" text.out
./my-hio --help > /dev/full 2> full.out
[ $? -eq 4 ] || fail "--help > /dev/full: exit not 4" full.out
grep -qx "my-hio: cannot write the output (stdout): No space left on device" full.out ||
  fail "--help > /dev/full: not said as my-hio" full.out
# The library's messages that name a command name the program's too (a run's
# channel errors, a journal given to run, a --set net.* given to replay): the
# stock hio replays no journal of kinds it lacks (they said hio).
printf '[run]\nmode = "real"\nlimit = "200ms"\n[[doer]]\nkind = "echo_client"\nname = "c"\naddress = "tcp://127.0.0.1:1"\nmessages = 1\nsize = 1\n' > refused.toml
./my-hio run refused.toml --record r.hioj > refused.out 2>&1 || fail "refused connect: exit $?" refused.out
grep -q "; my-hio inspect r.hioj --kind error lists them$" refused.out ||
  fail "channel errors: not my-hio's inspect" refused.out
./my-hio run r.hioj > journal.out 2>&1
[ $? -eq 2 ] || fail "run of a journal: exit not 2" journal.out
grep -q "(use my-hio replay / my-hio inspect)$" journal.out || fail "run of a journal: not my-hio's commands" journal.out
./my-hio run "$SCENARIOS/udp_request_response.toml" --record u.hioj > u.out 2>&1 || fail "udp run: exit $?" u.out
./my-hio replay u.hioj --set net.stall_timeout=1s > net.out 2>&1
[ $? -eq 2 ] || fail "replay --set net.*: exit not 2" net.out
grep -q "run the scenario: my-hio run FILE --set net.stall_timeout=1s$" net.out ||
  fail "replay --set net.*: not my-hio's run" net.out
# And those of the loader and of sweep --force (they said hio until session 22).
printf '[run]\nlimit = "1s"\n[[doer]]\nkind = "ticker"\nname = "2"\ncount = 1\n' > digits.toml
./my-hio check digits.toml > digits.out 2>&1
[ $? -eq 2 ] || fail "doer named 2: exit not 2" digits.out
grep -q "reads as a channel id (my-hio inspect --channel 2 selects channel #2)" digits.out ||
  fail "doer named 2: not my-hio's inspect" digits.out
mkdir theirs && echo '{}' > theirs/report.json
./my-hio sweep "$SCENARIOS/quickstart.toml" --seeds 1..1 --out theirs --force > theirs.out 2>&1
[ $? -eq 2 ] || fail "sweep --force over another's report: exit not 2" theirs.out
grep -q "is not a report of my-hio sweep (or is cut short)" theirs.out ||
  fail "sweep --force: not my-hio's sweep" theirs.out
exit 0
