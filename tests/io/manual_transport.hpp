// ManualTransport: a transport that does nothing by itself; the test drives
// its ChannelPort directly, to pin down exactly what each port call does to a
// channel and which events it emits. ParkedProbe: a doer that parks after
// every run and counts its runs, to observe wakes.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "hio/engine/doer.hpp"
#include "hio/io/transport.hpp"

namespace hio::test {

class ManualTransport final : public Transport {
 public:
  void start(ChannelPort started) override { port = started; }
  void service() override { ++services; }
  void close(std::string_view why) override { port.closed(CloseWho::local, why); }
  void reopen() override {
    ++reopens;
    port.opening();
  }
  Tyme due() const override { return due_tyme; }
  std::size_t in_flight() const override { return in_flight_bytes; }

  ChannelPort port;
  int services = 0;
  int reopens = 0;
  Tyme due_tyme = kTymeNever;
  std::size_t in_flight_bytes = 0;
};

// Makes ManualTransports and remembers them in creation order.
class ManualFactory final : public TransportFactory {
 public:
  std::unique_ptr<Transport> make(const Address&, ChannelRole, const ChannelOptions&) override {
    auto transport = std::make_unique<ManualTransport>();
    made.push_back(transport.get());
    return transport;
  }
  ManualTransport& last() { return *made.back(); }
  // What SimNet does when no channel is left to carry a noise decision.
  void network_noise(IoHub& hub, NoiseKind kind, std::string_view bytes, std::string_view peer,
                     std::string_view detail) {
    hub.noise(noise_key(), kind, bytes, peer, detail);
  }

  std::vector<ManualTransport*> made;  // owned by their channels
};

class ParkedProbe final : public Doer {
 public:
  explicit ParkedProbe(std::string name, std::function<void()> on_run = {})
      : Doer(std::move(name)), on_run_(std::move(on_run)) {}
  int runs = 0;

 protected:
  void enter() override { park(); }
  bool recur(Tyme) override {
    ++runs;
    if (on_run_) on_run_();
    park();
    return false;
  }

 private:
  std::function<void()> on_run_;
};

}  // namespace hio::test
