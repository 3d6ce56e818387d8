#include "hio/replay/replayer.hpp"

#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "hio/engine/check.hpp"
#include "hio/engine/flag_scope.hpp"
#include "hio/replay/error.hpp"
#include "hio/replay/journal.hpp"
#include "replay_feed.hpp"
#include "run_start.hpp"

namespace hio::replay {

namespace {

std::string not_from_zero_text(const std::string& why) {
  return "replay: " + why +
         "; a journal's run starts at tyme 0, and so does its replay: replay "
         "on a fresh Doist, without a start tyme";
}

// Asked outside a catch, with nothing kept, own_out_of_memory would answer
// "not the replayer's" of any exception, the replayer's own too.
void require_exception(const std::exception_ptr& error, const char* who) {
  if (error != nullptr) return;
  throw std::logic_error(std::string("Replayer::") + who +
                         ": no exception to ask of: call it in the catch of the "
                         "std::bad_alloc, or pass the std::exception_ptr kept there");
}

// The std::exception `error` holds (the object itself, not a copy), or
// nullptr for none or another type.
const std::exception* std_exception_in(const std::exception_ptr& error) noexcept {
  if (error == nullptr) return nullptr;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return &e;
  } catch (...) {
  }
  return nullptr;
}

}  // namespace

// ---- Replayer -------------------------------------------------------------------

Replayer::Replayer(const std::string& path, ReplayOptions options)
    : feed_(std::make_unique<Feed>(path, std::move(options))) {
  const JournalHeader* h = feed_->reader.header();
  if (h == nullptr) {
    if (feed_->reader.error()) throw JournalException(*feed_->reader.error());
    throw std::runtime_error("replay: journal '" + path + "' has no header");
  }
  header_ = *h;
  feed_->header_tock = header_.tock;
  feed_->limits_hold =
      feed_->options.hold_channel_limits && !feed_->noisy && noise_chain_of(header_).empty();
  if (feed_->options.overrun.value_or(Tock{0}) > Tock{0} && !feed_->noisy) {
    throw std::invalid_argument(
        "replay: an overrun needs noise (a strict replay ends where the recorded run did)");
  }
}

Replayer::~Replayer() {
  HIO_CHECK(!running_,
            "Replayer destroyed during its own run() (by a doer, an EventSink or an observer); "
            "run() would go on to finish it: end the run first (request_stop())");
  // Destroyed attached (never finished: a build that threw, a run never
  // made): the hub's override would point at the feed that goes with it,
  // and its next channel would be made by a freed factory.
  if (IoHub* hub = feed_->live_hub()) {
    if (feed_->overriding) hub->set_override(nullptr);
    hub->stop_telling(*feed_);
  }
}

JournalHeader Replayer::output_header() const {
  JournalHeader h = header_;
  h.mode = Mode::replay;
  h.wall_clock.clear();
  h.channels.clear();
  // This replay's own noise, not the recorded run's (a noise replay of a
  // noise replay perturbs the already perturbed inputs).
  const NoiseSpec& noise = feed_->options.noise;
  h.noise = noise.empty() ? std::string() : noise.text;
  h.noise_seed = noise.empty() ? 0 : feed_->options.noise_seed;
  // The inputs carry every noise the replayed journal's did, and this one's.
  h.noise_chain = noise_chain_of(header_);
  if (!noise.empty()) h.noise_chain.push_back(NoiseStep{h.noise, h.noise_seed});
  return h;
}

void Replayer::check_doist(const Doist& doist) const {
  if (doist.tock() != header_.tock) {
    throw std::invalid_argument("replay: the Doist's tock " + format_seconds(doist.tock()) +
                                " s is not the journal's " + format_seconds(header_.tock) + " s");
  }
  // A journal records a run from tyme 0 (Journal refuses any other), and the
  // replay must run it from there too.
  if (auto why = detail::not_from_zero(doist, doist.tyme(), detail::StartCheck::attach)) {
    throw std::invalid_argument(not_from_zero_text(*why));
  }
}

void Replayer::run_starting(Tyme start) {
  // A run given a start tyme (Doist::run's) after attach: refused before
  // its doers enter, as at attach.
  if (auto why = detail::not_from_zero(*feed_->doist, start, detail::StartCheck::run)) {
    throw std::logic_error(not_from_zero_text(*why));
  }
}

void Replayer::attach(Doist& doist, IoHub& hub) {
  if (feed_->attached || feed_->doist != nullptr || feed_->doist_gone) {
    throw std::logic_error("Replayer::attach called twice");
  }
  if (doist.real()) {
    throw std::invalid_argument(
        "replay: the Doist must run in virtual time (replay runs as fast "
        "as it can, whatever mode recorded the journal)");
  }
  check_doist(doist);
  hub.require_clock_of(doist, "Replayer::attach");
  if (hub.channel_count() != 0) {
    throw std::invalid_argument(
        "replay: attach the replayer before any channel exists (the hub has " +
        std::to_string(hub.channel_count()) + ")");
  }
  feed_->watch_doist(doist);
  feed_->hub = &hub;
  hub.tell_when_destroyed(*feed_);  // so that neither end touches a hub that went first
  hub.set_override(feed_.get());
  feed_->overriding = true;
  hub.add_sink(*this);
  doist.attach(*this);
  doist.add_observer(*this);
  feed_->attached = true;
}

