#!/bin/sh
# hio run --record with a stderr whose reader has gone (`2>&1 >/dev/null |
# true`, a tee or log collector that died): a failed write to stderr loses
# the message only. The capture goes on, exits as it would have, and its
# journal is whole (it used to die of SIGPIPE at its first stderr line, exit
# 141, leaving a 0-byte journal in place of an earlier one). And a run killed
# before its first pass (here: blocked writing to a full stderr pipe, then
# SIGKILL) leaves an earlier journal as it was: the journal takes FILE's name
# only once its header is on disk.
# Usage: cli_stderr_gone.sh HIO SCENARIOS WORK
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 SCENARIOS=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
cd "$WORK" || exit 1
fail() { echo "$1"; cat "$2" 2> /dev/null; exit 1; }
real=$SCENARIOS/tcp_loopback_real.toml
# Its 2 s are not what these runs are about: 1 s is long enough for its
# clients to finish (bob's 5 messages, 100 ms apart), so it passes as before.
short=--limit=1s

"$HIO" run "$SCENARIOS/quickstart.toml" --record earlier.hioj > /dev/null 2>&1 ||
  fail "recording earlier.hioj" /dev/null

# A pipe with no reader on stderr: every write to it fails with EPIPE. (The
# FIFO is opened read-write to get a writer without blocking, then the
# read-write descriptor is closed: only the writer, 5, is left.)
mkfifo gone.fifo || exit 1
exec 4<> gone.fifo 5> gone.fifo 4<&-
cp earlier.hioj run.hioj
"$HIO" run "$real" $short --record run.hioj > run.out 2>&5
rc=$?
[ $rc -eq 0 ] || fail "run with stderr's reader gone: exit $rc, expected 0" run.out
"$HIO" inspect run.hioj > run.txt 2>&1 || fail "run with stderr's reader gone: bad journal" run.txt
grep -q "^trailer passes=.* end=" run.txt || fail "run with stderr's reader gone: no trailer" run.txt
grep -q "^journal:   run.hioj" run.out || fail "run with stderr's reader gone: no summary" run.out
# The same with SIGPIPE ignored by the parent.
(trap '' PIPE && exec "$HIO" run "$real" $short --record ign.hioj > ign.out 2>&5)
rc=$?
[ $rc -eq 0 ] || fail "run with stderr's reader gone, SIGPIPE ignored: exit $rc" ign.out
"$HIO" inspect ign.hioj > ign.txt 2>&1 || fail "SIGPIPE ignored: bad journal" ign.txt
exec 5>&-

# A run stopped before its first pass: its first stderr line (the listener's
# port) blocks on a full pipe, then SIGKILL, once hio is seen in that write.
# run.hioj is still the earlier journal (it used to be an empty file by then).
mkfifo full.fifo || exit 1
exec 6<> full.fifo
head -c 65536 /dev/zero >&6  # the pipe's capacity: no room left
cp earlier.hioj killed.hioj
"$HIO" run "$real" --record killed.hioj > /dev/null 2>&6 &
pid=$!
await_or_fail 10 $pid "its write to the full stderr" writes_to $pid 2
kill -9 $pid 2> /dev/null
wait $pid 2> /dev/null
exec 6<&-
cmp -s earlier.hioj killed.hioj || {
  echo "a run killed before its first pass changed killed.hioj:"
  ls -l killed.hioj
  "$HIO" inspect killed.hioj 2>&1 | tail -1
  exit 1
}
echo ok
