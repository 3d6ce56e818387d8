// Real serial IO through a pseudo-terminal pair (openpty): hio opens the
// slave as serial://, the test plays the device on the master. Bytes both
// ways at a given baud with the line raw 8N1, a console reading lines longer
// than the channel's buffer, a hangup, and the errors of a missing device
// and an unsupported baud.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io_run.hpp"
#include "pty.hpp"
#include "recording_sink.hpp"

namespace hio {
// Readable failure messages.
inline void PrintTo(const ConsoleLine& line, std::ostream* os) {
  *os << (line.partial ? "piece \"" : "line \"") << line.text << '"';
}
}  // namespace hio

namespace hio::test {
namespace {

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

TEST(IoSerial, AMissingDeviceAndAnUnsupportedBaudAreClearErrors) {
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  SerialDoer missing(run.io, "serial:///dev/hio-no-such-tty?baud=9600", {}, "missing");
  EXPECT_EQ(missing.channel().state(), ChannelState::failed);
  EXPECT_EQ(missing.channel().reason(),
            "cannot open serial device /dev/hio-no-such-tty: No such file or directory");
  Pty pty;
  SerialDoer odd(run.io, pty.url(12345), {}, "odd");
  EXPECT_EQ(odd.channel().state(), ChannelState::failed);
  EXPECT_EQ(odd.channel().reason(),
            "cannot set 12345 baud on " + pty.path() + ": Invalid argument");
  EXPECT_EQ(sink.count(EventKind::error), 2u);
  EXPECT_THROW(run.io.listen("serial:///dev/ttyS0"), std::invalid_argument);
  EXPECT_THROW(run.io.bind("serial:///dev/ttyS0"), std::invalid_argument);
  // The run goes on; failed channels stay failed.
  StopWhen stop(run.doist, [] { return true; });
  EXPECT_EQ(run.doist.run({&missing, &odd, &stop}), RunEnd::interrupted);
  EXPECT_EQ(missing.channel().state(), ChannelState::failed);
}

}  // namespace
}  // namespace hio::test
