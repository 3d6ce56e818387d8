#!/bin/sh
# hio run says where a listener on port 0 listens: a line on stderr once the
# tree is built, before the first pass, and "listening" in --json. A peer
# outside the run (a second hio, an echo_client) reads the line, connects
# there and gets its bytes echoed. While the run holds that port, hio sweep
# of a scenario listening there too warns once, before its seeds, that it is
# in use (as hio check does). Loopback only; every wait is bounded.
# Usage: cli_listening.sh HIO WORK
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 WORK=$2
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
fail() { echo "$1"; cat server.out server.err client.out client.err 2> /dev/null; exit 1; }

# Stopped by SIGTERM once the client is done; the limit only bounds the test.
cat > server.toml << 'TOML'
[run]
mode = "real"
tock = "10ms"
limit = "60s"
[[doer]]
kind = "echo_server"
name = "srv"
address = "tcp://127.0.0.1:0"
[[expect]]
condition = "srv.accepted == 1"
by = "60s"
TOML
"$HIO" run server.toml --json > server.out 2> server.err &
pid=$!
i=0
while ! grep -q "listens on" server.err 2> /dev/null && [ $i -lt $(($(scaled 10) * 20)) ]; do sleep 0.05; i=$((i + 1)); done
line=$(head -n 1 server.err)
port=$(echo "$line" | sed -n 's|^hio run: srv listens on tcp://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p')
if [ -z "$port" ] || [ "$port" -eq 0 ]; then
  kill -TERM $pid; wait $pid
  fail "no 'hio run: srv listens on tcp://127.0.0.1:PORT' first on stderr"
fi

cat > client.toml << TOML
[run]
mode = "real"
tock = "10ms"
limit = "20s"
[[doer]]
kind = "echo_client"
name = "c"
address = "tcp://127.0.0.1:$port"
messages = 5
size = 100
[[expect]]
final = "c.echoed == 5"
[[expect]]
final = "c.mismatches == 0"
TOML
"$HIO" run client.toml > client.out 2> client.err
rc=$?

# While srv holds the port, a scenario that listens there too: hio sweep
# (which builds it once first, as hio check does) warns once, before its
# seeds run, that the port is in use.
cat > taken.toml << TOML
[run]
mode = "real"
limit = "50ms"
[[doer]]
kind = "echo_server"
name = "again"
address = "tcp://127.0.0.1:$port"
TOML
"$HIO" sweep taken.toml --seeds 1..2 > sweep.out 2> sweep.err
swept=$?
kill -TERM $pid
wait $pid
src=$?
[ $rc -eq 0 ] || fail "client: exit $rc, expected 0 (its bytes echoed)"
# A loaded machine may make a real-time run fall behind: that warning is not
# what these checks are about, so it is left out of them.
behind='fell behind real time'
grep -v "$behind" client.err | grep -q . && fail "client: stderr not empty (a client listens nowhere)"
[ $src -eq 143 ] || fail "server: exit $src, expected 143 (SIGTERM)"
grep -qF "\"listening\": [{\"doer\": \"srv\", \"address\": \"tcp://127.0.0.1:$port\"}]" server.out ||
  fail "server: --json has no \"listening\" with port $port"
grep -qF '"passed": true' server.out || fail "server: srv.accepted never reached 1"
[ "$(grep -c "listens on" server.err)" -eq 1 ] || fail "server: said where it listens more than once"
[ $swept -eq 0 ] || fail "sweep: exit $swept, expected 0"
grep -q "^hio sweep: warning: again (listener tcp://127.0.0.1:$port) failed while the doers were built: .*in use$" sweep.err &&
  [ "$(grep -vc "$behind" sweep.err)" -eq 1 ] || { cat sweep.out sweep.err; fail "sweep: not one warning that the port is in use"; }
echo ok
