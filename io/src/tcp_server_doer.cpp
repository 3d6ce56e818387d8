#include "hio/io/tcp_server_doer.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "hio/io/channel_doer.hpp"

namespace hio {

TcpServerDoer::TcpServerDoer(IoHub& hub, std::string_view address, ChannelOptions options,
                             std::string name)
    : TcpServerDoer(hub, parse_address_or_throw(address), std::move(options), std::move(name)) {}

TcpServerDoer::TcpServerDoer(IoHub& hub, const Address& address, ChannelOptions options,
                             std::string name)
    : Doer(std::move(name)), hub_(&hub), listener_(&hub.listen(address, std::move(options))) {}

Channel& TcpServerDoer::listener() const {
  return detail::held_channel(listener_, "TcpServerDoer", *this, "listener");
}

void TcpServerDoer::enter() {
  Channel& listener = this->listener();  // refused before anything changes when it is gone
  // A listener another running doer drives is refused before anything
  // changes too (Channel::set_driver), said as this doer's: made its waiter
  // first, the listener woke this doer, not its driver.
  try {
    listener.set_driver(this);
  } catch (const std::logic_error& error) {
    throw std::logic_error("TcpServerDoer '" + name() + "': its listener " + error.what());
  }
  listener.set_waiter(this);
  visit_all_ = true;
  due_ = kTymeNever;
  // A later run starts where an earlier one's exit left the listener.
  if (ran_ && !listener_->open()) listener_->reopen();
  ran_ = true;
}

bool TcpServerDoer::visit(Channel& remote) {
  // As in ChannelDoer: what a transport delivers synchronously is served in
  // this pass, and what serve() wrote is sent in this pass.
  remote.service();
  const std::size_t unread = remote.rx_size();
  const bool rerun_before = std::exchange(rerun_, false);
  const std::uint64_t before = hub_->event_count();  // as in ChannelDoer::recur
  serve(remote);
  rerun_ = rerun_ || rerun_before;
  remote.service();
  if (remote.open() && finished(remote)) remote.close("peer finished");
  if (hub_->event_count() != before) active_ = true;
  if (remote.open()) {
    due_ = std::min(due_, remote.due());
    return true;
  }
  // Closed or failed with rx unread (a peer's close right after its data):
  // what it sent stays readable, as a real peer's FIN leaves it, so the
  // remote is served again next run while serve() reads from it. Once a
  // visit reads nothing (a rerun() alone does not keep it: a serve() waiting
  // for more, such as the rest of a line, would keep it forever), or rx is
  // empty, it ends.
  if (remote.rx_size() > 0 && remote.rx_size() < unread) {
    ready_.add(remote);
    draining_ = true;
    return true;
  }
  on_close(remote);
  return false;
}

bool TcpServerDoer::recur(Tyme tyme) {
  active_ = false;
  // A run that no channel explains (nothing ready, nothing accepted) was
  // asked for by someone else (wake()): it visits every remote, as does one
  // that rerun() asked for or that a remote's due() has come for.
  const bool unexplained = ready_.empty() && listener_->accept_pending() == 0;
  const bool all = visit_all_ || rerun_ || tyme >= due_ || unexplained;
  visit_all_ = false;
  rerun_ = false;
  draining_ = false;
  listener_->service();
  while (Channel* remote = listener_->accept()) {
    remote->set_waiter(this);
    remote->set_driver(this);
    remote->set_ready_list(&ready_);
    ready_.add(*remote);
    remotes_.push_back(remote);
    on_accept(*remote);
  }
  ready_.take(batch_);
  if (all) {
    batch_ = remotes_;
    due_ = kTymeNever;
  }
  // One sweep in ascending id order. Remotes that change while it runs join
  // it if it has not passed them yet; the others wait for the next run.
  while (!batch_.empty()) {
    std::uint32_t last = 0;
    for (Channel* remote : batch_) {
      last = remote->id();
      if (!visit(*remote)) ended_.push_back(remote);
    }
    ready_.take(batch_);
    const auto passed = std::partition(batch_.begin(), batch_.end(),
                                       [last](const Channel* c) { return c->id() <= last; });
    for (auto it = batch_.begin(); it != passed; ++it)
      ready_.add(**it);
    batch_.erase(batch_.begin(), passed);
    std::sort(batch_.begin(), batch_.end(),
              [](const Channel* a, const Channel* b) { return a->id() < b->id(); });
  }
  release_ended();
  // A run in which a visit caused an event is followed by another run next
  // pass rather than a park; an idle run parks (ChannelDoer::recur).
  if (!active_ && !rerun_ && !draining_) park(std::min(due_, listener_->due()));
  return false;
}

void TcpServerDoer::release_ended() {
  if (ended_.empty()) return;
  // Both are in ascending id order: remotes_ by accept, ended_ by the sweep.
  std::size_t kept = 0;
  std::size_t next = 0;
  for (Channel* remote : remotes_) {
    if (next < ended_.size() && ended_[next] == remote) {
      ++next;
    } else {
      remotes_[kept++] = remote;
    }
  }
  remotes_.resize(kept);
  for (Channel* remote : ended_)
    let_go(*remote);
  ended_.clear();
}

void TcpServerDoer::let_go(Channel& remote) {
  remote.set_ready_list(nullptr);
  remote.set_waiter(nullptr);
  remote.set_driver(nullptr);
  hub_->release(remote);
}

void TcpServerDoer::exit() {
  if (listener_.get() == nullptr) return;  // an enter refused for want of it
  for (Channel* remote : remotes_) {
    remote->close("server exit");
    let_go(*remote);
  }
  remotes_.clear();
  batch_.clear();
  ended_.clear();
  // An enter refused because another doer drives the listener (it has no
  // remotes then): the listener, and what it accepted, are that doer's
  // (until session 29 this exit closed the listener under it, released what
  // it had accepted and cleared its driver).
  if (listener_->driver() != nullptr && listener_->driver() != this) return;
  // Remotes accepted but never taken belong to this doer too.
  while (Channel* remote = listener_->accept())
    hub_->release(*remote);
  // A failed listener stays failed, so its reason outlives the run.
  if (listener_->open()) listener_->close("server exit");
  listener_->set_waiter(nullptr);
  listener_->set_driver(nullptr);
}

}  // namespace hio
