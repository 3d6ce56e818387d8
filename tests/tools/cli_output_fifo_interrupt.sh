#!/bin/sh
# A stop signal while hio opens an output that blocks - a FIFO with no reader
# as hio run --record, hio replay --record or hio salvage's OUT - ends the
# command with only the interruption said (exit 130 for SIGINT, 143 for
# SIGTERM), as a wait on a standard input does (cli_stdin_interrupt.sh).
# Unfixed, stderr first said "ff: cannot create the journal: Interrupted
# system call" (salvage: "journal cannot create 'ff': ..."). With --json the
# stdout is one error object with the exit code. Every wait is bounded.
# Usage: cli_output_fifo_interrupt.sh HIO SCENARIOS WORK
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 SCENARIOS=$2 WORK=$3
command -v python3 > /dev/null 2>&1 || { echo "no python3 (the FIFOs' stalled reader): skipped"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
"$HIO" run "$SCENARIOS/quickstart.toml" --record j.hioj > /dev/null || { echo "no journal"; exit 1; }
mkfifo ff || exit 1

# opening_fifo PID: whether hio (PID, catching SIGINT and SIGTERM: not the
# forked shell) waits for a reader of the FIFO it opens. That open leaves no
# mark on the FIFO: it is non-blocking (open_unless_stopped: ENXIO while no
# reader has the FIFO open), tried again every 100 ms; between the tries hio
# sleeps, in its only nanosleep on the way to a run (/proc/PID/wchan names
# where its main thread sleeps: hrtimer_nanosleep, do_nanosleep on older
# kernels).
opening_fifo() {
  catches "$HIO" "$1" 0x4002 || return 1
  case "$(cat "/proc/$1/wchan" 2> /dev/null)" in
    *nanosleep) return 0 ;;
  esac
  return 1
}

# stopped NAME SIGNAL CODE LINE ARGS...: hio ARGS waits to open ff; SIGNAL,
# once it does, ends it with exit CODE within 5 s, stderr only LINE.
stopped() {
  name=$1 signal=$2 code=$3 line=$4
  shift 4
  "$HIO" "$@" > "$name.out" 2> "$name.err" &
  pid=$!
  await_or_fail 30 $pid "$name: the open of ff" opening_fifo $pid
  kill -"$signal" $pid
  reap_within 50 $pid "$name: still opening ff 5 s after SIG$signal"
  rc=$?
  [ $rc -eq "$code" ] || { echo "$name: exit $rc, expected $code"; cat "$name.err"; exit 1; }
  printf '%s\n' "$line" > "$name.expected"
  cmp -s "$name.err" "$name.expected" ||
    { echo "$name: stderr is not only '$line':"; cat "$name.err"; exit 1; }
}

# Where the kernel does not say where a process sleeps (/proc/PID/wchan
# shows 0), no sign says that hio waits to open ff: those cases are left out
# (a sleep(1) is the probe), rather than signalled after a pause, which
# tested another moment on a slow machine (hio still building its run).
# The probe is asked once it sleeps: exec'd (no longer the forked shell) and
# in state S, which sleep(1) is only in its nanosleep. (Unfixed, 5 s, not
# scaled, for wchan to say nanosleep; a probe slower to start left the cases
# out.)
asleep() {
  [ "$(readlink "/proc/$1/exe" 2> /dev/null)" != "$(readlink "/proc/$$/exe")" ] &&
    [ "$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -d' ' -f1)" = S ]
}
sleep 30 &
sleeper=$!
await_or_fail 30 $sleeper "the probe: sleep(1) asleep" asleep $sleeper
wchan=$(cat "/proc/$sleeper/wchan" 2> /dev/null)
kill $sleeper
wait $sleeper 2> /dev/null
opened="while the scenario was set up (its journal was being opened)"
case "$wchan" in *nanosleep) wchan_says_sleep=1 ;; *) wchan_says_sleep=0 ;; esac
if [ $wchan_says_sleep -eq 0 ]; then
  echo "note: /proc/PID/wchan names no sleep here: the signals while ff is opened are not tried"
