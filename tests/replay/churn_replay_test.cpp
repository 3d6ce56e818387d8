// Replay memory under connection churn: a client that connects, gets an echo
// and releases its channel, hundreds of times, on SimNet. A replay kept
// state for every channel the journal ever opened (names, kinds, tx
// counters, noise state: ~200 bytes a channel strict, ~650 with noise), so a
// long capture of a busy server needed memory in proportion to its length.
// Now a channel's state is forgotten once the replay's doers released it and
// the recording closed it: what is kept follows the channels open at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/replay/replay.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace churn_replay_test {

using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms

// Connects `connections` times, one connection after the other: writes a
// line, reads its echo (whatever arrives first, or nothing for 20 ms: noise
// may drop it), writes `tail` bytes more after an echo (its close discards
// them unsent), closes and releases the channel.
class Churn final : public Doer {
 public:
  Churn(IoHub& io, int connections, std::size_t tail)
      : Doer("churn"), io_(io), connections_(connections), tail_(tail) {}
  int done = 0;

 protected:
  bool recur(Tyme tyme) override {
    if (channel_ == nullptr) {
      if (done == connections_) return true;
      channel_ = &io_.connect("sim://server:7");
      until_ = tyme + Tock{20'000'000};
      sent_ = false;
      echoed_ = 0;
    }
    Channel& c = *channel_;
    c.service();
    if (c.connected() && !sent_) sent_ = c.write("ping\n") == 5;
    echoed_ += c.read().size();
    if (echoed_ >= 5 || (!c.open() && sent_) || tyme >= until_) {
      if (echoed_ >= 5 && tail_ > 0 && c.open()) (void)c.write(std::string(tail_, 'x'));
      if (c.open()) c.close("done");
      io_.release(c);
      channel_ = nullptr;
      ++done;
    }
    return false;
  }

 private:
  IoHub& io_;
  int connections_;
  std::size_t tail_;
  Channel* channel_ = nullptr;
  bool sent_ = false;
  std::size_t echoed_ = 0;
  Tyme until_{};
};

struct ChurnScene {
  ChurnScene(IoHub& io, int connections, std::size_t tail = 0)
      : server(io, "sim://server:7", {}, "echo"), client(io, connections, tail) {}
  std::vector<Doer*> doers() { return {&server, &client}; }
  EchoServerDoer server;
  Churn client;
};

// A ChurnScene whose client writes 4 KiB after each echo, unsent at its close.
struct TailChurnScene : ChurnScene {
  TailChurnScene(IoHub& io, int connections) : ChurnScene(io, connections, 4096) {}
};

// Datagrams: binds a channel of its own `rounds` times, one after the other,
// sends two requests to server:7, takes the answers that come within 20 ms
// (noise may drop or add some), closes and releases the channel.
class DatagramChurn final : public Doer {
 public:
  DatagramChurn(IoHub& io, int rounds) : Doer("datagram-churn"), io_(io), rounds_(rounds) {}
  int done = 0;

 protected:
  bool recur(Tyme tyme) override {
    if (channel_ == nullptr) {
      if (done == rounds_) return true;
      channel_ = &io_.bind("sim://client:" + std::to_string(5000 + done));
      until_ = tyme + Tock{20'000'000};
      sent_ = 0;
    }
    Channel& c = *channel_;
    c.service();
    while (c.receive()) {
    }
    if (sent_ < 2 &&
        c.send("server:7", "request " + std::to_string(done) + "." + std::to_string(sent_)))
      ++sent_;
    if (tyme >= until_ || !c.open()) {
      if (c.open()) c.close("done");
      io_.release(c);
      channel_ = nullptr;
      ++done;
    }
    return false;
  }

 private:
  IoHub& io_;
  int rounds_;
  int sent_ = 0;
  Tyme until_{};
  Channel* channel_ = nullptr;
};

// Answers every datagram with its own bytes.
class DatagramEcho final : public UdpPeerDoer {
 public:
  explicit DatagramEcho(IoHub& io) : UdpPeerDoer(io, "sim://server:7", {}, "echo") {}

 protected:
  void serve(Channel& channel) override {
    while (std::optional<Datagram> d = channel.receive())
      (void)channel.send(d->peer, d->bytes);
  }
};

