#!/bin/sh
# An output file that is hio's own stdout or stderr under another name
# (/dev/stdout, /proc/self/fd/2, the file stdout is redirected to) is refused
# as `--record -` is, exit 2, before anything runs: run --record, replay
# --record and salvage's OUT. (They used to mix the journal into the summary,
# or replace the file stdout wrote to, losing the summary.) /dev/null as both
# is no problem.
# Usage: cli_record_stdout.sh HIO SCENARIOS WORK
set -u
HIO=$1 SCENARIOS=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
cd "$WORK" || exit 1
fail() { echo "$1"; cat "$2" 2> /dev/null; exit 1; }
quick=$SCENARIOS/quickstart.toml
"$HIO" run "$quick" --record quick.hioj > /dev/null 2>&1 || fail "recording quick.hioj" /dev/null

# refused NAME WANT COMMAND...: COMMAND (with its redirections done by the
# caller through NAME.out / NAME.err) exits 2 and says WANT on stderr.
refused() {
  name=$1 want=$2 rc=$3
  [ "$rc" -eq 2 ] || fail "$name: exit $rc, expected 2" "$name.err"
  grep -qF "$want" "$name.err" || fail "$name: not said: $want" "$name.err"
}
out_msg="is hio's standard output (the same file), which carries the summary, not the journal"
err_msg="is hio's standard error (the same file), which carries hio's messages"

# stdout a pipe.
{ "$HIO" run "$quick" --record /dev/stdout 2> pipe.err; echo $? > pipe.rc; } | cat > pipe.out
refused pipe "hio run: --record /dev/stdout $out_msg" "$(cat pipe.rc)"
# It is a pipe: the advice is another one (it used to say "or a pipe").
grep -qF "$out_msg; give another file name, or a pipe other than hio's standard output" pipe.err ||
  fail "--record /dev/stdout to a pipe: advice" pipe.err
[ -s pipe.out ] && fail "--record /dev/stdout to a pipe: something written" pipe.out
# stdout a file: the file is not replaced by the journal.
echo before > file.out
"$HIO" run "$quick" --record /dev/stdout >> file.out 2> file.err
refused file "hio run: --record /dev/stdout $out_msg" $?
[ "$(cat file.out)" = before ] || fail "--record /dev/stdout > file: file.out changed" file.out
"$HIO" run "$quick" --record /proc/self/fd/1 > fd1.out 2> fd1.err
refused fd1 "$out_msg" $?
"$HIO" run "$quick" --record same.out > same.out 2> same.err
refused same "hio run: --record same.out $out_msg" $?
"$HIO" run "$quick" --record /dev/stderr > stderr.out 2> stderr.err
refused stderr "hio run: --record /dev/stderr $err_msg" $?
"$HIO" replay quick.hioj --record /dev/stdout > replay.out 2> replay.err
refused replay "hio replay: --record /dev/stdout $out_msg" $?
"$HIO" salvage quick.hioj /dev/stdout > salvage.out 2> salvage.err
refused salvage "hio salvage: /dev/stdout $out_msg" $?
[ -s salvage.out ] && fail "salvage to /dev/stdout: something written" salvage.out

# /dev/null as both: written and gone, nothing mixed.
"$HIO" run "$quick" --record /dev/stdout > /dev/null 2> null.err ||
  fail "--record /dev/stdout > /dev/null: exit $?" null.err
echo ok
