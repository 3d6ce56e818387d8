// Channel: one endpoint as doers see it — a stable id, a name, an address, a
// state and bounded rx/tx buffers — and the options it is created with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hio/engine/doer.hpp"
#include "hio/engine/target_ref.hpp"
#include "hio/engine/tyme.hpp"
#include "hio/io/address.hpp"
#include "hio/io/buffer.hpp"
#include "hio/io/event.hpp"
#include "hio/io/retry_grid.hpp"

namespace hio {

class IoHub;
class Transport;
class ChannelPort;

// opening -> connected -> closed; opening -> failed. A reconnecting client
// goes from closed or failed back to opening. The numeric values are
// journaled: append only.
enum class ChannelState : std::uint8_t {
  opening = 0,    // connecting (or resolving, or binding)
  connected = 1,  // bytes flow; a listener is listening
  closed = 2,     // ended cleanly or by the peer; see reason() and the close event
  failed = 3,     // could not open, or an error ended it; see reason()
};
const char* to_string(ChannelState state);

// The oldest TLS version a tls:// channel speaks.
enum class TlsVersion : std::uint8_t {
  tls1_2 = 0,  // TLS 1.2 and 1.3 (1.2's default suites include some without forward secrecy)
  tls1_3 = 1,  // TLS 1.3 only: every suite has forward secrecy and AEAD
};
const char* to_string(TlsVersion version);  // "1.2", "1.3"

// TLS settings of tls:// channels (clients and listeners). Files are PEM and
// regular files of at most 4 MiB (each is read once at validate() and once
// again at every open, so a FIFO or a process substitution is refused,
// never waited on, and a huge file read no further than just past 4 MiB,
// whatever its size seemed). Private keys
// must not be encrypted: hio never asks for a pass phrase. Certificate
// verification is on by default; TLS 1.2 is the oldest version spoken unless
// min_version says 1.3; cipher suites are OpenSSL's defaults. A file that
// cannot be loaded fails the channel (an error event saying which file and
// why); a listener without cert_file is a caller error
// (std::invalid_argument when it is made).
struct TlsOptions {
  // Trusted CA certificates the peer's certificate is verified against.
  // Empty: OpenSSL's default trust store (the system's).
  std::string ca_file{};
  // This side's certificate (chain, leaf first) and private key. Listeners:
  // required. Clients: optional, presented if the server asks (mutual TLS).
  // An empty key_file: the key is in cert_file (one PEM with both).
  std::string cert_file{};
  std::string key_file{};
  // Clients: verify the server's certificate chain and that it names
  // server_name. Turn off only for diagnostics: an unverified peer is not
  // authenticated.
  bool verify = true;
  // Clients: the name sent as SNI and checked against the certificate (DNS
  // names against its DNS entries, IP addresses against its IP entries; no
  // SNI is sent for an IP address). Empty: the address's host.
  std::string server_name{};
  // Listeners: ask each client for a certificate and verify it against
  // ca_file (required then); a client without a valid one fails its
  // handshake (mutual TLS).
  bool require_client_cert = false;
  // Both sides: a handshake still unfinished this long after the TCP
  // connection was made fails the channel. 0: no limit (a silent peer then
  // holds an accepted channel until it goes away).
  Tock handshake_timeout = seconds(10);
  // Both sides: a peer that offers only older versions fails its handshake
  // ("unsupported protocol").
  TlsVersion min_version = TlsVersion::tls1_2;
};

// What is wrong with a TlsOptions: the option at fault and why, in the words
// a channel's failure uses ("key file 'k.pem' does not match certificate file
// 'c.pem'").
struct TlsProblem {
  enum class Option : std::uint8_t {
    cert_file,
    key_file,
    ca_file,
    setup,  // no file's fault: OpenSSL refused a setting of its own
  };
  Option option = Option::setup;
  std::string message;
};
const char* to_string(TlsProblem::Option option);  // "cert_file", "key_file", ...

// Checks the files of `options` as a tls:// channel opening with them uses
// them, without connecting or listening: each file a readable regular
// file of at most 4 MiB (a FIFO is refused unopened; a file that would make
// the read wait, as /proc/kmsg, is refused), the certificate chain, key and CA
// file parse (PEM), the key is not encrypted and matches the certificate (a
// key of another algorithm does not), no key_file without
// cert_file. Returns the first problem (in
// that order: certificate, key, CA), or none. A channel opened with options
// that have a problem fails with its message ("TLS setup for <address>
// failed: <message>"), so a scenario builder can report at build time what
// the channel would report when it opens. What depends on the role (a
// listener needs cert_file) is the channel's to check when it is made.
[[nodiscard]] std::optional<TlsProblem> validate(const TlsOptions& options);

// How a channel is made. Limits are per channel; every one is finite.
struct ChannelOptions {
  // Default: the address text; accepted channels: "<listener name>/<id>".
  // Names should be unique where anything is derived from them (SimNet's
  // random streams); ids always are.
  std::string name{};
  std::size_t rx_bytes_max = 64 * 1024;     // rx buffer (datagrams: total bytes queued)
  std::size_t tx_bytes_max = 64 * 1024;     // tx buffer (datagrams: total bytes queued)
  std::size_t datagrams_max = 256;          // datagram channels: messages per buffer
  std::size_t datagram_bytes_max = 65'507;  // datagram channels: largest message
  // Clients (IoHub::connect): after a failure or a remote close, open again
  // on a lossless Tymer grid (start + k * retry; see RetryGrid). 0: never
  // reconnect. The channel keeps the schedule, whatever its transport.
  Tock retry{0};
  // Clients: give up an attempt that is still opening after this long (a
  // failure, then retry applies). 0: wait for the transport's own verdict.
  Tock connect_timeout{0};
  // Listeners: accepted channels alive at once. At the limit the listener
  // stops accepting. Real sockets: connects wait in the OS backlog, handshaken
  // (the client is connected and may write), none refused. SimNet: they wait
  // still opening (a connect_timeout runs on) in SimNetOptions::listen_backlog,
  // refused beyond it ("refused: backlog full") and when the listener closes
  // ("refused: listener closed"); see docs/simulation.md, Differences.
  std::size_t remotes_max = 1024;
  // Real sockets: SO_SNDBUF and SO_RCVBUF; 0 keeps the OS default (which
  // auto-tunes). Accepted sockets inherit the listener's value.
  std::size_t socket_buffer_bytes = 0;
  // tcp:// and tls:// (clients, and the remotes a listener accepts), and
  // serial://: a local close while a write is still in flight (the peer does
  // not read), or, for TCP/TLS, while the peer has not yet acknowledged what
  // the kernel holds, lets that write and that wait go on for at most this
  // long; then the connection is aborted (a reset, which drops what the
  // kernel holds; a serial line drops its driver's queue) and its socket or
  // device released. Wall time (the steady clock) in every Doist mode, not
  // tyme: a virtual-time run's tyme runs far ahead of the peer. 0: no limit
  // (the socket stays until the peer reads and acknowledges, or goes).
  // See docs/io.md "Closing".
  Tock close_linger = seconds(10);
  // tls:// channels (and the remotes a tls:// listener accepts).
  TlsOptions tls{};
  // udp:// channels: SO_BROADCAST, so datagrams may be sent to broadcast
  // addresses (without it such a send fails with an error event).
  bool broadcast = false;
};

class Channel;

// The channels that changed since their driver last looked, so a driver of
// many channels (TcpServerDoer) visits those instead of all of them. A
// channel with a ready list is marked in it whenever it wakes its waiter or
// its driver (rx, tx, state, service requests; see Channel), once until
// taken.
//
// Ownership: not owned by its channels. A channel leaves the list when it is
// destroyed or its list is changed; a list destroyed first leaves its channels
// (each channel's ready_list() then reads nullptr, and its wakes mark nothing
// until it is given another list).
class ReadyList {
 public:
  ReadyList() = default;
  ~ReadyList();
  ReadyList(const ReadyList&) = delete;
  ReadyList& operator=(const ReadyList&) = delete;

