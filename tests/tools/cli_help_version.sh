#!/bin/sh
# hio's questions, --help (-h) and --version, are asked alone
# (docs/scenarios.md, Help and version): `hio --help`, `hio --help COMMAND`,
# `hio COMMAND --help`, `hio --version` print to stdout and exit 0; with any
# other word they exit 2 and say so on stderr, stdout empty (with --json:
# the error object). Unfixed, `hio -h run x`, `hio run --help x` and `hio
# --version x` printed the help or version, exit 0, the x unsaid (xver23), and
# `hio --help --version` said "unknown command '--version'" (rev23 L17).
# Usage: cli_help_version.sh HIO SCENARIOS WORK
set -u
HIO=$1 SCENARIOS=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
cp "$SCENARIOS/udp_request_response.toml" x.toml || exit 1
failed=0
n=0
# check EXIT STREAM PATTERN ARGS...: hio ARGS exits EXIT, its first line on
# STREAM (out, err, or err+json: stderr, and stdout the --json error object)
# matches the extended regular expression PATTERN, and the other stream is
# empty.
check() {
  want=$1 stream=$2 pattern=$3
  shift 3
  n=$((n + 1))
  "$HIO" "$@" > "out$n" 2> "err$n" < /dev/null
  rc=$?
  problem=""
  [ "$rc" = "$want" ] || problem="exit $rc, expected $want"
  case $stream in
    out) text=out$n other=err$n ;;
    *) text=err$n other=out$n ;;
  esac
  if [ -z "$problem" ] && ! head -n 1 "$text" | grep -Eq -- "$pattern"; then
    problem="the first line of std$stream does not match $pattern"
  fi
  if [ -z "$problem" ]; then
    case $stream in
      err+json) grep -q '^{"error": ' "$other" || problem="stdout is not the error object" ;;
      *) [ -s "$other" ] && problem="$other is not empty" ;;
    esac
  fi
  if [ -n "$problem" ]; then
    echo "FAIL: hio $*: $problem"
    echo "--- stdout:"; cat "out$n"; echo "--- stderr:"; cat "err$n"
    failed=1
  fi
}

main='^hio: deterministic doers'
version='^hio [0-9]+\.[0-9]+\.[0-9]+$'
alone='takes no other argument:'
# Asked alone: the help, a command's help, the version.
check 0 out "$main" --help
check 0 out "$main" -h
check 0 out "$version" --version
for command in run replay inspect diff salvage check sweep; do
  check 0 out "^[a-z]" --help $command
  check 0 out "^[a-z]" -h $command
  check 0 out "^[a-z]" $command --help
  check 0 out "^[a-z]" $command -h
done
check 0 out '^run a scenario' --help run
check 0 out '^run a scenario' run -h
# With another word: a file, a typo, an option, another question, a command
# with --version, a word after `--`.
check 2 err "^hio run: --help x: --help $alone x was not expected with it; give hio run --help alone for run's help$" run --help x
check 2 err "^hio run: -h x: -h $alone x was not expected with it; give hio run -h alone for run's help$" -h run x
check 2 err "^hio run: x\.toml --help: --help $alone x\.toml was not expected" run x.toml --help
check 2 err "^hio run: x\.toml -h: -h $alone" run x.toml -h
check 2 err "^hio sweep: x\.toml --seeds 1\.\.2 --help: --help $alone x\.toml --seeds 1\.\.2 were not expected" sweep x.toml --seeds 1..2 --help
check 2 err "^hio: --version x: --version $alone x was not expected with it; give hio --version alone for the version$" --version x
check 2 err "^hio: --help --version: --help $alone --version was not expected with it; give hio --help alone for the help, or hio --help COMMAND for a command's$" --help --version
check 2 err "^hio: --version --help: --version $alone --help was not expected" --version --help
check 2 err "^hio: -h --version: -h $alone" -h --version
check 2 err "^hio: run --version: --version $alone run was not expected with it; give hio --version alone for the version$" run --version
check 2 err "^hio: --version run: --version $alone run was not expected" --version run
check 2 err "^hio: run x\.toml --version: --version $alone run x\.toml were not expected" run x.toml --version
check 2 err "^hio: --help --help: --help $alone --help was not expected" --help --help
check 2 err "^hio run: --help --help: --help $alone" run --help --help
check 2 err "^hio run: -h --help: -h $alone" run -h --help
check 2 err "^hio run: --help --seed: --help $alone --seed was not expected" run --help --seed
check 2 err "^hio run: --help -- x: --help $alone -- x were not expected" run --help -- x
check 2 err "^hio: --help --json: --help $alone --json was not expected" --help --json
check 2 err+json "^hio check: x\.toml --help --json: --help $alone x\.toml --json were not expected" check x.toml --help --json
check 2 err+json "^hio check: --json --help: --help $alone --json was not expected" check --json --help
# A word after --help that is no command is an unknown command (session 23).
check 2 err "^hio: --help x: unknown command 'x'" --help x
check 2 err "^hio: -h rnu: unknown command 'rnu'; did you mean 'run'" -h rnu
# Not questions: a value of an option (refused as such), a word after `--`
# (a file of that name), a question with a value.
check 2 err "^hio run: --record -h: -h is an option of hio run" run x.toml --record -h
check 2 err "^--help: cannot read the file" run -- --help
check 2 err "^hio run: --help=x: --help takes no value" run --help=x x.toml
check 2 err "^hio: --version=: --version takes no value" --version=
[ $failed = 0 ] && echo "all $n cases as expected"
exit $failed
