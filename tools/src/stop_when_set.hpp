// StopWhenSet: ends a run (a scenario's, a replay's) after the first pass
// that ends with a flag set by another thread (a sweep's stop flag, set on
// SIGINT or SIGTERM).
#pragma once

#include <atomic>

#include "hio/engine/doist.hpp"

namespace hio::tools {

// Checked by the run's own thread at every pass's end (Doist::request_stop
// is for that thread). `stop` nullptr: does nothing. The Doist must outlive it.
class StopWhenSet final : public PassObserver {
 public:
  StopWhenSet(Doist& doist, const std::atomic<bool>* stop) : doist_(doist), stop_(stop) {
    if (stop_ != nullptr) doist_.add_observer(*this);
  }
  ~StopWhenSet() override {
    if (stop_ != nullptr) doist_.remove_observer(*this);
  }
  StopWhenSet(const StopWhenSet&) = delete;
  StopWhenSet& operator=(const StopWhenSet&) = delete;
  void pass_ended(Tyme) override {
    if (stop_->load()) doist_.request_stop();
  }

 private:
  Doist& doist_;
  const std::atomic<bool>* stop_;
};

}  // namespace hio::tools