  bool empty() const { return marked_.empty(); }
  std::size_t size() const { return marked_.size(); }
  // Marks `channel` as if it had woken its doers. Its list must be this one
  // (checked).
  void add(Channel& channel);
  // Replaces `out` with the marked channels in ascending id order (creation
  // order) and unmarks them; channels that wake later are marked again.
  void take(std::vector<Channel*>& out);

 private:
  friend class Channel;
  friend class TargetRef<ReadyList>;
  void remove(Channel& channel);

  std::vector<Channel*> marked_;
  TargetRef<ReadyList>* refs_ = nullptr;  // its channels' refs to it (cleared by ~ReadyList)
};

// Ownership: the IoHub owns every channel; a channel lives until the hub is
// destroyed or IoHub::release() is called on it. Doers hold references.
//
// Doers' side (this class): write/read stream bytes, send/receive datagrams,
// close, and register the doers to wake. The transport's side is ChannelPort;
// every change made through it passes the hub's choke point as a
// ChannelEvent.
//
// Waking: the *waiter* (the doer using the channel) is woken when rx data
// arrives, the state changes, tx space frees up or (listeners) a remote is
// accepted. The *driver* (the doer that calls service()) is woken when tx
// gets bytes, rx space frees up, the state changes, or the transport asks for
// service. Both may be the same doer. A wake takes effect from the next pass.
//
// On close: what is in rx stays readable; bytes still in tx when a
// connection ends are discarded and reported in the close (or error) event.
// Writes are accepted only while opening or connected.
//
// Half-close: a stream peer that finishes sending (FIN) ends only its data:
// the rx_end event, rx_ended(), and the channel stays connected so the doer
// can still answer. The doer's close() then ends the connection (our FIN).
// TcpServerDoer and ChannelDoer do that once the peer has ended, tx is taken
// and (a server's remote, released then) rx is read (see finished()).
class Channel {
 public:
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  std::uint32_t id() const { return id_; }
  const std::string& name() const { return name_; }
  const Address& address() const { return address_; }
  ChannelKind kind() const { return kind_; }
  ChannelState state() const { return state_; }
  bool connected() const { return state_ == ChannelState::connected; }
  // Opening or connected: it may still carry bytes.
  bool open() const { return state_ == ChannelState::opening || state_ == ChannelState::connected; }
  // Streams: the peer has finished sending on this connection (a TCP FIN, a
  // TLS close_notify; the rx_end event). No more rx will arrive; what is in
  // rx stays readable, and the channel stays connected for tx until it is
  // closed (by a doer, or by a reset or a failed write). Cleared when a new
  // connection starts.
  bool rx_ended() const { return rx_ended_; }
  // Why it closed or failed; empty while open.
  const std::string& reason() const { return reason_; }
  // Endpoints once connected ("127.0.0.1:40000", IPv6 in brackets); a
  // listener's local() is where it listens (with the real port for port 0).
  const std::string& local() const { return local_; }
  const std::string& peer() const { return peer_; }
  // How many times it has reached connected (a reconnecting client counts up).
  std::uint64_t connects() const { return connects_; }
  const ChannelOptions& options() const { return options_; }
  IoHub& hub() const { return *hub_; }

