// RetryGrid: when a client channel (IoHub::connect with ChannelOptions::retry)
// opens again after a failure or a remote close — on the lossless grid
// first start + k * retry. The one schedule of every transport (real, SimNet,
// replay): Channel keeps it and calls Transport::reopen() on its points.
#pragma once

#include "hio/engine/tymist.hpp"

namespace hio {

// The next attempt is the first grid point after the end of the last one,
// so retries neither burst (catching up missed points) nor drift (counting
// from each end). A retry of 0 (or less) never reopens. Pure computation on
// tyme: the same ends at the same tymes give the same attempts.
class RetryGrid {
 public:
  RetryGrid() = default;
  RetryGrid(Tymth tymth, Tock retry) : retry_(retry), tymer_(tymth, retry) {}

  bool enabled() const { return retry_ > Tock{0}; }
  // A new grid from now (a reopen by the doer).
  void restart() {
    waiting_ = false;
    if (enabled()) tymer_.start(retry_, tymer_.tyme());  // a hub on no clock reads tyme 0
  }
  // Reads tyme through `tymth` from now on (a new grid from its tyme).
  void wind(Tymth tymth) { tymer_.wind(tymth); }
  // After an attempt ended, at each service: true when the next attempt
  // starts now. The first call after an end arms the grid point.
  bool ready() {
    if (!enabled()) return false;
    if (!waiting_) {
      const Tock late = tymer_.tyme() - tymer_.stop_tyme();
      if (late >= Tock{0}) tymer_.restart(retry_ * (late / retry_ + 1));
      waiting_ = true;
    }
    if (!tymer_.expired()) return false;
    waiting_ = false;
    tymer_.restart(retry_);
    return true;
  }
  // When ready() may next hold, after an attempt ended: the armed grid
  // point, or `now` if not yet armed (a service must arm it).
  Tyme due(Tyme now) const {
    if (!enabled()) return kTymeNever;
    return waiting_ ? tymer_.stop_tyme() : now;
  }

 private:
  Tock retry_{0};
  Tymer tymer_;
  bool waiting_ = false;
};

}  // namespace hio
