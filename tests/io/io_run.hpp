// Helpers for real-IO tests: a real-time Doist with a short tock and a hard
// limit, a doer that stops the run when a condition holds, and endpoint text.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"

namespace hio::test {

// 1 ms passes: fast enough for loopback, slow enough not to hog a shared CPU.
inline constexpr Tock kRealTock{1'000'000};
// Every real-IO run ends by this tyme (= wall time in a real-time run) even if
// the test's condition never holds; tests then fail on RunEnd::limit.
inline constexpr Tock kRealLimit = seconds(8);

// Stops its Doist after the first pass in which `until()` holds. Runs every
// pass (tock 0), so it is last in the doer list to see that pass's effects.
class StopWhen final : public Doer {
 public:
  StopWhen(Doist& doist, std::function<bool()> until)
      : Doer("stop-when"), doist_(doist), until_(std::move(until)) {}

 protected:
  bool recur(Tyme) override {
    if (until_()) doist_.request_stop();
    return false;
  }

 private:
  Doist& doist_;
  std::function<bool()> until_;
};

// Runs steps in order, each when its condition holds (several may run in one
// pass), then stops the Doist. Runs every pass. waiting_for() names the step
// a run that hit its limit was stuck on.
class Script final : public Doer {
 public:
  struct Step {
    std::string what;
    std::function<bool()> ready;
    std::function<void()> act;  // may be empty
  };

  Script(Doist& doist, std::vector<Step> steps)
      : Doer("script"), doist_(doist), steps_(std::move(steps)) {}

  std::string waiting_for() const { return next_ < steps_.size() ? steps_[next_].what : "nothing"; }

 protected:
  bool recur(Tyme) override {
    while (next_ < steps_.size() && steps_[next_].ready()) {
      if (steps_[next_].act) steps_[next_].act();
      ++next_;
    }
    if (next_ == steps_.size()) doist_.request_stop();
    return false;
  }

 private:
  Doist& doist_;
  std::vector<Step> steps_;
  std::size_t next_ = 0;
};

// A real-time Doist with its hub attached.
struct RealRun {
  Doist doist{kRealTock, /*real=*/true, kRealLimit};
  IoHub io{doist.tymth()};
  RealRun() {
    doist.attach(io);
    doist.set_handle_sigint(false);
  }
};

// "tcp://127.0.0.1:40000" from a listener's local() "127.0.0.1:40000".
inline std::string tcp_url(const Channel& listener) {
  return "tcp://" + listener.local();
}

inline std::uint16_t port_of(const std::string& endpoint) {
  return static_cast<std::uint16_t>(std::stoul(endpoint.substr(endpoint.rfind(':') + 1)));
}

}  // namespace hio::test