  // ---- streams (throw std::logic_error on other kinds) ----

  // Queues as much of `bytes` as fits in tx and returns how many were taken:
  // fewer than given means tx is full (backpressure); the waiter is woken when
  // space frees up. Returns 0 unless the channel is open.
  [[nodiscard]] std::size_t write(std::string_view bytes);
  std::size_t tx_size() const;
  std::size_t tx_space() const;
  // Nothing waits in tx and the transport has nothing in flight.
  bool flushed() const;
  // The unread rx bytes, oldest first; valid until the next call on this channel.
  std::string_view peek() const;
  // Drops the first n rx bytes. Throws std::out_of_range if n > rx_size().
  void consume(std::size_t n);
  // Takes up to `max` rx bytes.
  Bytes read(std::size_t max = std::numeric_limits<std::size_t>::max());
  std::size_t rx_size() const;

  // ---- datagrams (throw std::logic_error on other kinds) ----

  // Queues the whole datagram for `peer` ("host:port"), or nothing: false when
  // tx has no room or the channel is not open. A datagram larger than
  // datagram_bytes_max is refused and reported as an error event.
  [[nodiscard]] bool send(std::string_view peer, std::string_view bytes);
  std::optional<Datagram> receive();
  // Why a datagram to `peer` could not be sent by this channel's transport
  // (malformed, or a host its network does not know), or empty: lets a doer
  // refuse a bad peer when it is built rather than fail every send.
  std::string peer_problem(std::string_view peer) const;
  std::size_t rx_count() const;
  std::size_t tx_count() const;

  // ---- listeners (throw std::logic_error on other kinds) ----

  // The next accepted channel not yet taken, in accept order; nullptr if none.
  // The caller becomes responsible for servicing it (set_driver).
  Channel* accept();
  std::size_t accept_pending() const { return accepted_.size(); }

  // ---- lifecycle ----

  // Closes now: the close event (who = local) is emitted before this returns;
  // a reconnecting client stops retrying — unless its peer had already ended
  // (rx_ended()): then this close completes the peer's and the client
  // reconnects as after a remote close. No effect if already closed.
  void close(std::string_view why = "closed by doer");
  // Starts a new attempt to open a closed or failed channel (clients and
  // listeners). Throws std::logic_error if it is open, or if its transport
  // cannot reopen.
  void reopen();

