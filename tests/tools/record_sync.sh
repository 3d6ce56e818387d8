#!/bin/sh
# A journal written with WriterOptions::sync gets its name durably: after the
# open that creates it (the library's writer), or the link (a new FILE) or
# rename (one replaced) that names it (hio's captures), FILE's directory is
# fsynced, else after a power loss FILE may name the old file or none. What
# the process did is what strace saw: the gtest FILTER writes synced.hioj in a
# directory hio-synced-XXXXXX (its TempDir's) twice, and each naming must be
# followed by an fsync of that directory.
# Usage: record_sync.sh TESTS FILTER WORK (exit 77: skipped, no strace)
set -u
TESTS=$1 FILTER=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
command -v strace > /dev/null || { echo "no strace: skipped"; exit 77; }
# LeakSanitizer cannot run under ptrace: an ASan build is traced without it.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
strace -f -y -qq -o "$WORK/trace" -e trace=fsync,openat,linkat,rename,renameat,renameat2 \
  "$TESTS" --gtest_filter="$FILTER" > "$WORK/out" 2>&1 ||
  { echo "the test failed, or strace could not trace it:"; cat "$WORK/out"; exit 1; }
grep -q "OK \] $FILTER" "$WORK/out" || { echo "the test did not run:"; cat "$WORK/out"; exit 1; }
# One word per system call: "name" (an open that may create synced.hioj, a
# link or rename to it, that succeeded; by its path or relative to the
# directory's descriptor) or "sync" (an fsync of the directory
# hio-synced-XXXXXX); the names must be two, each followed by a sync.
calls=$(awk '
  /openat\(/ && /hio-synced-[A-Za-z0-9]+(\/|>, ")synced\.hioj", [^)]*O_CREAT/ && / = [0-9]+/ { print "name"; next }
  /(linkat|rename[a-z0-9]*)\(/ && /hio-synced-[A-Za-z0-9]+(\/|>, ")synced\.hioj"(, [A-Z_0-9]+)?\) += 0$/ {
    print "name"; next }
  /fsync\([0-9]+<[^>]*hio-synced-[A-Za-z0-9]+>\)/ { print "sync" }' "$WORK/trace" | tr '\n' ' ')
echo "system calls: $calls"
pattern=$(echo "$calls" | sed 's/\(sync \)\{1,\}/sync /g')
[ "$pattern" = "name sync name sync " ] || {
  echo "not each naming of the journal followed by an fsync of its directory"
  grep "hio-synced" "$WORK/trace" | head -40
  exit 1
}
echo ok
