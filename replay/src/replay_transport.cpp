#include "replay_transport.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>

namespace hio::replay {

ReplayTransport::~ReplayTransport() {
  if (feed_ == nullptr || !port_) return;
  feed_->transports.erase(id_);
  feed_->wake_stalled(id_);  // what waits of it is undelivered now
  // Bytes a failed open kept die with the channel, unsent in both runs.
  if (feed_->tx_kept.erase(id_) != 0) feed_->tx_left.erase(id_);
  // Released: the hub never makes a channel with this id again.
  try {
    feed_->finishing.insert(id_);
  } catch (const std::bad_alloc&) {
    // Not forgotten then: it costs memory, never a result.
  }
}

// A replay transport opens only as its replay delivers the recorded run's
// inputs. With the replay over (its Replayer destroyed, or finished) nothing
// would ever come: the channel fails at once, saying why, rather than wait
// in `opening` for ever, silently (a scene run again after its replay).
std::optional<std::string_view> ReplayTransport::cannot_open() const {
  if (feed_ == nullptr) return kReplayerGone;
  if (!feed_->attached) return kReplayFinished;
  return std::nullopt;
}

void ReplayTransport::start(ChannelPort port) {
  port_ = port;
  id_ = port_.channel().id();
  if (const auto why = cannot_open()) {
    port_.failed(*why);
    return;
  }
  feed_->guarded([&] {
    feed_->transports[id_] = this;
    feed_->replay_max = std::max(feed_->replay_max, id_);
    feed_->pump();
  });
}

void ReplayTransport::service() {
  if (feed_ == nullptr) return;
  // The transport's work is the replayer's (Feed::guarded).
  feed_->guarded([&] {
    // Noise replays send what the doers write, as a real transport would -
    // a stream as far as the recording had sent on it by now (its credit:
    // the recorded tx reached so far), so a peer that read slowly holds the
    // doers back as it did; strict replays cut tx as the journal did
    // (Feed::take_recorded_tx).
    if (feed_->noisy && feed_->attached) {
      std::string out;
      if (port_.channel().kind() == ChannelKind::stream && port_.channel().connected()) {
        feed_->pump();  // this pass's recorded tx so far: their credit
        std::uint64_t& credit = feed_->tx_credit[id_];
        // After the peer's FIN the credit no longer holds: a doer that
        // answers more than recorded (dup) sends the rest, and can finish.
        const bool free = feed_->credit_free.count(id_) != 0;
        const auto n = static_cast<std::size_t>(
            free ? port_.tx_size() : std::min<std::uint64_t>(port_.tx_size(), credit));
        if (free && n > credit) feed_->stats.tx_credit_released_bytes += n - credit;
        credit -= std::min<std::uint64_t>(credit, n);
        if (n > 0) port_.take_tx(out, n);
      } else if (port_.channel().kind() == ChannelKind::datagram) {
        while (port_.take_datagram()) {
        }
      }
    }
    feed_->pump();
  });
}

void ReplayTransport::close(std::string_view why) {
  if (feed_ == nullptr) {
    port_.closed(CloseWho::local, why);
    return;
  }
  feed_->guarded([&] {
    feed_->drop_pending_rx(port_);
    port_.closed(CloseWho::local, why);
    feed_->pump();
  });
}

void ReplayTransport::reopen() {
  port_.opening();
  if (const auto why = cannot_open()) {
    port_.failed(*why);
    return;
  }
  feed_->guarded([&] { feed_->pump(); });
}

Replayer::Feed::~Feed() {
  for (auto& [id, t] : transports)
    t->orphan();
}

std::unique_ptr<Transport> Replayer::Feed::make(const Address&, ChannelRole,
                                                const ChannelOptions&) {
  return guarded([&] { return std::make_unique<ReplayTransport>(*this); });
}

}  // namespace hio::replay
