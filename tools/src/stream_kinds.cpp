// The stream kinds: echo_server and echo_client over any stream address
// (tcp://, tls://, sim://).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hio/io/address.hpp"
#include "hio/io/echo_server_doer.hpp"
#include "hio/io/tcp_client_doer.hpp"
#include "hio/tools/registry.hpp"
#include "io_kind_options.hpp"
#include "io_kind_support.hpp"
#include "io_kinds.hpp"
#include "message_pattern.hpp"

namespace hio::tools {

namespace {

// A stream doer's address and channel options, every key checked before any
// mistake is thrown (ParamErrors). The tls_* keys are checked against the
// address as written when it cannot be resolved, if that is a tls:// one.
struct StreamSetup {
  std::string address;
  ChannelOptions options;
};

template <typename Address, typename Options>
StreamSetup stream_setup(const DoerSpec& spec, ParamProblems& problems, Address&& address,
                         Options&& options) {
  const std::optional<std::string> resolved = problems.attempt(address);
  const std::string& written = spec.string("address");
  std::optional<ChannelOptions> o;
  if (resolved || written.rfind("tls://", 0) == 0) {
    o = problems.attempt([&] { return options(resolved.value_or(written)); });
  }
  problems.throw_if_any();
  return StreamSetup{*resolved, *o};
}

class EchoServer final : public EchoServerDoer {
 public:
  EchoServer(const DoerSpec& spec, BuildContext& context)
      : EchoServer(spec, context, setup(spec, context)) {}

 private:
  // The address is resolved and claimed once, before the options are read:
  // a scenario with several mistakes gets its errors in one order whatever
  // the compiler's order of evaluating arguments.
  static StreamSetup setup(const DoerSpec& spec, BuildContext& context) {
    ParamProblems problems;
    return stream_setup(
        spec, problems, [&] { return claimed_address(spec, context, "stream"); },
        [&](const std::string& address) { return options(spec, context, address); });
  }
  EchoServer(const DoerSpec& spec, BuildContext& context, const StreamSetup& setup)
      : EchoServerDoer(context.io, setup.address, setup.options, spec.name),
        idle_timeout_(spec.duration("idle_timeout")) {
    context.publish(spec.name, listener());
    context.counters.add(spec.name + ".accepted", accepted_);
    context.counters.add(spec.name + ".remotes",
                         [this] { return static_cast<std::int64_t>(remotes().size()); });
    context.counters.add(spec.name + ".idle_closed", idle_closed_);
  }

  static ChannelOptions options(const DoerSpec& spec, BuildContext& context,
                                const std::string& address) {
    ChannelOptions o = buffered(spec);
    o.remotes_max = bounded(spec, "remotes_max", kRemotesMax);
    o.tls = tls_options(spec, context, address, true);
    set_stream_timeouts(spec, address, o);  // after tls: it sets o.tls's timeout
    return o;
  }
  void enter() override {
    EchoServerDoer::enter();
    idle_closed_ = 0;
    activity_.clear();
  }
  void on_accept(Channel& remote) override {
    ++accepted_;
    if (idle_timeout_ > Tock{0}) activity_[remote.id()] = Activity{tyme(), 0, 0};
    EchoServerDoer::on_accept(remote);
  }
  // idle_timeout: a remote that has sent nothing new and taken nothing from
  // its tx for that long is closed, so that peers that never read nor close
  // cannot hold every remotes_max place for good. Activity is read from the
  // buffers between visits: rx grew (bytes arrived), tx shrank (the
  // transport took bytes), both on the record as events.
  void serve(Channel& remote) override {
    const std::size_t rx_before = remote.rx_size();
    const std::size_t tx_before = remote.tx_size();
    EchoServerDoer::serve(remote);
    const auto it = activity_.find(remote.id());
    if (it == activity_.end() || !remote.open()) return;
    Activity& a = it->second;
    if (rx_before > a.rx_after || tx_before < a.tx_after) a.last = tyme();
    a.rx_after = remote.rx_size();
    a.tx_after = remote.tx_size();
    const Tyme deadline = tyme_after(a.last, idle_timeout_);
    if (tyme() >= deadline) {
      ++idle_closed_;
      remote.close("idle for " + format_seconds(idle_timeout_) + " s");
      return;
    }
    wake_at(deadline);
  }
  void on_close(Channel& remote) override {
    activity_.erase(remote.id());
    EchoServerDoer::on_close(remote);
  }

  struct Activity {
    Tyme last;             // when it last sent or took bytes (or was accepted)
    std::size_t rx_after;  // rx and tx sizes after its last visit
    std::size_t tx_after;
  };
  Tock idle_timeout_;
  std::map<std::uint32_t, Activity> activity_;  // by channel id; idle_timeout only
  Counter accepted_, idle_closed_;
};

// Sends `messages` messages of `size` bytes, one at a time: the next once the
// previous one came back whole (and after `interval`); done when all came
// back. The payload is a deterministic pattern, different per message. A
// message in flight when the connection ended (unanswered, or answered in
// part) is sent again, from its start, on the next connection (retry): the
// bytes of its echo that came back before the drop are discarded, as the
// new connection's echo starts over.
class EchoClient final : public EndsWhenLost<TcpClientDoer> {
 public:
  EchoClient(const DoerSpec& spec, BuildContext& context)
      : EchoClient(spec, context, setup(spec, context)) {}

