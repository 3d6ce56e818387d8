#!/bin/sh
# hio check on names whose name server never answers: in a private mount
# namespace (unshare -m) whose /etc/resolv.conf names a silent server on a
# loopback address (a UDP socket that counts the queries it gets and never
# answers), so that every lookup of a name not in /etc/hosts waits out
# glibc's timeouts and ends with "try again" (EAI_AGAIN). Nothing outside
# the namespace changes.
# - Four clients on one name wait for one lookup (timeout:1 attempts:1):
#   the server gets as many queries as for one client, not four times as
#   many; each gets a warning that its name could not be resolved now, and
#   none "failed at tyme 0": the run looks the name up again, and the answer
#   may differ. Exit 0.
# - SIGINT into a 10 s lookup (timeout:5 attempts:2) ends the check at once,
#   exit 130: neither the lookup nor its thread is waited for.
# Unfixed: 4 s and four "failed" warnings; 10 s until the SIGINT was heard.
# - hio run, with a client's lookup pending (10 s), ends at its limit (1 s)
#   and after SIGINT (exit 130) at once: the lookup's thread is not waited
#   for. Unfixed: the process exited only when the lookup ended (Asio's
#   resolver thread was joined), 10 s.
# No verdict times hio from its start, which a loaded machine makes slow (a
# sanitized hio took 1.5 s to start): the SIGINTs come once hio catches
# SIGINT and the server got the lookup's query, the bounds after that are
# far below the 10 s lookup.
# Usage: cli_slow_name.sh HIO WORK (exit 77: skipped, no unshare -m
# (not root), or no python3, or the loopback address is taken, or the
# system's lookups do not ask /etc/resolv.conf's server)
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 WORK=$2
command -v python3 > /dev/null || { echo "no python3: skipped"; exit 77; }
if [ "${HIO_IN_NAMESPACE:-}" != 1 ]; then
  unshare -m --propagation private true 2> /dev/null ||
    { echo "unshare -m not permitted here: skipped"; exit 77; }
  HIO_IN_NAMESPACE=1 exec unshare -m --propagation private sh "$0" "$@"
fi
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1

