#!/bin/sh
# hio replay touches no real device path a journal names: a journal whose
# scenario says serial:///<path> (edited in: journal-edit) is replayed with
# no stat, readlink or open of that path or its directories (strace). Before
# session 15 the build's device claim resolved it (weakly_canonical): on an
# autofs /net/host/... that mounts a remote export, on a stale NFS mount it
# hangs. Usage: cli_replay_no_device.sh HIO EDIT SCENARIOS WORK (exit 77:
# skipped without strace, or where it may not trace).
set -u
HIO=$1 EDIT=$2 SCENARIOS=$3 WORK=$4
command -v strace > /dev/null || { echo "no strace: skipped"; exit 77; }
strace -f -o /dev/null true 2> /dev/null || { echo "strace may not trace here: skipped"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
fail() { echo "$1"; [ $# -lt 2 ] || cat "$2"; exit 1; }
"$HIO" run "$SCENARIOS/serial_slow_line.toml" --record ser.hioj > run.out 2>&1 || fail "record: exit $?" run.out
device="serial://$PWD/never-looked-at/dev/ttyX?baud=300"
"$EDIT" scenario ser.hioj a.hioj 'sim-serial://ttyB?baud=300' "$device" > e1.out 2>&1 || fail "edit scenario" e1.out
"$EDIT" addresses a.hioj b.hioj 'sim-serial://ttyB?baud=300' "$device" > e2.out 2>&1 || fail "edit addresses" e2.out
strace -f -e trace=%file -o replay.trace "$HIO" replay b.hioj > replay.out 2>&1
grep -q 'b\.hioj' replay.trace || fail "the trace shows no replay" replay.out
if grep -q 'never-looked-at' replay.trace; then
  grep 'never-looked-at' replay.trace | head -5
  fail "hio replay looked at the device path" replay.out
fi
echo ok
