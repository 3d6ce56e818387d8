#!/bin/sh
# A checkout with core.autocrlf=true (Git for Windows' default) gets the
# scenarios, journals and test data byte for byte as committed
# (.gitattributes): a scenario's digest is over its exact bytes, so a CRLF
# copy would record other journals and fail the tests that pin a digest
# (cli_replay_scenario.cmake). `git archive` converts files as a checkout
# does. Exit 77 (skipped) outside a git checkout (a source tarball).
# Usage: repo_line_endings.sh SOURCE_DIR WORK
set -u
SRC=$1 WORK=$2
if ! git -C "$SRC" rev-parse --verify -q HEAD > /dev/null 2>&1; then
  echo "$SRC is not a git checkout: skipped"
  exit 77
fi
rm -rf "$WORK" && mkdir -p "$WORK/committed" "$WORK/autocrlf" || exit 1
PATHS="scenarios tests/data tests/tools/data tests/replay/data"
# shellcheck disable=SC2086 # the paths are words
git -C "$SRC" -c core.autocrlf=false archive HEAD -- $PATHS | tar -x -C "$WORK/committed" || exit 1
# shellcheck disable=SC2086
git -C "$SRC" -c core.autocrlf=true -c core.eol=crlf archive --worktree-attributes HEAD -- $PATHS |
  tar -x -C "$WORK/autocrlf" || exit 1
[ -f "$WORK/committed/scenarios/udp_request_response.toml" ] || {
  echo "no scenarios/udp_request_response.toml in the archive"
  exit 1
}
if ! diff -r -q "$WORK/committed" "$WORK/autocrlf"; then
  echo "a core.autocrlf checkout changes the files above: .gitattributes must keep them as committed"
  exit 1
fi
echo ok
