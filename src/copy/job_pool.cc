#include "copy/job_pool.h"

#include <algorithm>

namespace zlayer::copy::internal {

JobPool::JobPool(size_t threads, size_t capacity)
    : capacity_(std::max<size_t>(capacity, 1)) {
  if (threads == 0) {
    threads = std::max<unsigned>(std::thread::hardware_concurrency(), 1);
  }
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

JobPool::~JobPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void JobPool::Submit(std::function<Status()> job) {
  std::unique_lock<std::mutex> lock(mu_);
  room_.wait(lock, [this] { return queue_.size() < capacity_ || error_; });
  if (error_) return;
  queue_.push_back(std::move(job));
  work_.notify_one();
}

Status JobPool::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return queue_.empty() && running_ == 0; });
  if (error_) {
    Error error = *error_;
    error_.reset();
    return std::unexpected(std::move(error));
  }
  return Ok();
}

bool JobPool::failed() {
  std::lock_guard<std::mutex> lock(mu_);
  return error_.has_value();
}

void JobPool::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping
    std::function<Status()> job = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    room_.notify_one();
    bool skip = error_.has_value();
    lock.unlock();
    Status status = skip ? Ok() : job();
    job = nullptr;  // releases what the job held (descriptors) unlocked
    lock.lock();
    --running_;
    if (!status && !error_) {
      error_ = status.error();
      room_.notify_all();
    }
    if (queue_.empty() && running_ == 0) idle_.notify_all();
  }
}

}  // namespace zlayer::copy::internal
