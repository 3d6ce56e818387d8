#!/bin/sh
# A journal that is not at its path any more when the run ends - removed with
# its directory, or replaced by a second capture to the same path - is an
# output that was lost: hio run and hio replay --record say so and exit 4
# (they used to report it as written and exit 0), and their --json says so
# in "journal_lost". hio sweep --out counts a failing seed's journal lost so
# as one that could not be written (exit 4; it used to list it as kept), and
# never removes a path whose journal was replaced: the file is another
# process's now (a passing seed's cleanup used to delete it). One moved
# elsewhere is complete there: exit 4, with its new name. A journal
# truncated in place is lost too (also one cut and written on), and a sweep
# checks the journals it keeps again at its end. A run whose doer throws after its journal was removed
# exits 4 too (the output lost outranks the doer's error, 5).
# A hio run that another process acts on goes on (its limit, 60 s, only a
# bound) until the test has acted and ends it with SIGUSR1 (a clean stop:
# its exit is the verdicts', which the journal's loss then makes 4), so it
# lasts as long as the action. A sweep (no SIGUSR1) is held with SIGSTOP
# while another process acts on it, so that the action's own time does not
# count against its runs' limit of 2 s.
# Usage: cli_record_gone.sh HIO SCENARIOS WORK THROWING_HIO
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 SCENARIOS=$2 WORK=$3 THROWING=$4
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
cd "$WORK" || exit 1
fail() { echo "$1"; cat "$2" 2> /dev/null; exit 1; }
# wait_for FILE: until FILE exists (the journal took its name), at most ~10 s (scaled).
wait_for() {
  i=0
  while [ ! -e "$1" ] && [ $i -lt $(($(scaled 10) * 20)) ]; do
    sleep 0.05
    i=$((i + 1))
  done
  [ -e "$1" ] || fail "$1 never appeared" /dev/null
}
# stop_run PID: ends hio run PID cleanly (SIGUSR1) once it catches SIGUSR1,
# and waits for it; rc is its exit.
stop_run() {
  await_or_fail 10 "$1" "its SIGUSR1 handler" catches "$HIO" "$1" 0x200
  kill -USR1 "$1"
  wait "$1"
  rc=$?
}
# held PID COMMAND...: runs COMMAND while PID (a sweep) is stopped, then lets
# it go on; the status is COMMAND's.
held() {
  held_pid=$1
  shift
  kill -STOP "$held_pid"
  await_or_fail 10 "$held_pid" "a stop" is_stopped "$held_pid"
  "$@"
  held_rc=$?
  kill -CONT "$held_pid"
  return $held_rc
}
cat > slow.toml << 'EOF2'
[run]
name = "slow"
mode = "real"
tock = "10ms"
limit = "60s"
[[doer]]
kind = "ticker"
name = "t"
EOF2
{
  cat slow.toml
  printf '[[expect]]\nfinal = "t.runs == 1"\n'
} > slowfail.toml

# run_removed TOML DIR: hio run TOML, its journal DIR/x.hioj, and DIR removed
# during the run (once the journal is there); stopped, rc its exit, its
# output in DIR.out and DIR.err.
run_removed() {
  mkdir "$2"
  "$HIO" run "$1" --record "$2/x.hioj" > "$2.out" 2> "$2.err" &
  pid=$!
  wait_for "$2/x.hioj"
  rm -rf "$2"
  stop_run $pid
}

# The directory removed during the run.
run_removed slow.toml gone
[ $rc -eq 4 ] || fail "run, journal removed: exit $rc, expected 4" gone.err
grep -qx "hio run: error: gone/x.hioj: the journal was removed during the run (it, or its directory, was deleted: No such file or directory): what was written is lost" \
  gone.err || fail "run, journal removed: not said" gone.err
grep -qx "journal:   gone/x.hioj (lost)" gone.out || fail "run, journal removed: no summary" gone.out

