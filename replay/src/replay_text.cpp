// The replay's results as text: divergences, the first tx mismatch, noise
// tallies, the one-line result.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hio/engine/counted.hpp"
#include "hio/replay/diff.hpp"
#include "hio/replay/escape.hpp"
#include "hio/replay/inspect.hpp"
#include "replay_feed.hpp"

namespace hio::replay {

std::string quoted_text(std::string_view text) {
  std::string out;
  append_quoted_text(out, text);
  return out;
}

// ---- text -------------------------------------------------------------------------

const char* to_string(DivergenceKind kind) {
  switch (kind) {
    case DivergenceKind::tx_differs:
      return "tx differs";
    case DivergenceKind::tx_missing:
      return "tx missing";
    case DivergenceKind::tx_extra:
      return "extra tx";
    case DivergenceKind::event_differs:
      return "event differs";
    case DivergenceKind::event_missing:
      return "event missing";
    case DivergenceKind::event_extra:
      return "extra event";
    case DivergenceKind::undeliverable:
      return "input not deliverable";
    case DivergenceKind::end_differs:
      return "end differs";
  }
  return "?";
}

const char* to_string(ReplayStatus status) {
  switch (status) {
    case ReplayStatus::identical:
      return "identical";
    case ReplayStatus::diverged:
      return "diverged";
    case ReplayStatus::perturbed:
      return "perturbed";
  }
  return "?";
}

std::string ReplayDivergence::describe() const {
  std::string out = std::string(kDivergedEndPrefix) + "pass " + std::to_string(pass) + " (tyme " +
                    format_seconds(tyme) + " s)";
  // An end that differs is the run's, no channel's.
  if (kind != DivergenceKind::end_differs) out += " on channel #" + std::to_string(channel);
  if (!channel_name.empty()) {  // a doer's name: quoted and escaped, as inspect does
    out += ' ';
    append_quoted(out, channel_name);
  }
  out += ": " + std::string(to_string(kind));
  if (field != "missing" && field != "extra" && field != "end" && !field.empty()) {
    out += " (" + field + ")";
  }
  return out;
}

std::string format_divergence(const ReplayDivergence& d) {
  std::string out = d.describe() + '\n';
  if (!d.detail.empty()) out += "  " + d.detail + '\n';
  FormatOptions text;
  text.text_bytes_max = 48;
  const auto line = [&](const std::optional<OwnedEvent>& e) {
    if (!e) return std::string("(none)");
    return format_event(e->view(), pass_number(e->tyme, d.tock), text);
  };
  if (d.kind == DivergenceKind::end_differs && !d.expected && !d.actual) return out;
  out += "  expected: " + line(d.expected) + '\n';
  out += "  actual:   " + line(d.actual) + '\n';
  const bool tx = (d.expected && d.expected->kind == EventKind::tx) ||
                  (d.actual && d.actual->kind == EventKind::tx);
  if (tx) out += "  tx stream offset " + std::to_string(d.tx_offset) + '\n';
  const std::string_view expected = d.expected ? std::string_view(d.expected->bytes) : "";
  const std::string_view actual = d.actual ? std::string_view(d.actual->bytes) : "";
  if (d.field == "bytes" || (tx && expected != actual)) out += hex_diff(expected, actual);
  if (d.field == "peer" && d.expected && d.actual)
    out += hex_diff(d.expected->peer, d.actual->peer);
  if (d.field == "text" && d.expected && d.actual)
    out += hex_diff(d.expected->text, d.actual->text);
  return out;
}

namespace {
bool first_tx_is_datagram(const ReplayDivergence& d) {
  const std::optional<OwnedEvent>& e = d.expected ? d.expected : d.actual;
  return e && e->channel_kind == ChannelKind::datagram;
}
}  // namespace

std::uint64_t first_tx_mismatch_offset(const ReplayDivergence& d) {
  const std::string_view e = d.expected ? std::string_view(d.expected->bytes) : "";
  const std::string_view a = d.actual ? std::string_view(d.actual->bytes) : "";
  const std::size_t n = std::min(e.size(), a.size());
  std::size_t i = 0;
  while (i < n && e[i] == a[i])
    ++i;
  // A datagram's: where it starts (it differs as a whole).
  return d.tx_offset + (first_tx_is_datagram(d) ? 0 : i);
}

std::string format_first_tx_mismatch(const ReplayDivergence& d) {
  std::string out = "pass " + std::to_string(d.pass) + " (tyme " + format_seconds(d.tyme) +
                    " s) on channel #" + std::to_string(d.channel);
  if (!d.channel_name.empty()) {
    out += ' ';
    append_quoted(out, d.channel_name);
  }
  const bool datagram = first_tx_is_datagram(d);
  const std::string offset = std::to_string(first_tx_mismatch_offset(d));
  if (d.field == "missing")
    return out + ": a recorded datagram was not sent, at tx offset " + offset;
  if (d.field == "extra") {
    return out + ": a datagram the recording did not send was sent, at tx offset " + offset;
  }
  if (d.field == "peer") return out + ": the datagram's peer differs, at tx offset " + offset;
  if (datagram) return out + ": the datagram differs, at tx offset " + offset;
  return out + ": the bytes differ from tx stream offset " + offset;
}

std::string format_noise_stats(const NoiseStats& n) {
  return std::to_string(n.rx_seen) + " rx: " + std::to_string(n.dropped) + " dropped, " +
         std::to_string(n.delayed) + " delayed, " + std::to_string(n.duplicated) + " duplicated, " +
         std::to_string(n.corrupted) + " corrupted, " + std::to_string(n.reordered) +
         " reordered, " + std::to_string(n.undelivered) + " undelivered" +
         (n.stalled_dropped == 0
              ? std::string()
              : " (" + std::to_string(n.stalled_dropped) + " rx dropped: the backlog behind " +
                    (n.stalled_dropped == 1 ? "its" : "their") +
                    " channel's full rx was at its bound)") +
         "; tx: " + counted(n.tx_mismatches, "mismatch", "mismatches") + ", " +
         counted(n.tx_missing_bytes, "byte") + " missing, " + counted(n.tx_extra_bytes, "byte") +
         " extra" +
         (n.tx_datagrams_missing + n.tx_datagrams_extra == 0
              ? std::string()
              : ", " + counted(n.tx_datagrams_missing, "datagram") + " missing, " +
                    counted(n.tx_datagrams_extra, "datagram") + " extra") +
         (n.tx_credit_held_bytes == 0 ? std::string()
                                      : "; " + counted(n.tx_credit_held_bytes, "byte") +
                                            " held back by the tx credit until the close") +
         (n.tx_credit_released_bytes == 0 ? std::string()
                                          : "; " + counted(n.tx_credit_released_bytes, "byte") +
                                                " sent beyond the credit after the peer's FIN");
}

std::string format_replay_error_end(const ReplayResult& r) {
  const bool recorded = r.recorded_trailer && ended_by_exception(*r.recorded_trailer);
  if (!r.error && !recorded) return "";
  std::string out = "; ";
  if (r.error) {
    out += "the doers threw " + quoted_text(*r.error) + " at tyme " + format_seconds(r.error_tyme) +
           " s";
    if (recorded && r.recorded_trailer->end_text == *r.error &&
        r.recorded_trailer->end_tyme == r.error_tyme) {
      return out + ", as in the recorded run (reproduced)";
    }
    out += ", ";
  }
  if (!recorded) return out + "which the recorded run did not";
  return out + "the recorded run ended with the error " +
         quoted_text(r.recorded_trailer->end_text) + " at tyme " +
         format_seconds(r.recorded_trailer->end_tyme) + " s" +
         (r.error ? "" : ", which the replay did not reproduce");
}

std::string format_replay_result(const ReplayResult& r) {
  std::string out = std::string("replay ") + to_string(r.status) + ": " +
                    counted(r.passes, "pass", "passes") + ", " + counted(r.events, "event") +
                    ", digest " + format_digest(r.digest) +
                    " (journal: " + counted(r.recorded_events, "event") +
                    (r.recorded_before_stop ? " before the stop" : "") + ", digest " +
                    format_digest(r.recorded_digest) + ")";
  if (r.status == ReplayStatus::perturbed) out += "; noise on " + format_noise_stats(r.noise);
  out += format_replay_error_end(r);
  if (r.journal_error) out += "; the journal is damaged: " + r.journal_error->describe();
  if (r.status == ReplayStatus::diverged) {
    if (const std::string v = format_recorded_version(r.recorded_engine_version); !v.empty())
      out += "; recorded " + v;
  }
  return out;
}

}  // namespace hio::replay
