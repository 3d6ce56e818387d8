// ChannelWarnings: the EventSink behind RunOptions::warn (hio run's and hio
// check's "warning: ... failed" lines and the count line at the end).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hio/engine/doist.hpp"
#include "hio/io/event.hpp"
#include "hio/io/hub.hpp"

namespace hio::tools {

// How a warning names a channel: its name, kind and address
// ("server/4 (stream tcp://127.0.0.1:5000)").
std::string channel_label(const Channel& channel);

// The channel errors of a run (error events): RunSummary::channel_errors,
// and the count ChannelWarnings::finish says. The one count: it reads
// events only, as ChannelWarnings does.
class ChannelErrorCount final : public EventSink {
 public:
  void on_event(const ChannelEvent& e) override { count += e.kind == EventKind::error ? 1 : 0; }
  std::uint64_t count = 0;
};

// RunOptions::warn's lines: what failed (channel name and address, the
// error's text) and when (tyme and pass). A listener that cannot listen, a
// datagram endpoint that cannot bind, a client whose connect is refused: each
// says so once, at its first error; a client that retries says that it does,
// and the count at the end says how many connected again later. It reads
// events only, so journals and digests are the same with or without it.
class ChannelWarnings final : public EventSink {
 public:
  // `journal`: where the run is recorded, for the count line's hint: the
  // file to name (`hio inspect FILE --kind error`), "" for a journal that is
  // not a file one can read again (a pipe, a FIFO, /dev/fd/63: the hint
  // names none), nullopt for a run not recorded.
  ChannelWarnings(const Doist& doist, const IoHub& hub,
                  const std::function<void(const std::string&)>& warn,
                  std::optional<std::string> journal);

  // Attached before the doers are built, so that it sees the channels that
  // fail as they are made; their lines are held until the build succeeded
  // (a scenario that cannot be built says only its build errors, never a
  // warning without its count line), then said in order.
  void build_succeeded();
  // hio check's (and a sweep's check before its seeds): no pass runs, so a
  // channel that fails fails as the doers are built, and its line says so
  // rather than name a tyme and a pass that never ran (as a run's line
  // says it of a channel that failed before build_succeeded).
  void runs_no_pass() { runs_no_pass_ = true; }

  void on_event(const ChannelEvent& e) override;

  // The count line, if any channel failed: `errors` in all (the run's
  // ChannelErrorCount, attached as long as this). `journal_lost`: the journal
  // was removed or replaced during the run (RunSummary::journal_lost), so the
  // line does not send the user to inspect it.
  void finish(std::uint64_t errors, bool journal_lost = false) const;

  // Channels whose state is kept: those with an error that the hub still
  // has (a released channel is counted and forgotten, at most about as many
  // again as are kept). For tests.
  std::size_t channels_kept() const { return failed_.size(); }

 private:
  struct Failed {
    bool connected_after = false;  // connected after its first error
    bool said_failed = false;      // its warning said that it failed
  };
  // Counts the failed channels the hub has released (channel ids are never
  // used again, and a released channel has no more events) and forgets them.
  void forget_released();

  const Doist& doist_;
  const IoHub& hub_;
  const std::function<void(const std::string&)>& warn_;
  const std::optional<std::string> journal_;
  // Channels with an error that were not released when last looked, by id.
  std::map<std::uint32_t, Failed> failed_;
  std::size_t failed_count_ = 0;    // channels with an error, forgotten ones too
  std::size_t recovered_gone_ = 0;  // forgotten ones that connected again later
  std::size_t forget_at_ = 0;       // failed_'s size at which forget_released runs
  bool building_ = true;
  bool runs_no_pass_ = false;
  std::vector<std::string> held_;  // lines of channels that failed while building
};

}  // namespace hio::tools
