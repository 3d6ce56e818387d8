#!/bin/sh
# hio sweep interrupted by SIGINT: exit 130 (SIGTERM: 143); the seeds finished so far are
# reported (text, --json, report.json) and marked interrupted with the range
# covered and the --seeds to resume with; the failing seeds' journals are
# saved; a run in flight is abandoned. Usage: cli_sweep_interrupt.sh HIO SCENARIOS WORK
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 SCENARIOS=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
fail() { echo "$1"; cat "$WORK/$2.out" "$WORK/$2.err"; exit 1; }
# printed FILE LINES: FILE has LINES lines or more.
printed() { [ "$(wc -l < "$1")" -ge "$2" ]; }
# run_journaled DIR: a seed's journal is in DIR (a real-time run's is there
# from its first pass on, and removed at its end if it passed).
run_journaled() { ls "$1"/seed-*.hioj > /dev/null 2>&1; }

# interrupt NAME LINES COMMAND...: runs COMMAND in the background, sends
# SIGINT once it has printed LINES lines (and, with ready=DIR, begun DIR's
# report.json and a real-time seed's journal in DIR: a run in flight),
# checks exit 130.
# (A background job of sh starts with SIGINT ignored until hio handles it:
# the signal must come after hio has started.)
interrupt() {
  name=$1 lines=$2
  shift 2
  : > "$WORK/$name.out"
  "$@" >> "$WORK/$name.out" 2> "$WORK/$name.err" &
  pid=$!
  await_or_fail 60 $pid "$name: $lines lines of output" printed "$WORK/$name.out" "$lines"
  if [ -n "${ready:-}" ]; then
    await_or_fail 60 $pid "$name: its report.json" report_begun $pid "$ready"
    await_or_fail 60 $pid "$name: a run in flight" run_journaled "$ready"
  fi
  kill -"${signal:-INT}" $pid
  wait $pid
  rc=$?
  [ $rc -eq "${code:-130}" ] || fail "$name: exit $rc, expected ${code:-130}" "$name"
}

# Every seed fails (the limit is too short for the quickstart's expectations),
# each quickly; the ranges are long enough for SIGINT to come first, and
# bounded if it did not.
interrupt text 3 "$HIO" sweep "$SCENARIOS/quickstart.toml" --set run.limit=250ms \
  --seeds 1..200000 --jobs 2 --out "$WORK/d"
done=$(grep -c '^seed [0-9]*: FAIL' "$WORK/text.out")
[ "$done" -ge 3 ] || fail "text: $done failing seeds shown" text
next=$((done + 1))
grep -qx "interrupted (SIGINT): seeds 1..$done ran; resume with --seeds $next..200000 and an --out other than $WORK/d (it keeps this part's results)" "$WORK/text.out" ||
  fail "text: no interrupted line for 1..$done" text
grep -qx "0 of $done seeds passed; failing seeds listed above" "$WORK/text.out" || fail "text: summary" text
[ "$(sed -n "${done}p" "$WORK/text.out" | cut -d: -f1)" = "seed $done" ] || fail "text: seeds not in order" text
# A failing seed being re-run for its journal when SIGINT came is abandoned
# (the resume runs it): every failing seed reported has its journal.
[ "$(ls "$WORK/d" | grep -c '^seed-[0-9]*\.hioj$')" -eq "$done" ] || fail "text: not $done journals" text
grep -q '"journal": null' "$WORK/d/report.json" && fail "text: a failing seed without its journal" text
[ -s "$WORK/text.err" ] && fail "text: stderr" text
last=$(ls "$WORK/d" | sed -n 's/^seed-\([0-9]*\)\.hioj$/\1/p' | sort -n | tail -1)
"$HIO" inspect "$WORK/d/seed-$last.hioj" --kind close > "$WORK/j.inspect" || fail "text: journal unreadable" text
grep -q "^trailer .* end=limit" "$WORK/j.inspect" || fail "text: journal of seed $last not complete" text
grep -q "\"seed\": $done, \"passed\": false, [^}]*\"journal\": [^,]*, \"journal_lost\": null, \"closing_reset\": 0, \"dropped_datagrams\": 0, \"channel_errors\": [0-9]*, \"beyond_keep\": false}], \"interrupted\": true, \"covered\": \"1..$done\", \"resume\": \"--seeds $next..200000\"}\$" "$WORK/d/report.json" ||
  fail "text: report.json not interrupted at $done" text

# --json with a shard: the resume line keeps the shard's step.
interrupt json 3 "$HIO" sweep "$SCENARIOS/quickstart.toml" --set run.limit=250ms \
  --seeds 1..200000 --shard 2/3 --jobs 2 --json
last=$(grep '^{"seed"' "$WORK/json.out" | tail -1 | sed 's/^{"seed": \([0-9]*\),.*/\1/')
count=$(grep -c '^{"seed"' "$WORK/json.out")
[ "$last" -eq $((2 + 3 * (count - 1))) ] || fail "json: seeds not the shard's prefix" json
grep -qx "{\"summary\": true, \"sets\": \[\"run.limit=250ms\"\], \"rerun\": \"$(shell_word "$HIO") run $(shell_word "$SCENARIOS/quickstart.toml") --set run.limit=250ms --seed N\", \"shard\": \"2/3\", \"seeds\": $count, \"failed\": $count, \"dropped_datagrams\": 0, \"interrupted\": true, \"covered\": \"2..$last\", \"resume\": \"--seeds $((last + 3))..200000 --shard 1/3\"}" "$WORK/json.out" ||
  fail "json: summary" json

