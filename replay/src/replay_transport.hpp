// ReplayTransport: the Transport the replay's TransportFactory (Replayer::Feed)
// gives every channel of a replayed run. Private to hio::replay.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "hio/io/transport.hpp"
#include "replay_feed.hpp"

namespace hio::replay {

// The transport every channel of a replayed run gets. Inert (reports only
// local closes) once its feed is gone or detached; an open then (a reopen by
// a scene run again after its replay) fails at once, with kReplayerGone or
// kReplayFinished as its reason.
class ReplayTransport final : public Transport {
 public:
  static constexpr std::string_view kReplayerGone =
      "this channel was made by a replay whose Replayer is gone: a replayed channel opens only "
      "as its replay delivers the recorded inputs; run the scene again on a new hub (with a new "
      "Replayer to replay it)";
  static constexpr std::string_view kReplayFinished =
      "this channel was made by a replay that has finished (Replayer::finish): a replayed "
      "channel opens only as its replay delivers the recorded inputs; run the scene again on a "
      "new hub (with a new Replayer to replay it)";

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
  // Why it cannot open now (the replay is over), or nothing.
  std::optional<std::string_view> cannot_open() const;

  Replayer::Feed* feed_;
  ChannelPort port_;
  std::uint32_t id_ = 0;
};

}  // namespace hio::replay
