#!/bin/sh
# close_linger, the scenario key: hio check refuses its mistakes at the key
# (file:line:col, exit 2); hio run applies it. A peer outside the run
# (python3) listens, never reads, and sends an echo_client a wrong 16 MiB
# echo: the client is done (a mismatch) and closes while its 16 MiB message
# is still being written. With close_linger = "100ms" the connection is reset
# soon after, while the run goes on (a ticker keeps it alive, stopped by
# SIGTERM once the peer saw the reset); with the default 10 s, the peer,
# which waits 6 s after its echo is sent, would see no reset. The run's
# limit (60 s) is only a bound: SIGTERM ends it, however long the 16 MiB
# exchange takes on a loaded machine.
# Loopback only; every wait is bounded. Exit 77 (skipped) without python3.
# Usage: cli_close_linger.sh HIO WORK
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 WORK=$2
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
fail() { echo "$1"; cat check.err run.out run.err peer.out 2> /dev/null | cut -c1-300; exit 1; }

# ---- mistakes, each at its key ---------------------------------------------
# check_error KEY_LINE ADDRESS EXPECTED: `hio check` of a scenario whose
# echo_client has KEY_LINE (at line 7) fails with exit 2 and EXPECTED.
check_error() {
  cat > bad.toml << TOML
[run]
mode = "real"
[[doer]]
kind = "echo_client"
name = "c"
address = "$2"
$1
TOML
  "$HIO" check bad.toml > /dev/null 2> check.err
  rc=$?
  [ $rc -eq 2 ] || fail "check with '$1': exit $rc, expected 2"
  grep -qF "$3" check.err || fail "check with '$1': no '$3'"
}
check_error 'close_linger = "-1s"' "tcp://127.0.0.1:9" "bad.toml:7:16: "
check_error 'close_linger = "2"' "tcp://127.0.0.1:9" "bad.toml:7:16: "
check_error 'close_linger = 5' "tcp://127.0.0.1:9" "bad.toml:7:16: "
check_error 'close_lingr = "1s"' "tcp://127.0.0.1:9" "did you mean 'close_linger'?"
cat > sim.toml << 'TOML'
[net]
hosts = ["a", "b"]
[[doer]]
kind = "echo_server"
name = "s"
address = "sim://a:7"
close_linger = "1s"
TOML
"$HIO" check sim.toml > /dev/null 2> check.err
rc=$?
[ $rc -eq 2 ] || fail "check of a sim:// close_linger: exit $rc, expected 2"
grep -qF "sim.toml:7:16: cannot build doer 's': close_linger applies to tcp:// and tls:// addresses only" check.err ||
  fail "check of a sim:// close_linger: not refused at its value"
# The default, and "0" (no bound), are fine anywhere.
sed -i 's/close_linger = "1s"/close_linger = "10s"/' sim.toml
"$HIO" check sim.toml > /dev/null 2> check.err || fail "check of the default on sim:// refused"

# ---- hio run applies it -----------------------------------------------------
command -v python3 > /dev/null 2>&1 || { echo "no python3: the run skipped"; exit 77; }
slow_peer > peer.out 2>&1 << 'PY' &
s.settimeout(30)
s.sendall(b"\xff" * (16 << 20))  # the client reads it all: one wrong echo
await_closed(6)  # well before the default linger's 10 s
s.setblocking(False)
end = "open"
for _ in range(100000):  # what arrived, then how it ended
    try:
        if not s.recv(65536):
            end = "fin"
            break
    except ConnectionResetError:
        end = "reset"
        break
    except BlockingIOError:
        break
print(end)
PY
peer=$!
await_file port $peer "the peer did not listen"
cat > run.toml << TOML
[run]
mode = "real"
tock = "10ms"
limit = "60s"
[[doer]]
kind = "echo_client"
name = "c"
address = "tcp://127.0.0.1:$(cat port)"
messages = 1
size = 16777216
close_linger = "100ms"
[[doer]]
kind = "ticker"
name = "alive"
TOML
"$HIO" run run.toml > run.out 2> run.err &
pid=$!
wait $peer
# One SIGTERM, once hio catches it (SigCgt: long since, as the peer saw the
# reset), then its end within 10 s (scaled). Unfixed, a SIGTERM every 50 ms
# for 5 s (not scaled), then a wait for the 60 s limit.
await_or_fail 10 $pid "catching SIGTERM" catches "$HIO" $pid 0x4000
kill -TERM $pid
reap_within $(($(scaled 10) * 10)) $pid "hio run: still running 10 s after SIGTERM"
rc=$?
[ "$(cat peer.out)" = "reset" ] || fail "the peer saw no reset within the run (close_linger not applied?)"
[ $rc -eq 143 ] || fail "hio run: exit $rc, expected 143 (SIGTERM: the run was still going on)"
echo ok
