// What the SimNet tests share: a world (Doist, hub, SimNet, recording sink)
// in virtual time, a digest of an event stream, and small driver doers for
// datagram and serial channels (the UDP and serial doers of the real-IO
// issue do not exist yet; these follow the same driver pattern).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hio/engine/doist.hpp"
#include "hio/engine/random.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "recording_sink.hpp"

namespace hio::test {

inline constexpr Tock kMs{1'000'000};
inline constexpr Tock kUs{1'000};

// ChannelOptions with some fields set: `with([](ChannelOptions& o) { o.retry = ...; })`.
// (Designated initializers work too, `ChannelOptions{.retry = ...}`; this
// also sets nested fields such as o.tls.verify.)
template <class Set>
ChannelOptions with(Set set) {
  ChannelOptions options;
  set(options);
  return options;
}

// Declared in this order so the sink outlives the hub, the hub the net, and
// everything the doers a test declares after it.
struct SimWorld {
  explicit SimWorld(SimNetOptions options = {}, Tock tock = kMs)
      : doist(tock), io(doist.tymth()), net(doist, io, options) {
    doist.attach(io);
    doist.set_handle_sigint(false);
    io.add_sink(sink);
  }
  // The usual network: hosts `a` and `b` joined by `link` (both ways unless
  // one_way), with stream clients connecting from `a`.
  void two_hosts(const LinkParams& link = {}, Way way = Way::both, std::string_view a = "a",
                 std::string_view b = "b") {
    net.add_host(a);
    net.add_host(b);
    net.set_link(a, b, link, way);
    net.set_client_host(a);
  }
  RecordingSink sink;
  Doist doist;
  IoHub io;
  SimNet net;
};

// A 64-bit digest over everything an event carries (not just describe()),
// as the journal's will be: kind, channel, tyme, seq, all bytes and texts.
inline std::uint64_t digest(const std::vector<Recorded>& events) {
  std::string canon;
  for (const Recorded& e : events) {
    canon += std::to_string(static_cast<int>(e.kind)) + "|" + std::to_string(e.channel) + "|" +
             std::to_string(e.tyme.time_since_epoch().count()) + "|" + std::to_string(e.seq) + "|" +
             std::to_string(e.bytes.size()) + ":" + e.bytes + "|" + e.peer + "|" + e.text + "|" +
             std::to_string(e.accepted) + "|" + std::to_string(static_cast<int>(e.who)) + "|" +
             std::to_string(static_cast<int>(e.noise)) + "\n";
  }
  return stable_hash(canon);
}

// Prints the event trace when the current test has failed, so a failure in
// a run says what the run did.
inline void dump_on_failure(const RecordingSink& sink, std::size_t max_lines = 400) {
  if (!::testing::Test::HasFailure()) return;
  std::size_t n = 0;
  for (const Recorded& r : sink.events) {
    if (n++ == max_lines) {
      std::fprintf(stderr, "... (%zu events)\n", sink.events.size());
      break;
    }
    std::fprintf(stderr, "  %s\n", r.line.c_str());
  }
}

// Runs each step in the first pass at or after its tyme, in order.
class Timeline final : public Doer {
 public:
  struct Step {
    Tyme at;
    std::function<void()> act;
  };
  explicit Timeline(std::vector<Step> steps) : Doer("timeline"), steps_(std::move(steps)) {}

 protected:
  bool recur(Tyme tyme) override {
    while (next_ < steps_.size() && steps_[next_].at <= tyme)
      steps_[next_++].act();
    return next_ == steps_.size();
  }

 private:
  std::vector<Step> steps_;
  std::size_t next_ = 0;
};

// Enters `doer` into the Doist at tyme `at` (a doer that must start late).
class StartAt final : public Doer {
 public:
  StartAt(Doist& doist, Tyme at, Doer& doer)
      : Doer("start-at"), doist_(doist), at_(at), doer_(doer) {}

 protected:
  bool recur(Tyme tyme) override {
    if (tyme < at_) {
      park(at_);
      return false;
    }
    doist_.extend({&doer_});
    return true;
  }

 private:
  Doist& doist_;
  Tyme at_;
  Doer& doer_;
};

// The id of the nth channel a listener accepted (0 if none): accepted
// channels are released by the server doer's exit, so tests find them in the
// events.
inline std::uint32_t accepted_id(const RecordingSink& sink, std::size_t nth = 0) {
  for (const Recorded& r : sink.events) {
    if (r.kind == EventKind::accept && nth-- == 0) return r.accepted;
  }
  return 0;
}

// Drives one datagram channel and uses it: each run it services the channel,
// keeps every datagram received (with the tyme of the run), sends what was
// queued for it, services again, and parks while idle. Sends that do not fit
// tx stay queued for the next run.
class DatagramDoer : public Doer {
 public:
  struct Received {
    Tyme tyme;
    std::string peer;
    std::string bytes;
  };

  DatagramDoer(IoHub& io, std::string_view address, ChannelOptions options = {},
               std::string name = "udp")
      : Doer(std::move(name)), io_(io), channel_(io.bind(address, std::move(options))) {}

  Channel& channel() const { return channel_; }
  void queue(std::string peer, std::string bytes) {
    outbox_.push_back(Datagram{std::move(peer), std::move(bytes)});
    wake();
  }
  std::vector<Received> received;

 protected:
  void enter() override {
    channel_.set_waiter(this);
    channel_.set_driver(this);
  }
  bool recur(Tyme tyme) override {
    const std::uint64_t before = io_.event_count();
    channel_.service();
    serve(tyme);
    channel_.service();
    // Park only after an idle run: a wake aimed at a running doer is lost
    // (on older engines), so a busy run is followed by another.
    if (io_.event_count() == before && outbox_.empty()) park(channel_.due());
    return false;
  }
  // Receives everything and sends the outbox; subclasses add to it.
  virtual void serve(Tyme tyme) {
    while (std::optional<Datagram> d = channel_.receive())
      received.push_back(Received{tyme, std::move(d->peer), std::move(d->bytes)});
    while (!outbox_.empty() && channel_.send(outbox_.front().peer, outbox_.front().bytes))
      outbox_.pop_front();
  }
  void exit() override {
    if (channel_.open()) channel_.close("udp exit");
    channel_.set_waiter(nullptr);
    channel_.set_driver(nullptr);
  }

  IoHub& io_;
  Channel& channel_;
  std::deque<Datagram> outbox_;
};

// Sends `count` datagrams to `peer`, one per run every `interval`, each
// carrying its sequence number and send tyme (16 bytes), then keeps running
// to receive. Used by the statistical and determinism tests.
class Ticker final : public DatagramDoer {
 public:
  Ticker(IoHub& io, std::string_view address, std::string peer, std::uint64_t count, Tock interval,
         std::string name = "ticker")
      : DatagramDoer(io, address, {}, std::move(name)),
        peer_(std::move(peer)),
        count_(count),
        interval_(interval) {}

  static std::string payload(std::uint64_t seq, Tyme tyme) {
    std::string bytes(16, '\0');
    const auto ns = static_cast<std::uint64_t>(tyme.time_since_epoch().count());
    std::memcpy(bytes.data(), &seq, 8);
    std::memcpy(bytes.data() + 8, &ns, 8);
    return bytes;
  }
  static std::uint64_t seq_of(const std::string& bytes) {
    std::uint64_t seq = 0;
    std::memcpy(&seq, bytes.data(), 8);
    return seq;
  }
  static Tyme sent_at(const std::string& bytes) {
    std::uint64_t ns = 0;
    std::memcpy(&ns, bytes.data() + 8, 8);
    return Tyme{Tock{static_cast<std::int64_t>(ns)}};
  }
  std::uint64_t sent() const { return next_; }

 protected:
  bool recur(Tyme tyme) override {
    channel_.service();
    while (std::optional<Datagram> d = channel_.receive())
      received.push_back(Received{tyme, std::move(d->peer), std::move(d->bytes)});
    if (next_ < count_ && channel_.send(peer_, payload(next_, tyme))) ++next_;
    channel_.service();
    // Between sends it only waits for arrivals, which wake it.
    if (next_ < count_) {
      set_tock(interval_);
    } else {
      park();
    }
    return false;
  }

 private:
  std::string peer_;
  std::uint64_t count_;
  Tock interval_;
  std::uint64_t next_ = 0;
};

// Drives a serial channel: writes what was queued (as tx room allows) and
// keeps what it reads. Parks while idle.
class SerialPump final : public Doer {
 public:
  SerialPump(IoHub& io, std::string_view address, ChannelOptions options = {},
             std::string name = "serial")
      : Doer(std::move(name)), io_(io), channel_(io.connect(address, std::move(options))) {}

  Channel& channel() const { return channel_; }
  void write(std::string bytes) {
    pending_ += bytes;
    wake();
  }
  std::string read;
  bool reading = true;  // false: leave rx full (an overrun test)
  Tyme last_rx{};

 protected:
  void enter() override {
    channel_.set_waiter(this);
    channel_.set_driver(this);
  }
  bool recur(Tyme tyme) override {
    const std::uint64_t before = io_.event_count();
    channel_.service();
    if (reading && channel_.rx_size() > 0) {
      read += channel_.read();
      last_rx = tyme;
    }
    if (!pending_.empty()) pending_.erase(0, channel_.write(pending_));
    channel_.service();
    if (io_.event_count() == before) park(channel_.due());
    return false;
  }
  void exit() override {
    if (channel_.open()) channel_.close("serial exit");
    channel_.set_waiter(nullptr);
    channel_.set_driver(nullptr);
  }

 private:
  IoHub& io_;
  Channel& channel_;
  std::string pending_;
};

}  // namespace hio::test
