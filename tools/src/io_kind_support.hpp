// What IO doer kinds share beyond their options (io_kind_options.hpp): the
// size bound of echo_client and serial_sender, the bytes of a message tx has
// not taken yet, what a sender keeps of one connection, the `connections`
// counter, and the end of a doer whose channel is lost for good. Internal to
// tools/src.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "hio/io/channel.hpp"
#include "hio/io/channel_doer.hpp"
#include "hio/tools/counters.hpp"

namespace hio::tools {

// Bound of the kinds' size parameters: a scenario must not make a doer
// allocate without limit.
constexpr std::int64_t kMessageBytesMax = 16 * 1024 * 1024;

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

// The channel side of a doer that writes messages and reads what comes back
// (echo_client, serial_sender): the bytes read and not yet taken, the message
// tx has not taken yet, and the connection serve() last saw, which a new one
// (a reconnect, a device opened again) replaces.
class Exchange {
 public:
  Outgoing outgoing{};     // what tx has not taken yet
  std::string received{};  // read, not yet matched against what was sent

  // Appends all that rx holds to `received`; returns how many bytes.
  std::size_t read(Channel& channel) {
    const std::string got = channel.read(channel.rx_size());
    received += got;
    return got.size();
  }
  // Whether `channel` is on a connection not seen before (the first, or one
  // opened again since): then it is the one seen, and what was read on the
  // last one is dropped (`received` cleared).
  bool new_connection(const Channel& channel) {
    if (channel.connects() == connection_) return false;
    connection_ = channel.connects();
    received.clear();
    return true;
  }
  // As at the start (a doer's enter()).
  void clear() {
    outgoing.clear();
    received.clear();
    connection_ = 0;
  }

 private:
  std::uint64_t connection_ = 0;  // channel.connects() as new_connection() last saw it
};

// A kind's `connections`: the connections of its channel that opened, or
// the opens of its device that succeeded (the first one too; a reconnect, or
// a reopen after a hang-up, counts again).
inline void add_connections(CounterBoard& counters, const std::string& name,
                            const ChannelDoer& doer) {
  counters.add(name + ".connections",
               [&doer] { return static_cast<std::int64_t>(doer.channel().connects()); });
}

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

}  // namespace hio::tools
