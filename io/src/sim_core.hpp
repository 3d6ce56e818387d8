// SimCore: SimNet's state and machinery — hosts, links, connections, serial
// lines, the queue of events in tyme, faults, and the base of
// every sim transport. Private to io/src.
#pragma once

#include <array>
#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "hio/engine/doist.hpp"
#include "hio/engine/random.hpp"
#include "hio/io/hub.hpp"
#include "hio/io/sim_cuts.hpp"
#include "hio/io/sim_link.hpp"
#include "hio/io/transport.hpp"
#include "sim_link_model.hpp"
#include "sim_port_table.hpp"
#include "sim_wire.hpp"

namespace hio::detail {

class SimCore;
class SimDatagramTransport;
class SimListenerTransport;
class SimSerialTransport;
class SimStreamEnd;

inline constexpr std::uint16_t kEphemeralFirst = 49152;

// Why a sim channel that starts or reopens after its SimNet was destroyed
// fails (a channel's reason: it names the network, not an API).
inline constexpr const char* kNetGone =
    "the simulated network (SimNet) was destroyed before this channel could open";

// Appends a decimal number to a noise detail without a temporary string.
inline void append_number(std::string& out, std::int64_t value) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, ec == std::errc{} ? end : buf);
}

// Which ports of the ephemeral range [kEphemeralFirst, 65535] a host has in
// use for one family, as bits: the next free one from a cursor is found in at
// most kWords word reads, and a full range is known at once (count), where a
// search of the port tables was a map lookup per port (16,384 of them for
// every bind that failed). The 2 KiB of bits are allocated by the first port
// set: a host that never uses the range (most of 65,536 hosts) costs none.
class EphemeralPorts {
 public:
  static constexpr std::uint32_t kRange = 65'536 - kEphemeralFirst;  // 16,384

  void set(std::uint16_t port) { flip(port, true); }
  void clear(std::uint16_t port) { flip(port, false); }
  void clear_all() {
    words_.reset();
    count_ = 0;
  }
  bool full() const { return count_ == kRange; }

  // The first free port at or after `cursor` (wrapping to kEphemeralFirst),
  // or 0 if every one is in use.
  std::uint16_t next_free(std::uint32_t cursor) const {
    if (full()) return 0;
    const std::uint32_t start = (cursor - kEphemeralFirst) % kRange;
    if (count_ == 0) return static_cast<std::uint16_t>(kEphemeralFirst + start);
    for (std::uint32_t i = 0; i <= kWords; ++i) {
      const std::uint32_t w = (start / 64 + i) % kWords;
      std::uint64_t free_bits = ~(*words_)[w];
      if (i == 0) free_bits &= ~std::uint64_t{0} << (start % 64);  // not before the cursor
      if (free_bits != 0) {
        return static_cast<std::uint16_t>(kEphemeralFirst + w * 64 +
                                          static_cast<std::uint32_t>(std::countr_zero(free_bits)));
      }
    }
    return 0;  // not reached: count_ < kRange leaves a free bit
  }

 private:
  static constexpr std::uint32_t kWords = kRange / 64;
  void flip(std::uint16_t port, bool used) {
    if (port < kEphemeralFirst) return;
    if (words_ == nullptr) {
      if (!used) return;  // none is set
      words_ = std::make_unique<std::array<std::uint64_t, kWords>>();
    }
    const std::uint32_t bit = port - kEphemeralFirst;
    std::uint64_t& word = (*words_)[bit / 64];
    const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
    if (((word & mask) != 0) == used) return;
    word ^= mask;
    count_ = used ? count_ + 1 : count_ - 1;
  }
  std::unique_ptr<std::array<std::uint64_t, kWords>> words_;  // all 0 when null
  std::uint32_t count_ = 0;
};

struct SimHost {
  std::string name;
  std::uint32_t index = 0;  // order of add_host
  bool up = true;
  std::uint64_t epoch = 0;        // bumped when it goes down
  std::set<std::uint64_t> conns;  // ids of the stream connections with an end here
  SimPortTable<SimListenerTransport> listeners;
  SimPortTable<SimDatagramTransport> datagrams;
  std::set<std::uint16_t> client_ports;  // ephemeral ports of stream clients
  std::uint32_t next_port = kEphemeralFirst;
  // The ephemeral part of `datagrams`, and of `listeners` with `client_ports`
  // (one stream port space): kept with them, for free_port.
  EphemeralPorts datagram_ports;
  EphemeralPorts stream_ports;
};

