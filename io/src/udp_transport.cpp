#include "udp_transport.hpp"

#include <linux/sock_diag.h>
#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>
#include <map>
#include <optional>
#include <stdexcept>

#include "datagram_text.hpp"
#include "error_text.hpp"
#include "lookup.hpp"
#include "port_life.hpp"
#include "resolve.hpp"
#include "tcp_stream.hpp"

namespace hio::detail {

bool parse_udp_endpoint(std::string_view text, udp::endpoint& out, std::string& error) {
  AddressResult parsed = parse_address("udp://" + std::string(text));
  boost::system::error_code ec;
  asio::ip::address ip;
  if (parsed.ok()) ip = asio::ip::make_address(parsed.value().host, ec);
  if (!parsed.ok() || ec) {
    error = "destination '" + std::string(text) +
            "' is not an IP address and port (e.g. 127.0.0.1:9000 or [::1]:9000)";
    return false;
  }
  if (const std::string zone = unknown_zone(parsed.value().host); !zone.empty()) {
    // The system would send it unscoped (Boost takes an unknown zone name
    // for none), which the OS refuses (EINVAL).
    error = "destination '" + std::string(text) + "' names no network interface '" + zone + "'";
    return false;
  }
  if (parsed.value().port == 0) {
    // The OS refuses a send to port 0 (EINVAL): no socket can have it.
    error = "destination '" + std::string(text) + "' has port 0, to which nothing can be sent";
    return false;
  }
  if (ip.is_unspecified() ||
      (ip.is_v6() && ip.to_v6().is_v4_mapped() &&
       asio::ip::make_address_v4(asio::ip::v4_mapped, ip.to_v6()).is_unspecified())) {
    // Linux delivers such a send to the loopback, whose replies come from
    // 127.0.0.1 or ::1: none would be taken for the destination's.
    error = "destination '" + std::string(text) +
            "' is the unspecified address (any address), no address to send to";
    return false;
  }
  out = udp::endpoint(ip, parsed.value().port);
  return true;
}

// The socket and its outstanding operations. Shared by its transport and by
// the handlers of its pending operations (like TcpStream); the transport
// detaches it when done, and handlers that run after that do nothing.
class UdpSocket final : public std::enable_shared_from_this<UdpSocket>,
                        public PortLife<UdpSocket>,
                        public DropCounting {
 public:
  UdpSocket(AsioCore& core, ChannelPort port, const ChannelOptions& options)
      : PortLife(port),
        core_(core),
        socket_(core.context),
        socket_buffer_bytes_(options.socket_buffer_bytes),
        broadcast_(options.broadcast) {}

  void open(const Address& address) {
    address_ = address;
    boost::system::error_code ec;
    const asio::ip::address ip = asio::ip::make_address(address.host, ec);
    if (!ec) {
      if (const std::string no =
              unknown_zone_failure(address.host, address.host_port(), ChannelRole::bind);
          !no.empty()) {
        fail(no);
        return;
      }
      bind(udp::endpoint(ip, address.port));
      return;
    }
    resolver_.emplace(core_);
    core_.pending.start(PendingOp::lookup);
    resolver_->async_resolve(
        address.host, address.port, udp::resolver::passive,
        [self = shared_from_this()](const boost::system::error_code& error,
                                    const udp::resolver::results_type& results) {
          self->core_.pending.end(PendingOp::lookup);
          if (!self->live()) return;
          if (error || results.empty()) {
            self->fail(resolve_failure_text(self->address_.host_port(), error, ChannelRole::bind));
            return;
          }
          self->bind(results.begin()->endpoint());
        });
  }

  void pump() {
    if (!live() || !bound_) return;
    if (held_ && port_.rx_fits(held_->bytes.size())) {
      Datagram datagram = std::move(*held_);
      held_.reset();
      port_.deliver(datagram.peer, datagram.bytes);
    }
    if (!receiving_ && !held_) start_receive();
    if (!sending_) send_next(/*after_send=*/false);
  }

  // A datagram held for rx room goes with the socket at close: said on its
  // channel, an error event that names it, not dropped silently.
  void discard_held() {
    if (!held_ || !live()) return;
    const Datagram datagram = std::move(*held_);
    held_.reset();
    port_.error(held_datagram_text(datagram.bytes.size(), datagram.peer));
  }

  std::size_t in_flight() const { return sending_ && live() ? send_buf_.size() : 0; }

  // The socket's drop count (SO_MEMINFO's SK_MEMINFO_DROPS: what
  // SO_RXQ_OVFL reports with each datagram, asked only when wanted). 0 if
  // the kernel does not say.
  std::uint64_t kernel_drops() override {
    std::uint32_t meminfo[SK_MEMINFO_VARS] = {};
    socklen_t size = sizeof meminfo;
    if (!socket_.is_open() ||
        ::getsockopt(socket_.native_handle(), SOL_SOCKET, SO_MEMINFO, meminfo, &size) != 0 ||
        size < (SK_MEMINFO_DROPS + 1) * sizeof meminfo[0]) {
      return 0;
    }
    return meminfo[SK_MEMINFO_DROPS];
  }
  // The address bound to, once bound (a host name is resolved first).
  std::optional<asio::ip::address> bound_address() const {
    if (!bound_) return std::nullopt;
    return bound_ip_;
  }

 private:
  friend class PortLife<UdpSocket>;
  void close_handles() {
    boost::system::error_code ignored;
    if (resolver_) resolver_->cancel();
    if (bound_ && socket_.is_open()) {
      // What it dropped up to its close stays the channel's.
      DatagramDrops& drops = core_.datagram_drops[channel_id_];
      drops.closed += kernel_drops();
      drops.open.reset();
    }
    if (socket_.is_open()) socket_.close(ignored);
  }

  void bind(const udp::endpoint& endpoint) {
    boost::system::error_code ec;
    socket_.open(endpoint.protocol(), ec);
    if (!ec && broadcast_) socket_.set_option(asio::socket_base::broadcast(true), ec);
    if (!ec) apply_buffer_size(socket_, socket_buffer_bytes_, ec);
    if (!ec) socket_.bind(endpoint, ec);
    udp::endpoint local;
    if (!ec) local = socket_.local_endpoint(ec);
    if (ec) {
      fail("bind to " + address_.host_port() + " failed: " + error_text(ec));
      return;
    }
    bound_ = true;
    bound_ip_ = local.address();
    channel_id_ = port_.channel().id();
    DatagramDrops& drops = core_.datagram_drops[channel_id_];
    drops.name = port_.channel().name();
    drops.local = endpoint_text(local);
    drops.open = std::weak_ptr<DropCounting>(shared_from_this());
    port_.connected(endpoint_text(local), "");
    pump();
  }

  void start_receive() {
    // One byte more than any IPv4 UDP payload; made at the first receive,
    // uninitialised. MSG_TRUNC (Linux) makes n the datagram's real size even
    // when it was longer than the buffer (IPv6 carries up to 65527 bytes), so
    // that an oversized one is reported with its size.
    if (!read_buf_) read_buf_.reset(new char[kReadBytes]);
    receiving_ = true;
    core_.pending.start(PendingOp::read);
    socket_.async_receive_from(
        asio::buffer(read_buf_.get(), kReadBytes), sender_, MSG_TRUNC,
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t n) {
          self->core_.pending.end(PendingOp::read);
          self->on_receive(error, n);
        });
  }

