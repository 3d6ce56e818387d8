// The threads that hio's host-name lookups are made on: ones that nobody
// joins, so that a lookup a name server does not answer (getaddrinfo cannot
// be interrupted: glibc waits out 5 s x 2 tries by default) never holds up
// the end of a run or of `hio check`, nor, while a thread is free, another
// lookup.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace hio::detail {

// Lookups made on threads of the worker's own, up to kThreadsMax at once,
// each job started in the order added as soon as a thread is free (a lookup
// that a name server does not answer holds up no other while a thread is
// free; beyond kThreadsMax pending ones, the next waits for the first to
// end). Threads are started as jobs come and none is free, and serve the
// worker while it has jobs waiting. Asio's resolver made its lookups on one
// thread, joined when its io_context was destroyed: a pending lookup held up
// the end of the process until it ended. These threads are detached:
// destroying the worker drops every job (drop(), on the destroying thread)
// and returns at once; the lookups in progress end by themselves on their
// threads, and their completions are dropped.
//
// The process's workers together have at most kProcessThreadsMax threads:
// a worker that would start one beyond it waits for one of another worker's
// (or of a destroyed worker's, whose lookup ended), which serves it next, in
// the order the workers asked, before the thread ends (docs/io.md, "Host
// names"). A thread with no job of its worker's left serves the waiting
// workers in turn, one job each round, or ends; none waits idle. Jobs and the worker are used from
// one thread (the owner's), besides the worker's threads.
class LookupWorker {
 public:
  // Lookups at once, and threads, per worker (so per hub, and per hio
  // check): each holds a thread, and a socket while it asks a name server,
  // until the system's resolver gives up (glibc: 5 s x 2 tries by default).
  static constexpr std::size_t kThreadsMax = 8;
  // Lookup threads at once in the process, every worker's together, those
  // of destroyed workers whose lookups have not ended yet included.
  static constexpr std::size_t kProcessThreadsMax = 64;
  // How long jobs with no thread to run them (every start failed: threads or
  // memory ran out) wait for one before they fail (Job::no_thread): as long
  // as a lookup whose name server does not answer takes (glibc's default).
  static constexpr std::chrono::seconds kUnservedMax{10};
  // How often retry() tries to start a thread for unserved jobs: a
  // virtual-time run polls its hub at the CPU's pace while a lookup is in
  // flight (busy()), and tried pthread_create at every poll, for
  // kUnservedMax of wall time (rev23 L6).
  static constexpr std::chrono::milliseconds kRetryEvery{10};

  // One lookup. Owned by shared_ptr: the worker's thread holds it while it
  // runs.
  class Job {
   public:
    virtual ~Job() = default;
    // On a worker's thread: the lookup. Never throws (what it throws is
    // kept for its owner).
    virtual void run() noexcept = 0;
    // On a worker's thread, after run(), while the worker lives (under its
    // lock: destroying the worker waits for it): hands the answer over.
    virtual void complete() noexcept = 0;
    // On the owner's thread, when the worker is destroyed before the job was
    // completed: let go of what the owner gave it (a completion handler).
    virtual void drop() noexcept = 0;
    // On the owner's thread (retry()), instead of run() and complete(): no
    // thread could be started for it for `unserved`, the worker's bound
    // (threads or memory ran out); it will not run. Hands that over as its
    // answer.
    virtual void no_thread(std::chrono::steady_clock::duration unserved) noexcept = 0;
  };

  // `unserved_max`: kUnservedMax (tests: shorter).
  explicit LookupWorker(std::chrono::steady_clock::duration unserved_max = kUnservedMax)
      : unserved_max_(unserved_max) {}
  ~LookupWorker();
  LookupWorker(const LookupWorker&) = delete;
  LookupWorker& operator=(const LookupWorker&) = delete;