// ---- events ---------------------------------------------------------------

enum class SimEventKind : std::uint8_t {
  datagram,       // a = datagram slot
  segment,        // a = connection id, b = direction | serial << 1
  serial,         // a = serial piece slot
  kick,           // a = endpoint id: wake its driver (a timer of the transport)
  fault,          // a = fault index
  stall_timeout,  // a = connection id, b = direction | stall generation << 1
  backlog,        // a = listener endpoint id: accept waiting connects
};

// Ordered by (at, seq): seq is the order of scheduling, so ties never depend
// on addresses or containers. The kind rides in the low bits of the order
// word (seq is unique, so they never decide), keeping an event at 32 bytes:
// the event heap is the hottest structure of a busy network.
struct SimEvent {
  static constexpr unsigned kKindBits = 3;
  Tyme at;
  std::uint64_t order;  // seq << kKindBits | kind
  std::uint64_t a;
  std::uint64_t b;
  SimEventKind kind() const { return static_cast<SimEventKind>(order & ((1u << kKindBits) - 1)); }
};

struct SimDatagram {
  std::string bytes;
  std::string from;  // sender "host:port"
  std::uint64_t sender = 0;
  SimLink* link = nullptr;
  std::uint64_t link_epoch = 0;
  std::uint64_t to_epoch = 0;
  std::uint16_t to_port = 0;
};

// ---- streams --------------------------------------------------------------

enum class SegmentKind : std::uint8_t { syn, syn_ack, data, fin, rst };

// What a drop of bytes that could never arrive says, before "link a->b" or
// "line ttyA->ttyB": their arrival lay beyond the end of tyme (~292 years),
// where it saturated. Said of a datagram when it is sent, and of a stream's
// or a serial line's bytes when they are lost with their connection or line
// (both ends closed, a reset, an unplug): that is not why they never came.
inline constexpr std::string_view kBeyondEndOfTyme = "would arrive beyond the end of tyme on ";

struct SimSegment {
  std::string bytes;  // data; rst: the reason
  std::uint64_t serial = 0;
  Tyme leaves{};            // when its last bit left the link's queue (control: when sent)
  Tyme at{};                // its own arrival: leaves + latency + jitter
  std::uint64_t epoch = 0;  // the link's epoch when sent
  SegmentKind kind = SegmentKind::data;
};

// A connection: side 0 is the client, side 1 the accepted end. Direction d
// carries segments from side d to side 1 - d, in order.
struct SimConn {
  struct Dir {
    SimLink* link = nullptr;
    std::deque<SimSegment> flight;  // scheduled, oldest first
    std::deque<SimSegment> held;    // stalled by a cut or a down host
    std::size_t bytes = 0;          // data bytes in flight or held
    Tyme last_at{};                 // arrivals never go back: in order
    Tyme data_leaves{};             // when the last data segment's last bit leaves
    Tyme stalled_since{};
    std::uint64_t next_serial = 1;
    std::uint64_t stall_gen = 0;
    bool stalled = false;
  };

  std::uint64_t id = 0;
  SimHost* host[2] = {nullptr, nullptr};
  std::uint16_t port[2] = {0, 0};
  SimStreamEnd* end[2] = {nullptr, nullptr};
  Dir dir[2];
  std::string endpoint[2];  // "host:port" of each side
};

// ---- serial lines ---------------------------------------------------------

struct SimSerialLine {
  struct Dir {
    Dir(std::uint64_t seed, const std::string& name_text)
        : name(name_text),
          bit(seed, "serial/" + name_text + "/bit"),
          drop(seed, "serial/" + name_text + "/drop"),
          garbage(seed, "serial/" + name_text + "/garbage") {}
    std::string name;  // "ttyA->ttyB"
    WireQueue wire;
    std::size_t in_flight = 0;
    std::uint64_t carry = 0;  // baud mismatch: fractional garbage bytes
    RandomStream bit;
    RandomStream drop;
    RandomStream garbage;
  };

