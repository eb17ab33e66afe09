#include "progress/transfer_throttle.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace zlayer::progress {
namespace {

using std::chrono::milliseconds;
using Clock = TransferThrottle::Clock;

class RecordingSink final : public EventSink {
 public:
  void Emit(const Event& event) override {
    std::lock_guard lock(mu_);
    events_.push_back(std::get<TransferProgress>(event));
  }
  std::vector<TransferProgress> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<TransferProgress> events_;
};

TEST(TransferThrottleTest, OneRunningUpdatePerIntervalPerKey) {
  TransferThrottle throttle(milliseconds(100));
  Clock::time_point t0 = Clock::now();
  throttle.Start("a", t0);
  throttle.Start("b", t0 + milliseconds(60));
  EXPECT_FALSE(throttle.Allow("a", t0 + milliseconds(50)));
  EXPECT_TRUE(throttle.Allow("a", t0 + milliseconds(100)));
  EXPECT_FALSE(throttle.Allow("a", t0 + milliseconds(150)));
  // Keys are independent: b started later.
  EXPECT_FALSE(throttle.Allow("b", t0 + milliseconds(150)));
  EXPECT_TRUE(throttle.Allow("b", t0 + milliseconds(160)));
  EXPECT_TRUE(throttle.Allow("a", t0 + milliseconds(200)));
  // A restart (a retried blob) waits a whole interval again.
  throttle.Start("a", t0 + milliseconds(400));
  EXPECT_FALSE(throttle.Allow("a", t0 + milliseconds(450)));
  // After Finish the key is unknown; an update for it is its first sign.
  throttle.Finish("a");
  EXPECT_TRUE(throttle.Allow("a", t0 + milliseconds(451)));
  EXPECT_FALSE(throttle.Allow("a", t0 + milliseconds(452)));
}

TEST(TransferReporterTest, NullSinkStillRunsTheTransfer) {
  TransferReporter reporter(nullptr, TransferKind::kPull, "r");
  int calls = 0;
  Status status = reporter.Track("sha256:a", "layer", 10,
                                 [&](const TransferReporter::OnBytes& on) {
                                   ++calls;
                                   on(10);
                                   return Fail("broken", ErrorKind::kIo);
                                 });
  EXPECT_EQ(calls, 1);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message(), "broken");
}

TEST(TransferReporterTest, TrackReportsStartedThenDoneWithTheTotal) {
  RecordingSink sink;
  TransferReporter reporter(&sink, TransferKind::kPush, "host/app:v1");
  Status status = reporter.Track("sha256:a", "config", 42,
                                 [](const TransferReporter::OnBytes& on) {
                                   // Within the first 100 ms: throttled.
                                   for (uint64_t i = 1; i <= 42; ++i) on(i);
                                   return Ok();
                                 });
  ASSERT_TRUE(status) << status.error().message();
  auto events = sink.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, TransferKind::kPush);
  EXPECT_EQ(events[0].ref, "host/app:v1");
  EXPECT_EQ(events[0].digest, "sha256:a");
  EXPECT_EQ(events[0].what, "config");
  EXPECT_EQ(events[0].state, TransferState::kStarted);
  EXPECT_EQ(events[0].done, 0u);
  EXPECT_EQ(events[0].total, 42u);
  EXPECT_EQ(events[1].state, TransferState::kDone);
  EXPECT_EQ(events[1].done, 42u);
  EXPECT_EQ(events[1].total, 42u);
}

TEST(TransferReporterTest, TrackReportsFailureWithTheBytesMoved) {
  RecordingSink sink;
  TransferReporter reporter(&sink, TransferKind::kPull, "r", milliseconds(0));
  Status status = reporter.Track("sha256:a", "layer", 100,
                                 [](const TransferReporter::OnBytes& on) {
                                   on(30);
                                   on(60);
                                   return Fail("reset", ErrorKind::kIo);
                                 });
  ASSERT_FALSE(status);
  auto events = sink.events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[1].state, TransferState::kRunning);
  EXPECT_EQ(events[1].done, 30u);
  EXPECT_EQ(events[2].done, 60u);
  EXPECT_EQ(events[3].state, TransferState::kFailed);
  EXPECT_EQ(events[3].done, 60u);
  EXPECT_EQ(events[3].total, 100u);
}

TEST(TransferReporterTest, ParallelBlobsAreThrottledEachOnItsOwn) {
  constexpr int kBlobs = 6;
  const auto kDuration = milliseconds(350);
  RecordingSink sink;
  TransferReporter reporter(&sink, TransferKind::kPull, "r");
  std::vector<std::thread> threads;
  for (int b = 0; b < kBlobs; ++b) {
    threads.emplace_back([&, b] {
      Status status = reporter.Track(
          "sha256:" + std::to_string(b), "layer", 0,
          [&](const TransferReporter::OnBytes& on) {
            auto start = Clock::now();
            uint64_t done = 0;
            while (Clock::now() - start < kDuration) {
              on(++done);
              std::this_thread::sleep_for(std::chrono::microseconds(100));
            }
            return Ok();
          });
      EXPECT_TRUE(status);
    });
  }
  for (auto& thread : threads) thread.join();
  std::map<std::string, std::vector<TransferProgress>> by_blob;
  for (const TransferProgress& e : sink.events())
    by_blob[e.digest].push_back(e);
  ASSERT_EQ(by_blob.size(), static_cast<size_t>(kBlobs));
  for (const auto& [digest, events] : by_blob) {
    SCOPED_TRACE(digest);
    ASSERT_GE(events.size(), 3u);
    EXPECT_EQ(events.front().state, TransferState::kStarted);
    EXPECT_EQ(events.back().state, TransferState::kDone);
    // 350 ms at one update per 100 ms: three, never the thousands offered.
    size_t running = events.size() - 2;
    EXPECT_GE(running, 1u);
    EXPECT_LE(running, 3u);
    for (size_t i = 1; i + 1 < events.size(); ++i) {
      EXPECT_EQ(events[i].state, TransferState::kRunning);
      if (i > 1) {
        EXPECT_GT(events[i].done, events[i - 1].done);
      }
    }
  }
}

}  // namespace
}  // namespace zlayer::progress
