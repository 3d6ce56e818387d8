// The example of docs/io.md, built and run as a test so it keeps compiling
// and working: a doer that talks TCP through a channel that TcpClientDoer
// drives, against an EchoServerDoer, in one real-time run.
#include <gtest/gtest.h>

// ---- docs/io.md example begins ----
#include <hio/engine/engine.hpp>
#include <hio/io/io.hpp>

#include <iostream>
#include <string>
#include <string_view>

// Sends one line and waits, parked, for its echo. The channel belongs to the
// hub; TcpClientDoer moves its bytes; this doer only reads and writes it.
class Hello : public hio::Doer {
 public:
  Hello(hio::Channel& channel, hio::Log& log, hio::Doist& doist)
      : Doer("hello"), channel_(channel), log_(log, *this), doist_(doist) {}

  std::string reply;

 protected:
  void enter() override {
    channel_.set_waiter(this);  // wake me on rx, tx space and state changes
  }

  bool recur(hio::Tyme) override {
    switch (channel_.state()) {
      case hio::ChannelState::opening:
        park();  // nothing to do until connected; the connect event wakes me
        return false;
      case hio::ChannelState::closed:
      case hio::ChannelState::failed:
        log_.error("channel ended: ", channel_.reason());
        doist_.request_stop();
        return true;
      case hio::ChannelState::connected:
        break;
    }
    if (sent_ < kMessage.size()) {
      // write() takes what fits in tx; the rest waits for tx space (a wake).
      sent_ += channel_.write(kMessage.substr(sent_));
      if (sent_ == kMessage.size()) log_.info("sent ", sent_, " bytes to ", channel_.peer());
    }
    reply += channel_.read();
    if (reply.size() < kMessage.size()) {
      park();  // woken when more bytes arrive
      return false;
    }
    log_.info("echoed: ", reply.substr(0, reply.size() - 1));
    doist_.request_stop();  // the server never finishes: end the run here
    return true;
  }

  void exit() override { channel_.set_waiter(nullptr); }

 private:
  static constexpr std::string_view kMessage = "hello, hio\n";
  hio::Channel& channel_;
  hio::Logger log_;
  hio::Doist& doist_;
  std::size_t sent_ = 0;
};

int example_main() {
  // Real time, 1 ms passes, at most 5 s. The Doist polls the sockets at the
  // start of every pass and waits on them between passes.
  hio::Doist doist(hio::Tock{1'000'000}, /*real=*/true, hio::seconds(5));
  hio::IoHub io(doist.tymth());
  doist.attach(io);

  hio::Log log;
  log.add_console();  // "0.002 info [hello] sent 11 bytes to 127.0.0.1:40123"
  log.attach(&io);    // log records are events too, so a journal keeps them

  // Port 0: any free port; the listener is bound when the doer is made.
  hio::EchoServerDoer server(io, "tcp://127.0.0.1:0");
  if (!server.listener().connected()) {
    std::cerr << server.listener().reason() << '\n';
    return 2;
  }
  hio::ChannelOptions options;
  options.retry = hio::Tock{250'000'000};  // reconnect every 0.25 s if it drops
  hio::TcpClientDoer client(io, "tcp://" + server.listener().local(), options);
  Hello hello(client.channel(), log, doist);

  const hio::RunEnd end = doist.run({&server, &client, &hello});
  return end == hio::RunEnd::interrupted && hello.reply == "hello, hio\n" ? 0 : 1;
}
// ---- docs/io.md example ends ----

TEST(IoExample, HelloOverTcpAsInTheDocs) {
  EXPECT_EQ(example_main(), 0);
}
