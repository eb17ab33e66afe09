// Records the transfer events of a pull or push for the tests, and checks
// what every blob's sequence must look like.
#ifndef ZLAYER_REGISTRY_TRANSFER_EVENTS_TESTING_H_
#define ZLAYER_REGISTRY_TRANSFER_EVENTS_TESTING_H_

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "progress/events.h"

namespace zlayer::registry::testing {

struct RecordedTransfer {
  progress::TransferProgress event;
  std::chrono::steady_clock::time_point at;
};

class RecordingSink final : public progress::EventSink {
 public:
  void Emit(const progress::Event& event) override {
    auto now = std::chrono::steady_clock::now();
    const auto* transfer = std::get_if<progress::TransferProgress>(&event);
    std::lock_guard lock(mu_);
    if (transfer == nullptr) {
      ++others_;
      return;
    }
    events_.push_back({*transfer, now});
  }

  // Every transfer event so far, by blob digest, in emission order.
  std::map<std::string, std::vector<RecordedTransfer>> ByDigest() const {
    std::lock_guard lock(mu_);
    std::map<std::string, std::vector<RecordedTransfer>> out;
    for (const RecordedTransfer& r : events_) {
      out[r.event.digest].push_back(r);
    }
    return out;
  }
  std::vector<RecordedTransfer> All() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  int others() const {
    std::lock_guard lock(mu_);
    return others_;
  }
  void Clear() {
    std::lock_guard lock(mu_);
    events_.clear();
  }

 private:
  mutable std::mutex mu_;
  std::vector<RecordedTransfer> events_;
  int others_ = 0;
};

// One blob's events: started (done 0) first, only running in between, and
// exactly one final `end` state last, carrying `size` as done and total.
inline void ExpectBlobSequence(const std::vector<RecordedTransfer>& events,
                               const std::string& what,
                               progress::TransferState end, uint64_t size) {
  ASSERT_GE(events.size(), 2u);
  const progress::TransferProgress& first = events.front().event;
  const progress::TransferProgress& last = events.back().event;
  EXPECT_EQ(first.state, progress::TransferState::kStarted);
  EXPECT_EQ(first.done, 0u);
  EXPECT_EQ(first.total, size);
  for (size_t i = 1; i + 1 < events.size(); ++i) {
    EXPECT_EQ(events[i].event.state, progress::TransferState::kRunning) << i;
  }
  EXPECT_EQ(last.state, end) << progress::TransferStateName(last.state);
  EXPECT_EQ(last.done, size);
  EXPECT_EQ(last.total, size);
  for (const RecordedTransfer& r : events) EXPECT_EQ(r.event.what, what);
}

}  // namespace zlayer::registry::testing

#endif  // ZLAYER_REGISTRY_TRANSFER_EVENTS_TESTING_H_
