// TcpServerDoer: the driver doer of a listener and of every remote it accepts
// (hio's ServerDoer), for tcp:// and tls:// addresses alike. It parks while
// idle, is woken by its channels, and visits only the remotes that changed.
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
// accepted remotes (on_accept), then visits the remotes that changed since
// their last visit — those that woke it (rx, tx space, state, service
// requests; a ReadyList) and the new ones — in ascending id (accept) order:
// service it, serve() it, service it again. A remote that changes during the
// run is visited in the same run if the sweep has not passed it yet, else in
// the next run. Every remote is visited when the earliest due() of the
// remotes has come, after rerun(), by a tyme wake_at() asked for, and in a
// run that no channel explains (the doer was woken from outside with
// wake()). A remote whose peer has finished sending (a half-close) is closed
// once finished() says so: rx read and tx taken. A remote that has closed or
// failed gets on_close() and is released (the hub destroys it: do not keep
// references past on_close; to drop a remote, close() it: releasing it
// yourself is refused, as it is driven by this doer) - once its rx is read:
// one that ended with rx unread (its peer closed right after sending, as a
// SimNet peer's close does) is served again each run while serve() reads
// from it, so a serve() that handles one message a call still gets every
// message sent before the close; a visit that reads nothing ends it, unread
// rx and all, even if serve() called rerun() (a serve() waiting for the rest
// of a message that never comes would keep it forever). Then it parks until a channel wakes it
// or the earliest due(), unless a visit caused any event after the remote's
// first service (as in ChannelDoer): then it runs again next pass, or at its
// next tock. An idle remote costs nothing per run.
//
// A tls:// remote is accepted (on_accept) while its handshake is still
// running: it is opening until the handshake succeeds (connected) or fails
// (failed, with the reason; then on_close and release).
//
// On exit every remote is closed (who = local, "server exit") and released,
// and an open listener is closed. A listener that failed (port in use) stays
// failed: the doer keeps running with nothing to serve, and the error is on
// listener(). On a later run's enter a listener that is not open reopens.
//
// Ownership: the hub owns the channels; the hub must outlive this doer's runs.
// Exit releases every remote, so none refers to this doer afterwards; between
// runs the listener may be released or the hub destroyed (as for a
// ChannelDoer: listener() and a later run's enter then throw
// std::logic_error).
class TcpServerDoer : public Doer {
 public:
  TcpServerDoer(IoHub& hub, std::string_view address, ChannelOptions options = {},
                std::string name = "server");
  TcpServerDoer(IoHub& hub, const Address& address, ChannelOptions options = {},
                std::string name = "server");

  // Throws std::logic_error when the listener is gone (released, or its hub
  // destroyed).
  Channel& listener() const;
  // Accepted remotes not yet released, in accept order.
  const std::vector<Channel*>& remotes() const { return remotes_; }

 protected:
  // Call from a hook to run again next pass instead of parking, visiting
  // every remote: for work left over that no channel event will announce.
  void rerun() { rerun_ = true; }
  // Call from a hook: run by `tyme` at the latest, visiting every remote,
  // even if no channel wakes this doer (a timer of the server's own, such
  // as a remote's idle deadline).
  void wake_at(Tyme tyme) { due_ = tyme < due_ ? tyme : due_; }

  virtual void on_accept(Channel& remote) { (void)remote; }
  // Each run, for each remote visited (also one that has just closed, so
  // what it sent last can still be read).
  virtual void serve(Channel& remote) { (void)remote; }
  // Asked after each serve() while the remote is open: true closes it
  // (who = local, "peer finished"), then on_close. Default: the remote has
  // finished sending (rx_ended(), a half-close), serve() has read all it
  // sent (rx empty) and the transport has taken everything written to it
  // (tx empty; see ChannelDoer::finished): a reply written in serve()
  // reaches the peer before this side's FIN, and what a full tx kept rx
  // from moving yet (an echo) is still served. Unlike ChannelDoer's, rx
  // must be empty: a closed remote is released after on_close, so unread rx
  // would be lost with no event. A server that never reads a remote's rx
  // must consume it or override this. Override to keep a remote for a
  // reply written later.
  virtual bool finished(const Channel& remote) const {
    return remote.rx_ended() && remote.rx_size() == 0 && remote.tx_size() == 0;
  }
  // The remote has closed or failed; it is released after this run's sweep.
  virtual void on_close(Channel& remote) { (void)remote; }

  void enter() override;
  bool recur(Tyme tyme) override;
  void exit() override;

 private:
  // Visits one remote; false if it has ended (on_close has run).
  bool visit(Channel& remote);
  void release_ended();
  // Unhooks a remote from this doer and releases it.
  void let_go(Channel& remote);

  bool rerun_ = false;
  bool active_ = false;  // a visit of this run caused an event (after its first service)
  bool visit_all_ = true;
  bool draining_ = false;  // a closed remote with rx unread is served again next run
  bool ran_ = false;       // entered before: a new run reopens what exit closed
  IoHub* hub_;
  ChannelRef listener_;
  std::vector<Channel*> remotes_;
  ReadyList ready_;
  std::vector<Channel*> batch_;  // this run's remotes to visit (reused)
  std::vector<Channel*> ended_;  // remotes that ended this run, to release
  Tyme due_ = kTymeNever;        // earliest due() of the remotes last seen, and wake_at()
};

}  // namespace hio