# A channel that failed, and the journal that lists it removed during the
# run: the count line does not send the user to inspect a journal that is
# gone (it said "hio inspect gone2/x.hioj --kind error lists them").
{
  cat slow.toml
  printf '[[doer]]\nkind = "echo_client"\nname = "c"\naddress = "tcp://nohost.invalid:7"\n'
} > unresolved.toml
run_removed unresolved.toml gone2
[ $rc -eq 4 ] || fail "run with a failed channel, journal removed: exit $rc, expected 4" gone2.err
grep -qx "hio run: warning: 1 channel error in all, on 1 channel; the journal that lists them was lost: record the run again to see each" \
  gone2.err || fail "run with a failed channel, journal removed: the count line names the journal" gone2.err

# A doer that throws (throwing-hio's echo_server, at its 600th byte: the
# 6th of 100 bytes sent every 300 ms) after the journal was removed.
cat > bomb.toml << 'EOF2'
[run]
name = "bomb"
mode = "real"
tock = "10ms"
limit = "10s"
[[doer]]
kind = "echo_server"
name = "server"
address = "tcp://127.0.0.1:0"
[[doer]]
kind = "echo_client"
name = "c"
address = "@server"
messages = 10
size = 100
interval = "300ms"
EOF2
mkdir bgone
"$THROWING" run bomb.toml --record bgone/x.hioj --json > bomb.out 2> bomb.err &
pid=$!
wait_for bgone/x.hioj
rm -rf bgone
wait $pid
rc=$?
[ $rc -eq 4 ] || fail "run, doer threw, journal removed: exit $rc, expected 4" bomb.err
grep -q "protocol violation: 600 bytes" bomb.err || fail "run, doer threw: no error said" bomb.err
grep -q '"journal_lost": "the journal was removed during the run' bomb.out ||
  fail "run, doer threw: --json does not say the journal was lost" bomb.out

# The journal moved (renamed) during the run: it is complete under its new
# name, which the error gives, and replays (exit 4 all the same: the path
# asked for holds nothing). It used to be reported as lost, and the
# summary's line still said "(lost)".
"$HIO" run slow.toml --record mv.hioj > mv.out 2> mv.err &
pid=$!
wait_for mv.hioj
mv mv.hioj mv2.hioj
stop_run $pid
[ $rc -eq 4 ] || fail "run, journal moved: exit $rc, expected 4" mv.err
grep -qxF "hio run: error: mv.hioj: the journal was moved during the run (its name is gone: No such file or directory): it is complete, as $PWD/mv2.hioj, but not at this path" \
  mv.err || fail "run, journal moved: not said" mv.err
grep -qx "journal:   mv.hioj (moved)" mv.out || fail "run, journal moved: summary not '(moved)'" mv.out
"$HIO" replay mv2.hioj > mv.replay 2>&1 || fail "the moved journal does not replay" mv.replay

# Two captures to one path: the later one's journal replaces the earlier's,
# whose run then says it lost its journal; the later one is fine.
# B, started once A's journal has its name, ends before A is stopped.
"$HIO" run slow.toml --record same.hioj --set run.name=A --json > a.out 2> a.err &
pid=$!
wait_for same.hioj
"$HIO" run slow.toml --record same.hioj --set run.name=B --set run.limit=100ms --json > b.out 2> b.err
rc=$?
[ $rc -eq 0 ] || fail "run B on the same path: exit $rc, expected 0" b.err
grep -q '"journal": "same.hioj", "journal_lost": null,' b.out || fail "run B: journal_lost not null" b.out
stop_run $pid
[ $rc -eq 4 ] || fail "run A, journal replaced by B's: exit $rc, expected 4" a.err
grep -qx "hio run: error: same.hioj: the journal was replaced during the run by another file (another process wrote the same path: two captures to one file?): what was written is lost" \
  a.err || fail "run A, journal replaced: not said" a.err
grep -q '"journal": "same.hioj", "journal_lost": "the journal was replaced during the run by another file' \
  a.out || fail "run A: --json does not say the journal was lost" a.out
"$HIO" inspect same.hioj | grep -q '^header .*scenario=' || fail "same.hioj unreadable" /dev/null

