#!/bin/sh
# hio run and hio replay interrupted by SIGINT (exit 130), SIGTERM (exit
# 143) or SIGHUP (exit 129), also while a real-time run waits out a long tock: the summary says so
# (naming the signal; `final` expectations not judged, as the run has no end;
# a replay of such a run's journal judges them at its recorded end),
# and the journal each was recording is complete, its trailer saying
# "interrupted". Usage: cli_interrupt.sh HIO SCENARIOS WORK
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 SCENARIOS=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1

# interrupt NAME SIGNAL CODE JOURNAL ENDED_LINE COMMAND...: runs COMMAND
# (recording JOURNAL) in the background, sends SIGNAL once it has started,
# checks that it exits with CODE.
interrupt() {
  name=$1 signal=$2 code=$3 journal=$4 ended=$5
  shift 5
  "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" &
  pid=$!
  # Bounded wait until the run has started (the Doist then handles SIGINT):
  # the journal shows its header at the first pass (a replay's too). Up to
  # 30 s (scaled), not 1: a signal while the scenario is still read or built
  # ends hio with other words, and a slow build (ThreadSanitizer, a loaded
  # machine) took longer than a second to get there.
  await_or_fail 30 $pid "$name: its first pass" test -s "$journal"
  kill -"$signal" $pid
  wait $pid
  rc=$?
  if [ $rc -ne "$code" ]; then
    echo "$name: exit $rc, expected $code"; cat "$WORK/$name.out" "$WORK/$name.err"; exit 1
  fi
  grep -q "$ended" "$WORK/$name.out" || { echo "$name: no '$ended'"; cat "$WORK/$name.out"; exit 1; }
  "$HIO" inspect "$journal" --kind close > "$WORK/$name.inspect" || { echo "$name: journal unreadable"; cat "$WORK/$name.inspect"; exit 1; }
  grep -q "^trailer .* end=interrupted" "$WORK/$name.inspect" || { echo "$name: trailer not interrupted"; cat "$WORK/$name.inspect"; exit 1; }
}

# expect_line NAME LINE: the summary NAME.out has LINE (a fixed string) as a whole line.
expect_line() {
  grep -qxF "$2" "$WORK/$1.out" || { echo "$1: no line '$2'"; cat "$WORK/$1.out"; exit 1; }
}

# trailer_is NAME JOURNAL PATTERN: the journal's trailer line matches PATTERN.
trailer_is() {
  "$HIO" inspect "$2" > "$WORK/$1.trailer" 2>&1 || { echo "$1: journal unreadable"; cat "$WORK/$1.trailer"; exit 1; }
  grep -q "$3" "$WORK/$1.trailer" || { echo "$1: trailer is not '$3'"; cat "$WORK/$1.trailer"; exit 1; }
}

# An interrupted run has no end: its `final` expectations are not judged,
# the others are judged on the passes run.
interrupt run INT 130 "$WORK/cut.hioj" "ended: interrupted (SIGINT)$" \
  "$HIO" run "$SCENARIOS/tcp_loopback_real.toml" --limit 60s --record "$WORK/cut.hioj"
expect_line run "expect:    2 of 4 passed, 2 not judged"
grep -q "^  --    alice.echoed == 20  (not judged: interrupted (SIGINT) at tyme [0-9.]* s (alice.echoed was [0-9]*))$" "$WORK/run.out" ||
  { echo "run: final expectation judged"; cat "$WORK/run.out"; exit 1; }
