#include "hio/engine/tymist.hpp"

#include <stdexcept>

namespace hio {

Tymist::Tymist(Tock tock, Tyme tyme) : tyme_(tyme), tock_(tock) {
  set_tock(tock);
}

void Tymist::set_tock(Tock tock) {
  if (tock <= Tock{0}) {
    throw std::invalid_argument("tymist tock must be > 0, got " + format_seconds(tock) + " s");
  }
  tock_ = tock;
}

Tymer::Tymer(Tymth tymth, Tock duration, bool start_now)
    : Tymee(tymth), duration_(duration), start_(tyme()), stop_(tyme_after(tyme(), duration)) {
  if (start_now) start(duration);
}

void Tymer::start(Tock duration) {
  duration_ = duration;
  start_ = tyme();
  stop_ = tyme_after(start_, duration_);
}

void Tymer::restart(Tock duration) {
  duration_ = duration;
  start_ = stop_;
  stop_ = tyme_after(start_, duration_);
}

void Tymer::wind(Tymth tymth) {
  Tymee::wind(tymth);
  start(duration_);
}

}  // namespace hio
