// Tymist, tymth, Tymee and Tymer: who owns a run's tyme, how others read it
// live, and timers measured in it.
#pragma once

#include <optional>

#include "hio/engine/tyme.hpp"

namespace hio {

class Tymist;

// A read-only, live view of a Tymist's current tyme (not a copy). Cheap to
// copy (one pointer, to the Tymist); valid while the Tymist it came from
// lives: what may outlive it watches it (TymistWatcher). A default Tymth
// reads Tyme{} (zero), so an unwound Tymee still has a defined tyme.
class Tymth {
 public:
  Tymth() = default;
  explicit Tymth(const Tymist* source) : source_(source) {}
  Tyme operator()() const;  // inline, below Tymist
  bool bound() const { return source_ != nullptr; }
  friend bool operator==(const Tymth&, const Tymth&) = default;

 private:
  friend class TymistWatcher;
  const Tymist* source_ = nullptr;
};

class TymistWatcher;

// Owns a tyme and advances it by a tock per tick. Non-copyable: tymths point
// into it. Destroyed, it tells its watchers (TymistWatcher), in the order
// they began watching it.
class Tymist {
 public:
  explicit Tymist(Tock tock = kDefaultTock, Tyme tyme = Tyme{});
  ~Tymist();
  Tymist(const Tymist&) = delete;
  Tymist& operator=(const Tymist&) = delete;

  Tyme tyme() const { return tyme_; }
  Tock tock() const { return tock_; }
  void set_tock(Tock tock);  // throws std::invalid_argument unless tock > 0
  Tymth tymth() const { return Tymth(this); }

  void tick() { tyme_ = tyme_after(tyme_, tock_); }  // saturates at kTymeNever
  void tick(Tock tock) { tyme_ = tyme_after(tyme_, tock); }

 protected:
  void set_tyme(Tyme tyme) { tyme_ = tyme; }

 private:
  friend class TymistWatcher;

  Tyme tyme_;
  Tock tock_;
  // The first watcher: their own links make the list (nothing is
  // allocated). One pointer, so that a Doist grows by no more; mutable: a
  // watcher comes through a tymth, which reads a const Tymist. Off the path
  // that reads tyme: only watch() and destruction touch it.
  mutable TymistWatcher* watchers_ = nullptr;
};

inline Tyme Tymth::operator()() const {
  return source_ != nullptr ? source_->tyme() : Tyme{};
}

// Something that reads a Tymist's tyme and may outlive it (an IoHub): the
// Tymist tells it when it is destroyed, so that it stops reading that tyme
// then, rather than read freed memory later. Tymths, Tymees and Tymers are
// not watchers: reading tyme costs no more for them (doers read it every
// pass). A watcher watches one Tymist at a time; destroyed first, it stops
// watching. Not copyable: the Tymist's list points at it.
class TymistWatcher {
 public:
  TymistWatcher() = default;
  TymistWatcher(const TymistWatcher&) = delete;
  TymistWatcher& operator=(const TymistWatcher&) = delete;
  virtual ~TymistWatcher() { unwatch(); }

  // True while it watches a Tymist (watch() of a bound tymth, whose Tymist
  // has not been destroyed since).
  bool watching() const { return tymist_ != nullptr; }

 protected:
  // Watches the Tymist that `tymth` reads, and no other: an unbound tymth
  // watches none. Watching the same one again keeps its place.
  void watch(Tymth tymth) noexcept;
  // Its Tymist is being destroyed (its tyme is still readable now, not
  // later). It is no longer watched when told; it must not watch that Tymist
  // again, nor throw.
  virtual void tymist_destroyed() noexcept = 0;

 private:
  friend class Tymist;
  void unwatch() noexcept;

  const Tymist* tymist_ = nullptr;
  TymistWatcher* next_ = nullptr;
  TymistWatcher** link_ = nullptr;  // what points at it: the Tymist's head or a next_
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
//
// A doer's Tymer reads the doer's tyme only if the doer winds it: a doer's
// tymth() is bound when the doer is scheduled, so a member made with it in
// the constructor reads no clock. Override wind() (scheduling.md, "Tymers in
// a doer"): `void wind(hio::Tymth t) override { Doer::wind(t); timer_.wind(t); }`.
// start() "from now" on no clock (it would never expire) throws
// std::logic_error.
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
