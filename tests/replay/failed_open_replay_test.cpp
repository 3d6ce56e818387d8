// A client that writes while its connection is still opening, whose attempt
// then fails (refused, connect_timeout, a TLS handshake that times out) and
// is not tried again: the failure keeps the bytes in tx for a next attempt
// (io.md), so its error carries none, in the recorded run and the replay
// alike. A strict replay of the unchanged run is identical. Before, the
// replay took the error as the end of those bytes, noted them again as
// written at the failing pass and, with no later tx on the channel, called
// them extra: "diverged" (xsvr16 finding 1), for sim and real captures.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/replay/replay.hpp"
#include "io_run.hpp"
#include "raw_socket.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace failed_open_replay_test {

using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms

// Connects to `address` in its first pass and writes "abc" at once (the
// channel is opening: tx keeps them); after the channel failed it runs
// `after` more passes (releasing the channel first if `releases`). Gives up
// after 2000 passes.
class EarlyWriter final : public Doer {
 public:
  EarlyWriter(IoHub& io, std::function<std::string()> address, ChannelOptions options,
              bool releases)
      : Doer("early-writer"),
        io_(io),
        address_(std::move(address)),
        options_(std::move(options)),
        releases_(releases) {}
  std::size_t written = 0;
  std::string reason;

 protected:
  bool recur(Tyme) override {
    if (passes_++ == 0) {
      channel_ = &io_.connect(address_(), options_);
      written = channel_->write("abc");
    }
    if (channel_ != nullptr) {
      channel_->service();
      if (channel_->state() == ChannelState::failed) {
        reason = channel_->reason();
        if (releases_) {
          io_.release(*channel_);
          channel_ = nullptr;
        }
      }
    }
    if (!reason.empty()) ++after_;
    return after_ > 5 || passes_ > 2000;
  }

 private:
  IoHub& io_;
  std::function<std::string()> address_;
  ChannelOptions options_;
  bool releases_;
  Channel* channel_ = nullptr;
  std::uint64_t passes_ = 0;
  int after_ = 0;
};

ReplayResult replay(const std::string& path, const std::function<std::string()>& address,
                    const ChannelOptions& options, bool releases) {
  test::ReplayRig rig(path);
  EarlyWriter writer(rig.io, address, options, releases);
  const ReplayResult r = rig.replayer.run({&writer}, nullptr);
  EXPECT_EQ(writer.written, 3u);
  return r;
}

void expect_identical(const ReplayResult& r) {
  EXPECT_TRUE(r.identical()) << format_replay_result(r)
                             << (r.divergence ? "\n" + format_divergence(*r.divergence) : "");
}

// SimNet: nothing listens on server:9 (refused); server:7 is 50 ms away and
// the client gives up after 10 ms (connect_timeout).
TEST(ReplayFailedOpen, SimFailureKeepsTheBytesWrittenWhileOpening) {
  for (const bool releases : {false, true}) {
    for (const bool times_out : {false, true}) {
      SCOPED_TRACE(std::string(times_out ? "connect_timeout" : "refused") +
                   (releases ? ", released" : ""));
      TempDir dir;
      const std::string path = dir.file("failed.hioj");
      ChannelOptions options;
      if (times_out) options.connect_timeout = Tock{10'000'000};
      const auto address = [times_out] {
        return std::string(times_out ? "sim://server:7" : "sim://server:9");
      };
      {
        LinkParams link;
        link.latency = times_out ? Tock{50'000'000} : kTock;
        test::SimRecordRig rig(kTock, 5, link);
        Journal journal(rig.doist, rig.io, path, {});
        EarlyWriter writer(rig.io, address, options, releases);
        journal.run({&writer}, seconds(1));
        EXPECT_EQ(writer.written, 3u);
        EXPECT_NE(writer.reason.find(times_out ? "timed out" : "refused"), std::string::npos)
            << writer.reason;
      }
      expect_identical(replay(path, address, options, releases));
    }
  }
}

// Real loopback: a port nobody listens on (refused).
TEST(ReplayFailedOpen, RealRefusedConnectionKeepsTheBytesWrittenWhileOpening) {
  TempDir dir;
  const std::string path = dir.file("refused.hioj");
  const std::string url = "tcp://127.0.0.1:" + std::to_string(hio::test::free_port());
  const auto address = [&url] { return url; };
  {
    test::RecordRig rig(kTock, /*real=*/true);
    JournalHeader header;
    header.mode = Mode::real;
    Journal journal(rig.doist, rig.io, path, header);
    EarlyWriter writer(rig.io, address, {}, false);
    journal.run({&writer}, seconds(8));
    EXPECT_NE(writer.reason.find("refused"), std::string::npos) << writer.reason;
  }
  expect_identical(replay(path, address, {}, false));
}

// Real loopback TLS: a plain TCP listener of the run that never answers the
// handshake, which times out after 50 ms.
TEST(ReplayFailedOpen, RealTlsHandshakeTimeoutKeepsTheBytesWrittenWhileOpening) {
  TempDir dir;
  const std::string path = dir.file("tls.hioj");
  ChannelOptions options;
  options.tls.handshake_timeout = Tock{50'000'000};
  const auto run = [&](IoHub& io, const std::function<ReplayResult(std::vector<Doer*>)>& go) {
    Channel& silent = io.listen("tcp://127.0.0.1:0");
    const auto address = [&silent] { return "tls://" + silent.local(); };
    EarlyWriter writer(io, address, options, false);
    const ReplayResult r = go({&writer});
    EXPECT_EQ(writer.written, 3u);
    EXPECT_NE(writer.reason.find("handshake"), std::string::npos) << writer.reason;
    return r;
  };
  {
    test::RecordRig rig(kTock, /*real=*/true);
    JournalHeader header;
    header.mode = Mode::real;
    Journal journal(rig.doist, rig.io, path, header);
    run(rig.io, [&](std::vector<Doer*> doers) {
      journal.run(doers, seconds(8));
      return ReplayResult{};
    });
    (void)rig.io.finish_closing();
  }
  test::ReplayRig rig(path);
  expect_identical(
      run(rig.io, [&](std::vector<Doer*> doers) { return rig.replayer.run(doers, nullptr); }));
}

}  // namespace failed_open_replay_test
}  // namespace
}  // namespace hio::replay
