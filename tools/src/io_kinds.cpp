// The IO doer kinds of scenarios: echo_server and echo_client, over any
// stream address (tcp://, tls://, sim://). They publish counters for
// expectations.
#include <algorithm>
#include <memory>

#include "hio/io/address.hpp"
#include "hio/io/echo_server_doer.hpp"
#include "hio/io/tcp_client_doer.hpp"
#include "hio/tools/registry.hpp"

namespace hio::tools {

namespace {

class EchoServer final : public EchoServerDoer {
 public:
  EchoServer(const DoerSpec& spec, BuildContext& context)
      : EchoServerDoer(context.io, context.resolve(spec.string("address")), options(spec),
                       spec.name) {
    if (listener().open()) {
      const Address& where = listener().address();
      context.endpoints[spec.name] =
          std::string(to_string(where.scheme)) + "://" + listener().local();
    }
    context.counters.add(spec.name + ".accepted", [this] { return accepted_; });
    context.counters.add(spec.name + ".remotes",
                         [this] { return static_cast<std::int64_t>(remotes().size()); });
  }

 private:
  static ChannelOptions options(const DoerSpec& spec) {
    ChannelOptions o;
    o.name = spec.name;
    return o;
  }
  void on_accept(Channel& remote) override {
    ++accepted_;
    EchoServerDoer::on_accept(remote);
  }

  std::int64_t accepted_ = 0;
};

// Sends `messages` messages of `size` bytes, one at a time: the next once the
// previous one came back whole (and after `interval`); done when all came
// back. The payload is a deterministic pattern, different per message.
class EchoClient final : public TcpClientDoer {
 public:
  EchoClient(const DoerSpec& spec, BuildContext& context)
      : TcpClientDoer(context.io, context.resolve(spec.string("address")), options(spec),
                      spec.name),
        messages_(spec.integer("messages")),
        size_(static_cast<std::size_t>(spec.integer("size"))),
        interval_(spec.duration("interval")) {
    if (spec.integer("size") <= 0) throw std::invalid_argument("size must be > 0");
    if (messages_ < 0) throw std::invalid_argument("messages must be >= 0");
    CounterBoard& c = context.counters;
    c.add(spec.name + ".sent_messages", [this] { return sent_messages_; });
    c.add(spec.name + ".sent_bytes", [this] { return sent_bytes_; });
    c.add(spec.name + ".rx_bytes", [this] { return rx_bytes_; });
    c.add(spec.name + ".echoed", [this] { return echoed_; });
    c.add(spec.name + ".mismatches", [this] { return mismatches_; });
    c.add(spec.name + ".connections",
          [this] { return static_cast<std::int64_t>(channel().connects()); });
  }

 private:
  static ChannelOptions options(const DoerSpec& spec) {
    ChannelOptions o;
    o.name = spec.name;
    o.retry = spec.duration("retry");
    return o;
  }

  std::string payload(std::int64_t index) const {
    std::string bytes(size_, '\0');
    for (std::size_t i = 0; i < size_; ++i) {
      bytes[i] = static_cast<char>('a' + (static_cast<std::size_t>(index) * 7 + i) % 26);
    }
    return bytes;
  }

  void enter() override {
    TcpClientDoer::enter();
    sent_messages_ = sent_bytes_ = rx_bytes_ = echoed_ = mismatches_ = 0;
    pending_.clear();
    outgoing_.clear();
    next_send_ = Tyme{};
  }

  void serve(Channel& channel) override {
    // Read what came back and match it against what is owed.
    std::string got = channel.read(channel.rx_size());
    rx_bytes_ += static_cast<std::int64_t>(got.size());
    received_ += got;
    while (!pending_.empty() && received_.size() >= pending_.size()) {
      if (received_.compare(0, pending_.size(), pending_) == 0) {
        ++echoed_;
      } else {
        ++mismatches_;
      }
      received_.erase(0, pending_.size());
      pending_.clear();
    }
    if (channel.state() != ChannelState::connected) return;
    if (pending_.empty() && outgoing_.empty() && sent_messages_ < messages_ &&
        tyme() >= next_send_) {
      outgoing_ = payload(sent_messages_);
      pending_ = outgoing_;
      ++sent_messages_;
      next_send_ = tyme() + interval_;
    }
    if (!outgoing_.empty()) {
      std::size_t taken = channel.write(outgoing_);
      sent_bytes_ += static_cast<std::int64_t>(taken);
      outgoing_.erase(0, taken);
      if (!outgoing_.empty()) rerun();
    }
  }

  bool recur(Tyme tyme) override {
    TcpClientDoer::recur(tyme);
    // Waiting out the interval: no channel event will say when it is over.
    // (A wake while running voids this park, so nothing is missed.)
    if (pending_.empty() && outgoing_.empty() && sent_messages_ < messages_ && next_send_ > tyme &&
        channel().connected()) {
      park(std::min(channel().due(), next_send_));
    }
    return echoed_ + mismatches_ >= messages_;
  }

  std::int64_t messages_;
  std::size_t size_;
  Tock interval_;
  std::int64_t sent_messages_ = 0, sent_bytes_ = 0, rx_bytes_ = 0, echoed_ = 0, mismatches_ = 0;
  std::string pending_;   // the message owed back
  std::string outgoing_;  // what tx has not taken yet
  std::string received_;
  Tyme next_send_{};
};

}  // namespace

void add_io_kinds(DoerRegistry& registry) {
  registry.add(KindSpec{
      "echo_server",
      "listens on a stream address and sends every remote back what it sent "
      "(counters: accepted, remotes)",
      {{"address", ParamType::string, "where to listen, e.g. \"tcp://127.0.0.1:9000\"", {}}},
      [](const DoerSpec& spec, BuildContext& context) -> std::unique_ptr<Doer> {
        return std::make_unique<EchoServer>(spec, context);
      },
      false});
  registry.add(KindSpec{
      "echo_client",
      "connects, sends messages one at a time and checks each comes back (counters: "
      "sent_messages, sent_bytes, rx_bytes, echoed, mismatches, connections)",
      {{"address", ParamType::string, "where to connect", {}},
       {"messages", ParamType::integer, "how many messages", ParamValue{std::int64_t{10}}},
       {"size", ParamType::integer, "bytes per message", ParamValue{std::int64_t{32}}},
       {"interval", ParamType::duration, "least tyme between sends", ParamValue{Tock{0}}},
       {"retry", ParamType::duration, "reconnect after this long; 0 = never", ParamValue{Tock{0}}}},
      [](const DoerSpec& spec, BuildContext& context) -> std::unique_ptr<Doer> {
        return std::make_unique<EchoClient>(spec, context);
      },
      false});
}

}  // namespace hio::tools