# A real-time run of a minute in flight: abandoned, nothing reported as run.
ready=$WORK/r interrupt inflight 0 "$HIO" sweep "$SCENARIOS/tcp_loopback_real.toml" \
  --set run.limit=60s --seeds 1..5 --out "$WORK/r"
grep -qx "interrupted (SIGINT): no seed finished; resume with --seeds 1..5 and an --out other than $WORK/r (it keeps this part's results)" "$WORK/inflight.out" ||
  fail "inflight: not abandoned" inflight
grep -q '"seeds": \[\], "interrupted": true, "covered": null, "resume": "--seeds 1..5"}$' "$WORK/r/report.json" ||
  fail "inflight: report.json" inflight

# A signal between runs, while a seed's scenario is being built: the run
# that follows is abandoned at its first pass, not run to its end. (The
# signal used to be passed on to the engine's handler, whose flag a run
# clears when it starts with no other run in progress: that run then went on
# for its whole limit and was reported.) Each seed builds 200,000 tickers (a
# second or more) and then would run 1,000 passes of them (several seconds);
# the signal comes at moments from just after the sweep started (report.json
# is begun right before its signal watcher starts) to well into the build.
slow_build_scenario "$WORK/slow_build.toml"
for delay in 0.05 0.2 0.4 0.7; do
  name=between_$delay
  rm -rf "$WORK/b"
  "$HIO" sweep "$WORK/slow_build.toml" --seeds 1..3 --jobs 1 --out "$WORK/b" \
    > "$WORK/$name.out" 2> "$WORK/$name.err" &
  pid=$!
  await_or_fail 60 $pid "$name: the sweep's report.json" report_begun $pid "$WORK/b"
  sleep "$delay"
  kill -INT $pid
  wait $pid
  rc=$?
  [ $rc -eq 130 ] || fail "$name: exit $rc, expected 130" "$name"
  grep -qx "interrupted (SIGINT): no seed finished; resume with --seeds 1..3 and an --out other than $WORK/b (it keeps this part's results)" "$WORK/$name.out" ||
    fail "$name: a run begun after the signal was not abandoned" "$name"
  grep -q '"seeds": \[\], "interrupted": true, "covered": null, "resume": "--seeds 1..3"}$' \
    "$WORK/b/report.json" || fail "$name: report.json" "$name"
done

# SIGINT while the only seed, failing, is re-run for its journal (its
# seed-1.hioj is linked before the re-run's first pass; each run of 10,000
# tickers takes a second or more): the seed is abandoned, exit 130, the
# report marked interrupted and resumed from it; the resume saves the
# journal. (It used to be reported with "journal": null, exit 1, not
# interrupted, and nothing resumed it.)
cat > "$WORK/slow_fail.toml" <<'TOML'
[run]
tock = "10ms"
limit = "20s"
[[doer]]
kind = "ticker"
name = "t"
copies = 10_000
[[expect]]
final = "t-1.runs == 0"
TOML
rm -rf "$WORK/j"
"$HIO" sweep "$WORK/slow_fail.toml" --seeds 1..1 --out "$WORK/j" > "$WORK/rerun.out" 2> "$WORK/rerun.err" &
pid=$!
await_or_fail 60 $pid "rerun: the re-run for seed 1's journal" test -e "$WORK/j/seed-1.hioj"
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] || fail "rerun: exit $rc, expected 130" rerun
grep -qx "interrupted (SIGINT): no seed finished; resume with --seeds 1..1 and an --out other than $WORK/j (it keeps this part's results)" "$WORK/rerun.out" ||
  fail "rerun: not abandoned" rerun
grep -q '"seeds": \[\], "interrupted": true, "covered": null, "resume": "--seeds 1..1"}$' \
  "$WORK/j/report.json" || fail "rerun: report.json" rerun
[ -e "$WORK/j/seed-1.hioj" ] && fail "rerun: a journal cut short was left" rerun
# (The resume's runs need not be slow: 10 passes, not 2,000.)
"$HIO" sweep "$WORK/slow_fail.toml" --seeds 1..1 --out "$WORK/j2" --set run.limit=100ms \
  > "$WORK/resumed.out" 2> "$WORK/resumed.err"
[ $? -eq 1 ] && [ -s "$WORK/j2/seed-1.hioj" ] || fail "rerun: the resume saved no journal" resumed

# SIGTERM, as systemd or docker send it: the same, exit 143.
signal=TERM code=143 interrupt term 3 "$HIO" sweep "$SCENARIOS/quickstart.toml" --set run.limit=250ms \
  --seeds 1..200000 --jobs 1
grep -q "^interrupted (SIGTERM): seeds 1\.\." "$WORK/term.out" || fail "term: no interrupted line" term
echo ok
