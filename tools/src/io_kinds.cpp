// The IO doer kinds of scenarios: echo_server and echo_client over any
// stream address (tcp://, tls://, sim://), udp_responder and udp_requester
// over datagrams (udp://, sim://), serial_echo and serial_sender over serial
// lines (serial://, sim-serial://). They publish counters for expectations.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hio/io/address.hpp"
#include "hio/io/echo_server_doer.hpp"
#include "hio/io/serial_doer.hpp"
#include "hio/io/tcp_client_doer.hpp"
#include "hio/io/udp_peer_doer.hpp"
#include "hio/tools/registry.hpp"
#include "ip_text.hpp"

namespace hio::tools {

namespace {

// tls_min_version's words: "1.2" (the default) or "1.3".
TlsVersion tls_min_version(const DoerSpec& spec) {
  const std::string& text = spec.string("tls_min_version");
  for (const TlsVersion version : {TlsVersion::tls1_2, TlsVersion::tls1_3}) {
    if (text == to_string(version)) return version;
  }
  throw ParamError("tls_min_version",
                   "tls_min_version must be \"1.2\" or \"1.3\", not \"" + text + "\"");
}

// The tls_* parameters of a stream doer (PEM files relative to the
// scenario). They apply to tls:// addresses only; a listener must have a
// certificate and its key (tls_key, or in the tls_cert file after the
// certificates).
TlsOptions tls_options(const DoerSpec& spec, BuildContext& context, const std::string& address,
                       bool listener) {
  TlsOptions tls;
  tls.min_version = tls_min_version(spec);
  tls.cert_file = context.file_path(spec.string("tls_cert"));
  tls.key_file = context.file_path(spec.string("tls_key"));
  tls.ca_file = context.file_path(spec.string("tls_ca"));
  if (listener) {
    tls.require_client_cert = spec.boolean("tls_client_cert");
  } else {
    tls.verify = spec.boolean("tls_verify");
    tls.server_name = spec.string("tls_server_name");
  }
  if (address.rfind("tls://", 0) != 0) {
    for (const char* key : {"tls_cert", "tls_key", "tls_ca", "tls_server_name"}) {
      if (spec.has(key) && !spec.string(key).empty()) {
        throw ParamError(key, std::string(key) + " applies to tls:// addresses only");
      }
    }
    if (tls.require_client_cert) {
      throw ParamError("tls_client_cert", "tls_client_cert applies to tls:// addresses only");
    }
    if (!tls.verify) throw ParamError("tls_verify", "tls_verify applies to tls:// addresses only");
    if (tls.min_version != TlsOptions{}.min_version) {
      throw ParamError("tls_min_version", "tls_min_version applies to tls:// addresses only");
    }
    return TlsOptions{};
  }
  if (listener && tls.cert_file.empty()) {
    throw ParamError("address",
                     "a tls:// listener needs tls_cert and tls_key (PEM files; or tls_cert alone "
                     "holding both)");
  }
  if (tls.require_client_cert && tls.ca_file.empty()) {
    throw ParamError("tls_client_cert",
                     "tls_client_cert = true needs tls_ca (the CA clients are checked against)");
  }
  if (tls.cert_file.empty() && !tls.key_file.empty()) {
    throw ParamError("tls_key", "tls_key needs tls_cert (the certificate of that key)");
  }
  // A file that cannot be used (unreadable, not PEM, a key that does not
  // match its certificate) is a mistake in the scenario, found by check and
  // blamed on its key, not a channel failing when the run starts. (A replay
  // needs none of them: its bytes come from the journal.)
  if (!context.replaying) {
    if (const std::optional<TlsProblem> problem = validate(tls)) {
      using Option = TlsProblem::Option;
      // A key missing from a tls_cert that was to hold it is tls_cert's.
      const bool key_in_cert = problem->option == Option::key_file && tls.key_file.empty();
      const char* key = problem->option == Option::cert_file || key_in_cert ? "tls_cert"
                        : problem->option == Option::key_file               ? "tls_key"
                        : problem->option == Option::ca_file                ? "tls_ca"
                                                                            : "address";
      throw ParamError(key, problem->message);
    }
  }
  return tls;
}

// The channel limits a scenario may set (ChannelOptions' fields of the same
// names), bounded so that a scenario cannot make a channel allocate without
// limit (buffers: kBufferBytesMax, scenario.hpp).
constexpr std::int64_t kRemotesMax = 1'000'000;
constexpr std::int64_t kUdpDatagramBytesMax = 65'507;  // an IPv4 UDP payload's most

std::size_t bounded(const DoerSpec& spec, const char* key, std::int64_t high) {
  const std::int64_t value = spec.integer(key);
  if (value < 1 || value > high) {
    throw ParamError(key, std::string(key) + " must be from 1 to " + std::to_string(high) +
                              ", not " + std::to_string(value));
  }
  return static_cast<std::size_t>(value);
}

// Whether the scenario wrote `key` (a default the loader filled in has the
// doer's own position).
bool written(const DoerSpec& spec, std::string_view key) {
  const auto it = spec.params.find(key);
  return it != spec.params.end() &&
         (it->second.pos.line != spec.pos.line || it->second.pos.column != spec.pos.column);
}

// rx_bytes_max and tx_bytes_max: every kind's channel has its buffers. Both
// are checked before either is thrown (ParamErrors).
ChannelOptions buffered(const DoerSpec& spec) {
  ParamProblems problems;
  ChannelOptions o;
  o.name = spec.name;
  // (Not a structured binding: clang before 16 cannot capture one in a lambda.)
  for (const auto& buffer :
       {std::pair{"rx_bytes_max", &o.rx_bytes_max}, std::pair{"tx_bytes_max", &o.tx_bytes_max}}) {
    if (auto v = problems.attempt([&] { return bounded(spec, buffer.first, kBufferBytesMax); })) {
      *buffer.second = *v;
    }
  }
  problems.throw_if_any();
  return o;
}

// A datagram kind's options: the buffers and datagram_bytes_max, which must
// fit in both (a larger datagram could never be queued).
// Every key is checked before any mistake is thrown (ParamErrors); a limit
// that does not fit a buffer is blamed on the key the scenario wrote
// (datagram_bytes_max if written, else the buffer's).
ChannelOptions datagram_options(const DoerSpec& spec) {
  ParamProblems problems;
  const std::optional<ChannelOptions> buffers = problems.attempt([&] { return buffered(spec); });
  const std::optional<std::size_t> largest =
      problems.attempt([&] { return bounded(spec, "datagram_bytes_max", kUdpDatagramBytesMax); });
  if (buffers && largest) {
    for (const auto& [key, bytes] : {std::pair{"rx_bytes_max", buffers->rx_bytes_max},
                                     std::pair{"tx_bytes_max", buffers->tx_bytes_max}}) {
      if (*largest <= bytes) continue;
      problems.add(written(spec, "datagram_bytes_max") ? "datagram_bytes_max" : key,
                   "datagram_bytes_max (" + std::to_string(*largest) + ") must not exceed " + key +
                       " (" + std::to_string(bytes) + "): such a datagram could never be queued");
    }
  }
  problems.throw_if_any();
  ChannelOptions o = *buffers;
  o.datagram_bytes_max = *largest;
  return o;
}

// A duration key that applies to the addresses of some schemes only: sets
// `field` for those; for another address a value other than the default is
// a mistake (as tls_verify = false is), "<key> applies to <which> only".
void set_scheme_duration(const DoerSpec& spec, const char* key, const std::string& address,
                         std::initializer_list<std::string_view> schemes, const char* which,
                         Tock& field) {
  const Tock value = spec.duration(key);
  for (const std::string_view scheme : schemes) {
    if (address.starts_with(scheme)) {
      field = value;
      return;
    }
  }
  if (value != field) throw ParamError(key, std::string(key) + " applies to " + which + " only");
}

// handshake_timeout: tls:// only. close_linger: tcp:// and tls:// (a real
// socket's close; wall time, docs/io.md "Closing"). `o` holds the defaults.
void set_stream_timeouts(const DoerSpec& spec, const std::string& address, ChannelOptions& o) {
  set_scheme_duration(spec, "handshake_timeout", address, {"tls://"}, "tls:// addresses",
                      o.tls.handshake_timeout);
  set_scheme_duration(spec, "close_linger", address, {"tcp://", "tls://"},
                      "tcp:// and tls:// addresses", o.close_linger);
}

// A serial kind's options: the buffers; retry: the device is opened again on
// the channel's retry grid after it hung up or failed to open; close_linger:
// serial:// only (a real line drains a write in flight at a close, as a TCP
// socket does; docs/io.md "Serial ports and the console").
ChannelOptions serial_options(const DoerSpec& spec, const std::string& address) {
  ChannelOptions o = buffered(spec);
  o.retry = spec.duration("retry");
  set_scheme_duration(spec, "close_linger", address, {"serial://"}, "serial:// addresses",
                      o.close_linger);
  return o;
}

// The ParamSpecs of the keys above, for the kinds' tables.
std::vector<ParamSpec> buffer_params() {
  const ChannelOptions d;
  return {{"rx_bytes_max", ParamType::integer, "the channel's rx buffer (bytes)",
           ParamValue{static_cast<std::int64_t>(d.rx_bytes_max)}},
          {"tx_bytes_max", ParamType::integer, "the channel's tx buffer (bytes)",
           ParamValue{static_cast<std::int64_t>(d.tx_bytes_max)}}};
}
// A serial kind's: the buffers and retry.
std::vector<ParamSpec> serial_params() {
  std::vector<ParamSpec> p = buffer_params();
  p.push_back({"retry", ParamType::duration,
               "reopen the device after a hang-up or a failed open (an adapter plugged back in), "
               "on a grid of this step; 0 = never",
               ParamValue{Tock{0}}});
  p.push_back({"close_linger", ParamType::duration,
               "serial:// only: a close whose write to a device that takes no bytes is still in "
               "flight cuts it after this long of wall time; 0 = never",
               ParamValue{ChannelOptions{}.close_linger}});
  return p;
}
std::vector<ParamSpec> datagram_params() {
  std::vector<ParamSpec> p = buffer_params();
  p.push_back({"datagram_bytes_max", ParamType::integer,
               "the largest datagram sent or received (bytes); larger ones are errors",
               ParamValue{static_cast<std::int64_t>(ChannelOptions{}.datagram_bytes_max)}});
  return p;
}
// tls_min_version, a key of both echo kinds.
ParamSpec tls_min_version_param() {
  return {"tls_min_version", ParamType::string,
          "tls:// only: the oldest TLS version spoken, \"1.2\" or \"1.3\"",
          ParamValue{std::string(to_string(TlsOptions{}.min_version))}};
}
// The keys of set_stream_timeouts.
std::vector<ParamSpec> stream_timeout_params() {
  return {{"handshake_timeout", ParamType::duration,
           "tls:// only: fail a handshake unfinished this long after the TCP connection; 0 = "
           "never",
           ParamValue{TlsOptions{}.handshake_timeout}},
          {"close_linger", ParamType::duration,
           "tcp:// and tls:// only: a close whose write to a peer that does not read is still "
           "in flight resets the connection after this long of wall time; 0 = never",
           ParamValue{ChannelOptions{}.close_linger}}};
}
// Registers `kind` with the channel keys `extra` after its own.
void add_with(DoerRegistry& registry, KindSpec kind, const std::vector<ParamSpec>& extra) {
  kind.params.insert(kind.params.end(), extra.begin(), extra.end());
  registry.add(std::move(kind));
}

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
        spec, problems, [&] { return listen_address(spec, context); },
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
  static std::string listen_address(const DoerSpec& spec, BuildContext& context) {
    std::string address = context.address(spec, "address");
    context.claim(spec, "address", address, "stream");
    return address;
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
// Bounds of the kinds' size parameters: a scenario must not make a doer
// allocate without limit, nor ask for a datagram no UDP can carry.
constexpr std::int64_t kMessageBytesMax = 16 * 1024 * 1024;
// The numbers udp_requester and serial_sender write into their payloads have
// 8 and 6 digits: beyond these counts a reply would be matched against the
// wrong payload (its number taken modulo 10^8 or 10^6) and never be intact.
constexpr std::int64_t kRequestsMax = 100'000'000;
constexpr std::int64_t kLinesMax = 1'000'000;

// The bytes a doer has still to write of a message, taken by the channel's
// tx from the front as it has room: an offset moves. (Erasing what tx took
// from the front of a string moved the rest every time, so a message that
// tx takes in many pieces cost time in proportion to its size squared: a 16
// MiB echo_client message, 256 writes of 64 KiB, 8x the time of 4 MiB.)
class Outgoing {
 public:
  bool empty() const { return head_ == bytes_.size(); }
  void assign(std::string bytes) {
    bytes_ = std::move(bytes);
    head_ = 0;
  }
  void clear() { assign({}); }
  // Writes what tx takes of the rest; returns how many bytes it took.
  std::size_t write_to(Channel& channel) {
    const std::size_t taken = channel.write(std::string_view(bytes_).substr(head_));
    head_ += taken;
    return taken;
  }

 private:
  std::string bytes_;
  std::size_t head_ = 0;
};

// A client doer that ends once its channel is lost for good: failed or closed
// with no retry to open it again (ChannelOptions::retry 0), so it can send no
// more. It ends not done (done() false; the failure or close is on record),
// and a run with no limit ends when its other doers have, in real time as in
// virtual time, rather than waiting for ever for bytes that cannot go.
template <typename Base>
class EndsWhenLost : public Base {
 protected:
  using Base::Base;
  // recur's result once the channel is lost for good: true ends the doer.
  bool lost() {
    const Channel& channel = this->channel();
    lost_ = !channel.open() && channel.options().retry == Tock{0};
    return lost_;
  }
  void enter() override {
    Base::enter();
    lost_ = false;
  }
  void clean() override {
    Base::clean();
    if (lost_) this->set_done(false);
  }

 private:
  bool lost_ = false;
};

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
    c.add(spec.name + ".connections",
          [this] { return static_cast<std::int64_t>(channel().connects()); });
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

  std::string payload(std::int64_t index) const {
    std::string bytes(size_, '\0');
    for (std::size_t i = 0; i < size_; ++i) {
      bytes[i] = static_cast<char>('a' + (static_cast<std::size_t>(index) * 7 + i) % 26);
    }
    return bytes;
  }

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
    outgoing_.clear();
    received_.clear();
    connection_ = 0;
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
    if (pending_.empty() && !received_.empty()) {
      // Bytes nobody asked for (the next message is sent only once this
      // one's echo is whole): counted and dropped, so that they neither
      // spoil the next echo nor pile up while a peer keeps sending.
      unexpected_bytes_ += static_cast<std::int64_t>(received_.size());
      received_.clear();
    }
    if (channel.state() != ChannelState::connected) return;
    if (channel.connects() != connection_) {
      // A new connection (the first, or a reconnect): what was in flight on
      // the last one is lost with it. rx was read above, so an echo that
      // came back whole before the drop has been counted.
      connection_ = channel.connects();
      received_.clear();
      if (!pending_.empty()) {
        outgoing_.assign(pending_);
        ++resent_;
      }
    }
    if (pending_.empty() && outgoing_.empty() && sent_messages_ < messages_ &&
        tyme() >= next_send_) {
      pending_ = payload(sent_messages_);
      outgoing_.assign(pending_);
      ++sent_messages_;
      next_send_ = tyme_after(tyme(), interval_);
    }
    if (!outgoing_.empty()) {
      // What tx could not take waits for room: the transport taking tx
      // bytes wakes this doer (the channel's waiter), so it parks meanwhile
      // rather than polling every pass, and time skipping goes on.
      sent_bytes_ += static_cast<std::int64_t>(outgoing_.write_to(channel));
    }
  }

