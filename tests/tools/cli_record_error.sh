#!/bin/sh
# A journal that fails to be written after `--record FILE` took its place (the
# run writes without a name, or under a temporary one beside FILE, and links
# or renames it once the tree is built and the header written): the error
# names FILE. The failing write is real: a file size
# limit (ulimit -f, with SIGXFSZ ignored, so write(2) fails with EFBIG), the
# same path as a full disk or EIO. /dev/full is written directly.
# Usage: cli_record_error.sh HIO SCENARIOS WORK
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 SCENARIOS=$2 WORK=$3
umask 022  # the read-only directory case runs as nobody, who must reach $WORK
chmod -R u+w "$WORK" 2> /dev/null  # a read-only directory an earlier run left
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
fail() { echo "$1"; cat "$WORK/$2.err"; exit 1; }

# limited NAME COMMAND...: runs COMMAND with files limited to 8 blocks (4
# KiB in dash's 512-byte blocks, 8 KiB in bash's: more than the journal's
# header, less than the journal); it must fail with exit 4 (the output could
# not be written) and an error naming $WORK/NAME.hioj, not a temporary name.
# What was written before the failure is FILE (a journal cut short) - unless
# even the header could not be written (KEPT given): then FILE is as it was
# before, holding KEPT, as it is when the run is killed before its header.
# No temporary file is left beside it.
limited() {
  name=$1 kept=$2
  shift 2
  (trap '' XFSZ; ulimit -f 8 && exec "$@") > "$WORK/$name.out" 2> "$WORK/$name.err"
  rc=$?
  [ $rc -eq 4 ] || fail "$name: exit $rc, expected 4" "$name"
  grep -q "cannot write '$WORK/$name.hioj': File too large" "$WORK/$name.err" ||
    fail "$name: the error does not name FILE" "$name"
  grep -q "$name\.hioj\." "$WORK/$name.err" && fail "$name: the error names a temporary file" "$name"
  [ -f "$WORK/$name.hioj" ] || fail "$name: no FILE" "$name"
  if [ -n "$kept" ]; then
    [ "$(cat "$WORK/$name.hioj")" = "$kept" ] || fail "$name: FILE changed" "$name"
  else
    "$HIO" inspect "$WORK/$name.hioj" > /dev/null 2> "$WORK/$name.inspect" &&
      fail "$name: FILE is not cut short" "$name"
    grep -q "^hio inspect: [^:]*: byte [0-9]* (after pass " "$WORK/$name.inspect" ||
      fail "$name: FILE is not a journal cut after a pass" "$name.inspect"
  fi
  leftover=$(ls "$WORK" | grep "^$name\.hioj\.")
  [ -z "$leftover" ] || fail "$name: temporary file left: $leftover" "$name"
}

limited run "" "$HIO" run "$SCENARIOS/udp_request_response.toml" --record "$WORK/run.hioj"
# The run the failed write stopped is summarized where it stopped, as an
# interrupted run is, and its journal said incomplete (unfixed: nothing on
# stdout, and only the write's error on stderr: no passes, no tyme, no hint of
# how much the journal kept).
grep -q "^run: .*, ended: interrupted: the journal could not be written past its first " "$WORK/run.out" ||
  { cat "$WORK/run.out"; fail "run: no summary of the run the journal's failure stopped" run; }
# It says where the file's intact part ends: the bytes that reached FILE (a
# write fails at a buffer's flush, up to 64 KiB after them; unfixed, the
# summary gave the run's position as the journal's).
bytes=$(wc -c < "$WORK/run.hioj" | tr -d ' ')
grep -q "^run: .*could not be written past its first $bytes bytes (the figures below count up to the failed write, up to 64 KiB later)$" \
  "$WORK/run.out" || { cat "$WORK/run.out"; fail "run: not where the file's intact part ends ($bytes bytes)" run; }
grep -q "^passes:    [1-9][0-9]* (" "$WORK/run.out" || fail "run: the summary has no passes" run
grep -qx "journal:   $WORK/run.hioj (incomplete)" "$WORK/run.out" ||
  { cat "$WORK/run.out"; fail "run: the journal is not said incomplete" run; }
# Its `final` expectations have no end to be judged at, as an interrupted run's.
grep -q "not judged: the run stopped at tyme [0-9.]* s when its journal could not be written; the journal's intact part ends earlier" \
  "$WORK/run.out" || { cat "$WORK/run.out"; fail "run: final expectations judged" run; }
