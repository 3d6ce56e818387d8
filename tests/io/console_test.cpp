// ConsoleDoer, pass by pass on a channel driven through ManualTransport's
// port: line endings (LF, CR, CRLF split across reads), lines longer than
// the channel's rx assembled whole, lines longer than line_bytes_max in
// flagged pieces, the end of the channel, lines_max backpressure, write_line;
// a channel that goes first (released, its hub destroyed).
#include "hio/io/console_doer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "hio/engine/doist.hpp"
#include "hio/io/hub.hpp"
#include "manual_transport.hpp"

namespace hio {
// Readable failure messages.
inline void PrintTo(const ConsoleLine& line, std::ostream* os) {
  *os << (line.partial ? "piece \"" : "line \"") << line.text << '"';
}
}  // namespace hio

namespace hio::test {
namespace {
namespace console_test {

using ::testing::ElementsAre;

struct ConsoleFixture : ::testing::Test {
  ConsoleFixture() { io.set_factory(Scheme::sim, &factory); }

  Channel& stream(std::size_t rx_bytes_max) {
    ChannelOptions options;
    options.rx_bytes_max = rx_bytes_max;
    Channel& channel = io.connect("sim://console:1", options);
    factory.last().port.connected("", "console:1");
    return channel;
  }
  ChannelPort& port() { return factory.last().port; }
  // Delivers `bytes` as rx makes room, one pass at a time, like a transport.
  void feed(std::string_view bytes) {
    while (!bytes.empty()) {
      const std::size_t n = std::min(bytes.size(), port().rx_space());
      port().deliver(bytes.substr(0, n));
      bytes.remove_prefix(n);
      doist.recur();
    }
    doist.recur();
  }
  std::vector<ConsoleLine> lines(ConsoleDoer& console) {
    std::vector<ConsoleLine> out;
    while (auto line = console.take_line())
      out.push_back(*line);
    return out;
  }

