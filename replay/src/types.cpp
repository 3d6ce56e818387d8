#include "hio/replay/types.hpp"

#include "hio/replay/escape.hpp"
#include "hio/version.hpp"

#include <string>

namespace hio::replay {

const char* to_string(Mode mode) {
  switch (mode) {
    case Mode::sim:
      return "sim";
    case Mode::real:
      return "real";
    case Mode::replay:
      return "replay";
  }
  return "?";
}

const char* to_string(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::unknown:
      return "unknown";
    case RunOutcome::done:
      return "done";
    case RunOutcome::limit:
      return "limit";
    case RunOutcome::interrupted:
      return "interrupted";
    case RunOutcome::stalled:
      return "stalled";
    case RunOutcome::error:
      return "error";
  }
  return "?";
}

std::uint64_t passes_at(Tyme end_tyme, Tock tock) {
  const std::int64_t end_ns = end_tyme.time_since_epoch().count();
  const std::int64_t tock_ns = tock.count();
  const bool saturated = end_tyme == kTymeNever && end_ns % tock_ns != 0;
  return static_cast<std::uint64_t>(end_ns / tock_ns) + (saturated ? 1 : 0);
}

std::uint64_t pass_number(Tyme tyme, Tock tock) {
  return passes_at(tyme, tock);
}

RunOutcome to_outcome(RunEnd end) {
  switch (end) {
    case RunEnd::done:
      return RunOutcome::done;
    case RunEnd::limit:
      return RunOutcome::limit;
    case RunEnd::interrupted:
      return RunOutcome::interrupted;
    case RunEnd::stalled:
      return RunOutcome::stalled;
  }
  return RunOutcome::unknown;
}

const char* engine_version() {
  static const std::string text = std::string("hio ") + kVersion;
  return text.c_str();
}

OwnedEvent OwnedEvent::from(const ChannelEvent& e) {
  return OwnedEvent{e.kind,
                    e.channel,
                    e.tyme,
                    e.seq,
                    std::string(e.bytes),
                    std::string(e.peer),
                    std::string(e.text),
                    e.accepted,
                    e.who,
                    e.noise,
                    e.channel_kind};
}

ChannelEvent OwnedEvent::view() const {
  ChannelEvent e;
  e.kind = kind;
  e.channel = channel;
  e.tyme = tyme;
  e.seq = seq;
  e.bytes = bytes;
  e.peer = peer;
  e.text = text;
  e.accepted = accepted;
  e.who = who;
  e.noise = noise;
  e.channel_kind = channel_kind;
  return e;
}

std::vector<NoiseStep> noise_chain_of(const JournalHeader& header) {
  if (!header.noise_chain.empty() || header.noise.empty()) return header.noise_chain;
  return {NoiseStep{header.noise, header.noise_seed}};
}

bool noise_chain_says_more(const JournalHeader& header) {
  return !header.noise_chain.empty() &&
         !(header.noise_chain.size() == 1 &&
           header.noise_chain[0] == NoiseStep{header.noise, header.noise_seed});
}

std::string describe_noise_chain(const std::vector<NoiseStep>& chain) {
  std::string out;
  for (const NoiseStep& step : chain) {
    if (!out.empty()) out += ',';
    append_quoted_text(out, step.spec);
    out += '@' + std::to_string(step.seed);
  }
  return out;
}

const char* journal_signal_name(int stop_signal) {
  switch (stop_signal) {
    case 1:
      return "SIGHUP";
    case 2:
      return "SIGINT";
    case 10:
      return "SIGUSR1";
    case 15:
      return "SIGTERM";
    default:
      return nullptr;
  }
}

bool ended_by_exception(const JournalTrailer& trailer) {
  return trailer.end == RunOutcome::error &&
         std::string_view(trailer.end_text).rfind(kDivergedEndPrefix, 0) != 0 &&
         !ended_by_hio_failure(trailer);
}

bool ended_by_hio_failure(const JournalTrailer& trailer) {
  return trailer.end == RunOutcome::error && trailer.end_by_hio;
}

}  // namespace hio::replay
