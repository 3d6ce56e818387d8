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
i=0
while [ $i -lt 2000 ]; do  # at most about 100 s
  if ls -l "/proc/$pid/fd" 2>/dev/null | grep -q "$WORK/out/"; then
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
