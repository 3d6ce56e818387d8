#include "hio/io/channel.hpp"

#include <algorithm>
#include <stdexcept>

#include "hio/engine/check.hpp"
#include "hio/io/hub.hpp"
#include "hio/io/transport.hpp"

namespace hio {

const char* to_string(ChannelState state) {
  switch (state) {
    case ChannelState::opening:
      return "opening";
    case ChannelState::connected:
      return "connected";
    case ChannelState::closed:
      return "closed";
    case ChannelState::failed:
      return "failed";
  }
  return "?";
}

Channel::Channel(IoHub& hub, std::uint32_t id, std::string name, Address address, ChannelKind kind,
                 ChannelOptions options)
    : hub_(&hub),
      id_(id),
      name_(std::move(name)),
      address_(std::move(address)),
      kind_(kind),
      options_(std::move(options)),
      rx_(kind == ChannelKind::stream ? options_.rx_bytes_max : 0),
      tx_(kind == ChannelKind::stream ? options_.tx_bytes_max : 0),
      rx_datagrams_(kind == ChannelKind::datagram ? options_.rx_bytes_max : 0,
                    kind == ChannelKind::datagram ? options_.datagrams_max : 0),
      tx_datagrams_(kind == ChannelKind::datagram ? options_.tx_bytes_max : 0,
                    kind == ChannelKind::datagram ? options_.datagrams_max : 0) {}

Channel::~Channel() {
  ChannelRef::clear(refs_);
  set_ready_list(nullptr);
  // Out of its listener's queue, and its own queue's channels out of it.
  if (queued_in_ != nullptr) {
    auto& queue = queued_in_->accepted_;
    queue.erase(std::remove(queue.begin(), queue.end(), this), queue.end());
  }
  for (Channel* queued : accepted_)
    queued->queued_in_ = nullptr;
}

void Channel::require(ChannelKind kind, const char* call) const {
  if (kind_ != kind) {
    throw std::logic_error(std::string("Channel::") + call + " on " + to_string(kind_) +
                           " channel '" + name_ + "' (#" + std::to_string(id_) + "); it needs a " +
                           to_string(kind) + " channel");
  }
}

void Channel::wake_waiter() {
  if (ready_list_.get() != nullptr && !ready_marked_) ready_list_->add(*this);
  if (Doer* waiter = waiter_.get()) waiter->wake();
}

void Channel::wake_driver() {
  if (ready_list_.get() != nullptr && !ready_marked_) ready_list_->add(*this);
  if (Doer* driver = driver_.get()) driver->wake();
}

void Channel::watch_if_undriven() {
  if (!undriven_watched_ && !serviced_ && driver_.get() == nullptr) hub_->watch_undriven(*this);
}

void Channel::set_driver(Doer* doer) {
  // Two drivers would both service it every pass, and the first to exit
  // would leave it with none (xemb27 LOW 6): a wiring mistake, said at once,
  // whoever wires it (a ChannelDoer, a server doer, an embedder's own doer).
  if (const Doer* other = driver_.get();
      doer != nullptr && other != nullptr && other != doer && other->scheduled()) {
    throw std::logic_error("channel #" + std::to_string(id_) + " '" + name_ +
                           "' is driven by doer '" + other->name() +
                           "', which is running: a channel has one driver");
  }
  driver_.reset(doer);
}

void Channel::set_ready_list(ReadyList* list) {
  if (list == ready_list_.get()) return;
  if (ready_list_.get() != nullptr && ready_marked_) ready_list_->remove(*this);
  // Also when the old list was destroyed with the channel marked in it.
  ready_marked_ = false;
  ready_list_.reset(list);
}

// ---- ReadyList --------------------------------------------------------------

ReadyList::~ReadyList() {
  TargetRef<ReadyList>::clear(refs_);
}

void ReadyList::add(Channel& channel) {
  HIO_CHECK(channel.ready_list_.get() == this, "ReadyList::add of channel #" +
                                                   std::to_string(channel.id()) +
                                                   " whose ready list is another one");
  if (channel.ready_marked_) return;
  channel.ready_marked_ = true;
  channel.ready_slot_ = marked_.size();
  marked_.push_back(&channel);
}

void ReadyList::remove(Channel& channel) {
  // In constant time: the last marked channel moves into its slot. The order
  // of marked_ is nobody's (take() sorts by id), and a burst of remotes
  // released while marked would otherwise cost O(marked) each.
  HIO_CHECK(channel.ready_slot_ < marked_.size() && marked_[channel.ready_slot_] == &channel,
            "ReadyList::remove of channel #" + std::to_string(channel.id()) + " not marked in it");
  channel.ready_marked_ = false;
  Channel* last = marked_.back();
  marked_[channel.ready_slot_] = last;
  last->ready_slot_ = channel.ready_slot_;
  marked_.pop_back();
}

void ReadyList::take(std::vector<Channel*>& out) {
  out.swap(marked_);
  marked_.clear();
  for (Channel* channel : out)
    channel->ready_marked_ = false;
  std::sort(out.begin(), out.end(),
            [](const Channel* a, const Channel* b) { return a->id() < b->id(); });
}

void Channel::wake_both() {
  wake_waiter();
  if (driver_.get() != waiter_.get()) wake_driver();
}

// ---- streams ----------------------------------------------------------------

std::size_t Channel::write(std::string_view bytes) {
  require(ChannelKind::stream, "write");
  if (!open()) return 0;
  std::size_t n = tx_.append(bytes);
  if (n > 0) wake_driver();
  if (n > 0) watch_if_undriven();
  return n;
}

std::size_t Channel::tx_size() const {
  require(ChannelKind::stream, "tx_size");
  return tx_.size();
}

std::size_t Channel::tx_space() const {
  require(ChannelKind::stream, "tx_space");
  return open() ? tx_.space() : 0;
}

bool Channel::flushed() const {
  bool empty = kind_ == ChannelKind::datagram ? tx_datagrams_.empty() : tx_.empty();
  return empty && (transport_ == nullptr || transport_->in_flight() == 0);
}

std::string_view Channel::peek() const {
  require(ChannelKind::stream, "peek");
  return rx_.view();
}

void Channel::consume(std::size_t n) {
  require(ChannelKind::stream, "consume");
  rx_.consume(n);
  if (n > 0) wake_driver();
}

Bytes Channel::read(std::size_t max) {
  require(ChannelKind::stream, "read");
  Bytes out;
  if (rx_.move_to(out, max) > 0) wake_driver();
  return out;
}

std::size_t Channel::rx_size() const {
  require(ChannelKind::stream, "rx_size");
  return rx_.size();
}

// ---- datagrams --------------------------------------------------------------

bool Channel::send(std::string_view peer, std::string_view bytes) {
  require(ChannelKind::datagram, "send");
  if (!open()) return false;
  if (bytes.size() > options_.datagram_bytes_max) {
    ChannelPort(*this).error("datagram of " + std::to_string(bytes.size()) + " bytes to " +
                             std::string(peer) + " exceeds the limit of " +
                             std::to_string(options_.datagram_bytes_max) + " bytes; not sent");
    return false;
  }
  if (!tx_datagrams_.push(peer, bytes)) return false;
  wake_driver();
  watch_if_undriven();
  return true;
}

std::string Channel::peer_problem(std::string_view peer) const {
  require(ChannelKind::datagram, "peer_problem");
  return transport_ ? transport_->peer_problem(peer) : std::string();
}

std::optional<Datagram> Channel::receive() {
  require(ChannelKind::datagram, "receive");
  std::optional<Datagram> datagram = rx_datagrams_.pop();
  if (datagram) wake_driver();
  return datagram;
}

std::size_t Channel::rx_count() const {
  require(ChannelKind::datagram, "rx_count");
  return rx_datagrams_.count();
}

std::size_t Channel::tx_count() const {
  require(ChannelKind::datagram, "tx_count");
  return tx_datagrams_.count();
}

// ---- listeners --------------------------------------------------------------

Channel* Channel::accept() {
  require(ChannelKind::listener, "accept");
  if (accepted_.empty()) return nullptr;
  Channel* next = accepted_.front();
  accepted_.pop_front();
  next->queued_in_ = nullptr;
  return next;
}

// ---- lifecycle --------------------------------------------------------------

void Channel::close(std::string_view why) {
  if (state_ == ChannelState::closed) return;
  hub_->check_clock_live("close of channel #" + std::to_string(id_));
  transport_->close(why);
  if (state_ != ChannelState::closed) {
    throw std::logic_error("transport of channel '" + name_ + "' (#" + std::to_string(id_) +
                           ") did not report its close");
  }
}

void Channel::reopen() {
  if (open()) {
    throw std::logic_error("Channel::reopen on channel '" + name_ + "' (#" + std::to_string(id_) +
                           ") which is " + to_string(state_));
  }
  hub_->check_clock_live("reopen of channel #" + std::to_string(id_));
  retry_.restart();
  transport_->reopen();
}

void Channel::service() {
  // Once per channel (later services pay one predictable branch): the first
  // is where a doer starts to wait on the hub's IO.
  if (!serviced_) [[unlikely]] {
    hub_->check_polled(*this);
    serviced_ = true;
  }
  if (transport_ == nullptr) return;
  transport_->service();
  // One retry schedule for every transport, so a replay re-opens at the
  // passes the recorded run did.
  if (awaits_retry() && retry_.ready()) transport_->reopen();
}

bool Channel::retries_past_end_of_tyme() const {
  return retry_.enabled() && awaits_retry() && retry_.due(hub_->tyme()) == kTymeNever;
}

Tyme Channel::due() const {
  const Tyme due = transport_ != nullptr ? transport_->due() : kTymeNever;
  return awaits_retry() ? std::min(due, retry_.due(hub_->tyme())) : due;
}

}  // namespace hio
