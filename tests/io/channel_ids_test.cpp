// The end of a hub's channel ids (32-bit, never reused): the last id is
// given as any other, then connect/listen/bind throw and a listener refuses
// what it would accept (an error event on it, the peer reset). Before, the
// next channel hit a HIO_CHECK: the process aborted (SIGABRT, exit 134) and a
// journal got no trailer (xsoak21 finding 3). The hub starts near the end
// through detail::set_next_channel_id (no test makes 4 billion channels).
#include <gtest/gtest.h>
#include <poll.h>

#include <cerrno>
#include <stdexcept>
#include <string>

#include "hio/engine/doist.hpp"
#include "hio/io/io.hpp"
#include "io_run.hpp"
#include "raw_socket.hpp"
#include "recording_sink.hpp"
#include "sim_support.hpp"

namespace hio::test {
namespace {
namespace channel_ids_test {

constexpr std::uint32_t kLastId = 0xFFFF'FFFF;

// What a read of `socket` says within 2 s: bytes, 0 (the peer's FIN) or -errno.
int read_outcome(const RawSocket& socket) {
  pollfd p{socket.fd(), POLLIN, 0};
  if (::poll(&p, 1, 2000) != 1) return -ETIMEDOUT;
  char byte = 0;
  const ssize_t n = ::recv(socket.fd(), &byte, 1, 0);
  return n >= 0 ? static_cast<int>(n) : -errno;
}

TEST(IoChannelIds, AfterTheLastIdConnectsThrowAndAcceptsAreRefused) {
  RealRun run;
  RecordingSink sink;
  run.io.add_sink(sink);
  detail::set_next_channel_id(run.io, kLastId - 1);
  Channel& listener = run.io.listen("tcp://127.0.0.1:0");
  ASSERT_EQ(listener.id(), kLastId - 1);
  ASSERT_TRUE(listener.connected()) << listener.reason();
  const std::uint16_t port = port_of(listener.local());

  // The last id goes to the first remote accepted.
  RawSocket first = raw_connect(port);
  StopWhen accepted(run.doist, [&] { return listener.accept_pending() == 1; });
  run.doist.run({&accepted});
  Channel* remote = listener.accept();
  ASSERT_NE(remote, nullptr);
  EXPECT_EQ(remote->id(), kLastId);

  // No id left: the next connection is refused and reset, on the record.
  RawSocket second = raw_connect(port);
  StopWhen refused(run.doist, [&] { return sink.count(EventKind::error) == 1; });
  run.doist.run({&refused});
  ASSERT_EQ(sink.count(EventKind::error), 1u);
  const Recorded& error = sink.events.back();
  EXPECT_EQ(error.channel, listener.id());
  EXPECT_EQ(error.text.rfind("channel ids are exhausted: this hub has made 4294967295 channels", 0),
            0u)
      << error.text;
  EXPECT_NE(error.text.find("the connection from 127.0.0.1:"), std::string::npos) << error.text;
  EXPECT_EQ(read_outcome(second), -ECONNRESET);
  EXPECT_EQ(listener.accept_pending(), 0u);
  EXPECT_TRUE(listener.connected());  // it goes on: what it holds still works
  EXPECT_TRUE(remote->open());

  // Nor can a doer make a channel: refused before anything is made.
  const std::size_t events = sink.events.size();
  try {
    (void)run.io.connect("tcp://127.0.0.1:" + std::to_string(port));
    FAIL() << "connect made a channel with no id left";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "channel ids are exhausted: this hub has made 4294967295 channels, the most one "
              "run can number (ids are 32-bit and never reused); no channel for "
              "tcp://127.0.0.1:" +
                  std::to_string(port));
  }
  EXPECT_THROW((void)run.io.bind("udp://127.0.0.1:0"), std::runtime_error);
  EXPECT_EQ(sink.events.size(), events);
  EXPECT_EQ(run.io.channel_count(), 2u);
  run.io.remove_sink(sink);
}

// SimNet's listener refuses the same way; its client is reset (refused).
TEST(IoChannelIds, ASimListenerRefusesWhatNeedsAnIdBeyondTheLast) {
  SimWorld w;
  w.two_hosts();
  detail::set_next_channel_id(w.io, kLastId - 1);
  Channel& listener = w.io.listen("sim://b:7");
  Channel& client = w.io.connect("sim://b:7");  // the last id
  ASSERT_EQ(client.id(), kLastId);
  StopWhen ended(w.doist, [&] { return !client.open(); });
  ASSERT_EQ(w.doist.run({&ended}, seconds(1)), RunEnd::interrupted);
  EXPECT_EQ(client.state(), ChannelState::failed);
  EXPECT_NE(client.reason().find("refused: no channel ids left"), std::string::npos)
      << client.reason();
  ASSERT_EQ(w.sink.count(EventKind::error), 2u);  // the listener's, then the client's
  const Recorded* refusal = w.sink.first(EventKind::error, listener.id());
  ASSERT_NE(refusal, nullptr);
  EXPECT_NE(refusal->text.find("channel ids are exhausted"), std::string::npos) << refusal->text;
  EXPECT_EQ(w.sink.count(EventKind::accept), 0u);
  EXPECT_TRUE(listener.connected());
  dump_on_failure(w.sink);
}

}  // namespace channel_ids_test
}  // namespace
}  // namespace hio::test
