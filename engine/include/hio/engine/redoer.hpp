// ReDoer: a class doer whose recur is itself a coroutine (hio's generator
// recur). enter runs first; then co_recur() runs as the dog: it co_yields its
// tocks, receives the tyme, and co_returns done. clean/exit, cease/exit and
// abort/exit follow as for any class doer.
#pragma once

#include "hio/engine/doer.hpp"

namespace hio {

class ReDoer : public Doer {
 public:
  using Doer::Doer;

 protected:
  // The recur coroutine. Called once per run, after enter. On a forced close
  // hio::Cease is thrown at its suspension point; cease() runs after it ends.
  virtual Dog co_recur() = 0;

  Step begin_dog() override;
  Step end_dog(bool ceased) override;
};

}  // namespace hio
