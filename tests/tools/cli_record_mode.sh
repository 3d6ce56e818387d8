#!/bin/sh
# The mode of every file hio writes (run/replay --record, salvage OUT, a
# sweep's report.json and journals): a new file gets 0666 less the umask, as
# open(2) gives it (unfixed: 0644 whatever the umask, so a capture under
# umask 077 was readable by all); a file replaced keeps its permission bits
# and, where the user may give them, its owner and group (unfixed: 0644, and
# a 0600 journal became readable by all); a file the user could not open for
# writing is not replaced: exit 4 and why, before the run (unfixed: replaced).
# Usage: cli_record_mode.sh HIO SCENARIOS WORK
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 SCENARIOS=$2 WORK=$3
umask 022  # the other user's cases run as nobody, who must reach $WORK
chmod -R u+w "$WORK" 2> /dev/null
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
fail() { echo "$1"; [ -n "${2:-}" ] && cat "$WORK/$2.err"; exit 1; }
mode_of() { stat -c %a "$1"; }
expect_mode() {
  [ "$(mode_of "$1")" = "$2" ] || fail "$1: mode $(mode_of "$1"), expected $2"
}
Q=$SCENARIOS/quickstart.toml

for mask in 077 027 022 002; do
  d=$WORK/umask$mask
  mkdir -p "$d"
  want=$(printf '%o' $((0666 & ~0$mask)))
  (
    umask $mask
    "$HIO" run "$Q" --record "$d/run.hioj" > "$d/run.out" 2>&1 || exit 1
    "$HIO" replay "$d/run.hioj" --record "$d/replay.hioj" > "$d/replay.out" 2>&1 || exit 1
    "$HIO" salvage "$d/run.hioj" "$d/salvaged.hioj" > "$d/salvage.out" 2>&1 || exit 1
    # A limit below the expectations': every seed fails, and its journal is kept.
    "$HIO" sweep "$Q" --seeds 1..2 --set run.limit=1ms --out "$d/sweep" > "$d/sweep.out" 2>&1
    [ $? -eq 1 ] || exit 1
    touch "$d/touched"  # what any tool's new file gets
  ) || fail "umask $mask: a command failed: $(cat "$d"/*.out)"
  expect_mode "$d/touched" "$want"
  for f in run.hioj replay.hioj salvaged.hioj sweep/report.json sweep/seed-1.hioj; do
    expect_mode "$d/$f" "$want"
  done
done

# Replaced: the permission bits stay, whatever the umask (a 0444 file only
# for root, who may write it).
modes="600 640 664"
[ "$(id -u)" -eq 0 ] && modes="$modes 444"
for m in $modes; do
  f=$WORK/kept$m.hioj
  echo old > "$f" && chmod $m "$f"
  (umask 022 && "$HIO" run "$Q" --record "$f" > "$WORK/kept$m.out" 2> "$WORK/kept$m.err") ||
    fail "replacing a $m file: exit $?" kept$m
  "$HIO" inspect "$f" > /dev/null || fail "replacing a $m file: no journal"
  expect_mode "$f" $m
  (umask 022 && "$HIO" salvage "$WORK/umask022/run.hioj" "$f" > /dev/null 2>&1) ||
    fail "salvage over a $m file"
  expect_mode "$f" $m
done

# As root: the owner and group stay too. As another user: a file that user
# could not write is refused, unchanged, before the run (nothing on stdout),
# in any directory; one they may write is replaced and becomes theirs.
as_nobody="" why_not=""
[ "$(id -u)" -eq 0 ] && why_not=$(why_not_nobody "$WORK")
if [ "$(id -u)" -eq 0 ] && [ -z "$why_not" ]; then
  as_nobody=$NOBODY
  f=$WORK/owned.hioj
  echo old > "$f" && chown nobody:"$(id -g nobody)" "$f" && chmod 640 "$f"
  "$HIO" run "$Q" --record "$f" > /dev/null 2>&1 || fail "root replacing nobody's file"
  [ "$(stat -c %U:%a "$f")" = "nobody:640" ] || fail "root replacing nobody's file: $(stat -c %U:%a "$f")"
elif [ "$(id -u)" -ne 0 ]; then
  as_nobody=" "
fi
if [ -n "$as_nobody" ]; then
  shared=$WORK/shared
  mkdir -p "$shared" && chmod 777 "$shared"
  cp "$Q" "$shared/q.toml" && chmod 644 "$shared/q.toml"
  echo precious > "$shared/keep.hioj" && chmod 444 "$shared/keep.hioj"
  [ "$(id -u)" -eq 0 ] && chown nobody "$shared/keep.hioj"
  for cmd in run salvage; do
    # The paths as words of their own: $WORK may hold a space.
    case $cmd in
      run) set -- "$shared/q.toml" --record ;;
      salvage) set -- "$WORK/umask022/run.hioj" ;;
    esac
    $as_nobody "$HIO" $cmd "$@" "$shared/keep.hioj" > "$WORK/ro.out" 2> "$WORK/ro.err"
    rc=$?
    [ $rc -eq 4 ] || fail "$cmd over a 0444 file: exit $rc, expected 4" ro
    grep -q "^hio \(run\|salvage\): $shared/keep.hioj: cannot create the journal: Permission denied (the file exists, and you have no write permission on it: hio replaces only a file it could write)$" \
      "$WORK/ro.err" || fail "$cmd over a 0444 file: not said why" ro
    [ ! -s "$WORK/ro.out" ] || fail "$cmd over a 0444 file: it ran first: $(cat "$WORK/ro.out")"
    [ "$(cat "$shared/keep.hioj")" = precious ] || fail "$cmd over a 0444 file: replaced"
  done
else
  echo "($why_not: the other user's cases are not checked)"
fi

# A symbolic link that names no file yet: its target is created, as open(2)
# with O_CREAT (and a shell's `>`) create it, through a chain of links and a
# relative one; the links stay (unfixed: the link was replaced by a regular
# file). Links that loop: exit 4 and why, nothing run.
d=$WORK/links
mkdir -p "$d/sub"
ln -s sub/middle.hioj "$d/dangling.hioj"
ln -s target.hioj "$d/sub/middle.hioj"
"$HIO" run "$Q" --record "$d/dangling.hioj" > "$WORK/dangling.out" 2> "$WORK/dangling.err" ||
  fail "--record onto a dangling link: exit $?" dangling
[ -L "$d/dangling.hioj" ] && [ -L "$d/sub/middle.hioj" ] || fail "--record replaced a link" dangling
[ -f "$d/sub/target.hioj" ] && [ ! -L "$d/sub/target.hioj" ] || fail "--record: no target.hioj" dangling
"$HIO" inspect "$d/dangling.hioj" > /dev/null 2>&1 || fail "the journal through the link is unreadable"
ln -s loop.hioj "$d/loop.hioj"
"$HIO" run "$Q" --record "$d/loop.hioj" > "$WORK/loop.out" 2> "$WORK/loop.err"
rc=$?
[ $rc -eq 4 ] || fail "--record onto a loop of links: exit $rc, expected 4" loop
grep -qx "hio run: $d/loop.hioj: cannot create the journal: Too many levels of symbolic links" "$WORK/loop.err" ||
  fail "--record onto a loop of links: not said why" loop
[ -L "$d/loop.hioj" ] || fail "--record replaced the looping link" loop
echo ok