  bool recur(Tyme tyme) override {
    TcpClientDoer::recur(tyme);
    if (echoed_ + mismatches_ < messages_ && lost()) return true;
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
  Counter sent_messages_, sent_bytes_, rx_bytes_, echoed_, mismatches_, resent_, unexpected_bytes_;
  std::uint64_t connection_ = 0;  // channel().connects() as serve() last saw it
  std::string pending_;           // the message owed back
  Outgoing outgoing_;             // what tx has not taken yet
  std::string received_;
  Tyme next_send_{};
};

// A datagram doer's own address: parameter "address", which no other doer
// may have bound.
std::string bound_address(const DoerSpec& spec, BuildContext& context) {
  std::string address = context.address(spec, "address");
  context.claim(spec, "address", address, "datagram");
  return address;
}

// A serial doer's device: parameter "address", which no other doer may
// open (a second opener of a sim-serial:// end is refused as busy; two of a
// real device would each get part of the bytes).
std::string device_address(const DoerSpec& spec, BuildContext& context) {
  std::string address = context.address(spec, "address");
  context.claim(spec, "address", address, "serial");
  return address;
}

// Sends every datagram back to its sender.
class UdpResponder final : public UdpPeerDoer {
 public:
  UdpResponder(const DoerSpec& spec, BuildContext& context)
      : UdpPeerDoer(context.io, bound_address(spec, context), datagram_options(spec), spec.name) {
    context.publish(spec.name, channel());
    CounterBoard& c = context.counters;
    c.add(spec.name + ".rx_messages", rx_messages_);
    c.add(spec.name + ".rx_bytes", rx_bytes_);
    c.add(spec.name + ".tx_messages", tx_messages_);
    c.add(spec.name + ".tx_bytes", tx_bytes_);
    c.add(spec.name + ".refused", refused_);
  }

