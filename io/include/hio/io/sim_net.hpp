// SimNet: a simulated network in tyme — named hosts, links with seeded noise,
// stream connections, datagrams, serial lines and faults — behind the same
// Transport interface as real sockets, for sim:// and sim-serial:// addresses.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hio/engine/doist.hpp"
#include "hio/engine/reactor.hpp"
#include "hio/io/hub.hpp"
#include "hio/io/sim_link.hpp"
#include "hio/io/transport.hpp"

namespace hio {

namespace detail {
class SimCore;
}

// Usage (the tests compile this as written: consumer_header_usage;
// docs/simulation.md's sim_setup.cpp is a whole program, which they run):
//
// <!-- consumer: sim_net_usage.cpp -->
// ```cpp
// #include <hio/io/io.hpp>
// #include <hio/io/sim_net.hpp>
//
// using namespace std::chrono_literals;  // 5ms converts exactly to a Tock
//
// hio::RunEnd simulate(hio::Tock tock, hio::Tock limit) {
//   hio::Doist doist(tock);
//   hio::IoHub io(doist.tymth());
//   doist.attach(io);
//   hio::SimNet net(doist, io, {.seed = 42});
//   net.add_host("client");
//   net.add_host("server");
//   net.set_link("client", "server", {.latency = 5ms, .loss = 0.01});
//   net.set_client_host("client");  // where sim:// clients connect from
//   hio::EchoServerDoer server(io, "sim://server:7");
//   hio::TcpClientDoer client(io, "sim://server:7");
//   return doist.run({&server, &client /*, the doers that use client.channel() */}, limit);
// }
// ```
//
// Addresses. sim://host:port: connect (a stream client on the client host,
// see set_client_host), listen or bind (on `host`; port 0 picks a free one).
// A datagram's peer is "host:port". sim-serial://device[?baud=N]: one end of
// a serial line (add_serial).
//
// Tyme. Everything the network does is an event at an exact tyme, ordered by
// (tyme, sequence number of scheduling): never by addresses or hashes. SimNet
// is a Reactor: at the start of each pass, before any doer runs, it performs
// every event due by the pass's tyme (deliveries, connects, resets, faults);
// the doers those events wake run in that same pass. Its next_tyme() is the
// tyme of its next event, so the Doist skips the passes in which nothing
// happens exactly up to it: a quiet network costs nothing, and skipping on
// or off gives the identical run. Events still pending never keep a run
// alive: when every doer has finished, the run ends done.
//
// Noise. Each noise decision draws from its own stream, named after the link,
// direction and kind ("link/a->b/loss", "serial/ttyA->ttyB/bit"), derived
// from the seed, so adding a link, a host or a noise kind never changes
// another's draws. Every datagram offered to a link consumes one decision
// from each enabled noise stream of that link, and every byte that reaches
// the far end of a serial line's wire its loss and its 8 bits' errors,
// whatever happens to it, so changing one knob never shifts another's
// draws. Every decision that changes
// what a channel sees is reported at the hub's choke point as a noise event:
// on the sending channel (or, if it is gone, the receiving one; if neither
// exists, on channel 0, as a fact of the network), with the message's bytes,
// its destination and a detail.
//
// Faults over tyme. The *_at calls schedule a change; it takes effect at the
// start of the first pass at or after `at` (before any doer runs). The other
// calls take effect at once (from a doer, in its turn).
//
// Errors. Caller errors throw std::invalid_argument with a precise message
// before anything happens: a bad name, an unknown host or device, bad
// parameters (see validate), a tyme in the past. Runtime problems are events
// on channels: a refused connect, an address in use, an unknown datagram peer.
//
// Ownership. Construct SimNet after the Doist and the IoHub: it attaches
// itself to both (reactor, factory for sim:// and sim-serial://) and detaches
// in its destructor, which must not run during a run of that Doist, nor
// inside its poll() (a sink told of an event it delivers): either aborts
// (HIO_CHECK). Sim transports that
// outlive it (their hub's channels) go inert. Its hub may go first: the net
// then forgets it and leaves its Doist (it is polled no more, and its
// destructor touches nothing of the hub); using it for anything that needs
// the hub afterwards (a doist.attach and a run, a fault) is a bug that
// aborts with "SimNet used after its IoHub was destroyed". One
// SimNet per hub: a second on a hub that has one (or any factory for sim://
// or sim-serial://) throws std::logic_error; a SimNet's Doist must not have
// it attached already (Doist::attach throws).
class SimNet final : public TransportFactory, public Reactor {
 public:
  SimNet(Doist& doist, IoHub& io, SimNetOptions options = {});
  ~SimNet() override;
  SimNet(const SimNet&) = delete;
  SimNet& operator=(const SimNet&) = delete;

  const SimNetOptions& options() const;

  // ---- hosts ----

  // Names: 1..253 bytes of A-Z a-z 0-9 . _ - (what a sim:// address allows).
  // Throws for a bad or duplicate name.
  void add_host(std::string_view name);
  bool has_host(std::string_view name) const;
  // In the order added.
  std::vector<std::string> hosts() const;
  // The host that stream clients (IoHub::connect on sim://) are on, for
  // channels created from now on; a reconnect stays on its first host.
  // Connecting before this is set throws.
  void set_client_host(std::string_view name);

