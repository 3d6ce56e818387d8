// A dog that co_awaits: it must not compile (the `engine_dog_co_await_fails`
// test builds it with HIO_CO_AWAIT_IN_A_DOG and wants the compiler to refuse
// it for Dog's deleted await_transform). Without the define it is a valid
// coroutine doer, which engine_tests' build compiles as a control, so the
// refusal can be only the co_await's.
#include <coroutine>

#include "hio/engine/doify.hpp"

namespace hio::compile_fail {

Dog awaits_something(Doer& self) {
#ifdef HIO_CO_AWAIT_IN_A_DOG
  co_await std::suspend_always{};  // would suspend with its last co_yield's step
#endif
  co_yield self.tock();
  co_return true;
}

}  // namespace hio::compile_fail