 private:
  void enter() override {
    UdpPeerDoer::enter();
    rx_messages_ = 0;
    rx_bytes_ = 0;
    tx_messages_ = 0;
    tx_bytes_ = 0;
    refused_ = 0;
  }
  void serve(Channel& channel) override {
    while (std::optional<Datagram> d = channel.receive()) {
      ++rx_messages_;
      rx_bytes_ += static_cast<std::int64_t>(d->bytes.size());
      if (channel.send(d->peer, d->bytes)) {
        ++tx_messages_;
        tx_bytes_ += static_cast<std::int64_t>(d->bytes.size());
      } else {
        ++refused_;  // tx full: a real responder would drop it too, but counted
      }
    }
  }

  Counter rx_messages_, rx_bytes_, tx_messages_, tx_bytes_, refused_;
};

// Strips "scheme://" from a resolved "@name" so it is a datagram peer.
std::string datagram_peer(const std::string& address) {
  const std::size_t at = address.find("://");
  return at == std::string::npos ? address : address.substr(at + 3);
}

// Sends `requests` numbered requests to a peer, one every `interval` (not
// waiting for answers), and matches each response to its request: counts
// responses, duplicates, reordered ones (a lower number than one already
// seen), corrupt ones, those later than `timeout`, and datagrams from any
// sender but the peer (foreign: they answer nothing). Done when every
// request was answered or the last one's timeout passed.
class UdpRequester final : public UdpPeerDoer {
  // "to" as a datagram peer, "host:port": over sim:// its host must be one of
  // [net]'s, so it is checked as an address of the requester's own scheme.
  // A peer given with a scheme (or "@name" of a doer with one) must be on
  // the requester's own network: a datagram from udp:// cannot reach sim://.
  // The own address (bound and claimed) and the peer, with every key checked:
  // a ParamErrors thrown here when the own address cannot be had, else the
  // problems kept for the constructor, which adds the peer's (its channel
  // judges it) and throws them all.
  struct Setup {
    std::string own;
    std::string peer;  // "" if "to" is wrong
    ChannelOptions options;
    ParamProblems problems;
  };
  static Setup setup(const DoerSpec& spec, BuildContext& context) {
    Setup s;
    const std::optional<std::string> own =
        s.problems.attempt([&] { return bound_address(spec, context); });
    if (own) {
      s.own = *own;
      s.peer = s.problems.attempt([&] { return peer_address(spec, context); }).value_or("");
    }
    const std::optional<ChannelOptions> options =
        s.problems.attempt([&] { return datagram_options(spec); });
    const std::size_t largest =
        options ? options->datagram_bytes_max : ChannelOptions{}.datagram_bytes_max;
    if (options) s.options = *options;
    if (spec.integer("size") < 10 || spec.integer("size") > static_cast<std::int64_t>(largest)) {
      // Larger datagrams could never be sent: an error every pass, forever.
      s.problems.add(
          "size",
          "size must be from 10 to " + std::to_string(largest) +
              (largest == ChannelOptions{}.datagram_bytes_max ? "" : " (datagram_bytes_max)"));
    }
    if (spec.integer("requests") < 0 || spec.integer("requests") > kRequestsMax) {
      s.problems.add("requests", "requests must be from 0 to " + std::to_string(kRequestsMax) +
                                     " (a request's number has 8 digits)");
    }
    if (!own) s.problems.throw_if_any();
    return s;
  }

