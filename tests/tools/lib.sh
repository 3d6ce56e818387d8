# Helpers the cli_*.sh tests share (POSIX sh). A test sources it before it
# changes directory: . "$(dirname "$0")/lib.sh" (ctest runs each test as
# `sh /path/to/test.sh ARGS`). Helpers that fail end the test with exit 1.

# scaled SECONDS: SECONDS for the build under test, the bound of every wait
# below: times HIO_TEST_TIMEOUT_SCALE, which ctest gives every test of this
# directory as it scales their TIMEOUT (tests/CMakeLists.txt: 20 under TSan,
# which runs hio 13 to 30 times slower; 1 where it is not set).
scaled() {
  echo $(($1 * ${HIO_TEST_TIMEOUT_SCALE:-1}))
}

# await_file FILE PID WHAT: waits up to 10 s (scaled) for FILE, which process
# PID makes (by a rename) once it is ready; without it, kills PID and ends
# the test through its own fail() with WHAT.
await_file() {
  await_limit=$(scaled 10)
  i=0
  while [ ! -f "$1" ] && [ $i -lt $((await_limit * 20)) ]; do sleep 0.05; i=$((i + 1)); done
  [ -f "$1" ] || { kill "$2"; fail "$3 (within $await_limit s)"; }
}

# await_or_fail SECONDS PID WHAT CONDITION...: waits until the command
# CONDITION (a function too) succeeds, polling every 0.05 s, before a test
# signals hio (PID) at a moment the test is about: a signal sent anyway tests
# another moment, and its verdict would depend on the machine's speed. The
# bound is generous and scaled; once it runs out, PID is killed and the test
# ends with "hio never got to WHAT".
await_or_fail() {
  await_limit=$(scaled "$1") await_pid=$2 await_what=$3
  shift 3
  await_i=0
  while ! "$@"; do
    if [ $await_i -ge $((await_limit * 20)) ]; then
      kill -KILL "$await_pid" 2> /dev/null
      wait "$await_pid" 2> /dev/null
      echo "hio never got to $await_what within $await_limit s"
      exit 1
    fi
    sleep 0.05
    await_i=$((await_i + 1))
  done
}

# catches HIO PID MASK: whether PID is HIO by now (not the forked shell,
# whose handlers are sh's for a moment) and has a handler for each signal
# of MASK in /proc's SigCgt (bit N-1 for signal N: 0x2 SIGINT, 0x200
# SIGUSR1), for await_or_fail.
catches() {
  [ "$(readlink "/proc/$2/exe" 2> /dev/null)" = "$(readlink -f "$1")" ] || return 1
  catches_mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$2/status" 2> /dev/null)
  [ -n "$catches_mask" ] && [ $(( 0x$catches_mask & $3 )) -eq $(( $3 )) ]
}

# taken FD: whether every byte written to the pipe (a FIFO) on this
# shell's descriptor FD has been read (FIONREAD says 0 unread). Needs python3.
taken() {
  python3 -c 'import fcntl, struct, sys, termios
unread = fcntl.ioctl(int(sys.argv[1]), termios.FIONREAD, bytes(4))
sys.exit(struct.unpack("i", unread)[0] != 0)' "$1"
}

# waits_for_more HIO PID FD: whether HIO (PID) catches SIGINT and SIGTERM
# and has read all this shell wrote to the FIFO on FD: it waits for more,
# the moment to signal it, for await_or_fail. A pause after its start says
# neither: a loaded machine starts a sanitized hio in more than a second, and
# a signal before its handler reaches the forked shell (a background job of
# sh ignores SIGINT) or ends hio unsaid (SIGTERM).
waits_for_more() {
  catches "$1" "$2" 0x4002 && taken "$3"
}

# is_stopped PID: whether PID is stopped (by SIGSTOP), for await_or_fail: a test
# holds hio so while it sends signals, or makes an output fail, that must all
# come before hio acts on any of them.
is_stopped() {
  [ "$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2> /dev/null)" = T ]
}

# in_call TASK CALL [ARG]: whether the thread TASK (/proc/PID/task/TID, or
# /proc/PID for its main thread) is in the system call CALL (write or
# rt_sigtimedwait) now, with ARG (a number) as its first argument if given,
# by /proc's syscall (a call's number is the architecture's: x86_64's and
# aarch64's are known; elsewhere the kernel function it waits in, wchan).
in_call() {
  in_call_now=$(cut -d' ' -f1,2 "$1/syscall" 2> /dev/null) || return 1
  case $(uname -m):$2 in
    x86_64:write) in_call_nr=1 ;;
    x86_64:rt_sigtimedwait) in_call_nr=128 ;;
    aarch64:write) in_call_nr=64 ;;
    aarch64:rt_sigtimedwait) in_call_nr=137 ;;
    *) grep -q "${2#rt_}" "$1/wchan" 2> /dev/null; return ;;
  esac
  case $in_call_now in
    "$in_call_nr "*) [ $# -lt 3 ] || [ "${in_call_now#* }" = "$(printf '0x%x' "$3")" ] ;;
    *) return 1 ;;
  esac
}