  SimSerialLine(std::uint64_t seed, std::string a, std::string b, const SerialParams& p)
      : device{std::move(a), std::move(b)},
        params(p),
        dir{Dir(seed, device[0] + "->" + device[1]), Dir(seed, device[1] + "->" + device[0])} {}
  void set_params(const SerialParams& p);

  std::string device[2];
  SerialParams params;
  Probability bit_error;
  Probability byte_drop;
  SimSerialTransport* end[2] = {nullptr, nullptr};
  Dir dir[2];
  // Unplugged (SimNet::unplug): neither end opens; `epoch` counts the
  // unplugs and the closes of the last open end, so a chunk on the wire at
  // one is known as lost when it arrives.
  bool plugged = true;
  std::uint32_t epoch = 0;
};

struct SimSerialPiece {
  std::string bytes;
  std::uint32_t line = 0;
  std::uint32_t baud = 0;   // the sender's
  std::uint32_t epoch = 0;  // the line's when it was sent
  std::uint8_t dir = 0;
  bool on_wire = false;  // scheduled and not yet arrived (false: a free slot)
  Tyme arrives{};        // when it is due at the far end
};

// ---- faults ---------------------------------------------------------------

struct SimFault {
  enum class Kind : std::uint8_t {
    partition,
    heal,
    heal_all,
    host_down,
    host_up,
    set_link,
    set_serial,
    unplug,
    plug
  };
  Kind kind = Kind::heal_all;
  std::vector<std::uint32_t> from;  // host indices
  std::vector<std::uint32_t> to;
  Way way = Way::both;
  LinkParams link{};
  SerialParams serial{};
  std::uint32_t index = 0;  // host or serial line
};

// ---- transports -----------------------------------------------------------

// The base of every sim transport: registered with the core under an id (in
// creation order) so events can name it. When SimNet goes away first, the
// core calls net_gone() and the transport only reports its own close.
class SimEndpoint : public Transport {
 public:
  explicit SimEndpoint(SimCore& core);
  ~SimEndpoint() override;

  std::uint64_t endpoint_id() const { return id_; }
  // A copy (a port is one pointer), so callers may use its non-const calls.
  ChannelPort port() const { return port_; }
  // Noise about a message may be reported on this channel.
  bool reportable() const { return static_cast<bool>(port_) && port_.channel().open(); }
  virtual void net_gone() { core_ = nullptr; }
  // Listeners: one of the remotes they accepted has ended.
  virtual void remote_ended() {}

  Tyme kick_at = kTymeNever;  // the earliest kick scheduled for it

 protected:
  SimCore* core_;
  ChannelPort port_;

 private:
  std::uint64_t id_;
};

// ---- the core -------------------------------------------------------------

class SimCore {
 public:
  SimCore(Doist& doist, IoHub& io, const SimNetOptions& options);
  ~SimCore();
  SimCore(const SimCore&) = delete;
  SimCore& operator=(const SimCore&) = delete;

  // The hub, which must not be gone (forget_hub): a SimNet used after its hub
  // was destroyed is a bug, checked.
  IoHub& hub() const;
  bool has_hub() const { return io_ != nullptr; }
  void forget_hub() { io_ = nullptr; }
  Doist& doist() const { return doist_; }
  Tyme now() const { return hub().tyme(); }
  const SimNetOptions& options() const { return options_; }

  // ---- hosts and links ----
  SimHost& add_host(std::string_view name);
  SimHost* find_host(std::string_view name) const;
  // Throws std::invalid_argument naming `context` and the known hosts.
  SimHost& host(std::string_view name, std::string_view context) const;
  std::vector<std::string> host_names() const;
  SimHost* client_host = nullptr;
  // Made on first use, with the cuts applied so far (SimCut).
  SimLink& link(SimHost& from, SimHost& to);
  std::size_t link_count() const { return links_.size(); }
  LinkParams default_params(const SimHost& from, const SimHost& to) const;
  // A free ephemeral port for a stream client, or 0.
  std::uint16_t take_client_port(SimHost& host);
  std::uint16_t free_port(const SimHost& host, bool datagram) const;

  // ---- serial lines ----
  void add_serial(std::string_view a, std::string_view b, const SerialParams& params);
  // {line, side}; throws naming `context` for an unknown device.
  std::pair<std::uint32_t, int> device(std::string_view name, std::string_view context) const;
  SimSerialLine& line(std::uint32_t index) { return *lines_[index]; }

