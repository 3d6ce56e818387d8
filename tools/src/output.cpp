#include "output.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <iostream>
#include <locale>
#include <mutex>
#include <new>

#include "hio/engine/doist.hpp"  // caught_stop_signal
#include "hio/engine/report.hpp"
#include "hio/io/error_text.hpp"
#include "hio/tools/cli.hpp"

namespace hio::tools {

namespace {

constexpr std::size_t kPendingMax = std::size_t{1} << 16;

// Whether SIGPIPE is diverted to on_sigpipe by a CliSignals (its action was
// SIG_DFL): only then does stdout's EPIPE end the process as SIGPIPE would.
std::atomic<bool> sigpipe_diverted{false};

void on_sigpipe(int /*signal*/) {}

// defer_stdout_sigpipe: a stdout EPIPE no longer ends hio at once (until the
// CliSignals that diverted SIGPIPE is gone).
std::atomic<bool> sigpipe_deferred{false};

// exit_code_known: a failure's code is known, stdout's EPIPE does not replace it.
std::atomic<bool> failure_known{false};

// interruption_said: stderr has said that a stop signal ended the command.
std::atomic<bool> interruption_known{false};

// A scope that sets `signal`'s handler to `handler` where its action is
// SIG_DFL (a write it interrupts goes on: SA_RESTART).
SignalCatchScope divert_default(int signal, void (*handler)(int)) {
  const std::array<int, 1> one = {signal};
  return SignalCatchScope(
      one, handler,
      SignalCatchOptions{.restart_calls = true, .leave_as_is = not_at_default_action});
}

// The streams of the live StdoutWriter (run_cli's), or none: set before any
// thread of the command starts, read by them.
std::atomic<std::ostream*> live_out{nullptr};
std::atomic<std::ostream*> live_err{nullptr};

// Where cli_out() and cli_err() write without a live StdoutWriter: nowhere.
std::ostream& idle_stream() {
  static std::ostream idle(nullptr);
  return idle;
}

// Whether this thread blocks SIGINT (hio sweep's threads do: its watcher
// takes the stop signals by sigtimedwait): a write(2) that waits for room
// here is not interrupted by one.
bool stop_signals_blocked_here() {
  sigset_t mask;
  return ::pthread_sigmask(SIG_BLOCK, nullptr, &mask) == 0 && sigismember(&mask, SIGINT) == 1;
}

}  // namespace

bool not_at_default_action(int signal) {
  struct sigaction current {};
  return ::sigaction(signal, nullptr, &current) != 0 || current.sa_handler != SIG_DFL;
}

void write_line(std::ostream& out, std::string_view line) {
  static std::mutex lock;
  std::string whole;
  whole.reserve(line.size() + 1);
  whole.append(line).push_back('\n');
  const std::lock_guard<std::mutex> guard(lock);
  out.write(whole.data(), static_cast<std::streamsize>(whole.size()));
  out.flush();
}

CliSignals::CliSignals()
    : xfsz_(divert_default(SIGXFSZ, SIG_IGN)), pipe_(divert_default(SIGPIPE, on_sigpipe)) {
  if (sigismember(&pipe_.caught(), SIGPIPE) == 1) sigpipe_diverted = true;
  // The stop signals act whatever mask hio inherited: a launcher that
  // blocks SIGTERM before exec left a capture that only SIGKILL could end
  // (no trailer), as one that ignores SIGINT/SIGTERM is overridden by the
  // catches (StopSignalCatch). The threads started from here inherit it.
  sigset_t stop;
  sigemptyset(&stop);
  for (const int signal : kStopSignals)
    sigaddset(&stop, signal);
  mask_saved_ = ::pthread_sigmask(SIG_UNBLOCK, &stop, &previous_mask_) == 0;
}

CliSignals::~CliSignals() {
  sigpipe_deferred = false;
  failure_known = false;
  interruption_known = false;
  // Before pipe_ puts SIGPIPE's action back.
  if (sigismember(&pipe_.caught(), SIGPIPE) == 1) sigpipe_diverted = false;
  if (mask_saved_) ::pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

bool FdWriteBuffer::flush_pending() {
  const std::lock_guard<std::mutex> lock(mutex_);
  return flush_locked();
}

bool FdWriteBuffer::flush_locked() {
  std::size_t written = 0;
  const bool signals_blocked = stop_signals_blocked_here();
  while (error_ == 0 && written < pending_.size()) {
    std::size_t size = pending_.size() - written;
    const bool stopped = caught_stop_signal() != 0;
    if (signals_blocked || stopped) {
      // Room is waited for in steps of 100 ms, and at most PIPE_BUF bytes
      // go into the room poll found (such a write does not block): so no
      // wait for ever on a reader that does not read (a pipe, a FIFO).
      // - A thread that blocks the stop signals (a sweep's) is interrupted
      //   by none: its steps ask caught_stop_signal() (the sweep's watcher
      //   keeps its signal there), so Ctrl-C is heard.
      // - After a stop signal, a step without room cuts the output there
      //   (error_ EINTR). A second signal interrupts the poll: ask again
      //   (falling through to write(2) would block on the full pipe, Ctrl-C
      //   twice unheard).
      pollfd room{fd_, POLLOUT, 0};
      const int ready = ::poll(&room, 1, 100);
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) {
        if (!stopped) continue;
        error_ = EINTR;
        break;
      }
      size = std::min<std::size_t>(size, PIPE_BUF);
    }
    const ssize_t n = ::write(fd_, pending_.data() + written, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // A stdout the calling program made non-blocking (O_NONBLOCK is on the
      // open file it shares with us): a live reader that is slow is waited
      // for, never cut; after a stop signal, the branch above bounds the wait.
      pollfd room{fd_, POLLOUT, 0};
      ::poll(&room, 1, 100);
      continue;
    }
    if (n < 0) {
      error_ = errno;
      // The reader went away: hio ends as SIGPIPE would have ended it, unless
      // a stop signal came first or a failure's code is known: that code wins
      // (docs/scenarios.md, Exit codes), as where SIGPIPE came in ignored
      // (StdoutWriter::finish).
      if (error_ == EPIPE && sigpipe_ && sigpipe_diverted && !sigpipe_deferred && !failure_known &&
          caught_stop_signal() == 0) {
        std::signal(SIGPIPE, SIG_DFL);
        std::raise(SIGPIPE);
      }
    } else {
      written += static_cast<std::size_t>(n);
    }
  }
  pending_.clear();
  return error_ == 0;
}

FdWriteBuffer::int_type FdWriteBuffer::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  const char ch = traits_type::to_char_type(c);
  return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
}

