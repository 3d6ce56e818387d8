// The walk over the recorded stream: frames read, the recorded end, the
// pump that hands due events on, and what each pass's end and the run's end
// check.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "hio/engine/counted.hpp"
#include "replay_feed.hpp"
#include "replay_transport.hpp"

namespace hio::replay {

void Replayer::Feed::fill(Tyme upto) {
  for (const FrameView* f = reader.peek(); f != nullptr && f->tyme <= upto; f = reader.peek()) {
    for (const ChannelEvent& e : read_frame()->events)
      queue.push_back(OwnedEvent::from(e));
  }
}

const FrameView* Replayer::Feed::read_frame() {
  const FrameView* f = reader.next();
  if (f == nullptr) return nullptr;
  trailer_offset = f->offset + f->size_bytes;
  if (last_recorded_tyme != f->tyme) taken_before_last_tyme = taken;
  taken = {reader.events_read(), reader.digest()};
  last_frame_exit = f->exit;
  if (!f->exit) last_pass_tyme = f->tyme;
  if (f->exit && !exit_seq && !f->events.empty()) exit_seq = f->events.front().seq;
  if (last_recorded_tyme != f->tyme) last_pass_closes = last_pass_outputs = false;
  const JournalHeader* h = reader.header();
  const bool guess_exit = h == nullptr || !h->exit_marked;  // end_tyme's recorded_open
  for (const ChannelEvent& e : f->events) {
    note_addresses(e);
    if (e.kind == EventKind::open) {
      RecordedChannel& r = recorded_channels[e.channel];
      r.name = std::string(e.text);
      r.kind = e.channel_kind;
      r.live = r.opening = true;
      recorded_max = std::max(recorded_max, e.channel);
      if (guess_exit) recorded_open.insert(e.channel);
    } else if (e.kind == EventKind::close) {
      if (guess_exit) recorded_open.erase(e.channel);
    }
    // Its state as deliver_input makes it: an error fails a stream, or a
    // channel still opening.
    if (auto r = recorded_channels.find(e.channel); r != recorded_channels.end()) {
      if (e.kind == EventKind::connect) r->second.opening = false;
      if (e.kind == EventKind::close ||
          (e.kind == EventKind::error &&
           (r->second.kind == ChannelKind::stream || r->second.opening))) {
        r->second.live = r->second.opening = false;
      }
    }
    if (e.kind == EventKind::close && e.who == CloseWho::local) {
      last_pass_closes = true;
    } else if (!is_input(e)) {
      last_pass_outputs = true;
    }
  }
  last_recorded_tyme = f->tyme;
  return f;
}

void Replayer::Feed::pop() {
  // The event may be the one the hub is giving its sinks right now (an input
  // delivered from it, whose views the event holds): it stays in place until
  // retire(), called where no event is in flight.
  const OwnedEvent& e = queue[head];
  if (e.kind == EventKind::close || e.kind == EventKind::error) finishing.insert(e.channel);
  ++head;
  ++consumed;
}

void Replayer::Feed::retire() {
  queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(head));
  head = 0;
}

void Replayer::Feed::read_ahead() {
  // The next recorded pass (all its parts), so that its tyme is known and, if
  // it is the last, the trailer behind it is read too. Memory: one pass.
  if (!none()) return;
  if (const FrameView* f = reader.peek()) fill(f->tyme);
}

