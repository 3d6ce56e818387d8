// The Asio side of an IoHub, private to io/src: the io_context that real
// transports run on and the count of their outstanding operations.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>

#include "hio/io/hub.hpp"

namespace hio::detail {

namespace asio = boost::asio;

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
};

}  // namespace hio::detail
