#!/bin/sh
# A listener on port 0 out of file descriptors (ulimit -n): its accept error
# names the address it is bound to, the port of the "listens on" line, not
# the :0 of the scenario. The limit at which accept (rather than the
# listen, or a client's connect) is the first to fail depends on what else
# the process holds open, so a few are tried.
# Usage: cli_accept_emfile.sh HIO SCENARIOS WORK [SANITIZE (HIO_SANITIZE_KIND)]
set -u
HIO=$1 SCENARIOS=$2 WORK=$3 SANITIZE=${4:-}
# Skipped (77) in the ASan+UBSan build: UBSan's vptr check reads memory
# through a pipe, which it cannot open when no descriptor is left, and then
# reports every object it checks as having an "invalid vptr" (false
# positives in constructors all over the run at ulimit -n 13..15).
[ "$SANITIZE" != address ] || { echo "skipped: ASan+UBSan build"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
cd "$WORK" || exit 1
for n in 10 11 12 13 14 15 16 18 20; do
  (ulimit -n $n && exec "$HIO" run "$SCENARIOS/tcp_loopback_real.toml" --set run.limit=300ms \
    --record n$n.hioj) > n$n.out 2> n$n.err
  port=$(sed -n 's|^hio run: server listens on tcp://127\.0\.0\.1:\([0-9]*\)$|\1|p' n$n.err)
  [ -n "$port" ] || continue
  "$HIO" inspect n$n.hioj --kind error > n$n.txt 2>&1 || { cat n$n.txt; exit 1; }
  grep -q "accept on" n$n.txt || continue
  if grep -q "accept on 127\.0\.0\.1:$port failed: Too many open files" n$n.txt &&
    ! grep -q "accept on 127\.0\.0\.1:0 " n$n.txt n$n.err; then
    echo "ok (ulimit -n $n, port $port)"
    exit 0
  fi
  echo "ulimit -n $n: the accept error does not name the port bound, $port:"
  cat n$n.txt n$n.err
  exit 1
done
echo "no accept failed at any limit tried:"
tail -n 3 n*.err
exit 1
