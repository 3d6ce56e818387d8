#!/bin/sh
# hio inspect and hio diff stopped by SIGTERM or SIGINT while they read a
# journal: they stop at that read and say so (exit 143, 130), and with
# --json stdout still ends with a JSON object - inspect's lines end with the
# error line of the read the signal cut, diff (no result) gives the error
# object. Unfixed, the signal killed them at once: inspect's lines ended with
# an event (or inside one), diff printed nothing. The journals come from
# FIFOs whose writer (this shell) sends half a journal and stays open, so
# the reading never ends by itself. Every wait is bounded.
# Usage: cli_inspect_interrupt.sh HIO SCENARIOS WORK
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 SCENARIOS=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
fail() { echo "$1"; cat "$2" 2> /dev/null; exit 1; }
"$HIO" run "$SCENARIOS/tcp_echo_jitter.toml" --record j.hioj > /dev/null || fail "no journal" /dev/null
half=$(($(wc -c < j.hioj) / 2))
mkfifo fifo || exit 1

# stopped NAME SIGNAL CODE ARGS...: hio ARGS reads `fifo`, which has half of
# j.hioj while this shell holds its writing end open; SIGNAL, once hio has
# read that half, ends it with exit CODE within 5 s (half a second after its
# start, a sanitized hio on a loaded machine had read nothing yet). stdout:
# NAME.out, or $out if set.
out=
stopped() {
  name=$1 signal=$2 code=$3
  shift 3
  exec 3<> fifo  # open for writing without waiting for a reader (Linux)
  "$HIO" "$@" > "${out:-$name.out}" 2> "$name.err" 3>&- &
  pid=$!
  head -c $half j.hioj >&3
  await_or_fail 60 $pid "$name: the wait for the rest of fifo" waits_for_more "$HIO" $pid 3
  kill -"$signal" $pid
  reap_within 50 $pid "$name: still reading 5 s after SIG$signal"
  rc=$?
  exec 3>&-
  [ $rc -eq "$code" ] || fail "$name: exit $rc, expected $code" "$name.err"
}

stopped inspect TERM 143 inspect fifo --json
grep -q '"type":"event"\|"type": "event"\|"kind":"' inspect.out || fail "inspect: no line before the signal" inspect.out
tail -n 1 inspect.out | grep -q '^{"type":"error",.*}$' ||
  fail "inspect --json: stdout does not end with the error line" inspect.out
grep -qx "hio inspect: interrupted (SIGTERM): the rest of fifo was not read, no result" inspect.err ||
  fail "inspect: the interruption not said" inspect.err

stopped diff INT 130 diff j.hioj fifo --json
[ "$(wc -l < diff.out)" -eq 1 ] || fail "diff --json: not one line" diff.out
grep -q '^{"error": "hio diff: interrupted (SIGINT): the rest of j.hioj and fifo was not read, no result", "exit": 130, .*}$' \
  diff.out || fail "diff --json: no error object" diff.out

stopped diff_text TERM 143 diff fifo j.hioj
grep -qx "hio diff: interrupted (SIGTERM): the rest of fifo and j.hioj was not read, no result" diff_text.err ||
  fail "diff: the interruption not said" diff_text.err

# Stopped while stdout is stuck (a FIFO whose reader takes nothing) reading
# a whole file: the interruption is said once. Unfixed,
# StdoutWriter::finish said "hio: interrupted (SIGINT)" again after it. The
# signal comes once the FIFO is full (half a second after the start, a
# loaded machine's hio had not filled it).
mkfifo stuck || exit 1
stalled_reader stuck &
stuck_reader=$!
"$HIO" inspect j.hioj --json > stuck 2> stuck.err &  # more than a pipe holds
pid=$!
await_or_fail 20 $pid "a full stdout" filled stuck $stuck_reader
kill -INT $pid
reap_within 50 $pid "stuck stdout: still writing 5 s after SIGINT"
rc=$?
kill $stuck_reader
wait $stuck_reader 2> /dev/null
[ $rc -eq 130 ] || fail "stuck stdout: exit $rc, expected 130" stuck.err
[ "$(grep -c interrupted stuck.err)" -eq 1 ] || fail "stuck stdout: the interruption said twice" stuck.err
# ... as the output's: the journal was fine (unfixed: "the rest of j.hioj was
# not read").
grep -qx "hio inspect: interrupted (SIGINT) while stdout took no more: the output of j.hioj is cut short, no result" \
  stuck.err || fail "stuck stdout: the interruption not said as the output's" stuck.err
grep -q "cannot write the output (stdout)" stuck.err || fail "stuck stdout: the write not said" stuck.err

