// Serial lines on SimNet: the end transport, and the line's part — bytes on
// the wire at the sender's baud rate, in chunks, with bit errors, dropped
// bytes and the garbage a receiver at another baud rate reads.
#include "sim_serial.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include "hio/engine/check.hpp"

namespace hio::detail {

// ---- the end ----------------------------------------------------------------

SimSerialTransport::SimSerialTransport(SimCore& core, std::uint32_t line, int side,
                                       std::uint32_t baud)
    : SimEndpoint(core), line_(line), side_(side), baud_(baud) {}

SimSerialTransport::~SimSerialTransport() {
  detach();
}

void SimSerialTransport::attach() {
  SimSerialLine& line = core_->line(line_);
  if (!line.plugged) {
    // As the real transport words a device path that does not exist.
    port_.failed("cannot open serial device sim-serial://" + line.device[side_] +
                 ": No such file or directory");
    return;
  }
  if (line.end[side_] != nullptr) {
    port_.failed("sim-serial://" + line.device[side_] + " is busy: already open");
    return;
  }
  line.end[side_] = this;
  attached_ = true;
  port_.connected(line.device[side_], line.device[1 - side_]);
}

void SimSerialTransport::detach() {
  if (!attached_ || core_ == nullptr) return;
  SimSerialLine& line = core_->line(line_);
  if (line.end[side_] == this) line.end[side_] = nullptr;
  attached_ = false;
  inbound_.clear();
}

void SimSerialTransport::lose_fifo(std::string_view cause) {
  const SimSerialLine& line = core_->line(line_);
  const std::string lost = std::move(inbound_);
  inbound_.clear();
  if (!lost.empty()) {
    core_->report(0, endpoint_id(), NoiseKind::drop, lost, line.device[side_],
                  std::string(cause) + ": " + std::to_string(lost.size()) +
                      " bytes in the receive FIFO of " + line.device[side_] + " lost");
  }
}

void SimSerialTransport::hang_up() {
  lose_fifo("unplugged");
  detach();
  port_.closed(CloseWho::remote, "device hung up");
}

void SimSerialTransport::start(ChannelPort port) {
  port_ = port;
  if (core_ == nullptr) {
    port_.failed(kNetGone);
    return;
  }
  attach();
}

void SimSerialTransport::service() {
  if (core_ == nullptr || !attached_ || !port_.channel().connected()) return;
  const std::size_t n = std::min(inbound_.size(), port_.rx_space());
  if (n > 0) {
    port_.deliver(std::string_view(inbound_).substr(0, n));
    inbound_.erase(0, n);
  }
  core_->serial_send(*this, line_, side_, baud_);
}

void SimSerialTransport::close(std::string_view why) {
  // What waits behind a full rx is lost with the device's handle, and what is
  // on the wire with the line's last one: said before the close, on this
  // channel (detach() alone is silent: the hub is gone).
  if (attached_ && core_ != nullptr) {
    lose_fifo("closed");
    detach();
    const SimSerialLine& line = core_->line(line_);
    if (line.end[0] == nullptr && line.end[1] == nullptr) core_->abandon_serial(line_, *this);
  }
  port_.closed(CloseWho::local, why);
}

void SimSerialTransport::reopen() {
  port_.opening();
  if (core_ == nullptr) {
    port_.failed(kNetGone);
    return;
  }
  attach();
}

std::size_t SimSerialTransport::in_flight() const {
  return core_ != nullptr ? core_->line(line_).dir[side_].in_flight : 0;
}

std::size_t SimSerialTransport::fifo_room() const {
  const std::size_t fifo = core_->line(line_).params.rx_fifo_bytes;
  return fifo - std::min(fifo, inbound_.size());
}

std::size_t SimSerialTransport::room() const {
  return (inbound_.empty() ? port_.rx_space() : 0) + fifo_room();
}

std::size_t SimSerialTransport::arrive(std::string_view bytes) {
  std::size_t taken = 0;
  if (inbound_.empty()) {
    taken = std::min(bytes.size(), port_.rx_space());
    if (taken > 0) port_.deliver(bytes.substr(0, taken));
  }
  const std::size_t kept = std::min(bytes.size() - taken, fifo_room());
  if (kept > 0) {
    inbound_.append(bytes.substr(taken, kept));
    port_.request_service();  // delivered when the doer makes room in rx
  }
  return bytes.size() - taken - kept;
}

// ---- the line ---------------------------------------------------------------

namespace {

// The line's noise on one chunk, as it would reach a receiver at the
// sender's baud rate: the bytes that get through (bits flipped) and how many
// were dropped and flipped.
struct SerialNoise {
  std::string out;
  std::size_t dropped = 0;
  std::size_t flipped = 0;
};

// Every byte of every chunk that reaches the far end of the wire draws its
// loss (when byte_drop is set) and then its 8 bits' errors (when bit_error
// is set), whatever happens to it — dropped, read at another baud rate, read
// by nobody, lost at an unplug — so no knob, and no receiver, shifts another
// knob's draws (as a datagram draws from every noise stream of its link).
SerialNoise draw_noise(const SimSerialLine& line, SimSerialLine::Dir& dir, std::string_view bytes) {
  SerialNoise noise;
  const bool drops = line.byte_drop != Probability::never();
  const bool errors = line.bit_error != Probability::never();
  noise.out.reserve(bytes.size());
  for (char c : bytes) {
    const bool dropped = drops && dir.drop.bernoulli(line.byte_drop);
    auto byte = static_cast<unsigned char>(c);
    std::size_t flips = 0;
    if (errors) {
      for (unsigned bit = 0; bit < 8; ++bit) {
        if (dir.bit.bernoulli(line.bit_error)) {
          byte = static_cast<unsigned char>(byte ^ (1u << bit));
          ++flips;
        }
      }
    }
    if (dropped) {
      ++noise.dropped;
      continue;
    }
    noise.flipped += flips;
    noise.out.push_back(static_cast<char>(byte));
  }
  return noise;
}

}  // namespace

std::uint32_t SimCore::take_piece_slot() {
  if (!free_pieces_.empty()) {
    const std::uint32_t slot = free_pieces_.back();
    free_pieces_.pop_back();
    return slot;
  }
  HIO_CHECK(pieces_.size() < std::numeric_limits<std::uint32_t>::max(),
            "SimNet: too many serial chunks in flight");
  pieces_.emplace_back();
  return static_cast<std::uint32_t>(pieces_.size() - 1);
}

void SimCore::serial_send(SimSerialTransport& end, std::uint32_t index, int side,
                          std::uint32_t baud) {
  SimSerialLine& line = *lines_[index];
  SimSerialLine::Dir& dir = line.dir[side];
  const Tyme tyme = now();
  const std::size_t fifo = line.params.tx_fifo_bytes;
  const std::size_t backlog = dir.wire.backlog(tyme);
  const std::size_t room = backlog >= fifo ? 0 : fifo - backlog;
  ChannelPort port = end.port();
  const std::size_t n = std::min(port.tx_size(), room);
  if (n > 0) {
    std::string bytes;
    port.take_tx(bytes, n);
    dir.in_flight += n;
    // One event per chunk, at the tyme its last byte is at the far end.
    const std::size_t chunk = line.params.chunk_bytes;
    for (std::size_t at_byte = 0; at_byte < n; at_byte += chunk) {
      const std::size_t k = std::min(chunk, n - at_byte);
      const Tyme leaves = dir.wire.push(tyme, k, uart_time(k, baud));
      const std::uint32_t slot = take_piece_slot();
      SimSerialPiece& piece = pieces_[slot];
      piece.bytes.assign(bytes, at_byte, k);
      piece.line = index;
      piece.baud = baud;
      piece.epoch = line.epoch;
      piece.dir = static_cast<std::uint8_t>(side);
      piece.on_wire = true;
      piece.arrives = tyme_after(leaves, line.params.latency);
      schedule(piece.arrives, SimEventKind::serial, slot);
    }
  }
  // The FIFO is full: nothing else would wake the writer's driver.
  if (port.tx_size() > 0) kick(end, dir.wire.next_leave());
}

void SimCore::lose_wire(std::uint32_t index, std::string_view detail,
                        const SimSerialTransport* last) {
  SimSerialLine& line = *lines_[index];
  std::vector<std::uint32_t> lost;
  for (std::uint32_t slot = 0; slot < pieces_.size(); ++slot) {
    const SimSerialPiece& piece = pieces_[slot];
    if (piece.on_wire && piece.line == index && piece.epoch == line.epoch) lost.push_back(slot);
  }
  std::stable_sort(lost.begin(), lost.end(), [&](std::uint32_t a, std::uint32_t b) {
    return pieces_[a].arrives < pieces_[b].arrives;
  });
  for (const std::uint32_t slot : lost) {
    const SimSerialPiece& piece = pieces_[slot];
    const int d = piece.dir;
    const SimSerialTransport* sender = last != nullptr ? last : line.end[d];
    const SimSerialTransport* receiver = last != nullptr ? nullptr : line.end[1 - d];
    report(sender != nullptr ? sender->endpoint_id() : 0,
           receiver != nullptr ? receiver->endpoint_id() : 0, NoiseKind::drop, piece.bytes,
           line.device[1 - d],
           (piece.arrives == kTymeNever ? std::string(kBeyondEndOfTyme) + "line "
                                        : std::string(detail)) +
               line.dir[d].name);
  }
  ++line.epoch;  // what was on the wire is lost (reported above)
  for (SimSerialLine::Dir& dir : line.dir) {
    dir.wire = WireQueue{};
    dir.in_flight = 0;
    dir.carry = 0;
  }
}

void SimCore::abandon_serial(std::uint32_t index, const SimSerialTransport& last) {
  lose_wire(index, "both ends closed while on line ", &last);
}

void SimCore::unplug_serial(std::uint32_t index) {
  SimSerialLine& line = *lines_[index];
  if (!line.plugged) return;
  line.plugged = false;
  // Lost at once, oldest first: what waits in each receive FIFO, then what
  // is on the wire, on the channels open now (the sender's, else the
  // receiver's: never one opened after the plug).
  for (SimSerialTransport* end : line.end) {
    if (end != nullptr) end->lose_fifo("unplugged");
  }
  lose_wire(index, "unplugged while on line ", nullptr);
  for (SimSerialTransport* end : line.end) {
    if (end != nullptr) end->hang_up();
  }
}

void SimCore::arrive_serial(std::uint64_t slot_id) {
  const auto slot = static_cast<std::uint32_t>(slot_id);
  SimSerialPiece& piece = pieces_[slot];
  SimSerialLine& line = *lines_[piece.line];
  const int d = piece.dir;
  SimSerialLine::Dir& dir = line.dir[d];
  SimSerialTransport* sender = line.end[d];
  SimSerialTransport* receiver = line.end[1 - d];
  const std::uint64_t sender_id = sender != nullptr ? sender->endpoint_id() : 0;
  const std::uint64_t receiver_id = receiver != nullptr ? receiver->endpoint_id() : 0;
  const std::string& peer = line.device[1 - d];
  piece.on_wire = false;
  SerialNoise noise = draw_noise(line, dir, piece.bytes);
  if (piece.epoch != line.epoch) {
    // On the wire when the line was unplugged or its last end closed:
    // reported as lost then (its in_flight was reset then too).
    free_pieces_.push_back(slot);
    return;
  }
  dir.in_flight -= piece.bytes.size();
  if (receiver == nullptr || !receiver->port().channel().connected()) {
    report(sender_id, 0, NoiseKind::drop, piece.bytes, peer,
           "nobody has " + peer + " open on line " + dir.name);
    free_pieces_.push_back(slot);
    return;
  }
  std::string out;
  std::uint64_t unmade = 0;  // garbage bytes beyond the receiver's room: lost, never made
  if (receiver->baud() != piece.baud) {
    // A UART sampling at the wrong rate frames bits wrongly: it reads about
    // rx_baud / tx_baud bytes per byte sent, none of them meaningful.
    const std::uint64_t sent = piece.bytes.size();
    const std::uint64_t total = sent * receiver->baud() + dir.carry;
    const std::uint64_t count = total / piece.baud;
    dir.carry = total % piece.baud;
    // Only what the receiver can keep is made: a fast reader of a slow line
    // (1 baud read at 4e9) would otherwise ask for gigabytes at once.
    unmade = count - std::min<std::uint64_t>(count, receiver->room());
    out.resize(static_cast<std::size_t>(count - unmade));
    for (char& c : out)
      c = static_cast<char>(dir.garbage.uniform(0, 255));
    report(sender_id, receiver_id, NoiseKind::corrupt, piece.bytes, peer,
           "baud mismatch on line " + dir.name + ": sent at " + std::to_string(piece.baud) +
               ", read at " + std::to_string(receiver->baud()) + ": " + std::to_string(sent) +
               " bytes became " + std::to_string(count) + " garbage bytes");
  } else {
    out = std::move(noise.out);
    if (noise.dropped > 0) {
      report(sender_id, receiver_id, NoiseKind::drop, piece.bytes, peer,
             std::to_string(noise.dropped) + " of " + std::to_string(piece.bytes.size()) +
                 " bytes dropped on line " + dir.name);
    }
    if (noise.flipped > 0) {
      report(sender_id, receiver_id, NoiseKind::corrupt, piece.bytes, peer,
             std::to_string(noise.flipped) + " bits flipped on line " + dir.name);
    }
  }
  const std::size_t lost = receiver->arrive(out);
  if (lost > 0 || unmade > 0) {
    // The payload is the lost bytes that were made; unmade garbage has none.
    report(sender_id, receiver_id, NoiseKind::drop, std::string_view(out).substr(out.size() - lost),
           peer,
           "receive FIFO overrun: " + std::to_string(lost + unmade) + " bytes lost on line " +
               dir.name);
  }
  free_pieces_.push_back(slot);
}

}  // namespace hio::detail