  // ---- events ----
  void schedule(Tyme at, SimEventKind kind, std::uint64_t a, std::uint64_t b = 0);
  void poll();
  // The tyme of the next event, kTymeNever if none (SimNet::next_tyme).
  Tyme next_at() const { return heap_.empty() ? kTymeNever : heap_.front().at; }
  std::size_t pending() const { return heap_.size(); }
  // Wakes the endpoint's driver at `at` (it runs in that pass).
  void kick(SimEndpoint& endpoint, Tyme at);

  // ---- endpoints ----
  std::uint64_t add_endpoint(SimEndpoint& endpoint);
  void remove_endpoint(std::uint64_t id);
  SimEndpoint* endpoint(std::uint64_t id) const;

  // ---- noise reports ----
  // On the sender's channel if it is open, else the receiver's, else a log
  // event: a decision is never silent.
  void report(std::uint64_t sender, std::uint64_t receiver, NoiseKind kind, std::string_view bytes,
              std::string_view peer, std::string_view detail);
  void report(SimEndpoint& sender, NoiseKind kind, std::string_view bytes, std::string_view peer,
              std::string_view detail);
  // The same by the ends themselves (either may be null): no id to look up.
  void report_ends(const SimEndpoint* sender, const SimEndpoint* receiver, NoiseKind kind,
                   std::string_view bytes, std::string_view peer, std::string_view detail);

  // ---- deliveries ----
  // When a message offered to `link` arrives: one latency plus its `jitter`
  // after it leaves the link's queue at `leaves`. A jitter changes what the
  // receiver sees, so it is reported as a delay noise event (see report;
  // sender and receiver may be null: a stream segment sent again after its
  // sender closed is reported on its receiver's channel). Datagrams and
  // stream segments both come this way.
  Tyme arrival(const SimEndpoint* sender, const SimEndpoint* receiver, SimLink& link, Tyme leaves,
               Tock jitter, std::string_view bytes, std::string_view peer);

  // ---- datagrams (sim_datagram.cpp) ----
  void send_datagram(SimDatagramTransport& from, std::string_view peer, std::string_view bytes);
  // "host:port" of a known host: empty and `to`/`port` set, or the problem.
  std::string parse_peer(std::string_view peer, SimHost*& to, std::uint16_t& port) const;

  // ---- streams (sim_stream.cpp) ----
  // A new connection from `client` (side 0) to host:port; nullptr when the
  // client host has no free port.
  SimConn* open_conn(SimStreamEnd& client, SimHost& from, SimHost& to, std::uint16_t port);
  SimConn* find_conn(std::uint64_t id) const;
  void send_segment(SimConn& conn, int dir, SegmentKind kind, std::string bytes, Tyme leaves);
  // The end of `side` leaves the connection (closed, failed, destroyed); the
  // connection goes when both ends have left, and with it the data still on
  // its way either way: each segment a drop, on the channel of the end that
  // left last while it is open, else channel 0 — unless `silent` (an end
  // destroyed with its hub: no channel and no hub to report to).
  void detach(SimConn& conn, int side, bool silent = false);
  // Both ends are told `why` (closed by the network, or a connect fails);
  // the data still on its way either way is lost first (lose_flight, on
  // the ends' channels, before their closes).
  void reset(SimConn& conn, std::string_view why);
  // Accepts a connect waiting for `listener`.
  void accept(SimListenerTransport& listener, SimConn& conn);

  // ---- serial (sim_serial.cpp) ----
  void serial_send(SimSerialTransport& end, std::uint32_t line, int side, std::uint32_t baud);
  // Unplugs line `index` (see SimNet::unplug); no effect if it is unplugged.
  void unplug_serial(std::uint32_t index);
  // The last open end of line `index` has let go of it (`last`, still open):
  // what is on the wire either way is lost with it (see lose_wire).
  void abandon_serial(std::uint32_t index, const SimSerialTransport& last);

  // ---- faults (sim_faults.cpp) ----
  // Throws for a tyme in the past; `fault` must be valid.
  void add_fault(Tyme at, SimFault fault);
  void apply(const SimFault& fault);
  std::vector<std::uint32_t> host_indices(const std::vector<std::string>& names,
                                          std::string_view context) const;

