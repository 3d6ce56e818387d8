#include "hio/io/channel_doer.hpp"

#include <stdexcept>

#include "hio/io/hub.hpp"

namespace hio {

ChannelDoer::ChannelDoer(Channel& channel, std::string name, std::string exit_reason)
    : Doer(std::move(name)), channel_(&channel), exit_reason_(std::move(exit_reason)) {}

void ChannelDoer::replace_channel(Channel& channel) {
  if (scheduled()) {
    throw std::logic_error("ChannelDoer '" + name() +
                           "': its channel can be replaced between runs only");
  }
  if (channel_->open()) channel_->close(exit_reason_);
  channel_ = &channel;
  ran_ = false;  // the new channel opens by itself: nothing to reopen
}

void ChannelDoer::enter() {
  channel_->set_driver(this);
  if (channel_->waiter() == nullptr) channel_->set_waiter(this);
  // A later run starts where an earlier one's exit left the channel.
  if (ran_ && !channel_->open()) channel_->reopen();
  ran_ = true;
}

bool ChannelDoer::recur(Tyme) {
  const std::uint64_t before = channel_->hub().event_count();
  rerun_ = false;
  // Service first so bytes a transport delivers synchronously (SimNet,
  // replay) are served in this same pass, then again to send what serve()
  // wrote.
  channel_->service();
  serve(*channel_);
  channel_->service();
  if (channel_->open() && finished(*channel_)) channel_->close("peer finished");
  // A run in which anything happened (any event) is followed by another run
  // next pass rather than a park, so what it set off is followed up even
  // where it woke only the waiter; an idle run parks.
  if (!rerun_ && channel_->hub().event_count() == before) park(channel_->due());
  return false;
}

void ChannelDoer::exit() {
  // A failed channel stays failed, so its reason outlives the run.
  if (channel_->open()) channel_->close(exit_reason_);
  if (channel_->driver() == this) channel_->set_driver(nullptr);
  if (channel_->waiter() == this) channel_->set_waiter(nullptr);
}

}  // namespace hio
