#!/bin/sh
# A name in the reserved domain "invalid" is answered by hio, not by the
# system's resolver (RFC 6761 §6.4): no name server is asked (no packet
# leaves loopback, no lookup waits for a server that does not answer). What
# the process did is what strace saw: the gtest FILTER opens and checks
# .invalid names in every way io/src looks names up, then makes a mark (an
# open of /dev/null/hio-resolve-control) and looks up localhost through the
# system. Before the mark nothing may show the system's resolver at work
# (nsswitch.conf, resolv.conf, /etc/hosts read; a connect or send: to nscd,
# to a name server); after it the lookup of localhost must show it, or the
# trace could not tell.
# Usage: resolve_invalid.sh TESTS FILTER WORK (exit 77: skipped, no strace or
# no ptrace)
set -u
TESTS=$1 FILTER=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
command -v strace > /dev/null || { echo "no strace: skipped"; exit 77; }
strace -qq -o /dev/null -e trace=none true > "$WORK/probe" 2>&1 ||
  { echo "strace cannot trace here (ptrace not permitted?): skipped"; cat "$WORK/probe"; exit 77; }
# LeakSanitizer cannot run under ptrace: an ASan build is traced without it.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
strace -f -qq -x -o "$WORK/trace" -e trace=open,openat,connect,sendto,sendmsg,sendmmsg \
  "$TESTS" --gtest_filter="$FILTER" > "$WORK/out" 2>&1 ||
  { echo "the test failed, or strace could not trace it:"; cat "$WORK/out"; exit 1; }
grep -q "OK \] $FILTER" "$WORK/out" || { echo "the test did not run:"; cat "$WORK/out"; exit 1; }
grep -q 'hio-resolve-control' "$WORK/trace" || { echo "no mark in the trace"; exit 1; }
resolver='/etc/(nsswitch\.conf|host\.conf|resolv\.conf|hosts)"|(connect|sendto|sendmsg|sendmmsg)\('
before=$(sed '/hio-resolve-control/,$d' "$WORK/trace" | grep -E "$resolver")
after=$(sed '1,/hio-resolve-control/d' "$WORK/trace" | grep -E "$resolver")
[ -n "$after" ] || {
  echo "the lookup of localhost left no trace: this check cannot see the system's resolver"
  exit 1
}
[ -z "$before" ] || {
  echo "the system's resolver was asked about a .invalid name:"
  echo "$before" | head -20 | cut -c1-200
  exit 1
}
echo "before the mark: no lookup; after it (localhost):"
echo "$after" | head -5 | cut -c1-200
echo ok
