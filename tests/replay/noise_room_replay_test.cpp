// A noise replay's work on the datagrams that wait for room in their
// channel's rx: with dup, a reader slower than its input leaves a backlog of
// datagrams held for room that grows with the run. release_held looked at
// every one of them at every pump of the feed, a few times a pass (none fit:
// the rx buffer was full), so a replay four times as long did sixteen times
// the work. Now a channel's first datagram without room stands for the
// others, which are looked at only while the channel may take one, and then
// only the first that fits (of mixed sizes too). Counted
// (Replayer::noise_held_looked_at), not timed.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/io/udp_peer_doer.hpp"
#include "hio/replay/replay.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace noise_room_replay_test {

using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms
constexpr int kDatagrams = 2'000;

// Sends kDatagrams to server:7, one a pass.
class Sender final : public UdpPeerDoer {
 public:
  explicit Sender(IoHub& io) : UdpPeerDoer(io, "sim://client:5", {}, "sender") {}

 protected:
  void serve(Channel& channel) override {
    if (sent_ < kDatagrams && channel.send("server:7", "datagram " + std::to_string(sent_))) {
      ++sent_;
    }
    if (sent_ < kDatagrams) rerun();
  }

 private:
  int sent_ = 0;
};

// Reads one datagram every 10 passes from an rx of 4.
ChannelOptions four_datagrams() {
  ChannelOptions o;
  o.datagrams_max = 4;
  return o;
}

class SlowReader final : public UdpPeerDoer {
 public:
  explicit SlowReader(IoHub& io) : UdpPeerDoer(io, "sim://server:7", four_datagrams(), "reader") {}

 protected:
  void serve(Channel& channel) override {
    if (++runs_ % 10 == 0) (void)channel.receive();
    rerun();
  }

 private:
  std::uint64_t runs_ = 0;
};

struct Scene {
  explicit Scene(IoHub& io) : reader(io), sender(io) {}
  std::vector<Doer*> doers() { return {&reader, &sender}; }
  SlowReader reader;
  Sender sender;
};

// Records a run of scene S (made with `args` after the hub) until `limit`.
template <class S, class... Args>
void record(const std::string& path, const char* what, Tock limit, Args... args) {
  test::SimRecordRig rig(kTock, 1);
  JournalHeader header;
  header.scenario = what;
  Journal journal(rig.doist, rig.io, path, header);
  S scene(rig.io, args...);
  journal.run(scene.doers(), limit);
}

// The held rx looked at by a dup=1 noise replay of `path` stopped at `limit`.
template <class S = Scene, class... Args>
std::uint64_t held_looked_at(const std::string& path, Tock limit, NoiseStats* stats, Args... args) {
  ReplayOptions options;
  options.noise = parse_noise_spec("dup=1");
  options.noise_seed = 0;
  test::ReplayRig rig(path, options, limit);
  S scene(rig.io, args...);
  const ReplayResult r = rig.replayer.run(scene.doers(), nullptr);
  if (stats != nullptr) *stats = r.noise;
  return rig.replayer.noise_held_looked_at();
}

