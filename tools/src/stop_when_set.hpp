// StopWhenSet: ends a run (a scenario's, a replay's) after the first pass
// that ends with a flag set by another thread (a sweep's stop flag, set on
// SIGINT or SIGTERM by its watcher; RunOptions::clean_stop). A signal
// handler asks the engine instead (request_stop_from_signal), which also
// ends a real-time run's wait for its next pass.
#pragma once

#include <atomic>

#include "hio/engine/doist.hpp"

namespace hio::tools {

// Checked by the run's own thread at every pass's end (Doist::request_stop
// is for that thread). `stop` nullptr: does nothing. `signal`: what the stop
// stands for (Doist::request_stop(signal), the run's stop_signal()); 0 for
// none. The Doist must outlive it.
class StopWhenSet final : public PassObserver {
 public:
  StopWhenSet(Doist& doist, const std::atomic<bool>* stop, int signal = 0)
      : doist_(doist), stop_(stop), signal_(signal) {
    if (stop_ != nullptr) doist_.add_observer(*this);
  }
  ~StopWhenSet() override {
    if (stop_ != nullptr) doist_.remove_observer(*this);
  }
  StopWhenSet(const StopWhenSet&) = delete;
  StopWhenSet& operator=(const StopWhenSet&) = delete;
  void pass_ended(Tyme) override {
    if (stop_->load()) doist_.request_stop(signal_);
  }

 private:
  Doist& doist_;
  const std::atomic<bool>* stop_;
  int signal_;
};

}  // namespace hio::tools
