// A datagram a real udp:// channel held back for rx room when it closed is
// an error event in the journal, before the close (docs/io.md), and a strict
// replay of the capture reproduces it: identical.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/replay/replay.hpp"
#include "io_run.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace udp_held_replay_test {

using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms

ChannelOptions one_datagram() {
  ChannelOptions options;
  options.datagrams_max = 1;
  return options;
}

// A sender of two datagrams to a reader whose rx holds one; the reader's
// channel closes 50 passes after both were sent, with the second held.
struct HeldAtClose {
  HeldAtClose(Doist& doist, IoHub& io)
      : sender(io, "udp://127.0.0.1:0", {}, "sender"),
        reader(io, "udp://127.0.0.1:0", one_datagram(), "reader"),
        script(doist,
               {{"send two", [] { return true; },
                 [this] {
                   EXPECT_TRUE(sender.channel().send(reader.channel().local(), "first"));
                   EXPECT_TRUE(sender.channel().send(reader.channel().local(), "second!"));
                 }},
                {"rx full, both sent",
                 [this] { return reader.channel().rx_count() == 1 && sender.channel().flushed(); },
                 {}},
                {"the second held", [this] { return ++passes == 50; },
                 [this] { reader.channel().close("done"); }}}) {}

  std::vector<Doer*> doers() { return {&sender, &reader, &script}; }

  UdpPeerDoer sender;
  UdpPeerDoer reader;
  int passes = 0;
  hio::test::Script script;
};

TEST(ReplayUdpHeld, ADatagramHeldAtCloseIsJournaledAndReplaysIdentically) {
  TempDir dir;
  const std::string path = dir.file("held.hioj");
  JournalTrailer trailer;
  std::uint32_t reader_id = 0;
  std::string sender_local;
  {
    test::RecordRig rig(kTock, /*real=*/true);
    JournalHeader header;
    header.mode = Mode::real;
    Journal journal(rig.doist, rig.io, path, header);
    HeldAtClose c(rig.doist, rig.io);
    const std::vector<Doer*> doers = c.doers();
    EXPECT_EQ(journal.run(doers, seconds(8)), RunEnd::interrupted) << c.script.waiting_for();
    trailer = *journal.trailer();
    reader_id = c.reader.channel().id();
    sender_local = c.sender.channel().local();
  }
  std::vector<EventKind> kinds;
  std::string error;
  for (const PassRecord& p : read_journal(path).frames)
    for (const OwnedEvent& e : p.events) {
      if (e.channel != reader_id) continue;
      kinds.push_back(e.kind);
      if (e.kind == EventKind::error) error = e.text;
    }
  EXPECT_EQ(kinds, (std::vector<EventKind>{EventKind::open, EventKind::connect, EventKind::rx,
                                           EventKind::error, EventKind::close}));
  EXPECT_EQ(error, "datagram of 7 bytes from " + sender_local +
                       " discarded at close: it waited for room in rx");

  test::ReplayRig rig(path);
  HeldAtClose c(rig.doist, rig.io);
  const std::vector<Doer*> doers = c.doers();
  const ReplayResult r = rig.replayer.run(doers, nullptr);
  ASSERT_TRUE(r.identical()) << (r.divergence ? format_divergence(*r.divergence) : "");
  EXPECT_EQ(r.events, trailer.events);
  EXPECT_EQ(r.digest, trailer.digest);
}

}  // namespace udp_held_replay_test
}  // namespace
}  // namespace hio::replay
