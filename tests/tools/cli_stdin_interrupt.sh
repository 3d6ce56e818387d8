#!/bin/sh
# A stop signal while hio waits for a scenario on its standard input (`-`)
# ends the command at once: hio run -, check -, sweep - and replay J
# --scenario - read from a FIFO whose writer (this shell) stays open, so the
# text never ends. SIGINT and SIGTERM give 130 and 143 (SIGHUP, 129, may come in
# ignored, under nohup, and then stays ignored), and
# "interrupted (...) while the scenario was read", with no error about the
# half-sent text. Unfixed, the read went on after the signal (EINTR retried)
# until the writer left. Every wait is bounded.
# Usage: cli_stdin_interrupt.sh HIO SCENARIOS WORK (exit 77: skipped, no
# python3: lib.sh's taken)
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 SCENARIOS=$2 WORK=$3
command -v python3 > /dev/null 2>&1 || { echo "no python3 (the FIFO's unread bytes): skipped"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
"$HIO" run "$SCENARIOS/quickstart.toml" --record j.hioj > /dev/null || { echo "no journal"; exit 1; }
mkfifo text || exit 1

# stopped NAME SIGNAL CODE ARGS...: hio ARGS reads `text` while this shell
# holds its writing end open; SIGNAL, once hio waits for the rest of the
# text, ends it with exit CODE within 5 s. (Half a second after its start, a
# sanitized hio on a loaded machine had no handler yet: SIGTERM ended it
# unsaid, SIGINT was lost and the read went on.)
stopped() {
  name=$1 signal=$2 code=$3
  shift 3
  exec 3<> text  # open for writing without waiting for a reader (Linux)
  printf '[run]\nname = "cut"\n' >&3
  "$HIO" "$@" < text > "$name.out" 2> "$name.err" 3>&- &
  pid=$!
  await_or_fail 60 $pid "$name: the wait for the rest of the scenario" waits_for_more "$HIO" $pid 3
  kill -"$signal" $pid
  # (A test that ends there closes fd 3 as it exits.)
  reap_within 50 $pid "$name: still reading 5 s after SIG$signal"
  rc=$?
  exec 3>&-
  [ $rc -eq "$code" ] || { echo "$name: exit $rc, expected $code"; cat "$name.err"; exit 1; }
  grep -qxF "hio $1: interrupted (SIG$signal) while the scenario was read" "$name.err" ||
    { echo "$name: not interrupted while reading"; cat "$name.err"; exit 1; }
  ! grep -q -- "^-:" "$name.err" || { echo "$name: the cut text was loaded"; cat "$name.err"; exit 1; }
}

stopped run INT 130 run -
stopped check TERM 143 check -
stopped sweep TERM 143 sweep - --seeds 1..3
stopped replay INT 130 replay j.hioj --scenario -
echo ok
