#!/bin/sh
# `hio run --record FILE` killed with SIGKILL while it builds the scenario
# (before the journal becomes FILE) leaves nothing in FILE's directory: the
# journal is written without a name (O_TMPFILE) until then. The kill comes
# once the process holds the journal open (seen in /proc/PID/fd) and while a
# million copies are being built; if the build won the race, FILE may exist,
# but never a temporary name beside it.
# Usage: cli_record_killed.sh HIO WORK
set -u
HIO=$1 WORK=$2
rm -rf "$WORK" && mkdir -p "$WORK/out" || exit 1
cat > "$WORK/big.toml" <<'TOML'
[run]
tock = "10ms"
limit = "10ms"
[[doer]]
kind = "ticker"
name = "t"
copies = 1000000
TOML
"$HIO" run "$WORK/big.toml" --record "$WORK/out/run.hioj" > /dev/null 2>&1 &
pid=$!
seen=no
# /proc names the directory without symbolic links (a checkout reached through one).
out_dir=$(cd "$WORK/out" && pwd -P) || exit 1
i=0
while [ $i -lt 2000 ]; do  # at most about 100 s
  if ls -l "/proc/$pid/fd" 2>/dev/null | grep -q "$out_dir/"; then
    seen=yes
    break
  fi
  kill -0 $pid 2>/dev/null || break
  sleep 0.05
  i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
[ $seen = yes ] || { echo "hio never opened the journal (or ended first)"; exit 1; }
left=$(ls -A "$WORK/out" | grep -v '^run\.hioj$')
[ -z "$left" ] || { echo "left behind: $left"; exit 1; }
echo "ok: nothing left behind ($(ls -A "$WORK/out" | wc -l) entries)"

# A build of more than 4,096 events writes the header and a frame before the
# first pass; a scenario refused after it (an expectation on a counter no
# doer publishes) still leaves an existing FILE as it was: the journal takes
# FILE's name only once the tree is built and its header written.
cat > "$WORK/refused.toml" <<'TOML'
[run]
tock = "1ms"
limit = "10ms"
[net]
hosts = ["server"]
[[doer]]
kind = "udp_responder"
name = "server"
address = "sim://server:0"
copies = 3000
[[expect]]
final = "nobody.sent == 1"
TOML
echo old > "$WORK/out/refused.hioj"
"$HIO" run "$WORK/refused.toml" --record "$WORK/out/refused.hioj" > /dev/null 2> "$WORK/refused.err"
rc=$?
[ $rc -eq 2 ] || { echo "refused.toml: exit $rc, expected 2"; exit 1; }
grep -q "no doer publishes counter 'nobody.sent'" "$WORK/refused.err" ||
  { echo "refused.toml: not refused for its counter"; exit 1; }
[ "$(cat "$WORK/out/refused.hioj")" = old ] || { echo "refused.toml: FILE changed"; exit 1; }
echo "ok: a refused large build left FILE as it was"
