#!/usr/bin/env python3
"""Determinism as properties of generated scenarios (scenario_gen.py), a bounded set of seeds.

generated_scenarios.py HIO WORKDIR

For each seed: `hio check` accepts the scenario and `hio run` runs it; two runs record
byte-identical journals; the summary's digest is the trailer's; a run with time skipping off
records the same bytes; `hio replay` of the journal is identical, with the run's exit code;
`hio diff` of the journal with itself finds nothing. The seeds include the generated
scenarios whose replays diverged before session 23 (xprop23 finding 1: a sender woken by its
peer's read ran a pass late in the replay). Every command is bounded by a timeout.
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenario_gen import gen  # noqa: E402

SEEDS = list(range(1, 21)) + list(range(10120, 10131)) + [10319, 10461, 10807, 10949, 11129]
TIMEOUT = 60


def run(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", "", ""


def json_object(text):
    """The JSON object `text` holds, or None (empty, cut short, not an object): a seed's
    failure to report, not a traceback that ends the test."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def same_bytes(a, b):
    try:
        with open(a, "rb") as fa, open(b, "rb") as fb:
            return fa.read() == fb.read()
    except OSError:  # a run that wrote no journal
        return False


def check_seed(hio, work, seed, fail):
    text, sets = gen(seed)
    d = os.path.join(work, str(seed))
    os.makedirs(d)
    s = os.path.join(d, "s.toml")
    with open(s, "w") as f:
        f.write(text)
    setargs = [a for x in sets for a in ("--set", x)]
    a, b, c = (os.path.join(d, n) for n in ("a.hioj", "b.hioj", "noskip.hioj"))
    rc, _, err = run([hio, "check", s, *setargs])
    if rc != 0:
        return fail(seed, f"check exit {rc}: {err.strip()[:300]}")
    rc, out, err = run([hio, "run", s, *setargs, "--record", a, "--json"])
    if rc not in (0, 1):
        return fail(seed, f"run exit {rc}: {err.strip()[:300]}")
    rc2, _, _ = run([hio, "run", s, *setargs, "--record", b])
    if rc2 != rc or not same_bytes(a, b):
        fail(seed, f"two runs differ (exit {rc}, {rc2})")
    rc3, _, _ = run([hio, "run", s, *setargs, "--set", "run.skip=false", "--record", c])
    if rc3 != rc or not same_bytes(a, c):
        fail(seed, f"time skipping off records another journal (exit {rc}, {rc3})")
    _, trailer, _ = run([hio, "inspect", a, "--json"])
    last = json_object(trailer.splitlines()[-1] if trailer else "")
    summary = json_object(out)
    if summary is None or last is None:
        fail(seed, f"not JSON: run --json {out.strip()[:200]!r}, inspect {trailer.strip()[-200:]!r}")
    elif last.get("digest") != summary.get("digest"):
        fail(seed, f"summary digest {summary.get('digest')}, trailer {last.get('digest')}")
    rr, rout, rerr = run([hio, "replay", a])
    first = rout.splitlines()[0] if rout else ""
    if rr != rc or "identical" not in first:
        fail(seed, f"replay exit {rr} (run {rc}): {rout.strip()[:600]} {rerr.strip()[:200]}")
    rd, dout, _ = run([hio, "diff", a, a])
    if rd != 0 or not dout.startswith("same"):
        fail(seed, f"diff with itself: exit {rd}: {dout[:200]}")


def main():
    hio, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    failures = []

    def fail(seed, what):
        failures.append(f"seed {seed}: {what}")
        print(failures[-1], flush=True)

    for seed in SEEDS:
        check_seed(hio, work, seed, fail)
    print(f"{len(SEEDS)} generated scenarios, {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