TEST(ReplayNoiseRoom, TheWorkOnDatagramsWaitingForRoomFollowsTheRunNotItsSquare) {
  TempDir dir;
  const std::string path = dir.file("slow.hioj");
  // 2,000 reads take 20 s.
  record<Scene>(path, "slow datagram reader", Tock{21'000'000'000});
  NoiseStats stats;
  const std::uint64_t short_run = held_looked_at(path, Tock{5'000'000'000}, nullptr);
  const std::uint64_t long_run = held_looked_at(path, Tock{20'000'000'000}, &stats);
  // Every rx twice, into an rx the reader empties at the recorded pace: the
  // duplicates pile up, about one more every 10 passes (held at the limit's
  // stop, which counts none undelivered).
  ASSERT_GT(stats.duplicated, 1'900u) << format_noise_stats(stats);
  // A pump, a few times a pass, looks once at the channel's first datagram
  // without room and once more at each datagram it delivers or holds: a few
  // times the passes and the datagrams. Looked at at every pump, the backlog
  // made it 80 million (5.5 million at 5 s), growing as the run's square.
  const std::uint64_t bound = 8 * (20'000 + stats.rx_seen + stats.duplicated);
  EXPECT_LT(long_run, bound) << short_run << " then " << long_run << "; "
                             << format_noise_stats(stats);
  // Four times the run: about four times the work (sixteen before).
  EXPECT_LT(long_run, 6 * short_run) << short_run << " then " << long_run;
}

// Datagrams of two sizes into an rx of bytes (not of a count): a big one that
// finds no room holds the channel's datagrams behind it, and the first of them
// that fits is delivered (RoomWait's candidate), then the next, while the
// channel has room for the smallest. Each size keeps its order (a datagram
// never overtakes an earlier one of its size: it would have had room first),
// and every datagram, both copies, reaches the reader that drains its rx.
constexpr int kMixed = 200;

std::string mixed_datagram(int i) {
  const std::string label = std::to_string(i) + (i % 3 == 0 ? " big" : " small");
  return i % 3 == 0 ? label + std::string(300, '.') : label;
}

// Sends `count` datagrams to server:7, one a pass, a big one in three.
class MixedSender final : public UdpPeerDoer {
 public:
  explicit MixedSender(IoHub& io, int count = kMixed)
      : UdpPeerDoer(io, "sim://client:5", {}, "sender"), count_(count) {}

 protected:
  void serve(Channel& channel) override {
    if (sent_ < count_ && channel.send("server:7", mixed_datagram(sent_))) ++sent_;
    if (sent_ < count_) rerun();
  }

 private:
  int count_;
  int sent_ = 0;
};

ChannelOptions thousand_bytes() {
  ChannelOptions o;
  o.rx_bytes_max = 1000;
  o.datagram_bytes_max = 400;
  return o;
}

// Reads one datagram every 3 passes until the last of `count` is long read.
class DrainingReader final : public UdpPeerDoer {
 public:
  explicit DrainingReader(IoHub& io, int count = kMixed)
      : UdpPeerDoer(io, "sim://server:7", thousand_bytes(), "reader"),
        runs_max_(std::uint64_t{3 * 4} * static_cast<std::uint64_t>(count)) {}
  std::vector<std::string> read;

 protected:
  void serve(Channel& channel) override {
    if (++runs_ % 3 == 0) {
      if (std::optional<Datagram> d = channel.receive()) read.push_back(d->bytes);
    }
    if (runs_ < runs_max_) rerun();
  }

 private:
  std::uint64_t runs_max_;
  std::uint64_t runs_ = 0;
};

struct MixedScene {
  explicit MixedScene(IoHub& io, int count = kMixed) : reader(io, count), sender(io, count) {}
  std::vector<Doer*> doers() { return {&reader, &sender}; }
  DrainingReader reader;
  MixedSender sender;
};

TEST(ReplayNoiseRoom, DatagramsOfMixedSizesWaitingForBytesKeepTheirOrderAndAllArrive) {
  TempDir dir;
  const std::string path = dir.file("mixed.hioj");
  std::vector<std::string> recorded;
  {
    test::SimRecordRig rig(kTock, 1);
    JournalHeader header;
    header.scenario = "mixed datagram sizes";
    Journal journal(rig.doist, rig.io, path, header);
    MixedScene scene(rig.io);
    journal.run(scene.doers(), Tock{3'000'000'000});
    recorded = scene.reader.read;
  }
  ReplayOptions options;
  options.noise = parse_noise_spec("dup=1");
  options.noise_seed = 0;
  test::ReplayRig rig(path, options, Tock{0});
  MixedScene scene(rig.io);
  const ReplayResult r = rig.replayer.run(scene.doers(), nullptr);
  ASSERT_GT(r.noise.duplicated, 100u) << format_noise_stats(r.noise);
  EXPECT_EQ(r.noise.undelivered, 0u) << format_noise_stats(r.noise);
  // Every datagram the recorded reader read, twice; each size in order.
  std::map<std::string, int> copies;
  int last_big = -1;
  int last_small = -1;
  bool small_overtook = false;
  for (const std::string& d : scene.reader.read) {
    ++copies[d];
    const int i = std::stoi(d);
    int& last = i % 3 == 0 ? last_big : last_small;
    EXPECT_GE(i, last) << d.substr(0, 12) << " after " << last;
    last = i;
    if (i % 3 != 0 && i > last_big + 3) small_overtook = true;
  }
  EXPECT_TRUE(small_overtook) << "no small datagram passed a big one waiting for room";
  ASSERT_FALSE(recorded.empty());
  EXPECT_EQ(scene.reader.read.size(), 2 * recorded.size());
  for (const std::string& d : recorded)
    EXPECT_EQ(copies[d], 2) << d.substr(0, 12);
}

// With sizes mixed, the datagrams that wait for room and do not fit are not
// looked at again while there is no room for them: at each pump the first
// that fits is found among them (FirstFitQueue), not by looking at each big
// one ahead of it. Looked at one by one, the big ones piling up ahead of the
// small ones that fit made the work grow as the square of the backlog.
TEST(ReplayNoiseRoom, TheWorkOnMixedSizesWaitingForRoomFollowsTheRunNotItsSquare) {
  constexpr int kCount = 6'000;
  TempDir dir;
  const std::string path = dir.file("mixed_long.hioj");
  record<MixedScene>(path, "mixed datagram sizes, a long run", Tock{20'000'000'000}, kCount);
  NoiseStats stats;
  const std::uint64_t short_run =
      held_looked_at<MixedScene>(path, Tock{4'000'000'000}, nullptr, kCount);
  const std::uint64_t long_run =
      held_looked_at<MixedScene>(path, Tock{16'000'000'000}, &stats, kCount);
  RecordProperty("looked_at_4s", std::to_string(short_run));
  RecordProperty("looked_at_16s", std::to_string(long_run));
  // Every rx twice, into an rx the reader empties at the recorded pace.
  ASSERT_GT(stats.duplicated, 3'500u) << format_noise_stats(stats);
  // A few looks per pass and per datagram, as for one size (above). The big
  // ones looked at one by one ahead of the first that fits made it 6.5
  // million (373,000 at 4 s), growing as the run's square.
  const std::uint64_t bound = 8 * (16'000 + stats.rx_seen + stats.duplicated);
  EXPECT_LT(long_run, bound) << short_run << " then " << long_run << "; "
                             << format_noise_stats(stats);
  EXPECT_LT(long_run, 6 * short_run) << short_run << " then " << long_run;
}

}  // namespace noise_room_replay_test
}  // namespace
}  // namespace hio::replay