else
  stopped run INT 130 "hio run: interrupted (SIGINT) $opened" run "$SCENARIOS/quickstart.toml" --record ff
  stopped replay TERM 143 "hio replay: interrupted (SIGTERM) $opened" replay j.hioj --record ff
  stopped salvage INT 130 "hio salvage: interrupted (SIGINT) while ff was opened: nothing written" \
    salvage j.hioj ff
  stopped json TERM 143 "hio run: interrupted (SIGTERM) $opened" run "$SCENARIOS/quickstart.toml" --json --record ff
  grep -q '^{"error": "hio run: interrupted (SIGTERM) while.*"exit": 143, ' json.out ||
    { echo "json: no error object with exit 143:"; cat json.out; exit 1; }
  [ "$(wc -l < json.out)" -eq 1 ] || { echo "json: not one line:"; cat json.out; exit 1; }
fi

# interrupt_when_stuck NAME: hio ($pid) writes into ff, whose reader
# ($reader, stalled_reader) never reads; once the pipe is full,
# SIGINT must end it with exit 130 within 5 s (NAME.err holds its stderr).
interrupt_when_stuck() {
  name=$1
  await_or_fail 60 $pid "$name: a write to the full ff" filled ff $reader
  kill -INT $pid
  reap_within 50 $pid "$name: still writing to the full ff 5 s after SIGINT"
  rc=$?
  kill $reader
  wait $reader 2> /dev/null
  trap - EXIT
  [ $rc -eq 130 ] || { echo "$name: exit $rc, expected 130"; cat "$name.err"; exit 1; }
}

# A reader that opens ff and never reads: once the pipe is full, hio waits to
# write its journal, and SIGINT ends the wait (unfixed, write(2)'s EINTR was
# retried: hio hung, Ctrl-C unheard). The journal is cut there, said as a
# write error, and the code is the signal's (as for a reader that dies while
# hio stops). The run (an hour of tyme, ~60 MB of journal) is still writing
# when the pipe fills: the pipe must be full before the signal.
stalled_reader ff &
reader=$!
trap 'kill $reader 2> /dev/null' EXIT  # also when the test fails
"$HIO" run "$SCENARIOS/udp_request_response.toml" --set run.limit=1h --record ff \
  > full.out 2> full.err &
pid=$!
interrupt_when_stuck full
printf '%s\n' "hio run: error: journal cannot write 'ff': its reader took no more before the stop \
signal: Interrupted system call" "hio run: interrupted (SIGINT)" > full.expected
cmp -s full.err full.expected ||
  { echo "full: stderr is not the cut journal and the interruption:"; cat full.err; exit 1; }

# The same for stdout: a FIFO whose reader never reads (hio run --counters
# writes ~10,000 lines); unfixed, the blocked write(2) was retried after
# SIGINT's EINTR (or went on after its short count): hio hung until the
# reader died. Now the output is cut there and said, exit 130 - also when a
# second signal comes while hio waits for room (it interrupted that wait,
# and the write(2) that followed blocked on the full pipe: hung again).
# stdout_cut NAME SIGNAL...: the signals 50 ms apart; the first one wins.
stdout_cut() {
  name=$1
  shift
  stalled_reader ff &
  reader=$!
  trap 'kill $reader 2> /dev/null' EXIT
  "$HIO" run "$SCENARIOS/scale_10k.toml" --counters > ff 2> "$name.err" &
  pid=$!
  await_or_fail 60 $pid "$name: a write to the full ff" filled ff $reader
  for signal in "$@"; do
    kill -"$signal" $pid
    sleep 0.05
  done
  reap_within 50 $pid "$name: still writing to the full ff 5 s after SIG$*"
  rc=$?
  kill $reader
  wait $reader 2> /dev/null
  trap - EXIT
  [ $rc -eq 130 ] || { echo "$name: exit $rc, expected 130"; cat "$name.err"; exit 1; }
  printf '%s\n' "hio run: interrupted (SIGINT)" \
    "hio run: cannot write the output (stdout): its reader took no more before the stop signal" \
    > "$name.expected"
  cmp -s "$name.err" "$name.expected" ||
    { echo "$name: stderr is not the interruption and the cut output:"; cat "$name.err"; exit 1; }
}
stdout_cut stdout_full INT
stdout_cut stdout_full_twice INT TERM

# The same for a sweep's stdout (--json: a line per seed): its threads block
# the stop signals (its watcher takes them by sigtimedwait), so no signal
# interrupts the blocked write(2). Unfixed, hio went on waiting after SIGINT
# until the reader died (then exit 141, SIGPIPE, not 130). hio must wait in
# a write to the full pipe before the signal.
stalled_reader ff &
reader=$!
trap 'kill $reader 2> /dev/null' EXIT
"$HIO" sweep "$SCENARIOS/quickstart.toml" --seeds 1..100000 --set run.limit=250ms --json \
  > ff 2> sweep_full.err &
