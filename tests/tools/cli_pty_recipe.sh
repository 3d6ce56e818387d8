#!/bin/sh
# docs/io.md's recipe for a serial:// scenario without hardware, run as
# written: its python pty echo and its shell block (hio on PATH), in a
# scratch directory. The run must pass and its capture replay identical.
# Exit 77 (skipped) without python3.
# Usage: cli_pty_recipe.sh HIO_BIN_DIR DOCS_IO_MD WORK
set -u
BIN=$1 DOC=$2 WORK=$3
command -v python3 > /dev/null || { echo "no python3: skipped"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
# block NAME: the fenced block right after "<!-- pty recipe: NAME -->".
block() {
  awk -v marker="<!-- pty recipe: $1 -->" '
    $0 == marker { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$DOC"
}
block pty_echo.py > pty_echo.py
block run.sh > run.sh
[ -s pty_echo.py ] && [ -s run.sh ] || { echo "the recipe's blocks are not in $DOC"; exit 1; }
PATH="$BIN:$PATH" timeout 60 sh -e run.sh > run.out 2>&1
rc=$?
cat run.out
[ $rc -eq 0 ] || { echo "the recipe exited $rc"; exit 1; }
grep -q "^expect:    1 of 1 passed" run.out || { echo "the run did not pass"; exit 1; }
grep -q ": identical" run.out || { echo "the replay was not identical"; exit 1; }
