#include "hio/io/tcp_server_doer.hpp"

#include <algorithm>

namespace hio {

TcpServerDoer::TcpServerDoer(IoHub& hub, std::string_view address, ChannelOptions options,
                             std::string name)
    : TcpServerDoer(hub, parse_address_or_throw(address), std::move(options), std::move(name)) {}

TcpServerDoer::TcpServerDoer(IoHub& hub, const Address& address, ChannelOptions options,
                             std::string name)
    : Doer(std::move(name)), hub_(&hub), listener_(&hub.listen(address, std::move(options))) {}

void TcpServerDoer::enter() {
  listener_->set_waiter(this);
  listener_->set_driver(this);
  // A later run starts where an earlier one's exit left the listener.
  if (ran_ && !listener_->open()) listener_->reopen();
  ran_ = true;
}

bool TcpServerDoer::recur(Tyme) {
  const std::uint64_t before = hub_->event_count();
  rerun_ = false;
  listener_->service();
  while (Channel* remote = listener_->accept()) {
    remote->set_waiter(this);
    remote->set_driver(this);
    remotes_.push_back(remote);
    on_accept(*remote);
  }
  Tyme due = listener_->due();
  std::size_t kept = 0;
  for (Channel* remote : remotes_) {
    // As in TcpClientDoer: what a transport delivers synchronously is served
    // in this pass, and what serve() wrote is sent in this pass.
    remote->service();
    serve(*remote);
    remote->service();
    if (remote->open()) {
      due = std::min(due, remote->due());
      remotes_[kept++] = remote;
    } else {
      on_close(*remote);
      hub_->release(*remote);
    }
  }
  remotes_.resize(kept);
  // A wake aimed at this doer while it runs is lost (Doer::wake only ends a
  // park), so a run in which anything happened is followed by another run
  // next pass; an idle run parks.
  if (!rerun_ && hub_->event_count() == before) park(due);
  return false;
}

void TcpServerDoer::exit() {
  for (Channel* remote : remotes_) {
    remote->close("server exit");
    hub_->release(*remote);
  }
  remotes_.clear();
  // Remotes accepted but never taken belong to this doer too.
  while (Channel* remote = listener_->accept())
    hub_->release(*remote);
  // A failed listener stays failed, so its reason outlives the run.
  if (listener_->open()) listener_->close("server exit");
  listener_->set_waiter(nullptr);
  listener_->set_driver(nullptr);
}

}  // namespace hio
