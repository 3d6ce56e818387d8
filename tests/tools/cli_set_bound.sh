#!/bin/sh
# The 16 MiB bound of a scenario holds for the text after --set (and --limit,
# --real) too: hio run writes that text into the journal's header, and
# hio replay refuses a larger one. A file of exactly 16 MiB is a scenario;
# a --set that makes its text longer is refused before the run, exit 2, by
# hio check, hio run and hio replay alike, and nothing is recorded.
# Usage: cli_set_bound.sh HIO WORK
set -u
HIO=$1 WORK=$2
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
fail() { echo "$1"; cut -c1-300 out err 2> /dev/null; exit 1; }

printf '[run]\nlimit = "10ms"\n[[doer]]\nkind = "ticker"\nname = "a"\n#' > big.toml
have=$(wc -c < big.toml)
# Up to 16 MiB with the comment's x's and the final newline.
head -c $((16 * 1024 * 1024 - have - 1)) /dev/zero | tr '\0' x >> big.toml
printf '\n' >> big.toml
[ "$(wc -c < big.toml)" -eq 16777216 ] || fail "big.toml is not 16 MiB"

"$HIO" check big.toml > out 2> err || fail "check of a 16 MiB scenario: exit $?"
words="big.toml: larger than 16 MiB once --set is applied: not a scenario file"
"$HIO" run big.toml --set run.name='"aaaaaaaaaaaaaaaaaaaa"' --record big.hioj > out 2> err
[ $? -eq 2 ] || fail "run --set beyond 16 MiB: not exit 2"
grep -q "$words" err || fail "run --set beyond 16 MiB: not said as expected"
[ ! -e big.hioj ] || fail "run --set beyond 16 MiB recorded a journal"
"$HIO" check big.toml --set run.name='"aaaaaaaaaaaaaaaaaaaa"' > out 2> err
[ $? -eq 2 ] || fail "check --set beyond 16 MiB: not exit 2"
grep -q "$words" err || fail "check --set beyond 16 MiB: not said as expected"
"$HIO" run big.toml --limit 12.345s > out 2> err
[ $? -eq 2 ] || fail "run --limit beyond 16 MiB: not exit 2"
grep -q "$words" err || fail "run --limit beyond 16 MiB: not said as expected"

# hio replay --set writes into the journal's scenario (or --scenario FILE's)
# as hio run does, and its --record journal holds that text: the same bound,
# message and exit code, before the replay, with no journal (the replay
# ran, and recorded what no replay reads).
"$HIO" run big.toml --record rec.hioj > out 2> err || fail "run --record of a 16 MiB scenario: exit $?"
name='run.name="aaaaaaaaaaaaaaaaaaaa"'
"$HIO" replay rec.hioj --set "$name" --record again.hioj > out 2> err
[ $? -eq 2 ] || fail "replay --set beyond 16 MiB: not exit 2"
grep -q "rec.hioj:scenario: larger than 16 MiB once --set is applied: not a scenario file" err ||
  fail "replay --set beyond 16 MiB: not said as expected"
[ ! -e again.hioj ] || fail "replay --set beyond 16 MiB recorded a journal"
"$HIO" replay rec.hioj --scenario big.toml --set "$name" > out 2> err
[ $? -eq 2 ] || fail "replay --scenario --set beyond 16 MiB: not exit 2"
grep -q "$words" err || fail "replay --scenario --set beyond 16 MiB: not said as expected"
"$HIO" replay rec.hioj --noise drop=0.5 --seeds 1..2 --set "$name" > out 2> err
[ $? -eq 2 ] || fail "replay --seeds --set beyond 16 MiB: not exit 2"
grep -q "rec.hioj:scenario: larger than 16 MiB once --set is applied" err ||
  fail "replay --seeds --set beyond 16 MiB: not said as expected"
# Within the bound, the journal's own text replays as it did.
"$HIO" replay rec.hioj > out 2> err || fail "replay of the 16 MiB scenario's journal: exit $?"
echo ok
