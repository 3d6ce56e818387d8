#!/bin/sh
# Two sweeps on one --out at once (shards given the same directory: `parallel
# hio sweep ... --shard {}/2 --out failing`): the second is refused, exit 2,
# while the first holds the directory. They used to both run, the report.json
# of one replacing the other's without a word. The hold is a lock the kernel
# lets go of when the sweep ends, however it ends: after a kill -9 the
# directory is free again.
# Usage: cli_sweep_out_busy.sh HIO WORK
set -u
HIO=$1 WORK=$2
. "$(dirname "$0")/lib.sh"
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
cd "$WORK" || exit 1
fail() { echo "$1"; cat "$2" 2> /dev/null; exit 1; }
cat > slowfail.toml << 'TOML'
[run]
mode = "real"
tock = "10ms"
limit = "10s"
[[doer]]
kind = "ticker"
name = "t"
[[expect]]
final = "t.runs == 1"
TOML
cat > quick.toml << 'TOML'
[run]
tock = "10ms"
limit = "100ms"
[[doer]]
kind = "ticker"
name = "t"
TOML

"$HIO" sweep slowfail.toml --seeds 1..1 --out busy > a.out 2> a.err &
pid=$!
await_file busy/seed-1.hioj $pid "the first sweep's journal never appeared"
"$HIO" sweep quick.toml --seeds 1..2 --shard 2/2 --out busy > b.out 2> b.err
rc=$?
[ $rc -eq 2 ] || { kill $pid; fail "second sweep on a busy --out: exit $rc, expected 2" b.err; }
grep -qx "hio sweep: --out busy is in use by another sweep running now (the report.json of one would replace the other's): give each sweep its own directory (shards: --out DIR/K for --shard K/N)" \
  b.err || { kill $pid; fail "second sweep on a busy --out: not said" b.err; }
[ ! -s b.out ] || { kill $pid; fail "second sweep on a busy --out printed a result" b.out; }
# A crashed sweep leaves nothing that holds the directory.
kill -KILL $pid
wait $pid
rm -f busy/seed-1.hioj
"$HIO" sweep quick.toml --seeds 1..2 --out busy > c.out 2> c.err ||
  fail "a sweep after a killed one on its --out: exit $?" c.err
grep -qx "report in busy/report.json" c.out || fail "no report after the killed sweep" c.out
echo ok
