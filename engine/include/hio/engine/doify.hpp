// doify: make a doer out of a plain coroutine function (hio's doify). The
// function co_yields its next tock, receives the tyme, and co_returns done;
// its own try/catch of hio::Cease and of errors are its cease and abort
// hooks, and its destructors and trailing code its exit.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "hio/engine/doer.hpp"

namespace hio {

// Makes the dog. Called once per run with the doer it runs as; the doer
// outlives the dog, so the function may keep the reference. Capture-free
// functions are best; a factory lambda that captures must pass what it
// captured to the coroutine by value (captures of a coroutine lambda dangle).
using DoFn = std::function<Dog(Doer& self)>;

class FnDoer final : public Doer {
 public:
  FnDoer(DoFn fn, std::string name = {}, Tock tock = Tock{0}, Opts opts = {});

 protected:
  Step begin_dog() override;
  Step end_dog(bool ceased) override;

 private:
  DoFn fn_;
};

// hio's doify: each call gives an independent doer (its own done, tock and
// opts), on the heap, to own, adopt() or keep in numbers.
std::unique_ptr<FnDoer> doify(DoFn fn, std::string name = {}, Tock tock = Tock{0}, Opts opts = {});

// hio's doize: the one doer of a function, declared where the function is
// (`inline hio::FnDoer blink = hio::doize(blink_dog, "blink", tock);` at
// namespace scope, or as a member), whose done, tock and opts everyone who
// names it shares. hio hangs them on the function itself; a C++ function
// carries no attributes, so the object stands beside it. Returned by value
// (a FnDoer is neither copied nor moved: it is made in place).
FnDoer doize(DoFn fn, std::string name = {}, Tock tock = Tock{0}, Opts opts = {});

}  // namespace hio
