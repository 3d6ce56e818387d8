// The Asio side of an IoHub, private to io/src: the io_context that real
// transports run on and the count of their outstanding operations.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "hio/io/hub.hpp"

namespace hio::detail {

namespace asio = boost::asio;

class TcpStream;

// A stream closed with a write in flight (draining) and the time by which
// that write must have ended (ChannelOptions::close_linger). Wall time (the
// steady clock), not tyme: the bound is about a real socket's resources, and a
// virtual-time run's tyme runs far ahead of the peer. The abort is not on the
// record, so no journal depends on it.
struct Lingering {
  std::chrono::steady_clock::time_point due;
  std::weak_ptr<TcpStream> stream;
};

struct AsioCore {
  // One thread drives it (the Doist's); the hint lets Asio skip locking.
  asio::io_context context{1};
  // Keeps run_until() waiting out its deadline when no operation is pending,
  // instead of returning at once and making the Doist spin.
  asio::executor_work_guard<asio::io_context::executor_type> guard{context.get_executor()};
  // Operations started and not yet completed: IoHub::busy(). Each start
  // counts up, and its handler counts down first thing. Handlers that Asio
  // destroys without running (hub destruction) never count down: nothing
  // reads the count after that.
  std::size_t pending = 0;
  // Draining streams (those with no linger bound are never due); IoHub::poll
  // aborts those past their bound (expire_lingering, tcp_stream.cpp), and
  // IoHub::finish_closing waits for them. Entries of streams that ended go
  // at the next poll.
  std::vector<Lingering> lingering;
};

// Aborts the draining streams whose linger has run out by `now` (steady
// clock) and forgets those that ended; returns how many it aborted.
std::size_t expire_lingering(AsioCore& core, std::chrono::steady_clock::time_point now);
// Aborts every draining stream (a reset: the peer learns its data was cut)
// and forgets them all; returns how many it aborted.
std::size_t abort_lingering(AsioCore& core);

}  // namespace hio::detail