  void on_receive(const boost::system::error_code& ec, std::size_t n) {
    receiving_ = false;
    if (!live()) return;
    if (ec) {
      // The socket lives on (e.g. an ICMP error surfaced here); the next
      // service() receives again, so an error cannot spin.
      port_.error("receive on " + port_.channel().local() + " failed: " + error_text(ec));
      return;
    }
    const std::string peer = sender_text(sender_);
    // n may exceed kReadBytes (MSG_TRUNC): only the first kReadBytes were read,
    // so such a datagram is discarded whatever datagram_bytes_max allows.
    if (!port_.receivable(peer, n)) {
      // reported and discarded, as SimNet does at the same point
    } else if (n > kReadBytes) {
      port_.error(oversized_datagram_text(
          n, peer, "the largest datagram read (" + std::to_string(kReadBytes) + " bytes)"));
    } else if (port_.rx_fits(n)) {
      port_.deliver(peer, std::string_view(read_buf_.get(), n));
    } else {
      // rx is full: keep it until a doer makes room, and read no more.
      held_ = Datagram{peer, std::string(read_buf_.get(), n)};
      return;
    }
    if (live()) start_receive();
  }

  void send_next(bool after_send) {
    while (live()) {
      std::optional<Datagram> datagram = port_.take_datagram();
      if (!datagram) {
        if (after_send) port_.notify();  // flushed() may hold now
        return;
      }
      udp::endpoint to;
      std::string error;
      if (!parse_udp_endpoint(datagram->peer, to, error)) {
        port_.error(unsent_datagram_text(datagram->bytes.size(), error));
        continue;
      }
      remember_zoned_spelling(to, datagram->peer);
      send_buf_ = std::move(datagram->bytes);
      send_to_ = datagram->peer;
      sending_ = true;
      core_.pending.start(PendingOp::write);
      socket_.async_send_to(
          asio::buffer(send_buf_), to,
          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
            self->core_.pending.end(PendingOp::write);
            self->on_sent(ec);
          });
      return;
    }
  }

  // A link-local destination's zone, as the doer wrote it ("%4" or "%eth0"),
  // for the replies from it: the kernel says which interface (sin6_scope_id)
  // here, where the IO is real, so that the peer text of a reply is the
  // destination's, and a doer (a requester matching replies to its `to`), a
  // journal and its replay compare text only, on any machine (xrev20
  // finding 1: Boost writes the interface's name, and a replay that mapped
  // names to indices asked the replaying machine). The first kZonedMax
  // destinations keep their spelling; later ones are written as Boost does.
  void remember_zoned_spelling(const udp::endpoint& to, const std::string& text) {
    static constexpr std::size_t kZonedMax = 64;
    if (!to.address().is_v6() || to.address().to_v6().scope_id() == 0) return;
    if (zoned_spelling_.size() < kZonedMax || zoned_spelling_.contains(to))
      zoned_spelling_[to] = text;
  }

  std::string sender_text(const udp::endpoint& sender) const {
    if (const auto it = zoned_spelling_.find(sender); it != zoned_spelling_.end())
      return it->second;
    return endpoint_text(sender);
  }

  void on_sent(const boost::system::error_code& ec) {
    sending_ = false;
    if (!live()) return;
    if (ec) {
      port_.error(failed_send_text(send_buf_.size(), send_to_, error_text(ec)));
    }
    send_buf_.clear();
    // The next datagram goes now rather than at the driver's next turn.
    send_next(/*after_send=*/true);
  }

  AsioCore& core_;
  udp::socket socket_;
  std::optional<Resolver<udp>> resolver_;
  Address address_;
  std::size_t socket_buffer_bytes_;
  bool broadcast_;
  static constexpr std::size_t kReadBytes = kUdpPayloadMax + 1;
  std::unique_ptr<char[]> read_buf_;
  udp::endpoint sender_;
  std::optional<Datagram> held_;  // received, waiting for rx room
  std::string send_buf_;
  std::string send_to_;
  std::map<udp::endpoint, std::string> zoned_spelling_;  // remember_zoned_spelling
  asio::ip::address bound_ip_;
  std::uint32_t channel_id_ = 0;  // once bound
  bool bound_ = false;
  bool receiving_ = false;
  bool sending_ = false;
};