# hio replay --record, its directory removed while the replay waits for the
# rest of the journal it reads from a pipe.
"$HIO" run "$SCENARIOS/tcp_echo_jitter.toml" --record jitter.hioj > /dev/null 2>&1 ||
  fail "recording jitter.hioj" /dev/null
size=$(wc -c < jitter.hioj)
half=$((size / 2))
mkdir rgone
{
  head -c $half jitter.hioj
  wait_for rgone/r.hioj >&2
  rm -rf rgone
  tail -c +$((half + 1)) jitter.hioj
} | "$HIO" replay - --record rgone/r.hioj > replay.out 2> replay.err
rc=$?
[ $rc -eq 4 ] || fail "replay --record, journal removed: exit $rc, expected 4" replay.err
grep -qx "hio replay: error: rgone/r.hioj: the journal was removed during the run (it, or its directory, was deleted: No such file or directory): what was written is lost" \
  replay.err || fail "replay --record, journal removed: not said" replay.err

# hio sweep --out, real time (each run journaled as it runs): a failing
# seed's journal removed during its run is lost, not kept.
"$HIO" sweep slowfail.toml --seeds 1..1 --out sf --set run.limit=2s > sf.out 2> sf.err &
pid=$!
wait_for sf/seed-1.hioj
held $pid rm sf/seed-1.hioj
wait $pid
rc=$?
[ $rc -eq 4 ] || fail "sweep, journal removed: exit $rc, expected 4" sf.err
grep -qx "hio sweep: seed 1: cannot record: the journal was removed during the run (it, or its directory, was deleted: No such file or directory): what was written is lost" \
  sf.err || fail "sweep, journal removed: not said" sf.err
grep -qx "report in sf/report.json, no journal saved: 1 journal could not be written" sf.out ||
  fail "sweep, journal removed: summary" sf.out
grep -q '"seed": 1, "passed": false, .*"journal": null' sf/report.json ||
  fail "sweep, journal removed: listed as kept" sf/report.json

# A passing seed's journal replaced by another capture to its path: that
# file is the other process's, and stays.
"$HIO" sweep slow.toml --seeds 1..1 --out sp --set run.limit=2s > sp.out 2> sp.err &
pid=$!
wait_for sp/seed-1.hioj
held $pid "$HIO" run slow.toml --record sp/seed-1.hioj --set run.limit=100ms > other.out 2> other.err ||
  fail "the other capture failed" other.err
wait $pid
rc=$?
[ $rc -eq 0 ] || fail "sweep, passing seed's journal replaced: exit $rc, expected 0" sp.err
[ -f sp/seed-1.hioj ] || fail "the sweep removed the other process's sp/seed-1.hioj" sp.out
"$HIO" inspect sp/seed-1.hioj > /dev/null || fail "sp/seed-1.hioj unreadable" /dev/null

# The journal truncated in place during the run (logrotate's copytruncate,
# a CI step's `: > FILE`): the same file, so device and inode agree, but
# what was written is gone (the writer goes on at its offset: zero bytes,
# then the rest). It used to be reported as written, exit 0.
"$HIO" run slow.toml --record tr.hioj --json > tr.out 2> tr.err &
pid=$!
wait_for tr.hioj
: > tr.hioj
stop_run $pid
[ $rc -eq 4 ] || fail "run, journal truncated: exit $rc, expected 4" tr.err
grep -q "^hio run: error: tr.hioj: the journal was truncated .*during the run (.*bytes written, [0-9]* in the file now.*): what was written is lost\$" \
  tr.err || fail "run, journal truncated: not said" tr.err
grep -q '"journal": "tr.hioj", "journal_lost": "the journal was truncated' tr.out ||
  fail "run, journal truncated: --json does not say it" tr.out

# Cut to more than the first bytes the end compares (64) and written on
# (`truncate -s`): as long again at the end, its first bytes intact, zeros
# between. The writer sees the cut before its next write. It used to be
# reported as written, exit 0.
"$HIO" run slow.toml --record tc.hioj > tc.out 2> tc.err &
pid=$!
wait_for tc.hioj
truncate -s 70 tc.hioj || fail "truncate failed" /dev/null
stop_run $pid
[ $rc -eq 4 ] || fail "run, journal cut to 70 bytes and written on: exit $rc, expected 4" tc.err
grep -q "^hio run: error: tc.hioj: the journal was truncated during the run (another process cut it to 70 bytes when [0-9]* were written, .*: bytes 70 to [0-9]* read as zeros; \([0-9]*\) bytes written, \1 in the file now): what was written is lost\$" \
  tc.err || fail "run, journal cut to 70 bytes and written on: not said" tc.err

