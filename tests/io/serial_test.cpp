// Real serial IO through a pseudo-terminal pair (openpty): hio opens the
// slave as serial://, the test plays the device on the master. Bytes both
// ways at a given baud with the line raw 8N1, a console reading lines longer
// than the channel's buffer, a hangup, and the errors of a missing device
// and of a device in use; a close that lets the write in flight finish, and
// the settings given back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "io_run.hpp"
#include "pty.hpp"
#include "recording_sink.hpp"
#include "test_doers.hpp"

namespace hio {
// Readable failure messages.
inline void PrintTo(const ConsoleLine& line, std::ostream* os) {
  *os << (line.partial ? "piece \"" : "line \"") << line.text << '"';
}
}  // namespace hio

namespace hio::test {
namespace {
namespace serial_test {

using ::testing::ElementsAre;

// Every byte value, four times: raw mode must pass all of them unchanged
// (CR, LF, ^C, ^D, ^S, DEL, bytes with the 8th bit set).
std::string all_bytes() {
  std::string bytes;
  for (int round = 0; round < 4; ++round)
    for (int b = 0; b < 256; ++b)
      bytes.push_back(static_cast<char>(b));
  return bytes;
}

TEST(IoSerial, BytesGoBothWaysRawAt9600Baud) {
  Pty pty;
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  SerialDoer serial(run.io, pty.url(9600));
  Channel& channel = serial.channel();
  ASSERT_TRUE(channel.connected()) << channel.reason();
  EXPECT_EQ(channel.peer(), pty.path());
  EXPECT_EQ(channel.address().baud, 9600u);

  // The line as hio left it: 9600 baud, 8N1, no flow control, raw.
  const termios t = pty.settings();
  EXPECT_EQ(cfgetospeed(&t), static_cast<speed_t>(B9600));
  EXPECT_EQ(cfgetispeed(&t), static_cast<speed_t>(B9600));
  EXPECT_EQ(t.c_cflag & CSIZE, static_cast<tcflag_t>(CS8));
  EXPECT_EQ(t.c_cflag & (PARENB | CSTOPB | CRTSCTS), 0u);
  EXPECT_EQ(t.c_lflag & (ICANON | ECHO | ISIG | IEXTEN), 0u);
  EXPECT_EQ(t.c_oflag & OPOST, 0u);
  EXPECT_EQ(t.c_iflag & (ICRNL | INLCR | IGNCR | IXON | IXOFF | ISTRIP), 0u);

  const std::string payload = all_bytes();
  std::string to_device = payload;
  std::size_t written = 0;
  std::string device_got;
  Script script(run.doist, {{"both ways",
                             [&] {
                               to_device.erase(0, pty.send(to_device));
                               written += channel.write(std::string_view(payload).substr(written));
                               device_got += pty.receive();
                               return channel.rx_size() == payload.size() &&
                                      device_got.size() == payload.size();
                             },
                             {}}});
  EXPECT_EQ(run.doist.run({&serial, &script}), RunEnd::interrupted)
      << "stuck with " << channel.rx_size() << " in and " << device_got.size() << " out";
  EXPECT_TRUE(channel.peek() == payload);
  EXPECT_TRUE(device_got == payload);
  EXPECT_TRUE(sink.stream(EventKind::rx, channel.id()) == payload);
  EXPECT_TRUE(sink.stream(EventKind::tx, channel.id()) == payload);
  EXPECT_EQ(sink.count(EventKind::error), 0u);
  EXPECT_EQ(sink.first(EventKind::close, channel.id())->text, "serial exit");
}

TEST(IoSerial, AConsoleReadsLinesLongerThanItsBufferAndSeesTheHangup) {
  Pty pty;
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  ChannelOptions small;
  small.rx_bytes_max = 16;  // far shorter than the lines
  SerialDoer serial(run.io, pty.url(115200), small);
  ConsoleOptions options;
  options.line_bytes_max = 64;
  ConsoleDoer console(serial.channel(), options);
  const std::string a50(50, 'a');
  const std::string b150(150, 'b');
  std::string text = "short\r\n" + a50 + "\n" + b150 + "\rtail";
  const std::size_t total = text.size();
  std::vector<ConsoleLine> lines;
  auto take = [&] {
    while (auto line = console.take_line())
      lines.push_back(*line);
  };
  std::string device_got;
  Script script(run.doist, {{"all read by hio",
                             [&] {
                               text.erase(0, pty.send(text));
                               take();
                               return sink.stream(EventKind::rx, serial.channel().id()).size() ==
                                      total;
                             },
                             [&] { EXPECT_TRUE(console.write_line("ok")); }},
                            {"reply at the device",
                             [&] {
                               device_got += pty.receive();
                               return device_got == "ok\n";
                             },
                             [&] { pty.close_master(); }},
                            {"hangup", [&] { return !serial.channel().open(); }, {}},
                            {"last line",
                             [&] {
                               take();
                               return lines.size() == 6;
                             },
                             {}}});
  EXPECT_EQ(run.doist.run({&serial, &console, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for() << " with " << lines.size() << " lines";
  EXPECT_THAT(lines, ElementsAre(ConsoleLine{"short", false}, ConsoleLine{a50, false},
                                 ConsoleLine{b150.substr(0, 64), true},
                                 ConsoleLine{b150.substr(64, 64), true},
                                 ConsoleLine{b150.substr(128), false}, ConsoleLine{"tail", false}));
  const Recorded* close = sink.first(EventKind::close, serial.channel().id());
  ASSERT_NE(close, nullptr);
  EXPECT_EQ(close->who, CloseWho::remote);
  // Linux reports a pty whose master closed as end of file or as EIO.
  EXPECT_THAT(close->text, ::testing::StartsWith("device hung up"));
}

TEST(IoSerial, AMissingDeviceAndADeviceInUseAreClearErrors) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  SerialDoer missing(run.io, "serial:///dev/hio-no-such-tty?baud=9600", {}, "missing");
  EXPECT_EQ(missing.channel().state(), ChannelState::failed);
  EXPECT_EQ(missing.channel().reason(),
            "cannot open serial device /dev/hio-no-such-tty: No such file or directory");
  // A file that is no terminal: said so, not as tcgetattr's ENOTTY
  // ("Inappropriate ioctl for device").
  SerialDoer null_device(run.io, "serial:///dev/null?baud=9600", {}, "null");
  EXPECT_EQ(null_device.channel().reason(),
            "cannot open serial device /dev/null: it is not a terminal, so not a serial device");
  // One opener: a second open of a device in use (another hio, picocom) is
  // refused, not given part of the bytes (unfixed: both connected).
  Pty pty;
  SerialDoer first(run.io, pty.url(9600), {}, "first");
  ASSERT_TRUE(first.channel().connected()) << first.channel().reason();
  SerialDoer second(run.io, pty.url(9600), {}, "second");
  EXPECT_EQ(second.channel().state(), ChannelState::failed);
  // The first's TIOCEXCL refuses the open, except to root, who meets its
  // flock then; either is said as "in use" (unfixed, for any user but root:
  // "Device or resource busy (another program has it open exclusively)",
  // though the opener was another doer of this program).
  EXPECT_EQ(
      second.channel().reason(),
      "cannot open serial device " + pty.path() + ": in use: another opener " +
          (::geteuid() == 0 ? "holds its lock (flock)" : "has it open exclusively (TIOCEXCL)"));
  EXPECT_EQ(sink.count(EventKind::error), 3u);
  EXPECT_THROW(run.io.listen("serial:///dev/ttyS0"), std::invalid_argument);
  EXPECT_THROW(run.io.bind("serial:///dev/ttyS0"), std::invalid_argument);
  // The run goes on; failed channels stay failed.
  StopWhen stop(run.doist, [] { return true; });
  EXPECT_EQ(run.doist.run({&missing, &first, &second, &stop}), RunEnd::interrupted);
  EXPECT_EQ(missing.channel().state(), ChannelState::failed);
  // Once the first has closed it, the device may be opened again.
  SerialDoer third(run.io, pty.url(9600), {}, "third");
  EXPECT_TRUE(third.channel().connected()) << third.channel().reason();
}

// Keeps a channel's tx full of bytes for a device that does not read, until
// the pty holds all it takes and a write is left in flight: the bytes on
// record as tx have not grown for 30 passes (30 ms).
class Stuck {
 public:
  Stuck(Channel& channel, const RecordingSink& sink) : channel_(channel), sink_(sink) {}
  bool fill() {
    taken_ += channel_.write(std::string_view(payload_).substr(taken_ % 4096, 4096));
    const std::size_t sent = sink_.stream(EventKind::tx, channel_.id()).size();
    quiet_ = (sent == sent_ && sent > 0) ? quiet_ + 1 : 0;
    sent_ = sent;
    return quiet_ >= 30 && channel_.tx_space() == 0;
  }

 private:
  Channel& channel_;
  const RecordingSink& sink_;
  const std::string payload_ = std::string(8192, 'x');
  std::size_t taken_ = 0;
  std::size_t sent_ = 0;
  int quiet_ = 0;
};

// A local close with a write in flight lets it finish (its bytes are on
// record as tx) before the device is closed, bounded by close_linger, as a
// TCP close does: the device gets every tx byte (unfixed: the close
// cancelled the write, and the device got up to a chunk less).
TEST(IoSerial, ALocalCloseLetsTheWriteInFlightFinish) {
  Pty pty;
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  SerialDoer serial(run.io, pty.url(115200));
  Channel& channel = serial.channel();
  ASSERT_TRUE(channel.connected()) << channel.reason();
  Stuck stuck(channel, sink);
  Script script(run.doist, {{"a write in flight to a device that does not read",
                             [&] { return stuck.fill(); }, [&] { channel.close("done"); }}});
  EXPECT_EQ(run.doist.run({&serial, &script}), RunEnd::interrupted) << script.waiting_for();
  EXPECT_EQ(channel.state(), ChannelState::closed);
  EXPECT_EQ(run.io.closing(), 1u);
  const std::size_t sent = sink.stream(EventKind::tx, channel.id()).size();
  ASSERT_GT(sent, 0u);
  // The device reads now, while the hub finishes the write.
  std::string device_got;
  std::thread reader([&] {
    for (int i = 0; i < 4000 && device_got.size() < sent; ++i) {
      device_got += pty.receive();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  EXPECT_EQ(run.io.finish_closing(), 0u);
  reader.join();
  EXPECT_EQ(device_got.size(), sent);
  EXPECT_EQ(run.io.closing(), 0u);
}

// close_linger bounds that: a device that never reads holds the close that
// long, then the write is cut (and finish_closing counts it: the run warns
// that the device got less than the journal's tx).
TEST(IoSerial, CloseLingerBoundsTheWriteInFlight) {
  Pty pty;
  RealRun run;
  ChannelOptions options;
  options.close_linger = Tock{100'000'000};  // 100 ms
  SerialDoer serial(run.io, pty.url(115200), options);
  Channel& channel = serial.channel();
  ASSERT_TRUE(channel.connected()) << channel.reason();
  RecordingSink sink;
  run.io.add_sink(sink);
  Stuck stuck(channel, sink);
  StopWhen stop(run.doist, [&] { return stuck.fill(); });
  EXPECT_EQ(run.doist.run({&serial, &stop}), RunEnd::interrupted);
  channel.close("done");
  EXPECT_EQ(run.io.closing(), 1u);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(run.io.finish_closing(), 1u);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(90));
  EXPECT_EQ(run.io.closing(), 0u);
  // The device is free again at once.
  SerialDoer again(run.io, pty.url(115200), {}, "again");
  EXPECT_TRUE(again.channel().connected()) << again.channel().reason();
}

// A hub destroyed while a line drains (no finish_closing) cuts the write,
// frees the line, and still gives the device back its settings and its lock.
TEST(IoSerial, AHubDestroyedWhileALineDrainsLetsTheDeviceGo) {
  Pty pty;
  const termios before = pty.settings();
  {
    RecordingSink sink;
    RealRun run;
    run.io.add_sink(sink);
    SerialDoer serial(run.io, pty.url(9600));
    Channel& channel = serial.channel();
    ASSERT_TRUE(channel.connected()) << channel.reason();
    Stuck stuck(channel, sink);
    StopWhen stop(run.doist, [&] { return stuck.fill(); });
    EXPECT_EQ(run.doist.run({&serial, &stop}), RunEnd::interrupted);
    channel.close("done");
    EXPECT_EQ(run.io.closing(), 1u);
  }
  const termios after = pty.settings();
  EXPECT_EQ(cfgetospeed(&after), cfgetospeed(&before));
  EXPECT_EQ(after.c_lflag, before.c_lflag);
  RealRun run;
  SerialDoer again(run.io, pty.url(9600));
  EXPECT_TRUE(again.channel().connected()) << again.channel().reason();
}

// What Linux's pty line discipline (n_tty) holds for the master to read: its
// 4 KiB buffer less a byte. More of a write in flight waits in the kernel's
// flip buffers until a worker moves it there, and a cut (TCOFLUSH) discards
// what waits so.
constexpr std::size_t kLineDisciplineBytes = 4095;

// What the device can read after a hub is destroyed with a write in flight to
// it, its channel closed first (draining) or still open. The hub goes once
// the line discipline is full: what the device then gets does not depend on
// how far the kernel's worker had got (a loaded machine: 0 or 2048 bytes
// for one case and 4095 for the other, and the comparison failed).
std::size_t device_gets_after_the_hub_goes(bool close_first) {
  Pty pty;
  std::size_t sent = 0;
  {
    RecordingSink sink;
    RealRun run;
    run.io.add_sink(sink);
    Channel& channel = run.io.connect(pty.url(9600));
    EXPECT_TRUE(channel.connected()) << channel.reason();
    OpenDriver driver(channel);
    Stuck stuck(channel, sink);
    StopWhen stop(run.doist, [&] { return stuck.fill() && pty.pending() >= kLineDisciplineBytes; });
    EXPECT_EQ(run.doist.run({&driver, &stop}), RunEnd::interrupted)
        << "the device has " << pty.pending() << " bytes to read";
    EXPECT_TRUE(channel.open());
    EXPECT_TRUE(run.io.busy());  // a write in flight
    sent = sink.stream(EventKind::tx, channel.id()).size();
    if (close_first) channel.close("done");
  }
  std::string got;
  for (int i = 0; i < 50; ++i) {
    got += pty.receive();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_LT(got.size(), sent);  // cut
  return got.size();
}

// A hub destroyed with a write in flight on an open line cuts it as it cuts a
// closed line's: what the driver holds is dropped, not handed on. (A pty's
// master then reads only what its line discipline took already: 4095 bytes
// either way. Before, the open line's device got 13824 of 16384.)
TEST(IoSerial, AHubDestroyedCutsAnOpenLinesWriteAsAClosedOnes) {
  const std::size_t closed = device_gets_after_the_hub_goes(true);
  const std::size_t open = device_gets_after_the_hub_goes(false);
  EXPECT_EQ(closed, kLineDisciplineBytes);
  EXPECT_EQ(open, closed);
}

// hio gives the device back as it found it (picocom does too): the settings
// found at open are restored at the close (unfixed: left raw at 9600).
TEST(IoSerial, TheSettingsFoundAtOpenAreRestoredAtTheClose) {
  Pty pty;
  termios cooked = pty.settings();
  cooked.c_lflag |= ICANON | ECHO | ISIG;
  cooked.c_oflag |= OPOST;
  cfsetspeed(&cooked, B38400);
  pty.set_settings(cooked);
  const termios before = pty.settings();
  RealRun run;
  SerialDoer serial(run.io, pty.url(9600));
  ASSERT_TRUE(serial.channel().connected()) << serial.channel().reason();
  const termios during = pty.settings();
  EXPECT_EQ(cfgetospeed(&during), static_cast<speed_t>(B9600));
  EXPECT_EQ(during.c_lflag & ICANON, 0u);
  StopWhen stop(run.doist, [] { return true; });
  EXPECT_EQ(run.doist.run({&serial, &stop}), RunEnd::interrupted);  // exit closes it
  EXPECT_FALSE(serial.channel().open());
  const termios after = pty.settings();
  EXPECT_EQ(cfgetospeed(&after), static_cast<speed_t>(B38400));
  EXPECT_EQ(after.c_lflag, before.c_lflag);
  EXPECT_EQ(after.c_iflag, before.c_iflag);
  EXPECT_EQ(after.c_oflag, before.c_oflag);
  EXPECT_EQ(after.c_cflag, before.c_cflag);
}

}  // namespace serial_test
}  // namespace
}  // namespace hio::test