fail() { echo "$1"; [ $# -lt 2 ] || cat "$2"; exit 1; }

# A loopback address of this test's own (127.53.x.y), so that tests running
# at once do not share one.
server=127.53.$(($$ % 250 + 1)).$(($$ / 250 % 250 + 1))
# It writes the number of queries so far to `asked` after each, and to
# `count.N` for the Nth datagram "mark" (one this shell sends: it comes
# after every query sent before it, the socket's queue is in order).
python3 -c '
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.bind((sys.argv[1], 53))
except OSError as e:
    print(e); sys.exit(3)
open("ready", "w").close()
def say(name, n):
    with open(name + ".tmp", "w") as f:
        f.write(str(n))
    os.rename(name + ".tmp", name)
queries = marks = 0
end = time.monotonic() + int(sys.argv[2])
while time.monotonic() < end:
    s.settimeout(max(end - time.monotonic(), 0.01))
    try:
        data = s.recv(4096)
    except socket.timeout:
        break
    if data == b"mark":
        marks += 1
        say("count.%d" % marks, queries)
    else:
        queries += 1
        say("asked", queries)
' "$server" "$(scaled 120)" > server.out 2>&1 &
dns=$!
trap 'kill $dns 2> /dev/null' EXIT
i=0
while [ ! -f ready ] && kill -0 $dns 2> /dev/null && [ $i -lt $(($(scaled 5) * 20)) ]; do sleep 0.05; i=$((i + 1)); done
[ -f ready ] || { echo "no silent name server on $server: skipped"; cat server.out; exit 77; }

# count_queries: sets `counted` to the number of queries the server got so
# far.
marks=0
count_queries() {
  marks=$((marks + 1))
  python3 -c 'import socket, sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"mark", (sys.argv[1], 53))' \
    "$server"
  await_file "count.$marks" $dns "the name server never counted its queries"
  counted=$(cat "count.$marks")
}
# asked_since N: whether the server got more than N queries by now.
asked_since() { [ "$(cat asked 2> /dev/null || echo 0)" -gt "$1" ]; }
# looking_up PID N: whether hio (PID) catches SIGINT and its lookup has
# asked the server (more than N queries by now): it waits for the answer.
looking_up() { catches "$HIO" "$1" 0x2 && asked_since "$2"; }

# resolv_conf TIMEOUT ATTEMPTS: this namespace's /etc/resolv.conf.
resolv_conf() {
  printf 'nameserver %s\noptions timeout:%s attempts:%s\n' "$server" "$1" "$2" > "resolv.$1"
  mount --bind "resolv.$1" /etc/resolv.conf || fail "cannot mount over /etc/resolv.conf"
}

# Whether the system's lookups ask that server (nsswitch.conf may send
# them elsewhere, e.g. to systemd-resolved): Python's getaddrinfo is glibc's.
resolv_conf 1 1
python3 -c '
import socket, sys
try:
    socket.getaddrinfo("slow.example", 7)
except socket.gaierror as e:
    sys.exit(0 if e.errno == socket.EAI_AGAIN else 1)
sys.exit(1)
' || { echo "lookups here do not ask /etc/resolv.conf's name server: skipped"; exit 77; }
umount /etc/resolv.conf || fail "cannot unmount /etc/resolv.conf"

cat > slow.toml << 'TOML'
[run]
mode = "real"
limit = "1s"
TOML
for port in 7 8 9 10; do
  printf '[[doer]]\nkind = "echo_client"\nname = "c%s"\naddress = "tcp://slow.example:%s"\n' \
    $port $port >> slow.toml
  [ $port -eq 7 ] && cp slow.toml one.toml  # c7 alone
done

resolv_conf 1 1
count_queries
before=$counted
"$HIO" check one.toml > one.out 2> one.err || fail "check of one client: exit $?" one.err
count_queries
one=$((counted - before))
before=$counted
[ $one -gt 0 ] || fail "check of one client: no query" one.err
"$HIO" check slow.toml > once.out 2> once.err
rc=$?
count_queries
four=$((counted - before))
[ $rc -eq 0 ] || fail "check: exit $rc" once.err
[ $four -eq $one ] ||
  fail "check: $four queries for four clients on one name, $one for one (one lookup for all)" once.err
! grep -q "failed at tyme" once.err || fail "check: a \"try again\" answer failed a channel" once.err
n=$(grep -c "^hio check: warning: c[0-9]* (stream tcp://slow.example:[0-9]*): its host name could not be resolved now: cannot resolve 'slow.example:[0-9]*': Host not found (non-authoritative), try again later" once.err)
[ "$n" -eq 4 ] || fail "check: $n warnings of a name not resolved now, expected 4" once.err
grep -q "; 4 warnings above)" once.out || fail "check: not ok with 4 warnings" once.out

resolv_conf 5 2
count_queries
before=$counted
"$HIO" check slow.toml > stopped.out 2> stopped.err &
pid=$!
await_or_fail 30 $pid "check: the lookup" looking_up $pid "$before"
kill -INT $pid
reap_within 50 $pid "check: still running 5 s after SIGINT (a 10 s lookup)"
rc=$?
[ $rc -eq 130 ] || fail "check: exit $rc after SIGINT, expected 130" stopped.err
grep -q "interrupted (SIGINT)" stopped.err || fail "check: no interruption said" stopped.err
! grep -q "warning" stopped.err || fail "check: a warning after SIGINT" stopped.err
# hio run: the client's lookup takes 10 s; the run ends at its limit (1 s),
# or at a SIGINT, and the process with it.
sed 's/^limit = .*/limit = "1s"/' slow.toml > run.toml
start=$(date +%s%N)
"$HIO" run run.toml > run.out 2> run.err &
pid=$!
await_or_fail 30 $pid "run: its SIGINT handler" catches "$HIO" $pid 0x2
reap_within 60 $pid "run: still running 6 s into a 1 s run (a 10 s lookup pending)"
rc=$?
run_ms=$((($(date +%s%N) - start) / 1000000))
[ $rc -eq 0 ] || fail "run: exit $rc" run.err
grep -q "ended: limit" run.out || fail "run: not ended at its limit" run.out

sed 's/^limit = .*/limit = "60s"/' slow.toml > long.toml
count_queries
before=$counted
"$HIO" run long.toml > long.out 2> long.err &
pid=$!
await_or_fail 30 $pid "run: the lookup" looking_up $pid "$before"
kill -INT $pid
reap_within 50 $pid "run: still running 5 s after SIGINT (a 10 s lookup pending)"
rc=$?
[ $rc -eq 130 ] || fail "run: exit $rc after SIGINT, expected 130" long.err
grep -q "ended: interrupted (SIGINT)" long.out || fail "run: no interruption said" long.out
echo "ok (one lookup: $one queries; a 1 s run: $run_ms ms)"
