// An EventSink that throws on the open event of a remote SimNet accepts (a
// journal's recorder does, on a write error): the run ends with the sink's
// error, and the scene runs again, the remote never half-made.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "hio/io/io.hpp"
#include "sim_support.hpp"
#include "test_doers.hpp"

namespace hio::test {
namespace {
namespace sim_accept_error_test {

// Throws once, on the open event of a channel whose name starts with `prefix`.
class ThrowOnOpen final : public EventSink {
 public:
  explicit ThrowOnOpen(std::string prefix) : prefix_(std::move(prefix)) {}
  void on_event(const ChannelEvent& event) override {
    if (armed_ && event.kind == EventKind::open && event.text.starts_with(prefix_)) {
      armed_ = false;
      throw std::runtime_error("sink refused " + std::string(event.text));
    }
  }

 private:
  std::string prefix_;
  bool armed_ = true;
};

TEST(SimAcceptError, ASinkThrowingOnAnAcceptedRemotesOpenLeavesTheSceneRunnable) {
  SimWorld w;
  w.two_hosts();
  ThrowOnOpen thrower("sim://b:7/");
  w.io.add_sink(thrower);
  EchoServerDoer server(w.io, "sim://b:7");
  TcpClientDoer client(w.io, "sim://b:7");
  Greeter greeter(client.channel(), "hello\n");
  try {
    w.doist.run({&server, &client, &greeter}, seconds(1));
    ADD_FAILURE() << "the sink's error did not end the run";
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(), "sink refused sim://b:7/3");
  }
  // The remote was not made: accepted on the listener, then gone silently.
  EXPECT_EQ(w.io.find(3), nullptr);
  EXPECT_EQ(w.sink.count(EventKind::accept, 1), 1u);
  // Before, this run aborted ("a transport used an empty ChannelPort") when
  // the client's close reached the half-made remote.
  w.doist.run({&server, &client, &greeter}, seconds(1));
  EXPECT_EQ(greeter.reply, "hello\n");
}

}  // namespace sim_accept_error_test
}  // namespace
}  // namespace hio::test
