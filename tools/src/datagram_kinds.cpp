// The datagram kinds: udp_responder and udp_requester over datagrams
// (udp://, sim://).
#include <sys/socket.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hio/io/ip_text.hpp"
#include "hio/io/udp_peer_doer.hpp"
#include "hio/tools/registry.hpp"
#include "io_kind_options.hpp"
#include "io_kinds.hpp"
#include "message_pattern.hpp"

namespace hio::tools {

namespace {

// The numbers udp_requester writes into its payloads have 8 digits: beyond
// this count a reply would be matched against the wrong payload (its number
// taken modulo 10^8) and never be intact.
constexpr std::int64_t kRequestsMax = 100'000'000;

// Sends every datagram back to its sender.
class UdpResponder final : public UdpPeerDoer {
 public:
  UdpResponder(const DoerSpec& spec, BuildContext& context)
      : UdpPeerDoer(context.io, claimed_address(spec, context, "datagram"), datagram_options(spec),
                    spec.name) {
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
        s.problems.attempt([&] { return claimed_address(spec, context, "datagram"); });
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
    const std::string peer = datagram_peer(context.address(spec, "to", own_scheme));
    // "@name" of a dual-stack endpoint ([::], published at [::1]) from an
    // endpoint that can send to IPv4 peers only: the IPv4 loopback reaches
    // it too (xipv619 finding 3: refused as an IPv6 destination).
    std::string_view own_host, peer_host;
    unsigned own_port = 0, port = 0;
    if (written.size() > 1 && written[0] == '@' &&
        context.dual_stack_endpoints.contains(std::string_view(written).substr(1)) &&
        split_peer(datagram_peer(own), own_host, own_port) &&
        canonical_host(own_host).ip_family == AF_INET && split_peer(peer, peer_host, port)) {
      return "127.0.0.1:" + std::to_string(port);
    }
    return peer;
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
        const std::string& written = spec.string("to");
        setup.problems.add("to", "to = '" + written + "'" +
                                     (written == peer_ ? "" : " (the address '" + peer_ + "')") +
                                     ": " + problem);
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
    return patterned(decimal_digits(seq, 8) + ":", seq, 11, size_);
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
      seq = parse_digits(std::string_view(d.bytes).substr(0, 8));
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
    if (sent_ == requests_ &&
        (responses_ == requests_ || requests_ == 0 || tyme >= last_deadline())) {
      return true;
    }
    const Tyme timer = own_timer();
    if (timer > tyme) park(std::min(channel().due(), timer));
    return false;
  }

  // The last request's deadline, saturating: interval and timeout may each
  // be up to 100 years, and a run without a limit reaches such tymes.
  Tyme last_deadline() const { return tyme_after(window_.back().sent_at, timeout_); }
  // What it waits for that no channel event announces, while not done: the
  // next send, or the last request's timeout.
  Tyme own_timer() const { return sent_ < requests_ ? next_send_ : last_deadline(); }
  // That timer saturated at the end of tyme: a stall with this doer parked
  // on it ran out of tyme, not of input (Doist::ran_out_of_tyme).
  bool waits_past_end_of_tyme() const override {
    return requests_ > 0 && !window_.empty() && own_timer() == kTymeNever;
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

}  // namespace

void add_datagram_kinds(DoerRegistry& registry) {
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
}

}  // namespace hio::tools
