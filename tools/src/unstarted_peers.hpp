// What hio check (and hio sweep, before its seeds) builds a real-time
// scenario's channels with: every stream client's transport is made by the
// built-in factory, so that everything it checks when made is checked, but
// never started - no connect, no name resolved, no serial device opened. A
// check must leave the world outside alone: a peer that takes one connection
// would otherwise get the check's, and the run none. Listeners and datagram
// endpoints on an IP address are made as the run makes them (bound, then
// released with the hub), which touches no peer and says at once that a
// port is in use; one on a host name is left unstarted too (the run
// resolves it once it starts, after the build: a doer that names it cannot
// have its endpoint then, nor in the check). A channel on a host name that
// does not resolve (OpenChecker: resolved as the run resolves it) -
// a client's, a listener's, a datagram endpoint's - fails when it would
// start, with the run's reason, so that the check warns about it as the run
// would; nothing is connected or bound either way. Each name is looked up
// once (OpenChecker), and a caught stop signal ends the wait for an answer
// (the channel is left unstarted; the build then stops). A "try again"
// answer (a name server that did not answer in time) fails nothing: the
// run looks the name up again, and may get another answer. notes() says
// such channels, for a warning that is not the run's. A serial device whose
// path alone says its open would fail (not there, no device: OpenChecker
// looks with stat, opening nothing) fails the same way, with the run's
// reason.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "channel_warnings.hpp"
#include "hio/io/hub.hpp"
#include "hio/io/ip_text.hpp"
#include "hio/io/open_check.hpp"
#include "hio/io/transport.hpp"

namespace hio::tools {

class UnstartedPeers final : public TransportFactory {
 public:
  // Installs itself on `hub` for the real schemes (tcp, tls, udp, serial), until
  // destroyed.
  explicit UnstartedPeers(IoHub& hub) : hub_(hub) {
    for (const Scheme scheme : kSchemes)
      hub.set_factory(scheme, this);
  }
  ~UnstartedPeers() override {
    for (const Scheme scheme : kSchemes)
      hub_.set_factory(scheme, nullptr);
  }
  UnstartedPeers(const UnstartedPeers&) = delete;
  UnstartedPeers& operator=(const UnstartedPeers&) = delete;

  std::unique_ptr<Transport> make(const Address& address, ChannelRole role,
                                  const ChannelOptions& options) override {
    std::unique_ptr<Transport> made =
        hub_.builtin_factory(address.scheme).make(address, role, options);
    if (role != ChannelRole::connect && canonical_host(address.host).ip_family != 0) return made;
    OpenCheckAnswer answer = checker_.known_open_failure(address, role);
    if (answer.transient) {
      return std::make_unique<Unstarted>(
          std::move(made), std::string(), &notes_,
          "its host name could not be resolved now: " + answer.failure +
              " (the run looks it up again: only the same answer fails the channel there)");
    }
    if (!answer.note.empty()) {
      return std::make_unique<Unstarted>(std::move(made), std::move(answer.failure), &notes_,
                                         std::move(answer.note));
    }
    return std::make_unique<Unstarted>(std::move(made), std::move(answer.failure));
  }

  // A warning for each channel whose name got a "try again" answer (what the
  // run fails it with if its own lookup gets that answer too), and for each
  // listener or datagram endpoint whose name resolves to several addresses
  // (the run takes the first only: OpenCheckAnswer::note), in the order they
  // were started.
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  // Holds a transport, unstarted: the channel stays opening, or fails at
  // once with `failure` when that is known.
  class Unstarted final : public Transport {
   public:
    // `notes`, `note`: a warning about the channel to add to `notes` when
    // started (after its label).
    Unstarted(std::unique_ptr<Transport> held, std::string failure,
              std::vector<std::string>* notes = nullptr, std::string note = {})
        : held_(std::move(held)),
          failure_(std::move(failure)),
          notes_(notes),
          note_(std::move(note)) {}
    void start(ChannelPort port) override {
      port_ = port;
      if (!failure_.empty()) port_.failed(failure_);
      if (notes_ != nullptr)
        notes_->push_back("warning: " + channel_label(port.channel()) + ": " + note_);
    }
    void service() override {}
    void close(std::string_view why) override { port_.closed(CloseWho::local, why); }

   private:
    std::unique_ptr<Transport> held_;  // made, so checked; destroyed unstarted
    std::string failure_;
    std::vector<std::string>* notes_;
    std::string note_;
    ChannelPort port_;
  };

  static constexpr Scheme kSchemes[] = {Scheme::tcp, Scheme::tls, Scheme::udp, Scheme::serial};
  IoHub& hub_;
  OpenChecker checker_;
  std::vector<std::string> notes_;
};

}  // namespace hio::tools
