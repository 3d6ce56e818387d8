#!/bin/sh
# The command line's texts of OS errors do not depend on the locale: a
# program that calls setlocale(LC_ALL, "") (localized_hio.cpp) in a German
# environment says "No such file or directory" where the C library would say
# "Datei oder Verzeichnis nicht gefunden": a scenario, a journal to read, a
# journal and a sweep report to write. glibc translates in C.UTF-8 when
# LANGUAGE names a language it has a catalog for (no generated locale
# needed). Exit 77 (skipped) where the system translates nothing.
# Usage: cli_locale.sh LOCALIZED_HIO SCENARIOS WORK
set -u
HIO=$1 SCENARIOS=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
export LANGUAGE=de LC_ALL=C.UTF-8
fail() { echo "$1"; cat err 2> /dev/null; exit 1; }
if LC_ALL=C.UTF-8 ls "$WORK/missing" 2>&1 | grep -q "No such file"; then
  echo "this system does not translate the C library's messages: skipped"
  exit 77
fi

# expect_error CODE TEXT ARGS...: hio ARGS exits CODE, TEXT on stderr.
expect_error() {
  code=$1 text=$2
  shift 2
  "$HIO" "$@" > out 2> err
  rc=$?
  [ $rc -eq "$code" ] || fail "hio $*: exit $rc, expected $code"
  grep -qF "$text" err || fail "hio $*: no '$text' on stderr"
}
expect_error 2 "cannot read the file: No such file or directory" check missing.toml
expect_error 2 "cannot open 'missing.hioj': No such file or directory" inspect missing.hioj
expect_error 4 ": No such file or directory" run "$SCENARIOS/quickstart.toml" --record missing/run.hioj
: > file
expect_error 4 ": Not a directory" sweep "$SCENARIOS/quickstart.toml" --seeds 1..2 --out file/dir
echo ok
