#!/bin/sh
# hio started with stdin, stdout or stderr closed (`2>&-`, `>&-`): the files it
# opens (a journal, report.json, the seeds' journals) never take descriptor
# 0, 1 or 2, so nothing meant for the terminal lands in them; a closed stdout
# is still exit 4, "cannot write the output (stdout)".
# Usage: cli_closed_fds.sh HIO SCENARIOS WORK
set -u
HIO=$1 SCENARIOS=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
cd "$WORK" || exit 1
fail() { echo "$1"; cat "$2.err" 2> /dev/null; exit 1; }

# A real-time client whose connection is refused: a warning on stderr during
# the run, while the journal is open. With stderr closed the journal is whole
# (it used to be opened on descriptor 2 and begin with the warning).
cat > refused.toml << 'EOF'
[run]
mode = "real"
tock = "10ms"
limit = "300ms"
[[doer]]
kind = "echo_client"
name = "alice"
address = "tcp://127.0.0.1:1"
retry = "50ms"
messages = 2
EOF
"$HIO" run refused.toml --record open.hioj > /dev/null 2> open.err
grep -q "hio run: warning: alice" open.err || fail "refused.toml: no warning" open
"$HIO" run refused.toml --record closed.hioj > /dev/null 2>&-
rc=$?
[ $rc -eq 0 ] || fail "run --record 2>&-: exit $rc" closed
"$HIO" inspect closed.hioj > closed.txt 2> closed.err || fail "run --record 2>&-: bad journal" closed
grep -q "error reason=" closed.txt || fail "run --record 2>&-: the journal lacks the failure" closed
# Every descriptor closed: the same.
"$HIO" run refused.toml --record none.hioj <&- >&- 2>&-
rc=$?
[ $rc -eq 4 ] || fail "run --record <&- >&- 2>&-: exit $rc, expected 4" none
"$HIO" inspect none.hioj > /dev/null 2> none.err || fail "run --record <&- >&- 2>&-: bad journal" none

# A closed stdin reads as closed (EBADF), and is no file: not /dev/null, which
# hio puts on the descriptor (unfixed: "/dev/null is the input").
"$HIO" salvage - /dev/null <&- > stdin.out 2> stdin.err
rc=$?
[ $rc -eq 2 ] || fail "salvage - /dev/null <&-: exit $rc, expected 2" stdin
grep -qx "hio salvage: -: byte 0 (before any pass): io: nothing to salvage: cannot read 'standard input': Bad file descriptor" \
  stdin.err || fail "salvage - /dev/null <&-: not a closed stdin" stdin

# sweep --out and replay --seeds --out with stdout closed: exit 4 with the
# reason, and report.json as with stdout open (its lines used to go into it).
quick=$SCENARIOS/quickstart.toml
"$HIO" run "$SCENARIOS/udp_request_response.toml" --record udp.hioj > /dev/null ||
  fail "recording udp.hioj" udp
# closed_out NAME COMMAND...: COMMAND --out NAME-open with stdout to a file,
# then --out NAME with stdout closed; compares the reports.
closed_out() {
  name=$1
  shift
  "$@" --out "$name-open" > "$name-open.out" 2> "$name-open.err"
  "$@" --out "$name" >&- 2> "$name.err"
  rc=$?
  [ $rc -eq 4 ] || fail "$name >&-: exit $rc, expected 4" "$name"
  grep -qx "hio $2: cannot write the output (stdout): Bad file descriptor" "$name.err" ||
    fail "$name >&-: no reason" "$name"
  sed "s|$name-open|$name|g" "$name-open/report.json" > "$name-want.json"
  cmp -s "$name-want.json" "$name/report.json" || {
    echo "$name >&-: report.json differs from the one written with stdout open:"
    head -c 600 "$name/report.json"
    exit 1
  }
}
closed_out sweep "$HIO" sweep "$SCENARIOS/tcp_echo_jitter.toml" --seeds 1..3
closed_out sweepjson "$HIO" sweep "$quick" --seeds 1..3 --set run.limit=250ms --json
closed_out noise "$HIO" replay udp.hioj --noise drop=0.3 --seeds 1..3
echo ok
