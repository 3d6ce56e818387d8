#!/bin/sh
# hio run --record of a real capture whose peer leaves an echo_server with
# more unsent tx than one journal frame may hold (a close event whose
# discarded bytes exceed 64 MiB): the run ends normally with its summary, the
# journal is complete (the event in pieces), and its replay is identical.
# A peer outside the run (python3) sends 100 MB, never reads, and closes.
# Loopback only; every wait is bounded. Exit 77 (skipped) without python3.
# Once the server has closed its remote (its socket gone from hio's
# descriptors: the close is journaled in that pass), the run is ended with
# SIGUSR1 (a clean stop, exit 0): its limit, 60 s, is only a bound.
# Usage: cli_large_event.sh HIO WORK
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 WORK=$2
command -v python3 > /dev/null 2>&1 || { echo "no python3: skipped"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
fail() { echo "$1"; cat run.out run.err inspect.out replay.out peer.out 2> /dev/null | cut -c1-300; exit 1; }

cat > big.toml << 'TOML'
[run]
mode = "real"
tock = "10ms"
limit = "60s"
[[doer]]
kind = "echo_server"
name = "srv"
address = "tcp://127.0.0.1:0"
tx_bytes_max = 268435456
rx_bytes_max = 16777216
TOML
"$HIO" run big.toml --record big.hioj > run.out 2> run.err &
pid=$!
i=0
while ! grep -q "listens on" run.err 2> /dev/null && [ $i -lt $(($(scaled 10) * 20)) ]; do sleep 0.05; i=$((i + 1)); done
port=$(sed -n 's|^hio run: srv listens on tcp://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' run.err | head -n 1)
if [ -z "$port" ]; then
  kill -TERM $pid; wait $pid
  fail "no 'hio run: srv listens on tcp://127.0.0.1:PORT' on stderr"
fi
# The peer holds its socket open after its sends until the test has seen
# hio hold the connection (the file go.peer, made then): a close before hio
# accepted would leave hio's listener alone, which the close's sign below
# (hio's sockets down to one) cannot tell from the close itself.
python3 - "$port" "$(scaled 4)" "$(scaled 60)" > peer.out 2>&1 << 'PY' &
import os, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(int(sys.argv[2]))
chunk = b"y" * (1 << 20)
sent = 0
try:
    while sent < (100 << 20):
        s.sendall(chunk)
        sent += len(chunk)
except OSError as e:
    print("send stopped:", e)
print("sent", sent)
for _ in range(int(sys.argv[3]) * 20):
    if os.path.exists("go.peer"):
        break
    time.sleep(0.05)
s.close()  # unread echoes: a reset, the server's remote close
PY
peer=$!
# sockets_of PID: how many sockets PID holds.
sockets_of() { ls -l "/proc/$1/fd" 2> /dev/null | grep -c 'socket:'; }
# sockets_at_least PID N, sockets_at_most PID N: PID holds N sockets or more
# (the listener and the accepted remote), or N or fewer (the listener alone:
# the remote closed).
sockets_at_least() { [ "$(sockets_of "$1")" -ge "$2" ]; }
sockets_at_most() { [ "$(sockets_of "$1")" -le "$2" ]; }
await_or_fail 30 $pid "the accept of its remote" sockets_at_least $pid 2
touch go.peer
wait $peer
await_or_fail 30 $pid "the close of its remote" sockets_at_most $pid 1
await_or_fail 10 $pid "its SIGUSR1 handler" catches "$HIO" $pid 0x200
kill -USR1 $pid
wait $pid
rc=$?
[ $rc -eq 0 ] || fail "hio run exit $rc, expected 0"
grep -q '^journal: *big.hioj' run.out || fail "no summary naming the journal"
grep -q '^run: .*ended: stopped (SIGUSR1)$' run.out || fail "the run did not end by the SIGUSR1"
discarded=$("$HIO" inspect big.hioj --stats 2> /dev/null | sed -n 's/^stats total .* discarded_bytes=\([0-9]*\).*$/\1/p')
[ "${discarded:-0}" -gt 67108864 ] || fail "discarded bytes ${discarded:-none}: the peer did not leave more than a frame's limit unsent"
"$HIO" inspect big.hioj > inspect.out 2>&1
rc=$?
[ $rc -eq 0 ] || fail "hio inspect exit $rc, expected 0 (a complete journal)"
"$HIO" replay big.hioj > replay.out 2>&1
rc=$?
[ $rc -eq 0 ] || fail "hio replay exit $rc, expected 0 (identical)"
# salvage counts every frame of the event in pieces among the frames it kept,
# as the trailer does (not the joined event once).
frames=$(sed -n 's/^trailer .* frames=\([0-9]*\) .*$/\1/p' inspect.out)
"$HIO" salvage big.hioj saved.hioj > salvage.out 2>&1 || fail "hio salvage failed"
grep -q "^kept: *${frames:-none} pass frames," salvage.out ||
  fail "salvage did not keep the trailer's ${frames:-none} frames: $(head -n 1 salvage.out)"
echo "ok: $discarded discarded bytes recorded and replayed"
