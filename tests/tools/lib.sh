# Helpers the cli_*.sh tests share (POSIX sh). A test sources it before it
# changes directory: . "$(dirname "$0")/lib.sh" (ctest runs each test as
# `sh /path/to/test.sh ARGS`). Helpers that fail end the test with exit 1.

# await_file FILE PID WHAT: waits up to 10 s for FILE, which process PID
# makes (by a rename) once it is ready; without it, kills PID and ends the
# test through its own fail() with WHAT.
await_file() {
  i=0
  while [ ! -f "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
  [ -f "$1" ] || { kill "$2"; fail "$3"; }
}

# reap_within TENTHS PID WHAT: waits up to TENTHS tenths of a second for PID
# (a background job, already signalled) to end, and returns its exit status;
# if it is still running then, kills it and ends the test saying WHAT.
reap_within() {
  i=0
  while kill -0 "$2" 2> /dev/null && [ $i -lt "$1" ]; do sleep 0.1; i=$((i + 1)); done
  if kill -0 "$2" 2> /dev/null; then
    kill -KILL "$2"
    wait "$2"
    echo "$3"
    exit 1
  fi
  wait "$2"
}

# slow_build_scenario FILE: a scenario that takes seconds to build (200,000
# tickers) and then would run 1,000 passes of them for seconds more: a
# signal sent a moment after hio starts comes during its build.
slow_build_scenario() {
  cat > "$1" << 'TOML'
[run]
tock = "10ms"
limit = "10s"
[[doer]]
kind = "group"
name = "swarm"
  [[doer.doer]]
  kind = "ticker"
  name = "t"
  copies = 200_000
  count = 1000
TOML
}

# slow_peer ARGS... << 'PY' &: runs the Python program on stdin, with ARGS as
# sys.argv[1:], as a TCP peer that takes bytes slowly. A prelude listens on
# 127.0.0.1, port 0, with a 4 KiB receive buffer, writes the port to ./port
# (by a rename: whole once it is there), accepts one client within 30 s as
# `s`, and defines await_closed(seconds): waits at most that long until s's
# connection ends under it (TCP_CLOSE). Only in the background: the job
# becomes python3 itself, so $! is the peer's PID.
slow_peer() {
  program=$(cat)
  prelude=$(cat << 'PY'
import os, socket, sys, time
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # accepted sockets inherit it
l.bind(("127.0.0.1", 0))
l.listen(1)
with open("port.tmp", "w") as f:
    f.write(str(l.getsockname()[1]))
os.rename("port.tmp", "port")
l.settimeout(30)
s, _ = l.accept()
def await_closed(seconds):
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0] == 7:  # TCP_CLOSE
            return
        time.sleep(0.02)
PY
)
  exec python3 -c "$prelude
$program" "$@"
}

# gone_reader_pipe: opens descriptor 5 on a pipe (the FIFO ./gone_reader)
# whose reader opened it and has exited: a write to it fails with EPIPE, or
# raises SIGPIPE. The caller closes it: exec 5>&-.
gone_reader_pipe() {
  rm -f gone_reader && mkfifo gone_reader || exit 1
  (exec 4< gone_reader) &
  exec 5> gone_reader
  wait $!
}