expect_line run "  ok    alice.mismatches == 0  (held on every pass until interrupted)"
# Its replay reaches the recorded end (identical), where the recording ends,
# and judges the expectations there, `final` ones too; the exit is the
# verdicts' (1 when one failed, else 0), not the run's 130 (xuser17 finding
# E: a capture ended with Ctrl-C replayed with 130 forever, its `final` ones
# never judged). The replay's journal keeps the signal in its trailer, so
# its replay says the same.
# judged_at_end NAME RC SIGNAL COUNTER TARGET: the replay summary NAME.out
# (exit RC) ended at the recorded end of a run interrupted by SIGNAL, judged
# `final COUNTER == TARGET` there, and exits with the verdicts.
judged_at_end() {
  grep -q "^ended:     at the recorded end, tyme [0-9.]* s, where the run was interrupted ($3): the recording ends there, and the expectations are judged there, final ones too$" "$WORK/$1.out" ||
    { echo "$1: no ended line"; cat "$WORK/$1.out"; exit 1; }
  grep -q "^  \(ok  \|FAIL\)  $4 == $5  ($4 was [0-9]*)$" "$WORK/$1.out" ||
    { echo "$1: final expectation not judged"; cat "$WORK/$1.out"; exit 1; }
  want=0
  if grep -q "^  FAIL  " "$WORK/$1.out"; then want=1; fi
  [ "$2" -eq $want ] || { echo "$1: exit $2, expected $want"; cat "$WORK/$1.out"; exit 1; }
}
recorded_interrupt() {
  name=$1 journal=$2 signal=$3
  shift 3
  "$HIO" replay "$journal" "$@" > "$WORK/$name.out" 2>&1
  rc=$?
  grep -q ": identical$" "$WORK/$name.out" || { echo "$name: not identical"; cat "$WORK/$name.out"; exit 1; }
  judged_at_end "$name" $rc "$signal" alice.echoed 20
}
recorded_interrupt replay_cut "$WORK/cut.hioj" SIGINT --record "$WORK/cut-replay.hioj"
"$HIO" inspect "$WORK/cut-replay.hioj" --kind close | grep -q "^trailer .* end=interrupted .*stop_signal=2 (SIGINT)$" ||
  { echo "replay_cut: the replay's trailer has no signal"; exit 1; }
recorded_interrupt replay_cut_again "$WORK/cut-replay.hioj" SIGINT
# Bytes after its trailer damage the file, not the run: a salvage keeps the
# trailer, so its copy replays as interrupted too (unfixed: end=unknown, the
# signal lost, final expectations judged, exit 0).
size=$(wc -c < "$WORK/cut.hioj")
{ cat "$WORK/cut.hioj"; printf '\0\0\0\0'; } > "$WORK/cut-pad.hioj"
for resync in "" --resync; do
  "$HIO" salvage "$WORK/cut-pad.hioj" "$WORK/cut-pad-saved.hioj" $resync > "$WORK/salvage_pad.out" 2>&1 ||
    { echo "salvage_pad: exit $?"; cat "$WORK/salvage_pad.out"; exit 1; }
  grep -q "^input:    whole to its trailer, which is kept; then stopped at byte $size .*: trailing_data: " "$WORK/salvage_pad.out" ||
    { echo "salvage_pad $resync: trailing bytes not said"; cat "$WORK/salvage_pad.out"; exit 1; }
  grep -q "^trailer .* end=interrupted .*stop_signal=2 (SIGINT)$" "$WORK/salvage_pad.out" ||
    { echo "salvage_pad $resync: trailer not kept"; cat "$WORK/salvage_pad.out"; exit 1; }
  recorded_interrupt salvage_pad_replay "$WORK/cut-pad-saved.hioj" SIGINT
done
# Replayed as it is, bytes after its trailer and all: the recorded run is
# whole and replayed to its end, and the damage exits 2 (docs/replay.md).
"$HIO" replay "$WORK/cut-pad.hioj" > "$WORK/replay_pad.out" 2>&1
rc=$?
[ $rc -eq 2 ] || { echo "replay_pad: exit $rc, expected 2"; cat "$WORK/replay_pad.out"; exit 1; }
grep -q "^ended:     at the recorded end, tyme [0-9.]* s, where the run was interrupted (SIGINT): " "$WORK/replay_pad.out" ||
  { echo "replay_pad: no ended line"; cat "$WORK/replay_pad.out"; exit 1; }
# Not all judged is not passed: the top-level "passed" of --json is false
# for the interrupted run (unfixed: true, as none of the judged ones failed).
top_not_passed() {
  grep -q '"passed": false, "expectations": \[' "$WORK/$1.out" ||
    { echo "$1: passed at the top"; cat "$WORK/$1.out"; exit 1; }
}
# replays_judged JOURNAL REPLAY SWEEP: the --json replay of the interrupted
# JOURNAL (REPLAY.out) judged its end: "passed" true with exit 0, or false
# with exit 1; its noise sweep of 2 seeds with no noise to speak of
# (SWEEP.out) gives each seed the same verdict (before xuser17 finding E:
# exit 130, not passed, and every seed failed on what was not judged).
replays_judged() {
  "$HIO" replay "$1" --json > "$WORK/$2.out" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then
    grep -q '"passed": true, "expectations": \[' "$WORK/$2.out" || { echo "$2: exit 0, not passed"; cat "$WORK/$2.out"; exit 1; }
    seeds="2 of 2 seeds passed"
  else
    [ $rc -eq 1 ] || { echo "$2: exit $rc, expected 0 or 1"; cat "$WORK/$2.out"; exit 1; }
    top_not_passed "$2"
    seeds="0 of 2 seeds passed; failing seeds listed above"
  fi
  "$HIO" replay "$1" --noise drop=0 --seeds 1..2 > "$WORK/$3.out" 2>&1
  src=$?
  [ $src -eq $rc ] || { echo "$3: exit $src, expected $rc"; cat "$WORK/$3.out"; exit 1; }
  expect_line "$3" "$seeds"
}
interrupt run_json INT 130 "$WORK/json.hioj" '"end": "interrupted"' \
  "$HIO" run "$SCENARIOS/tcp_loopback_real.toml" --limit 60s --json --record "$WORK/json.hioj"