  static std::string peer_address(const DoerSpec& spec, BuildContext& context) {
    const std::string own = context.address(spec, "address");
    const std::string own_scheme = own.substr(0, own.find("://"));
    const std::string& written = spec.string("to");
    std::string resolved;
    try {
      resolved = context.resolve(written);
    } catch (const std::invalid_argument&) {
      // an unknown "@name": context.address below says so
    }
    if (const std::size_t sep = resolved.find("://"); sep != std::string::npos) {
      const std::string scheme = resolved.substr(0, sep);
      if (scheme != own_scheme) {
        throw ParamError(
            "to", "to = '" + written + "'" +
                      (written == resolved ? "" : " (the address '" + resolved + "')") + " is a " +
                      scheme + ":// address, and this doer sends datagrams over " + own_scheme +
                      ":// (address '" + own + "'): give a peer on the same network, as host:port");
      }
    }
    return datagram_peer(context.address(spec, "to", own_scheme));
  }

 public:
  UdpRequester(const DoerSpec& spec, BuildContext& context)
      : UdpRequester(spec, context, setup(spec, context)) {}

 private:
  UdpRequester(const DoerSpec& spec, BuildContext& context, Setup setup)
      : UdpPeerDoer(context.io, setup.own, setup.options, spec.name),
        peer_(setup.peer),
        requests_(spec.integer("requests")),
        size_(static_cast<std::size_t>(spec.integer("size"))),
        interval_(spec.duration("interval")),
        timeout_(spec.duration("timeout")) {
    // Asked of the channel's own transport, so the rule is the one send()
    // applies (an IP address for udp://, a [net] host for sim://, one
    // address family).
    if (!peer_.empty()) {
      if (std::string problem = channel().peer_problem(peer_); !problem.empty()) {
        setup.problems.add("to", "to = '" + peer_ + "': " + problem);
      }
    }
    setup.problems.throw_if_any();
    CounterBoard& c = context.counters;
    c.add(spec.name + ".sent", sent_);
    c.add(spec.name + ".tx_bytes", tx_bytes_);
    c.add(spec.name + ".rx_messages", rx_messages_);
    c.add(spec.name + ".rx_bytes", rx_bytes_);
    c.add(spec.name + ".responses", responses_);
    c.add(spec.name + ".duplicates", duplicates_);
    c.add(spec.name + ".reordered", reordered_);
    c.add(spec.name + ".corrupt", corrupt_);
    c.add(spec.name + ".late", late_);
    c.add(spec.name + ".lost", lost_);  // sent_ - responses_, kept as they change
    c.add(spec.name + ".foreign", foreign_);
  }

