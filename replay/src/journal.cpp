#include "hio/replay/journal.hpp"

#include <time.h>

#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

#include "hio/engine/check.hpp"
#include "hio/engine/flag_scope.hpp"
#include "hio/engine/report.hpp"
#include "hio/io/lookup_out_of_memory.hpp"
#include "hio/replay/error.hpp"
#include "hio/replay/replayer.hpp"
#include "run_start.hpp"

namespace hio::replay {

namespace {

WriterOptions writer_options(const Doist& doist, const JournalOptions& options) {
  WriterOptions w = options.writer;
  if (options.flush_each_pass.value_or(doist.real())) w.flush_each_frame = true;
  return w;
}

std::string mode_mismatch(const Doist& doist, const JournalHeader& header) {
  return std::string("journal: header mode '") + to_string(header.mode) + "' on a " +
         (doist.real() ? "real-time" : "virtual-time") +
         " Doist (real mode is for real-time runs only)";
}

// A journal's passes and tymes count from 0, and its replay runs on a fresh
// Doist: a run that starts later would replay shifted (a false divergence).
std::optional<std::string> not_at_start(const Doist& doist, Tyme start, detail::StartCheck when) {
  std::optional<std::string> why = detail::not_from_zero(doist, start, when);
  if (!why) return std::nullopt;
  return "journal: " + *why +
         "; a journal records a run from tyme 0, as its replay runs it: journal a run from 0 "
         "(no start tyme) on a fresh Doist";
}

JournalHeader checked_header(const Doist& doist, const IoHub& hub, JournalHeader header) {
  // Its events are stamped with the hub's tyme, its frames with the Doist's.
  hub.require_clock_of(doist, "journal");
  // A journal that missed channels' open events (and whatever else happened
  // on them) cannot be replayed: the replay's doers make those channels
  // again, and the journal has nothing of them.
  if (const std::uint32_t made = hub.channels_created(); made != 0) {
    throw std::logic_error(
        "journal: the hub has made " + std::to_string(made) + " channel" + (made == 1 ? "" : "s") +
        " already, whose events the journal would miss (its replay could not rebuild the run); "
        "create the Journal right after the IoHub, before any channel or doer that makes one");
  }
  // Nor events before it (a Log's records): its first event is the hub's
  // seq 0, as a reader requires (a gap before it reads as frames lost).
  if (const std::uint64_t emitted = hub.event_count(); emitted != 0) {
    throw std::logic_error(
        "journal: the hub has emitted " + std::to_string(emitted) + " event" +
        (emitted == 1 ? "" : "s") +
        " already, which the journal would miss (a reader takes the seqs missing before its "
        "first event for frames lost); create the Journal right after the IoHub, before "
        "anything that emits on it");
  }
  if (doist.real() != (header.mode == Mode::real)) {
    throw std::invalid_argument(mode_mismatch(doist, header));
  }
  if (auto refusal = not_at_start(doist, doist.tyme(), detail::StartCheck::attach)) {
    throw std::logic_error(*refusal);
  }
  header.tock = doist.tock();
  header.exit_marked = true;  // run_ending marks the exit's frames
  return header;
}

}  // namespace

Journal::Journal(Doist& doist, IoHub& hub, const std::string& path, JournalHeader header,
                 JournalOptions options)
    : doist_(&doist),
      header_(checked_header(doist, hub, std::move(header))),
      writer_(path, writer_options(doist, options)),
      recorder_(writer_, options.recorder),
      header_written_(std::move(options.header_written)) {
  recorder_.set_before_first_frame([this] { write_header(); });
  hub.add_sink(recorder_);
  doist.add_observer(*this);
  attached_ = true;
  watch(doist.tymth());
}

Journal::~Journal() {
  HIO_CHECK(!running_,
            "Journal destroyed during its own run() (by a doer, an EventSink or an observer); "
            "run() would go on to finish it: end the run first (request_stop())");
  if (finished_ || refused_) return;  // refused: its file has nothing to add
  // An unfinished journal is not announced as one whose header is written
  // (the caller gave up on it: a scenario refused after its build, say).
  header_written_ = nullptr;
  if (writer_.failed() || !writer_.header_written()) {
    // Failed: the write error that ended it was reported; there is nothing
    // to add. No header: no run started (its first pass writes the header),
    // and the events of the doers built for it (channels opened) are no
    // journal: nothing is written, not even the preamble (~JournalWriter).
    detach();
    return;
  }
  try {
    detach();
    recorder_.end_pass();
  } catch (const std::exception& e) {
    report({"journal '", writer_.path(), "' was not finished and lost its last pass: ", e.what()});
  }
  // ~JournalWriter writes out what is buffered: a journal without a trailer.
}

void Journal::detach() {
  if (!attached_) return;
  attached_ = false;
  // A hub destroyed first has removed the recorder already (as any EventSink).
  if (IoHub* hub = recorder_.sink_of()) hub->remove_sink(recorder_);
  // A Doist destroyed has forgotten its observers.
  if (doist_ != nullptr) doist_->remove_observer(*this);
}

void Journal::tymist_destroyed() noexcept {
  // Nothing reads the Doist from now on: its run's passes and end went with
  // it, so finish() is refused (check_doist) and the journal, unfinished,
  // gets no trailer.
  doist_ = nullptr;
}

void Journal::check_doist(const char* call) const {
  if (doist_ != nullptr) return;
  throw std::logic_error("journal '" + writer_.path() + "': " + call +
                         " after its Doist was destroyed (the run's passes and end went with "
                         "it): the journal is left without a trailer; finish it before the "
                         "Doist goes");
}

void Journal::write_header() {
  if (writer_.header_written()) return;
  if (refused_) throw std::logic_error(*refused_);
  // The run starts now: the header takes the Doist's tock as it is for it
  // (Doist::set_tock is refused during a run, so it holds to the end). Its
  // mode and start were checked when the Journal was made; the Doist may
  // have changed since (set_real, a run without the Journal): refused, and
  // the journal is written no further.
  std::optional<std::string> refusal;
  if (doist_->real() != (header_.mode == Mode::real)) {
    refusal =
        mode_mismatch(*doist_, header_) + ": the Doist's mode changed after the Journal was made";
  } else {
    refusal = not_at_start(*doist_, doist_->tyme(), detail::StartCheck::run);
  }
  if (refusal) refuse(std::move(*refusal));
  // The header lists the channels the run starts with, which only the hub
  // knows (the recorder is still added to it: only finish() detaches, and
  // after this).
  const IoHub* hub = recorder_.sink_of();
  if (hub == nullptr) {
    refuse(
        "journal: its IoHub was destroyed before the run's first pass (the header's channels "
        "come from the hub), so it records nothing: keep the hub until the run ends");
  }
  header_.tock = doist_->tock();
  // The wall time of tyme 0 (the run's first pass starts now), not of the
  // Journal's making: the scenario's build, which comes in between, can take
  // seconds. Then wall_clock + a pass's tyme is when it ran (give or take
  // the run's lag).
  if (header_.mode == Mode::real && header_.wall_clock.empty())
    header_.wall_clock = wall_clock_utc();
  if (header_.channels.empty()) {
    for (std::uint32_t id : hub->channel_ids()) {
      const Channel* c = hub->find(id);
      header_.channels.push_back(ChannelInfo{id, c->name(), c->address().text(), c->kind()});
    }
  }
  writer_.write_header(header_);
  if (header_written_) {
    writer_.flush();
    header_written_();
  }
}

void Journal::end_pass() {
  recorder_.end_pass();
}

void Journal::refuse(std::string refusal) {
  refused_ = std::move(refusal);
  detach();
  throw std::logic_error(*refused_);
}

void Journal::check_one_run() const {
  if (recorder_.exiting()) {
    // Its exit is marked as the journal's end: a later run cannot follow.
    throw std::logic_error("journal '" + writer_.path() +
                           "': a Journal records one run; the Doist ran again after it ended");
  }
}

void Journal::run_starting(Tyme start) {
  check_one_run();
  // Before the doers enter: a run given a start tyme other than 0 is
  // refused with nothing of it run (at the first pass, its doers' enter
  // would have happened).
  if (auto refusal = not_at_start(*doist_, start, detail::StartCheck::run)) {
    refuse(std::move(*refusal));
  }
}

void Journal::pass_started(Tyme) {
  check_one_run();
  // The start of the run's first pass: the header gets the channels the run
  // starts with (those made while building the doers).
  write_header();
}

void Journal::pass_ended(Tyme) {
  recorder_.end_pass();
}

void Journal::run_ending(Tyme) {
  // The last pass's frame was ended (pass_ended); what is buffered now was
  // received at the exit's tyme, before the closes: part of the exit. A run
  // ended by an exception does not get here: its last frame is a pass's.
  recorder_.start_exit();
}

namespace {

// hio itself, not a doer, ended the run with `error`: the thread host names
// are looked up on ran out of memory (out of the hub's poll), or a replay
// reached where that ended the recorded run.
bool hio_failed(const std::exception& error) {
  return dynamic_cast<const HostLookupOutOfMemory*>(&error) != nullptr ||
         dynamic_cast<const RecordedHioFailure*>(&error) != nullptr;
}

}  // namespace

RunEnd Journal::run(std::span<Doer* const> doers, std::optional<Tock> limit) {
  check_doist("run()");
  // Refused before the Doist runs: the journal detached at its finish, so a
  // second run went unrecorded to its end, and only then did finish() say
  // "finish called twice", of a call the program never made.
  if (finished_) {
    throw std::logic_error("journal '" + writer_.path() +
                           "': run() after the journal was finished: a Journal records one run; "
                           "journal another run with a new Journal on a fresh Doist");
  }
  const FlagScope running(running_);
  RunEnd end;
  try {
    end = doist_->run(doers, limit);
  } catch (const std::exception& e) {
    // A journal whose file failed cannot be finished: the write error is
    // the one to report, not a refusal to write after it. Nor can a journal
    // that refused the run (its error is the one propagating).
    if (!finished_ && !writer_.failed() && !refused_) finish_after_error(e.what(), hio_failed(e));
    throw;
  } catch (...) {
    if (!finished_ && !refused_) finish_after_error(std::string(kNotStdExceptionError), false);
    throw;
  }
  run_end_ = end;
  finish(end);
  return end;
}

void Journal::finish_after_error(const std::string& error, bool by_hio) {
  try {
    finish(RunOutcome::error, error, 0, by_hio);
  } catch (const JournalWriteError& write) {
    // The failed output decides (the caller's exit 4 comes before a doer's
    // error), but why the run ended is not lost with the doer's exception:
    // "journal cannot write 'x': File too large; the run had ended with an
    // error the journal could not record: <text>".
    throw JournalWriteError(
        write, "the run had ended with an error the journal could not record: " + error);
  } catch (const JournalUnfinishedError& refused) {
    // Not the file: the writer refused (the same refusal that ended the run,
    // most likely). The journal stays without a trailer; both are said.
    throw JournalUnfinishedError(std::string(refused.what()) +
                                 "; the run had ended with an error: " + error);
  }
}

const JournalTrailer& Journal::finish(RunEnd end) {
  // Without its Doist, the other finish() refuses (after finish called twice).
  const int signal = end == RunEnd::interrupted && doist_ != nullptr ? doist_->stop_signal() : 0;
  return finish(to_outcome(end), {}, signal);
}

const JournalTrailer& Journal::finish(RunOutcome end, std::string_view end_text, int stop_signal,
                                      bool end_by_hio) {
  if (finished_) throw std::logic_error("journal '" + writer_.path() + "': finish called twice");
  if (refused_) throw std::logic_error(*refused_);
  check_doist("finish()");
  try {
    write_header();  // before detach(): a header not written yet reads the hub
    detach();
    recorder_.end_pass();
    RunSummary summary{doist_->passes(), doist_->tyme(),          end,       std::string(end_text),
                       stop_signal,      doist_->ended_at_pass(), end_by_hio};
    trailer_ = writer_.finish(summary);
  } catch (const JournalWriteError&) {
    throw;
  } catch (const std::exception& refused) {
    if (writer_.failed()) throw;
    // Not the file: the writer refused (a frame over a limit the caller
    // set, say). Whoever finishes - Journal::run, or a replay that finishes
    // its journal itself - reports it the same way (hio: exit 4).
    throw JournalUnfinishedError("journal '" + writer_.path() +
                                 "' could not be finished: " + refused.what());
  }
  finished_ = true;
  return trailer_;
}

std::string wall_clock_utc() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  const time_t seconds = static_cast<time_t>(ms.count() / 1000);
  struct tm utc {};
  gmtime_r(&seconds, &utc);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms.count() % 1000));
  return text;
}

}  // namespace hio::replay
