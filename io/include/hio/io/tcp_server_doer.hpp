// TcpServerDoer: the driver doer of a listener and of every remote it accepts
// (hio's ServerDoer). It parks while idle and is woken by its channels.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hio/engine/doer.hpp"
#include "hio/io/channel.hpp"
#include "hio/io/hub.hpp"

namespace hio {

// Listens from construction (hub.listen binds at once, so listener().local()
// has the real port of a port-0 address). Each run it takes the newly
// accepted remotes (on_accept); for each remote it services it, lets serve()
// use it and services it again; for each remote that has closed or failed it
// calls on_close() and then releases it (the hub destroys it: do not keep
// references past on_close). Then it parks until a channel wakes it, unless
// the run caused any event: then it runs again next pass.
//
// On exit every remote is closed (who = local, "server exit") and released,
// and an open listener is closed. A listener that failed (port in use) stays
// failed: the doer keeps running with nothing to serve, and the error is on
// listener(). On a later run's enter a listener that is not open reopens.
//
// Ownership: the hub owns the channels; the hub must outlive this doer's runs.
class TcpServerDoer : public Doer {
 public:
  TcpServerDoer(IoHub& hub, std::string_view address, ChannelOptions options = {},
                std::string name = "server");
  TcpServerDoer(IoHub& hub, const Address& address, ChannelOptions options = {},
                std::string name = "server");

  Channel& listener() const { return *listener_; }
  // Accepted remotes not yet released, in accept order.
  const std::vector<Channel*>& remotes() const { return remotes_; }

 protected:
  // Call from a hook to run again next pass instead of parking: for work
  // left over that no channel event will announce (e.g. rx read in slices).
  void rerun() { rerun_ = true; }

  virtual void on_accept(Channel& remote) { (void)remote; }
  // Each run, for each remote (also one that has just closed, so what it
  // sent last can still be read).
  virtual void serve(Channel& remote) { (void)remote; }
  // The remote has closed or failed; it is released right after.
  virtual void on_close(Channel& remote) { (void)remote; }

  void enter() override;
  bool recur(Tyme tyme) override;
  void exit() override;

 private:
  bool rerun_ = false;
  bool ran_ = false;  // entered before: a new run reopens what exit closed
  IoHub* hub_;
  Channel* listener_;
  std::vector<Channel*> remotes_;
};

}  // namespace hio
