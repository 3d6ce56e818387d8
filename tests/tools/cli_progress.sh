#!/bin/sh
# The progress line: on stderr when it is a terminal and the run lasts over a
# second, erased before the summary; never when stderr is not a terminal, nor
# while hio is not the terminal's foreground job.
# A program that gave std::cerr a buffer of its own gets the line there, as
# every other stderr line of hio's, not on the terminal.
# `script` (bsdutils, essential in Debian) gives the run a pseudo-terminal.
# The runs last 1.6 s: the line is drawn at 1 s and 1.5 s.
# Usage: cli_progress.sh HIO SCENARIOS WORK CERR_EMBEDDER
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 SCENARIOS=$2 WORK=$3 CERR_EMBEDDER=$4
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
# Command lines for `script -c` (a shell's): the paths quoted, as they may
# hold a space.
hio=$(shell_word "$HIO") scenarios=$(shell_word "$SCENARIOS") work=$(shell_word "$WORK")
run="$hio run $scenarios/tcp_loopback_real.toml --limit 1.6s"
script -qec "$run" /dev/null > "$WORK/tty.txt" || { echo "run on a terminal failed"; cat "$WORK/tty.txt"; exit 1; }
printf '\r  tyme 1' > "$WORK/want.txt"
grep -qF "$(cat "$WORK/want.txt")" "$WORK/tty.txt" || { echo "no progress line on a terminal:"; od -c "$WORK/tty.txt" | head; exit 1; }
# Each update clears the rest of the line: a shorter tyme text ("2053 s"
# after "1789.5 s", trailing zeros trimmed) leaves none of the one before
# (unfixed: "\r  tyme %s s " left "  tyme 2053 s s ").
tr '\r' '\n' < "$WORK/tty.txt" | grep '^  tyme ' > "$WORK/updates.txt"
if [ ! -s "$WORK/updates.txt" ] || grep -qv "^  tyme [0-9.]* s$(printf '\033')\[K\$" "$WORK/updates.txt"; then
  echo "a progress update that does not clear the rest of its line:"; od -c "$WORK/updates.txt" | head; exit 1
fi
# Whatever comes after a progress update other than the next update (the
# summary, or a warning the run says at its end, as when it fell behind real
# time under load) comes after an erase "\r\033[K"; and the summary comes
# after the last update.
esc=$(printf '\033')
tr '\r' '\n' < "$WORK/tty.txt" | awk -v erase="$esc[K" '
  { update = index($0, "  tyme ") == 1 }
  after_update && !update && index($0, erase) != 1 { bad = 1 }
  update { last = NR }
  index($0, "run: ") == 1 || index($0, erase "run: ") == 1 { summary = NR }
  { after_update = update }
  END { exit bad || after_update || !last || summary <= last }' ||
  { echo "progress line not erased before the next output, or no summary after it"; od -c "$WORK/tty.txt" | head -20; exit 1; }
# A run shorter than a second draws no progress line, and erases none: no
# escape sequence on the terminal (unfixed: "\r\033[K" after every run).
script -qec "$hio run $scenarios/quickstart.toml > $work/short.out" /dev/null > "$WORK/short.txt" ||
  { echo "short run on a terminal failed"; cat "$WORK/short.txt"; exit 1; }
if grep -q "$(printf '\033')" "$WORK/short.txt"; then
  echo "an escape sequence without a progress line:"; od -c "$WORK/short.txt" | head; exit 1
fi
# A background job on the terminal (`hio run ... &` from a shell with job
# control: its own process group, not the terminal's foreground one) draws
# no progress line: it went over the shell's prompt and what the user typed
# (unfixed: "\r  tyme 1.5 s" twice a second). The shell in the foreground
# (`set -m`: job control in sh -c too) waits for it; its summary still comes.
background="set -m; $run > $work/bg.out & wait \$!"
script -qec "sh -c $(shell_word "$background")" /dev/null > "$WORK/bg.txt" ||
  { echo "background run on a terminal failed"; cat "$WORK/bg.txt"; exit 1; }
grep -q "^run: " "$WORK/bg.out" || { echo "background run: no summary"; cat "$WORK/bg.out" "$WORK/bg.txt"; exit 1; }
if grep -q "tyme 1" "$WORK/bg.txt"; then
  echo "progress line from a background job:"; od -c "$WORK/bg.txt" | head; exit 1
fi
"$HIO" run "$SCENARIOS/tcp_loopback_real.toml" --limit 1.6s > "$WORK/pipe.txt" 2>&1 || { echo "run through a pipe failed"; cat "$WORK/pipe.txt"; exit 1; }
if grep -q "tyme 1" "$WORK/pipe.txt"; then echo "progress line without a terminal"; exit 1; fi
# The embedder's std::cerr is its log: the progress line is there, with the
# rest of hio's stderr, and not on the terminal (unfixed: on the terminal, and
# only there).
script -qec "$(shell_word "$CERR_EMBEDDER") $work/log.txt run $scenarios/tcp_loopback_real.toml --limit 1.6s" \
  /dev/null > "$WORK/embedded.txt" || { echo "embedded run on a terminal failed"; cat "$WORK/embedded.txt"; exit 1; }
grep -qF "$(cat "$WORK/want.txt")" "$WORK/log.txt" ||
  { echo "embedded: no progress line in the program's std::cerr:"; od -c "$WORK/log.txt" | head; exit 1; }
grep -q "listens on" "$WORK/log.txt" || { echo "embedded: hio's other stderr lines not in the log"; cat "$WORK/log.txt"; exit 1; }
if grep -q "tyme 1" "$WORK/embedded.txt"; then
  echo "embedded: progress line on the terminal, under the program's std::cerr"; od -c "$WORK/embedded.txt" | head; exit 1
fi
echo ok
