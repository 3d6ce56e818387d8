// Dog: the coroutine type of coroutine doers. A dog co_yields its next tock
// (or kPark / park_until) and receives the tyme it is resumed at; co_return
// gives its final `done` value. The Dog object owns the coroutine frame:
// destroying it destroys the frame without running any more of its code.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "hio/engine/step.hpp"
#include "hio/engine/tyme.hpp"

namespace hio {

// Thrown into a dog at its suspension point when it is force-closed (limit
// reached, removed, parent closed) — hio's GeneratorExit. A dog may catch it
// to run its cease actions, then let it propagate or co_return a final value;
// it must not co_yield again. A Cease the dog throws by itself, when it is
// not being closed, is an error like any other (as from a class doer's
// recur): its doer ends by it (a ReDoer's abort and exit run) and it
// propagates out of run().
struct Cease {};

// In a handler: is the exception being handled exactly a Cease? Without the
// C++ ABI's type query this says false, and callers fall back to is_cease().
// (Defined in dog.cpp, so <cxxabi.h> stays out of the public headers.)
bool handling_exactly_cease() noexcept;

[[noreturn]] void throw_negative_tock(Tock tock);

class Dog {
 public:
  class promise_type;
  using Handle = std::coroutine_handle<promise_type>;

  class [[nodiscard]] Awaiter {
   public:
    explicit Awaiter(promise_type* promise) : promise_(promise) {}
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    Tyme await_resume() const;  // throws Cease when force-closed

   private:
    promise_type* promise_;
  };

  class promise_type {
   public:
    Dog get_return_object() noexcept { return Dog(Handle::from_promise(*this)); }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    // The final step says "finish", so the scheduler reads one field, not two,
    // after each resume.
    std::suspend_always final_suspend() noexcept {
      step_ = Step::finish();
      return {};
    }
    // A negative tock is a mistake, as for Doer::set_tock: std::invalid_argument
    // thrown at the co_yield, into the dog (its catch blocks see it).
    Awaiter yield_value(Tock tock) {
      if (tock < Tock{0}) [[unlikely]]
        throw_negative_tock(tock);
      step_ = Step::after(tock);
      return Awaiter(this);
    }
    Awaiter yield_value(Park park) noexcept {
      step_ = Step::park(park);
      return Awaiter(this);
    }
    // A dog suspends only at co_yield, which says when it runs next: the
    // scheduler resumes it with the tyme and reads its step. A co_await of
    // anything would suspend with no step of its own (the scheduler would
    // take the last co_yield's again, silently) or not suspend at all, so it
    // does not compile. (co_yield does not go through await_transform.)
    template <class Awaitable>
    void await_transform(Awaitable&&) = delete;
    void return_value(bool done) noexcept { returned_ = done; }
    void unhandled_exception() noexcept {
      error_ = std::current_exception();
      ceased_ = handling_exactly_cease();
    }

    // Read and written by the scheduler around each resume.
    Step step() const { return step_; }
    void send(Tyme tyme) { tyme_ = tyme; }
    void set_ceasing() { ceasing_ = true; }
    bool ceasing() const { return ceasing_; }
    std::optional<bool> returned() const { return returned_; }
    std::exception_ptr error() const { return error_; }
    // The dog ended by a Cease (exactly that type) escaping it. Told apart
    // here, in the handler, because rethrowing it later only to test its type
    // would cost a second unwind per closed dog.
    bool ceased() const { return ceased_; }

   private:
    friend class Awaiter;
    Step step_ = Step::after(Tock{0});
    Tyme tyme_{};
    std::optional<bool> returned_;
    std::exception_ptr error_;
    bool ceasing_ = false;
    bool ceased_ = false;
  };

  Dog() = default;
  explicit Dog(Handle handle) : handle_(handle) {}
  Dog(Dog&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Dog& operator=(Dog&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Dog(const Dog&) = delete;
  Dog& operator=(const Dog&) = delete;
  ~Dog() { reset(); }

  explicit operator bool() const { return static_cast<bool>(handle_); }
  Handle handle() const { return handle_; }
  promise_type& promise() const { return handle_.promise(); }
  bool finished() const { return handle_.done(); }

  void reset() {
    if (handle_) handle_.destroy();
    handle_ = {};
  }

 private:
  Handle handle_;
};

inline Tyme Dog::Awaiter::await_resume() const {
  if (promise_->ceasing_) throw Cease{};
  return promise_->tyme_;
}

}  // namespace hio
