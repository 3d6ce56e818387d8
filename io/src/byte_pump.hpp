// BytePump: the read and write loops of every real byte-stream transport
// (TCP, TLS, serial), written once. One read is outstanding while rx has
// room and one write of up to a chunk while tx has bytes; each completion
// starts the next at once, so throughput does not wait for the driver's turn.
#pragma once

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "asio_core.hpp"
#include "hio/io/transport.hpp"

namespace hio::detail {

enum class PumpOp { read, write };

// CRTP base. Owner derives from it and from std::enable_shared_from_this
// <Owner> (handlers hold the owner alive, as every pending Asio operation
// must), and provides, as members BytePump may call (befriend it):
//   bool live() const;                         // a handler may still act
//   ChannelPort& pump_port();  AsioCore& pump_core();
//   void read_some(asio::mutable_buffer, Handler&&);  // one async read
//   bool reads_when_readable() const;  // true: waits, then reads (below)
//   void wait_readable(Handler&&);     // one async wait until readable
//   std::size_t read_ready(asio::mutable_buffer, error_code&);  // no wait:
//     the bytes there, asio::error::eof at the end, would_block if none
//   void write_all(asio::const_buffer, Handler&&);    // one async write of all
//   void end(const boost::system::error_code&, PumpOp); // reports the end
//     (a read's end of input may call end_input() and keep the connection)
template <typename Owner, std::size_t kChunkBytes>
class BytePump {
 public:
  // Bytes handed to the OS and not yet confirmed written.
  std::size_t in_flight() const { return writing_ ? write_buf_.size() : 0; }
  bool writing() const { return writing_; }

 protected:
  // The channel is done with the pump (a local close that leaves its write
  // in flight draining): that write, and the read still pending beside it,
  // go on for the closed stream only, no longer counted in the hub's
  // busy(), which is IO that could wake a doer (Reactor::busy), and nothing
  // a run waits for (IoHub::finish_closing is the wait: xack23). No
  // operation starts after it: the owner is not live() any more.
  void stop_counting() {
    if (!counted_) return;
    counted_ = false;
    PendingOps& pending = owner().pump_core().pending;
    if (reading_) pending.end(PendingOp::read);
    if (writing_) pending.end(PendingOp::write);
  }

  // Starts a write if tx has bytes and a read if rx has room.
  void pump_bytes() {
    ChannelPort& port = owner().pump_port();
    if (!writing_ && port.tx_size() > 0) start_write();
    if (!reading_ && !input_ended_ && port.rx_space() > 0) start_read();
  }
  // The peer finished sending: no more reads; writes go on.
  void end_input() { input_ended_ = true; }
  bool input_ended() const { return input_ended_; }

 private:
  Owner& owner() { return static_cast<Owner&>(*this); }
  // A handler's first act: its operation is no longer in flight (unless
  // stop_counting() ended the count already).
  void uncount(PendingOp op) {
    if (counted_) owner().pump_core().pending.end(op);
  }

  void start_read() {
    reading_ = true;
    if (counted_) owner().pump_core().pending.start(PendingOp::read);
    if (owner().reads_when_readable()) {
      // No buffer while it waits: a connection is quiet most of its life,
      // and 64 KiB each for ten thousand of them was 640 MB of address space.
      owner().wait_readable(
          [self = owner().shared_from_this()](const boost::system::error_code& ec) {
            static_cast<BytePump&>(*self).uncount(PendingOp::read);
            static_cast<BytePump&>(*self).on_readable(ec);
          });
      return;
    }
    // A TLS stream reads whole records but hands over only `room` bytes; the
    // rest waits inside OpenSSL for the next read, so rx still bounds it.
    const std::size_t room = std::min(kChunkBytes, owner().pump_port().rx_space());
    // Made at the first read and left uninitialised: a thousand quiet
    // connections should not cost a thousand zeroed chunks.
    if (!read_buf_) read_buf_.reset(new char[kChunkBytes]);
    owner().read_some(
        asio::buffer(read_buf_.get(), room),
        [self = owner().shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
          auto& pump = static_cast<BytePump&>(*self);
          pump.uncount(PendingOp::read);
          pump.on_read(ec, pump.read_buf_.get(), n);
        });
  }

  // Readable (or ended): reads what is there into the core's scratch chunk,
  // delivered at once, a chunk at a time as an async read each would have
  // given, until nothing is left, rx is full or the input ends.
  void on_readable(const boost::system::error_code& ec) {
    if (ec || !owner().live()) {
      on_read(ec, nullptr, 0);
      return;
    }
    char* buffer = read_scratch(owner().pump_core(), kChunkBytes);
    for (;;) {
      const std::size_t room = std::min(kChunkBytes, owner().pump_port().rx_space());
      boost::system::error_code read_ec;
      const std::size_t n = owner().read_ready(asio::buffer(buffer, room), read_ec);
      if (read_ec == asio::error::would_block) break;  // nothing (more): wait again
      if (read_ec || n < room) {                       // the end, or all there was
        on_read(read_ec, buffer, n);
        return;
      }
      owner().pump_port().deliver(std::string_view(buffer, n));
      if (!owner().live() || owner().pump_port().rx_space() == 0) break;
    }
    reading_ = false;
    if (owner().live() && owner().pump_port().rx_space() > 0) start_read();
  }

  void on_read(const boost::system::error_code& ec, const char* bytes, std::size_t n) {
    reading_ = false;
    if (!owner().live()) return;
    if (n > 0) owner().pump_port().deliver(std::string_view(bytes, n));
    if (ec) {
      owner().end(ec, PumpOp::read);
      return;
    }
    // Keep reading while there is room; a full rx stops here and the driver's
    // service() restarts it once a doer has consumed.
    if (!input_ended_ && owner().pump_port().rx_space() > 0) start_read();
  }

  void start_write() {
    // A chunk at a time, the next as soon as one is out: that keeps the bytes
    // moving (and in cache) better than one large write of all of tx. When the
    // chunk is all of tx, the empty write_buf_ takes over tx's storage.
    write_buf_.clear();
    owner().pump_port().take_tx(write_buf_, kChunkBytes);
    writing_ = true;
    if (counted_) owner().pump_core().pending.start(PendingOp::write);
    owner().write_all(
        asio::buffer(write_buf_),
        [self = owner().shared_from_this()](const boost::system::error_code& ec, std::size_t) {
          static_cast<BytePump&>(*self).uncount(PendingOp::write);
          static_cast<BytePump&>(*self).on_write(ec);
        });
  }

  void on_write(const boost::system::error_code& ec) {
    writing_ = false;
    if (!owner().live()) return;
    if (ec) {
      owner().end(ec, PumpOp::write);
      return;
    }
    write_buf_.clear();
    if (owner().pump_port().tx_size() > 0) {
      start_write();
    } else {
      owner().pump_port().notify();  // flushed() may hold now
    }
  }

  std::unique_ptr<char[]> read_buf_;  // kChunkBytes, from the first read_some
  std::string write_buf_;
  bool reading_ = false;
  bool writing_ = false;
  bool input_ended_ = false;  // end_input(): the peer finished sending
  bool counted_ = true;       // its operations count in PendingOps (stop_counting)
};

}  // namespace hio::detail
