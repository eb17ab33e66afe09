#include "progress/json_renderer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "progress/test_support.h"

namespace zlayer::progress {
namespace {

using testing::Capture;

std::vector<nlohmann::json> Lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

TEST(JsonRendererTest, OneObjectPerLine) {
  auto capture = Capture::Pipe();
  {
    JsonRenderer renderer(capture.fd());
    renderer.Emit(BuildStarted{.build_id = "b", .total_stages = 1});
    renderer.Emit(OutputLine{.line = "has\nnewline"});
    renderer.Emit(BuildComplete{.image_id = "sha256:1", .tags = {"t"}});
  }
  std::string text = capture.Finish();
  ASSERT_TRUE(text.ends_with("}\n")) << text;
  auto lines = Lines(text);
  ASSERT_EQ(lines.size(), 3u) << text;
  EXPECT_EQ(lines[0]["type"], "build_started");
  EXPECT_EQ(lines[1]["line"], "has\nnewline");
  EXPECT_EQ(lines[2]["image_id"], "sha256:1");
  // The time is the wall clock when the event was rendered.
  EXPECT_TRUE(lines[2]["time"].get<std::string>().starts_with("20"));
}

TEST(JsonRendererTest, ConcurrentLongLinesNeverInterleave) {
  constexpr int kThreads = 4;
  constexpr int kLines = 300;
  auto capture = Capture::Pipe();
  {
    JsonRenderer renderer(capture.fd());
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&renderer, t] {
        for (int i = 0; i < kLines; ++i) {
          // Longer than PIPE_BUF, so only the lock keeps lines whole.
          renderer.Emit(OutputLine{
              .stage = t, .step = i, .line = std::string(9000, 'a' + t)});
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }
  auto lines = Lines(capture.Finish());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  std::vector<int> next(kThreads, 0);
  for (const auto& line : lines) {
    int t = line["stage"];
    EXPECT_EQ(line["line"], std::string(9000, 'a' + t));
    EXPECT_EQ(line["step"], next[t]++);
  }
}

TEST(JsonRendererTest, DropsRunningTransfersCloserThan100msOnly) {
  auto transfer = [](const std::string& digest, TransferState state,
                     uint64_t done) {
    return TransferProgress{.kind = TransferKind::kPull,
                            .ref = "docker.io/library/alpine:latest",
                            .digest = digest,
                            .what = "layer",
                            .state = state,
                            .done = done,
                            .total = 100};
  };
  auto capture = Capture::Pipe();
  {
    JsonRenderer renderer(capture.fd());
    renderer.Emit(transfer("sha256:a", TransferState::kStarted, 0));
    for (uint64_t i = 1; i <= 50; ++i) {
      renderer.Emit(transfer("sha256:a", TransferState::kRunning, i));
    }
    // Another blob's ends are never dropped, however close.
    renderer.Emit(transfer("sha256:b", TransferState::kStarted, 0));
    renderer.Emit(transfer("sha256:b", TransferState::kFailed, 3));
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    renderer.Emit(transfer("sha256:a", TransferState::kRunning, 60));
    renderer.Emit(transfer("sha256:a", TransferState::kRunning, 70));
    renderer.Emit(transfer("sha256:a", TransferState::kDone, 100));
  }
  auto lines = Lines(capture.Finish());
  std::vector<std::string> seen;
  for (const auto& line : lines) {
    EXPECT_EQ(line["type"], "transfer_progress");
    seen.push_back(line["digest"].get<std::string>() + " " +
                   line["state"].get<std::string>() + " " +
                   std::to_string(line["done"].get<uint64_t>()));
  }
  EXPECT_EQ(seen,
            (std::vector<std::string>{
                "sha256:a started 0", "sha256:b started 0", "sha256:b failed 3",
                "sha256:a running 60", "sha256:a done 100"}));
}

}  // namespace
}  // namespace zlayer::progress