void UdpFactory::check(const Address& address, ChannelRole role,
                       const ChannelOptions& /*options*/) const {
  if (role != ChannelRole::bind) {
    throw std::invalid_argument("udp:// addresses are datagram endpoints: bind, not " +
                                std::string(to_string(role)) + " (" + address.text() + ")");
  }
}

std::unique_ptr<Transport> UdpFactory::make(const Address& address, ChannelRole role,
                                            const ChannelOptions& options) {
  check(address, role, options);
  // The limits under which no datagram could be queued are the hub's to
  // refuse, for every transport (IoHub::create).
  return std::make_unique<UdpTransport>(core_, address, options);
}

UdpTransport::UdpTransport(AsioCore& core, Address address, const ChannelOptions& options)
    : core_(core), address_(std::move(address)), options_(options) {}

UdpTransport::~UdpTransport() {
  if (socket_) socket_->detach();
}

void UdpTransport::start(ChannelPort port) {
  port_ = port;
  open();
}

void UdpTransport::open() {
  socket_ = std::make_shared<UdpSocket>(core_, port_, options_);
  socket_->open(address_);
}

void UdpTransport::service() {
  if (socket_) socket_->pump();
}

void UdpTransport::close(std::string_view why) {
  if (socket_) {
    socket_->discard_held();
    socket_->detach();
  }
  port_.closed(CloseWho::local, why);
}

