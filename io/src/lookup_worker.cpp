#include "lookup_worker.hpp"

#include <algorithm>
#include <utility>

#include "detached_thread.hpp"

namespace hio::detail {

// The process's lookup threads: how many there are, and the workers waiting
// for one (those that would have started one beyond kProcessThreadsMax), in
// the order they asked. Lock order: this one's mutex before a queue's.
struct LookupWorker::Process {
  std::mutex mutex;
  std::size_t threads = 0;
  std::shared_ptr<Queue> first_waiting;  // through Queue::next_waiting
  Queue* last_waiting = nullptr;
  void wait(const std::shared_ptr<Queue>& queue) {
    if (queue->waiting) return;
    queue->waiting = true;
    if (last_waiting == nullptr) {
      first_waiting = queue;
    } else {
      last_waiting->next_waiting = queue;
    }
    last_waiting = queue.get();
  }
  // A thread of `queue`'s leaves it (its lock taken here, this one's held):
  // with jobs left, `queue` waits for one again, behind the others waiting.
  void leave(const std::shared_ptr<Queue>& queue) {
    const std::lock_guard<std::mutex> queue_lock(queue->mutex);
    --queue->threads;
    if (!queue->closed && !queue->jobs.empty()) wait(queue);
  }
  std::shared_ptr<Queue> pop() {
    std::shared_ptr<Queue> queue = std::move(first_waiting);
    if (!queue) return queue;
    first_waiting = std::move(queue->next_waiting);
    if (!first_waiting) last_waiting = nullptr;
    queue->waiting = false;
    return queue;
  }
};

LookupWorker::Process& LookupWorker::process() {
  // Never destroyed: detached threads use it until their lookups end, after
  // static destruction may have begun.
  static Process* const process = new Process;
  return *process;
}

std::size_t LookupWorker::process_threads() {
  Process& p = process();
  const std::lock_guard<std::mutex> lock(p.mutex);
  return p.threads;
}

LookupWorker::~LookupWorker() {
  if (!queue_) return;
  std::deque<std::shared_ptr<Job>> jobs;
  std::vector<std::shared_ptr<Job>> running;
  {
    const std::lock_guard<std::mutex> lock(queue_->mutex);
    queue_->closed = true;
    jobs.swap(queue_->jobs);
    running.swap(queue_->running);  // no thread adds to it once closed
  }
  // Outside the lock: a handler dropped may destroy what owns a job, which
  // drops that job again (no lock is held then).
  for (const std::shared_ptr<Job>& job : jobs)
    job->drop();
  for (const std::shared_ptr<Job>& job : running)
    job->drop();
}

bool LookupWorker::add(std::shared_ptr<Job> job) {
  if (!queue_) {
    auto queue = std::make_shared<Queue>();
    queue->running.reserve(kThreadsMax);
    queue_ = std::move(queue);
  }
  {
    const std::lock_guard<std::mutex> lock(queue_->mutex);
    queue_->jobs.push_back(std::move(job));
  }
  // Each thread takes the next job when it has run its own: one more
  // thread, unless the worker has kThreadsMax (then the job waits for one).
  return start_thread();
}

bool LookupWorker::start_thread() {
  {
    const std::lock_guard<std::mutex> lock(queue_->mutex);
    if (queue_->threads >= kThreadsMax) return true;
    ++queue_->threads;
  }
  if (!reserve_thread(queue_)) return true;  // a thread of another worker's comes
  try {
    start_detached_thread([queue = queue_] { serve(queue, Serving::own); });
  } catch (...) {
    // Its slot goes to a worker that may have started waiting for one
    // meanwhile, as the slot of a thread that ends does.
    hand_on_slot();
    const std::lock_guard<std::mutex> lock(queue_->mutex);
    // With a thread already, the jobs wait for it; without, they wait for
    // retry(). (Until session 23 add() threw, and the lookup was made on
    // the calling thread: the run froze for the resolver's timeouts.)
    if (--queue_->threads > 0) return true;
    queue_->unserved.store(true, std::memory_order_release);
    return false;
  }
  return true;
}

void LookupWorker::withdraw(const std::shared_ptr<Job>& job) {
  if (!queue_) return;
  const std::lock_guard<std::mutex> lock(queue_->mutex);
  std::erase(queue_->jobs, job);
  // Nothing left to serve: no thread to start for it (retry() would see the
  // same at its next call; said now, so unserved() is true to the queue).
  if (queue_->jobs.empty()) queue_->unserved.store(false, std::memory_order_release);
}

void LookupWorker::retry(std::chrono::steady_clock::time_point now) {
  if (!unserved()) {
    // Served, or waiting for a thread that comes.
    unserved_since_.reset();
    next_try_.reset();
    return;
  }
  {
    const std::lock_guard<std::mutex> lock(queue_->mutex);
    // Served by now (a thread of another worker's was handed to it), or
    // nothing left to serve.
    if (queue_->closed || queue_->jobs.empty() || queue_->threads > 0) {
      queue_->unserved.store(false, std::memory_order_release);
      unserved_since_.reset();
      next_try_.reset();
      return;
    }
  }
  if (!unserved_since_) unserved_since_ = now;
  const bool bound_reached = now - *unserved_since_ >= unserved_max_;
  // Not before the next try is due, unless the bound is: the jobs fail then.
  if (next_try_ && now < *next_try_ && !bound_reached) return;
  next_try_ = now + kRetryEvery;
  if (start_thread() || !bound_reached) return;
  std::deque<std::shared_ptr<Job>> jobs;
  {
    const std::lock_guard<std::mutex> lock(queue_->mutex);
    if (queue_->threads > 0) return;
    jobs.swap(queue_->jobs);
    queue_->unserved.store(false, std::memory_order_release);
  }
  unserved_since_.reset();
  next_try_.reset();
  // Outside the lock, as the destructor drops them. The bound, not how long
  // this poll came after it: "for 10 s", not "for 10.013 s" (rev23 L5).
  for (const std::shared_ptr<Job>& job : jobs)
    job->no_thread(unserved_max_);
}

bool LookupWorker::reserve_thread(const std::shared_ptr<Queue>& queue) {
  Process& p = process();
  const std::lock_guard<std::mutex> lock(p.mutex);
  if (p.threads < kProcessThreadsMax) {
    ++p.threads;
    return true;
  }
  // Under the process's lock, as a thread's look for a waiting queue: either
  // it sees this one, or this call saw its thread gone (p.threads lower).
  const std::lock_guard<std::mutex> queue_lock(queue->mutex);
  --queue->threads;
  p.wait(queue);
  queue->unserved.store(false, std::memory_order_release);  // a thread comes
  return false;
}

std::shared_ptr<LookupWorker::Queue> LookupWorker::next_queue(
    const std::shared_ptr<Queue>& served) noexcept {
  Process& p = process();
  const std::lock_guard<std::mutex> lock(p.mutex);
  // Under the same lock as the pop: `served`, with jobs left, is listed
  // before this thread looks, so it is served in its turn (by this thread
  // if no other worker waits).
  if (served) p.leave(served);
  // Popping a queue may release the last hold of a destroyed worker's: it
  // then goes here, which takes no other lock.
  while (std::shared_ptr<Queue> queue = p.pop()) {
    const std::lock_guard<std::mutex> queue_lock(queue->mutex);
    // Its threads are all busy with a lookup (none waits idle): a job
    // waiting wants one more, up to kThreadsMax.
    if (queue->closed || queue->jobs.empty() || queue->threads >= kThreadsMax) {
      continue;  // destroyed, or its jobs taken by now
    }
    ++queue->threads;
    // More jobs than this thread takes: behind the others waiting, in turn.
    if (queue->jobs.size() > 1 && queue->threads < kThreadsMax) p.wait(queue);
    return queue;
  }
  --p.threads;
  return nullptr;
}

void LookupWorker::hand_on_slot() noexcept {
  std::shared_ptr<Queue> next = next_queue(nullptr);  // or the slot is given back
  if (!next) return;
  try {
    start_detached_thread([next] { serve(next, Serving::handed); });
  } catch (...) {
    Process& p = process();
    const std::lock_guard<std::mutex> lock(p.mutex);
    --p.threads;
    p.leave(next);
    // The slot is free again, and no thread that ends may come for a long
    // time: with none of its own, the queue is its owner's to serve
    // (retry(), at its next poll), not only the next lookup's.
    const std::lock_guard<std::mutex> queue_lock(next->mutex);
    if (next->threads == 0 && !next->closed && !next->jobs.empty())
      next->unserved.store(true, std::memory_order_release);
  }
}

bool LookupWorker::run_next_job(Queue& queue) noexcept {
  std::shared_ptr<Job> job;  // released after the lock (declared first)
  {
    const std::lock_guard<std::mutex> lock(queue.mutex);
    if (queue.closed || queue.jobs.empty()) {
      // With the look, under one lock: a job added after it starts a thread
      // (or waits for one), as this thread is no longer counted.
      --queue.threads;
      return false;
    }
    job = std::move(queue.jobs.front());
    queue.jobs.pop_front();
    queue.running.push_back(job);  // within the room reserved: no allocation
  }
  job->run();
  const std::lock_guard<std::mutex> lock(queue.mutex);
  std::erase(queue.running, job);
  if (!queue.closed) job->complete();
  return true;
}

void LookupWorker::serve(std::shared_ptr<Queue> queue, Serving serving) noexcept {
  if (serving == Serving::own) {
    while (run_next_job(*queue)) {
    }
    queue = next_queue(nullptr);
  }
  // Waiting workers' jobs, one at a time: after each, back to the list, where
  // the worker served is behind those that asked before it got this thread
  // (docs/io.md, "Host names": in turn, one lookup each round).
  while (queue) {
    const bool ran = run_next_job(*queue);
    queue = next_queue(ran ? queue : nullptr);
  }
}

}  // namespace hio::detail
