#include "progress/transfer_throttle.h"

namespace zlayer::progress {

void TransferThrottle::Start(std::string_view key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = last_.find(key);
  if (it == last_.end()) {
    last_.emplace(std::string(key), now);
  } else {
    it->second = now;
  }
}

bool TransferThrottle::Allow(std::string_view key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = last_.find(key);
  if (it == last_.end()) {
    // Never started (or already finished): the update is the first sign
    // of the blob, which is worth showing.
    last_.emplace(std::string(key), now);
    return true;
  }
  if (now - it->second < interval_) return false;
  it->second = now;
  return true;
}

void TransferThrottle::Finish(std::string_view key) {
  std::lock_guard lock(mu_);
  auto it = last_.find(key);
  if (it != last_.end()) last_.erase(it);
}

void TransferReporter::Started(std::string_view digest, std::string_view what,
                               uint64_t total) {
  if (sink_ == nullptr) return;
  throttle_.Start(digest, TransferThrottle::Clock::now());
  Emit(digest, what, TransferState::kStarted, 0, total);
}

void TransferReporter::Running(std::string_view digest, std::string_view what,
                               uint64_t done, uint64_t total) {
  if (sink_ == nullptr) return;
  if (!throttle_.Allow(digest, TransferThrottle::Clock::now())) return;
  Emit(digest, what, TransferState::kRunning, done, total);
}

void TransferReporter::Finished(std::string_view digest, std::string_view what,
                                TransferState state, uint64_t done,
                                uint64_t total) {
  if (sink_ == nullptr) return;
  throttle_.Finish(digest);
  Emit(digest, what, state, done, total);
}

Status TransferReporter::Track(
    std::string_view digest, std::string_view what, uint64_t total,
    const std::function<Status(const OnBytes&)>& move) {
  Started(digest, what, total);
  uint64_t moved = 0;
  Status status = move([&](uint64_t done) {
    moved = done;
    Running(digest, what, done, total);
  });
  if (status) {
    // Without a known total, what moved is the size.
    uint64_t size = total > 0 ? total : moved;
    Finished(digest, what, TransferState::kDone, size, size);
  } else {
    Finished(digest, what, TransferState::kFailed, moved, total);
  }
  return status;
}

void TransferReporter::Emit(std::string_view digest, std::string_view what,
                            TransferState state, uint64_t done,
                            uint64_t total) {
  sink_->Emit(TransferProgress{.kind = kind_,
                               .ref = ref_,
                               .digest = std::string(digest),
                               .what = std::string(what),
                               .state = state,
                               .done = done,
                               .total = total});
}

}  // namespace zlayer::progress
