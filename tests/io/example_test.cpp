// The examples of docs/io.md, built and run as tests so they keep compiling
// and working: a doer that talks TCP through a channel that TcpClientDoer
// drives, against an EchoServerDoer, in one real-time run; and the same doer
// over UDP, through a UdpPeerDoer, against a UDP echo peer.
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

// ---- docs/io.md UDP example begins ----
#include <optional>

// The same conversation over UDP: one datagram out, and wait, parked, for
// the datagram that echoes it. UdpPeerDoer drives the channel.
class HelloUdp : public hio::Doer {
 public:
  HelloUdp(hio::Channel& channel, std::string to, hio::Log& log, hio::Doist& doist)
      : Doer("hello"), channel_(channel), to_(std::move(to)), log_(log, *this), doist_(doist) {}

  std::string reply;

 protected:
  void enter() override { channel_.set_waiter(this); }

  bool recur(hio::Tyme) override {
    switch (channel_.state()) {
      case hio::ChannelState::opening:
        park();  // binding; the connect event wakes me
        return false;
      case hio::ChannelState::closed:
      case hio::ChannelState::failed:
        log_.error("channel ended: ", channel_.reason());
        doist_.request_stop();
        return true;
      case hio::ChannelState::connected:
        break;
    }
    if (!sent_) {
      // send() takes the whole datagram or nothing (tx full: woken when it drains).
      sent_ = channel_.send(to_, kMessage);
      if (sent_) log_.info("sent ", kMessage.size(), " bytes to ", to_);
    }
    if (std::optional<hio::Datagram> datagram = channel_.receive()) {
      reply = datagram->bytes;
      log_.info("echoed by ", datagram->peer, ": ", reply.substr(0, reply.size() - 1));
      doist_.request_stop();
      return true;
    }
    park();  // woken when a datagram arrives
    return false;
  }

  void exit() override { channel_.set_waiter(nullptr); }

 private:
  static constexpr std::string_view kMessage = "hello, hio\n";
  hio::Channel& channel_;
  std::string to_;
  hio::Logger log_;
  hio::Doist& doist_;
  bool sent_ = false;
};

// Sends every datagram back to where it came from: a UdpPeerDoer with a
// serve(). A datagram that does not fit tx waits here, so none is dropped.
class UdpEcho : public hio::UdpPeerDoer {
 public:
  using UdpPeerDoer::UdpPeerDoer;

 protected:
  void serve(hio::Channel& channel) override {
    while (pending_ || (pending_ = channel.receive())) {
      if (!channel.send(pending_->peer, pending_->bytes)) return;  // woken when tx drains
      pending_.reset();
    }
  }

 private:
  std::optional<hio::Datagram> pending_;
};

int example_udp_main() {
  hio::Doist doist(hio::Tock{1'000'000}, /*real=*/true, hio::seconds(5));
  hio::IoHub io(doist.tymth());
  doist.attach(io);

  hio::Log log;
  log.add_console();
  log.attach(&io);

  // Bound when made: local() has the port the OS chose.
  UdpEcho echo(io, "udp://127.0.0.1:0", {}, "echo");
  if (!echo.channel().connected()) {
    std::cerr << echo.channel().reason() << '\n';
    return 2;
  }
  hio::UdpPeerDoer peer(io, "udp://127.0.0.1:0");
  HelloUdp hello(peer.channel(), echo.channel().local(), log, doist);

  const hio::RunEnd end = doist.run({&echo, &peer, &hello});
  return end == hio::RunEnd::interrupted && hello.reply == "hello, hio\n" ? 0 : 1;
}
// ---- docs/io.md UDP example ends ----

TEST(IoExample, HelloOverTcpAsInTheDocs) {
  EXPECT_EQ(example_main(), 0);
}

TEST(IoExample, TheSameDoerOverUdpAsInTheDocs) {
  EXPECT_EQ(example_udp_main(), 0);
}
