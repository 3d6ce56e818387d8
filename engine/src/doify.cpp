#include "hio/engine/doify.hpp"

#include <stdexcept>

namespace hio {

FnDoer::FnDoer(DoFn fn, std::string name, Tock tock, Opts opts)
    : Doer(std::move(name), tock, std::move(opts)), fn_(std::move(fn)) {
  if (!fn_) throw std::invalid_argument("doify '" + this->name() + "': empty function");
}

Step FnDoer::begin_dog() {
  return launch(fn_(*this));
}

Step FnDoer::end_dog(bool ceased) {
  DogEnd end = take_dog();
  if (end.error && !end.ceased) std::rethrow_exception(end.error);
  if (end.returned) {
    set_done(*end.returned);
  } else if (!ceased) {
    set_done(false);
  }
  return Step::finish();
}

std::unique_ptr<FnDoer> doify(DoFn fn, std::string name, Tock tock, Opts opts) {
  return std::make_unique<FnDoer>(std::move(fn), std::move(name), tock, std::move(opts));
}

FnDoer doize(DoFn fn, std::string name, Tock tock, Opts opts) {
  return FnDoer(std::move(fn), std::move(name), tock, std::move(opts));
}

}  // namespace hio