pid=$!
interrupt_when_stuck sweep_full
# The interruption is said on stderr too, as by hio run (stdout_full): the
# sweep's stdout, which says it, is cut (unfixed: only the cut output said).
printf '%s\n' "hio sweep: interrupted (SIGINT)" \
  "hio sweep: cannot write the output (stdout): its reader took no more before the stop signal" \
  > sweep_full.expected
cmp -s sweep_full.err sweep_full.expected ||
  { echo "sweep_full: stderr is not the interruption and the cut output:"; cat sweep_full.err; exit 1; }

# The same when the reader of the sweep's stdout has gone (with --out, a
# reader gone does not end the sweep: its report is written): exit 130, and
# stderr says the interruption (unfixed: nothing; stdout, which says it, is
# gone).
"$HIO" sweep "$SCENARIOS/quickstart.toml" --seeds 1..100000 --set run.limit=250ms \
  --out sweep_gone_dir > ff 2> sweep_gone.err &
pid=$!
: < ff  # the reader comes, and goes at once (before hio starts)
# The signal once the sweep's runs come, not during its scenario's check
# (a second after hio started, that check was still going under TSan).
await_or_fail 60 $pid "sweep_gone: its report.json" report_begun $pid sweep_gone_dir
kill -INT $pid
reap_within 50 $pid "sweep_gone: still running 5 s after SIGINT"
rc=$?
[ $rc -eq 130 ] || { echo "sweep_gone: exit $rc, expected 130"; cat sweep_gone.err; exit 1; }
grep -qx "hio sweep: interrupted (SIGINT)" sweep_gone.err ||
  { echo "sweep_gone: the interruption is not said on stderr:"; cat sweep_gone.err; exit 1; }

# A signal that comes before hio opens ff - while the scenario is parsed,
# after its file was read - interrupts no open(2): unfixed, the open that
# followed waited for a reader for ever, Ctrl-C unheard. The scenario is
# large enough (100,000 doers, 4 MB) that parsing it takes a while after
# the read; SIGINT is sent as soon as hio has read the whole file (its
# rchar in /proc), and the test fails if hio was already in the FIFO's open
# then (it would not test the early signal).
awk 'BEGIN { print "[run]\nlimit = \"10ms\""
             for (i = 0; i < 100000; i++) printf "[[doer]]\nkind = \"ticker\"\nname = \"t%d\"\n", i }' \
  > big.toml
size=$(wc -c < big.toml)
# read_whole PID SIZE: hio (PID) has read SIZE bytes (rchar in /proc).
# Unfixed, the wait ran out after 5 s (not scaled) and signalled anyway.
read_whole() {
  [ "$(awk '$1 == "rchar:" { print $2 }' "/proc/$1/io" 2> /dev/null || echo 0)" -ge "$2" ]
}
"$HIO" run big.toml --record ff > early.out 2> early.err &
pid=$!
await_or_fail 30 $pid "early: the end of big.toml" read_whole $pid "$size"
# (Where /proc/PID/wchan names no sleep, opening_fifo never holds: the
# signal is taken as early.)
in_open=0
opening_fifo $pid && in_open=1
kill -INT $pid
[ $in_open -eq 0 ] ||
  { kill -KILL $pid; wait $pid; echo "early: hio was in ff's open already: not an early signal"; exit 1; }
# hio parses big.toml to its end before it heeds the signal (toml++ is not
# interrupted): 4 s in release on a loaded machine, 44 s under TSan, so the
# bound is scaled (unscaled, the TSan build failed here); unfixed, the open
# waited for ever.
reap_within $(($(scaled 10) * 10)) $pid \
  "early: still opening ff $(scaled 10) s after a SIGINT that came before the open"
rc=$?
[ $rc -eq 130 ] || { echo "early: exit $rc, expected 130"; cat early.err; exit 1; }
printf '%s\n' "hio run: interrupted (SIGINT) $opened" > early.expected
cmp -s early.err early.expected ||
  { echo "early: stderr is not only the interruption:"; cat early.err; exit 1; }
echo ok