 private:
  std::string payload(std::int64_t seq) const {
    char head[16];
    std::snprintf(head, sizeof head, "%08lld:", static_cast<long long>(seq % 100'000'000));
    std::string bytes(head);
    for (std::size_t i = bytes.size(); i < size_; ++i) {
      bytes += static_cast<char>('a' + (static_cast<std::size_t>(seq) * 11 + i) % 26);
    }
    return bytes;
  }

  void enter() override {
    UdpPeerDoer::enter();
    sent_ = 0;
    tx_bytes_ = 0;
    rx_messages_ = 0;
    rx_bytes_ = 0;
    responses_ = 0;
    duplicates_ = 0;
    reordered_ = 0;
    corrupt_ = 0;
    late_ = 0;
    lost_ = 0;
    foreign_ = 0;
    highest_ = -1;
    window_.clear();
    gone_ = 0;
    first_ = 0;
    next_send_ = tyme();
  }

  void take(const Datagram& d) {
    ++rx_messages_;
    rx_bytes_ += static_cast<std::int64_t>(d.bytes.size());
    if (!same_peer(d.peer, peer_)) {
      // Not from the peer asked: whatever it holds, it answers nothing.
      ++foreign_;
      return;
    }
    std::int64_t seq = -1;
    if (d.bytes.size() == size_ && d.bytes[8] == ':') {
      seq = 0;
      for (std::size_t i = 0; i < 8 && seq >= 0; ++i) {
        const char c = d.bytes[i];
        seq = (c >= '0' && c <= '9') ? seq * 10 + (c - '0') : -1;
      }
    }
    if (seq < 0 || seq >= sent_ || d.bytes != payload(seq)) {
      ++corrupt_;
      return;
    }
    if (seq < first_) {
      // Its request left the window unanswered, more than `timeout` ago:
      // it stays lost, and this response is only late.
      ++late_;
      return;
    }
    Request& request = window_[gone_ + static_cast<std::size_t>(seq - first_)];
    if (request.answered) {
      ++duplicates_;
      return;
    }
    request.answered = true;
    ++responses_;
    --lost_;
    if (seq < highest_) ++reordered_;
    highest_ = std::max(highest_, seq);
    if (tyme() - request.sent_at > timeout_) ++late_;
  }

