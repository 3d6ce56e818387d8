#include "hio/engine/stop_flag.hpp"

#include <algorithm>

#include "hio/engine/check.hpp"

namespace hio {

StopFlag::~StopFlag() {
  const std::lock_guard<std::mutex> lock(mutex_);
  HIO_CHECK(watches_.empty(),
            "a StopFlag destroyed while a run still watches it (a StopFlagWatch, RunOptions::stop "
            "or clean_stop): the flag must outlive the run");
}

void StopFlag::set() {
  // The flag first: a watch that begins after the lock below, or a pass
  // that ends meanwhile, finds it set (pass_ended).
  set_.store(true, std::memory_order_release);
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const StopFlagWatch* watch : watches_)
    watch->doist_.request_stop(watch->signal_);
}

StopFlagWatch::StopFlagWatch(Doist& doist, const StopFlag* flag, int signal)
    : doist_(doist), flag_(flag), signal_(signal) {
  if (flag_ == nullptr) return;
  {
    const std::lock_guard<std::mutex> lock(flag_->mutex_);
    flag_->watches_.push_back(this);
  }
  try {
    doist_.add_observer(*this);
  } catch (...) {
    const std::lock_guard<std::mutex> lock(flag_->mutex_);
    std::erase(flag_->watches_, this);
    throw;
  }
}

StopFlagWatch::~StopFlagWatch() {
  if (flag_ == nullptr) return;
  doist_.remove_observer(*this);
  const std::lock_guard<std::mutex> lock(flag_->mutex_);
  std::erase(flag_->watches_, this);
}

void StopFlagWatch::pass_ended(Tyme) {
  // A flag set before the run (whose own start forgets earlier requests),
  // or while this pass ran.
  if (flag_->is_set()) doist_.request_stop(signal_);
}

}  // namespace hio