[ "$(grep -c . "$WORK/run.err")" -eq 1 ] || fail "run: more than the error line on stderr" run
# A journal under the writer's 64 KiB buffer fails only at its end, once the
# run has reached it: the run ended as it would have (its `final`
# expectations judged), only the journal's end is missing (exit 4 all the
# same). Unfixed: "ended: interrupted" and "not judged: the run stopped".
limited end "" "$HIO" run "$SCENARIOS/tcp_echo_jitter.toml" --record "$WORK/end.hioj"
grep -qx "run: .*, ended: limit; the journal's end could not be written" "$WORK/end.out" ||
  { cat "$WORK/end.out"; fail "end: the run that reached its end is not said ended" end; }
grep -qx "expect:    4 of 4 passed" "$WORK/end.out" ||
  { cat "$WORK/end.out"; fail "end: final expectations not judged" end; }
grep -qx "journal:   $WORK/end.hioj (incomplete)" "$WORK/end.out" ||
  { cat "$WORK/end.out"; fail "end: the journal is not said incomplete" end; }
# --json: the summary, then the error object (as for a journal lost at the end).
(trap '' XFSZ; ulimit -f 8 && exec "$HIO" run "$SCENARIOS/udp_request_response.toml" \
  --record "$WORK/runj.hioj" --json) > "$WORK/runj.out" 2> "$WORK/runj.err"
rc=$?
[ $rc -eq 4 ] || fail "run --json: exit $rc, expected 4" runj
head -n 1 "$WORK/runj.out" |
  grep -q "^{\"name\": .*\"end\": \"interrupted\", .*\"journal\": \"$WORK/runj.hioj\", \"journal_lost\": \"journal cannot write '$WORK/runj.hioj': File too large\"" ||
  { cat "$WORK/runj.out"; fail "run --json: no summary first" runj; }
tail -n 1 "$WORK/runj.out" | grep -q '^{"error": "hio run: error: journal cannot write .*File too large", "exit": 4, ' ||
  { cat "$WORK/runj.out"; fail "run --json: no error object last" runj; }
[ "$(wc -l < "$WORK/runj.out")" -eq 2 ] || { cat "$WORK/runj.out"; fail "run --json: not two lines" runj; }
# stopped_by_journal NAME: NAME's --json summary says the journal's failure
# stopped it, and where FILE ends (unfixed, hio replay --json said
# "identical" with nothing to tell it from a whole replay).
stopped_by_journal() {
  bytes=$(wc -c < "$WORK/$1.hioj" | tr -d ' ')
  head -n 1 "$WORK/$1.out" |
    grep -qF "\"journal_failed\": true, \"journal_failed_at_end\": false, \"journal_flushed_bytes\": $bytes," ||
    { cat "$WORK/$1.out"; fail "$1: no journal_failed fields" "$1"; }
}
stopped_by_journal runj

"$HIO" run "$SCENARIOS/udp_request_response.toml" --record "$WORK/recorded.hioj" \
  > "$WORK/recorded.out" 2> "$WORK/recorded.err" || fail "recording: exit $?" recorded
limited replay "" "$HIO" replay "$WORK/recorded.hioj" --record "$WORK/replay.hioj"
# hio replay --record is summarized as hio run is (unfixed: nothing on
# stdout): stopped where its journal failed, the comparison up to there (the
# doers' closes after it are not compared: no divergence), where the file's
# intact part ends, `final` expectations not judged.
bytes=$(wc -c < "$WORK/replay.hioj" | tr -d ' ')
grep -q "^replay:    .*: identical$" "$WORK/replay.out" ||
  { cat "$WORK/replay.out"; fail "replay: no summary, or not identical up to its journal's failure" replay; }
grep -qx "ended:     interrupted: the journal could not be written past its first $bytes bytes (the figures above count up to the failed write, up to 64 KiB later)" \
  "$WORK/replay.out" || { cat "$WORK/replay.out"; fail "replay: not where the file's intact part ends ($bytes bytes)" replay; }
grep -qx "journal:   $WORK/replay.hioj (incomplete)" "$WORK/replay.out" ||
  { cat "$WORK/replay.out"; fail "replay: the journal is not said incomplete" replay; }
