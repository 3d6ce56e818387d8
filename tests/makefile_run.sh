#!/bin/sh
# `make run` builds only the quickstart it runs (hio-quickstart: the engine
# and the example), not the whole suite; `make test` still builds everything
# before it tests. `make -n` prints the recipes without running them.
# Unfixed, run depended on build: about 290 steps, every test binary, before
# a program that needs 21 (xdoc20 finding 1).
set -u
source=$1
run=$("${MAKE:-make}" -s -n -C "$source" run 2>&1)
builds=$(echo "$run" | grep 'cmake --build')
[ "$(echo "$builds" | wc -l)" -eq 1 ] || { echo "make run: not one build step:"; echo "$run"; exit 1; }
echo "$builds" | grep -q -- '--target hio-quickstart$' ||
  { echo "make run builds more than hio-quickstart: $builds"; exit 1; }
echo "$run" | tail -1 | grep -q 'bin/hio-quickstart$' ||
  { echo "make run does not end by running the quickstart:"; echo "$run"; exit 1; }
test=$("${MAKE:-make}" -s -n -C "$source" test 2>&1)
echo "$test" | grep 'cmake --build' | grep -q -- '--target' &&
  { echo "make test builds only some targets:"; echo "$test"; exit 1; }
echo "$test" | grep -q 'cmake --build' || { echo "make test builds nothing:"; echo "$test"; exit 1; }
exit 0
