#!/bin/sh
# Files that a shell's `> FILE` writes, hio writes too (--record, salvage's
# OUT, a sweep's report.json), or says precisely why not, before the run:
# - a name of 250 bytes (NAME_MAX is 255): the temporary name beside it,
#   FILE.<pid>.<n>, went over NAME_MAX, and replacing such a file failed
#   with "File name too long"; a name over NAME_MAX itself is said so;
# - umask 222 (no write for the user): the temporary file was made 0400 and
#   could not be opened again to be written (Permission denied, a new file
#   too) - needs a user other than root (root writes a 0400 file), so as
#   root it runs as nobody (setpriv), else it is skipped;
# - another user's file in a sticky directory (/tmp): only its owner, the
#   directory's or a process with CAP_FOWNER may rename over it, and hio
#   replaces files rather than write into them: said before the run, not as
#   a bare "Operation not permitted" after the tree was built; a user with
#   CAP_FOWNER may, root without it may not, as the kernel decides - needs
#   root (to make another user's file) and setpriv;
# - a write-only OUT replaced: salvage's check at the end, which cannot read
#   it back, does not take it for lost (as another user: as umask 222).
# Usage: cli_record_replace.sh HIO SCENARIOS WORK
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 SCENARIOS=$2 WORK=$3
umask 022  # the other user's cases run as nobody, who must reach $WORK
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
cd "$WORK" || exit 1
fail() { echo "$1"; cat "$2" 2> /dev/null; exit 1; }
Q=$SCENARIOS/quickstart.toml

long=$(printf 'y%.0s' $(seq 245)).hioj  # 250 bytes
"$HIO" run "$Q" --record "$long" > a1.out 2>&1 || fail "long name, first record: exit $?" a1.out
"$HIO" run "$Q" --record "$long" > a2.out 2>&1 || fail "long name, replaced: exit $?" a2.out
"$HIO" salvage "$long" "$long.2" > a3.out 2>&1 || fail "long name, salvage OUT new: exit $?" a3.out
"$HIO" salvage "$long" "$long.2" > a4.out 2>&1 || fail "long name, salvage OUT replaced: exit $?" a4.out
[ "$(ls | grep -c '^y')" -eq 2 ] || fail "long name: files left beside" /dev/null
toolong=$(printf 'z%.0s' $(seq 251)).hioj  # 256 bytes
"$HIO" run "$Q" --record "$toolong" > a5.out 2>&1
rc=$?
[ $rc -eq 4 ] || fail "name over NAME_MAX: exit $rc, expected 4" a5.out
grep -qx "hio run: $toolong: cannot create the journal: File name too long (its name has 256 bytes; the file system of . allows 255)" \
  a5.out || fail "name over NAME_MAX: not said" a5.out
grep -q "summary\|passed" a5.out && fail "name over NAME_MAX: the run ran" a5.out
# In a directory: named as given, as docs/scenarios.md quotes it (it was
# named absolute, /.../captures, while the message's head said captures/...).
mkdir -p captures
"$HIO" run "$Q" --record "captures/$toolong" > a6.out 2>&1
rc=$?
[ $rc -eq 4 ] || fail "name over NAME_MAX in captures/: exit $rc, expected 4" a6.out
grep -qx "hio run: captures/$toolong: cannot create the journal: File name too long (its name has 256 bytes; the file system of captures allows 255)" \
  a6.out || fail "name over NAME_MAX in captures/: the directory not named as given" a6.out

as_other="" why_not="not root"
if [ "$(id -u)" -eq 0 ]; then
  why_not=$(why_not_nobody "$WORK")
  if [ -z "$why_not" ] && ! { $NOBODY "$HIO" --version > /dev/null 2>&1 && $NOBODY test -r "$Q"; }; then
    why_not="nobody cannot run $HIO or read $Q"
  fi
  [ -z "$why_not" ] && as_other=$NOBODY
fi

# umask 222: a new journal is 0444 (what open(2) gives), written all the same.
if [ "$(id -u)" -ne 0 ] || [ -n "$as_other" ]; then
  # A writable --out: one made under umask 222 is not (as `mkdir` makes it).
  mkdir nb nb/sw && chmod 777 nb nb/sw
  (
    umask 222
    $as_other "$HIO" run "$Q" --record nb/u.hioj > nb/u.out 2>&1 || exit 1
    $as_other "$HIO" sweep "$Q" --seeds 1..1 --set run.limit=1ms --out nb/sw > nb/sw.out 2>&1
    [ $? -eq 1 ] || exit 1
  ) || fail "umask 222: a command failed" nb/u.out
  [ "$(stat -c %a nb/u.hioj)" = 444 ] || fail "umask 222: mode $(stat -c %a nb/u.hioj), expected 444" /dev/null
  [ "$(stat -c %a nb/sw/report.json)" = 444 ] || fail "umask 222: report.json not 444" nb/sw.out
  "$HIO" inspect nb/u.hioj > /dev/null 2>&1 || fail "umask 222: the journal is not readable" /dev/null
else
  echo "skipped: umask 222 ($why_not)"
fi