Tyme Replayer::Feed::end_tyme() {
  if (end) return *end;
  if (!reader_done()) return kTymeNever;  // known once the trailer is read
  // Without a trustworthy trailer the run ends after the last recorded pass
  // - unless the last frame is the recorded run's exit (a journal cut exactly
  // where its trailer starts, or salvaged from one): then the replay ends at
  // its tyme, and its doers' exit closes land on those closes. A journal
  // that marks its exit frames says so; in an older one the exit is guessed:
  // only local closes (and inputs) at a tyme after the first pass, closing
  // every channel still open - which a run whose doers closed their last
  // channels in a normal pass and ended looks like too (then the replay ends
  // a tock early: the guess is kept for those journals only).
  const std::optional<Tyme> recorded = trusted_end();
  end_recorded = recorded.has_value();
  const Tyme last = last_recorded_tyme.value_or(Tyme{});
  const bool exit_left = reader.header()->exit_marked
                             ? last_frame_exit
                             : last > Tyme{} && last_pass_closes && !last_pass_outputs &&
                                   recorded_open.empty() && recorded_open_forgotten == 0;
  end = recorded.value_or(exit_left ? last : tyme_after(last, header_tock));
  // Without a trusted trailer: an exit at the tyme of a pass ended there.
  end_at_pass = recorded ? reader.trailer()->ended_at_pass
                         : exit_left && reader.header()->exit_marked && last_pass_tyme == last;
  // A run ended by an exception: the trailer's end tyme is the tyme of the
  // pass that threw (its passes count the passes completed, so passes x tock
  // is that tyme still), and its exit's closes are stamped with it. That pass
  // ran: the replay runs it too, so that its doers meet what made them throw
  // - or, for hio's own failure, so that its poll ends it there as the
  // run's did (Replayer::poll).
  const JournalTrailer* t = reader.trailer();
  if (end_recorded && t != nullptr && (ended_by_exception(*t) || ended_by_hio_failure(*t)) &&
      *end != kTymeNever) {
    end = tyme_after(*end, header_tock);
  }
  if (overrunning()) end = tyme_after(*end, *options.overrun);
  return *end;
}

std::optional<Tyme> Replayer::Feed::trusted_end() {
  const JournalTrailer* t = reader.trailer();
  // A cut or damaged journal (reader.error()), or a salvaged one (end
  // unknown: its end tyme is what its frames say, see salvage_journal).
  // Bytes after a whole, checked trailer damage the file, not the recorded
  // run: its end is known (the damage is still reported).
  if (!reader.trailer_agrees() || t == nullptr || t->end == RunOutcome::unknown)
    return std::nullopt;
  // The recorded run's doers closed at its end tyme (exit), after its last
  // pass: the replay must end there too. But the trailer is only a claim:
  // a Doist's tyme is always passes x tock, and every pass is before the end
  // - except at the end of tyme, where the tick saturates (tyme_after): the
  // tyme is kTymeNever and the passes one more than the last pass's number.
  const Tyme last = last_recorded_tyme.value_or(Tyme{});
  const std::int64_t tock = header_tock.count();
  const std::int64_t end_ns = t->end_tyme.time_since_epoch().count();
  const std::uint64_t passes = passes_at(t->end_tyme, header_tock);
  const bool consistent = end_ns >= last.time_since_epoch().count() &&
                          (end_ns % tock == 0 || t->end_tyme == kTymeNever) && passes == t->passes;
  if (consistent) return t->end_tyme;
  JournalError e;
  e.kind = JournalErrorKind::bad_trailer;
  e.offset = trailer_offset;
  e.last_pass = reader.last_pass();
  e.last_tyme = reader.last_tyme();
  e.message = "the trailer's end tyme " + format_seconds(t->end_tyme) + " s cannot be true: " +
              (end_ns < last.time_since_epoch().count()
                   ? "the last pass is at " + format_seconds(last) + " s"
                   : "it does not agree with its " + counted(t->passes, "pass", "passes") + " of " +
                         format_seconds(header_tock) + " s");
  trailer_error = std::move(e);
  return std::nullopt;
}

void Replayer::Feed::pump() {
  // After a stop before the recorded end (a signal, the Doist's limit) the
  // doers close: no recorded input is delivered among their closes.
  if (!attached || doist == nullptr || pumping || stopped_early || (divergence && !noisy)) return;
  pumping = true;
  struct Lower {
    bool& flag;
    ~Lower() { flag = false; }
  } lower{pumping};
  retire();
  const Tyme now = doist->tyme();
  if (noisy) {
    pump_noisy(now);
  } else {
    pump_strict(now);
  }
}

