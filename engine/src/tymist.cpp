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

Tymer::Tymer(Tymth tymth, Tock duration, std::optional<Tyme> start) : Tymee(tymth) {
  this->start(duration, start);
}

Tyme Tymer::start(Tock duration, std::optional<Tyme> start) {
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
  start(duration_);
}

}  // namespace hio
