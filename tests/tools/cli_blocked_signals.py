"""Stop signals that hio's parent blocked before exec still stop it.

A launcher (a CI runner, an embedding program) may start hio with SIGINT,
SIGTERM or SIGHUP blocked in the signal mask it inherits. hio used to leave
the mask as it was: the signal stayed pending, the real-time run went on to
its limit and exited 0, and only SIGKILL could stop a long capture (no
trailer). Each is now acted on as when it is not blocked: the journal ends
with its trailer and the exit code is the signal's (130, 143, 129).

Usage: cli_blocked_signals.py HIO WORK. Bounded: every child has a timeout.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

hio, work = sys.argv[1:3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
os.chdir(work)
with open("slow.toml", "w") as f:
    f.write('[run]\nmode = "real"\ntock = "10ms"\nlimit = "20s"\n'
            '[[doer]]\nkind = "ticker"\nname = "t"\n')


def fail(text):
    print(text)
    sys.exit(1)


def blocked(sig):
    """The child's signal state: `sig` at its default action (a SIGHUP that
    came in ignored, under nohup, stays ignored in hio), and blocked."""
    def prepare():
        signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_BLOCK, {sig})
    return prepare


for sig, code in ((signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)):
    journal = "%s.hioj" % sig.name
    child = subprocess.Popen(
        [hio, "run", "slow.toml", "--record", journal], preexec_fn=blocked(sig),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # The journal takes its name at the run's first pass.
    deadline = time.monotonic() + 10
    while not os.path.exists(journal) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not os.path.exists(journal):
        child.kill()
        fail("%s: the run never started" % sig.name)
    child.send_signal(sig)
    try:
        _, err = child.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        fail("%s blocked by the parent: not acted on within 5 s" % sig.name)
    if child.returncode != code:
        fail("%s blocked by the parent: exit %d, expected %d: %s" %
             (sig.name, child.returncode, code, err.decode(errors="replace")))
    inspect = subprocess.run([hio, "inspect", journal], capture_output=True, timeout=30)
    if b"end=interrupted" not in inspect.stdout:
        fail("%s: the journal has no trailer that says interrupted: %s" %
             (sig.name, inspect.stdout[-300:].decode(errors="replace")))

def pending(sig):
    """As blocked(sig), and `sig` already sent: pending when hio starts."""
    def prepare():
        blocked(sig)()
        os.kill(os.getpid(), sig)
    return prepare


# One already pending when hio starts (it came while the launcher blocked
# it) is acted on the moment run_cli unblocks it, so the command's handler
# must be in place by then: the command ends at once, interrupted, with its
# line and exit code; a signal before the command is known (`--version`)
# too, after the version. Unfixed, the signal took its default action there
# and hio died of it, silently (a signal that came between the unblocking
# and the handler, while the arguments were read, did the same).
for sig, code in ((signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)):
    for args, said in ((["run", "slow.toml"], b"hio run: interrupted (%s)"),
                       (["check", "slow.toml"], b"hio check: interrupted (%s)"),
                       (["--version"], b"hio: interrupted (%s)")):
        child = subprocess.run([hio] + args, preexec_fn=pending(sig), capture_output=True,
                               timeout=10)
        out = child.stdout + child.stderr
        if child.returncode != code or said % sig.name.encode() not in out:
            fail("%s pending at hio %s: exit %d, expected %d and %r: %s" %
                 (sig.name, args[0], child.returncode, code, said % sig.name.encode(),
                  out.decode(errors="replace")))
print("ok")
