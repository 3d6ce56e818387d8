// The Asio side of an IoHub, private to io/src: the io_context that real
// transports run on and the count of their outstanding operations.
#pragma once

#include <array>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hio/engine/tyme.hpp"
#include "hio/io/hub.hpp"
#include "lookup_worker.hpp"

namespace hio::detail {

namespace asio = boost::asio;

// A real transport's object closed locally that still has something to
// deliver (a TCP or TLS stream, a serial line): a write in flight, which goes
// on, or (TCP/TLS) bytes the kernel holds that the peer has not yet
// acknowledged. It closes by itself once they are delivered.
class Draining {
 public:
  // Still delivering: writing what it had in flight at the close, or
  // waiting for the peer to acknowledge what the kernel holds.
  virtual bool draining() const = 0;
  // Draining: cuts the delivery (a TCP reset, which drops what the kernel
  // holds; a serial line drops what its driver holds) and releases the
  // handle; a write's handler then ends, aborted. True if it was draining.
  virtual bool abort_drain() = 0;
  // Asked at every poll while it lingers: a drain whose end no completion
  // announces (the peer acknowledging what the kernel held) ends here.
  // True if it still drains: decided with what settle() itself read, not
  // by asking draining() again (the peer's ACK may land in between, which
  // would leave a stream neither ended nor listed; rev23 M1).
  virtual bool settle() { return draining(); }
  // The hub goes (~IoHub) and will not wait: what has not reached the
  // kernel is cut (abort_drain), but a stream that handed every byte to the
  // kernel closes as close(2) does, leaving them to it. True if it reset.
  virtual bool release() { return abort_drain(); }

 protected:
  ~Draining() = default;
};

// A stream closed while it still had something to deliver (draining) and
// the time by which that must have ended (ChannelOptions::close_linger).
// Wall time (the steady clock), not tyme: the bound is about a real device's
// resources, and a virtual-time run's tyme runs far ahead of the peer. The
// abort is not on the record, so no journal depends on it.
struct Lingering {
  std::chrono::steady_clock::time_point due;
  std::weak_ptr<Draining> stream;
};

// An open UDP socket, asked how many datagrams the kernel dropped for it.
class DropCounting {
 public:
  // Datagrams the kernel dropped before they were read, since the socket
  // was opened (SO_MEMINFO's count of every drop at the socket: mostly a
  // full receive buffer, also bad checksums and memory the kernel lacked).
  virtual std::uint64_t kernel_drops() = 0;

 protected:
  ~DropCounting() = default;
};

// A UDP channel's datagrams that the kernel dropped (IoHub::dropped_datagrams):
// those its closed sockets counted, and its open socket's count.
struct DatagramDrops {
  std::string name;
  std::string local;
  std::uint64_t closed = 0;
  std::weak_ptr<DropCounting> open;
};

// What a real transport's outstanding operation is doing, so that the
// forgotten-attach error (IoHub::check_polled) names what would never
// complete instead of a fixed list.
enum class PendingOp : std::uint8_t { lookup, connect, handshake, accept, read, write };

// Operations started and not yet completed, by kind: IoHub::busy(). Each
// start counts up, and its handler counts down first thing. Handlers that
// Asio destroys without running (hub destruction) never count down: nothing
// reads the counts after that.
class PendingOps {
 public:
  void start(PendingOp op) { ++counts_[static_cast<std::size_t>(op)]; }
  void end(PendingOp op) { --counts_[static_cast<std::size_t>(op)]; }
  std::size_t total() const;
  // "2 operations: a connect, 2 reads": the count and the kinds in flight.
  std::string describe() const;

 private:
  std::array<std::size_t, static_cast<std::size_t>(PendingOp::write) + 1> counts_{};
};

struct AsioCore {
  // One thread drives it (the Doist's); the hint lets Asio skip locking.
  asio::io_context context{1};
  // Keeps run_until() waiting out its deadline when no operation is pending,
  // instead of returning at once and making the Doist spin.
  asio::executor_work_guard<asio::io_context::executor_type> guard{context.get_executor()};
  PendingOps pending;
  // Draining streams (those with no linger bound are never due); IoHub::poll
  // aborts those past their bound (expire_lingering, lingering.cpp), and
  // IoHub::finish_closing waits for them. Entries of streams that ended go
  // at the next poll.
  std::vector<Lingering> lingering;
  // The chunk that streams which wait for readability before they read
  // (plain TCP: BytePump) read into and deliver from at once, made at the
  // first such read: a quiet connection then holds no buffer of its own
  // (8000 idle remotes held 8000 x 64 KiB of their own). One thread uses it.
  std::unique_ptr<char[]> read_scratch;
  std::size_t read_scratch_bytes = 0;
  // Every UDP channel that was bound, by channel id (kept when the channel
  // is released or the socket reopened: the count is the run's).
  std::map<std::uint32_t, DatagramDrops> datagram_drops;
  // The transports' host-name lookups (Resolver). Declared after `context`,
  // so destroyed before it: no lookup's answer is posted to a destroyed
  // io_context, and the handlers still pending are dropped while it lives.
  LookupWorker lookups;
};

// core.read_scratch, at least `bytes` long (made or grown here, uninitialised).
inline char* read_scratch(AsioCore& core, std::size_t bytes) {
  if (core.read_scratch_bytes < bytes) {
    core.read_scratch.reset(new char[bytes]);
    core.read_scratch_bytes = bytes;
  }
  return core.read_scratch.get();
}

// Lists `stream`, just closed with something left to deliver, to be aborted
// once `linger` (wall time) has passed; 0 (no bound), or a bound beyond the
// clock's end, is never due, but it is listed all the same, for
// IoHub::finish_closing.
void start_lingering(AsioCore& core, Tock linger, std::weak_ptr<Draining> stream);
// Aborts the draining streams whose linger has run out by `now` (steady
// clock) and forgets those that ended; returns how many it aborted.
std::size_t expire_lingering(AsioCore& core, std::chrono::steady_clock::time_point now);
// Aborts every draining stream (a reset: the peer learns its data was cut)
// and forgets them all; returns how many it aborted.
std::size_t abort_lingering(AsioCore& core);
// The hub goes: releases every draining stream (Draining::release) and
// forgets them all; returns how many it reset.
std::size_t release_lingering(AsioCore& core);

}  // namespace hio::detail