# writes_to PID FD: whether PID is in a write(2) to its descriptor FD now,
# for await_or_fail: a hio blocked on a full pipe there, the moment a test
# waits for.
writes_to() {
  in_call "/proc/$1" write "$2"
}

# sweep_watching PID: whether hio sweep PID has its signal watcher waiting
# for a stop signal (a thread besides the main one in sigtimedwait; it
# blocks the signals, which /proc shows unblocked while it waits for them),
# for await_or_fail: a signal sent now comes during the sweep's watch.
sweep_watching() {
  for sweep_task in /proc/"$1"/task/*; do
    [ "${sweep_task##*/}" != "$1" ] && in_call "$sweep_task" rt_sigtimedwait && return 0
  done
  return 1
}

# report_begun PID DIR: hio sweep (PID) into --out DIR has begun its
# report.json: a file without a name in DIR (O_TMPFILE, linked at the end),
# or where that is missing report.json.XXXXXX (renamed at the end). Its
# seeds' runs come next. /proc names DIR as the kernel does, without
# symbolic links (a checkout reached through one): DIR is resolved so too,
# once it exists.
report_begun() {
  ls "$2"/report.json.* > /dev/null 2>&1 && return 0
  report_dir=$(cd "$2" 2> /dev/null && pwd -P) || return 1
  ls -l "/proc/$1/fd" 2> /dev/null | grep -q "$report_dir/.*(deleted)"
}

# stalled_reader FIFO &: opens FIFO to read and never reads, for at most
# 120 s (scaled); once the pipe is full - a write end
# of its own polls without POLLOUT: no room for a writer - it writes its PID
# to FIFO.full, and hio's next write waits for room (in write(2), or in
# poll(2) for a non-blocking journal). A pause in hio's written bytes is no
# such sign: a slow hio, as under TSan, pauses with room left. Only in the
# background: the job becomes python3, so $! is the reader's PID.
stalled_reader() {
  exec python3 - "$1" "$(scaled 120)" << 'PY'
import os, select, sys, time
fifo, seconds = sys.argv[1], int(sys.argv[2])
reader = os.open(fifo, os.O_RDONLY)  # once hio opens it to write
room = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # only polled, never written
end = time.monotonic() + seconds
while time.monotonic() < end:
    if not select.select([], [room], [], 0)[1]:
        with open(fifo + ".full.tmp", "w") as f:
            f.write(str(os.getpid()))
        os.rename(fifo + ".full.tmp", fifo + ".full")
        break
    time.sleep(0.01)  # not a spin: at nice 19 under load it starved hio itself
while time.monotonic() < end:
    time.sleep(0.1)
PY
}

# filled FIFO READER: the stalled_reader READER ($!) found FIFO full (an
# earlier reader's FIFO.full names another PID).
filled() {
  [ "$(cat "$1.full" 2> /dev/null)" = "$2" ]
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

# shell_word WORD: WORD as hio writes it in a command line to run again (a
# sweep's "runs again with", its report's "rerun"; tools/src/shell_word.cpp):
# as it is when made only of letters, digits and _-./:=,@%+ (and not begun
# by =), else in single quotes, a quote in it as '\''. For the paths of a
# checkout or build tree (a space, a UTF-8 name); not for control characters
# or bytes that are not UTF-8, which hio writes through printf.
shell_word() {
  case $1 in
    '' | =* | *[!A-Za-z0-9_./:=,@%+-]*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
    *) printf '%s' "$1" ;;
  esac
}

# NOBODY: runs a command as nobody (65534), for the cases that need a user
# other than root (root writes anywhere).
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

# why_not_nobody DIR: as root, nothing when NOBODY runs and can search DIR
# and every directory above it; else why not, for the line that says which
# cases are skipped. A tree below a directory others may not search (one
# made under umask 077, or /root) hides DIR from nobody, and hio would then
# rightly say only "Permission denied", not what the test checks.
why_not_nobody() {
  if ! command -v setpriv > /dev/null 2>&1 || ! $NOBODY true 2> /dev/null; then
    echo "root without setpriv"
  elif ! $NOBODY test -x "$1"; then
    echo "nobody cannot reach $1: a directory above it is not searchable by others"
  fi
}
