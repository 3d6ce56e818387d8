// Journal: the one switch that journals a run — it opens the file, records
// every event at the IoHub's choke point, ends each pass's frame as the pass
// ends, and writes the trailer with the run's outcome and digest.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "hio/engine/doist.hpp"
#include "hio/io/hub.hpp"
#include "hio/replay/recorder.hpp"
#include "hio/replay/types.hpp"
#include "hio/replay/writer.hpp"

namespace hio::replay {

struct JournalOptions {
  WriterOptions writer{};
  RecorderOptions recorder{};
  // Flush each frame to the OS as its pass ends. Default: on for a real-time
  // Doist (a killed capture keeps every finished pass), off otherwise.
  std::optional<bool> flush_each_pass{};
  // Called once the header has been written and handed to the OS (flushed),
  // before any frame: where a file becomes visible under its name only then
  // (hio's --record, written without a name until then), a process killed
  // earlier leaves no journal cut inside its header. What it throws comes out
  // of the pass that wrote the header (or of finish()). A Journal destroyed
  // before then writes no header.
  std::function<void()> header_written{};
};

// The error text of a run a doer ended by throwing something that is not a
// std::exception (its what() is all a std::exception's record says).
inline constexpr std::string_view kNotStdExceptionError =
    "an exception that is not a std::exception";

// Usage (create it right after the hub, before any channel, so that it sees
// every channel's open event; the tests compile this as written:
// consumer_header_usage):
//
// <!-- consumer: journal_usage.cpp -->
// ```cpp
// #include <cstdio>
//
// #include <hio/io/io.hpp>
// #include <hio/replay/digest.hpp>
// #include <hio/replay/journal.hpp>
//
// // Captures a real-time run of a client and an echo server on loopback.
// hio::RunEnd capture(hio::Tock tock, hio::Tock limit) {
//   hio::Doist doist(tock, /*real=*/true);
//   hio::IoHub io(doist.tymth());
//   doist.attach(io);
//   hio::replay::Journal journal(doist, io, "capture.hioj",
//                                {.seed = 7, .mode = hio::replay::Mode::real});
//   // Then the doers and their channels.
//   hio::EchoServerDoer server(io, "tcp://127.0.0.1:0");
//   hio::TcpClientDoer client(io, "tcp://" + server.listener().local());
//   const hio::RunEnd end = journal.run({&client, &server}, limit);  // or doist.run + finish
//   std::printf("digest %s\n", hio::replay::format_digest(journal.trailer()->digest).c_str());
//   return end;
// }
// ```
//
// The header is written when the first pass starts (or at finish), with
// tock = the Doist's then (Doist::set_tock is refused during a run), and -
// unless the caller filled it - the channel table of the channels that exist
// then. header.mode must match the Doist: Mode::real for a real-time Doist,
// sim or replay otherwise (std::invalid_argument). A journal's run starts at
// tyme 0 (its replay runs on a fresh Doist): a Doist that has run before is
// std::logic_error. Both are checked when the Journal is made and again at
// the first pass; a Doist changed in between (set_real, its tyme moved) is
// refused there with std::logic_error from the pass, and the journal is
// written no further (finish() throws the same; the file has no header). A
// real-mode header with no wall_clock gets the UTC time at which it is
// written, the start of the run's first pass (tyme 0); no other field ever
// comes from the wall clock.
//
// How passes end: the Journal is one of the Doist's PassObservers. Its
// pass_started() of the run's first pass writes the header (with the channels
// that exist then); its pass_ended() ends the pass's frame and, in real time,
// flushes it before the Doist waits for the next pass. Skipped passes are not
// reported and have no events, so time skipping is invisible in the journal.
// Its run_ending() marks what follows as the run's exit: the frame of the
// doers' exit closes says so (FrameView::exit, header.exit_marked is always
// set), so a journal cut before its trailer still says whether its last frame
// was the exit or a pass. A Journal records one Doist::run: a pass after its
// exit throws std::logic_error.
//
// Ownership: the Doist and the hub are not owned. The hub may go first, as
// any EventSink's: it removes the Journal's recorder, and the Journal touches
// it no more (the journal has the events until then; finish() after the run
// still writes the trailer). A hub gone before the run's first pass leaves
// the header without its channels: the run is refused there, as one whose
// Doist changed (std::logic_error "journal: its IoHub was destroyed before
// the run's first pass ..."), and nothing is written. The Doist may go first
// too: the Journal watches it (TymistWatcher) and reads it no more once it is
// destroyed; the run's passes and end go
// with it, so the journal gets no trailer then: run() and finish() throw
// std::logic_error ("journal 'x': finish() after its Doist was destroyed
// ..."), writing nothing, and the Journal, destroyed, writes out its last
// pass as any Journal destroyed without finish() (below). Finish it before
// the Doist goes. Errors: the constructor throws std::logic_error, before creating
// the file, if the hub has made any channel already (released ones too): the
// journal would lack their events and its replay could not rebuild the run;
// std::system_error if the file cannot be created; writing errors propagate from the event that
// caused them (the run stops); finish() throws them too. A Journal destroyed without finish()
// detaches and leaves a journal without a trailer (it reads as truncated); one destroyed
// before its header was written (before the run's first pass: a scenario whose doers could
// not be built) writes nothing, and its file is left empty.
// Destroying it during its own run() (from a doer, an EventSink or an
// observer that run calls) is a bug and aborts (HIO_CHECK): run() would go on
// to finish it.
class Journal final : public PassObserver, private TymistWatcher {
 public:
  Journal(Doist& doist, IoHub& hub, const std::string& path, JournalHeader header,
          JournalOptions options = {});
  ~Journal() override;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // doist.run(doers, limit), then finish() with its outcome. If run throws,
  // finishes with RunOutcome::error and the exception's text, then rethrows;
  // if that finish fails, throws instead, with a text that ends with the
  // run's error: JournalWriteError if the file failed ("...; the run had
  // ended with an error the journal could not record: <text>"), or
  // JournalUnfinishedError if the writer refused it (a frame over a limit
  // the caller set: "journal 'x' could not be finished: <why>; the run had
  // ended with an error: <text>"). Either way the journal has no trailer.
  // A Journal records one run: run() once it is finished throws
  // std::logic_error before the Doist runs anything.
  // The trailer says whether hio's own failure ended the run
  // (JournalTrailer::end_by_hio): a HostLookupOutOfMemory out of the hub's
  // poll, or a replay's RecordedHioFailure; any other exception is a doer's.
  RunEnd run(std::span<Doer* const> doers, std::optional<Tock> limit = std::nullopt);
  RunEnd run(std::initializer_list<Doer*> doers, std::optional<Tock> limit = std::nullopt) {
    return run(std::span<Doer* const>(doers.begin(), doers.size()), limit);
  }

