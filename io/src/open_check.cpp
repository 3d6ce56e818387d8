#include "hio/io/open_check.hpp"

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "error_text.hpp"
#include "hio/engine/doist.hpp"  // caught_stop_signal
#include "lookup.hpp"
#include "lookup_worker.hpp"
#include "resolve.hpp"
#include "serial_device.hpp"

namespace hio {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

// How long the wait for an answer goes between two looks for a stop signal.
constexpr std::chrono::milliseconds kStopLook{50};

// As TcpStream::connect, TcpAcceptor and UdpTransport look the name up (the
// same call, on the same kind of thread: the answer, and the words of a
// failure, are the run's), made on `worker` while this thread waits for its
// answer and looks for a stop signal every kStopLook: getaddrinfo cannot be
// interrupted (glibc retries its wait for the name server when a signal
// interrupts it, for up to its timeouts: 5 s x 2 tries by default). On a
// stop signal the lookup is left to end by itself: the worker's thread is
// not waited for. The port is left out (0): the service is numeric, and it
// changes no answer but the port in each address. nullopt: stopped; else
// the error, and the addresses in the answer's order (each once, as text).
// What the lookup threw (std::bad_alloc) is thrown here.
template <class Protocol>
std::optional<std::pair<boost::system::error_code, std::vector<std::string>>> answer_unless_stopped(
    detail::LookupWorker& worker, const std::string& host, asio::ip::resolver_base::flags flags) {
  if (caught_stop_signal() != 0) return std::nullopt;
  auto lookup = std::make_shared<detail::Lookup<Protocol>>(host, 0, flags);
  if (detail::is_reserved_invalid(host)) {
    lookup->run();  // answered at once, asking nobody
  } else {
    // No thread to be had (threads or memory ran out): made here, an answer
    // without the looks, and taken out of the queue (left there, it stayed
    // until a later lookup's thread took it, to do nothing: rev23 L6).
    if (!worker.add(lookup)) {
      worker.withdraw(lookup);
      lookup->run();
    }
  }
  auto answer = lookup->wait_unless_stopped(kStopLook);
  if (!answer) return std::nullopt;
  std::vector<std::string> addresses;
  for (const auto& entry : answer->second) {
    std::string text = entry.endpoint().address().to_string();
    if (std::find(addresses.begin(), addresses.end(), text) == addresses.end())
      addresses.push_back(std::move(text));
  }
  return std::make_pair(answer->first, std::move(addresses));
}

}  // namespace

OpenChecker::OpenChecker() = default;
OpenChecker::~OpenChecker() = default;
OpenChecker::OpenChecker(OpenChecker&&) noexcept = default;
OpenChecker& OpenChecker::operator=(OpenChecker&&) noexcept = default;

OpenCheckAnswer OpenChecker::known_open_failure(const Address& address, ChannelRole role) {
  if (address.scheme == Scheme::serial) {
    OpenCheckAnswer device;
    device.failure = detail::serial_failure_without_opening(address.path);
    return device;
  }
  if (address.scheme != Scheme::tcp && address.scheme != Scheme::tls &&
      address.scheme != Scheme::udp) {
    return {};
  }
  boost::system::error_code ec;
  asio::ip::make_address(address.host, ec);
  if (!ec) {
    OpenCheckAnswer literal;
    literal.failure =
        detail::unknown_zone_failure(address.host, address.host_port(),
                                     address.scheme == Scheme::udp ? ChannelRole::bind : role);
    return literal;
  }
  const bool udp = address.scheme == Scheme::udp;
  const bool passive = udp || role != ChannelRole::connect;
  const auto key = std::make_tuple(address.host, udp, passive);
  auto it = answers_.find(key);
  if (it == answers_.end()) {
    ++lookups_;
    if (!lookups_worker_) lookups_worker_ = std::make_unique<detail::LookupWorker>();
    const auto answer =
        udp ? answer_unless_stopped<asio::ip::udp>(*lookups_worker_, address.host,
                                                   asio::ip::udp::resolver::passive)
            : answer_unless_stopped<tcp>(*lookups_worker_, address.host,
                                         passive ? tcp::resolver::passive : tcp::resolver::flags());
    if (!answer) {
      OpenCheckAnswer stopped;
      stopped.stopped = true;
      return stopped;
    }
    Answer kept;
    if (answer->first) kept.error = detail::error_text(answer->first);
    kept.none = !answer->first && answer->second.empty();
    kept.addresses = std::move(answer->second);
    kept.transient = answer->first == asio::error::host_not_found_try_again;
    it = answers_.emplace(key, std::move(kept)).first;
  }
  const Answer& kept = it->second;
  OpenCheckAnswer out;
  if (!kept.error.empty() || kept.none) {
    out.failure = detail::resolve_failure_text(address.host_port(), kept.error, role);
  }
  out.transient = kept.transient;
  if (passive) {
    out.note = detail::first_address_only_note(address.host_port(), kept.addresses,
                                               udp ? ChannelRole::bind : ChannelRole::listen);
  }
  return out;
}

}  // namespace hio
