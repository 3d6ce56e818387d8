// A strict replay's comparison of the doers' events with the recorded ones,
// and the divergence it reports (where, what, and the first cause).
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "hio/engine/counted.hpp"
#include "hio/replay/diff.hpp"
#include "replay_feed.hpp"
#include "replay_transport.hpp"

namespace hio::replay {

void Replayer::Feed::strict_event(const ChannelEvent& actual) {
  if (divergence) return;
  fill(actual.tyme);
  // Past the end of a journal that does not say how its run ended (cut,
  // damaged, salvaged, or a trailer that cannot be true): not compared.
  if (none() && end_known() && !end_recorded) return;
  if (none() || front().tyme > actual.tyme) {
    // Only the recorded events up to this pass are loaded: the next one, if
    // the journal goes on, is the one to show (not "no more events").
    read_ahead();
    diverge(
        actual.kind == EventKind::tx ? DivergenceKind::tx_extra : DivergenceKind::event_extra,
        none() ? nullptr : &front(), &actual, "extra",
        none() ? "the journal has no more events" : "the journal's next event is at a later pass");
    return;
  }
  const OwnedEvent& expected = front();
  const char* field = first_difference(expected.view(), actual);
  // An open's address compares as written, not as an address: the replay
  // records the doers' text, so "tcp://[0::1]:7" for the journal's
  // "tcp://[::1]:7" would give another digest and journal (rev20 F1).
  if (field == nullptr) {
    if (actual.kind == EventKind::tx) tx_matched[actual.channel] += actual.bytes.size();
    // A recorded tx took from what was left (the rest, if any, is left
    // again from this pass); a stream's close or error as recorded carried
    // the same unsent bytes in the recorded run (a datagram channel's close
    // carries none, so its datagrams stay left over) - unless the channel
    // still holds them: the error of a failed attempt to open keeps tx for
    // the next attempt, and carried none in either run (xsvr16 finding 1:
    // they were noted again as written at the failing pass, and extra).
    const bool ends = kind_of(actual.channel) == ChannelKind::stream &&
                      (actual.kind == EventKind::close || actual.kind == EventKind::error);
    if (ends && tx_kept_by_failed_open(actual.channel)) {
      tx_kept.insert(actual.channel);
    } else if (actual.kind == EventKind::tx || ends) {
      tx_left.erase(actual.channel);
    }
    pop();
    return;
  }
  const std::string f = field;
  const bool same_place = expected.kind == actual.kind && expected.channel == actual.channel;
  if (same_place && actual.kind == EventKind::tx && f == "bytes") {
    const bool prefix =
        actual.bytes.size() < expected.bytes.size() &&
        std::string_view(expected.bytes).substr(0, actual.bytes.size()) == actual.bytes;
    if (prefix) {
      diverge(DivergenceKind::tx_missing, &expected, &actual, f,
              "only " + std::to_string(actual.bytes.size()) + " of " +
                  counted(expected.bytes.size(), "byte") +
                  (actual.bytes.size() == 1 ? " was" : " were") + " written by the pass's end");
    } else {
      diverge(DivergenceKind::tx_differs, &expected, &actual, f);
    }
  } else if (same_place && actual.kind == EventKind::tx) {
    diverge(DivergenceKind::tx_differs, &expected, &actual, f);
  } else if (same_place && (actual.kind == EventKind::close || actual.kind == EventKind::error) &&
             f == "bytes" && expected.bytes.size() < actual.bytes.size()) {
    diverge(DivergenceKind::tx_extra, &expected, &actual, f,
            counted(actual.bytes.size(), "byte") + " written " +
                (actual.bytes.size() == 1 ? "was" : "were") +
                " never sent; the connection ended with them");
  } else if (actual.kind == EventKind::tx) {
    diverge(DivergenceKind::tx_extra, &expected, &actual, f);
  } else {
    diverge(DivergenceKind::event_differs, &expected, &actual, f);
  }
}

void Replayer::Feed::note_tx_left(Tyme tyme) {
  // Strict replay cuts tx as the journal did: bytes the doers wrote stay in
  // tx until a recorded tx takes them. Kept per channel from the first pass
  // they are left, for earlier_extra_tx.
  for (const auto& [id, t] : transports) {
    const ChannelPort port = t->port();
    const Channel& c = port.channel();
    const Datagram* datagram = c.kind() == ChannelKind::datagram ? port.tx_front() : nullptr;
    const bool left = c.kind() == ChannelKind::stream ? port.tx_size() > 0 : datagram != nullptr;
    if (!left) {
      tx_left.erase(id);
      tx_kept.erase(id);
      continue;
    }
    // A stream that failed to open keeps them for its next attempt.
    if (tx_kept_by_failed_open(id)) {
      tx_kept.insert(id);
    } else {
      tx_kept.erase(id);
    }
    if (tx_left.count(id) != 0) continue;
    OwnedEvent e;
    e.kind = EventKind::tx;
    e.channel = id;
    e.tyme = tyme;
    e.channel_kind = c.kind();
    if (datagram != nullptr) {
      e.bytes = datagram->bytes;
      e.peer = datagram->peer;
    } else {
      e.bytes = std::string(port.tx_view());
    }
    tx_left.emplace(id, std::move(e));
  }
}

void Replayer::Feed::earlier_extra_tx(bool bounded) {
  // Bytes left unsent since pass P are extra at P (where the changed doer
  // wrote them) unless the journal's next tx on their channel begins with
  // them - or, for a stream, its close or error, which carries the bytes
  // still unsent: then the recorded run held them too. Without this the
  // replay goes on and reports a later consequence (a close or log that now
  // comes later, or not at all) as the first divergence.
  // Channels whose next recorded tx is unknown. A stream's bytes kept by a
  // failed attempt to open (io.md) are sent by no error: they wait for the
  // next attempt's connect (`opening`: the channel's attempt runs; `kept`:
  // one failed, and the journal has opened it no more since).
  struct Open {
    const OwnedEvent* left;
    bool opening;
    bool kept;
  };
  std::map<std::uint32_t, Open> open;
  for (const auto& [id, left] : tx_left) {
    if (divergence && left.tyme >= divergence->tyme) continue;
    const Channel* c = hub != nullptr ? hub->find(id) : nullptr;
    const bool opening = c != nullptr && c->state() == ChannelState::opening;
    open.emplace(id, Open{&left, opening, tx_kept_by_failed_open(id)});
  }
  if (open.empty()) return;
  const OwnedEvent* first = nullptr;
  // The journal's next send on first's channel, when it holds other bytes
  // (none: the journal sends nothing more there).
  std::optional<OwnedEvent> first_next;
  // The earliest left bytes, and of those written in one pass the lowest
  // channel (channels are numbered as the doers made them).
  const auto earlier = [&first](const OwnedEvent& left) {
    return first == nullptr || left.tyme < first->tyme ||
           (left.tyme == first->tyme && left.channel < first->channel);
  };
  const auto next_tx = [&](const ChannelEvent& e) {
    auto it = open.find(e.channel);
    if (it == open.end()) return;
    Open& o = it->second;
    const OwnedEvent& left = *o.left;  // it has the channel's kind (note_tx_left)
    const bool datagram = left.channel_kind == ChannelKind::datagram;
    if (!datagram && e.kind == EventKind::open) {
      o.opening = true;
      o.kept = false;
    } else if (!datagram && e.kind == EventKind::connect) {
      o.opening = false;
    } else if (!datagram && e.kind == EventKind::error && o.opening) {
      o.opening = false;
      o.kept = true;
      return;
    }
    const bool sends = e.kind == EventKind::tx ||
                       (!datagram && (e.kind == EventKind::close || e.kind == EventKind::error));
    if (!sends) return;
    // A tx may take part of them (the rest stays left); a close or error
    // discards all that is unsent, so it must hold all of them.
    const std::size_t n =
        e.kind == EventKind::tx ? std::min(left.bytes.size(), e.bytes.size()) : left.bytes.size();
    const bool kept = datagram
                          ? left.bytes == e.bytes && left.peer == e.peer
                          : e.bytes.size() >= n && left.bytes.compare(0, n, e.bytes, 0, n) == 0;
    if (!kept && earlier(left)) {
      first = &left;
      first_next = OwnedEvent::from(e);
    }
    open.erase(it);
  };
  for (std::size_t i = head; i < queue.size() && !open.empty(); ++i)
    next_tx(queue[i].view());
  // Read on for the channels' next tx - after a divergence at most
  // options.extra_tx_lookahead_events more events: a channel not resolved by
  // then is not blamed, the divergence noticed stands.
  std::uint64_t budget = options.extra_tx_lookahead_events;
  while (!open.empty() && (!bounded || budget > 0)) {
    const FrameView* f = read_frame();
    if (f == nullptr) break;
    budget -= std::min<std::uint64_t>(budget, f->events.size());
    for (const ChannelEvent& e : f->events)
      next_tx(e);
  }
  // No tx on the channel for the rest of the journal: extra, if the journal
  // says how its run ended (past a cut the recorded run may have sent them).
  // (Bytes a failed open kept: the recorded run held them unsent too.)
  if (end_known() && end_recorded) {
    for (const auto& [id, o] : open) {
      if (!o.kept && earlier(*o.left)) {
        first = o.left;
        first_next.reset();
      }
    }
  }
  if (first == nullptr) return;
  const ChannelEvent actual = first->view();
  const std::optional<ReplayDivergence> later = std::move(divergence);
  divergence.reset();
  const std::string written = "written at pass " + std::to_string(pass_of(first->tyme)) +
                              " and left unsent; the journal's next ";
  if (!first_next) {
    diverge(
        DivergenceKind::tx_extra, nullptr, &actual, "extra",
        counted(first->bytes.size(), "byte") + " " + written + "tx on the channel does not exist");
  } else {
    // The doers wrote other bytes than the journal's next send on the
    // channel: a tx that differs (both, and the hex diff, say more than an
    // extra tx would) - unless that send is a close whose unsent bytes
    // are only fewer than these (a stream's close carries what was left):
    // then these are more than the recorded run held, extra.
    const std::string_view e = first_next->bytes;
    const std::string_view a = first->bytes;
    const std::size_t n = std::min(e.size(), a.size());
    const bool datagram = first->channel_kind == ChannelKind::datagram;
    const std::string pass = std::to_string(pass_of(first_next->tyme));
    if (first_next->kind == EventKind::tx) {
      // (A datagram: its bytes, or else its peer; the tymes differ.)
      const bool peer = datagram && e == a;
      diverge(DivergenceKind::tx_differs, &*first_next, &actual, peer ? "peer" : "bytes",
              written + "tx on the channel, at pass " + pass + ", is " +
                  (datagram ? "another datagram" : "other bytes"));
    } else {
      const std::string sent = written + "send on the channel is its " +
                               to_string(first_next->kind) + " at pass " + pass + ", which";
      if (e.substr(0, n) == a.substr(0, n)) {
        diverge(DivergenceKind::tx_extra, &*first_next, &actual, "extra",
                counted(a.size(), "byte") + " " + sent + " carried " +
                    (e.empty() ? std::string("none") : "only " + std::to_string(e.size())) +
                    " of them unsent");
      } else {
        diverge(DivergenceKind::tx_differs, &*first_next, &actual, "bytes",
                sent + " carried other bytes unsent");
      }
    }
  }
  if (later)
    divergence->detail += " (first noticed at pass " + std::to_string(later->pass) + ": " +
                          to_string(later->kind) + ")";
}

ReplayDivergence Replayer::Feed::make_divergence(DivergenceKind kind, const OwnedEvent* expected,
                                                 const ChannelEvent* actual, std::string field,
                                                 std::string detail) {
  ReplayDivergence d;
  d.kind = kind;
  d.tock = header_tock;
  // Neither event (an end that differs): the pass running now, no channel.
  d.tyme = expected != nullptr && (actual == nullptr || expected->tyme <= actual->tyme)
               ? expected->tyme
           : actual != nullptr ? actual->tyme
                               : tyme_now();
  d.pass = pass_of(d.tyme);
  d.channel = actual != nullptr ? actual->channel : expected != nullptr ? expected->channel : 0;
  if (const Channel* c = hub != nullptr && d.channel != 0 ? hub->find(d.channel) : nullptr) {
    d.channel_name = c->name();
  } else if (auto it = recorded_channels.find(d.channel); it != recorded_channels.end()) {
    d.channel_name = it->second.name;
  }
  d.field = std::move(field);
  if (expected != nullptr) d.expected = *expected;
  if (actual != nullptr) d.actual = OwnedEvent::from(*actual);
  auto it = tx_matched.find(d.channel);
  d.tx_offset = it == tx_matched.end() ? 0 : it->second;
  d.detail = std::move(detail);
  return d;
}

void Replayer::Feed::diverge(DivergenceKind kind, const OwnedEvent* expected,
                             const ChannelEvent* actual, std::string field, std::string detail) {
  if (divergence) return;
  divergence = make_divergence(kind, expected, actual, std::move(field), std::move(detail));
  if (doist != nullptr) doist->request_stop();
}

bool Replayer::Feed::recorded_thrown(std::string_view what, Tyme at) {
  const JournalTrailer* error = recorded_error();
  return error != nullptr && error->end_text == what && error->end_tyme == at;
}

void Replayer::Feed::compare_thrown() {
  // The replay's doers threw: faithful if the recorded run threw the same at
  // the same pass. Otherwise the end differs - and a divergence found in this
  // pass (the doers' exit closes, made as the Doist closed them after the
  // exception) is a consequence of it, not the cause.
  if (recorded_thrown(*thrown, thrown_at)) return;
  const JournalTrailer* error = recorded_error();
  if (divergence && divergence->tyme < thrown_at) return;
  divergence.reset();
  std::string detail = "the replay's doers threw " + quoted_text(*thrown) + "; ";
  if (error == nullptr) {
    detail += "the recorded run did not end with an error there";
  } else {
    detail += "the recorded run ended with the error " + quoted_text(error->end_text) +
              " at pass " + std::to_string(pass_of(error->end_tyme)) + " (tyme " +
              format_seconds(error->end_tyme) + " s)";
  }
  diverge(DivergenceKind::end_differs, nullptr, nullptr, "end", std::move(detail));
  divergence->tyme = thrown_at;
  divergence->pass = pass_of(thrown_at);
}

}  // namespace hio::replay
