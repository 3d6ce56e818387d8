#!/bin/sh
# A terminal as the journal (--record /dev/pts/N, /dev/tty; salvage OUT):
# refused before the run, exit 4, nothing written to it (it used to get the
# binary journal, a peer's escape sequences raw). A pseudo-terminal from
# python3 stands for the user's terminal (exit 77: skipped without python3).
# Usage: cli_record_tty.sh HIO SCENARIOS WORK
set -u
HIO=$1 SCENARIOS=$2 WORK=$3
command -v python3 > /dev/null || { echo "no python3: skipped"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
"$HIO" run "$SCENARIOS/quickstart.toml" --record ok.hioj > ok.out 2>&1 || { cat ok.out; exit 1; }
exec python3 - "$HIO" "$SCENARIOS/quickstart.toml" << 'PY'
import os, select, subprocess, sys
hio, scenario = sys.argv[1], sys.argv[2]
master, slave = os.openpty()
tty = os.ttyname(slave)
def check(name, args):
    with open(name + ".out", "wb") as out:
        rc = subprocess.call([hio] + args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    said = open(name + ".out", encoding="utf-8", errors="replace").read()
    got = b""
    while select.select([master], [], [], 0.2)[0]:
        chunk = os.read(master, 65536)
        if not chunk:
            break
        got += chunk
    want = ("%s: cannot create the journal: it is a terminal, where the journal's bytes (a peer's "
            "escape sequences among them) would be shown raw; give a file name, or a pipe "
            "(>(gzip > run.hioj.gz))" % tty)
    if rc != 4 or want not in said or got:
        print("%s: exit %d (expected 4), %d bytes on the terminal; said:\n%s" % (name, rc, len(got), said))
        sys.exit(1)
check("run", ["run", scenario, "--record", tty])
check("salvage", ["salvage", "ok.hioj", tty])
print("ok")
PY