  Doist doist{seconds(1)};
  IoHub io{doist.tymth()};
  ManualFactory factory;
};

using IoConsole = ConsoleFixture;

ConsoleLine whole(std::string text) {
  return ConsoleLine{std::move(text), false};
}
ConsoleLine piece(std::string text) {
  return ConsoleLine{std::move(text), true};
}

TEST_F(IoConsole, LinesEndInLfCrOrCrlfEvenSplitAcrossReads) {
  Channel& channel = stream(64);
  ConsoleDoer console(channel);
  doist.enter({&console});
  feed("one\ntwo\r\nthree\rfour\r");
  feed("\nfive\n\n");
  EXPECT_THAT(lines(console), ElementsAre(whole("one"), whole("two"), whole("three"), whole("four"),
                                          whole("five"), whole("")));
  EXPECT_EQ(channel.rx_size(), 0u);
  doist.exit();
}

TEST_F(IoConsole, LinesLongerThanTheChannelsRxAreAssembledWhole) {
  Channel& channel = stream(8);  // rx holds 8 bytes; lines are longer
  ConsoleOptions options;
  options.line_bytes_max = 100;
  ConsoleDoer console(channel, options);
  doist.enter({&console});
  const std::string long_line(90, 'x');
  feed(long_line + "\nshort\n");
  EXPECT_THAT(lines(console), ElementsAre(whole(long_line), whole("short")));
  doist.exit();
}

TEST_F(IoConsole, LinesLongerThanTheLimitComeInFlaggedPieces) {
  Channel& channel = stream(16);
  ConsoleOptions options;
  options.line_bytes_max = 10;
  ConsoleDoer console(channel, options);
  doist.enter({&console});
  feed("0123456789abcdefghij0123\nexactly-10\n");
  EXPECT_THAT(lines(console), ElementsAre(piece("0123456789"), piece("abcdefghij"), whole("0123"),
                                          whole("exactly-10")));
  doist.exit();
}

TEST_F(IoConsole, AnUnterminatedLastLineIsDeliveredWhenTheChannelEnds) {
  Channel& channel = stream(16);
  ConsoleDoer console(channel);
  doist.enter({&console});
  feed("done\nno newline");
  EXPECT_THAT(lines(console), ElementsAre(whole("done")));
  port().closed(CloseWho::remote, "closed by peer");
  doist.recur();
  EXPECT_THAT(lines(console), ElementsAre(whole("no newline")));
  doist.exit();
}

TEST_F(IoConsole, AFullLineQueueStopsReadingUntilALineIsTaken) {
  Channel& channel = stream(64);
  ConsoleOptions options;
  options.lines_max = 2;
  ConsoleDoer console(channel, options);
  doist.enter({&console});
  feed("a\nb\nc\nd\n");
  EXPECT_EQ(console.lines_pending(), 2u);
  EXPECT_EQ(channel.rx_size(), 4u);  // "c\nd\n" waits in rx: backpressure
  EXPECT_EQ(console.take_line(), whole("a"));
  doist.recur();  // take_line woke it
  EXPECT_EQ(console.lines_pending(), 2u);
  EXPECT_THAT(lines(console), ElementsAre(whole("b"), whole("c")));
  doist.recur();
  EXPECT_THAT(lines(console), ElementsAre(whole("d")));
  EXPECT_EQ(channel.rx_size(), 0u);
  doist.exit();
}

TEST_F(IoConsole, WriteLineIsAllOrNothing) {
  ChannelOptions options;
  options.tx_bytes_max = 8;
  Channel& channel = io.connect("sim://console:1", options);
  factory.last().port.connected("", "console:1");
  ConsoleOptions console_options;
  console_options.line_end = "\r\n";
  ConsoleDoer console(channel, console_options);
  EXPECT_TRUE(console.write_line("hello"));  // 7 bytes
  EXPECT_FALSE(console.write_line("x"));     // 3 more do not fit
  std::string out;
  port().take_tx(out, 100);
  EXPECT_EQ(out, "hello\r\n");
  EXPECT_THROW(ConsoleDoer(channel, ConsoleOptions{0, 1, "\n"}), std::invalid_argument);
}

// A console is no driver, so IoHub::release takes its channel even during
// its run. Before it held a ChannelRef, its next run and its exit used the
// freed channel (ASan: heap-use-after-free); now the run takes the channel
// as ended (the unterminated line is delivered), exit touches nothing, and a
// later run is refused as ChannelDoer's is.
TEST_F(IoConsole, AChannelReleasedDuringTheRunEndsItsLinesAndIsNotUsedAfter) {
  Channel& channel = stream(64);
  ConsoleDoer console(channel);
  doist.enter({&console});
  feed("one\nno newline");
  io.release(channel);  // closes it ("released"), which wakes the console
  EXPECT_FALSE(console.has_channel());
  doist.recur();
  EXPECT_THAT(lines(console), ElementsAre(whole("one"), whole("no newline")));
  EXPECT_FALSE(console.write_line("x"));
  doist.recur();
  doist.exit();
  const char* gone = "ConsoleDoer 'console': its channel is gone (released, or its hub destroyed)";
  try {
    (void)console.channel();
    ADD_FAILURE() << "channel() of a released channel was accepted";
  } catch (const std::logic_error& error) {
    EXPECT_STREQ(error.what(), gone);
  }
  EXPECT_THROW(doist.enter({&console}), std::logic_error);
}

TEST(IoConsoleHub, AHubDestroyedBeforeTheConsoleEndsLeavesItNothingToTouch) {
  Doist doist{seconds(1)};
  ManualFactory factory;  // outlives its installation on the hub
  auto io = std::make_unique<IoHub>(doist.tymth());
  io->set_factory(Scheme::sim, &factory);
  Channel& channel = io->connect("sim://console:1");
  factory.last().port.connected("", "console:1");
  ConsoleDoer console(channel);
  doist.enter({&console});
  factory.last().port.deliver("half a line");
  doist.recur();
  io.reset();  // destroys the channel without events: nothing wakes the console
  console.wake();
  doist.recur();
  EXPECT_EQ(console.take_line(), whole("half a line"));
  doist.exit();  // before, exit cleared itself from the freed channel
  EXPECT_FALSE(console.has_channel());
  EXPECT_THROW((void)console.channel(), std::logic_error);
}

}  // namespace console_test
}  // namespace
}  // namespace hio::test
