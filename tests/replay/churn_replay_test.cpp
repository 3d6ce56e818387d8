// Replay memory under connection churn: a client that connects, gets an echo
// and releases its channel, hundreds of times, on SimNet. A replay kept
// state for every channel the journal ever opened (names, kinds, tx
// counters, noise state: ~200 bytes a channel strict, ~650 with noise), so a
// long capture of a busy server needed memory in proportion to its length.
// Now a channel's state is forgotten once the replay's doers released it and
// the recording closed it: what is kept follows the channels open at once.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/replay/replay.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {

using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms

// Connects `connections` times, one connection after the other: writes a
// line, reads its echo (whatever arrives first), closes and releases the
// channel.
class Churn final : public Doer {
 public:
  Churn(IoHub& io, int connections) : Doer("churn"), io_(io), connections_(connections) {}
  int done = 0;

 protected:
  bool recur(Tyme) override {
    if (channel_ == nullptr) {
      if (done == connections_) return true;
      channel_ = &io_.connect("sim://server:7");
      sent_ = false;
      echoed_ = 0;
    }
    Channel& c = *channel_;
    c.service();
    if (c.connected() && !sent_) sent_ = c.write("ping\n") == 5;
    echoed_ += c.read().size();
    if (echoed_ >= 5 || (!c.open() && sent_)) {
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
  Channel* channel_ = nullptr;
  bool sent_ = false;
  std::size_t echoed_ = 0;
};

struct ChurnScene {
  ChurnScene(IoHub& io, int connections)
      : server(io, "sim://server:7", {}, "echo"), client(io, connections) {}
  std::vector<Doer*> doers() { return {&server, &client}; }
  EchoServerDoer server;
  Churn client;
};

void add_hosts(SimNet& net) {
  net.add_host("client");
  net.add_host("server");
  LinkParams link;
  link.latency = kTock;
  net.set_link("client", "server", link);
  net.set_link("server", "client", link);
  net.set_client_host("client");
}

void capture(const std::string& path, int connections) {
  Doist doist(kTock);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  SimNet net(doist, io, {.seed = 3});
  add_hosts(net);
  JournalHeader header;
  header.scenario = "churn";
  Journal journal(doist, io, path, header);
  ChurnScene scene(io, connections);
  journal.run(scene.doers(), Tock{4'000'000'000});
  EXPECT_EQ(scene.client.done, connections);
}

struct Replayed {
  ReplayResult result;
  std::size_t kept = 0;  // Replayer::channels_kept at the end
};

Replayed replay(const std::string& path, int connections, const std::string& spec) {
  ReplayOptions options;
  if (!spec.empty()) options.noise = parse_noise_spec(spec);
  options.noise_seed = 11;
  Replayer replayer(path, options);
  Doist doist(replayer.header().tock);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  replayer.attach(doist, io);
  ChurnScene scene(io, connections);
  Replayed r;
  r.result = replayer.run(scene.doers());
  r.kept = replayer.channels_kept();
  return r;
}

TEST(ReplayChurn, WhatAReplayKeepsFollowsTheOpenChannelsNotTheJournal) {
  TempDir dir;
  for (const int connections : {30, 300}) {
    SCOPED_TRACE(connections);
    const std::string path = dir.file("churn" + std::to_string(connections) + ".hioj");
    capture(path, connections);

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
}

}  // namespace
}  // namespace hio::replay