  // ---- links ----

  // Sets the parameters of from->to (and to->from unless one_way). A link
  // never set uses options().default_link (loopback for a host to itself).
  // Messages already sent keep the parameters they were sent with.
  void set_link(std::string_view from, std::string_view to, const LinkParams& params,
                Way way = Way::both);
  void set_link_at(Tyme at, std::string_view from, std::string_view to, const LinkParams& params,
                   Way way = Way::both);
  // The parameters from->to has now.
  LinkParams link(std::string_view from, std::string_view to) const;

  // ---- faults ----

  // Cuts every link from a host of `from` to a host of `to` (and back unless
  // one_way). Datagrams crossing a cut link, or in flight on it when it is
  // cut, are dropped; stream segments wait and are resent after the heal
  // (a stall; see SimNetOptions::stall_timeout). Links from a host to itself
  // are never cut.
  void partition(const std::vector<std::string>& from, const std::vector<std::string>& to,
                 Way way = Way::both);
  void partition_at(Tyme at, const std::vector<std::string>& from,
                    const std::vector<std::string>& to, Way way = Way::both);
  // Undoes partition for those links.
  void heal(const std::vector<std::string>& from, const std::vector<std::string>& to,
            Way way = Way::both);
  void heal_at(Tyme at, const std::vector<std::string>& from, const std::vector<std::string>& to,
               Way way = Way::both);
  void heal_all();
  void heal_all_at(Tyme at);
  // A down host is unreachable: every stream connection with an end on it is
  // reset at once (both ends: closed, who = remote, "reset: host h went
  // down"; a connect in progress fails), datagrams to or from it are dropped,
  // and new connects to or from it stall until it is up. Its listeners and
  // datagram endpoints stay bound. No effect if already down (up).
  void host_down(std::string_view host);
  void host_down_at(Tyme at, std::string_view host);
  void host_up(std::string_view host);
  void host_up_at(Tyme at, std::string_view host);
  bool host_is_up(std::string_view host) const;

  // ---- serial lines ----

  // A line between two devices, like a null-modem cable: what is written to
  // sim-serial://device_a comes out of sim-serial://device_b and back. Device
  // names follow host name rules and are unique among devices. When the
  // line's last open end closes, what is on its wire is lost with it (a drop
  // per chunk, "both ends closed while on line a->b", on that end's channel
  // before its close; docs/simulation.md, Serial lines).
  void add_serial(std::string_view device_a, std::string_view device_b,
                  const SerialParams& params = {});
  void set_serial(std::string_view device, const SerialParams& params);
  void set_serial_at(Tyme at, std::string_view device, const SerialParams& params);
  // Unplugs the line of `device` (either end), as a USB adapter pulled out:
  // both ends hang up (closed, who = remote, "device hung up", the words of
  // the real serial transport), and the bytes waiting in an end's receive
  // FIFO and those on the wire (the transmit FIFO) are lost at once (a drop
  // each, before the ends close: on the sender's channel, never on one opened
  // after the plug); what rx holds stays readable. Until
  // plug(), opening either end fails as a missing real device does
  // ("cannot open serial device sim-serial://ttyA: No such file or
  // directory"). No effect if already unplugged (plugged).
  void unplug(std::string_view device);
  void unplug_at(Tyme at, std::string_view device);
  // Plugs it back: the ends open again (a channel with ChannelOptions::retry
  // reopens on its retry grid; others with Channel::reopen, or a doer's next
  // run).
  void plug(std::string_view device);
  void plug_at(Tyme at, std::string_view device);
  bool plugged(std::string_view device) const;

  // ---- state ----

  // Events scheduled and not yet performed (messages in flight, faults to come).
  std::size_t pending() const;
  // Link directions the net holds state for: those that carried traffic or
  // were set or read (set_link, link). A partition or heal adds none, so its
  // cost follows the hosts it names, not their pairs.
  std::size_t link_count() const;
  // The tyme of the next event, kTymeNever if none.
  Tyme next_event() const;

  // ---- hio::TransportFactory (called by the hub) ----
  std::unique_ptr<Transport> make(const Address& address, ChannelRole role,
                                  const ChannelOptions& options) override;
  // Unknown hosts and serial devices, roles an address does not have.
  void check(const Address& address, ChannelRole role,
             const ChannelOptions& options) const override;

  // ---- hio::Reactor (called by the Doist) ----
  // Performs every event due by the current tyme.
  void poll() override;
  // Real-time runs: nothing arrives between passes, so this only sleeps.
  void wait_until(std::chrono::steady_clock::time_point deadline) override;
  // Always false: nothing happens between passes; pending events are
  // announced by next_tyme instead.
  bool busy() const override { return false; }
  // The tyme of the next event (next_event()): the Doist skips to it.
  Tyme next_tyme() const override;
  // Events whose tyme saturated at the end of tyme (bytes whose latency
  // reaches past it): the next are due there.
  bool holds_past_end_of_tyme() const override;

 private:
  void hub_destroyed(IoHub& hub) noexcept override;

  std::unique_ptr<detail::SimCore> core_;
  bool polling_ = false;  // inside poll(): destroying it there is a bug
};

}  // namespace hio