  void serve(Channel& channel) override {
    while (std::optional<Datagram> d = channel.receive())
      take(*d);
    while (sent_ < requests_ && tyme() >= next_send_) {
      std::string bytes = payload(sent_);
      // tx full: taking a datagram from it wakes this doer (the waiter).
      if (!channel.send(peer_, bytes)) break;
      ++sent_;
      ++lost_;
      tx_bytes_ += static_cast<std::int64_t>(bytes.size());
      window_.push_back(Request{tyme(), false});
      // The oldest requests leave once there are more than kWindow and they
      // are older than the timeout (a response to them would be late); the
      // vector sheds them when they are half of it.
      while (window_.size() - gone_ > kWindow && tyme() - window_[gone_].sent_at > timeout_) {
        ++gone_;
        ++first_;
      }
      if (gone_ > 0 && gone_ >= window_.size() / 2) {
        window_.erase(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(gone_));
        gone_ = 0;
      }
      next_send_ = tyme_after(tyme(), interval_);
    }
  }

  bool recur(Tyme tyme) override {
    UdpPeerDoer::recur(tyme);
    // The last request's deadline, saturating: interval and timeout may each
    // be up to 100 years, and a run without a limit reaches such tymes.
    const auto last_deadline = [this] { return tyme_after(window_.back().sent_at, timeout_); };
    if (sent_ == requests_ &&
        (responses_ == requests_ || requests_ == 0 || tyme >= last_deadline())) {
      return true;
    }
    // Timers no channel event announces: the next send, the last timeout.
    const Tyme timer = sent_ < requests_ ? next_send_ : last_deadline();
    if (timer > tyme) park(std::min(channel().due(), timer));
    return false;
  }

  std::string peer_;
  std::int64_t requests_;
  std::size_t size_;
  Tock interval_;
  Tock timeout_;
  Counter sent_, tx_bytes_, rx_messages_, rx_bytes_, responses_, duplicates_, reordered_, corrupt_,
      late_, lost_, foreign_;
  std::int64_t highest_ = -1;
  // The requests a response is matched against: the last kWindow sent, and
  // any sent within `timeout` (so memory follows the requests in flight,
  // not the run's length: 100,000,000 requests kept a send time and a bit
  // each, about 1 GB).
  static constexpr std::size_t kWindow = 4096;
  struct Request {
    Tyme sent_at;
    bool answered = false;
  };
  std::vector<Request> window_;  // window_[gone_] on: the window
  std::size_t gone_ = 0;
  std::int64_t first_ = 0;  // the number of window_[gone_]
  Tyme next_send_{};
};

// A serial kind's `connections`: the opens of its device that succeeded
// (the first one too; a reopen after a hang-up counts again).
void add_connections(CounterBoard& counters, const std::string& name, const SerialDoer& doer) {
  counters.add(name + ".connections",
               [&doer] { return static_cast<std::int64_t>(doer.channel().connects()); });
}

// One end of a serial line that sends back every byte it reads.
class SerialEcho final : public SerialDoer {
 public:
  SerialEcho(const DoerSpec& spec, BuildContext& context)
      : SerialEcho(spec, context, device_address(spec, context)) {}

 private:
  SerialEcho(const DoerSpec& spec, BuildContext& context, const std::string& address)
      : SerialDoer(context.io, address, serial_options(spec, address), spec.name) {
    context.counters.add(spec.name + ".rx_bytes", rx_bytes_);
    context.counters.add(spec.name + ".tx_bytes", tx_bytes_);
    add_connections(context.counters, spec.name, *this);
  }