top_not_passed run_json
replays_judged "$WORK/cut.hioj" replay_json sweep_cut
# With no expectations, the replay of the interrupted run passes, as a run
# with none that reached its end.
sed '/^\[\[expect\]\]/,$d' "$SCENARIOS/tcp_loopback_real.toml" > "$WORK/noexpect.toml"
interrupt run_noexpect INT 130 "$WORK/noexpect.hioj" "ended: interrupted (SIGINT)$" \
  "$HIO" run "$WORK/noexpect.toml" --limit 60s --record "$WORK/noexpect.hioj"
replays_judged "$WORK/noexpect.hioj" replay_noexpect sweep_noexpect
expect_line sweep_noexpect "2 of 2 seeds passed"
interrupt run_term TERM 143 "$WORK/term.hioj" "ended: interrupted (SIGTERM)$" \
  "$HIO" run "$SCENARIOS/tcp_loopback_real.toml" --limit 60s --record "$WORK/term.hioj"
grep -q "^  --    alice.echoed == 20  (not judged: interrupted (SIGTERM) at tyme " "$WORK/run_term.out" ||
  { echo "run_term: final expectation judged"; cat "$WORK/run_term.out"; exit 1; }
recorded_interrupt replay_term "$WORK/term.hioj" SIGTERM
# SIGHUP (the terminal or ssh session of a capture gone) ends a run as
# SIGTERM does: summary, trailer, exit 129 (unfixed: killed, no trailer).
# (env sets SIGHUP to its default: under nohup hio would inherit it ignored,
# and keep it so, as below.)
interrupt run_hup HUP 129 "$WORK/hup.hioj" "ended: interrupted (SIGHUP)$" \
  env --default-signal=HUP "$HIO" run "$SCENARIOS/tcp_loopback_real.toml" --limit 60s --record "$WORK/hup.hioj"
trailer_is run_hup "$WORK/hup.hioj" "^trailer .* end=interrupted .*stop_signal=1 (SIGHUP)$"
recorded_interrupt replay_hup "$WORK/hup.hioj" SIGHUP
# A SIGHUP that came in ignored (nohup, trap '' HUP) stays ignored: the run
# goes on to its limit (2 s), exit 0, its trailer not interrupted (unfixed:
# interrupted (SIGHUP), exit 129). SIGINT and SIGTERM are still caught there.
(trap '' HUP; exec "$HIO" run "$SCENARIOS/tcp_loopback_real.toml" --record "$WORK/nohup.hioj") \
  > "$WORK/nohup.out" 2> "$WORK/nohup.err" &
pid=$!
await_or_fail 30 $pid "nohup: its first pass" test -s "$WORK/nohup.hioj"
kill -HUP $pid
wait $pid
rc=$?
[ $rc -eq 0 ] || { echo "nohup: exit $rc, expected 0"; cat "$WORK/nohup.out" "$WORK/nohup.err"; exit 1; }
trailer_is nohup "$WORK/nohup.hioj" "^trailer .* end=limit "

# A real-time run with a long tock waits out its pass in slices: SIGINT is
# acted on at once, and ends it "interrupted" even though the pass it waited
# for was past the limit (5 s tock, 1 s limit: unfixed, this exits 0 after 5 s).
cat > "$WORK/slow.toml" <<'TOML'
[run]
mode = "real"
tock = "5s"
limit = "1s"
[[doer]]
kind = "ticker"
name = "t"
TOML
interrupt slow INT 130 "$WORK/slow.hioj" "ended: interrupted" \
  "$HIO" run "$WORK/slow.toml" --record "$WORK/slow.hioj"
