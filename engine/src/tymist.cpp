#include "hio/engine/tymist.hpp"

#include <stdexcept>

namespace hio {

Tymist::Tymist(Tock tock, Tyme tyme) : tyme_(tyme), tock_(tock) {
  set_tock(tock);
}

Tymist::~Tymist() {
  // Each leaves the list before it is told, so one that a watcher's
  // tymist_destroyed destroys or unwatches is never told after it went.
  while (watchers_ != nullptr) {
    TymistWatcher* watcher = watchers_;
    watcher->unwatch();
    watcher->tymist_destroyed();
  }
}

void Tymist::set_tock(Tock tock) {
  if (tock <= Tock{0}) {
    throw std::invalid_argument("tymist tock must be > 0, got " + format_seconds(tock) + " s");
  }
  tock_ = tock;
}

void TymistWatcher::watch(Tymth tymth) noexcept {
  if (tymth.source_ == tymist_) return;
  unwatch();
  if (tymth.source_ == nullptr) return;
  tymist_ = tymth.source_;
  // Appended, so they are told in the order they began watching: a walk,
  // over the few watchers of one clock (its hubs), only when one begins.
  link_ = &tymist_->watchers_;
  while (*link_ != nullptr)
    link_ = &(*link_)->next_;
  *link_ = this;
}

void TymistWatcher::unwatch() noexcept {
  if (tymist_ == nullptr) return;
  *link_ = next_;
  if (next_ != nullptr) next_->link_ = link_;
  tymist_ = nullptr;
  next_ = nullptr;
  link_ = nullptr;
}

Tymer::Tymer(Tymth tymth, Tock duration, std::optional<Tyme> start) : Tymee(tymth) {
  this->start(duration, start.value_or(tyme()));
}

Tyme Tymer::start(Tock duration, std::optional<Tyme> start) {
  // A window "from now" on no clock would start at tyme 0 and, read on no
  // clock, never expire, silently: the trap of a doer's member made with the
  // doer's tymth() before the doer was scheduled (xemb23 finding 3).
  if (!start && !tymth().bound()) {
    throw std::logic_error(
        "Tymer::start: this Tymer reads no tymth (made with an unbound one, such as a doer's "
        "tymth() before the doer is scheduled), so its tyme stays 0 and it would never expire; "
        "make it on a Tymist's tymth(), or wind it with its doer's: override the doer's "
        "wind(tymth) to call Doer::wind(tymth) and timer.wind(tymth)");
  }
  duration_ = duration;
  start_ = start.value_or(tyme());
  stop_ = tyme_after(start_, duration_);
  return start_;
}

Tyme Tymer::restart(Tock duration) {
  return start(duration, stop_);
}

void Tymer::wind(Tymth tymth) {
  Tymee::wind(tymth);
  start(duration_, tyme());  // an unbound tymth too: a hub's timers when its clock goes
}

}  // namespace hio
