#include "channel_warnings.hpp"

#include <algorithm>
#include <utility>

#include "hio/engine/tyme.hpp"
#include "hio/io/channel.hpp"
#include "hio/tools/runner.hpp"
#include "hio/tools/scenario.hpp"
#include "program_name.hpp"

namespace hio::tools {

namespace {

// failed_'s size below which released channels are not looked for: a run
// with a few failures never walks them.
constexpr std::size_t kForgetAtLeast = 64;

}  // namespace

std::string channel_label(const Channel& channel) {
  return display_text(channel.name()) + " (" + to_string(channel.kind()) + " " +
         display_text(channel.address().text()) + ")";
}

ChannelWarnings::ChannelWarnings(const Doist& doist, const IoHub& hub,
                                 const std::function<void(const std::string&)>& warn,
                                 std::optional<std::string> journal)
    : doist_(doist),
      hub_(hub),
      warn_(warn),
      journal_(std::move(journal)),
      forget_at_(kForgetAtLeast) {}

void ChannelWarnings::build_succeeded() {
  building_ = false;
  for (const std::string& line : held_)
    warn_(line);
  held_.clear();
}

// Only channels that failed are remembered, and only while the hub has them:
// a run of a million channels costs nothing here until they fail, and a
// server whose remotes fail by the million (clients that reset) keeps only
// those not yet released.
void ChannelWarnings::on_event(const ChannelEvent& e) {
  if (e.kind == EventKind::connect) {
    auto it = failed_.find(e.channel);
    if (it != failed_.end()) it->second.connected_after = true;
    return;
  }
  if (e.kind != EventKind::error) return;
  // An error that left the channel open (a UDP endpoint that discarded an
  // oversized datagram) is worded as such; one that ended it "failed". A
  // channel says each once: its first error, and its failure if that came
  // later.
  const Channel* channel = hub_.find(e.channel);
  const bool ended = channel == nullptr || !channel->open();
  auto [it, first] = failed_.emplace(e.channel, Failed{});
  if (first) ++failed_count_;
  if (!first && (it->second.said_failed || !ended)) return;
  it->second.said_failed = ended;
  const std::size_t failed = failed_count_;
  // (The channel of this event is the hub's, unless it never was: forgetting
  // it then loses nothing, it has no more events.)
  if (first && failed_.size() >= forget_at_) forget_released();
  if (failed > kChannelWarningsMax) return;
  const std::string what =
      channel == nullptr ? "#" + std::to_string(e.channel) : channel_label(*channel);
  const bool retries = channel != nullptr && channel->options().retry.count() > 0;
  // One that failed as the doers were built failed before any pass (hio
  // run's, as check's, which runs none): no tyme or pass of a pass names it.
  const std::string when =
      runs_no_pass_ || building_
          ? std::string(" while the doers were built") + (ended ? "" : ", and stays open")
          : " at tyme " + format_seconds(e.tyme) + " s (pass " + std::to_string(doist_.passes()) +
                (ended ? "" : ", and stays open") + ")";
  std::string line = "warning: " + what + (ended ? " failed" : " had an error") + when + ": " +
                     message_text(e.text) + (retries && ended ? " (it retries)" : "");
  if (building_) {
    held_.push_back(std::move(line));
  } else {
    warn_(line);
  }
}

void ChannelWarnings::forget_released() {
  for (auto it = failed_.begin(); it != failed_.end();) {
    if (hub_.find(it->first) != nullptr) {
      ++it;
      continue;
    }
    if (it->second.connected_after) ++recovered_gone_;
    it = failed_.erase(it);
  }
  // Twice what is kept: each look is paid for by as many new failures as
  // channels it walked.
  forget_at_ = std::max(kForgetAtLeast, 2 * failed_.size());
}

void ChannelWarnings::finish(std::uint64_t errors, bool journal_lost) const {
  if (errors == 0) return;
  std::size_t recovered = recovered_gone_;
  for (const auto& entry : failed_)
    recovered += entry.second.connected_after ? 1 : 0;
  const std::size_t failed = failed_count_;
  std::string line = "warning: " + std::to_string(errors) + " channel error" +
                     (errors == 1 ? "" : "s") + " in all, on " + std::to_string(failed) +
                     " channel" + (failed == 1 ? "" : "s");
  if (failed > kChannelWarningsMax) {
    line += " (" + std::to_string(failed - kChannelWarningsMax) + " not named above)";
  }
  if (recovered > 0) line += "; " + std::to_string(recovered) + " connected again later";
  if (!journal_) {
    line += "; record the run (--record) to see each";
  } else if (journal_lost) {
    // Its path names nothing, or another file, now (said below the summary).
    line += "; the journal that lists them was lost: record the run again to see each";
  } else if (journal_->empty()) {
    // A pipe or a FIFO another process read: a path to it would block or
    // name nothing.
    line += "; inspect the journal with --kind error to list them";
  } else {
    line +=
        "; " + program_name() + " inspect " + display_text(*journal_) + " --kind error lists them";
  }
  warn_(line);
}

}  // namespace hio::tools
