#!/bin/sh
# hio run and hio replay interrupted by SIGINT: exit 130, and the journal
# each was recording is complete, its trailer saying "interrupted". Usage: cli_interrupt.sh HIO SCENARIOS WORK
set -u
HIO=$1 SCENARIOS=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
"$HIO" run "$SCENARIOS/tcp_loopback_real.toml" --limit 60s --record "$WORK/cut.hioj" \
  > "$WORK/out.txt" 2> "$WORK/err.txt" &
pid=$!
# Wait (bounded) until the run has started: the journal's header is written
# at the first pass, when the Doist already handles SIGINT.
i=0
while [ ! -s "$WORK/cut.hioj" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $pid
wait $pid
rc=$?
if [ $rc -ne 130 ]; then
  echo "exit $rc, expected 130"; cat "$WORK/out.txt" "$WORK/err.txt"; exit 1
fi
grep -q "ended: interrupted" "$WORK/out.txt" || { echo "no 'ended: interrupted'"; cat "$WORK/out.txt"; exit 1; }
"$HIO" inspect "$WORK/cut.hioj" --kind close > "$WORK/inspect.txt" || { echo "journal unreadable"; cat "$WORK/inspect.txt"; exit 1; }
grep -q "^trailer .* end=interrupted" "$WORK/inspect.txt" || { echo "trailer not interrupted"; cat "$WORK/inspect.txt"; exit 1; }

# hio replay interrupted by SIGINT: exit 130, "ended: interrupted", and the
# replay's own journal complete. The journal: an hourly ticker over 10,000
# hours at 1 ms passes, quick to record (time skipping) and long to replay.
cat > "$WORK/long.toml" <<'TOML'
[run]
name = "long"
tock = "1ms"
limit = "36000000s"
[[doer]]
kind = "ticker"
name = "hourly"
tock = "3600s"
TOML
"$HIO" run "$WORK/long.toml" --record "$WORK/long.hioj" > "$WORK/long.txt" || { echo "recording failed"; cat "$WORK/long.txt"; exit 1; }
"$HIO" replay "$WORK/long.hioj" --record "$WORK/replay.hioj" > "$WORK/rout.txt" 2> "$WORK/rerr.txt" &
pid=$!
i=0
while [ ! -s "$WORK/replay.hioj" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
kill -INT $pid
wait $pid
rc=$?
if [ $rc -ne 130 ]; then
  echo "replay: exit $rc, expected 130"; cat "$WORK/rout.txt" "$WORK/rerr.txt"; exit 1
fi
grep -q "^ended:     interrupted (SIGINT)" "$WORK/rout.txt" || { echo "no 'ended: interrupted' from replay"; cat "$WORK/rout.txt"; exit 1; }
"$HIO" inspect "$WORK/replay.hioj" --kind close > "$WORK/rinspect.txt" || { echo "replay journal unreadable"; cat "$WORK/rinspect.txt"; exit 1; }
grep -q "^trailer .* end=interrupted" "$WORK/rinspect.txt" || { echo "replay trailer not interrupted"; cat "$WORK/rinspect.txt"; exit 1; }
echo ok
