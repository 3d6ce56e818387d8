#!/bin/sh
# A sweep's check touches no peer: hio sweep (and hio check) build the
# scenario once before any seed runs, and that build connected every real
# client - a peer that takes one connection then got the check's, and seed 1
# found it gone. Here a one-shot echo peer (python3, loopback) accepts one
# client, closes its listener, echoes what it reads and says how many bytes
# that was; hio check, then a real-time sweep of one seed, must leave it for
# seed 1, which passes (its one message echoed). Unfixed, the check's
# connection was the one accepted (0 bytes), and seed 1 failed.
# Loopback only; every wait is bounded. Exit 77 (skipped) without python3.
# Usage: cli_sweep_one_shot.sh HIO WORK
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 WORK=$2
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
fail() { echo "$1"; cat out err peer.out 2> /dev/null | cut -c1-300; exit 1; }
command -v python3 > /dev/null 2>&1 || { echo "no python3: skipped"; exit 77; }

rm -f port
python3 - > peer.out 2>&1 << 'PY' &
import os, socket
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(8)
with open("port.tmp", "w") as f:
    f.write(str(l.getsockname()[1]))
os.rename("port.tmp", "port")
l.settimeout(20)
s, _ = l.accept()
l.close()  # one shot: later connects are refused
s.settimeout(10)
n = 0
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        n += len(d)
        s.sendall(d)
except (ConnectionResetError, socket.timeout):
    pass
print(n)
PY
peer_pid=$!
await_file port $peer_pid "the peer did not listen"

cat > one.toml << TOML
[run]
mode = "real"
tock = "10ms"
limit = "3s"
[[doer]]
kind = "echo_client"
name = "c"
address = "tcp://127.0.0.1:$(cat port)"
messages = 1
size = 100
[[expect]]
final = "c.echoed == 1"
TOML

"$HIO" check one.toml > out 2> err || { kill $peer_pid; fail "hio check: exit $?"; }
"$HIO" sweep one.toml --seeds 1..1 > out 2> err
rc=$?
i=0
while kill -0 $peer_pid 2> /dev/null && [ $i -lt $(($(scaled 10) * 20)) ]; do sleep 0.05; i=$((i + 1)); done
kill $peer_pid 2> /dev/null
wait $peer_pid
[ "$(cat peer.out)" = "100" ] || fail "the peer echoed '$(cat peer.out)' bytes on the connection it took, expected seed 1's 100"
[ $rc -eq 0 ] || fail "hio sweep: exit $rc, expected 0 (seed 1 connected and passed)"
grep -qx "1 of 1 seed passed" out || fail "hio sweep: seed 1 did not pass"
echo ok
