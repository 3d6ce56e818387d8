// start_detached_thread(fn): runs `fn` on a new thread that is created
// detached (PTHREAD_CREATE_DETACHED) and never joined: the lookup threads,
// which may end before their creator returns.
//
// Not std::thread(fn).detach(): that detaches a thread which may already
// have ended, which POSIX allows, yet on this project's machine (glibc 2.36,
// a VM) pthread_detach then sometimes read an unmapped thread descriptor
// (the cause is not established): SIGSEGV
// in pthread_detach under LookupWorker::add (gdb), about once in 400
// repeats of a lookup stress test, and in a whole suite run once (session
// 21); a program without hio doing std::thread([]{}).detach() from 4
// threads at once crashed too, one run in 11. A thread
// born detached needs no call on it after its creation.
#pragma once

#include <pthread.h>

#include <memory>
#include <system_error>
#include <utility>

namespace hio::detail {

// Throws std::system_error (as std::thread's constructor does) when the
// thread cannot be made; `fn` is then destroyed unrun. `fn` must not throw.
template <class Fn>
void start_detached_thread(Fn fn) {
  auto owned = std::make_unique<Fn>(std::move(fn));
  pthread_attr_t attr;
  int rc = pthread_attr_init(&attr);
  if (rc != 0) throw std::system_error(rc, std::generic_category(), "pthread_attr_init");
  rc = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t thread;
  if (rc == 0) {
    rc = pthread_create(
        &thread, &attr,
        [](void* arg) noexcept -> void* {
          const std::unique_ptr<Fn> run(static_cast<Fn*>(arg));
          (*run)();
          return nullptr;
        },
        owned.get());
  }
  pthread_attr_destroy(&attr);
  if (rc != 0) throw std::system_error(rc, std::generic_category(), "pthread_create");
  (void)owned.release();  // the thread owns it now
}

}  // namespace hio::detail
