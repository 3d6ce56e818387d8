// Tymist, tymth, Tymee and Tymer: who owns a run's tyme, how others read it
// live, and timers measured in it.
#pragma once

#include <optional>

#include "hio/engine/tyme.hpp"

namespace hio {

// A read-only, live view of a Tymist's current tyme (not a copy). Cheap to
// copy; valid while the Tymist it came from lives. A default Tymth reads
// Tyme{} (zero), so an unwound Tymee still has a defined tyme.
class Tymth {
 public:
  Tymth() = default;
  explicit Tymth(const Tyme* source) : source_(source) {}
  Tyme operator()() const { return source_ != nullptr ? *source_ : Tyme{}; }
  bool bound() const { return source_ != nullptr; }
  friend bool operator==(const Tymth&, const Tymth&) = default;

 private:
  const Tyme* source_ = nullptr;
};

// Owns a tyme and advances it by a tock per tick. Non-copyable: tymths point
// into it.
class Tymist {
 public:
  explicit Tymist(Tock tock = kDefaultTock, Tyme tyme = Tyme{});
  Tymist(const Tymist&) = delete;
  Tymist& operator=(const Tymist&) = delete;

  Tyme tyme() const { return tyme_; }
  Tock tock() const { return tock_; }
  void set_tock(Tock tock);  // throws std::invalid_argument unless tock > 0
  Tymth tymth() const { return Tymth(&tyme_); }

  void tick() { tyme_ = tyme_after(tyme_, tock_); }  // saturates at kTymeNever
  void tick(Tock tock) { tyme_ = tyme_after(tyme_, tock); }

 protected:
  void set_tyme(Tyme tyme) { tyme_ = tyme; }

 private:
  Tyme tyme_;
  Tock tock_;
};

// Anything that reads tyme through a tymth; wind() rebinds it to another
// Tymist's tyme.
class Tymee {
 public:
  explicit Tymee(Tymth tymth = {}) : tymth_(tymth) {}
  virtual ~Tymee() = default;

  virtual void wind(Tymth tymth) { tymth_ = tymth; }
  const Tymth& tymth() const { return tymth_; }
  Tyme tyme() const { return tymth_(); }

 private:
  Tymth tymth_;
};

// A timer on tyme. expired() is tyme >= stop. restart() is lossless: the new
// window starts where the old one stopped, not at the current tyme. As hio's
// Tymer(duration, start) and start(duration, start), a window may start at a
// given tyme, before or after the current one (by default: now). A negative
// duration is taken, as hio's Tymer takes one: the window stops before it
// starts (expired from its start on, remaining() below 0 there), and
// restart() steps back from the old stop. It is a span of tyme, not a step
// that a run takes (a tock, a limit), which must be >= 0.
class Tymer : public Tymee {
 public:
  explicit Tymer(Tymth tymth = {}, Tock duration = Tock{0},
                 std::optional<Tyme> start = std::nullopt);

  Tock duration() const { return duration_; }
  Tyme start_tyme() const { return start_; }
  Tyme stop_tyme() const { return stop_; }
  // Saturating at the ends of tyme (time_between), as start and stop are.
  Tock elapsed() const { return time_between(start_, tyme()); }
  Tock remaining() const { return time_between(tyme(), stop_); }
  bool expired() const { return tyme() >= stop_; }

  // Each returns the window's start tyme, as hio's do.
  Tyme start(Tock duration, std::optional<Tyme> start = std::nullopt);  // from `start` or now
  Tyme start() { return start(duration_); }
  Tyme restart(Tock duration);  // from the old stop
  Tyme restart() { return restart(duration_); }

  // Rebinding restarts the timer at the new tymist's tyme.
  void wind(Tymth tymth) override;

 private:
  Tock duration_;
  Tyme start_;
  Tyme stop_;
};

}  // namespace hio
