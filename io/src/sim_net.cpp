// SimNet: the public face of the simulated network — configuration checked
// up front, faults scheduled in tyme, and the hub's factory for sim://.
#include "hio/io/sim_net.hpp"

#include <stdexcept>

#include "hio/engine/check.hpp"
#include "hio/engine/doist.hpp"
#include "hio/engine/flag_scope.hpp"
#include "sim_core.hpp"
#include "sim_datagram.hpp"
#include "sim_serial.hpp"
#include "sim_stream.hpp"

namespace hio {

using detail::SimFault;

namespace {

std::string link_text(std::string_view from, std::string_view to, Way way) {
  return "link " + std::string(from) + (way == Way::both ? "<->" : "->") + std::string(to);
}

}  // namespace

namespace {

// One network per hub: a second would take over sim:// from the first, and
// its destructor would leave the hub with none. The hub reads the Doist's
// tyme: the net's deliveries are due in it.
IoHub& hub_without_sim(const Doist& doist, IoHub& io) {
  io.require_clock_of(doist, "SimNet");
  if (io.factory(Scheme::sim) != nullptr || io.factory(Scheme::sim_serial) != nullptr) {
    throw std::logic_error(
        "SimNet: this IoHub has a sim:// factory already (another SimNet); one SimNet per hub");
  }
  return io;
}

}  // namespace

SimNet::SimNet(Doist& doist, IoHub& io, SimNetOptions options)
    : core_(std::make_unique<detail::SimCore>(doist, hub_without_sim(doist, io), options)) {
  io.set_factory(Scheme::sim, this);
  io.set_factory(Scheme::sim_serial, this);
  try {
    io.tell_when_destroyed(*this);
    doist.attach(*this);
  } catch (...) {
    // Out of memory (their lists grow): no destructor undoes this one's
    // work, and the hub would call a freed SimNet for sim:// (and tell it
    // it is destroyed: a crash instead of hio's exit 6).
    io.set_factory(Scheme::sim, nullptr);
    io.set_factory(Scheme::sim_serial, nullptr);
    io.stop_telling(*this);
    throw;
  }
}

SimNet::~SimNet() {
  HIO_CHECK(!polling_,
            "SimNet destroyed inside its own poll() (by an EventSink told of an event it "
            "delivered); destroy it after the run");
  HIO_CHECK(attached_to() == nullptr || !attached_to()->running_or_passing(),
            "SimNet destroyed during a run or a pass (recur()) of the Doist it is attached to "
            "(by a doer, an EventSink or an observer); its channels would stall or reach freed "
            "memory: destroy it after the run");
  if (Doist* doist = attached_to()) doist->detach(*this);
  if (!core_->has_hub()) return;  // destroyed first: nothing of it to undo
  core_->hub().set_factory(Scheme::sim, nullptr);
  core_->hub().set_factory(Scheme::sim_serial, nullptr);
  core_->hub().stop_telling(*this);
}

void SimNet::hub_destroyed(IoHub&) noexcept {
  // Its channels (and so the sim transports) are gone: nothing is left to
  // deliver to, and a poll would reach for the hub.
  core_->forget_hub();
  if (Doist* doist = attached_to()) doist->detach(*this);
}

const SimNetOptions& SimNet::options() const {
  return core_->options();
}

// ---- hosts ------------------------------------------------------------------

void SimNet::add_host(std::string_view name) {
  core_->add_host(name);
}

bool SimNet::has_host(std::string_view name) const {
  return core_->find_host(name) != nullptr;
}

std::vector<std::string> SimNet::hosts() const {
  return core_->host_names();
}

void SimNet::set_client_host(std::string_view name) {
  core_->client_host = &core_->host(name, "set_client_host");
}

bool SimNet::host_is_up(std::string_view host) const {
  return core_->host(host, "host_is_up").up;
}

// ---- links ------------------------------------------------------------------

namespace {

SimFault link_fault(detail::SimCore& core, std::string_view from, std::string_view to,
                    const LinkParams& params, Way way) {
  const std::string what = link_text(from, to, way);
  SimFault fault;
  fault.kind = SimFault::Kind::set_link;
  fault.from = {core.host(from, what).index};
  fault.to = {core.host(to, what).index};
  fault.way = way;
  fault.link = params;
  validate(params, what);
  return fault;
}

}  // namespace

void SimNet::set_link(std::string_view from, std::string_view to, const LinkParams& params,
                      Way way) {
  core_->apply(link_fault(*core_, from, to, params, way));
}

void SimNet::set_link_at(Tyme at, std::string_view from, std::string_view to,
                         const LinkParams& params, Way way) {
  core_->add_fault(at, link_fault(*core_, from, to, params, way));
}

LinkParams SimNet::link(std::string_view from, std::string_view to) const {
  const std::string what = link_text(from, to, Way::one_way);
  detail::SimHost& a = core_->host(from, what);
  detail::SimHost& b = core_->host(to, what);
  return core_->link(a, b).params();
}

// ---- faults -----------------------------------------------------------------

namespace {

SimFault cut_fault(detail::SimCore& core, SimFault::Kind kind, const std::vector<std::string>& from,
                   const std::vector<std::string>& to, Way way) {
  const char* what = kind == SimFault::Kind::partition ? "partition" : "heal";
  SimFault fault;
  fault.kind = kind;
  fault.from = core.host_indices(from, what);
  fault.to = core.host_indices(to, what);
  fault.way = way;
  return fault;
}

SimFault host_fault(detail::SimCore& core, SimFault::Kind kind, std::string_view host) {
  SimFault fault;
  fault.kind = kind;
  fault.index = core.host(host, kind == SimFault::Kind::host_down ? "host_down" : "host_up").index;
  return fault;
}

}  // namespace

void SimNet::partition(const std::vector<std::string>& from, const std::vector<std::string>& to,
                       Way way) {
  core_->apply(cut_fault(*core_, SimFault::Kind::partition, from, to, way));
}

void SimNet::partition_at(Tyme at, const std::vector<std::string>& from,
                          const std::vector<std::string>& to, Way way) {
  core_->add_fault(at, cut_fault(*core_, SimFault::Kind::partition, from, to, way));
}

void SimNet::heal(const std::vector<std::string>& from, const std::vector<std::string>& to,
                  Way way) {
  core_->apply(cut_fault(*core_, SimFault::Kind::heal, from, to, way));
}

void SimNet::heal_at(Tyme at, const std::vector<std::string>& from,
                     const std::vector<std::string>& to, Way way) {
  core_->add_fault(at, cut_fault(*core_, SimFault::Kind::heal, from, to, way));
}

void SimNet::heal_all() {
  SimFault fault;
  fault.kind = SimFault::Kind::heal_all;
  core_->apply(fault);
}

void SimNet::heal_all_at(Tyme at) {
  SimFault fault;
  fault.kind = SimFault::Kind::heal_all;
  core_->add_fault(at, std::move(fault));
}

void SimNet::host_down(std::string_view host) {
  core_->apply(host_fault(*core_, SimFault::Kind::host_down, host));
}

void SimNet::host_down_at(Tyme at, std::string_view host) {
  core_->add_fault(at, host_fault(*core_, SimFault::Kind::host_down, host));
}

void SimNet::host_up(std::string_view host) {
  core_->apply(host_fault(*core_, SimFault::Kind::host_up, host));
}

void SimNet::host_up_at(Tyme at, std::string_view host) {
  core_->add_fault(at, host_fault(*core_, SimFault::Kind::host_up, host));
}

// ---- serial -----------------------------------------------------------------

void SimNet::add_serial(std::string_view device_a, std::string_view device_b,
                        const SerialParams& params) {
  core_->add_serial(device_a, device_b, params);
}

namespace {

SimFault serial_fault(detail::SimCore& core, std::string_view device, const SerialParams& params) {
  SimFault fault;
  fault.kind = SimFault::Kind::set_serial;
  fault.index = core.device(device, "set_serial").first;
  fault.serial = params;
  const detail::SimSerialLine& line = core.line(fault.index);
  validate(params, "serial line " + line.device[0] + "<->" + line.device[1]);
  return fault;
}

SimFault plug_fault(const detail::SimCore& core, SimFault::Kind kind, std::string_view device) {
  SimFault fault;
  fault.kind = kind;
  fault.index = core.device(device, kind == SimFault::Kind::unplug ? "unplug" : "plug").first;
  return fault;
}

}  // namespace

void SimNet::unplug(std::string_view device) {
  core_->apply(plug_fault(*core_, SimFault::Kind::unplug, device));
}

void SimNet::unplug_at(Tyme at, std::string_view device) {
  core_->add_fault(at, plug_fault(*core_, SimFault::Kind::unplug, device));
}

void SimNet::plug(std::string_view device) {
  core_->apply(plug_fault(*core_, SimFault::Kind::plug, device));
}

void SimNet::plug_at(Tyme at, std::string_view device) {
  core_->add_fault(at, plug_fault(*core_, SimFault::Kind::plug, device));
}

bool SimNet::plugged(std::string_view device) const {
  return core_->line(core_->device(device, "plugged").first).plugged;
}

void SimNet::set_serial(std::string_view device, const SerialParams& params) {
  core_->apply(serial_fault(*core_, device, params));
}

void SimNet::set_serial_at(Tyme at, std::string_view device, const SerialParams& params) {
  core_->add_fault(at, serial_fault(*core_, device, params));
}

// ---- state ------------------------------------------------------------------

std::size_t SimNet::pending() const {
  return core_->pending();
}

std::size_t SimNet::link_count() const {
  return core_->link_count();
}

Tyme SimNet::next_event() const {
  return core_->next_at();
}

// ---- the factory ------------------------------------------------------------

void SimNet::check(const Address& address, ChannelRole role,
                   const ChannelOptions& /*options*/) const {
  const std::string text = address.text();
  if (address.scheme == Scheme::sim_serial) {
    if (role != ChannelRole::connect) {
      throw std::invalid_argument("SimNet: " + text +
                                  " is the end of a serial line: it is opened " +
                                  "with connect, not " + std::string(to_string(role)));
    }
    (void)core_->device(address.path, text);
    return;
  }
  if (address.scheme != Scheme::sim) {
    throw std::invalid_argument("SimNet: " + text +
                                " is not an address on the simulated network (sim://host:port "
                                "or sim-serial://device)");
  }
  (void)core_->host(address.host, text);
  if (role == ChannelRole::connect && core_->client_host == nullptr) {
    throw std::invalid_argument("SimNet: cannot connect to " + text +
                                ": the network has no client host (the host clients connect "
                                "from; SimNet::set_client_host)");
  }
  if (role == ChannelRole::connect && address.port == 0) {
    throw std::invalid_argument("SimNet: cannot connect to " + text +
                                ": port 0 is no port a listener can have");
  }
}

std::unique_ptr<Transport> SimNet::make(const Address& address, ChannelRole role,
                                        const ChannelOptions& options) {
  check(address, role, options);
  if (address.scheme == Scheme::sim_serial) {
    const auto [line, side] = core_->device(address.path, address.text());
    return std::make_unique<detail::SimSerialTransport>(
        *core_, line, side, address.baud != 0 ? address.baud : kDefaultBaud);
  }
  detail::SimHost& host = core_->host(address.host, address.text());
  switch (role) {
    case ChannelRole::connect:
      return std::make_unique<detail::SimClientTransport>(*core_, *core_->client_host, host,
                                                          address, options);
    case ChannelRole::listen:
      return std::make_unique<detail::SimListenerTransport>(*core_, host, address.port, options);
    case ChannelRole::bind:
      return std::make_unique<detail::SimDatagramTransport>(*core_, host, address.port, options);
  }
  throw std::invalid_argument("SimNet: unknown role for " + address.text());
}

// ---- the reactor ------------------------------------------------------------

void SimNet::poll() {
  FlagScope scope(polling_);
  core_->poll();
}

Tyme SimNet::next_tyme() const {
  return core_->next_at();
}

bool SimNet::holds_past_end_of_tyme() const {
  return core_->pending() > 0 && core_->next_at() == kTymeNever;
}

void SimNet::wait_until(std::chrono::steady_clock::time_point deadline) {
  // Nothing arrives between passes in tyme: pacing a real-time run is all
  // there is to do, and it never affects the run. A stop ends it at once.
  sleep_until_woken(deadline, stop_wakes());
}

}  // namespace hio
