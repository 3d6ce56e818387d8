#!/bin/sh
# Where no file without a name can be made (no O_TMPFILE on the file system,
# or no /proc: forced here by unmounting /proc in a private mount namespace),
# --record writes a temporary FILE.XXXXXX beside FILE. Another user who can
# write the directory swaps that name for a symbolic link to a root-only file
# while root's hio builds a slow scenario: hio must neither write through the
# link nor give the link's target FILE's owner and mode, nor rename the link
# over FILE. Before session 15 it reopened the temporary by its name and
# chmod/chowned it by name at commit: the victim became nobody's, 0666.
# Needs root, setpriv, unshare -m and python3 (exit 77: skipped).
# Usage: cli_record_tmpname_race.sh HIO WORK [SANITIZE (HIO_SANITIZE_KIND)]
set -u
. "$(dirname "$0")/lib.sh"
HIO=$1 WORK=$2 SANITIZE=${3:-}
# A sanitizer's runtime reads /proc (its maps, the executable's name) and
# cannot run the program without it.
[ -z "$SANITIZE" ] || { echo "skipped: $SANITIZE sanitizer build (needs /proc)"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "not root (needs another user and unshare -m): skipped"; exit 77; }
AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
$AS true 2> /dev/null || { echo "no setpriv to run as nobody: skipped"; exit 77; }
# A python3 that nobody may run (a per-user shim may not be).
py=""
for p in /usr/bin/python3 /usr/local/bin/python3 "$(command -v python3)"; do
  [ -n "$p" ] && $AS "$p" -c '' 2> /dev/null && { py=$p; break; }
done
[ -n "$py" ] || { echo "no python3 that nobody may run: skipped"; exit 77; }
unshare -m --propagation private true 2> /dev/null ||
  { echo "unshare -m not permitted here: skipped"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK/pub" "$WORK/vict" && cd "$WORK" || exit 1
chmod 755 "$WORK" && chmod 777 pub || exit 1
fail() { echo "$1"; [ $# -lt 2 ] || cat "$2"; exit 1; }
$AS test -w pub || { echo "nobody cannot reach $WORK: skipped"; exit 77; }
slow_build_scenario slow.toml
printf '[run]\nlimit = "30ms"\ntock = "10ms"\n[[doer]]\nkind = "ticker"\nname = "t"\n' > quick.toml

# Without /proc and without an attacker: the named temporary works.
unshare -m --propagation private sh -c 'umount -l /proc && exec "$0" run quick.toml --record pub/q.hioj' \
  "$HIO" > q.out 2>&1 || fail "no /proc: exit $?" q.out
"$HIO" inspect pub/q.hioj > /dev/null 2>&1 || fail "no /proc: no journal" q.out
[ "$(ls pub)" = q.hioj ] || fail "no /proc: files left: $(ls pub)"
# hio salvage writes OUT the same way: its temporary is opened once (by
# mkstemp, O_EXCL) and then written through that descriptor, never opened again
# by its name (which another user could have swapped for a link by then).
if command -v strace > /dev/null 2>&1; then
  unshare -m --propagation private sh -c 'umount -l /proc && exec strace -f -qq -e trace=open,openat -o s.trace "$0" salvage pub/q.hioj pub/s.hioj' \
    "$HIO" > s.out 2>&1 || fail "no /proc: salvage exit $?" s.out
  opens=$(grep -c 's\.hioj\.' s.trace)
  [ "$opens" -eq 1 ] || fail "salvage opened its temporary by name $opens times (expected once, by mkstemp)" s.trace
  # Held open until commit: not inherited by a process started meanwhile.
  grep 's\.hioj\.' s.trace | grep -q O_CLOEXEC || fail "salvage's temporary is not O_CLOEXEC" s.trace
  "$HIO" inspect pub/s.hioj > /dev/null 2>&1 || fail "no /proc: salvage wrote no journal" s.out
  rm -f pub/s.hioj s.trace
fi

echo 'precious root data' > vict/data && chmod 600 vict/data
$AS sh -c 'umask 0; : > pub/r.hioj'  # an earlier capture, nobody's: its owner and mode are taken
cat > att.py << 'PY'
import os, sys, time
end = time.monotonic() + 20
swapped = False
open("watching", "w").close()  # for the test: from now on pub is watched
while time.monotonic() < end and not os.path.exists("stop"):
    for f in os.listdir("pub"):
        p = os.path.join("pub", f)
        if f.startswith("r.hioj.") and not os.path.islink(p):
            try:
                os.unlink(p); os.symlink(os.path.abspath("vict/data"), p); swapped = True
            except OSError:
                pass
    time.sleep(0.001)
open("swapped", "w").write("1" if swapped else "0")
PY
chmod 644 att.py && chmod 777 . || exit 1
$AS "$py" att.py &
attacker=$!
await_or_fail 10 $attacker "(the attacker) its watch of pub" test -e watching
unshare -m --propagation private sh -c 'umount -l /proc && exec "$0" run slow.toml --set run.limit=20ms --record pub/r.hioj' \
  "$HIO" > r.out 2>&1
rc=$?
: > stop
wait $attacker
[ "$(cat swapped 2> /dev/null)" = 1 ] || fail "the attacker never saw the temporary: the test proves nothing" r.out
[ "$(stat -c '%U %a' vict/data)" = "root 600" ] ||
  fail "the victim's owner and mode changed: $(stat -c '%U %a' vict/data)" r.out
[ "$(cat vict/data)" = 'precious root data' ] || fail "the victim was written" r.out
[ ! -L pub/r.hioj ] || fail "the link was renamed over FILE" r.out
[ $rc -eq 4 ] || fail "exit $rc, expected 4 (the journal could not be put in place)" r.out
# The attacker may swap the temporary before hio checks it is still its own
# (just after making it) or later (before the rename): either is said.
grep -q "hio run: pub/r.hioj: cannot create the journal: the file written as r.hioj\..* beside it was removed or replaced by another process before it could be renamed (someone else writes its directory)" \
  r.out ||
  grep -q "hio run: pub/r.hioj: cannot create the journal: .* (the temporary file r.hioj\..* made in .*pub was removed or replaced by another process as it was made, or the directory itself was: someone else writes it)" \
    r.out || fail "not said" r.out
echo ok