# hio sweep --out: a failing seed's journal removed after its seed ran,
# while the sweep goes on (a cleanup step): the end of the sweep checks the
# journals it keeps as hio run checks its own. It used to be listed in
# report.json as kept, exit 1.
"$HIO" sweep slowfail.toml --seeds 1..2 --jobs 1 --out sl --set run.limit=2s > sl.out 2> sl.err &
pid=$!
wait_for sl/seed-2.hioj
held $pid rm sl/seed-1.hioj
wait $pid
rc=$?
[ $rc -eq 4 ] || fail "sweep, kept journal removed later: exit $rc, expected 4" sl.err
grep -qx "hio sweep: seed 1: sl/seed-1.hioj: the journal was removed during the sweep (it, or its directory, was deleted or moved: No such file or directory): what was written is lost" \
  sl.err || fail "sweep, kept journal removed later: not said" sl.err
grep -qx "report in sl/report.json, journals of 1 of the 2 failing seeds as seed-N.hioj; 1 journal could not be written" \
  sl.out || fail "sweep, kept journal removed later: summary" sl.out
grep -q '"journals_lost_later": \[{"seed": 1, "journal": "sl/seed-1.hioj", "journal_lost": "the journal was removed during the sweep' \
  sl/report.json || fail "sweep, kept journal removed later: not in report.json" sl/report.json

# hio sweep --out DIR renamed during the sweep (mv sm sm2): seed 1's journal,
# kept before the move, and seed 2's, moved while it ran, are complete in
# sm2, and the report, written through the directory's descriptor, too. They
# are said moved, with their new names (exit 4 all the same, as hio run's).
# The sweep called seed 1's "removed ...: what was written is lost" (its end
# check had no descriptor), counted both as journals that "could not be
# written", and printed "report in sm/report.json", a path that was gone.
"$HIO" sweep slowfail.toml --seeds 1..2 --jobs 1 --out sm --set run.limit=2s > sm.out 2> sm.err &
pid=$!
wait_for sm/seed-2.hioj
held $pid mv sm sm2
wait $pid
rc=$?
[ $rc -eq 4 ] || fail "sweep, --out moved: exit $rc, expected 4" sm.err
grep -qxF "hio sweep: seed 1: sm/seed-1.hioj: the journal was moved during the sweep (its name is gone: No such file or directory): it is complete, as $PWD/sm2/seed-1.hioj, but not at this path" \
  sm.err || fail "sweep, --out moved: seed 1's journal not said moved" sm.err
grep -qxF "hio sweep: seed 2: sm/seed-2.hioj: the journal was moved during the run (its name is gone: No such file or directory): it is complete, as $PWD/sm2/seed-2.hioj, but not at this path" \
  sm.err || fail "sweep, --out moved: seed 2's journal not said moved" sm.err
grep -qxF "hio sweep: sm was moved during the sweep: the report is complete, as $PWD/sm2/report.json" \
  sm.err || fail "sweep, --out moved: the report's move not said" sm.err
grep -qxF "report in $PWD/sm2/report.json, journals of failing seeds as seed-N.hioj (2 moved with sm during the sweep: complete, stderr says where)" \
  sm.out || fail "sweep, --out moved: summary" sm.out
! grep -q "could not be written" sm.out || fail "sweep, --out moved: a journal called lost" sm.out
# (Failing seeds: the replay's expectation fails too, exit 1.)
for seed in 1 2; do
  "$HIO" replay sm2/seed-$seed.hioj > sm.replay 2>&1
  grep -q "^replay: .*: identical\$" sm.replay || fail "sm2/seed-$seed.hioj does not replay" sm.replay
done
echo ok