# It stopped while it waited out its first tock: it ends at the tyme of the
# pass it ran (0), not at the next pass's (5 s), which the clock never
# reached; passes x tock = end tyme still (0 passes), and the trailer says
# that the pass at the end tyme ran. (Unfixed: passes=1 end_tyme=5.)
trailer_is slow "$WORK/slow.hioj" "^trailer passes=0 .* end=interrupted end_tyme=0 ended_at_pass stop_signal=2 (SIGINT)$"
# No expectations, yet an interrupted run did not pass: "passed": false in
# its JSON (exit 130; unfixed: true). Its replay reached the recorded end,
# which it judges: nothing failed, passed, exit 0. A replay of a damaged copy
# of a whole run (exit 2) did not pass.
interrupt slow_json INT 130 "$WORK/slow_json.hioj" '"end": "interrupted"' \
  "$HIO" run "$WORK/slow.toml" --record "$WORK/slow_json.hioj" --json
grep -q '"passed": false' "$WORK/slow_json.out" || { echo "slow_json: passed"; cat "$WORK/slow_json.out"; exit 1; }
"$HIO" replay "$WORK/slow_json.hioj" --json > "$WORK/slow_replay.out" 2>&1
rc=$?
[ $rc -eq 0 ] || { echo "slow_replay: exit $rc, expected 0"; cat "$WORK/slow_replay.out"; exit 1; }
grep -q '"passed": true' "$WORK/slow_replay.out" || { echo "slow_replay: not passed"; cat "$WORK/slow_replay.out"; exit 1; }
grep -v '^\[\[expect\]\]\|^final\|^always\|^by\|^within' "$SCENARIOS/udp_request_response.toml" > "$WORK/noexp.toml"
"$HIO" run "$WORK/noexp.toml" --record "$WORK/noexp.hioj" > "$WORK/noexp.out" 2>&1 || { echo "noexp: run failed"; cat "$WORK/noexp.out"; exit 1; }
size=$(wc -c < "$WORK/noexp.hioj")
printf '\377' | dd of="$WORK/noexp.hioj" bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null
"$HIO" replay "$WORK/noexp.hioj" --json > "$WORK/noexp_replay.out" 2> "$WORK/noexp_replay.err"
rc=$?
[ $rc -eq 2 ] || { echo "noexp_replay: exit $rc, expected 2"; cat "$WORK/noexp_replay.out" "$WORK/noexp_replay.err"; exit 1; }
grep -q '"journal_error": {' "$WORK/noexp_replay.out" || { echo "noexp_replay: not damaged"; cat "$WORK/noexp_replay.out"; exit 1; }
grep -q '"passed": false' "$WORK/noexp_replay.out" || { echo "noexp_replay: passed"; cat "$WORK/noexp_replay.out"; exit 1; }
# The same with real IO in that wait: the clients' connects complete while
# the run waits out a 5 s tock; the signal ends it at 0, so they are
# journaled at 0, with the closes of the exit (unfixed: all at 5 s). Its
# replay runs the pass at 0 and ends there, identical; so does the replay of
# the replay's journal.
interrupt long_tock INT 130 "$WORK/long_tock.hioj" "ended: interrupted (SIGINT)$" \
  "$HIO" run "$SCENARIOS/tcp_loopback_real.toml" --set run.tock=5s --limit 60s --record "$WORK/long_tock.hioj"
trailer_is long_tock "$WORK/long_tock.hioj" "^trailer passes=0 .* end=interrupted end_tyme=0 ended_at_pass stop_signal=2 (SIGINT)$"
grep -q "^p0 0 s[0-9]* #2 connect " "$WORK/long_tock.trailer" || { echo "long_tock: no connect at 0"; cat "$WORK/long_tock.trailer"; exit 1; }
if grep -q "^p[0-9]* [1-9]" "$WORK/long_tock.trailer"; then echo "long_tock: an event after 0"; cat "$WORK/long_tock.trailer"; exit 1; fi
recorded_interrupt replay_long_tock "$WORK/long_tock.hioj" SIGINT --record "$WORK/long_tock-replay.hioj"
trailer_is replay_long_tock "$WORK/long_tock-replay.hioj" "^trailer passes=0 .* end=interrupted end_tyme=0 ended_at_pass stop_signal=2 (SIGINT)$"
recorded_interrupt replay_long_tock_again "$WORK/long_tock-replay.hioj" SIGINT

