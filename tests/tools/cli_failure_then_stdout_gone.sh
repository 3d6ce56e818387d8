#!/bin/sh
# A failure the command has said (exit 2, 5) keeps its code when stdout's
# reader has gone, whether SIGPIPE came in as usual (SIG_DFL) or ignored:
# docs/scenarios.md, Exit codes ("2, 4, 5, 6, 129, 130 and 143 stay").
# Unfixed, with SIGPIPE as usual the summary (exit 5) or the --json error
# object (exit 2) hit EPIPE and hio died by SIGPIPE at once: 141, and the
# doer's error was never said; with SIGPIPE ignored: 5 and 2.
# A success (0) with its reader gone is 141 either way, as before.
# Usage: cli_failure_then_stdout_gone.sh HIO THROWING_HIO SCENARIOS WORK
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 THROWING=$2 SCENARIOS=$3 WORK=$4
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
fail() { echo "$1"; cat "$2.err" 2> /dev/null; exit 1; }
printf '[run]\nlimit = "1x"\n' > bad.toml

# gone NAME CODE LINE ARGS...: ARGS with stdout a pipe whose reader has gone,
# under SIGPIPE as usual and ignored: exit CODE both times, and stderr has
# LINE (a grep pattern) if it is not "".
gone() {
  name=$1 code=$2 line=$3
  shift 3
  for pipe in default ignore; do
    gone_reader_pipe
    env --$pipe-signal=PIPE "$@" >&5 2> "$name-$pipe.err"
    rc=$?
    exec 5>&-
    [ $rc -eq "$code" ] || fail "$name, SIGPIPE $pipe: exit $rc, expected $code" "$name-$pipe"
    [ -z "$line" ] || grep -q "$line" "$name-$pipe.err" ||
      fail "$name, SIGPIPE $pipe: '$line' not said" "$name-$pipe"
  done
}

env --default-signal=PIPE true 2> /dev/null || { echo "env --default-signal: not supported"; exit 1; }
# (throwing-hio says its own name, argv[0]'s, as run_cli does.)
gone threw 5 "^throwing-hio run: error: a doer threw: protocol violation" \
  "$THROWING" run "$SCENARIOS/tcp_echo_jitter.toml"
gone threw_json 5 "^throwing-hio run: error: a doer threw: protocol violation" \
  "$THROWING" run "$SCENARIOS/tcp_echo_jitter.toml" --json
gone bad_json 2 "bad.toml" "$HIO" run bad.toml --json
gone passed 141 "" "$HIO" run "$SCENARIOS/quickstart.toml"
echo ok
