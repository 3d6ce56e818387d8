#include "hio/io/channel_doer.hpp"

#include <stdexcept>
#include <string>

#include "hio/io/hub.hpp"

namespace hio {

ChannelDoer::ChannelDoer(Channel& channel, std::string name, std::string exit_reason)
    : Doer(std::move(name)), channel_(&channel), exit_reason_(std::move(exit_reason)) {}

Channel& detail::held_channel(const ChannelRef& ref, const char* kind, const Doer& doer,
                              const char* what) {
  Channel* channel = ref.get();
  if (channel == nullptr) {
    throw std::logic_error(std::string(kind) + " '" + doer.name() + "': its " + what +
                           " is gone (released, or its hub destroyed)");
  }
  return *channel;
}

Channel& ChannelDoer::channel() const {
  return detail::held_channel(channel_, "ChannelDoer", *this, "channel");
}

void ChannelDoer::replace_channel(Channel& channel) {
  if (scheduled()) {
    throw std::logic_error("ChannelDoer '" + name() +
                           "': its channel can be replaced between runs only");
  }
  if (Channel* old = channel_.get(); old != nullptr && old->open()) old->close(exit_reason_);
  channel_.reset(&channel);
  ran_ = false;  // the new channel opens by itself: nothing to reopen
}

void ChannelDoer::enter() {
  Channel& channel = this->channel();  // refused before anything changes
  // A channel another running doer drives is refused (Channel::set_driver:
  // xemb27 LOW 6), said as this doer's; a driver that is not running (it
  // exited without clearing itself) is taken over.
  try {
    channel.set_driver(this);
  } catch (const std::logic_error& error) {
    throw std::logic_error("ChannelDoer '" + name() + "': its " + error.what() +
                           " (give each ChannelDoer its own channel)");
  }
  if (channel.waiter() == nullptr) channel.set_waiter(this);
  // A later run starts where an earlier one's exit left the channel.
  if (ran_ && !channel.open()) channel.reopen();
  ran_ = true;
}

bool ChannelDoer::recur(Tyme) {
  // While this doer drives it the channel cannot be released (IoHub::release
  // refuses), and the hub outlives the run.
  Channel& channel = *channel_.get();
  rerun_ = false;
  // Service first so bytes a transport delivers synchronously (SimNet,
  // replay) are served in this same pass, then again to send what serve()
  // wrote.
  channel.service();
  // What the first service() handed on (rx that came in, tx the transport
  // took of what was written before) is not this run's doing: a replay hands
  // the same on at its recorded place, which may be before this run, so a
  // park decided on it would differ between a run and its replay. Counted
  // from here, the events are those of what serve() did and what it set off.
  const std::uint64_t before = channel.hub().event_count();
  serve(channel);
  channel.service();
  if (channel.open() && finished(channel)) channel.close("peer finished");
  // A run in which serve() caused anything (any event) is followed by another
  // run next pass rather than a park, so what it set off is followed up even
  // where it woke only the waiter; an idle run parks.
  if (!rerun_ && channel.hub().event_count() == before) park(channel.due());
  return false;
}

void ChannelDoer::exit() {
  Channel* channel = channel_.get();
  if (channel == nullptr) return;  // an enter refused for want of it
  // An enter refused because another doer drives it: not this doer's to close.
  if (channel->driver() != nullptr && channel->driver() != this) return;
  // A failed channel stays failed, so its reason outlives the run.
  if (channel->open()) channel->close(exit_reason_);
  if (channel->driver() == this) channel->set_driver(nullptr);
  if (channel->waiter() == this) channel->set_waiter(nullptr);
}

}  // namespace hio
