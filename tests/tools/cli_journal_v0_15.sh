#!/bin/sh
# A journal hio 0.15.0 wrote after its program had logged on the hub (a
# Journal made then starts at seq 1, which hio before 0.16 allowed) is
# intact: hio inspect reads it whole (exit 0) and hio salvage keeps its
# trailer. Since session 16's gap check, and before it was limited to
# journals of hio 0.16 and later, both called it damaged (exit 2, 0 frames
# kept).
# Usage: cli_journal_v0_15.sh HIO JOURNAL WORK
set -eu
hio=$1
journal=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
"$hio" inspect "$journal" >"$work/inspect.txt"
grep -q '^header format=1 engine="hio 0.15.0"' "$work/inspect.txt"
grep -q '^p0 0 s1 #0 log "tick 0"$' "$work/inspect.txt"
grep -q '^trailer passes=5 frames=5 events=5 .* end=done ' "$work/inspect.txt"
"$hio" salvage "$journal" "$work/salvaged.hioj" >"$work/salvage.txt"
grep -q '^input: *complete (its trailer is kept)$' "$work/salvage.txt"
"$hio" inspect "$work/salvaged.hioj" >"$work/salvaged.txt"
tail -n 1 "$work/inspect.txt" >"$work/a"
tail -n 1 "$work/salvaged.txt" >"$work/b"
cmp "$work/a" "$work/b"
echo ok
