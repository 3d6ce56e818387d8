#!/bin/sh
# The end of a run is a local close like any other: a write in flight then
# (its bytes on record as tx) reaches a peer that reads late, within
# close_linger, before hio exits. An echo_client sends 16 MB to a peer
# outside the run (python3) that starts reading only once hio says it waits
# for that write; the run's limit (0.5 s) ends it mid-write. (The peer read
# 1 s after it accepted: a run slowed down, as under ThreadSanitizer, was
# still going then, the peer read every byte before the end, and there was
# no write left to wait for.) The peer must read every byte the
# journal says was sent, then the FIN. Unfixed, hio exited at once: the
# write's last part (up to 64 KiB) was lost and the peer saw a FIN after
# fewer bytes than the journal's tx_bytes. Then a peer that never reads:
# SIGTERM during that wait ends it (exit 143) with a reset, not a FIN, and
# hio run says it reset the connection ("closing_reset": 1 in --json); a
# close_linger that runs out does the same, exit 0; and hio sweep says it
# waits, per seed, before a SIGINT ends the wait and the sweep (it used to
# wait silently), counts the reset in the seed's --json line, and exits 130
# as hio run does, although the signal came after the last seed's run (it
# used to exit 0 then). Last, a serial line on a pty nobody reads: its write
# in flight at the end is waited for and cut at close_linger the same way,
# and the words name a closed channel, not a connection.
# Loopback only; every wait is bounded. Exit 77 (skipped) without python3.
# Usage: cli_close_at_end.sh HIO WORK
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 WORK=$2
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
fail() { echo "$1"; cat run.out run.err peer.out stats 2> /dev/null | cut -c1-300; exit 1; }
command -v python3 > /dev/null 2>&1 || { echo "no python3: skipped"; exit 77; }

# peer WHEN: listens on port 0 (the port in ./port), accepts one client,
# waits (WHEN late: until run.err says hio waits for a write in flight, up
# to 60 s; never: never reads, up to 30 s), reads to the end and prints how
# many bytes came and how it ended (fin or reset).
peer() {
  rm -f port run.err
  slow_peer "$1" > peer.out 2>&1 << 'PY' &
if sys.argv[1] == "late":
    start = time.monotonic()
    while time.monotonic() - start < 60:
        if os.path.exists("run.err") and b"waiting for" in open("run.err", "rb").read():
            break
        time.sleep(0.02)
else:  # until the connection ends under it
    await_closed(30)
s.settimeout(30)
n, end = 0, "open"
try:
    while True:
        d = s.recv(1 << 20)
        if not d:
            end = "fin"
            break
        n += len(d)
except ConnectionResetError:
    end = "reset"
print(n, end)
PY
  peer_pid=$!
  await_file port $peer_pid "the peer did not listen"
}

scenario() {
  cat > run.toml << TOML
[run]
mode = "real"
tock = "10ms"
limit = "500ms"
[[doer]]
kind = "echo_client"
name = "c"
address = "tcp://127.0.0.1:$(cat port)"
messages = 1
size = 16000000
close_linger = "$1"
TOML
}

# stop SIGNAL WHO: sends SIGNAL to hio ($pid, WHO), waiting for its write in
# flight, which must end within 5 s; returns its exit status.
stop() {
  kill -"$1" $pid
  i=0
  while kill -0 $pid 2> /dev/null && [ $i -lt $(($(scaled 5) * 20)) ]; do sleep 0.05; i=$((i + 1)); done
  kill -0 $pid 2> /dev/null && { kill -KILL $pid; fail "$2: still waiting $(scaled 5) s after SIG$1"; }
  wait $pid
}

# ---- a late reader gets every byte on record --------------------------------
peer late
scenario 20s
"$HIO" run run.toml --record end.hioj --json > run.out 2> run.err
rc=$?
wait $peer_pid
[ $rc -eq 0 ] || fail "hio run: exit $rc, expected 0"
grep -qF '"closing_reset": 0,' run.out || fail "hio run --json: no \"closing_reset\": 0"
grep -q "reset at the end" run.err && fail "hio run: a reset said, but the write finished"
grep -qF "hio run: waiting for 1 closed channel to finish sending (close_linger; Ctrl-C resets it)" run.err ||
  fail "hio run: no word of the wait"
"$HIO" inspect end.hioj --stats > stats || fail "journal unreadable"
sent=$(sed -n 's/^stats total .* tx_bytes=\([0-9]*\) .*/\1/p' stats)
[ -n "$sent" ] && [ "$sent" -gt 0 ] || fail "no tx_bytes in the journal"
[ "$(cat peer.out)" = "$sent fin" ] || fail "the peer got '$(cat peer.out)', the journal says $sent bytes sent, then a FIN"