  // Queues `job` to run once a thread is free, after the jobs before it
  // started. False when no thread serves the worker's jobs and none could be
  // started (std::system_error, std::bad_alloc: threads or memory ran out):
  // the job stays queued all the same, and retry() starts one later. Never
  // blocks, never runs the job on this thread. std::bad_alloc (the queue).
  bool add(std::shared_ptr<Job> job);
  // Takes `job` out of the queue if no thread has taken it yet: a lookup
  // nobody wants any more (cancelled, or answered on the asker's thread) is
  // neither started nor retried, nor failed at the bound (rev23 L6). A job
  // running already ends by itself. On the owner's thread.
  void withdraw(const std::shared_ptr<Job>& job);

  // Whether the worker's jobs wait with no thread to run them and none
  // coming (a start failed, in add() or when another worker's thread handed
  // a slot on): retry() then starts one. Cheap: asked at every poll.
  bool unserved() const { return queue_ && queue_->unserved.load(std::memory_order_acquire); }
  // While unserved(): starts a thread for the jobs, at most once every
  // kRetryEvery; if that fails too and they have waited for one since
  // `unserved_max` before `now` (the first retry() that saw them unserved),
  // they fail (Job::no_thread, on this thread) and leave the queue.
  // IoHub::poll and IoHub::wait_until call it: a lookup with no thread waits
  // for one without holding up the run, and fails the channel with a
  // precise reason only when none comes for long.
  void retry(std::chrono::steady_clock::time_point now);

  // The lookup threads of the process now (tests).
  static std::size_t process_threads();

 private:
  struct Queue {
    std::mutex mutex;
    std::deque<std::shared_ptr<Job>> jobs;      // not started yet, in order
    std::vector<std::shared_ptr<Job>> running;  // room for kThreadsMax: a thread never allocates
    std::size_t threads = 0;                    // serving it (started, or come from another)
    bool closed = false;
    // Jobs wait with no thread serving them and none coming (set under
    // `mutex` with threads 0; cleared by the owner's retry(), or when the
    // queue waits for a thread of the process's, which comes).
    std::atomic<bool> unserved{false};
    // In the process's list of workers waiting for a thread (Process): a
    // list through the queues themselves, so that joining it allocates
    // nothing. Under the Process's lock.
    bool waiting = false;
    std::shared_ptr<Queue> next_waiting;
  };
  struct Process;
  static Process& process();
  // Asks for a thread for `queue` (one of its `threads` is counted for it
  // already): true if one may start; false if the process has
  // kProcessThreadsMax, and `queue` then waits for one (its count undone).
  static bool reserve_thread(const std::shared_ptr<Queue>& queue);
  // A thread that serves no queue any more (or leaves `served`, counted in
  // its threads still, after one of its jobs): the next waiting queue it can
  // serve (counted in its threads), or null, and the thread ends.
  static std::shared_ptr<Queue> next_queue(const std::shared_ptr<Queue>& served) noexcept;
  // A slot whose thread did not start: handed to the next waiting queue
  // (next_queue), a thread started for it; if that one fails too, the slot
  // is given back and the queue waits again (the next thread that ends
  // serves it; with none of its own, it is unserved: its owner's next
  // retry() starts one).
  static void hand_on_slot() noexcept;
  // Runs `queue`'s next job on this thread: false if it has none (or is
  // closed), this thread then no longer counted in its threads.
  static bool run_next_job(Queue& queue) noexcept;
  // How a thread came to `queue`: started for it (it serves it while it has
  // jobs), or handed to it as a waiting queue by next_queue() (one job, then
  // back to the waiting queues, in turn).
  enum class Serving { own, handed };
  static void serve(std::shared_ptr<Queue> queue, Serving serving) noexcept;

  // One more thread for the worker's jobs, unless it has kThreadsMax (or
  // the process kProcessThreadsMax: one comes): false if it could not be
  // started and none serves them (queue_->unserved set).
  bool start_thread();

  std::shared_ptr<Queue> queue_;  // made with the first job
  const std::chrono::steady_clock::duration unserved_max_;
  // When retry() first saw the jobs unserved, while they are.
  std::optional<std::chrono::steady_clock::time_point> unserved_since_;
  // When retry() may next try to start a thread, while they are.
  std::optional<std::chrono::steady_clock::time_point> next_try_;
};

}  // namespace hio::detail