grep -q "not judged: the run stopped at tyme [0-9.]* s when its journal could not be written; the journal's intact part ends earlier" \
  "$WORK/replay.out" || { cat "$WORK/replay.out"; fail "replay: final expectations judged" replay; }
[ "$(grep -c . "$WORK/replay.err")" -eq 1 ] || fail "replay: more than the error line on stderr" replay
# --json: the outcome, then the error object, as hio run's.
(trap '' XFSZ; ulimit -f 8 && exec "$HIO" replay "$WORK/recorded.hioj" \
  --record "$WORK/replayj.hioj" --json) > "$WORK/replayj.out" 2> "$WORK/replayj.err"
rc=$?
[ $rc -eq 4 ] || fail "replay --json: exit $rc, expected 4" replayj
head -n 1 "$WORK/replayj.out" |
  grep -q "^{\"name\": .*\"journal\": \"$WORK/replayj.hioj\", \"journal_lost\": \"journal cannot write '$WORK/replayj.hioj': File too large\"" ||
  { cat "$WORK/replayj.out"; fail "replay --json: no outcome first" replayj; }
tail -n 1 "$WORK/replayj.out" | grep -q '^{"error": "hio replay: error: journal cannot write .*File too large", "exit": 4, ' ||
  { cat "$WORK/replayj.out"; fail "replay --json: no error object last" replayj; }
stopped_by_journal replayj
# A replay journal under the writer's buffer fails only at its end: the
# replay reached it and is judged as it ended; only the journal's end is
# missing (exit 4 all the same).
"$HIO" run "$SCENARIOS/tcp_echo_jitter.toml" --record "$WORK/small.hioj" \
  > "$WORK/small.out" 2> "$WORK/small.err" || fail "recording: exit $?" small
limited replayend "" "$HIO" replay "$WORK/small.hioj" --record "$WORK/replayend.hioj"
grep -q "^replay:    .*: identical; the journal's end could not be written$" "$WORK/replayend.out" ||
  { cat "$WORK/replayend.out"; fail "replayend: the replay that reached its end is not said so" replayend; }
grep -qx "expect:    4 of 4 passed" "$WORK/replayend.out" ||
  { cat "$WORK/replayend.out"; fail "replayend: final expectations not judged" replayend; }
grep -qx "journal:   $WORK/replayend.hioj (incomplete)" "$WORK/replayend.out" ||
  { cat "$WORK/replayend.out"; fail "replayend: the journal is not said incomplete" replayend; }

# A header over the limit (a scenario text of 12 KiB): FILE keeps what it
# held (it used to become a file cut inside the header, which nothing reads).
{ cat "$SCENARIOS/udp_request_response.toml"; head -c 12000 /dev/zero | tr '\0' '#'; echo; } \
  > "$WORK/bighead.toml"
echo old > "$WORK/header.hioj"
limited header old "$HIO" run "$WORK/bighead.toml" --record "$WORK/header.hioj"

# A device is written directly: its own name.
if [ -w /dev/full ]; then
  "$HIO" run "$SCENARIOS/udp_request_response.toml" --record /dev/full \
    > "$WORK/full.out" 2> "$WORK/full.err"
  rc=$?
  [ $rc -eq 4 ] || fail "/dev/full: exit $rc, expected 4" full
  grep -q "cannot write '/dev/full': No space left on device" "$WORK/full.err" ||
    fail "/dev/full: the error does not name it" full
fi

# A scenario whose doers cannot be built writes nothing to a journal written
# directly, though a channel was opened before the doer that fails: only the
# build error is said (unfixed: first "hio: journal '/dev/full' was not
# finished and its last frames were lost: ...", about frames that never
# were), and a FIFO's reader gets no bytes (unfixed: a header and a frame of
# a run that never started, or a 16-byte preamble).
printf '%s\n' '[run]' 'name = "unbuilt"' 'mode = "real"' '' '[[doer]]' 'kind = "echo_server"' 'name = "server"' \
  'address = "tcp://127.0.0.1:0"' '' '[[doer]]' 'kind = "ticker"' 'name = "t"' 'count = -1' \
  > "$WORK/unbuilt.toml"
