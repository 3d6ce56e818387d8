#include "lookup_worker.hpp"

#include <thread>
#include <utility>

namespace hio::detail {

LookupWorker::~LookupWorker() {
  if (!queue_) return;
  std::deque<std::shared_ptr<Job>> jobs;
  std::shared_ptr<Job> running;
  {
    const std::lock_guard<std::mutex> lock(queue_->mutex);
    queue_->closed = true;
    jobs.swap(queue_->jobs);
    running = queue_->running;
  }
  queue_->work.notify_all();
  // Outside the lock: a handler dropped may destroy what owns a job, which
  // drops that job again (no lock is held then).
  for (const std::shared_ptr<Job>& job : jobs)
    job->drop();
  if (running) running->drop();
}

void LookupWorker::add(std::shared_ptr<Job> job) {
  if (!queue_) {
    auto queue = std::make_shared<Queue>();
    std::thread([queue] { serve(queue); }).detach();
    queue_ = std::move(queue);
  }
  {
    const std::lock_guard<std::mutex> lock(queue_->mutex);
    queue_->jobs.push_back(std::move(job));
  }
  queue_->work.notify_one();
}

void LookupWorker::serve(const std::shared_ptr<Queue>& queue) noexcept {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(queue->mutex);
      queue->work.wait(lock, [&] { return queue->closed || !queue->jobs.empty(); });
      if (queue->closed) return;
      job = std::move(queue->jobs.front());
      queue->jobs.pop_front();
      queue->running = job;
    }
    job->run();
    const std::lock_guard<std::mutex> lock(queue->mutex);
    queue->running.reset();
    if (queue->closed) return;
    job->complete();
  }
}

}  // namespace hio::detail