 private:
  // As EchoServer's: the address once, before the options; every key checked.
  static StreamSetup setup(const DoerSpec& spec, BuildContext& context) {
    ParamProblems problems;
    if (spec.integer("size") <= 0 || spec.integer("size") > kMessageBytesMax) {
      problems.add("size", "size must be from 1 to " + std::to_string(kMessageBytesMax));
    }
    if (spec.integer("messages") < 0) problems.add("messages", "messages must be >= 0");
    return stream_setup(
        spec, problems, [&] { return client_address(spec, context); },
        [&](const std::string& address) { return options(spec, context, address); });
  }
  EchoClient(const DoerSpec& spec, BuildContext& context, const StreamSetup& setup)
      : EndsWhenLost(context.io, setup.address, setup.options, spec.name),
        messages_(spec.integer("messages")),
        size_(static_cast<std::size_t>(spec.integer("size"))),
        interval_(spec.duration("interval")) {
    CounterBoard& c = context.counters;
    c.add(spec.name + ".sent_messages", sent_messages_);
    c.add(spec.name + ".sent_bytes", sent_bytes_);
    c.add(spec.name + ".rx_bytes", rx_bytes_);
    c.add(spec.name + ".echoed", echoed_);
    c.add(spec.name + ".mismatches", mismatches_);
    c.add(spec.name + ".resent", resent_);
    c.add(spec.name + ".unexpected_bytes", unexpected_bytes_);
    add_connections(c, spec.name, *this);
  }

  static ChannelOptions options(const DoerSpec& spec, BuildContext& context,
                                const std::string& address) {
    ChannelOptions o = buffered(spec);
    o.connect_timeout = spec.duration("connect_timeout");
    o.retry = spec.duration("retry");
    o.tls = tls_options(spec, context, address, false);
    set_stream_timeouts(spec, address, o);  // after tls: it sets o.tls's timeout
    return o;
  }
  static std::string client_address(const DoerSpec& spec, BuildContext& context) {
    std::string address = context.address(spec, "address");
    // Port 0 is no listener's: SimNet refuses it when the channel is made,
    // and a real connect is refused by the OS at every attempt. Blamed on
    // the key.
    if (const AddressResult parsed = parse_address(address);
        parsed.ok() && has_host_port(parsed.value().scheme) && parsed.value().port == 0) {
      throw ParamError("address",
                       "cannot connect to " + address + ": port 0 is no port a listener can have");
    }
    context.choose_client_host(address, spec.string("host"));
    return address;
  }

  std::string payload(std::int64_t index) const { return patterned("", index, 7, size_); }

  void enter() override {
    EndsWhenLost::enter();
    sent_messages_ = 0;
    sent_bytes_ = 0;
    rx_bytes_ = 0;
    echoed_ = 0;
    mismatches_ = 0;
    resent_ = 0;
    unexpected_bytes_ = 0;
    pending_.clear();
    exchange_.clear();
    next_send_ = Tyme{};
  }

  void serve(Channel& channel) override {
    // Read what came back and match it against what is owed.
    rx_bytes_ += static_cast<std::int64_t>(exchange_.read(channel));
    while (!pending_.empty() && exchange_.received.size() >= pending_.size()) {
      if (exchange_.received.compare(0, pending_.size(), pending_) == 0) {
        ++echoed_;
      } else {
        ++mismatches_;
      }
      exchange_.received.erase(0, pending_.size());
      pending_.clear();
    }
    if (pending_.empty() && !exchange_.received.empty()) {
      // Bytes nobody asked for (the next message is sent only once this
      // one's echo is whole): counted and dropped, so that they neither
      // spoil the next echo nor pile up while a peer keeps sending.
      unexpected_bytes_ += static_cast<std::int64_t>(exchange_.received.size());
      exchange_.received.clear();
    }
    if (channel.state() != ChannelState::connected) return;
    if (exchange_.new_connection(channel)) {
      // A new connection (the first, or a reconnect): what was in flight on
      // the last one is lost with it. rx was read above, so an echo that
      // came back whole before the drop has been counted.
      if (!pending_.empty()) {
        exchange_.outgoing.assign(pending_);
        ++resent_;
      }
    }
    if (pending_.empty() && exchange_.outgoing.empty() && sent_messages_ < messages_ &&
        tyme() >= next_send_) {
      pending_ = payload(sent_messages_);
      exchange_.outgoing.assign(pending_);
      ++sent_messages_;
      next_send_ = tyme_after(tyme(), interval_);
    }
    if (!exchange_.outgoing.empty()) {
      // What tx could not take waits for room: the transport taking tx
      // bytes wakes this doer (the channel's waiter), so it parks meanwhile
      // rather than polling every pass, and time skipping goes on.
      sent_bytes_ += static_cast<std::int64_t>(exchange_.outgoing.write_to(channel));
    }
  }