# A write-only OUT replaced (its mode is taken): salvage cannot read it back
# at the end, and once said it lost it (exit 4, "0 bytes written") though the
# file is whole.
if [ "$(id -u)" -ne 0 ] || [ -n "$as_other" ]; then
  mkdir wo && chmod 777 wo && cp "$long" wo/in.hioj && chmod 644 wo/in.hioj
  (
    cd wo && $as_other sh -c 'echo x > out.hioj && chmod 200 out.hioj &&
      "$0" salvage in.hioj out.hioj > s.out 2>&1' "$HIO"
  ) || fail "write-only OUT: salvage exit $?" wo/s.out
  [ "$(stat -c %a wo/out.hioj)" = 200 ] || fail "write-only OUT: mode not kept" wo/s.out
  [ "$(stat -c %s wo/out.hioj)" = "$(stat -c %s "$long")" ] ||
    fail "write-only OUT: not the journal salvaged" wo/s.out
else
  echo "skipped: a write-only OUT ($why_not)"
fi

# Another user's file in a sticky directory: refused before the run.
if [ -n "$as_other" ]; then
  mkdir st && chmod 1777 st
  cp "$long" st/r.hioj && chmod 666 st/r.hioj && chown 65533:65533 st/r.hioj
  $as_other "$HIO" run "$Q" --record st/r.hioj > st.out 2>&1
  rc=$?
  [ $rc -eq 4 ] || fail "sticky directory: exit $rc, expected 4" st.out
  grep -qx "hio run: st/r.hioj: cannot create the journal: Operation not permitted (the file is another user's, in a directory with the sticky bit $PWD/st: only its owner, the directory's or a process with CAP_FOWNER may replace it, and hio writes a new file and renames it over the old one, never into it; have it removed, or write another path)" \
    st.out || fail "sticky directory: not said" st.out
  grep -q "passed" st.out && fail "sticky directory: the run ran" st.out
  cmp -s "$long" st/r.hioj || fail "sticky directory: the file changed" st.out
else
  echo "skipped: another user's file in a sticky directory (needs root and nobody: $why_not)"
fi

# The kernel's rule there is a capability's, CAP_FOWNER, not uid 0's:
# another user given it may replace such a file (hio refused it), root
# without it may not (hio ran, then its rename failed with a bare
# "Operation not permitted"). The file is the directory owner's, so that
# only this rule decides (fs.protected_regular's spares such a file).
if [ -n "$as_other" ] && setpriv --inh-caps +fowner --ambient-caps +fowner true 2> /dev/null &&
  setpriv --bounding-set -fowner --inh-caps -fowner true 2> /dev/null; then
  mkdir sf && chmod 1777 sf && chown 65533:65533 sf
  owned() { rm -f sf/r.hioj && cp "$long" sf/r.hioj && chmod 666 sf/r.hioj && chown 65533:65533 sf/r.hioj; }
  owned
  ino=$(stat -c %i sf/r.hioj)
  $as_other --inh-caps +fowner --ambient-caps +fowner "$HIO" run "$Q" --record sf/r.hioj \
    > sf1.out 2>&1 || fail "sticky directory, another user with CAP_FOWNER: exit $?" sf1.out
  # The same journal (the same run), in a new file renamed over the old one.
  [ "$(stat -c %i sf/r.hioj)" != "$ino" ] || fail "sticky directory, CAP_FOWNER: not replaced" sf1.out
  "$HIO" inspect sf/r.hioj > /dev/null || fail "sticky directory, CAP_FOWNER: no journal" sf1.out
  owned
  setpriv --bounding-set -fowner --inh-caps -fowner "$HIO" run "$Q" --record sf/r.hioj > sf2.out 2>&1
  rc=$?
  [ $rc -eq 4 ] || fail "sticky directory, root without CAP_FOWNER: exit $rc, expected 4" sf2.out
  grep -qx "hio run: sf/r.hioj: cannot create the journal: Operation not permitted (the file is another user's, in a directory with the sticky bit $PWD/sf: only its owner, the directory's or a process with CAP_FOWNER may replace it, and hio writes a new file and renames it over the old one, never into it; have it removed, or write another path)" \
    sf2.out || fail "sticky directory, root without CAP_FOWNER: not said" sf2.out
  grep -q "passed" sf2.out && fail "sticky directory, root without CAP_FOWNER: the run ran" sf2.out
  cmp -s "$long" sf/r.hioj || fail "sticky directory, root without CAP_FOWNER: changed" sf2.out
  # Root of a user namespace that maps only root (a rootless container)
  # has CAP_FOWNER there, but not over a file whose owner it does not map
  # (it reads as uid 65534): refused before the run too (it ran, then its
  # rename failed).
  if unshare -Ur true 2> /dev/null; then
    unshare -Ur "$HIO" run "$Q" --record sf/r.hioj > sf3.out 2>&1
    rc=$?
    [ $rc -eq 4 ] || fail "sticky directory, user namespace: exit $rc, expected 4" sf3.out
    grep -qx "hio run: sf/r.hioj: cannot create the journal: Operation not permitted (the file is another user's, in a directory with the sticky bit $PWD/sf: only its owner, the directory's or a process with CAP_FOWNER may replace it, and hio writes a new file and renames it over the old one, never into it; have it removed, or write another path)" \
      sf3.out || fail "sticky directory, user namespace: not said" sf3.out
    grep -q "passed" sf3.out && fail "sticky directory, user namespace: the run ran" sf3.out
    cmp -s "$long" sf/r.hioj || fail "sticky directory, user namespace: changed" sf3.out
  else
    echo "skipped: CAP_FOWNER in a user namespace (no unshare -Ur)"
  fi
else
  echo "skipped: CAP_FOWNER in a sticky directory (needs root and setpriv)"
fi
echo ok
