// The CLI's own output on stdout: cli_out() written with write(2), so that a
// failed write (a full disk, EIO, a closed stdout, a reader gone: EPIPE) is
// known with its reason, and the command's exit code says so.
#pragma once

#include <signal.h>

#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

#include "hio/engine/signal_catch_scope.hpp"

namespace hio::tools {

// An output stream's buffer that writes to a file descriptor with write(2)
// (retrying EINTR, completing short writes; once a stop signal was caught, a
// write that finds no room within 100 ms - a pipe whose reader does not
// read - fails with EINTR instead of waiting for ever), keeping the errno of the first
// write that failed; after one fails nothing more is written and the stream
// goes bad. `line`: written at every newline (for a terminal, as stdio does).
// `sigpipe`: a write that fails with EPIPE ends the process as SIGPIPE would
// have, if a CliSignals diverted SIGPIPE (its action was SIG_DFL), no stop
// signal was caught (caught_stop_signal: the command then ends with its code)
// and no failure's code is known (exit_code_known: the same).
// Several threads may write and flush it at once (a sweep's: one writes a
// seed's line while another's message on cli_err(), tied to cli_out(),
// flushes it): a lock keeps each piece whole and written once.
class FdWriteBuffer final : public std::streambuf {
 public:
  FdWriteBuffer(int fd, bool line, bool sigpipe = false)
      : fd_(fd), line_(line), sigpipe_(sigpipe) {}
  // Writes what is pending; false if a write failed, now or before.
  bool flush_pending();
  int error() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override { return flush_pending() ? 0 : -1; }

 private:
  bool flush_locked();  // flush_pending, under mutex_

  int fd_;
  bool line_;
  bool sigpipe_;
  mutable std::mutex mutex_;  // over error_ and pending_
  int error_ = 0;
  std::string pending_;
};

// `line` and a newline written to `out` in one piece (one write to the
// stream's buffer: to cli_err(), one write(2)) under a lock every caller
// shares, then flushed: lines from several threads at once (a sweep's
// workers) come out whole, never one inside another.
void write_line(std::ostream& out, std::string_view line);

// Makes sure file descriptors 0, 1 and 2 are open, before hio opens any
// file: one the caller closed (`2>&-`) would otherwise be the next file hio
// opens, a journal or report.json, and what hio writes to stderr or stdout
// would land in it. A closed one becomes /dev/null opened for the other
// direction, so that it still behaves as closed: write(2) to a closed stdout
// or stderr, read(2) from a closed stdin, fail with EBADF as before (a closed
// stdout is still exit 4, "cannot write the output (stdout)").
void reserve_standard_fds();

// Whether `signal`'s action is not SIG_DFL (ignored, or a handler of the
// program's; or it cannot be read): run_cli changes a signal only from its
// default action (CliSignals' SIGPIPE and SIGXFSZ, hio run's SIGUSR1), an
// embedding program's own handling is left as it is.
bool not_at_default_action(int signal);

// While run_cli runs (restored when it returns, so an embedding program's
// own handling is untouched afterwards), where each signal's action is
// SIG_DFL:
// - SIGPIPE no longer kills hio wherever it writes: a write to a pipe or
//   socket whose reader has gone fails with EPIPE instead. A stderr whose
//   reader went away (`hio run S --record J 2>&1 >/dev/null | true`, a `tee`
//   that died) then only loses the messages: the run goes on and its journal
//   is finished. Only stdout's reader going away ends hio at once as SIGPIPE
//   does (the FdWriteBuffer of StdoutWriter). A handler that does nothing is
//   installed, which an exec'd program would not inherit.
// - SIGXFSZ is ignored: a file size limit (ulimit -f) is a write error hio
//   reports (exit 4, no file left cut short), not a kill mid-write.
// And whatever the actions, SIGINT, SIGTERM and SIGHUP are unblocked in the
// calling thread (a launcher may have blocked them before exec: they were
// then never acted on); its mask is restored on return.
// A signal that is ignored or has a handler of the program's is left as it
// is: a SIGPIPE ignored is EPIPE everywhere (stdout's: exit 141), and a
// program's own handler is called as the program wants (stdout's EPIPE is
// then exit 141 too). The actions are set and put back by SignalCatchScopes
// (the one piece that does); the stop signals' mask is only a mask, no action
// changes. Not for run_cli calls on two threads at once.
class CliSignals {
 public:
  CliSignals();
  ~CliSignals();
  CliSignals(const CliSignals&) = delete;
  CliSignals& operator=(const CliSignals&) = delete;

