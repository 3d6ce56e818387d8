#include "lookup_worker.hpp"

#include <algorithm>
#include <thread>
#include <utility>

namespace hio::detail {

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
  queue_->work.notify_all();
  // Outside the lock: a handler dropped may destroy what owns a job, which
  // drops that job again (no lock is held then).
  for (const std::shared_ptr<Job>& job : jobs)
    job->drop();
  for (const std::shared_ptr<Job>& job : running)
    job->drop();
}

void LookupWorker::add(std::shared_ptr<Job> job) {
  if (!queue_) {
    auto queue = std::make_shared<Queue>();
    queue->running.reserve(kThreadsMax);
    queue_ = std::move(queue);
  }
  bool start = false;
  {
    const std::lock_guard<std::mutex> lock(queue_->mutex);
    queue_->jobs.push_back(std::move(job));
    // More jobs waiting than threads free to take them: one more thread,
    // unless there are kThreadsMax (then the job waits for one).
    start = queue_->jobs.size() > queue_->idle && queue_->threads < kThreadsMax;
    if (start) ++queue_->threads;
  }
  queue_->work.notify_one();  // a thread that is free takes it
  if (!start) return;
  try {
    std::thread([queue = queue_] { serve(queue); }).detach();
  } catch (...) {
    const std::lock_guard<std::mutex> lock(queue_->mutex);
    // With a thread already, the job waits for it; without, nothing would
    // ever run it (no thread took it: it is still the last).
    if (--queue_->threads > 0) return;
    queue_->jobs.pop_back();
    throw;
  }
}

void LookupWorker::serve(const std::shared_ptr<Queue>& queue) noexcept {
  for (;;) {
    std::shared_ptr<Job> job;  // released after the lock (declared first)
    {
      std::unique_lock<std::mutex> lock(queue->mutex);
      ++queue->idle;
      queue->work.wait(lock, [&] { return queue->closed || !queue->jobs.empty(); });
      --queue->idle;
      if (queue->closed) return;
      job = std::move(queue->jobs.front());
      queue->jobs.pop_front();
      queue->running.push_back(job);  // within the room reserved: no allocation
    }
    job->run();
    const std::lock_guard<std::mutex> lock(queue->mutex);
    std::erase(queue->running, job);
    if (queue->closed) return;
    job->complete();
  }
}

}  // namespace hio::detail