void Replayer::Feed::pass_end(Tyme tyme) {
  retire();
  if (noisy) {
    draining = true;
    pump();
    // Inputs of this pass whose channel the doers never made are lost.
    fill(tyme);
    while (due(tyme)) {
      const OwnedEvent& e = front();
      if (is_input(e)) ++stats.undelivered;
      if (e.kind == EventKind::rx) (void)decide_rx_noise(e);  // its draws, as every rx's
      pop();
      pump();
    }
  } else if (!divergence) {
    pump();
    fill(tyme);
    const JournalTrailer* error = recorded_error();
    if (!divergence && error != nullptr && tyme >= error->end_tyme) {
      // The pass that threw in the recorded run ended without an exception.
      diverge(DivergenceKind::end_differs, nullptr, nullptr, "end",
              "the recorded run ended at this pass with an error (" + quoted_text(error->end_text) +
                  "); the replay's doers did not throw");
      divergence->tyme = error->end_tyme;
      divergence->pass = pass_of(error->end_tyme);
    } else if (!divergence && due(tyme)) {
      const OwnedEvent e = front();
      std::string why;
      if (e.kind == EventKind::tx) {
        ReplayTransport* t = transport(e.channel);
        if (t != nullptr && t->port().channel().kind() == ChannelKind::stream &&
            t->port().tx_size() > 0) {
          std::string out;
          t->port().take_tx(out, t->port().tx_size());  // on_event classifies it
        }
        if (!divergence) {
          diverge(DivergenceKind::tx_missing, &e, nullptr, "missing",
                  "no bytes for it were written by the pass's end");
        }
      } else if (is_input(e)) {
        why = undeliverable_reason(e);
        diverge(DivergenceKind::undeliverable, &e, nullptr, "missing",
                why.empty() ? "it could not be delivered" : why);
      } else {
        diverge(DivergenceKind::event_missing, &e, nullptr, "missing",
                "the doers did not make it by the pass's end");
      }
    }
    // Not after a divergence at this pass: a stream's recorded tx that took
    // the bytes left here (take_tx above) would have them look sent, and
    // the record of where they were left, which earlier_extra_tx reports,
    // would be lost.
    if (!divergence) note_tx_left(tyme);
  }
  // The last pass is the one before the recorded end (kTymeNever until the
  // trailer is read, and a trusted end is never below the last pass). Read
  // ahead first: when the next recorded frame holds only the exit's events
  // at the end tyme, the trailer behind it says that this pass was the last.
  read_ahead();
  if (noisy) run_on(tyme);
  next_tyme = next_due();
  if ((noisy || !divergence) && options.forget_finished_channels) forget_finished();
  if (tyme >= last_pass()) {
    ended = true;
    if (end_at_pass) {
      doist->request_stop_at_pass();  // the exit at this pass's tyme, as recorded
    } else {
      doist->request_stop();
    }
  }
}

void Replayer::Feed::run_on(Tyme tyme) {
  // Only where delay could cut short the run's own end: not past an end
  // chosen (an overrun given, 0 included), nor past a limit or an error,
  // which end a run whatever its network does.
  if (options.overrun || !options.noise.delay || stopped_early || !end_known() || !end_recorded ||
      tyme < last_pass()) {
    return;
  }
  const RunOutcome recorded = reader.trailer()->end;
  if (recorded != RunOutcome::done && recorded != RunOutcome::stalled &&
      recorded != RunOutcome::interrupted) {
    return;
  }
  // Every rx held at the recorded end is due by then plus the longest delay
  // (in whole tocks, the pass that delivers it): the last pass, at most.
  const Tyme recorded_end = *end - ran_on;
  const Tyme latest_due = tyme_after(recorded_end, options.noise.delay_max);
  if (tyme_after(latest_due, header_tock * 2) == kTymeNever) return;  // the end of tyme
  const std::int64_t tock = header_tock.count();
  const auto pass_at = [tock](Tyme t) {  // the first pass at or after t
    const std::int64_t ns = t.time_since_epoch().count();
    return Tyme{Tock{(ns / tock + (ns % tock != 0 ? 1 : 0)) * tock}};
  };
  // What would be cut off: held rx (a stream's chunks are due in order, the
  // last behind its first is the latest), the stream ends waiting behind
  // them, and the inputs recorded at the end tyme (a capture's, received
  // while it waited out its last tock: running on, they come at their tyme).
  std::optional<Tyme> latest;
  const auto note = [&latest](Tyme due) { latest = std::max(latest.value_or(due), due); };
  for (const auto& entry : held)
    note(entry.second.due);
  for (const auto& [id, chunks] : held_behind)
    if (!chunks.empty()) note(chunks.back().second.due);
  for (const auto& [id, wait] : room_wait)
    if (!wait.behind.empty()) note(wait.behind.back().second.due);
  // Of those, only what a doer can be given: a noise record (the exit's
  // drop of bytes left on a link whose ends both closed) reaches no doer,
  // and running on for it delivered nothing (xbig19 finding 2).
  bool inputs_left = false;
  for (std::size_t i = head; i < queue.size() && !inputs_left; ++i)
    inputs_left = queue[i].kind != EventKind::noise && is_input(queue[i].view());
  if (!latest && !inputs_left && deferred.empty()) return;
  Tyme last = tyme_after(tyme, header_tock);
  if (latest) last = std::max(last, pass_at(*latest));
  last = std::min(last, pass_at(latest_due));
  // Not past the Doist's limit (a replaced scenario's run.limit).
  if (doist != nullptr && doist->limit() > Tock{0}) {
    last = std::min(last, Tyme{doist->limit()} - header_tock);
  }
  const Tyme moved = end_at_pass ? last : tyme_after(last, header_tock);
  if (moved <= *end) return;
  ran_on += moved - *end;
  end = moved;
}

