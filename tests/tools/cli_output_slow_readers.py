"""Slow but live readers get every byte.

1. A stdout that the calling program made non-blocking (O_NONBLOCK is on the
   open file a parent shares with hio) and a reader that starts late: hio
   waits for room; it used to take EAGAIN for a write error, cut the output
   at 64 KiB and exit 4.
2. A journal FIFO whose reader takes 4 KiB every 20 ms, and a SIGINT while
   hio waits for room: a reader that makes room within each 100 ms step gets
   the whole journal, trailer included (exit 130: the signal wins); hio used
   to give up at the first full pipe after the signal.

Usage: cli_output_slow_readers.py HIO SCENARIOS WORK. Bounded: every child
has a timeout.
"""
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time

hio, scenarios, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
os.chdir(work)
scenario = os.path.join(scenarios, "udp_request_response.toml")


def fail(text):
    print(text)
    sys.exit(1)


subprocess.run([hio, "run", scenario, "--record", "u.hioj"], check=True,
               stdout=subprocess.DEVNULL, timeout=60)
whole = subprocess.run([hio, "inspect", "u.hioj"], check=True, capture_output=True,
                       timeout=60).stdout
if len(whole) < 2 * 65536:
    fail(f"inspect wrote {len(whole)} bytes: too few to fill a pipe")

# 1. Non-blocking stdout, reader late by a second.
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
child = subprocess.Popen([hio, "inspect", "u.hioj"], stdout=w, stderr=subprocess.PIPE)
os.close(w)
time.sleep(1.0)
got = b""
while True:
    chunk = os.read(r, 65536)
    if not chunk:
        break
    got += chunk
os.close(r)
err = child.stderr.read().decode()
rc = child.wait(timeout=60)
if rc != 0 or got != whole:
    fail(f"non-blocking stdout: exit {rc}, {len(got)} of {len(whole)} bytes: {err.strip()}")

# 2. A journal FIFO read slowly. The reader waits until hio waits for room
# (the pipe full: /proc/PID/wchan names a poll), SIGINT, then reads.
os.mkfifo("j.fifo")
child = subprocess.Popen([hio, "run", scenario, "--record", "j.fifo"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
fd = os.open("j.fifo", os.O_RDONLY)
start = time.monotonic()
wchan = ""
while time.monotonic() - start < 10 and "poll" not in wchan:
    time.sleep(0.05)
    try:
        with open(f"/proc/{child.pid}/wchan") as f:
            wchan = f.read()
    except OSError:
        break
if "poll" not in wchan:
    child.kill()
    fail(f"journal: hio never waited for room in the FIFO (wchan {wchan!r})")
child.send_signal(signal.SIGINT)
journal = b""
while True:
    if time.monotonic() - start > 60:
        child.kill()
        fail("journal: still reading after 60 s")
    chunk = os.read(fd, 4096)
    if not chunk:
        break
    journal += chunk
    time.sleep(0.02)
os.close(fd)
err = child.stderr.read().decode()
rc = child.wait(timeout=60)
if rc != 130:
    fail(f"journal: exit {rc}, expected 130: {err.strip()}")
with open("j.hioj", "wb") as out:
    out.write(journal)
check = subprocess.run([hio, "inspect", "j.hioj", "--kind", "close"], capture_output=True,
                       timeout=60)
if check.returncode != 0 or b"trailer " not in check.stdout:
    fail(f"journal: {len(journal)} bytes, not whole (inspect exit {check.returncode}): "
         f"{check.stderr.decode().strip()} / hio said: {err.strip()}")
print("ok")
