// Backpressure end to end on real TCP: a reader that does not read fills its
// rx, the kernel buffers and finally the writer's tx, which then refuses
// writes; once the reader reads (slowly), every byte arrives, in order.
#include <gtest/gtest.h>

#include "io_run.hpp"
#include "recording_sink.hpp"

namespace hio::test {
namespace {
namespace tcp_backpressure_test {

constexpr std::size_t kTotal = 1024 * 1024;

// Byte i of the stream: a sequence that shows any loss or reordering.
char byte_at(std::size_t i) {
  return static_cast<char>((i * 7 + i / 251) & 0xff);
}

// Writes the stream as fast as tx takes it; counts the refusals.
class Writer final : public Doer {
 public:
  explicit Writer(Channel& channel) : Doer("writer"), channel_(channel) {}
  std::size_t written = 0;
  std::size_t refusals = 0;

 protected:
  void enter() override { channel_.set_waiter(this); }
  bool recur(Tyme) override {
    if (!channel_.connected()) {
      park();
      return !channel_.open();
    }
    while (written < kTotal) {
      const std::size_t n = std::min<std::size_t>(kTotal - written, 4096);
      std::string chunk(n, '\0');
      for (std::size_t i = 0; i < n; ++i)
        chunk[i] = byte_at(written + i);
      const std::size_t taken = channel_.write(chunk);
      written += taken;
      if (taken < n) {
        ++refusals;  // tx is full: wait for space
        break;
      }
    }
    if (written == kTotal) return true;
    park();  // woken when tx space frees up
    return false;
  }

 private:
  Channel& channel_;
};

// Reads nothing until opened, then at most `budget` bytes per run.
class SlowReader final : public TcpServerDoer {
 public:
  using TcpServerDoer::TcpServerDoer;
  bool reading = false;
  std::size_t budget = 8192;
  std::string received;

 protected:
  void serve(Channel& remote) override {
    if (!reading) return;
    received += remote.read(budget);
    if (remote.rx_size() > 0) rerun();  // no event will say it is still there
  }
};

TEST(IoTcp, ASlowReaderMakesTheWritersTxRefuseAndNothingIsLostOrReordered) {
  ChannelOptions small;
  small.socket_buffer_bytes = 16 * 1024;
  small.rx_bytes_max = 16 * 1024;
  small.tx_bytes_max = 32 * 1024;
  RecordingSink sink;
  RealRun run;
  run.io.add_sink(sink);
  SlowReader reader(run.io, "tcp://127.0.0.1:0", small, "reader");
  TcpClientDoer client(run.io, tcp_url(reader.listener()), small);
  Writer writer(client.channel());
  std::size_t tx_when_full = 0;
  std::size_t written_when_full = 0;
  Script script(run.doist, {{"tx full",
                             [&] {
                               return writer.refusals > 0 && client.channel().tx_space() == 0 &&
                                      !reader.remotes().empty() &&
                                      reader.remotes().front()->rx_size() == small.rx_bytes_max;
                             },
                             [&] {
                               tx_when_full = client.channel().tx_size();
                               written_when_full = writer.written;
                               reader.reading = true;
                               reader.wake();  // parked: its rx is full, so no event will come
                             }},
                            {"all read", [&] { return reader.received.size() == kTotal; }, {}}});

  EXPECT_EQ(run.doist.run({&reader, &client, &writer, &script}), RunEnd::interrupted)
      << "stuck waiting for " << script.waiting_for() << " with " << reader.received.size()
      << " bytes read, " << writer.written << " written, " << writer.refusals << " refusals, tx "
      << client.channel().tx_size() << ", remotes " << reader.remotes().size() << ", rx "
      << (reader.remotes().empty() ? 0 : reader.remotes().front()->rx_size());
  EXPECT_EQ(tx_when_full, small.tx_bytes_max);  // full, and refusing
  EXPECT_LT(written_when_full, kTotal);
  EXPECT_GT(writer.refusals, 1u);
  ASSERT_EQ(reader.received.size(), kTotal);
  std::size_t first_bad = kTotal;
  for (std::size_t i = 0; i < kTotal && first_bad == kTotal; ++i)
    if (reader.received[i] != byte_at(i)) first_bad = i;
  EXPECT_EQ(first_bad, kTotal) << "first wrong byte at " << first_bad;
  EXPECT_TRUE(sink.stream(EventKind::tx, client.channel().id()) == reader.received);
  EXPECT_EQ(sink.count(EventKind::error), 0u);
}

}  // namespace tcp_backpressure_test
}  // namespace
}  // namespace hio::test