ReplayResult Replayer::run(std::span<Doer* const> doers, Journal* journal) {
  if (feed_->doist == nullptr) {
    throw std::logic_error(feed_->doist_gone ? "Replayer::run after its Doist was destroyed"
                                             : "Replayer::run before attach");
  }
  check_doist(*feed_->doist);  // its tock may have changed since attach
  if (journal != nullptr) watch_output(journal->writer());
  const FlagScope running(running_);
  RunEnd end = RunEnd::interrupted;
  try {
    end = journal != nullptr ? journal->run(doers) : feed_->doist->run(doers);
  } catch (const RecordedHioFailure&) {
    // The recorded end (the journal, if any, was finished with it).
  } catch (const std::exception& e) {
    if (!take_thrown(e)) throw;  // the journal, if any, was finished with end=error
  }
  return finish(end);
}

bool Replayer::take_thrown(const std::exception& error) {
  const std::exception_ptr handled = std::current_exception();
  if (std_exception_in(handled) == &error) return take_thrown(handled);
  // Whose out of memory it is needs its exception_ptr (own_out_of_memory),
  // which only its catch has: not asked of the handled one instead.
  if (is_out_of_memory(error)) {
    throw std::logic_error(
        "Replayer::take_thrown: the std::bad_alloc given is not the exception being "
        "handled: call it in its catch with what was caught, or pass the std::exception_ptr "
        "kept there");
  }
  if (feed_->output_failed()) return false;  // the replay's own journal failed: not the doers
  threw(error.what());
  return true;
}

bool Replayer::take_thrown(const std::exception_ptr& error) {
  require_exception(error, "take_thrown");
  if (feed_->output_failed()) return false;  // the replay's own journal failed: not the doers
  const std::exception* thrown = std_exception_in(error);
  if (thrown == nullptr) return false;  // no std::exception: thrown on, as run() lets it
  if (!is_out_of_memory(*thrown)) {
    threw(thrown->what());
    return true;
  }
  // The doers' out of memory where it can be compared (doers_out_of_memory),
  // as hio run calls it; otherwise no result to compare: thrown on.
  if (!doers_out_of_memory(thrown->what(), error)) return false;
  threw(thrown->what(), true);
  return true;
}

void Replayer::watch_output(const JournalWriter& writer) {
  feed_->output = &writer;
}

void Replayer::threw(std::string_view what, bool out_of_memory) {
  Feed& f = *feed_;
  if (f.thrown) return;
  f.thrown = std::string(what);
  f.thrown_at = f.tyme_now();
  f.thrown_out_of_memory = out_of_memory;
}

ReplayResult Replayer::finish(RunEnd end) {
  Feed& f = *feed_;
  if (f.doist == nullptr && !f.doist_gone) {
    throw std::logic_error("Replayer::finish before attach");
  }
  ReplayResult r;
  if (f.attached) {
    // A failure of the replay's journal that no event saw (none came after
    // it) stopped the run all the same.
    if (f.output_failed()) f.stopped_early = true;
    if (f.thrown && !f.noisy) f.compare_thrown();
    if (!f.stopped_early) f.final_checks();
    f.attached = false;
    f.overriding = false;
    if (IoHub* hub = f.live_hub()) {  // a hub destroyed has forgotten all three
      hub->set_override(nullptr);
      hub->remove_sink(*this);
      hub->stop_telling(*feed_);
      // No longer told when it goes: touch it no more, as if it had gone
      // (~Replayer, after a hub destroyed first: rev24 #8).
      f.hub_gone = true;
    }
    if (f.doist != nullptr) {  // a Doist destroyed has forgotten both
      f.doist->detach(*this);
      f.doist->remove_observer(*this);
    }
  }
  r.end = end;
  r.passes = f.passes();
  r.events = f.digest.events();
  r.digest = f.digest.value();
  r.recorded_events = f.reader.events_read();
  r.recorded_digest = f.reader.digest();
  if (f.stopped_early) {
    // Frames are read one pass ahead at most: those taken at or past the
    // stop are all of the last tyme read.
    const bool ahead = f.last_recorded_tyme && *f.last_recorded_tyme >= f.tyme_now();
    const Feed::Taken& c = ahead ? f.taken_before_last_tyme : f.taken;
    r.recorded_events = c.events;
    r.recorded_digest = c.digest;
    r.recorded_before_stop = true;
  }
  if (const JournalTrailer* t = f.reader.trailer()) r.recorded_trailer = *t;
  if (f.reader.error()) {
    r.journal_error = f.reader.error();
  } else if (f.trailer_error) {
    r.journal_error = f.trailer_error;
  }
  r.noise = f.stats;
  r.divergence = f.divergence;
  r.error = f.thrown;
  r.error_tyme = f.thrown_at;
  r.out_of_memory = f.thrown_out_of_memory;
  r.doers_on_both_ends = f.both_ends;
  if (const JournalHeader* h = f.reader.header()) r.recorded_engine_version = h->engine_version;
  r.ran_on = f.ran_on;
  r.status = f.noisy        ? ReplayStatus::perturbed
             : f.divergence ? ReplayStatus::diverged
                            : ReplayStatus::identical;
  return r;
}

