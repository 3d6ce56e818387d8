// RecordingSink: an EventSink that keeps a copy of every event, so tests can
// assert what passed the hub's choke point.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "hio/io/event.hpp"

namespace hio::test {

// A ChannelEvent with owned strings.
struct Recorded {
  EventKind kind;
  std::uint32_t channel;
  Tyme tyme;
  std::uint64_t seq;
  std::string bytes;
  std::string peer;
  std::string text;
  std::uint32_t accepted;
  CloseWho who;
  NoiseKind noise;
  ChannelKind channel_kind;
  std::string line;  // describe(event)
};

class RecordingSink final : public EventSink {
 public:
  void on_event(const ChannelEvent& e) override {
    events.push_back(Recorded{e.kind, e.channel, e.tyme, e.seq, std::string(e.bytes),
                              std::string(e.peer), std::string(e.text), e.accepted, e.who, e.noise,
                              e.channel_kind, describe(e)});
  }

  std::size_t count(EventKind kind) const {
    return static_cast<std::size_t>(std::count_if(
        events.begin(), events.end(), [kind](const Recorded& r) { return r.kind == kind; }));
  }
  std::size_t count(EventKind kind, std::uint32_t channel) const {
    return static_cast<std::size_t>(std::count_if(
        events.begin(), events.end(),
        [kind, channel](const Recorded& r) { return r.kind == kind && r.channel == channel; }));
  }
  std::vector<Recorded> of(std::uint32_t channel) const {
    std::vector<Recorded> out;
    for (const Recorded& r : events)
      if (r.channel == channel) out.push_back(r);
    return out;
  }
  std::vector<EventKind> kinds(std::uint32_t channel) const {
    std::vector<EventKind> out;
    for (const Recorded& r : events)
      if (r.channel == channel) out.push_back(r.kind);
    return out;
  }
  const Recorded* first(EventKind kind, std::uint32_t channel) const {
    for (const Recorded& r : events)
      if (r.kind == kind && r.channel == channel) return &r;
    return nullptr;
  }
  // The concatenated bytes of every rx (or tx) event of a channel.
  std::string stream(EventKind kind, std::uint32_t channel) const {
    std::string out;
    for (const Recorded& r : events)
      if (r.kind == kind && r.channel == channel) out += r.bytes;
    return out;
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const Recorded& r : events)
      out.push_back(r.line);
    return out;
  }
  // seq numbers are 0, 1, 2, ... and tymes never go back.
  bool ordered() const {
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i].seq != i) return false;
      if (i > 0 && events[i].tyme < events[i - 1].tyme) return false;
    }
    return true;
  }

  std::vector<Recorded> events;
};

}  // namespace hio::test