void UdpTransport::reopen() {
  if (socket_) socket_->detach();  // closed (or failed) first: nothing is held
  socket_.reset();
  port_.opening();
  open();
}

std::size_t UdpTransport::in_flight() const {
  return socket_ ? socket_->in_flight() : 0;
}

namespace {

// "IPv4", "IPv4-mapped IPv6" (::ffff:a.b.c.d) or "IPv6": the family as
// peer_problem's message says it.
const char* family_words(const asio::ip::address& ip) {
  if (ip.is_v4()) return "IPv4";
  return ip.to_v6().is_v4_mapped() ? "IPv4-mapped IPv6" : "IPv6";
}

}  // namespace

std::string UdpTransport::peer_problem(std::string_view peer) const {
  udp::endpoint to;
  std::string error;
  if (!parse_udp_endpoint(peer, to, error)) return error;
  // The family the socket has (or will have: an IP address bound to), so
  // that what the send would fail with (EAFNOSUPPORT) is said ahead.
  std::optional<asio::ip::address> own = socket_ ? socket_->bound_address() : std::nullopt;
  if (!own) {
    boost::system::error_code ec;
    const asio::ip::address literal = asio::ip::make_address(address_.host, ec);
    if (!ec) own = literal;
  }
  if (!own) return {};  // a host name not resolved yet: its family is unknown
  const asio::ip::address dest = to.address();
  // An IPv4 socket reaches IPv4 peers only. An IPv6 socket bound to :: is
  // dual-stack (Linux's default) and reaches IPv4 peers too (also written
  // IPv4-mapped, ::ffff:a.b.c.d). One bound to an IPv4-mapped address is an
  // IPv4 endpoint in IPv6 clothes: Linux sends from it to IPv4 peers only
  // (to an IPv6 peer: EAFNOSUPPORT). One bound to another IPv6 address
  // reaches IPv6 peers only.
  const bool dest_v4 = dest.is_v4() || dest.to_v6().is_v4_mapped();
  const bool own_mapped = own->is_v6() && own->to_v6().is_v4_mapped();
  const bool reachable = own->is_v4() ? dest.is_v4()
                         : own_mapped ? dest_v4
                                      : !dest_v4 || own->to_v6().is_unspecified();
  if (reachable) return {};
  return "destination '" + std::string(peer) + "' is an " + family_words(dest) +
         " address, and this endpoint is bound to the " + family_words(*own) + " address " +
         own->to_string() + ": it can send to " +
         (own->is_v4() || own_mapped ? "IPv4 peers only" : "IPv6 peers only (bind [::] for both)");
}

}  // namespace hio::detail