# A regular file is read at once whatever signal was caught (stop_read.cpp),
# so inspect itself asks for a stop before each block (ReaderOptions::stop).
# A journal of 6.6 MB whose reading is held at a known point: stdout is a
# FIFO that fills (its reader stalls) while much of the journal is unread;
# hio is then stopped (SIGSTOP), gets SIGINT, stdout is drained and hio goes
# on (SIGCONT): its next block ends the reading. Unfixed, it read the rest,
# printed every event and said nothing of the journal (a 2.6 GB one ran 23 s
# after Ctrl-C). No timing decides the verdict: each step waits for the last.
sed -n '/^\[\[expect\]\]/q; s/^requests = 200$/requests = 1000/; s/^size = 64$/size = 1000/
  s/^interval = "5ms"$/interval = "1ms"/; s/^limit = "3s"$/limit = "30s"/; p' \
  "$SCENARIOS/udp_request_response.toml" > big.toml
"$HIO" run big.toml --record big.hioj > /dev/null || fail "no big journal" /dev/null
mkfifo held || exit 1
stalled_reader held &
stall=$!
"$HIO" inspect big.hioj > held 2> regular.err &
pid=$!
await_or_fail 20 $pid "a full stdout" filled held $stall
kill -STOP $pid
await_or_fail 10 $pid "being stopped" is_stopped $pid
kill -INT $pid
cat held > regular.out &  # a second reader: drains the pipe in one read
drain=$!
drained() { [ -s regular.out ]; }
await_or_fail 10 $pid "a drained stdout" drained
kill $stall
wait $stall 2> /dev/null
kill -CONT $pid
reap_within 50 $pid "regular file: still reading 5 s after SIGINT"
rc=$?
wait $drain
[ $rc -eq 130 ] || fail "regular file: exit $rc, expected 130" regular.err
grep -qx "hio inspect: interrupted (SIGINT): the rest of big.hioj was not read, no result" \
  regular.err || fail "regular file: the interruption not said as the journal's" regular.err

# diff reads regular files as inspect does, asking for a stop before each
# block (ReaderOptions::stop): SIGINT while it compares two journals of 21 MB
# ends it at its next block, said as the journals' (exit 130). hio is held
# (SIGSTOP) where it has both files open and neither read to its end (their
# offsets in /proc's fdinfo), then gets SIGINT and goes on (SIGCONT). Unfixed,
# it read both to their ends and said "same" (exit 0). A diff that ends
# before it is caught so is run again, 3 times at most: no timing decides
# the verdict, and every wait is bounded (the diff ends by itself).
sed 's/^requests = 1000$/requests = 50000/; s/^size = 1000$/size = 10/
  s/^limit = "30s"$/limit = "100s"/' big.toml > long.toml
"$HIO" run long.toml --record long.hioj > /dev/null || fail "no long journal" /dev/null
ln long.hioj again.hioj 2> /dev/null || cp long.hioj again.hioj || exit 1
size=$(wc -c < long.hioj)
# The offsets of hio's ($pid's) descriptors of long.hioj and again.hioj.
offsets() {
  for fd in /proc/$pid/fd/*; do
    case $(readlink "$fd" 2> /dev/null) in
      */long.hioj | */again.hioj) sed -n 's/^pos:[[:space:]]*//p' "/proc/$pid/fdinfo/${fd##*/}" ;;
    esac
  done
}
state() { sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$pid/status" 2> /dev/null; }
stopped_or_ended() { case $(state) in T | Z | '') return 0 ;; esac; return 1; }
held=
for attempt in 1 2 3; do
  "$HIO" diff long.hioj again.hioj > mid.out 2> mid.err &
  pid=$!
  while kill -STOP $pid 2> /dev/null; do
    await_or_fail 10 $pid "being stopped" stopped_or_ended
    [ "$(state)" = T ] || break  # it ended first
    # shellcheck disable=SC2046 # two numbers
    set -- $(offsets)
    if [ $# -eq 2 ] && [ "$1" -gt 0 ] && [ "$1" -lt "$size" ] && [ "$2" -gt 0 ] &&
      [ "$2" -lt "$size" ]; then
      held=$attempt
      break
    fi
    kill -CONT $pid
    sleep 0.01
  done
  [ -n "$held" ] && break
  wait $pid
done
[ -n "$held" ] || fail "diff read both journals to their ends before it was held, 3 times" mid.out
kill -INT $pid
kill -CONT $pid
reap_within 50 $pid "diff of regular files: still reading 5 s after SIGINT"
rc=$?
[ $rc -eq 130 ] || fail "diff of regular files: exit $rc, expected 130" mid.err
grep -qx "hio diff: interrupted (SIGINT): the rest of long.hioj and again.hioj was not read, no result" \
  mid.err || fail "diff of regular files: the interruption not said as the journals'" mid.err

# The same with stdout on a full device while the journal still comes: the
# line says the output was cut (stdout's own error after it).
if [ -w /dev/full ]; then
  out=/dev/full
  stopped full TERM 143 inspect fifo
  out=
  grep -qx "hio inspect: interrupted (SIGTERM) while stdout took no more: the output of fifo is cut short, no result" \
    full.err || fail "full stdout: the interruption not said as the output's" full.err
  grep -q "cannot write the output (stdout): No space left on device" full.err ||
    fail "full stdout: the write not said" full.err
fi
echo ok