Tyme Replayer::Feed::last_pass() {
  const Tyme end_at = end_tyme();
  return end_at_pass ? end_at : end_at - header_tock;
}

Tyme Replayer::Feed::next_due() {
  // Recorded events still due now (a noise replay's rx waiting for room in
  // `stalled`) keep the next pass; otherwise the Doist may skip to the next recorded
  // pass, a held rx's release, or the last pass before the recorded end
  // (known once the next recorded pass is the last: read_ahead reads the
  // trailer behind it).
  read_ahead();
  Tyme next = none() ? kTymeNever : front().tyme;
  if (!held.empty()) next = std::min(next, Tyme{Tock{held.begin()->first.first}});
  for (const auto& [id, waiting_inputs] : stalled)
    next = std::min(next, waiting_inputs.inputs.front().tyme);
  for (const auto& [id, d] : deferred)
    if (d.shift) next = std::min(next, d.due());
  return std::min(next, last_pass());
}

void Replayer::Feed::final_checks() {
  if (noisy) {
    // Datagrams compared as the run left them, before the rest of the
    // journal is read (it may reopen a channel under another name, which a
    // first mismatch would take); tally_channel counts what is left.
    for (const auto& entry : datagram_tx)
      settle_datagrams(entry.first, /*final=*/true, stats);
    stats.undelivered += held_count();
    for (const auto& [id, waiting_inputs] : stalled)
      stats.undelivered += waiting_inputs.inputs.size();
    for (const auto& [id, d] : deferred)
      stats.undelivered += d.events.size();
    const auto count = [this](const ChannelEvent& e) {
      if (is_input(e)) ++stats.undelivered;
      // Sent or discarded unsent at a close, the rest's bytes are missing.
      if (e.kind == EventKind::tx || e.kind == EventKind::close || e.kind == EventKind::error)
        stats.tx_missing_bytes += e.bytes.size();
    };
    for (std::size_t i = head; i < queue.size(); ++i)
      count(queue[i].view());
    // The rest of the journal, a frame at a time (bounded memory).
    while (const FrameView* f = read_frame())
      for (const ChannelEvent& e : f->events)
        count(e);
    // The channels still kept, then those forgotten on the way: the same
    // counts (tally_channel).
    std::set<std::uint32_t> ids;
    for (const auto& entry : tx)
      ids.insert(entry.first);
    for (const auto& entry : datagram_tx)
      ids.insert(entry.first);
    for (const auto& entry : waiting)
      ids.insert(entry.first.first);
    for (const std::uint32_t id : ids)
      tally_channel(id, stats);
    stats.tx_missing_bytes += retired.tx_missing_bytes;
    stats.tx_extra_bytes += retired.tx_extra_bytes;
    stats.tx_datagrams_missing += retired.tx_datagrams_missing;
    stats.tx_datagrams_extra += retired.tx_datagrams_extra;
    stats.tx_credit_held_bytes += retired.tx_credit_held_bytes;
    stats.undelivered += retired.undelivered;
    return;
  }
  bool ended_before = false;  // the replay ended before the journal's events did
  // A replay that diverged while it ran stops there: the rest of the journal
  // is read only as far as the extra-tx check's budget.
  const bool stopped = divergence.has_value();
  if (!divergence) {
    read_ahead();
    if (!none()) {
      const OwnedEvent e = front();
      diverge(e.kind == EventKind::tx ? DivergenceKind::tx_missing : DivergenceKind::event_missing,
              &e, nullptr, "missing", "the replay ended before it");
      ended_before = true;
    }
  }
  earlier_extra_tx(stopped);
  if (ended_before) {
    // Read the rest (counts, digest, damage) without keeping it.
    while (read_frame() != nullptr) {
    }
  }
}

}  // namespace hio::replay
