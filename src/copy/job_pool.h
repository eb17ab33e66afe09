// A small bounded pool for per-file work (hashing, copying data). The
// producer walks the tree on its own thread and opens the descriptors; a
// full queue makes it wait, so the number of open files stays bounded.
#ifndef ZLAYER_COPY_JOB_POOL_H_
#define ZLAYER_COPY_JOB_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::copy::internal {

class JobPool {
 public:
  // `threads` 0 means hardware_concurrency.
  explicit JobPool(size_t threads = 0, size_t capacity = 128);
  ~JobPool();
  JobPool(const JobPool&) = delete;
  JobPool& operator=(const JobPool&) = delete;

  // Queues a job; once a job has failed, later ones are dropped.
  void Submit(std::function<Status()> job);
  // Waits until every queued job has run; the first failure, if any.
  Status Wait();
  bool failed();

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable room_;
  std::condition_variable idle_;
  std::deque<std::function<Status()>> queue_;
  size_t capacity_;
  size_t running_ = 0;
  bool stop_ = false;
  std::optional<Error> error_;
  std::vector<std::thread> threads_;
};

}  // namespace zlayer::copy::internal

#endif  // ZLAYER_COPY_JOB_POOL_H_