  bool recur(Tyme tyme) override {
    TcpClientDoer::recur(tyme);
    if (echoed_ + mismatches_ < messages_ && lost()) return true;
    // Waiting out the interval: no channel event will say when it is over.
    // (A wake while running voids this park, so nothing is missed.)
    if (pending_.empty() && exchange_.outgoing.empty() && sent_messages_ < messages_ &&
        next_send_ > tyme && channel().connected()) {
      park(std::min(channel().due(), next_send_));
    }
    return echoed_ + mismatches_ >= messages_;
  }

  // The interval took its next send past the end of tyme (tyme_after
  // saturated): a stall with this doer parked for it ran out of tyme, not
  // of input (Doist::ran_out_of_tyme).
  bool waits_past_end_of_tyme() const override {
    return pending_.empty() && sent_messages_ < messages_ && next_send_ == kTymeNever;
  }

  std::int64_t messages_;
  std::size_t size_;
  Tock interval_;
  Counter sent_messages_, sent_bytes_, rx_bytes_, echoed_, mismatches_, resent_, unexpected_bytes_;
  std::string pending_;  // the message owed back
  Exchange exchange_;    // what tx has not taken yet, what rx gave
  Tyme next_send_{};
};

}  // namespace

void add_stream_kinds(DoerRegistry& registry) {
  add_with(
      registry,
      KindSpec{
          "echo_server",
          "listens on a stream address and sends every remote back what it sent "
          "(counters: accepted, remotes, idle_closed)",
          {{"address", ParamType::string, "where to listen, e.g. \"tcp://127.0.0.1:9000\"", {}},
           {"tls_cert", ParamType::string,
            "tls:// only: this server's certificate (PEM file; with its key after it if no "
            "tls_key)",
            ParamValue{std::string()}},
           {"tls_key", ParamType::string, "tls:// only: its private key (PEM file)",
            ParamValue{std::string()}},
           {"tls_ca", ParamType::string,
            "tls:// only: the CA client certificates are checked against",
            ParamValue{std::string()}},
           {"tls_client_cert", ParamType::boolean, "tls:// only: require a client certificate",
            ParamValue{false}},
           tls_min_version_param(),
           {"remotes_max", ParamType::integer,
            "accepted remotes alive at once; at the limit it stops accepting",
            ParamValue{static_cast<std::int64_t>(ChannelOptions{}.remotes_max)}},
           {"idle_timeout", ParamType::duration,
            "close a remote that has sent nothing and taken nothing of its echo for this long; "
            "0 = never",
            ParamValue{Tock{0}}}},
          factory_of<EchoServer>(),
          false},
      [] {
        std::vector<ParamSpec> p = buffer_params();
        const std::vector<ParamSpec> timeouts = stream_timeout_params();
        p.insert(p.end(), timeouts.begin(), timeouts.end());
        return p;
      }());
  add_with(
      registry,
      KindSpec{
          "echo_client",
          "connects, sends messages one at a time and checks each comes back; with retry, resends "
          "the message in flight after a reconnect (counters: sent_messages, sent_bytes, rx_bytes, "
          "echoed, mismatches, resent, unexpected_bytes, connections)",
          {{"address", ParamType::string, "where to connect", {}},
           {"messages", ParamType::integer, "how many messages", ParamValue{std::int64_t{10}}},
           {"size", ParamType::integer, "bytes per message", ParamValue{std::int64_t{32}}},
           {"interval", ParamType::duration, "least tyme between sends", ParamValue{Tock{0}}},
           {"retry", ParamType::duration, "reconnect after this long; 0 = never",
            ParamValue{Tock{0}}},
           {"host", ParamType::string,
            "sim:// only: the host it connects from (default: net.client_host)",
            ParamValue{std::string()}},
           {"tls_ca", ParamType::string,
            "tls:// only: the CA the server is checked against (default: the system's)",
            ParamValue{std::string()}},
           {"tls_cert", ParamType::string,
            "tls:// only: a client certificate (PEM file; with its key after it if no tls_key)",
            ParamValue{std::string()}},
           {"tls_key", ParamType::string, "tls:// only: its private key (PEM file)",
            ParamValue{std::string()}},
           {"tls_verify", ParamType::boolean,
            "tls:// only: verify the server (false only for diagnostics)", ParamValue{true}},
           {"tls_server_name", ParamType::string,
            "tls:// only: the name checked and sent as SNI (default: the address's host)",
            ParamValue{std::string()}},
           tls_min_version_param()},
          factory_of<EchoClient>(),
          false},
      [] {
        std::vector<ParamSpec> p = buffer_params();
        p.push_back({"connect_timeout", ParamType::duration,
                     "give up a connect still opening after this long (then retry applies); 0 = "
                     "the OS's verdict",
                     ParamValue{Tock{0}}});
        const std::vector<ParamSpec> timeouts = stream_timeout_params();
        p.insert(p.end(), timeouts.begin(), timeouts.end());
        return p;
      }());
}

}  // namespace hio::tools
