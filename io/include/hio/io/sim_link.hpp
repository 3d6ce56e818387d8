// SimNet's knobs: the parameters of one direction of a simulated link, of a
// simulated serial line, and of the network as a whole, with their checks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hio/engine/tyme.hpp"

namespace hio {

// One direction of a link between two hosts (a->b). What happens to a
// message, in order: it waits in the link's queue while earlier ones are
// serialised (bandwidth), then travels `latency` plus its jitter. Datagrams
// are also exposed to loss, duplication, reordering and corruption; stream
// segments never are (streams show delay, bandwidth, stalls and resets).
//
// Probabilities are doubles in [0, 1] for people; SimNet turns each into an
// exact 64-bit threshold (Probability::from_double), so a draw never depends
// on floating point arithmetic.
struct LinkParams {
  Tock latency{0};  // base one-way delay, >= 0
  Tock jitter{0};   // extra delay per message, uniform on [0, jitter], >= 0
  // Serialisation rate in bits per second; 0 = unlimited (no serialisation
  // delay and no queue).
  std::uint64_t bandwidth_bps = 0;
  // Bytes waiting in (or being serialised by) the link. A datagram that would
  // overflow it is tail-dropped; a stream waits for room instead.
  std::size_t queue_bytes_max = 256 * 1024;
  double loss = 0.0;       // datagrams: probability a datagram is lost
  double duplicate = 0.0;  // datagrams: probability a second copy arrives too
  double reorder = 0.0;    // datagrams: probability it is held back by reorder_delay
  Tock reorder_delay{0};   // how long a reordered datagram is held back, >= 0
  double corrupt = 0.0;    // datagrams: probability one bit of it is flipped

  friend bool operator==(const LinkParams&, const LinkParams&) = default;
};

// The settings of a link that act on datagrams only, by their name in a
// scenario (loss = 0.1). The one list the scenario loader, its --set and the
// warning that no datagram crosses a link use: a setting added here is
// named, placed and attributed alike by all three.
struct DatagramOnlySetting {
  std::string_view name;
  double LinkParams::*value;
};
inline constexpr std::array<DatagramOnlySetting, 4> kDatagramOnlySettings = {{
    {"loss", &LinkParams::loss},
    {"duplicate", &LinkParams::duplicate},
    {"reorder", &LinkParams::reorder},
    {"corrupt", &LinkParams::corrupt},
}};

// A serial line between two devices, the same in both directions. The baud
// rate of each end comes from its address (sim-serial://name?baud=N); a byte
// takes 10 bit times (8N1) on the wire. Ends opened at different baud rates
// read garbage.
struct SerialParams {
  Tock latency{0};         // propagation delay, >= 0
  double bit_error = 0.0;  // probability each bit is flipped
  double byte_drop = 0.0;  // probability each byte is lost (a UART overrun)
  // Bytes that arrive together (a UART FIFO's trigger level): one rx event
  // per chunk, at the tyme its last byte is on the far end.
  std::size_t chunk_bytes = 16;
  // The sender's transmit FIFO: a writer's bytes leave tx only while it has
  // room, so a fast writer sees backpressure at the baud rate.
  std::size_t tx_fifo_bytes = 4096;
  // The receiver's FIFO behind a full rx buffer; bytes beyond it are lost
  // (reported as noise).
  std::size_t rx_fifo_bytes = 4096;

  friend bool operator==(const SerialParams&, const SerialParams&) = default;
};

// Whether a link change, partition or heal applies to both directions
// between the two sets of hosts, or only from the first set to the second.
enum class Way : std::uint8_t { both = 0, one_way = 1 };

// The network as a whole.
struct SimNetOptions {
  std::uint64_t seed = 0;  // root of every noise stream (see docs/simulation.md)
  // Links between two distinct hosts that were never set (set_link).
  LinkParams default_link{};
  // Traffic from a host to itself, unless set_link(h, h, ...) says otherwise.
  LinkParams loopback{};
  // Streams: the largest segment; each is one tx event and one rx event.
  std::size_t segment_bytes_max = 16 * 1024;
  // Streams: a connection (or connect attempt) whose segments have been held
  // by a partition or a down host for this long is reset (connect: fails).
  // 0 = wait forever.
  Tock stall_timeout = seconds(60);
  // Listeners: connects waiting (still opening) while a listener is at
  // remotes_max; beyond this they are refused ("refused: backlog full").
  // Linux queues SOMAXCONN (4,096) handshaken connects and refuses none.
  std::size_t listen_backlog = 128;
  // Datagram endpoints: bytes that wait behind a full rx buffer (the socket's
  // receive buffer) unless ChannelOptions::socket_buffer_bytes says
  // otherwise; datagrams beyond it are dropped and reported. Payload bytes:
  // Linux's rmem_default, but Linux counts each datagram's kernel size
  // (hundreds of bytes more), so small datagrams fit 4 to 8 times more
  // here than in a real socket of this size.
  std::size_t receive_buffer_bytes = 212'992;
};

// Each throws std::invalid_argument naming `what` (e.g. "link a->b"), the
// knob and its value: a negative duration, a probability outside [0, 1]
// (NaN included), a zero size, or delays so large that tyme could overflow.
void validate(const LinkParams& params, std::string_view what);
void validate(const SerialParams& params, std::string_view what);
void validate(const SimNetOptions& options);

}  // namespace hio