# ---- a stop signal ends the wait with a reset --------------------------------
peer never
scenario 0
rm -f run.out run.err  # the last case's "waiting for" is not this one's
"$HIO" run run.toml --json > run.out 2> run.err &
pid=$!
await_or_fail 60 $pid "its wait for the write in flight" grep -qs "waiting for" run.err
stop TERM "hio run"
rc=$?
wait $peer_pid
[ $rc -eq 143 ] || fail "hio run: exit $rc, expected 143"
case $(cat peer.out) in
*" reset") ;;
*) fail "the peer saw '$(cat peer.out)', expected a reset" ;;
esac
said="hio run: warning: 1 closed channel reset at the end before it finished sending"
grep -qF "$said" run.err || fail "hio run: the reset at SIGTERM not said"
grep -qF '"closing_reset": 1,' run.out || fail "hio run --json: no \"closing_reset\": 1"

# ---- a close_linger that runs out resets too, and says so --------------------
peer never
scenario 300ms
"$HIO" run run.toml > run.out 2> run.err
rc=$?
wait $peer_pid
[ $rc -eq 0 ] || fail "hio run: exit $rc, expected 0 (close_linger ran out)"
grep -qF "$said (at its close_linger, or stopped): its peer may have got less" run.err || fail "hio run: the reset at close_linger not said"
case $(cat peer.out) in
*" reset") ;;
*) fail "the peer saw '$(cat peer.out)', expected a reset at close_linger" ;;
esac

# ---- a sweep says it waits, per seed; SIGINT ends it -------------------------
peer never
scenario 0
rm -f run.out run.err  # the last case's "waiting for" is not this one's
"$HIO" sweep run.toml --seeds 7..7 --json > run.out 2> run.err &
pid=$!
await_or_fail 60 $pid "seed 7's wait for the write in flight" grep -qs "waiting for" run.err
grep -qF "hio sweep: seed 7: waiting for 1 closed channel to finish sending" run.err ||
  { kill -INT $pid; fail "hio sweep: not the words of the wait"; }
stop INT "hio sweep"
rc=$?
# The sweep's check (it builds the scenario once first) connects to no one:
# the peer took seed 7's connection, and SIGINT reset it.
wait $peer_pid
[ $rc -eq 130 ] || fail "hio sweep: exit $rc, expected 130"
case $(cat peer.out) in
*" reset") ;;
*) fail "the peer saw '$(cat peer.out)', expected seed 7's connection reset" ;;
esac
grep -qF "hio sweep: seed 7: warning: 1 closed channel reset at the end" run.err ||
  fail "hio sweep: the reset at SIGINT not said"
# Its run had ended: seed 7 is reported, with the reset counted as hio run
# --json counts it (it used to be only the warning).
grep -q '^{"seed": 7, .*"closing_reset": 1, ' run.out || fail "hio sweep --json: seed 7 has no \"closing_reset\": 1"
# The signal came after the last seed's run, as hio run's SIGTERM above: an
# interruption all the same (exit 130, not the results' 0), nothing to resume.
grep -q '"interrupted": true, "covered": "7..7", "resume": null}$' run.out ||
  fail "hio sweep --json: the summary does not say interrupted after the last seed"

# ---- a serial line drains at its close too: the same wait, in words for any
# channel (they said "closed connection" for a serial line as well) ---------
rm -f tty run.out run.err
python3 - > pty.out 2>&1 << 'PY' &
import os, pty, time
master, slave = pty.openpty()  # the device: it never reads
with open("tty.tmp", "w") as f:
    f.write(os.ttyname(slave))
os.rename("tty.tmp", "tty")
time.sleep(20)
PY
pty_pid=$!
await_file tty $pty_pid "no pty"
cat > serial.toml << TOML
[run]
mode = "real"
tock = "10ms"
limit = "500ms"
[[doer]]
kind = "serial_sender"
name = "s"
address = "serial://$(cat tty)?baud=4000000"
lines = 100
size = 60000
close_linger = "300ms"
TOML
"$HIO" run serial.toml > run.out 2> run.err
rc=$?
kill $pty_pid 2> /dev/null
wait $pty_pid
[ $rc -eq 0 ] || fail "hio run (serial): exit $rc, expected 0"
grep -qF "hio run: waiting for 1 closed channel to finish sending (close_linger; Ctrl-C resets it)" run.err ||
  fail "hio run (serial): no word of the wait for the line"
grep -qF "hio run: warning: 1 closed channel reset at the end before it finished sending (at its close_linger" run.err ||
  fail "hio run (serial): the cut write not said"
grep -q "connection" run.err && fail "hio run (serial): a serial line called a connection"
echo ok