  void enter() override {
    SerialDoer::enter();
    rx_bytes_ = 0;
    tx_bytes_ = 0;
  }
  void serve(Channel& channel) override {
    if (!channel.connected()) return;
    const std::string_view pending = channel.peek();
    const std::size_t n = std::min(pending.size(), channel.tx_space());
    if (n == 0) return;
    const std::size_t taken = channel.write(pending.substr(0, n));
    rx_bytes_ += static_cast<std::int64_t>(taken);
    tx_bytes_ += static_cast<std::int64_t>(taken);
    channel.consume(taken);
  }

  Counter rx_bytes_, tx_bytes_;
};

// Writes `lines` numbered text lines ("L000042 abc...\n") to a serial line,
// one every `interval` (queued behind the bytes still waiting in tx), and
// reads lines back (from an echo at the far end): a line is intact if it is
// exactly one that was sent. Done when every line came back intact, or
// `drain` after the last byte has left: tx is empty and the line has had the
// time its baud rate needs for every byte written (8N1: 10 bits a byte), so a
// slow line is not given up on while its FIFOs still hold the lines. That
// tyme comes from the doer's own writes, not from the transport, so that a
// replay (whose transport has nothing in flight) ends the doer when the run
// did.
class SerialSender final : public EndsWhenLost<SerialDoer> {
 public:
  SerialSender(const DoerSpec& spec, BuildContext& context)
      : SerialSender(spec, context, device(spec, context)) {}

 private:
  SerialSender(const DoerSpec& spec, BuildContext& context, const std::string& address)
      : EndsWhenLost(context.io, address, serial_options(spec, address), spec.name),
        lines_(spec.integer("lines")),
        size_(static_cast<std::size_t>(spec.integer("size"))),
        interval_(spec.duration("interval")),
        drain_(spec.duration("drain")) {
    CounterBoard& c = context.counters;
    c.add(spec.name + ".lines_sent", lines_sent_);
    c.add(spec.name + ".lines_received", lines_received_);
    c.add(spec.name + ".lines_intact", lines_intact_);
    c.add(spec.name + ".lines_damaged", lines_damaged_);  // received - intact, kept
    c.add(spec.name + ".tx_bytes", tx_bytes_);
    c.add(spec.name + ".rx_bytes", rx_bytes_);
    add_connections(c, spec.name, *this);
  }

  // The device, with every key checked first.
  static std::string device(const DoerSpec& spec, BuildContext& context) {
    ParamProblems problems;
    const std::optional<std::string> address =
        problems.attempt([&] { return device_address(spec, context); });
    if (spec.integer("size") < 8 || spec.integer("size") > kMessageBytesMax) {
      problems.add("size", "size must be from 8 to " + std::to_string(kMessageBytesMax));
    }
    if (spec.integer("lines") < 0 || spec.integer("lines") > kLinesMax) {
      problems.add("lines", "lines must be from 0 to " + std::to_string(kLinesMax) +
                                " (a line's number has 6 digits)");
    }
    problems.throw_if_any();
    return *address;
  }

  std::string line(std::int64_t index) const {
    char head[16];
    std::snprintf(head, sizeof head, "L%06lld ", static_cast<long long>(index % 1'000'000));
    std::string text(head);
    for (std::size_t i = text.size(); i < size_; ++i) {
      text += static_cast<char>('a' + (static_cast<std::size_t>(index) * 5 + i) % 26);
    }
    return text + "\n";
  }

  void enter() override {
    EndsWhenLost::enter();
    lines_sent_ = 0;
    lines_received_ = 0;
    lines_intact_ = 0;
    lines_damaged_ = 0;
    tx_bytes_ = 0;
    rx_bytes_ = 0;
    outgoing_.clear();
    received_.clear();
    connection_ = 0;
    next_send_ = left_ = tyme();
  }

  void serve(Channel& channel) override {
    std::string got = channel.read(channel.rx_size());
    rx_bytes_ += static_cast<std::int64_t>(got.size());
    received_ += got;
    for (std::size_t end = received_.find('\n'); end != std::string::npos;
         end = received_.find('\n')) {
      const std::string text = received_.substr(0, end + 1);
      received_.erase(0, end + 1);
      ++lines_received_;
      ++lines_damaged_;
      std::int64_t index = 0;
      for (std::size_t i = 1; i < 7 && i < text.size(); ++i) {
        const char c = text[i];
        index = (c >= '0' && c <= '9' && index >= 0) ? index * 10 + (c - '0') : -1;
      }
      if (index >= 0 && index < lines_sent_ && text == line(index)) {
        ++lines_intact_;
        --lines_damaged_;
      }
    }
    if (received_.size() > 4 * size_) received_.clear();  // garbage without newlines
    if (!channel.connected()) return;
    if (channel.connects() != connection_) {
      // Opened again after a hang-up (retry): a line cut by it is lost, its
      // start with the old open, the rest not written (the far end would
      // read it as a damaged line); so is the start of a line read back.
      connection_ = channel.connects();
      outgoing_.clear();
      received_.clear();
    }
    if (outgoing_.empty() && lines_sent_ < lines_ && tyme() >= next_send_) {
      outgoing_.assign(line(lines_sent_));
      ++lines_sent_;
      next_send_ = tyme_after(tyme(), interval_);
    }
    if (!outgoing_.empty()) {
      const std::size_t taken = outgoing_.write_to(channel);
      tx_bytes_ += static_cast<std::int64_t>(taken);
      left_ = tyme_after(std::max(left_, tyme()), line_time(taken, channel.address().baud));
      // The rest when tx has room: that wakes this doer.
    }
  }

