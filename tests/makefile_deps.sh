#!/bin/sh
# Every target of the root Makefile but clean (and deps itself) runs
# scripts/deps.sh first, as docs/development.md says: a fresh machine gets
# what a target needs (clang-format for format-check) from the target itself.
# `make -n` prints the recipe without running it. Unfixed, format and
# format-check did not (xargs: clang-format: No such file or directory).
set -u
source=$1
targets=$(sed -n 's/^\.PHONY: *//p' "$source/Makefile")
[ -n "$targets" ] || { echo "no .PHONY line in $source/Makefile"; exit 1; }
failed=0
for target in $targets; do
  case $target in clean | deps) continue ;; esac
  if ! "${MAKE:-make}" -n -C "$source" "$target" 2>&1 | grep -q 'scripts/deps\.sh'; then
    echo "make $target does not run scripts/deps.sh first"
    failed=1
  fi
done
exit $failed
