#!/bin/sh
# A sticky directory everyone may write (/tmp): what another user plants there
# never decides where hio writes, nor who owns what it wrote - as the kernel's
# fs.protected_symlinks=1 and fs.protected_regular=2 refuse a shell's `>`,
# whatever this machine's sysctl settings. Attacker: nobody (65534); victims:
# root and uid 65533. Each refusal is said before the run, exit 4, and
# changes nothing:
# (a) a link to a root-only file: root's --record replaced that file;
# (b) a link to a file that does not exist yet: root created it;
# (c) nobody's own 0666 file: root's capture took its owner and mode;
# (d) a link to uid 65533's file: their --record replaced it;
# (e) sweep --out through a link: root's report went into a root-only dir;
# (f) salvage OUT through a link, (g) a link in a directory component;
# and what the kernel allows still works: one's own link there, a link of
# the directory's owner, a new file.
# Needs root and setpriv (exit 77: skipped).
# Usage: cli_record_protected.sh HIO SCENARIOS WORK
set -u
HIO=$1 SCENARIOS=$2 WORK=$3
[ "$(id -u)" -eq 0 ] || { echo "not root (needs other users' files): skipped"; exit 77; }
AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
AS_USER="setpriv --reuid=65533 --regid=65533 --clear-groups"
$AS true 2> /dev/null || { echo "no setpriv: skipped"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK/shared" "$WORK/rootdir" "$WORK/home" && cd "$WORK" || exit 1
W=$PWD
chmod 755 . && chmod 1777 shared && chmod 700 rootdir && chown 65533:65533 home || exit 1
$AS test -w shared || { echo "nobody cannot reach $W: skipped"; exit 77; }
fail() { echo "$1"; [ $# -lt 2 ] || cat "$2"; exit 1; }
Q=$SCENARIOS/quickstart.toml
echo 'root:secret' > rootdir/shadow && chmod 600 rootdir/shadow
echo 'alias ls=ls' > home/rc && chown 65533:65533 home/rc
$AS ln -s "$W/rootdir/shadow" shared/a.hioj
$AS ln -s "$W/rootdir/new" shared/b.hioj
$AS sh -c 'umask 0; echo nobody > shared/c.hioj'
$AS ln -s "$W/home/rc" shared/d.hioj
$AS ln -s "$W/rootdir" shared/dir

link_said() {  # OUT FILE-SAID LINK: the refusal of LINK, FILE-SAID as given
  grep -qx "$4: $2: cannot create the journal: Permission denied ($W/shared/$3 is a symbolic link of uid 65534's in the sticky directory $W/shared that everyone may write: the kernel's fs.protected_symlinks follows such a link only for its owner (a shell's \`>\` is refused too), and hio follows it for no one else, root included; give the path it names, or have the link removed)" \
    "$1" || fail "$2: not said" "$1"
}
for f in a b; do
  "$HIO" run "$Q" --record shared/$f.hioj > $f.out 2>&1
  rc=$?
  [ $rc -eq 4 ] || fail "($f) exit $rc, expected 4" $f.out
  link_said $f.out shared/$f.hioj $f.hioj "hio run"
done
[ "$(cat rootdir/shadow)" = root:secret ] || fail "(a) the root-only file was replaced"
[ ! -e rootdir/new ] || fail "(b) the link's target was created"
"$HIO" run "$Q" --record shared/c.hioj > c.out 2>&1
rc=$?
[ $rc -eq 4 ] || fail "(c) exit $rc, expected 4" c.out
grep -qx "hio run: shared/c.hioj: cannot create the journal: Permission denied (the file is uid 65534's, in the sticky directory $W/shared that others may write, and neither yours nor the directory owner's: hio neither writes, replaces nor takes it over, for root neither, as the kernel's fs.protected_regular=2 refuses to open such a file with O_CREAT (a shell's \`>\`); have it removed, or write another path)" \
  c.out || fail "(c) not said" c.out
[ "$(cat shared/c.hioj)" = nobody ] || fail "(c) the file changed"
$AS_USER "$HIO" run "$Q" --record shared/d.hioj > d.out 2>&1
rc=$?
[ $rc -eq 4 ] || fail "(d) exit $rc, expected 4" d.out
link_said d.out shared/d.hioj d.hioj "hio run"
[ "$(cat home/rc)" = 'alias ls=ls' ] || fail "(d) the user's file was replaced"
"$HIO" sweep "$Q" --seeds 1..2 --set run.limit=1ms --out shared/dir/sub > e.out 2>&1
rc=$?
[ $rc -eq 4 ] || fail "(e) exit $rc, expected 4" e.out
grep -q "^hio sweep: cannot create shared/dir/sub: Permission denied ($W/shared/dir is a symbolic link of uid 65534's" \
  e.out || fail "(e) not said" e.out
[ ! -e rootdir/sub ] || fail "(e) the directory was created"
"$HIO" run "$Q" --record ok.hioj > ok.out 2>&1 || fail "a journal to salvage: exit $?" ok.out
"$HIO" salvage ok.hioj shared/a.hioj > f.out 2>&1
rc=$?
[ $rc -eq 4 ] || fail "(f) exit $rc, expected 4" f.out
link_said f.out shared/a.hioj a.hioj "hio salvage"
"$HIO" run "$Q" --record shared/dir/g.hioj > g.out 2>&1
rc=$?
[ $rc -eq 4 ] || fail "(g) exit $rc, expected 4" g.out
grep -q "Permission denied ($W/shared/dir is a symbolic link of uid 65534's" g.out || fail "(g) not said" g.out
[ "$(cat rootdir/shadow)" = root:secret ] && [ ! -e rootdir/g.hioj ] || fail "(f, g) a root file was written"

# Allowed: one's own link, a link of the directory's owner, a new file.
$AS ln -s "$W/shared/n.target" shared/own.hioj
$AS "$HIO" run "$Q" --record shared/own.hioj > own.out 2>&1 || fail "own link: exit $?" own.out
[ -L shared/own.hioj ] && [ -f shared/n.target ] || fail "own link: not followed" own.out
ln -s "$W/shared/byroot.target" shared/root.hioj  # root owns the directory
$AS "$HIO" run "$Q" --record shared/root.hioj > root.out 2>&1 || fail "directory owner's link: exit $?" root.out
[ -f shared/byroot.target ] || fail "directory owner's link: not followed" root.out
"$HIO" run "$Q" --record shared/new.hioj > new.out 2>&1 || fail "a new file: exit $?" new.out
echo ok