std::size_t Replayer::channels_kept() const {
  return feed_->channels_kept();
}

std::uint64_t Replayer::noise_held_looked_at() const {
  return feed_->held_looked_at;
}

std::uint64_t Replayer::noise_close_looked_at() const {
  return feed_->close_looked_at;
}

std::uint64_t Replayer::noise_stalled_looked_at() const {
  return feed_->stalled_looked_at;
}

bool Replayer::own_out_of_memory(const std::exception_ptr& error) const {
  require_exception(error, "own_out_of_memory");
  return feed_->own_bad_alloc != nullptr && feed_->own_bad_alloc == error;
}

bool Replayer::doers_out_of_memory(std::string_view what, const std::exception_ptr& error) {
  Feed& f = *feed_;
  require_exception(error, "doers_out_of_memory");
  if (own_out_of_memory(error) || !f.attached) return false;
  if (f.noisy) return true;
  // A strict replay: reproduced, or after a divergence that stands (the
  // result is that divergence, found before the doers ran out).
  return f.guarded([&] { return f.recorded_thrown(what, f.tyme_now()); }) ||
         (f.divergence && f.divergence->tyme < f.tyme_now());
}

bool Replayer::diverged() const {
  return feed_->divergence.has_value() && !feed_->noisy;
}

bool Replayer::damaged() const {
  return feed_->reader.error().has_value();
}

void Replayer::poll() {
  Feed& f = *feed_;
  f.guarded([&] {
    f.draining = false;  // a pass starts
    f.polled = true;
    if (f.attached && f.doist != nullptr && !f.noisy && !f.divergence)
      f.wake_senders(f.doist->tyme());
    f.pump();
    // The recorded run's hub poll threw here: the inputs before it are
    // delivered, and the replay ends as the run did.
    if (const JournalTrailer* t = f.recorded_hio_failure();
        t != nullptr && f.attached && f.doist != nullptr && !f.divergence && !f.stopped_early &&
        f.doist->tyme() >= t->end_tyme) {
      throw RecordedHioFailure(t->end_text);
    }
  });
}

bool Replayer::busy() const {
  // Nothing is in flight between passes: what is due is in next_tyme().
  return false;
}

Tyme Replayer::next_tyme() const {
  const Feed& f = *feed_;
  return f.attached && !f.ended ? f.next_tyme : kTymeNever;
}

void Replayer::pass_ended(Tyme tyme) {
  Feed& f = *feed_;
  f.guarded([&] {
    if (!f.attached) return;
    f.pass_end(tyme);
    // A divergence found while the doers were built asked a Doist that had
    // not started its run to stop, and run() starts by clearing that: ask again.
    if (f.divergence && !f.noisy) f.doist->request_stop();
  });
}

void Replayer::run_ending(Tyme tyme) {
  Feed& f = *feed_;
  f.guarded([&] {
    if (!f.attached) return;
    // At the recorded end: inputs recorded at the end tyme, before the exit's
    // closes (a real-time capture received them while it waited out its last
    // tock), are delivered now, as the recorded run received them.
    if (f.ended) {
      f.closing = true;
      f.pump();
    } else if (f.doist->stop_signal() != 0 ||
               (f.doist->limit() > Tock{0} && tyme >= Tyme{f.doist->limit()})) {
      f.stopped_early = true;
    }
  });
}

void Replayer::on_event(const ChannelEvent& event) {
  Feed& f = *feed_;
  f.guarded([&] {
    f.digest.add(event);
    if (!f.attached || f.stopped_early) return;
    // The replay's journal could not be written: that stopped the run in a
    // pass the recorded run went on from, as a signal would have (its doers'
    // closes now, and the journal's events after, are not compared: the
    // replay did not diverge). Nothing after the failure is compared.
    if (f.output_failed()) {
      f.stopped_early = true;
      return;
    }
    if (f.noisy) {
      if (event.kind == EventKind::tx && f.transport(event.channel) != nullptr) {
        f.record_tx(event.channel, /*recorded=*/false, event);
      }
      f.note_unsent(event, /*recorded=*/false);
      return;
    }
    if (f.limits_hold) f.note_remote_ends(event);
    f.strict_event(event);
  });
}

}  // namespace hio::replay