# The replay's journal: a ticker running every pass for 50,000 passes (1 ms
# each). A replay skips idle passes as the run did, so only a doer busy
# every pass makes it long; the replay is made long by the scenario it is
# replayed against (--scenario: the same channels, the ticker in 10,000
# copies), not by the recording: seconds of replay, a recording of a few
# milliseconds (recording 50,000,000 passes of one ticker, as this did
# before, took most of this test's time, and as long as the replay). A build
# that runs hio slower (the scale: ThreadSanitizer) replays as many fewer
# passes, which last as long there.
cat > "$WORK/long.toml" << TOML
[run]
name = "long"
tock = "1ms"
limit = "$((50 / $(scaled 1)))s"
[net]
hosts = ["c", "s"]
client_host = "c"
[[doer]]
kind = "ticker"
name = "busy"
tock = "0s"
[[doer]]
kind = "echo_server"
name = "server"
address = "sim://s:7"
[[doer]]
kind = "echo_client"
name = "client"
address = "@server"
messages = 10
[[expect]]
final = "client.echoed == 10"
[[expect]]
always = "busy.runs >= 0"
TOML
"$HIO" run "$WORK/long.toml" --record "$WORK/long.hioj" > "$WORK/long.txt" || { echo "recording failed"; cat "$WORK/long.txt"; exit 1; }
sed 's/^tock = "0s"$/&\ncopies = 10_000/' "$WORK/long.toml" > "$WORK/wide.toml"
grep -qx "copies = 10_000" "$WORK/wide.toml" || { echo "wide.toml has no copies"; exit 1; }
interrupt replay INT 130 "$WORK/replay.hioj" "^ended:     interrupted (SIGINT)" \
  "$HIO" replay "$WORK/long.hioj" --scenario "$WORK/wide.toml" --record "$WORK/replay.hioj"
# The replay's expectations: each listed, the final one not judged.
expect_line replay "expect:    1 of 2 passed, 1 not judged"
grep -q "^  --    client.echoed == 10  (not judged: interrupted (SIGINT) at tyme " "$WORK/replay.out" ||
  { echo "replay: final expectation judged"; cat "$WORK/replay.out"; exit 1; }
