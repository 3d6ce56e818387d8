// SimCore: hosts and links, the event queue in tyme and its poll, the
// endpoint registry and noise reports.
#include "sim_core.hpp"

#include <algorithm>
#include <stdexcept>

#include "hio/engine/check.hpp"
#include "sim_datagram.hpp"
#include "sim_serial.hpp"
#include "sim_stream.hpp"

namespace hio::detail {
namespace {

// A poll performs at most this many events; the rest wait for the next pass
// (next_at() is then in the past, so the Doist skips nothing). A bound on work per pass, far above
// what a scenario schedules for one tyme.
constexpr std::size_t kPollEventsMax = 1u << 24;
// Hosts and devices per network: a bound, and far more than a scenario uses.
constexpr std::size_t kHostsMax = 65'536;
constexpr std::size_t kNameMax = 253;

// Min-heap order on (at, seq). A function object, so the heap operations
// inline it (they are the hottest code of a busy network).
struct Later {
  bool operator()(const SimEvent& x, const SimEvent& y) const {
    return x.at > y.at || (x.at == y.at && x.order > y.order);
  }
};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

void check_name(std::string_view name, std::string_view what) {
  if (name.empty() || name.size() > kNameMax) {
    throw std::invalid_argument("SimNet: " + std::string(what) + " name '" + std::string(name) +
                                "' must be 1.." + std::to_string(kNameMax) + " bytes");
  }
  for (char c : name) {
    if (!is_name_char(c)) {
      throw std::invalid_argument("SimNet: " + std::string(what) + " name '" + std::string(name) +
                                  "' may only use A-Z a-z 0-9 . _ -");
    }
  }
}

static_assert(static_cast<unsigned>(SimEventKind::backlog) < (1u << SimEvent::kKindBits),
              "every SimEventKind must fit in SimEvent::kKindBits");

}  // namespace

// ---- SimEndpoint ------------------------------------------------------------

SimEndpoint::SimEndpoint(SimCore& core) : core_(&core), id_(core.add_endpoint(*this)) {}

SimEndpoint::~SimEndpoint() {
  if (core_ != nullptr) core_->remove_endpoint(id_);
}

// ---- construction -----------------------------------------------------------

SimCore::SimCore(Doist& doist, IoHub& io, const SimNetOptions& options)
    : doist_(doist), io_(&io), options_(options) {
  validate(options_);
}

IoHub& SimCore::hub() const {
  HIO_CHECK(io_ != nullptr, "SimNet used after its IoHub was destroyed");
  return *io_;
}

SimCore::~SimCore() {
  // Transports outlive the net when their hub does: they go inert.
  for (auto& [id, endpoint] : endpoints_)
    endpoint->net_gone();
  for (auto& host : hosts_) {
    host->listeners.clear();
    host->datagrams.clear();
    host->datagram_ports.clear_all();
    host->stream_ports.clear_all();
  }
  for (auto& [id, conn] : conns_) {
    for (SimStreamEnd* end : conn->end) {
      if (end != nullptr) end->conn = nullptr;
    }
  }
}

// ---- hosts and links --------------------------------------------------------

SimHost& SimCore::add_host(std::string_view name) {
  check_name(name, "host");
  if (host_index_.contains(name)) {
    throw std::invalid_argument("SimNet: host '" + std::string(name) + "' already exists");
  }
  if (hosts_.size() >= kHostsMax) {
    throw std::invalid_argument("SimNet: more than " + std::to_string(kHostsMax) + " hosts");
  }
  auto host = std::make_unique<SimHost>();
  host->name = std::string(name);
  host->index = static_cast<std::uint32_t>(hosts_.size());
  host_index_.emplace(host->name, host->index);
  hosts_.push_back(std::move(host));
  return *hosts_.back();
}

SimHost* SimCore::find_host(std::string_view name) const {
  auto it = host_index_.find(name);
  return it == host_index_.end() ? nullptr : hosts_[it->second].get();
}

SimHost& SimCore::host(std::string_view name, std::string_view context) const {
  if (SimHost* found = find_host(name)) return *found;
  std::string known;
  for (const auto& h : hosts_)
    known += (known.empty() ? "" : ", ") + h->name;
  throw std::invalid_argument(
      "SimNet: unknown host '" + std::string(name) + "' in " + std::string(context) +
      (known.empty() ? " (the network has no hosts)" : " (hosts: " + known + ")"));
}

std::vector<std::string> SimCore::host_names() const {
  std::vector<std::string> names;
  names.reserve(hosts_.size());
  for (const auto& h : hosts_)
    names.push_back(h->name);
  return names;
}

LinkParams SimCore::default_params(const SimHost& from, const SimHost& to) const {
  return &from == &to ? options_.loopback : options_.default_link;
}

SimLink& SimCore::link(SimHost& from, SimHost& to) {
  const auto key = std::make_pair(from.index, to.index);
  auto it = links_.find(key);
  if (it == links_.end()) {
    it = links_
             .emplace(key,
                      std::make_unique<SimLink>(options_.seed, from, to, default_params(from, to)))
             .first;
    replay_cuts(*it->second);
  }
  return *it->second;
}

std::uint16_t SimCore::free_port(const SimHost& host, bool datagram) const {
  // The first free port from the host's cursor; the cursor only moves on,
  // so ports are reused as late as possible (like an OS).
  return (datagram ? host.datagram_ports : host.stream_ports).next_free(host.next_port);
}

std::uint16_t SimCore::take_client_port(SimHost& host) {
  const std::uint16_t port = free_port(host, false);
  if (port == 0) return 0;
  host.client_ports.insert(port);
  host.stream_ports.set(port);
  host.next_port = static_cast<std::uint32_t>(port) + 1;
  if (host.next_port > 65'535) host.next_port = kEphemeralFirst;
  return port;
}

// ---- serial lines -----------------------------------------------------------

void SimSerialLine::set_params(const SerialParams& p) {
  params = p;
  bit_error = Probability::from_double(p.bit_error);
  byte_drop = Probability::from_double(p.byte_drop);
}

void SimCore::add_serial(std::string_view a, std::string_view b, const SerialParams& params) {
  check_name(a, "device");
  check_name(b, "device");
  if (a == b) {
    throw std::invalid_argument("SimNet: a serial line needs two devices, got '" + std::string(a) +
                                "' twice");
  }
  for (std::string_view name : {a, b}) {
    if (devices_.contains(name)) {
      throw std::invalid_argument("SimNet: device '" + std::string(name) + "' already exists");
    }
  }
  if (lines_.size() >= kHostsMax) {
    throw std::invalid_argument("SimNet: more than " + std::to_string(kHostsMax) + " serial lines");
  }
  validate(params, "serial line " + std::string(a) + "<->" + std::string(b));
  auto line =
      std::make_unique<SimSerialLine>(options_.seed, std::string(a), std::string(b), params);
  line->set_params(params);
  const auto index = static_cast<std::uint32_t>(lines_.size());
  lines_.push_back(std::move(line));
  devices_.emplace(std::string(a), std::make_pair(index, 0));
  devices_.emplace(std::string(b), std::make_pair(index, 1));
}

std::pair<std::uint32_t, int> SimCore::device(std::string_view name,
                                              std::string_view context) const {
  auto it = devices_.find(name);
  if (it != devices_.end()) return it->second;
  std::string known;
  for (const auto& [device_name, where] : devices_)
    known += (known.empty() ? "" : ", ") + device_name;
  throw std::invalid_argument(
      "SimNet: unknown serial device '" + std::string(name) + "' in " + std::string(context) +
      (known.empty() ? " (the network has no serial lines)" : " (devices: " + known + ")"));
}

// ---- events -----------------------------------------------------------------

void SimCore::schedule(Tyme at, SimEventKind kind, std::uint64_t a, std::uint64_t b) {
  HIO_CHECK(next_seq_ < (std::uint64_t{1} << (64 - SimEvent::kKindBits)),
            "SimNet: event sequence numbers are exhausted");
  heap_.push_back(
      SimEvent{at, next_seq_++ << SimEvent::kKindBits | static_cast<std::uint64_t>(kind), a, b});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

void SimCore::poll() {
  const Tyme tyme = now();
  for (std::size_t n = 0; n < kPollEventsMax && !heap_.empty() && heap_.front().at <= tyme; ++n) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    const SimEvent event = heap_.back();
    heap_.pop_back();
    // The next message was written long ago (one latency): fetch it while
    // this one is performed. A hint only; it changes no result.
    if (!heap_.empty() && heap_.front().kind() == SimEventKind::datagram) {
      __builtin_prefetch(&datagrams_[heap_.front().a]);
    }
    perform(event);
  }
}

void SimCore::perform(const SimEvent& event) {
  switch (event.kind()) {
    case SimEventKind::datagram:
      arrive_datagram(event.a);
      return;
    case SimEventKind::segment:
      arrive_segment(event.a, event.b);
      return;
    case SimEventKind::serial:
      arrive_serial(event.a);
      return;
    case SimEventKind::kick:
      if (SimEndpoint* endpoint = this->endpoint(event.a)) {
        if (endpoint->kick_at == event.at) endpoint->kick_at = kTymeNever;
        if (endpoint->port()) endpoint->port().request_service();
      }
      return;
    case SimEventKind::fault:
      apply(faults_[event.a]);
      return;
    case SimEventKind::stall_timeout:
      stall_timeout(event.a, event.b);
      return;
    case SimEventKind::backlog:
      backlog(event.a);
      return;
  }
}

void SimCore::kick(SimEndpoint& endpoint, Tyme at) {
  // One pending kick at or before `at` is enough: service() schedules the
  // next one if it is still needed.
  if (endpoint.kick_at <= at && endpoint.kick_at >= now()) return;
  endpoint.kick_at = at;
  schedule(at, SimEventKind::kick, endpoint.endpoint_id());
}

void SimCore::backlog(std::uint64_t listener_id) {
  if (SimEndpoint* endpoint = this->endpoint(listener_id)) endpoint->remote_ended();
}

// ---- deliveries -------------------------------------------------------------

Tyme SimCore::arrival(const SimEndpoint* sender, const SimEndpoint* receiver, SimLink& link,
                      Tyme leaves, Tock jitter, std::string_view bytes, std::string_view peer) {
  if (jitter > Tock{0}) {
    detail_.assign("jitter +");
    append_number(detail_, jitter.count());
    detail_ += " ns on link ";
    detail_ += link.name();
    report_ends(sender, receiver, NoiseKind::delay, bytes, peer, detail_);
  }
  return tyme_after(tyme_after(leaves, link.params().latency), jitter);
}

// ---- endpoints --------------------------------------------------------------

std::uint64_t SimCore::add_endpoint(SimEndpoint& endpoint) {
  const std::uint64_t id = next_endpoint_++;
  endpoints_.emplace(id, &endpoint);
  return id;
}

void SimCore::remove_endpoint(std::uint64_t id) {
  endpoints_.erase(id);
}

SimEndpoint* SimCore::endpoint(std::uint64_t id) const {
  auto it = endpoints_.find(id);
  return it == endpoints_.end() ? nullptr : it->second;
}

// ---- noise reports ----------------------------------------------------------

void SimCore::report(SimEndpoint& sender, NoiseKind kind, std::string_view bytes,
                     std::string_view peer, std::string_view detail) {
  report_ends(&sender, nullptr, kind, bytes, peer, detail);
}

void SimCore::report_ends(const SimEndpoint* sender, const SimEndpoint* receiver, NoiseKind kind,
                          std::string_view bytes, std::string_view peer, std::string_view detail) {
  for (const SimEndpoint* endpoint : {sender, receiver}) {
    if (endpoint != nullptr && endpoint->reportable()) {
      endpoint->port().noise(kind, bytes, peer, detail);
      return;
    }
  }
  report(0, 0, kind, bytes, peer, detail);
}

void SimCore::report(std::uint64_t sender, std::uint64_t receiver, NoiseKind kind,
                     std::string_view bytes, std::string_view peer, std::string_view detail) {
  for (std::uint64_t id : {sender, receiver}) {
    SimEndpoint* endpoint = id == 0 ? nullptr : this->endpoint(id);
    if (endpoint != nullptr && endpoint->reportable()) {
      endpoint->port().noise(kind, bytes, peer, detail);
      return;
    }
  }
  // No channel is left to carry it: channel 0 does, as a fact of the
  // network (a replay delivers it as an input; a log would be a doer output).
  hub().noise(NoiseKey{}, kind, bytes, peer, detail);
}

}  // namespace hio::detail
