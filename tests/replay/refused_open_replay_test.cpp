// A program that opens a channel its transport refuses (std::invalid_argument:
// a tls:// listener without cert_file, a host the SimNet does not have),
// catches that and goes on: a replay refuses the same open, so the channels
// made after it get their recorded ids and the replay is identical. Before,
// the replay's override factory made every transport, the refused open made
// a channel, every later id shifted, and the replay diverged at pass 0
// (xsvr16 finding 9).
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/replay/replay.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace refused_open_replay_test {

using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms

// Runs 3 passes.
class Passes final : public Doer {
 public:
  Passes() : Doer("passes") {}

 protected:
  bool recur(Tyme) override { return ++passes_ >= 3; }

 private:
  int passes_ = 0;
};

// Opens `refused` (listen or connect), which must throw, then binds `bound`.
std::string open_both(IoHub& io, const std::function<void()>& refused, const std::string& bound) {
  std::string what;
  try {
    refused();
  } catch (const std::invalid_argument& e) {
    what = e.what();
  }
  (void)io.bind(bound);
  return what;
}

void expect_identical(const ReplayResult& r) {
  EXPECT_TRUE(r.identical()) << format_replay_result(r)
                             << (r.divergence ? "\n" + format_divergence(*r.divergence) : "");
}

TEST(ReplayRefusedOpen, ATlsListenerWithoutCertificateIsRefusedOnReplayToo) {
  TempDir dir;
  const std::string path = dir.file("tls.hioj");
  const auto scene = [](IoHub& io) {
    return open_both(
        io, [&io] { (void)io.listen("tls://127.0.0.1:0"); }, "udp://127.0.0.1:0");
  };
  {
    test::RecordRig rig(kTock, /*real=*/true);
    JournalHeader header;
    header.mode = Mode::real;
    Journal journal(rig.doist, rig.io, path, header);
    EXPECT_NE(scene(rig.io).find("cert_file is required"), std::string::npos);
    Passes passes;
    journal.run({&passes}, seconds(8));
    (void)rig.io.finish_closing();
  }
  test::ReplayRig rig(path);
  EXPECT_NE(scene(rig.io).find("cert_file is required"), std::string::npos);
  Passes passes;
  expect_identical(rig.replayer.run({&passes}, nullptr));
}

// A sim run's refusals are the SimNet's: the replay has them when it builds
// the same SimNet on its hub (hosts, serial lines), as the recorded run did.
TEST(ReplayRefusedOpen, AnUnknownSimHostIsRefusedOnReplayWithTheSameSimNet) {
  TempDir dir;
  const std::string path = dir.file("sim.hioj");
  const auto scene = [](IoHub& io) {
    return open_both(
        io, [&io] { (void)io.connect("sim://nohost:7"); }, "sim://client:5");
  };
  {
    test::SimRecordRig rig(kTock, 5);
    Journal journal(rig.doist, rig.io, path, {});
    EXPECT_NE(scene(rig.io).find("unknown host 'nohost'"), std::string::npos);
    Passes passes;
    journal.run({&passes}, seconds(1));
  }
  test::ReplayRig rig(path);
  SimNet net(rig.doist, rig.io, {.seed = 5});
  test::client_server(net);
  EXPECT_NE(scene(rig.io).find("unknown host 'nohost'"), std::string::npos);
  Passes passes;
  expect_identical(rig.replayer.run({&passes}, nullptr));
}

}  // namespace refused_open_replay_test
}  // namespace
}  // namespace hio::replay