expect_line replay "  ok    busy.runs >= 0  (held on every pass until interrupted)"
# The journal of that interrupted replay: its replay stops where it was
# interrupted and judges the expectations there; its exit is the verdicts'.
"$HIO" replay "$WORK/replay.hioj" > "$WORK/replay_again.out" 2>&1
judged_at_end replay_again $? SIGINT client.echoed 10
# SIGINT while the scenario is still being built (200,000 tickers: seconds
# of building): run, check and sweep end at once, exit 130, saying so; run
# --record leaves no journal. The signal is sent once hio catches SIGINT
# (/proc: SigCgt), before which a background job of sh ignores it. (Unfixed,
# hio caught it only when the run began: the signal, ignored during the
# build, was lost and the run went on to its limit, exit 0.)
slow_build_scenario "$WORK/build.toml"
# catches_sigint PID: whether PID is hio by now and has a handler for SIGINT
# (bit 2 of SigCgt). Not before its exec: the forked shell, for a moment,
# still has sh's own handler, and a signal then ended it with exit 130
# before it opened the output files (a flake: "build_run.err: No such file").
catches_sigint() { catches "$HIO" "$1" 0x2; }
# stopped_now PID: whether PID is stopped (by SIGSTOP) by now.
stopped_now() { [ "$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2> /dev/null)" = T ]; }
# rss_kb PID: its resident memory now, in kB (0 once it is gone).
rss_kb() {
  rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$1/status" 2> /dev/null)
  echo "${rss:-0}"
}
# grown_past PID KB: whether PID's resident memory is KB or more by now.
grown_past() { [ "$(rss_kb "$1")" -ge "$2" ]; }
# held_in_build PID KB: holds PID still (SIGSTOP) at a moment its resident
# memory has grown to KB or more (its build under way) and returns 0, hio
# left stopped; 1 if that was not seen within 10 s (scaled). hio runs only in
# slices of about 10 ms between looks, each look made while it is stopped,
# so the look and the signal that follows see the same moment: a look, then
# a stop, could straddle the end of the build, which takes under half a
# second (a flake on a loaded machine: "not interrupted in its build").
held_in_build() {
  held_i=0
  while [ $held_i -lt $(($(scaled 10) * 50)) ]; do
    kill -STOP "$1" 2> /dev/null || return 1
    held_j=0
    while ! stopped_now "$1" && [ $held_j -lt 1000 ]; do held_j=$((held_j + 1)); done
    grown_past "$1" "$2" && return 0
    kill -CONT "$1"
    sleep 0.01
    held_i=$((held_i + 1))
  done
  return 1
}
# during_build NAME COMMAND...: SIGINT once hio catches it and its memory
# has grown 8 MB past what it had then (the 200,000 doers take some 80 MB:
# the build is under way), then exit 130 with the build's interruption on
# stderr. hio catches SIGINT from its start (since session 15), while its
# arguments and the scenario are still read: a signal sent at once could
# land there, "interrupted (SIGINT) while the scenario was read" (a flake).
# SIGINT is sent while hio is held still (held_in_build): it stays pending
# and is taken the moment hio goes on, with most of its doers still to
# build. Up to 3 tries: a try whose shell was kept off the CPU for the rest
# of the build (a slice of 10 ms that lasted longer) tells nothing of hio;
# a hio that never ends its build when interrupted fails all three.
during_build() {
  name=$1
  shift
  tries=0
  while :; do
    tries=$((tries + 1))
    rm -f "$WORK/build.hioj"  # what a try that ran on recorded (build_run)
    "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" &
    pid=$!
    await_or_fail 10 $pid "$name: its SIGINT handler" catches_sigint $pid
    start=$(rss_kb $pid)
    held_in_build $pid $((start + 8192)) || {
      kill -KILL $pid 2> /dev/null
      wait $pid
      echo "$name: never held in its build"
      exit 1
    }
    kill -INT $pid
    kill -CONT $pid
    wait $pid
    rc=$?
    grep -qxF "hio $2: interrupted (SIGINT) while the scenario was built" "$WORK/$name.err" && break
    [ $tries -lt 3 ] || break
    echo "$name: try $tries not interrupted in its build; again"
  done
  if [ $rc -ne 130 ]; then
    echo "$name: exit $rc, expected 130"; cat "$WORK/$name.out" "$WORK/$name.err"; exit 1
  fi
  grep -qxF "hio $2: interrupted (SIGINT) while the scenario was built" "$WORK/$name.err" ||
    { echo "$name: not interrupted in its build"; cat "$WORK/$name.out" "$WORK/$name.err"; exit 1; }
}
during_build build_run "$HIO" run "$WORK/build.toml" --limit 2s --record "$WORK/build.hioj"
[ ! -e "$WORK/build.hioj" ] || { echo "build_run: a journal was left"; exit 1; }
during_build build_check "$HIO" check "$WORK/build.toml"
during_build build_sweep "$HIO" sweep "$WORK/build.toml" --seeds 1..3 --jobs 1
# hio sweep started with SIGHUP ignored: a SIGHUP while its seeds run is
# not taken by its own watcher either; every seed runs to its end, exit 0
# (unfixed: interrupted, 129). The SIGHUP is sent while the sweep is held
# (SIGSTOP) with its signal watcher seen running, so it comes during the
# watch, however fast or slow the seeds (real time, 300 ms each).
printf '[run]\nmode = "real"\ntock = "10ms"\nlimit = "300ms"\n[[doer]]\nkind = "ticker"\nname = "t"\n' \
  > "$WORK/paced.toml"
(trap '' HUP; exec "$HIO" sweep "$WORK/paced.toml" --seeds 1..3 --jobs 1) \
  > "$WORK/nohup_sweep.out" 2> "$WORK/nohup_sweep.err" &
pid=$!
# The watcher waits in sigtimedwait 50 ms at a time (tools/src/sweep.cpp):
# a stop that lands between two waits is let go (CONT) and made again, up to
# 20 times, rather than failing the test for a moment the machine picked.
held=0
while [ $held -lt 20 ]; do
  await_or_fail 10 $pid "nohup_sweep: its signal watcher" sweep_watching $pid
  kill -STOP $pid
  await_or_fail 10 $pid "nohup_sweep: a stop" stopped_now $pid
  sweep_watching $pid && break
  kill -CONT $pid
  held=$((held + 1))
done
[ $held -lt 20 ] || { kill -KILL $pid; echo "nohup_sweep: never held while its watcher waited (20 tries)"; exit 1; }
kill -HUP $pid
kill -CONT $pid
wait $pid
rc=$?
[ $rc -eq 0 ] || { echo "nohup_sweep: exit $rc, expected 0"; cat "$WORK/nohup_sweep.out" "$WORK/nohup_sweep.err"; exit 1; }
grep -qxF "3 of 3 seeds passed" "$WORK/nohup_sweep.out" || { echo "nohup_sweep: not every seed ran"; cat "$WORK/nohup_sweep.out"; exit 1; }
echo ok