std::streamsize FdWriteBuffer::xsputn(const char* s, std::streamsize n) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (error_ != 0) return 0;  // the stream goes bad: later output is not pretended
  try {
    pending_.append(s, static_cast<std::size_t>(n));
  } catch (const std::bad_alloc&) {
    // The stream would swallow it (badbit) and the output be cut unsaid:
    // kept as the buffer's error instead, for StdoutWriter::finish.
    error_ = ENOMEM;
    return 0;
  }
  const bool newline = line_ && std::memchr(s, '\n', static_cast<std::size_t>(n)) != nullptr;
  if ((newline || pending_.size() >= kPendingMax) && !flush_locked()) return 0;
  return n;
}

bool failure_said(int code) {
  return code == kExitBadInput || code == kExitOutputFailed || code == kExitDoerError ||
         code == kExitInternal || is_interrupted_exit_code(code);
}

void exit_code_known(int code) {
  if (failure_said(code)) failure_known = true;
}

void interruption_said() {
  interruption_known = true;
}

void defer_stdout_sigpipe() {
  sigpipe_deferred = true;
}

void reserve_standard_fds() {
  for (const int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // The lowest free descriptor is `fd` itself: 0-2 are done in order.
    const int opened = ::open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
    if (opened != -1 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
}

std::ostream& cli_out() {
  std::ostream* const out = live_out.load();
  return out != nullptr ? *out : idle_stream();
}

std::ostream& cli_err() {
  std::ostream* const err = live_err.load();
  return err != nullptr ? *err : idle_stream();
}

StdoutWriter::StdoutWriter()
    : buffer_(STDOUT_FILENO, ::isatty(STDOUT_FILENO) != 0, /*sigpipe=*/true),
      out_(&buffer_),
      err_(std::cerr.rdbuf()) {
  out_.imbue(std::locale::classic());
  err_.imbue(std::locale::classic());
  err_.tie(&out_);  // stdout's pending lines go out before a message
  err_.setf(std::ios_base::unitbuf);
  live_out = &out_;
  live_err = &err_;
}

StdoutWriter::~StdoutWriter() {
  live_out = nullptr;
  live_err = nullptr;
  buffer_.flush_pending();
}

int StdoutWriter::finish(int code) {
  out_.flush();
  buffer_.flush_pending();
  const int error = buffer_.error();
  if (error == 0) return code;
  // A command a stop signal ended says so on stdout (a run's, a sweep's
  // summary); stdout cut, or its reader gone, it is said here instead. These
  // lines go through the report sink: after the command's name ("hio run: "),
  // which run_cli keeps set until this is done.
  if (is_interrupted_exit_code(code) && !interruption_known) {
    report({"interrupted (", stop_signal_name(code - 128), ")"});
    interruption_known = true;
  }
  // A failure the command reported already (on stderr) keeps its code,
  // whatever stdout did: only 0, 1 and 3 become 4 (docs/scenarios.md, Exit codes).
  const bool failed_already = failure_said(code);
  if (error == EPIPE) return failed_already ? code : kExitBrokenPipe;
  if (error == ENOMEM) {
    // hio's, not the output's (exit 6, as out of memory anywhere in a command).
    report(
        {"error: out of memory (std::bad_alloc) while the output was written: stdout is cut "
         "short"});
    return code == kExitInternal || is_interrupted_exit_code(code) ? code : kExitInternal;
  }
  report({"cannot write the output (stdout): ",
          error == EINTR ? "its reader took no more before the stop signal" : errno_text(error)});
  return failed_already ? code : kExitOutputFailed;
}

}  // namespace hio::tools
