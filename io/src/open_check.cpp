#include "hio/io/open_check.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include "error_text.hpp"
#include "hio/engine/doist.hpp"  // caught_stop_signal
#include "resolve.hpp"

namespace hio {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

// How long the wait for an answer goes between two looks for a stop signal.
constexpr std::chrono::milliseconds kStopLook{50};

struct Lookup {
  std::string host;
  bool udp = false;
  bool passive = false;
  std::mutex mutex;
  std::condition_variable answered;
  bool done = false;
  boost::system::error_code ec;
  bool none = false;
  // What the lookup threw (std::bad_alloc): rethrown by the thread that
  // waits for the answer, never let out of the lookup's thread (that would
  // be std::terminate).
  std::exception_ptr failure;
};

// As TcpStream::connect, TcpAcceptor and UdpTransport resolve it (there
// asynchronously): the same call, so that the answer, and the words of a
// failure, are the run's. The port is left out (0): the service is numeric,
// and it changes no answer but the port in each address.
void look_up(Lookup& lookup) noexcept {
  boost::system::error_code ec;
  bool none = false;
  std::exception_ptr failure;
  try {
    asio::io_context context;
    if (lookup.udp) {
      udp::resolver resolver(context);
      none = detail::resolve(resolver, lookup.host, 0, udp::resolver::passive, ec).empty();
    } else {
      tcp::resolver resolver(context);
      const auto flags = lookup.passive ? tcp::resolver::passive : tcp::resolver::flags();
      none = detail::resolve(resolver, lookup.host, 0, flags, ec).empty();
    }
  } catch (...) {
    failure = std::current_exception();
  }
  const std::lock_guard<std::mutex> lock(lookup.mutex);
  lookup.ec = ec;
  lookup.none = none;
  lookup.failure = failure;
  lookup.done = true;
  lookup.answered.notify_all();
}

// The lookup, made on a thread of its own while this one waits for its
// answer and looks for a stop signal every kStopLook: getaddrinfo cannot be
// interrupted (glibc retries its wait for the name server when a signal
// interrupts it, for up to its timeouts: 5 s x 2 tries by default). On a
// stop signal the thread is left to end by itself (detached, it keeps the
// lookup alive); the process does not wait for it. nullopt: stopped. What
// the lookup threw (std::bad_alloc) is thrown here.
std::optional<std::pair<boost::system::error_code, bool>> answer_unless_stopped(
    const std::string& host, bool udp, bool passive) {
  if (caught_stop_signal() != 0) return std::nullopt;
  auto lookup = std::make_shared<Lookup>();
  lookup->host = host;
  lookup->udp = udp;
  lookup->passive = passive;
  if (detail::is_reserved_invalid(host)) {
    look_up(*lookup);  // answered at once, asking nobody
  } else {
    try {
      std::thread([lookup] { look_up(*lookup); }).detach();
    } catch (const std::system_error&) {
      look_up(*lookup);  // no thread to be had: an answer without the looks
    }
  }
  std::unique_lock<std::mutex> lock(lookup->mutex);
  while (!lookup->done) {
    if (caught_stop_signal() != 0) return std::nullopt;
    lookup->answered.wait_for(lock, kStopLook);
  }
  if (lookup->failure) std::rethrow_exception(lookup->failure);
  return std::make_pair(lookup->ec, lookup->none);
}

}  // namespace

OpenCheckAnswer OpenChecker::known_open_failure(const Address& address, ChannelRole role) {
  if (address.scheme != Scheme::tcp && address.scheme != Scheme::tls &&
      address.scheme != Scheme::udp) {
    return {};
  }
  boost::system::error_code ec;
  asio::ip::make_address(address.host, ec);
  if (!ec) return {};
  const bool udp = address.scheme == Scheme::udp;
  const bool passive = udp || role != ChannelRole::connect;
  const auto key = std::make_tuple(address.host, udp, passive);
  auto it = answers_.find(key);
  if (it == answers_.end()) {
    ++lookups_;
    const auto answer = answer_unless_stopped(address.host, udp, passive);
    if (!answer) {
      OpenCheckAnswer stopped;
      stopped.stopped = true;
      return stopped;
    }
    Answer kept;
    if (answer->first) kept.error = detail::error_text(answer->first);
    kept.none = !answer->first && answer->second;
    kept.transient = answer->first == asio::error::host_not_found_try_again;
    it = answers_.emplace(key, std::move(kept)).first;
  }
  const Answer& kept = it->second;
  OpenCheckAnswer out;
  if (!kept.error.empty() || kept.none) {
    out.failure = detail::resolve_failure_text(address.host_port(), kept.error, role);
  }
  out.transient = kept.transient;
  return out;
}

}  // namespace hio