  // How long `bytes` take on a line of `baud` (8N1), rounded up.
  static Tock line_time(std::size_t bytes, std::uint32_t baud) {
    if (bytes == 0 || baud == 0) return Tock{0};
    const std::uint64_t bits = std::uint64_t{bytes} * 10;  // bytes <= kMessageBytesMax
    return Tock{static_cast<std::int64_t>((bits * 1'000'000'000 + baud - 1) / baud)};
  }

  bool recur(Tyme tyme) override {
    SerialDoer::recur(tyme);
    const bool written = lines_sent_ == lines_ && outgoing_.empty();
    const Tyme drained = tyme_after(left_, drain_);
    if (written && (lines_intact_ == lines_ || (channel().tx_size() == 0 && tyme >= drained))) {
      return true;
    }
    if (lost()) return true;
    // Tx emptying wakes this doer (the channel's waiter); the timers do not.
    const Tyme timer = lines_sent_ < lines_ ? next_send_ : drained;
    if (timer > tyme && outgoing_.empty()) park(std::min(channel().due(), timer));
    return false;
  }

  std::int64_t lines_;
  std::size_t size_;
  Tock interval_;
  Tock drain_;
  Counter lines_sent_, lines_received_, lines_intact_, lines_damaged_, tx_bytes_, rx_bytes_;
  Outgoing outgoing_;
  std::string received_;
  std::uint64_t connection_ = 0;  // channel().connects() as serve() last saw it
  Tyme next_send_{};
  Tyme left_{};  // when the last byte written has left, at the line's baud rate
};

}  // namespace

void add_io_kinds(DoerRegistry& registry) {
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
  add_with(
      registry,
      KindSpec{"udp_responder",
               "binds a datagram address and sends every datagram back to its sender (counters: "
               "rx_messages, rx_bytes, tx_messages, tx_bytes, refused)",
               {{"address", ParamType::string, "where to bind, e.g. \"sim://server:7\"", {}}},
               factory_of<UdpResponder>(),
               false},
      datagram_params());
  add_with(
      registry,
      KindSpec{
          "udp_requester",
          "sends numbered requests to a peer and matches the responses (counters: sent, tx_bytes, "
          "rx_messages, rx_bytes, responses, duplicates, reordered, corrupt, late, lost, foreign)",
          {{"address", ParamType::string, "where to bind, e.g. \"sim://client:0\"", {}},
           {"to", ParamType::string, "the peer: \"host:port\" or \"@name\"", {}},
           {"requests", ParamType::integer, "how many requests (at most 100000000)",
            ParamValue{std::int64_t{10}}},
           {"size", ParamType::integer, "bytes per request (>= 10)", ParamValue{std::int64_t{32}}},
           {"interval", ParamType::duration, "tyme between requests", ParamValue{Tock{0}}},
           {"timeout", ParamType::duration, "a response later than this counts as late",
            ParamValue{seconds(1)}}},
          factory_of<UdpRequester>(),
          false},
      datagram_params());
  add_with(
      registry,
      KindSpec{
          "serial_echo",
          "one end of a serial line that sends back every byte it reads (counters: rx_bytes, "
          "tx_bytes, connections)",
          {{"address", ParamType::string, "the device, e.g. \"sim-serial://ttyB?baud=9600\"", {}}},
          factory_of<SerialEcho>(),
          false},
      serial_params());
  add_with(
      registry,
      KindSpec{
          "serial_sender",
          "writes numbered lines to a serial line and checks the ones that come back (counters: "
          "lines_sent, lines_received, lines_intact, lines_damaged, tx_bytes, rx_bytes, "
          "connections)",
          {{"address", ParamType::string, "the device, e.g. \"sim-serial://ttyA?baud=9600\"", {}},
           {"lines", ParamType::integer, "how many lines (at most 1000000)",
            ParamValue{std::int64_t{10}}},
           {"size", ParamType::integer, "characters per line before its newline (>= 8)",
            ParamValue{std::int64_t{32}}},
           {"interval", ParamType::duration, "least tyme between lines", ParamValue{Tock{0}}},
           {"drain", ParamType::duration,
            "how long to wait for echoes after the last byte has left (at the baud)",
            ParamValue{seconds(1)}}},
          factory_of<SerialSender>(),
          false},
      serial_params());
}

}  // namespace hio::tools