  // ---- waking and service ----

  // Not owned; pass nullptr to clear. A doer destroyed while it is a
  // channel's waiter or driver is cleared from it (DoerRef): it is never woken
  // after it is gone. (Clearing it in exit() is still good manners: a doer
  // that has exited has no use for wakes.)
  void set_waiter(Doer* doer) { waiter_.reset(doer); }
  Doer* waiter() const { return waiter_.get(); }
  // A channel has one driver: another doer while the one that drives it is
  // scheduled (running) is std::logic_error, nothing changed; one that is
  // not running (it exited without clearing itself) is taken over.
  void set_driver(Doer* doer);
  Doer* driver() const { return driver_.get(); }
  // Also mark this channel in `list` whenever it wakes its doers (see
  // ReadyList). nullptr: no list (and leaves the old one). Not owned: a list
  // destroyed first is cleared from the channel (nullptr).
  void set_ready_list(ReadyList* list);
  ReadyList* ready_list() const { return ready_list_.get(); }
  // The driver's call, in its turn in the pass: lets the transport move bytes
  // and restart reads; then, for a retrying client that failed or was closed
  // by its remote, starts the next attempt when the retry grid says so
  // (Transport::reopen: an open event). Never blocks. The first service()
  // of a channel that a doer in a run drives or waits on throws
  // std::logic_error when its hub has real IO in flight that nothing will
  // ever complete: attached to no Doist (doist.attach(io) forgotten) and
  // never polled (IoHub::check_polled).
  void service();
  // When the transport wants service() again even if nothing wakes the
  // driver (a timeout), or the next retry is due; kTymeNever if only events
  // matter. A driver parks with park(channel.due()).
  Tyme due() const;

 private:
  friend class IoHub;
  friend class ChannelPort;
  friend class ReadyList;
  friend class TargetRef<Channel>;

  Channel(IoHub& hub, std::uint32_t id, std::string name, Address address, ChannelKind kind,
          ChannelOptions options);

  void require(ChannelKind kind, const char* call) const;
  void wake_waiter();
  void wake_driver();
  void wake_both();
  // Written to: the hub watches it if no doer drives it and none has ever
  // serviced it (IoHub::check_undriven).
  void watch_if_undriven();
  // Failed, or closed by its remote (or after its remote ended): a client
  // with a retry opens again.
  bool awaits_retry() const {
    return state_ == ChannelState::failed || (state_ == ChannelState::closed && peer_ended_);
  }
  // Its next attempt to open again is due only at the end of tyme.
  bool retries_past_end_of_tyme() const;

  IoHub* hub_;
  std::uint32_t id_;
  std::string name_;
  Address address_;
  ChannelKind kind_;
  ChannelOptions options_;
  ChannelState state_ = ChannelState::opening;
  std::string reason_;
  std::string local_;
  std::string peer_;
  std::uint64_t connects_ = 0;
  bool rx_ended_ = false;    // this connection's peer finished sending
  bool peer_ended_ = false;  // the last close was by the remote, or after rx_end
  RetryGrid retry_;          // clients with options.retry > 0

  StreamBuffer rx_;
  StreamBuffer tx_;
  DatagramBuffer rx_datagrams_;
  DatagramBuffer tx_datagrams_;
  std::deque<Channel*> accepted_;  // listeners: accepted, not yet taken
  Channel* queued_in_ = nullptr;   // accepted channels: the listener queueing it

  DoerRef waiter_;
  DoerRef driver_;
  TargetRef<ReadyList> ready_list_;  // nullptr once the list is destroyed
  bool ready_marked_ = false;        // in ready_list_ until taken
  std::size_t ready_slot_ = 0;       // while marked: its index in ready_list_'s marked_
  // Written to while no doer drove it nor had ever serviced it: the hub
  // watches it (IoHub::poll notes tx that nothing takes), once.
  bool undriven_watched_ = false;
  // service() has run on it, ever: a doer services it, at whatever tock, so
  // the hub never watches it. Until then service() asks the hub whether
  // anything runs its IO (IoHub::check_polled).
  bool serviced_ = false;
  std::unique_ptr<Transport> transport_;
  TargetRef<Channel>* refs_ = nullptr;  // the ChannelRefs to it (cleared by ~Channel)
};

// A pointer to a channel that becomes null when the channel is destroyed (by
// IoHub::release, or with its hub): for objects that keep a channel they do
// not own beyond their use of it, as a ChannelDoer does between runs.
using ChannelRef = TargetRef<Channel>;

}  // namespace hio
