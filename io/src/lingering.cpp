// The draining streams of a hub (AsioCore::lingering): listed at their close,
// still delivering a write in flight or awaiting the peer's acknowledgement;
// aborted past their close_linger (IoHub::poll, IoHub::finish_closing), or
// released when the hub goes.
#include <algorithm>
#include <chrono>

#include "asio_core.hpp"

namespace hio::detail {

void start_lingering(AsioCore& core, Tock linger, std::weak_ptr<Draining> stream) {
  using Clock = std::chrono::steady_clock;
  Clock::time_point due = Clock::time_point::max();
  if (linger > Tock{0}) {
    const Clock::time_point now = Clock::now();
    const auto bound = std::chrono::duration_cast<Clock::duration>(linger);
    if (bound < Clock::time_point::max() - now) due = now + bound;
  }
  core.lingering.push_back(Lingering{due, std::move(stream)});
}

std::size_t expire_lingering(AsioCore& core, std::chrono::steady_clock::time_point now) {
  std::size_t aborted = 0;
  std::erase_if(core.lingering, [now, &aborted](const Lingering& entry) {
    const std::shared_ptr<Draining> stream = entry.stream.lock();
    if (!stream || !stream->settle()) return true;
    if (entry.due > now) return false;
    if (stream->abort_drain()) ++aborted;
    return true;
  });
  return aborted;
}

namespace {

// Takes every lingering stream out, then ends each with `end` (a member of
// Draining that returns whether it reset); returns how many it reset.
std::size_t end_lingering(AsioCore& core, bool (Draining::*end)()) {
  // Taken out first: ending a stream may run handlers.
  std::vector<Lingering> lingering;
  lingering.swap(core.lingering);
  std::size_t reset = 0;
  for (const Lingering& entry : lingering) {
    const std::shared_ptr<Draining> stream = entry.stream.lock();
    if (stream && (stream.get()->*end)()) ++reset;
  }
  return reset;
}

}  // namespace

std::size_t abort_lingering(AsioCore& core) {
  return end_lingering(core, &Draining::abort_drain);
}

std::size_t release_lingering(AsioCore& core) {
  return end_lingering(core, &Draining::release);
}

}  // namespace hio::detail