struct DatagramScene {
  DatagramScene(IoHub& io, int rounds) : server(io), client(io, rounds) {}
  std::vector<Doer*> doers() { return {&server, &client}; }
  DatagramEcho server;
  DatagramChurn client;
};

LinkParams one_tock_link() {
  LinkParams link;
  link.latency = kTock;
  return link;
}

template <class Scene = ChurnScene>
void capture(const std::string& path, int connections) {
  test::SimRecordRig rig(kTock, 3, one_tock_link());
  JournalHeader header;
  header.scenario = "churn";
  Journal journal(rig.doist, rig.io, path, header);
  Scene scene(rig.io, connections);
  journal.run(scene.doers(), Tock{4'000'000'000});
  EXPECT_EQ(scene.client.done, connections);
}

struct Replayed {
  ReplayResult result;
  std::size_t kept = 0;  // Replayer::channels_kept at the end
};

template <class Scene = ChurnScene>
Replayed replay(const std::string& path, int connections, const std::string& spec,
                std::uint64_t seed = 11, bool forget = true) {
  ReplayOptions options;
  if (!spec.empty()) options.noise = parse_noise_spec(spec);
  options.noise_seed = seed;
  options.forget_finished_channels = forget;
  test::ReplayRig rig(path, options);
  Scene scene(rig.io, connections);
  Replayed r;
  r.result = rig.replayer.run(scene.doers());
  r.kept = rig.replayer.channels_kept();
  return r;
}

// A churn journal replayed strictly and with noise: what the replay keeps
// follows the channels open at once.
void expect_kept_follows_open_channels(const std::string& path, int connections) {
  const Replayed strict = replay(path, connections, "");
  ASSERT_TRUE(strict.result.identical())
      << (strict.result.divergence ? format_divergence(*strict.result.divergence) : "");
  // The listener, the last connection's two ends (the client released
  // it; the server's end closes at the exit), and a few addresses: not
  // 2 x connections.
  EXPECT_LE(strict.kept, 8u);

  // Noise that changes what the server echoes (duplicated and corrupted
  // pings), not when the client goes on: its tx is compared, and some is
  // held back by the credit and discarded at the close - counted as
  // before, for the channels forgotten on the way too.
  const Replayed noisy = replay(path, connections, "dup=0.3,corrupt=0.3");
  ASSERT_EQ(noisy.result.status, ReplayStatus::perturbed);
  const NoiseStats& n = noisy.result.noise;
  EXPECT_GT(n.duplicated, 0u) << format_noise_stats(n);
  EXPECT_GT(n.tx_mismatches, 0u) << format_noise_stats(n);
  EXPECT_GT(n.tx_credit_held_bytes, 0u) << format_noise_stats(n);
  EXPECT_EQ(n.undelivered, 0u) << format_noise_stats(n);
  EXPECT_LE(noisy.kept, 8u);
}

TEST(ReplayChurn, WhatAReplayKeepsFollowsTheOpenChannelsNotTheJournal) {
  TempDir dir;
  for (const int connections : {30, 300}) {
    SCOPED_TRACE(connections);
    const std::string path = dir.file("churn" + std::to_string(connections) + ".hioj");
    capture(path, connections);

    expect_kept_follows_open_channels(path, connections);
  }
}

// The churn journal as a journal written before exits were marked would be
// (its header's exit_marked false, its exit frames plain frames). Only for
// such a journal the replay keeps the recorded channels still open, to guess
// whether its last frame was the exit (Feed::recorded_open).
void without_exit_marks(const std::string& from, const std::string& to) {
  const JournalContents c = read_journal(from);
  JournalHeader header = *c.header;
  header.exit_marked = false;
  JournalWriter writer(to);
  writer.write_header(header);
  for (const PassRecord& p : c.frames) {
    std::vector<ChannelEvent> views;
    for (const OwnedEvent& e : p.events)
      views.push_back(e.view());
    writer.write_pass(p.tyme, views, /*exit=*/false);
  }
  const JournalTrailer& t = *c.trailer;
  writer.finish(
      RunSummary{t.passes, t.end_tyme, t.end, t.end_text, t.stop_signal, t.ended_at_pass});
}

// The recorded channels kept open for that guess follow the channels open
// at once too, not the journal's connections (docs/performance.md, "Replay
// memory under connection churn").
TEST(ReplayChurn, AJournalWithoutExitMarksKeepsNoMoreEither) {
  TempDir dir;
  const int connections = 300;
  const std::string marked = dir.file("marked.hioj");
  const std::string path = dir.file("unmarked.hioj");
  capture(marked, connections);
  without_exit_marks(marked, path);
  ASSERT_FALSE(read_journal(path).header->exit_marked);
  expect_kept_follows_open_channels(path, connections);
}

// The churn journal as a capture of the client alone would be (its server
// outside the run, as in a real capture of a client talking to a remote
// service): the server's channels left out, the client's renumbered as its
// hub would have numbered them, and the events' seqs too. No channel's peer
// is then another channel's address, so the replay keeps the addresses it
// notes for ReplayResult::doers_on_both_ends.
void client_alone(const std::string& from, const std::string& to) {
  const JournalContents c = read_journal(from);
  std::map<std::uint32_t, std::uint32_t> id;  // the client's channels, renumbered
  JournalHeader header = *c.header;
  header.channels.clear();
  JournalWriter writer(to);
  writer.write_header(header);
  std::uint64_t seq = 0;
  for (const PassRecord& p : c.frames) {
    std::vector<OwnedEvent> kept;
    for (OwnedEvent e : p.events) {
      if (e.kind == EventKind::open && e.channel_kind == ChannelKind::stream &&
          e.peer == "sim://server:7")
        id.emplace(e.channel, static_cast<std::uint32_t>(id.size() + 1));
      const auto it = id.find(e.channel);
      if (it == id.end()) continue;
      e.channel = it->second;
      e.seq = seq++;
      kept.push_back(std::move(e));
    }
    if (kept.empty()) continue;
    std::vector<ChannelEvent> views;
    for (const OwnedEvent& e : kept)
      views.push_back(e.view());
    writer.write_pass(p.tyme, views, p.exit);
  }
  const JournalTrailer& t = *c.trailer;
  writer.finish(
      RunSummary{t.passes, t.end_tyme, t.end, t.end_text, t.stop_signal, t.ended_at_pass});
}

// The client alone, replayed.
struct ClientScene {
  ClientScene(IoHub& io, int connections) : client(io, connections, 0) {}
  std::vector<Doer*> doers() { return {&client}; }
  Churn client;
};

// The addresses a replay notes for doers_on_both_ends (each channel's local
// address and the peers it talked to) are forgotten with their channel: a
// capture of a client that connected 600 times to a server outside the run
// kept 1200 of them to the end (its 600 local ports and 600 (peer, channel)
// pairs: the peers up to a cap of 4096, the local ports with no cap before
// it), now those of the channels open at once.
TEST(ReplayChurn, TheAddressesKeptFollowTheOpenChannels) {
  TempDir dir;
  for (const int connections : {30, 600}) {
    SCOPED_TRACE(connections);
    const std::string path = dir.file("churn" + std::to_string(connections) + ".hioj");
    capture(path, connections);
    const std::string alone = dir.file("alone" + std::to_string(connections) + ".hioj");
    client_alone(path, alone);
    const Replayed strict = replay<ClientScene>(alone, connections, "");
    ASSERT_TRUE(strict.result.identical())
        << (strict.result.divergence ? format_divergence(*strict.result.divergence) : "");
    EXPECT_FALSE(strict.result.doers_on_both_ends);
    EXPECT_LE(strict.kept, 4u);
    const Replayed noisy = replay<ClientScene>(alone, connections, "dup=0.3,corrupt=0.3");
    ASSERT_EQ(noisy.result.status, ReplayStatus::perturbed);
    EXPECT_LE(noisy.kept, 4u);
  }
  // Both ends in the run: said as before.
  const Replayed both = replay(dir.file("churn30.hioj"), 30, "");
  EXPECT_TRUE(both.result.doers_on_both_ends);
}

// Everything a replay reports, as text: equal texts, equal results.
std::string summary(const ReplayResult& r) {
  const NoiseStats& n = r.noise;
  const std::array<std::uint64_t, 17> counts{n.rx_seen,
                                             n.dropped,
                                             n.delayed,
                                             n.duplicated,
                                             n.corrupted,
                                             n.reordered,
                                             n.undelivered,
                                             n.stalled_dropped,
                                             n.tx_mismatches,
                                             n.tx_missing_bytes,
                                             n.tx_extra_bytes,
                                             n.tx_datagrams_missing,
                                             n.tx_datagrams_extra,
                                             n.tx_credit_held_bytes,
                                             n.tx_credit_released_bytes,
                                             r.passes,
                                             r.events};
  std::string out = "status " + std::to_string(static_cast<int>(r.status)) + " digest " +
                    std::to_string(r.digest) + " counts";
  for (const std::uint64_t c : counts)
    out += " " + std::to_string(c);
  if (n.first_tx_mismatch) out += "; first mismatch " + format_divergence(*n.first_tx_mismatch);
  if (r.divergence) out += "; divergence " + format_divergence(*r.divergence);
  return out;
}

TEST(ReplayChurn, ForgettingFinishedChannelsChangesNoResult) {
  // The same noise replays with the channels forgotten on the way and kept
  // to the end (ReplayOptions::forget_finished_channels, a test hook): the
  // same results, to the byte and datagram, on streams and datagrams.
  TempDir dir;
  const std::vector<std::string> specs = {
      "",
      "drop=0.3",
      "dup=0.3,corrupt=0.3",
      "delay=0-30ms,delay_p=0.5,reorder=0.3",
      "drop=0.1,delay=0-20ms,delay_p=0.2,dup=0.1,corrupt=0.1,reorder=0.1",
  };
  NoiseStats seen;  // the largest of each count: what the comparisons covered
  const auto compare = [&](const std::string& path, int rounds, const auto& replay_one) {
    for (const std::string& spec : specs) {
      for (const std::uint64_t seed : {std::uint64_t{1}, std::uint64_t{7}}) {
        SCOPED_TRACE("noise '" + spec + "' seed " + std::to_string(seed));
        const Replayed forgetting = replay_one(path, rounds, spec, seed, true);
        const Replayed keeping = replay_one(path, rounds, spec, seed, false);
        EXPECT_EQ(summary(forgetting.result), summary(keeping.result));
        // Channels were forgotten (noise that holds some back keeps those
        // to the end), and the hook keeps those of every round.
        EXPECT_LT(forgetting.kept, keeping.kept);
        EXPECT_GE(keeping.kept, static_cast<std::size_t>(rounds));
        const NoiseStats& n = forgetting.result.noise;
        seen.undelivered = std::max(seen.undelivered, n.undelivered);
        seen.tx_mismatches = std::max(seen.tx_mismatches, n.tx_mismatches);
        seen.tx_missing_bytes = std::max(seen.tx_missing_bytes, n.tx_missing_bytes);
        seen.tx_extra_bytes = std::max(seen.tx_extra_bytes, n.tx_extra_bytes);
        seen.tx_datagrams_missing = std::max(seen.tx_datagrams_missing, n.tx_datagrams_missing);
        seen.tx_datagrams_extra = std::max(seen.tx_datagrams_extra, n.tx_datagrams_extra);
        seen.tx_credit_held_bytes = std::max(seen.tx_credit_held_bytes, n.tx_credit_held_bytes);
      }
    }
  };
  const std::string streams = dir.file("streams.hioj");
  capture<ChurnScene>(streams, 40);
  compare(streams, 40, replay<ChurnScene>);
  const std::string tails = dir.file("tails.hioj");
  capture<TailChurnScene>(tails, 40);
  compare(tails, 40, replay<TailChurnScene>);
  const std::string datagrams = dir.file("datagrams.hioj");
  capture<DatagramScene>(datagrams, 40);
  compare(datagrams, 40, replay<DatagramScene>);
  // Every count that forgetting tallies early was there to compare.
  EXPECT_GT(seen.undelivered, 0u) << format_noise_stats(seen);
  EXPECT_GT(seen.tx_mismatches, 0u) << format_noise_stats(seen);
  EXPECT_GT(seen.tx_missing_bytes, 0u) << format_noise_stats(seen);
  EXPECT_GT(seen.tx_extra_bytes, 0u) << format_noise_stats(seen);
  EXPECT_GT(seen.tx_datagrams_missing, 0u) << format_noise_stats(seen);
  EXPECT_GT(seen.tx_datagrams_extra, 0u) << format_noise_stats(seen);
  EXPECT_GT(seen.tx_credit_held_bytes, 0u) << format_noise_stats(seen);
}

}  // namespace churn_replay_test
}  // namespace
}  // namespace hio::replay