  // Ends the pass in progress, writes the trailer (passes and end tyme from
  // the Doist), closes the file and detaches. Throws std::logic_error if
  // called twice (or after the Journal refused the run); JournalWriteError
  // if the file fails; JournalUnfinishedError ("journal 'x' could not be
  // finished: <why>") if the writer refuses what it is given (a header
  // larger than the frame limit the caller set, say): the journal has no
  // trailer. run() adds the run's error to it.
  const JournalTrailer& finish(RunEnd end);
  // `stop_signal`: for end = interrupted, the signal that ended the run (a
  // replay of it gives its `final` expectations no verdict, as the run did).
  // `end_by_hio`: for end = error, hio's own failure ended it, not a doer
  // (JournalTrailer::end_by_hio; a replay then ends there as the run did).
  const JournalTrailer& finish(RunOutcome end, std::string_view end_text = {}, int stop_signal = 0,
                               bool end_by_hio = false);

  // Ends the buffered pass now (what an engine end-of-pass hook would call).
  void end_pass();

  bool finished() const { return finished_; }
  // How the Doist's run ended, once run() saw it return: set even when
  // finishing the journal then failed (the run reached its end; only the
  // journal's last frames or trailer did not reach the file). nullopt if the
  // run threw or run() was not called.
  std::optional<RunEnd> run_end() const { return run_end_; }
  const JournalTrailer* trailer() const { return finished_ ? &trailer_ : nullptr; }
  const JournalWriter& writer() const { return writer_; }
  std::uint64_t events() const { return writer_.events() + recorder_.pending_events(); }

  // ---- hio::PassObserver ----
  // A run from a start tyme other than 0 (Doist::run's): std::logic_error,
  // before its doers enter; the journal is written no further.
  void run_starting(Tyme start) override;
  void pass_started(Tyme tyme) override;
  void pass_ended(Tyme tyme) override;
  void run_ending(Tyme tyme) override;

 private:
  void write_header();
  void detach();
  // Keeps `refusal` (refused_), detaches and throws it as std::logic_error.
  [[noreturn]] void refuse(std::string refusal);
  // std::logic_error if the run this Journal recorded has ended.
  void check_one_run() const;
  // std::logic_error, naming `call`, once the Doist is destroyed.
  void check_doist(const char* call) const;
  // ---- hio::TymistWatcher: the Doist is being destroyed ----
  void tymist_destroyed() noexcept override;
  void finish_after_error(const std::string& error, bool by_hio);

  Doist* doist_;  // nullptr once the Doist is destroyed (tymist_destroyed)
  JournalHeader header_;
  JournalWriter writer_;
  Recorder recorder_;
  std::function<void()> header_written_;
  JournalTrailer trailer_;
  bool attached_ = false;
  bool finished_ = false;
  std::optional<RunEnd> run_end_;
  bool running_ = false;  // inside run(): destroying it there is a bug (checked)
  // Why the run was refused at its start or first pass (the Doist changed
  // after the Journal was made, or run() was given a start tyme); the
  // journal is then written no further.
  std::optional<std::string> refused_;
};

// The current UTC time as ISO 8601 with milliseconds ("2026-11-28T10:15:30.123Z"),
// for JournalHeader::wall_clock of real captures only.
std::string wall_clock_utc();

}  // namespace hio::replay
