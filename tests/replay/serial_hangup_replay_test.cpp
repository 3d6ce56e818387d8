// A real serial device that hangs up mid-run: a pseudo-terminal's slave is
// the device, and the test closes its master once hio has read a line. The
// journal holds the serial channel's close (who = remote, "device hung up",
// the words docs/io.md gives), the run goes on after it (a doer logs on for
// a few passes, and its records are journaled after the close), and a strict
// replay of the capture is identical.
#include <gtest/gtest.h>

#include <string>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/replay/replay.hpp"
#include "io_run.hpp"
#include "pty.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace serial_hangup_replay_test {

using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms
constexpr int kPassesAfter = 5;

// Plays the device on the pty's master while recording (`pty` set; null in
// the replay, where the journal delivers what the device did): sends a
// line, hangs up once hio has read it, then logs for kPassesAfter passes
// after the channel closed and stops the run.
class Device final : public Doer {
 public:
  Device(Doist& doist, Log& log, Channel& channel, hio::test::Pty* pty)
      : Doer("device"), doist_(doist), log_(log, *this), channel_(channel), pty_(pty) {}

 protected:
  bool recur(Tyme) override {
    if (pty_ != nullptr && sent_ < kLine.size()) sent_ += pty_->send(kLine.substr(sent_));
    if (channel_.open()) {
      if (pty_ != nullptr && channel_.rx_size() >= kLine.size()) pty_->close_master();
      return false;
    }
    log_.info("still running after '", channel_.reason(), "' (", ++after_, ")");
    if (after_ == kPassesAfter) doist_.request_stop();
    return false;
  }

 private:
  static constexpr std::string_view kLine = "hello\n";
  Doist& doist_;
  Logger log_;
  Channel& channel_;
  hio::test::Pty* pty_;
  std::size_t sent_ = 0;
  int after_ = 0;
};

TEST(ReplaySerialHangup, APtyWhoseMasterClosesMidRunJournalsTheHangupAndReplays) {
  TempDir dir;
  const std::string path = dir.file("hangup.hioj");
  hio::test::Pty pty;
  const std::string url = pty.url(9600);
  JournalTrailer trailer;
  {
    test::RecordRig rig(kTock, /*real=*/true);
    Log log;
    log.attach(&rig.io);
    JournalHeader header;
    header.mode = Mode::real;
    header.scenario = "serial hang-up";
    Journal journal(rig.doist, rig.io, path, header);
    SerialDoer serial(rig.io, url);
    ASSERT_TRUE(serial.channel().connected()) << serial.channel().reason();
    Device device(rig.doist, log, serial.channel(), &pty);
    EXPECT_EQ(journal.run({&serial, &device}, seconds(5)), RunEnd::interrupted);
    trailer = *journal.trailer();
  }

  // The journal: the line, then the close (who = remote) and after it, in
  // later passes, the device's records: the run went on.
  std::string rx;
  const OwnedEvent* close = nullptr;
  std::uint64_t close_pass = 0;
  std::uint64_t last_record_pass = 0;
  int records_after = 0;
  const JournalContents contents = read_journal(path);
  for (const PassRecord& p : contents.frames) {
    for (const OwnedEvent& e : p.events) {
      if (e.kind == EventKind::rx) rx += e.bytes;
      if (e.kind == EventKind::close) {
        EXPECT_EQ(close, nullptr) << "a second close";
        close = &e;
        close_pass = p.pass;
      }
      if (e.kind == EventKind::log && close != nullptr) {
        ++records_after;
        last_record_pass = p.pass;
      }
    }
  }
  EXPECT_EQ(rx, "hello\n");
  ASSERT_NE(close, nullptr);
  EXPECT_EQ(close->who, CloseWho::remote);
  // Linux reports a pty whose master closed as end of file or as EIO.
  EXPECT_EQ(close->text.rfind("device hung up", 0), 0u) << close->text;
  EXPECT_EQ(records_after, kPassesAfter);
  EXPECT_GE(last_record_pass, close_pass + kPassesAfter - 1);  // one a pass

  // A strict replay, in virtual time, is identical.
  test::ReplayRig rig(path);
  rig.doist.set_skip(true);
  Log log;
  log.attach(&rig.io);
  SerialDoer serial(rig.io, url);
  Device device(rig.doist, log, serial.channel(), nullptr);
  const ReplayResult r = rig.replayer.run({&serial, &device}, nullptr);
  ASSERT_TRUE(r.identical()) << (r.divergence ? format_divergence(*r.divergence) : "");
  EXPECT_EQ(r.events, trailer.events);
  EXPECT_EQ(r.digest, trailer.digest);
}

}  // namespace serial_hangup_replay_test
}  // namespace
}  // namespace hio::replay
