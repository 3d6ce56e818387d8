#include "hio/engine/redoer.hpp"

namespace hio {

Step ReDoer::begin_dog() {
  try {
    enter();
  } catch (...) {
    fail(std::current_exception());
  }
  if (done() == true) return finish();
  return launch(co_recur());
}

Step ReDoer::end_dog(bool ceased) {
  DogEnd end = take_dog();
  if (end.error && !end.ceased) fail(end.error);
  if (ceased) {
    if (end.returned) set_done(*end.returned);
    try {
      cease();
    } catch (...) {
      exit_after_error();
      throw;
    }
    exit_settled();
    return Step::finish();
  }
  set_done(end.returned.value_or(false));
  return finish();
}

}  // namespace hio
