#!/bin/sh
# hio salvage stopped by SIGTERM (exit 143) or SIGINT (exit 130) leaves an
# existing OUT as it was, and no file beside it; none where there was none
# (unfixed: OUT was cut open before the scan and the signal killed hio, OUT
# empty or half-written). IN is a pipe that gives all but the last 1000 bytes
# of a 160 KB journal and then nothing: hio waits on it, past the header (the
# writer has handed it all but the pipe's 64 KiB buffer), so the signal comes
# mid-salvage every time.
# Usage: cli_salvage_interrupt.sh HIO SCENARIOS WORK
set -u
HIO=$1 SCENARIOS=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1

fail() {
  echo "$1"
  [ $# -gt 1 ] && cat "$WORK/$2.out" "$WORK/$2.err"
  exit 1
}

"$HIO" run "$SCENARIOS/udp_request_response.toml" --record "$WORK/in.hioj" > /dev/null ||
  fail "cannot record the input"
size=$(wc -c < "$WORK/in.hioj")
[ "$size" -gt 100000 ] || fail "the input has $size bytes, too few to fill a pipe"

# stopped NAME SIGNAL CODE OUT: salvages the pipe into OUT, sends SIGNAL once
# the bytes sent are taken, checks exit CODE and the message.
stopped() {
  name=$1 signal=$2 code=$3 out=$4
  rm -f "$WORK/fifo" && mkfifo "$WORK/fifo" || exit 1
  "$HIO" salvage - "$out" < "$WORK/fifo" > "$WORK/$name.out" 2> "$WORK/$name.err" &
  pid=$!
  exec 3> "$WORK/fifo"
  head -c $((size - 1000)) "$WORK/in.hioj" >&3
  kill -"$signal" $pid
  wait $pid
  rc=$?
  exec 3>&-
  [ $rc -eq "$code" ] || fail "$name: exit $rc, expected $code" "$name"
  grep -q "^hio salvage: interrupted (SIG$signal) after [0-9]* pass frames: $out not written (a file there is as it was)$" \
    "$WORK/$name.err" || fail "$name: no interrupted line" "$name"
}

mkdir "$WORK/d"
printf 'an older journal\n' > "$WORK/d/out.hioj"
stopped term TERM 143 "$WORK/d/out.hioj"
[ "$(cat "$WORK/d/out.hioj")" = "an older journal" ] || fail "SIGTERM: OUT changed" term
[ "$(ls "$WORK/d")" = "out.hioj" ] || fail "SIGTERM: files left beside OUT: $(ls "$WORK/d")" term
stopped int INT 130 "$WORK/d/out.hioj"
[ "$(cat "$WORK/d/out.hioj")" = "an older journal" ] || fail "SIGINT: OUT changed" int
stopped none TERM 143 "$WORK/d/new.hioj"
[ "$(ls "$WORK/d")" = "out.hioj" ] || fail "no OUT before: files left: $(ls "$WORK/d")" none

# Not stopped, the same salvage replaces OUT.
"$HIO" salvage - "$WORK/d/out.hioj" < "$WORK/in.hioj" > "$WORK/whole.out" 2> "$WORK/whole.err" ||
  fail "salvage: exit $?" whole
cmp -s "$WORK/in.hioj" "$WORK/d/out.hioj" || fail "salvage of a complete journal: not the same bytes" whole
echo ok
