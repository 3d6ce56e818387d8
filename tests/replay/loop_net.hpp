// LoopNet: a transport computed purely in tyme for sim:// addresses — every
// stream channel is connected at once and echoes its own tx back into its rx
// when serviced — and Chatter, a doer that talks through one such channel.
// Enough to make every kind of channel event in virtual time without sockets.
#pragma once

#include <memory>
#include <string>

#include "hio/engine/doer.hpp"
#include "hio/io/hub.hpp"
#include "hio/io/transport.hpp"

namespace hio::replay::test {

class LoopTransport final : public Transport {
 public:
  void start(ChannelPort port) override {
    port_ = port;
    port_.connected("loop-local", "loop-peer");
  }
  void service() override {
    if (!port_.channel().connected()) return;
    const std::size_t room = port_.rx_space();
    if (room == 0 || port_.tx_size() == 0) return;
    std::string out;
    port_.take_tx(out, room);
    port_.deliver(out);
  }
  void close(std::string_view why) override { port_.closed(CloseWho::local, why); }

 private:
  ChannelPort port_;
};

class LoopFactory final : public TransportFactory {
 public:
  std::unique_ptr<Transport> make(const Address&, ChannelRole role,
                                  const ChannelOptions&) override {
    if (role != ChannelRole::connect) throw std::invalid_argument("LoopNet: streams only");
    return std::make_unique<LoopTransport>();
  }
};

// Every tock: reads its echoes, sends one more message, services the channel;
// done (closing the channel) when all `messages` came back. Logs each echo.
class Chatter final : public Doer {
 public:
  Chatter(IoHub& hub, std::string name, Tock tock, int messages)
      : Doer(std::move(name), tock), hub_(hub), messages_(messages) {}

  const std::string& received() const { return received_; }
  Channel* channel() const { return channel_; }

 protected:
  void enter() override {
    ChannelOptions options;
    options.name = name();
    channel_ = &hub_.connect("sim://" + name() + ":1", options);
    channel_->set_driver(this);
    channel_->set_waiter(this);
  }
  bool recur(Tyme) override {
    const std::string got = channel_->read();
    if (!got.empty()) {
      received_ += got;
      hub_.log(name() + " got " + std::to_string(got.size()));
    }
    if (sent_ < messages_) {
      const std::string message = name() + " says " + std::to_string(sent_) + "\n";
      expected_ += message;
      (void)channel_->write(message);
      ++sent_;
    }
    channel_->service();
    if (sent_ == messages_ && received_ == expected_) {
      channel_->close("done");
      return true;
    }
    return false;
  }

 private:
  IoHub& hub_;
  int messages_;
  int sent_ = 0;
  std::string expected_;
  std::string received_;
  Channel* channel_ = nullptr;
};

}  // namespace hio::replay::test
