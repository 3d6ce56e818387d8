#!/bin/sh
# The 16 MiB bound of a scenario holds for the text after --set (and --limit,
# --real) too: hio run writes that text into the journal's header, and
# hio replay refuses a larger one. A file of exactly 16 MiB is a scenario;
# a --set that makes its text longer is refused before the run, exit 2, by
# hio check and hio run alike, and hio run records nothing.
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
echo ok