 private:
  void perform(const SimEvent& event);
  void arrive_datagram(std::uint64_t slot);
  void arrive_segment(std::uint64_t conn_id, std::uint64_t b);
  // Puts a segment in flight on direction `dir`, arriving at its `at` but
  // never before the one sent ahead of it (streams are in order).
  void launch(SimConn& conn, int dir, SimSegment segment);
  // Sends a segment (new or again) onto the link at `leaves`: a data segment
  // draws its jitter (reported); control segments have none.
  void transmit(SimConn& conn, int dir, SimSegment segment, Tyme leaves);
  void receive_segment(SimConn& conn, int dir, SimSegment& segment);
  void on_syn(SimConn& conn);
  void stall(SimConn& conn, int dir, SimSegment segment);
  void stall_timeout(std::uint64_t conn_id, std::uint64_t b);
  void resume_stalled();
  // Ends a stall of direction `dir`: what a cut caught (held, and in flight
  // having left the queue by `boundary`) is sent again through the queue.
  void resend(SimConn& conn, int dir, Tyme boundary);
  void arrive_serial(std::uint64_t slot);
  // The chunks on line `index`'s wire (the adapters' transmit FIFOs, both
  // ways) are lost now: a drop each, in the order they were due, detailed
  // `detail` + the direction's name, on `last`'s channel if given, else the
  // sender's, else the receiver's; the wire is then empty. Their events
  // still come; arrive_serial frees them silently.
  void lose_wire(std::uint32_t index, std::string_view detail, const SimSerialTransport* last);
  void backlog(std::uint64_t listener_id);
  void cut_links(const SimFault& fault, bool cut);
  void set_host_up(SimHost& host, bool up);
  void erase_conn(SimConn& conn);
  // Reports the data segments still held or in flight on `conn` as lost, a
  // drop each (see detach and reset), detailed `why` + the link's name: a
  // segment of direction d on the channel of ends[d] if it is open, else of
  // ends[1 - d], else channel 0 (report_ends).
  void lose_flight(const SimConn& conn, const SimEndpoint* const (&ends)[2], std::string_view why);
  // One lost segment of direction `dir` (data only: control segments carry
  // nothing a channel sees), the same way: the one path of a stream's drops.
  void lose_segment(const SimConn& conn, int dir, const SimSegment& segment,
                    const SimEndpoint* sender, const SimEndpoint* receiver, std::string_view why);

  std::uint32_t take_datagram_slot();
  std::uint32_t take_piece_slot();

  Doist& doist_;
  IoHub* io_;  // null once the hub is destroyed (SimNet::hub_destroyed)
  SimNetOptions options_;

  std::vector<std::unique_ptr<SimHost>> hosts_;
  std::map<std::string, std::uint32_t, std::less<>> host_index_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::unique_ptr<SimLink>> links_;
  std::vector<std::unique_ptr<SimSerialLine>> lines_;
  std::map<std::string, std::pair<std::uint32_t, int>, std::less<>> devices_;

  std::vector<SimEvent> heap_;  // min-heap on (at, seq)
  std::uint64_t next_seq_ = 0;

  std::map<std::uint64_t, SimEndpoint*> endpoints_;
  std::uint64_t next_endpoint_ = 1;

  std::map<std::uint64_t, std::unique_ptr<SimConn>> conns_;
  // {connection id, direction} of each stalled direction, so a heal or a
  // host coming up costs what is stalled, not every connection.
  std::set<std::pair<std::uint64_t, int>> stalled_;
  std::uint64_t next_conn_ = 1;

  // Pools, so a message's bytes reuse the capacity of an earlier one.
  std::vector<SimDatagram> datagrams_;
  std::vector<std::uint32_t> free_datagrams_;
  std::vector<SimSerialPiece> pieces_;
  std::vector<std::uint32_t> free_pieces_;

  std::vector<SimFault> faults_;
  // The partitions and heals applied, kept so that a link made later (on
  // first use) starts in the state it would have had if it had existed then:
  // a cut costs the hosts it names, not their pairs.
  SimCuts cuts_;
  // Replays on a new link the cuts that cover it.
  void replay_cuts(SimLink& link);
  std::string detail_;  // scratch for noise details
};

}  // namespace hio::detail
