#include "hio/io/tcp_client_doer.hpp"

namespace hio {

TcpClientDoer::TcpClientDoer(IoHub& hub, std::string_view address, ChannelOptions options,
                             std::string name)
    : TcpClientDoer(hub, parse_address_or_throw(address), std::move(options), std::move(name)) {}

TcpClientDoer::TcpClientDoer(IoHub& hub, const Address& address, ChannelOptions options,
                             std::string name)
    : Doer(std::move(name)), channel_(&hub.connect(address, std::move(options))) {}

void TcpClientDoer::enter() {
  channel_->set_driver(this);
  if (channel_->waiter() == nullptr) channel_->set_waiter(this);
  // A later run starts where an earlier one's exit left the channel.
  if (ran_ && !channel_->open()) channel_->reopen();
  ran_ = true;
}

bool TcpClientDoer::recur(Tyme) {
  const std::uint64_t before = channel_->hub().event_count();
  rerun_ = false;
  // Service first so bytes a transport delivers synchronously (SimNet,
  // replay) are served in this same pass, then again to send what serve()
  // wrote.
  channel_->service();
  serve(*channel_);
  channel_->service();
  // A wake aimed at this doer while it runs is lost (Doer::wake only ends a
  // park), so if anything happened during this run, run again next pass
  // instead of parking; an idle run parks.
  if (!rerun_ && channel_->hub().event_count() == before) park(channel_->due());
  return false;
}

void TcpClientDoer::exit() {
  // A failed channel stays failed, so its reason outlives the run.
  if (channel_->open()) channel_->close("client exit");
  if (channel_->driver() == this) channel_->set_driver(nullptr);
  if (channel_->waiter() == this) channel_->set_waiter(nullptr);
}

}  // namespace hio
