// The thread that hio's host-name lookups are made on: one that nobody joins,
// so that a lookup a name server does not answer (getaddrinfo cannot be
// interrupted: glibc waits out 5 s x 2 tries by default) never holds up the
// end of a run or of `hio check`.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

namespace hio::detail {

// Lookups made one after another, in the order added, on one thread of the
// worker's own, started with the first (as Asio's resolver does, whose
// thread is joined when its io_context is destroyed: a pending lookup held
// up the end of the process until it ended). This thread is detached:
// destroying the worker drops every job (drop(), on the destroying thread)
// and returns at once; the lookup in progress, if any, ends by itself on the
// thread, which then ends too, and its completion is dropped. Jobs and the
// worker are used from one thread (the owner's), besides the worker's own.
class LookupWorker {
 public:
  // One lookup. Owned by shared_ptr: the worker's thread holds it while it
  // runs.
  class Job {
   public:
    virtual ~Job() = default;
    // On the worker's thread: the lookup. Never throws (what it throws is
    // kept for its owner).
    virtual void run() noexcept = 0;
    // On the worker's thread, after run(), while the worker lives (under its
    // lock: destroying the worker waits for it): hands the answer over.
    virtual void complete() noexcept = 0;
    // On the owner's thread, when the worker is destroyed before the job was
    // completed: let go of what the owner gave it (a completion handler).
    virtual void drop() noexcept = 0;
  };

  LookupWorker() = default;
  ~LookupWorker();
  LookupWorker(const LookupWorker&) = delete;
  LookupWorker& operator=(const LookupWorker&) = delete;

  // Queues `job` to run after the jobs before it. Throws std::system_error
  // if the thread cannot be started (the job is not queued then), and
  // std::bad_alloc.
  void add(std::shared_ptr<Job> job);

 private:
  struct Queue {
    std::mutex mutex;
    std::condition_variable work;
    std::deque<std::shared_ptr<Job>> jobs;
    std::shared_ptr<Job> running;
    bool closed = false;
  };
  static void serve(const std::shared_ptr<Queue>& queue) noexcept;

  std::shared_ptr<Queue> queue_;  // made with the thread
};

}  // namespace hio::detail
