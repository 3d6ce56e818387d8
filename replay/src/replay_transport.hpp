// ReplayTransport: the Transport the replay's TransportFactory (Replayer::Feed)
// gives every channel of a replayed run. Private to hio::replay.
#pragma once

#include <cstdint>
#include <string_view>

#include "hio/io/transport.hpp"
#include "replay_feed.hpp"

namespace hio::replay {

// The transport every channel of a replayed run gets. Inert (reports only
// local closes) once its feed is gone or detached.
class ReplayTransport final : public Transport {
 public:
  explicit ReplayTransport(Replayer::Feed& feed) : feed_(&feed) {}
  ~ReplayTransport() override;
  ReplayTransport(const ReplayTransport&) = delete;
  ReplayTransport& operator=(const ReplayTransport&) = delete;

  void start(ChannelPort port) override;
  void service() override;
  void close(std::string_view why) override;
  void reopen() override;

  ChannelPort port() const { return port_; }
  void orphan() { feed_ = nullptr; }

 private:
  Replayer::Feed* feed_;
  ChannelPort port_;
  std::uint32_t id_ = 0;
};

}  // namespace hio::replay