unbuilt_error="cannot build doer 't': count must be >= 0"
if [ -w /dev/full ]; then
  "$HIO" run "$WORK/unbuilt.toml" --record /dev/full > "$WORK/unbuilt.out" 2> "$WORK/unbuilt.err"
  rc=$?
  [ $rc -eq 2 ] || fail "unbuilt, /dev/full: exit $rc, expected 2" unbuilt
  [ "$(wc -l < "$WORK/unbuilt.err")" -eq 1 ] && grep -q "$unbuilt_error" "$WORK/unbuilt.err" ||
    fail "unbuilt, /dev/full: not the build error alone" unbuilt
fi
mkfifo "$WORK/unbuilt.fifo" || exit 1
cat "$WORK/unbuilt.fifo" > "$WORK/unbuilt.got" &
reader=$!
"$HIO" run "$WORK/unbuilt.toml" --record "$WORK/unbuilt.fifo" \
  > "$WORK/unbuilt_fifo.out" 2> "$WORK/unbuilt_fifo.err"
rc=$?
wait $reader
[ $rc -eq 2 ] || fail "unbuilt, FIFO: exit $rc, expected 2" unbuilt_fifo
[ "$(wc -l < "$WORK/unbuilt_fifo.err")" -eq 1 ] && grep -q "$unbuilt_error" "$WORK/unbuilt_fifo.err" ||
  fail "unbuilt, FIFO: not the build error alone" unbuilt_fifo
[ ! -s "$WORK/unbuilt.got" ] ||
  fail "unbuilt, FIFO: its reader got $(wc -c < "$WORK/unbuilt.got") bytes" unbuilt_fifo

# A directory as FILE: its reason, once (unfixed: "cannot create the journal:
# journal cannot create 'DIR': Is a directory").
mkdir "$WORK/adir"
"$HIO" run "$SCENARIOS/quickstart.toml" --record "$WORK/adir" > "$WORK/adir.out" 2> "$WORK/adir.err"
rc=$?
[ $rc -eq 4 ] || fail "--record DIR: exit $rc, expected 4" adir
grep -qx "hio run: $WORK/adir: cannot create the journal: Is a directory" "$WORK/adir.err" ||
  fail "--record DIR: not its reason once" adir

# A writable FILE in a directory that is not: the temporary file beside it
# cannot be made, and the message says that the directory is what needs
# write permission. As root, run as nobody (root writes anywhere).
mkdir "$WORK/ro" && echo old > "$WORK/ro/x.hioj" && chmod 666 "$WORK/ro/x.hioj" &&
  chmod 555 "$WORK/ro" || exit 1
as_user="" why_not=""
if [ "$(id -u)" -eq 0 ]; then
  why_not=$(why_not_nobody "$WORK/ro")
  [ -z "$why_not" ] && as_user=$NOBODY
fi
if [ "$(id -u)" -ne 0 ] || [ -n "$as_user" ]; then
  $as_user "$HIO" run "$SCENARIOS/quickstart.toml" --record "$WORK/ro/x.hioj" \
    > "$WORK/ro.out" 2> "$WORK/ro.err"
  rc=$?
  [ $rc -eq 4 ] || fail "read-only directory: exit $rc, expected 4" ro
  grep -qx "hio run: $WORK/ro/x.hioj: cannot create the journal: Permission denied (the journal is written beside it and renamed over it when complete, which needs write permission on the directory $WORK/ro)" \
    "$WORK/ro.err" || fail "read-only directory: the directory is not named" ro
  [ "$(cat "$WORK/ro/x.hioj")" = old ] || fail "read-only directory: FILE changed" ro
  # From a directory reached through a symbolic link (a checkout so
  # reached), the directory is named as the user's shell names it ($PWD),
  # not as the link resolves (docs/scenarios.md, "Paths in messages").
  ln -s "$WORK" "$WORK/linked" || exit 1
  (cd "$WORK/linked" && $as_user "$HIO" run "$SCENARIOS/quickstart.toml" --record ro/x.hioj) \
    > "$WORK/ro.out" 2> "$WORK/ro.err"
  grep -qx "hio run: ro/x.hioj: cannot create the journal: Permission denied (the journal is written beside it and renamed over it when complete, which needs write permission on the directory $WORK/linked/ro)" \
    "$WORK/ro.err" || fail "read-only directory through a link: not named as given" ro
else
  echo "($why_not: the read-only directory case is not checked)"
fi
chmod 755 "$WORK/ro"
echo ok
