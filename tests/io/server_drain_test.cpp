// The same doers over sim:// and real tcp:// loopback handle the same data: a
// TcpServerDoer whose serve() handles one line a call (rerun() while more
// wait) gets every line a client sent before it closed. Over tcp:// the
// client's close is a FIN (rx_end, the remote stays until its rx is read);
// over sim:// it is a close with the last lines still in rx. Before, the
// server served a closed remote once, ignored its rerun(), and released it
// with its unread rx: it handled 2 of 100 lines over sim://, 100 over
// tcp:// (xsvr16 finding 2).
#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "io_run.hpp"

namespace hio {
namespace {
namespace server_drain_test {

constexpr int kLines = 100;

// How LineServer's serve() treats rx.
enum class Reading {
  lines,    // one line a serve() (rerun() while a whole line waits)
  never,    // never reads at all
  waiting,  // never reads, and asks rerun() while rx holds anything (it waits
            // for more: the rest of a message that never comes)
};

class LineServer final : public TcpServerDoer {
 public:
  LineServer(IoHub& io, std::string_view address, Reading reading)
      : TcpServerDoer(io, address, {}, "lines"), reading_(reading) {}
  int lines = 0;
  int closes = 0;
  std::size_t unread_at_close = 0;

 protected:
  void serve(Channel& remote) override {
    if (reading_ == Reading::waiting && remote.rx_size() > 0) rerun();
    if (reading_ != Reading::lines) return;
    const std::string_view v = remote.peek();
    const std::size_t n = v.find('\n');
    if (n == std::string_view::npos) return;
    remote.consume(n + 1);
    ++lines;
    if (remote.peek().find('\n') != std::string_view::npos) rerun();
  }
  void on_close(Channel& remote) override {
    ++closes;
    unread_at_close = remote.rx_size();
  }

 private:
  Reading reading_;
};

// Writes kLines lines as soon as connected, closes once its tx is empty.
class LineClient final : public TcpClientDoer {
 public:
  LineClient(IoHub& io, const std::string& address) : TcpClientDoer(io, address, {}, "client") {}

 protected:
  void serve(Channel& c) override {
    if (!c.connected()) return;
    while (sent_ < kLines) {
      const std::string line = "line " + std::to_string(sent_) + "\n";
      if (c.tx_space() < line.size()) return;
      (void)c.write(line);
      ++sent_;
    }
    if (c.tx_size() == 0) c.close("all sent");
  }

 private:
  int sent_ = 0;
};

struct Result {
  int lines = 0;
  int closes = 0;
  std::size_t unread = 0;
};

Result run_lines(bool sim, Reading reading) {
  Doist doist(sim ? Tock{1'000'000} : test::kRealTock, /*real=*/!sim, test::kRealLimit);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  std::optional<SimNet> net;
  if (sim) {
    net.emplace(doist, io);
    net->add_host("a");
    net->add_host("b");
    net->set_client_host("a");
  }
  LineServer server(io, sim ? "sim://b:7" : "tcp://127.0.0.1:0", reading);
  LineClient client(io, (sim ? "sim://" : "tcp://") + server.listener().local());
  test::StopWhen stop(doist, [&] { return server.closes == 1; });
  (void)doist.run({&server, &client, &stop});
  (void)io.finish_closing();
  return {server.lines, server.closes, server.unread_at_close};
}

TEST(ServerDrain, EveryLineSentBeforeTheClientClosedIsHandledOverSim) {
  const Result r = run_lines(/*sim=*/true, Reading::lines);
  EXPECT_EQ(r.lines, kLines);
  EXPECT_EQ(r.closes, 1);
  EXPECT_EQ(r.unread, 0u);
}

TEST(ServerDrain, EveryLineSentBeforeTheClientClosedIsHandledOverTcp) {
  const Result r = run_lines(/*sim=*/false, Reading::lines);
  EXPECT_EQ(r.lines, kLines);
  EXPECT_EQ(r.closes, 1);
  EXPECT_EQ(r.unread, 0u);
}

// A serve() that never reads does not keep a closed remote for ever: it ends
// at the visit that read nothing, with its rx unread.
TEST(ServerDrain, AClosedRemoteWhoseRxIsNotReadEndsAtOnce) {
  const Result r = run_lines(/*sim=*/true, Reading::never);
  EXPECT_EQ(r.lines, 0);
  EXPECT_EQ(r.closes, 1);
  EXPECT_GT(r.unread, 0u);
}

// Nor does one that asks rerun() without reading (waiting for more that never
// comes): a rerun() alone does not keep a closed remote. It kept it, served
// every pass, until the run's limit (rev16b finding 3).
TEST(ServerDrain, AClosedRemoteServedWithRerunButNotReadEndsAtOnce) {
  const Result r = run_lines(/*sim=*/true, Reading::waiting);
  EXPECT_EQ(r.lines, 0);
  EXPECT_EQ(r.closes, 1);
  EXPECT_GT(r.unread, 0u);
}

}  // namespace server_drain_test
}  // namespace
}  // namespace hio