 private:
  SignalCatchScope xfsz_;     // SIG_IGN where SIGXFSZ was at its default
  SignalCatchScope pipe_;     // on_sigpipe where SIGPIPE was at its default
  sigset_t previous_mask_{};  // the signal mask hio came in with (restored)
  bool mask_saved_ = false;
};

// Whether `code` says a failure the command has said on stderr: 2, 4, 5, 6,
// or a stop signal's. A stdout that fails leaves it as it is; only 0, 1 and
// 3 become 4, or 141 for a reader gone (docs/scenarios.md, Exit codes).
bool failure_said(int code);

// The command will exit `code`, known before its result goes to stdout (a
// run whose doer threw prints its summary, then exits 5). If
// failure_said(code), stdout's reader going away from now on no longer ends
// hio at once as SIGPIPE would: the command goes on, says its failure, and
// StdoutWriter::finish keeps `code`, as where SIGPIPE came in ignored (until
// the CliSignals is gone).
void exit_code_known(int code);

// stderr has said that a stop signal ended the command (in its own words):
// StdoutWriter::finish does not say it again when stdout failed.
void interruption_said();

// From now on stdout's reader going away no longer ends hio at once: the
// command goes on to its end as with SIGPIPE ignored, and StdoutWriter::finish
// gives 141 as SIGPIPE would. For hio sweep and hio replay --seeds with
// --out: `| head -1` must not cut the sweep before DIR has its report.json.
void defer_stdout_sigpipe();

// hio's own standard output and standard error, which the CLI writes all its
// output through while a StdoutWriter lives (run_cli's): std::cout and
// std::cerr stay the program's, which an embedding program's other threads
// may write meanwhile (a buffer of hio's, made std::cout's for the whole
// command, raced with them and was freed under them). Without a live
// StdoutWriter, streams without a buffer (what goes to them is dropped).
std::ostream& cli_out();
std::ostream& cli_err();

class StdoutWriter {
 public:
  // Makes cli_out() a stream over its FdWriteBuffer on stdout, and cli_err()
  // one over std::cerr's buffer as it is now (a program that gave std::cerr
  // a buffer of its own gets hio's messages there), tied to cli_out() as
  // std::cerr is to std::cout and unit-buffered as std::cerr is; both in the
  // classic locale (as std::cout is, whatever std::locale::global says),
  // with fresh flags for each command. Until destroyed.
  StdoutWriter();
  ~StdoutWriter();
  StdoutWriter(const StdoutWriter&) = delete;
  StdoutWriter& operator=(const StdoutWriter&) = delete;

  // After a command that returned `code`: flushes, and if any write to
  // stdout failed, says so on stderr and returns kExitOutputFailed (a code
  // that already says the command failed, 2 or 130/143, stays). A stop
  // signal's code is said on stderr first ("hio: interrupted (SIGINT)"),
  // unless interruption_said(): stdout's mention of it was lost. A reader
  // that went away (EPIPE: `hio inspect x.hioj | head` with SIGPIPE ignored)
  // is not reported: kExitBrokenPipe, the status SIGPIPE itself gives.
  int finish(int code);

 private:
  FdWriteBuffer buffer_;
  std::ostream out_;
  std::ostream err_;
};

}  // namespace hio::tools
