// Doers the io tests share: Greeter sends a message through a stream channel
// and reads until the same number of bytes came back (an echo); OpenDriver
// drives a channel and leaves it open at its exit.
#pragma once

#include <string>

#include "hio/engine/doer.hpp"
#include "hio/io/channel.hpp"

namespace hio::test {

// Done when the reply is complete, or when the channel closed or failed
// (then `ended` says so). Parks whenever it waits for the channel.
class Greeter final : public Doer {
 public:
  Greeter(Channel& channel, std::string message, std::string name = "greeter")
      : Doer(std::move(name)), channel_(channel), message_(std::move(message)) {}

  std::string reply;
  bool ended = false;
  std::size_t refused_writes = 0;  // writes that took less than offered

 protected:
  void enter() override {
    channel_.set_waiter(this);
    sent_ = 0;
    reply.clear();
  }
  bool recur(Tyme) override {
    if (channel_.state() == ChannelState::closed || channel_.state() == ChannelState::failed) {
      ended = true;
      return true;
    }
    if (!channel_.connected()) {
      park();  // woken when the state changes
      return false;
    }
    if (sent_ < message_.size()) {
      const std::size_t n = channel_.write(std::string_view(message_).substr(sent_));
      if (sent_ + n < message_.size()) ++refused_writes;
      sent_ += n;
    }
    reply += channel_.read();
    if (reply.size() >= message_.size()) return true;
    park();  // woken by rx, tx space or a state change
    return false;
  }
  void exit() override {
    if (channel_.waiter() == this) channel_.set_waiter(nullptr);
  }

 private:
  Channel& channel_;
  std::string message_;
  std::size_t sent_ = 0;
};

// Drives a channel (services it every pass), and leaves it open at its exit,
// as an embedder's doer may.
class OpenDriver final : public Doer {
 public:
  explicit OpenDriver(Channel& channel) : Doer("driver"), channel_(channel) {}
  void enter() override { channel_.set_driver(this); }
  bool recur(Tyme) override {
    channel_.service();
    return false;
  }
  void exit() override { channel_.set_driver(nullptr); }

 private:
  Channel& channel_;
};

}  // namespace hio::test
